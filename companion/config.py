"""Configuration read from COMPANION_* environment variables and the instance folder."""
import os
import secrets
import tempfile

ENV_PREFIX = "COMPANION_"

# name -> (default, parser); documented in README.md (a test keeps the two in step)
SETTINGS = {
    "DATABASE_URL": (None, str),
    "SECRET_KEY": (None, str),
    "RATELIMIT_STORAGE_URI": ("memory://", str),
    "LOGIN_LIMIT": ("10 per 15 minutes", str),
    "LOGIN_CEILING": ("50 per 15 minutes", str),
    "LOGIN_ADDRESS_LIMIT": ("30 per 15 minutes", str),
    "SECURE_COOKIES": (False, lambda v: v.lower() in ("1", "true", "yes")),
    "INVITATION_DAYS": (7, int),
    "TRUSTED_PROXIES": (0, int),
    "BASE_URL": ("http://127.0.0.1:5000", lambda v: v.rstrip("/")),
    "VAPID_PRIVATE_KEY": (None, str),
    "VAPID_SUBJECT": (None, str),
    # Where browsers' push subscriptions may point (host patterns): the sender posts there.
    "PUSH_SERVICES": ("fcm.googleapis.com,*.push.services.mozilla.com,*.notify.windows.com,"
                      "web.push.apple.com,*.push.apple.com", str),
}


def from_environment(environ=os.environ):
    """Return the settings that are set in the environment, parsed."""
    found = {}
    for name, (_default, parse) in SETTINGS.items():
        raw = environ.get(ENV_PREFIX + name)
        if raw not in (None, ""):
            found[name] = parse(raw)
    return found


def defaults():
    """Return every setting at its default value."""
    return {name: default for name, (default, _parse) in SETTINGS.items()}


def instance_secret(instance_path, name="secret_key", make=lambda: secrets.token_urlsafe(48)):
    """Read a secret kept in the instance folder, creating it (mode 0600) on first start.

    Several app processes may start at once: the secret is written to a private temporary
    file and linked into place, so exactly one wins and every process reads that one.
    The secret key is one; the VAPID key of Web Push (companion/reminders/push.py) another.
    """
    path = os.path.join(instance_path, name)
    while True:
        try:
            with open(path) as fh:
                key = fh.read().strip()
            if key:
                return key
            os.unlink(path)  # an empty file is left from before keys were written atomically
        except FileNotFoundError:
            pass
        fd, draft = tempfile.mkstemp(dir=instance_path, prefix=f".{name}.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(make())
            os.link(draft, path)
        except FileExistsError:
            pass  # another process won; read its key
        finally:
            os.unlink(draft)
