"""The most common passwords, refused when someone chooses a new one.

The list (about 20,000 entries) is the one Django ships, compiled by Royce Williams
from breach data; BSD licensed.
"""
import gzip
import os
from functools import lru_cache

from flask_babel import gettext as _

MIN_PASSWORD = 8

PATH = os.path.join(os.path.dirname(__file__), "common_passwords.txt.gz")


@lru_cache(maxsize=1)
def _common():
    with gzip.open(PATH, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def is_common(password):
    """True when password is on the list, ignoring case and surrounding spaces."""
    return password.strip().lower() in _common()


def password_problem(password, login=""):
    """Why a new password can't be used, or None."""
    if len(password or "") < MIN_PASSWORD:
        return _("パスワードは%(n)d文字以上にしてください。", n=MIN_PASSWORD)
    if len(password) > 200:
        return _("パスワードが長すぎます。")
    if is_common(password) or password.lower() == (login or "").lower():
        return _("このパスワードはよく使われていて危ないです。ほかのものにしてください。")
    return None
