"""The most common passwords, refused when someone chooses a new one.

The list (about 20,000 entries) is the one Django ships, compiled by Royce Williams
from breach data; BSD licensed.
"""
import gzip
import os
from functools import lru_cache

PATH = os.path.join(os.path.dirname(__file__), "common_passwords.txt.gz")


@lru_cache(maxsize=1)
def _common():
    with gzip.open(PATH, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def is_common(password):
    """True when password is on the list, ignoring case and surrounding spaces."""
    return password.strip().lower() in _common()
