"""Web Push with VAPID (pywebpush): the server's key, each device's subscription, one send.

The key pair is made once into the instance folder (`vapid_private.pem`, mode 0600), like
the secret key, unless COMPANION_VAPID_PRIVATE_KEY gives it to every server. The public
key, derived from it, is what the page hands to the browser's PushManager.
"""
import hashlib
import json
from dataclasses import dataclass

import requests
from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid, b64urlencode
from pywebpush import WebPushException, webpush

from .. import config
from ..models import PushSubscription, utcnow

TIMEOUT = 10  # seconds for one push service to answer


def _new_pem():
    key = Vapid()
    key.generate_keys()
    return key.private_pem().decode()


def vapid_key(app=None):
    """The server's VAPID key (a py_vapid Vapid), read once per app."""
    app = app or current_app
    key = app.extensions.get("companion.vapid")
    if key is None:
        raw = app.config.get("VAPID_PRIVATE_KEY") or config.instance_secret(
            app.instance_path, "vapid_private.pem", _new_pem)
        raw = raw.strip()
        key = (Vapid.from_pem(raw.encode()) if "BEGIN" in raw
               else Vapid.from_string(private_key=raw))
        # The subject is checked by subject_problem(); an http: base URL is fine on a laptop.
        key.conf["no-strict"] = True
        app.extensions["companion.vapid"] = key
    return key


def public_key(app=None):
    """The application server key for PushManager.subscribe(), base64url (uncompressed point)."""
    point = vapid_key(app).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64urlencode(point)


def subject(app=None):
    """The contact push services ask for: COMPANION_VAPID_SUBJECT, else the site's address."""
    app = app or current_app
    return app.config.get("VAPID_SUBJECT") or app.config["BASE_URL"]


def subject_problem(app=None):
    """Why a push service may refuse the subject, or None."""
    value = subject(app)
    if value.startswith("mailto:") and "@" in value or value.startswith("https://"):
        return None
    return (f"COMPANION_VAPID_SUBJECT is {value!r}: push services expect a mailto: address "
            "or an https: URL")


def endpoint_hash(endpoint):
    return hashlib.sha256(endpoint.encode()).hexdigest()


def endpoint_hashes(user):
    """The SHA-256 of each endpoint this person receives reminders at: the page tells from
    them whether this browser's subscription is theirs (a shared device may hold another's)."""
    return [h for (h,) in PushSubscription.select(PushSubscription.endpoint_hash)
            .where(PushSubscription.user == user.id).tuples()]


def subscribe(user, data, session=None):
    """Keep this device's subscription for user; a device that changed hands is theirs now.

    `session` (the login's Flask session) remembers it, so that logging out removes it.
    """
    digest = endpoint_hash(data["endpoint"])
    keys = data["keys"]
    sub = PushSubscription.get_or_none(PushSubscription.endpoint_hash == digest)
    if sub is None:
        sub = PushSubscription.create(user=user.id, endpoint_hash=digest,
                                      endpoint=data["endpoint"], p256dh=keys["p256dh"],
                                      auth=keys["auth"])
    else:
        sub.user, sub.p256dh, sub.auth = user.id, keys["p256dh"], keys["auth"]
        sub.save()
    if session is not None:
        session["push"] = sub.id
    return sub


def unsubscribe(user, endpoint=None, session=None):
    """Forget this device's subscription (by endpoint, or the one the session remembers)."""
    query = PushSubscription.delete().where(PushSubscription.user == user.id)
    if endpoint:
        query = query.where(PushSubscription.endpoint_hash == endpoint_hash(endpoint))
    elif session is not None and session.get("push"):
        query = query.where(PushSubscription.id == session["push"])
    else:
        return 0
    if session is not None:
        session.pop("push", None)
    return query.execute()


@dataclass(frozen=True)
class Outcome:
    """How one send went: sent, gone (404/410: drop the subscription) or retry (try again)."""
    state: str
    detail: str = ""


def send(sub, payload, ttl, app=None):
    """Send one encrypted message to one device and say how it went."""
    app = app or current_app
    info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
    try:
        # A fresh claims dict each time: pywebpush fills in this endpoint's audience.
        webpush(info, json.dumps(payload, ensure_ascii=False), vapid_private_key=vapid_key(app),
                vapid_claims={"sub": subject(app)}, timeout=TIMEOUT, ttl=max(int(ttl), 0))
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            return Outcome("gone", f"HTTP {status}")
        if status is not None and 400 <= status < 500 and status != 429:
            return Outcome("failed", f"HTTP {status}")
        return Outcome("retry", f"HTTP {status}" if status else str(exc)[:200])
    except requests.RequestException as exc:
        return Outcome("retry", type(exc).__name__)
    PushSubscription.update(last_sent_at=utcnow()).where(PushSubscription.id == sub.id).execute()
    return Outcome("sent")
