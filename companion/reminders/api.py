"""The push API: the server's public key, and this device's subscription on or off."""
from flask import Blueprint, jsonify, session
from flask_login import current_user, login_required

from ..api import load
from ..openapi import doc
from . import push
from .schemas import PushEndpointSchema, PushKeySchema, PushSubscriptionSchema

bp = Blueprint("push", __name__)


@bp.get("/push/key")
@doc("The VAPID public key for PushManager.subscribe()", response=PushKeySchema)
@login_required
def key():
    """The application server key, base64url."""
    return jsonify({"public_key": push.public_key()})


@bp.post("/push/subscriptions")
@doc("Receive reminders on this device", body=PushSubscriptionSchema, status=201, empty=True)
@login_required
def subscribe():
    """Keep this browser's subscription; logging out of this device removes it."""
    data = load(PushSubscriptionSchema())
    push.subscribe(current_user, data, session)
    return "", 201


@bp.delete("/push/subscriptions")
@doc("Stop reminders on this device", body=PushEndpointSchema, status=204, empty=True)
@login_required
def unsubscribe():
    """Forget this browser's subscription (already gone is fine)."""
    data = load(PushEndpointSchema())
    push.unsubscribe(current_user, endpoint=data["endpoint"], session=session)
    return "", 204
