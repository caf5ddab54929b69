"""The JSON API under /api/v1: shared helpers, the session and the person signed in."""
from flask import Blueprint, jsonify, request, session
from flask_login import current_user, login_required, logout_user
from flask_wtf.csrf import generate_csrf
from marshmallow import ValidationError

from . import auth, openapi
from .errors import Refused, api_error
from .fields import plain
from .openapi import doc
from .schemas import LoginSchema, MeSchema, SessionSchema, UserSchema

bp = Blueprint("api", __name__, url_prefix="/api/v1")
openapi.register(bp)


def load(schema, data=None, **kwargs):
    """Validate the request body with schema; raise a 422 with per-field messages."""
    if data is None:
        data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Refused(400)
    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        raise Refused(422, fields=plain(exc.messages))


def me_data():
    """The signed-in person with a CSRF token for their next write."""
    data = MeSchema().dump(current_user)
    data["csrf_token"] = generate_csrf()
    return data


@bp.get("/session")
@doc("Who is signed in, and a CSRF token", response=SessionSchema)
def session_get():
    """Who is signed in (or null), and a CSRF token for logging in."""
    user = UserSchema().dump(current_user) if current_user.is_authenticated else None
    return jsonify(SessionSchema().dump({"user": user, "csrf_token": generate_csrf()}))


@bp.post("/session")
@doc("Log in", body=LoginSchema, response=SessionSchema)
@auth.login_limits
def session_create():
    """Log in with a login and password."""
    data = load(LoginSchema())
    user = auth.attempt_login(data["login"], data["password"], data["remember"])
    if user is None:
        return api_error(401, auth.refused_message())
    return jsonify(user=UserSchema().dump(user), csrf_token=generate_csrf())


@bp.delete("/session")
@doc("Log out everywhere", status=204, empty=True)
def session_delete():
    """Log out everywhere; already logged out is fine too, so a retried logout succeeds."""
    if current_user.is_authenticated:
        auth.end_all_sessions(current_user._get_current_object())
        auth.forget_device(current_user)
    session.clear()
    logout_user()  # after clear(): it marks the remember-me cookie for deletion
    return "", 204


@bp.get("/me")
@doc("The person signed in", response=MeSchema)
@login_required
def me():
    """The person signed in."""
    return jsonify(me_data())


@bp.patch("/me")
@doc("Change language or furigana", body=UserSchema(partial=True), response=MeSchema)
@login_required
def me_update():
    """Change one's language or furigana setting."""
    data = load(UserSchema(partial=True))
    user = current_user._get_current_object()
    for key, value in data.items():
        setattr(user, key, value)
    user.save()
    return jsonify(me_data())
