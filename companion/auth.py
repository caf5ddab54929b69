"""Logging in and out, invitations, and the session rules behind them."""
import hashlib
import logging
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request,
    session, url_for,
)
from flask_babel import gettext as _
from flask_login import (
    COOKIE_NAME, LoginManager, current_user, login_required, login_user, logout_user,
)
from werkzeug.security import check_password_hash, generate_password_hash

from .access import log_access
from .fields import form_load
from .models import AccessLog, Invitation, User, utcnow
from .schemas import NewPasswordSchema
from .security import limiter

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
log = logging.getLogger("companion.auth")

# Compared against when the login is unknown, so a wrong login takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def init_app(app):
    """Attach Flask-Login with the session-version check."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.unauthorized_handler
    def _unauthorized():
        from .errors import error_response, wants_json
        if wants_json():
            return error_response(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@login_manager.user_loader
def load_user(user_id):
    """Find the person a cookie names, if that cookie is still current."""
    try:
        pk, version = (int(part) for part in user_id.split("."))
    except (ValueError, AttributeError):
        return None
    user = User.get_or_none(User.id == pk)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def end_all_sessions(user):
    """Make every cookie issued to this person stop working."""
    User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
    user.session_version += 1


def tried_login():
    """The login being tried, as it is looked up."""
    if request.is_json:
        data = request.get_json(silent=True)
        login = data.get("login") if isinstance(data, dict) else ""
    else:
        login = request.form.get("login")
    return str(login or "").strip().lower()[:80]


def login_key():
    """A login across every address: a high ceiling against guessing from many places."""
    return "login:" + tried_login()


def pair_key():
    """A login from one address: the limit a wrong guesser reaches first.

    Reaching it locks out only that address for that login, so an attacker can't keep
    the real person, elsewhere, from logging in.
    """
    return f"pair:{tried_login()}@{request.remote_addr}"


def _failed(response):
    return response.status_code == 401


def login_limits(view):
    """The three login limits, counting failures only: per login and address, per address,
    and a higher ceiling per login across addresses."""
    view = limiter.shared_limit(lambda: current_app.config["LOGIN_ADDRESS_LIMIT"],
                                scope="login-address", deduct_when=_failed,
                                methods=["POST"])(view)
    view = limiter.shared_limit(lambda: current_app.config["LOGIN_CEILING"],
                                scope="login-name", key_func=login_key,
                                deduct_when=_failed, methods=["POST"])(view)
    return limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT"],
                                scope="login-pair", key_func=pair_key,
                                deduct_when=_failed, methods=["POST"])(view)


def attempt_login(login, password, remember):
    """Log the person in if the login and password match; return them or None."""
    login = (login or "").strip().lower()
    # NUL can't be a login, and PostgreSQL refuses it in a query.
    user = User.get_or_none(User.login == login) if login and "\x00" not in login else None
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    ok = check_password_hash(stored, password or "") and user is not None \
        and user.active and user.password_hash is not None
    log.info("login attempt login=%r address=%s result=%s",
             login[:80], request.remote_addr, "ok" if ok else "refused")
    if not ok:
        return None
    # A fresh session at login: nothing planted before it survives, not even an older
    # remember-me cookie, which could otherwise bring back whoever set it.
    session.clear()
    login_user(user, remember=bool(remember), fresh=True)
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    if not remember and remembered in request.cookies:
        session["_remember"] = "clear"
    return user


def safe_next(target):
    """Return target if it is a path on this site, else the home page."""
    # Browsers drop tabs and newlines from URLs, and a newline can't go in a Location header.
    if not target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return url_for("pages.home")
    target = target.replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.home")
    return target


def refused_message():
    """What a refused login says: never which of the two was wrong."""
    return _("ログインIDかパスワードがちがいます。")


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login():
    """The login form."""
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    error = None
    if request.method == "POST":
        user = attempt_login(request.form.get("login"), request.form.get("password"),
                             request.form.get("remember"))
        if user:
            target = safe_next(request.form.get("next") or request.args.get("next"))
            if user.reset_used_at is not None:
                return redirect(url_for("auth.reset_notice", next=target))
            return redirect(target)
        error = refused_message()
    return render_template("auth/login.html", error=error,
                           next=request.values.get("next", "")), 401 if error else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out everywhere: every earlier cookie stops working."""
    end_all_sessions(current_user._get_current_object())
    forget_device(current_user)
    session.clear()
    logout_user()  # after clear(): it marks the remember-me cookie for deletion
    flash(_("ログアウトしました。"))
    return redirect(url_for("auth.login"))


def forget_device(user):
    """Logging out of a device stops its reminders: the subscription made in this session goes."""
    from .reminders.push import unsubscribe
    unsubscribe(user, session=session)


def hash_token(token):
    """Invitation tokens are stored hashed, like passwords."""
    return hashlib.sha256(token.encode()).hexdigest()


RESET_MINUTES = 30


def issue_invitation(user, created_by=None):
    """Create a one-time link for user to choose a password; return the raw token.

    For an account that already has a password it is a reset: it works for 30 minutes,
    and making it is written in that person's access log. A new account's invitation
    keeps its days.
    """
    token = secrets.token_urlsafe(24)
    now = utcnow()
    reset = user.password_hash is not None
    # A new link replaces any older one still waiting.
    Invitation.update(used_at=now).where(
        (Invitation.user == user) & Invitation.used_at.is_null()).execute()
    lifetime = (timedelta(minutes=RESET_MINUTES) if reset
                else timedelta(days=current_app.config["INVITATION_DAYS"]))
    Invitation.create(user=user, created_by=created_by, token_hash=hash_token(token),
                      created_at=now, expires_at=now + lifetime,
                      purpose="reset" if reset else "invite")
    if reset and created_by is not None:
        log_access(created_by, user, "reset_issued")
    return token


def find_invitation(token):
    """The invitation for token if it is unused, unexpired and for an active account, else None."""
    inv = Invitation.get_or_none(Invitation.token_hash == hash_token(token or ""))
    if inv is None or inv.used_at is not None or inv.expires_at < utcnow() or not inv.user.active:
        return None
    return inv


def set_password(user, password):
    """Store a new password and end every existing session."""
    user.password_hash = generate_password_hash(password)
    user.session_version += 1
    user.save()


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    """Choose a password from a one-time invitation link."""
    inv = find_invitation(token)
    if inv is None:
        return render_template("auth/invite_invalid.html"), 404
    user = inv.user
    error = None
    if request.method == "POST":
        data, errors = form_load(NewPasswordSchema(login=user.login), request.form,
                                 keep_blank=("password", "password2"))
        error = next(iter(errors.values()), None)
        if not error:
            password = data["password"]
            from .db import database
            with database.atomic():
                claimed = Invitation.update(used_at=utcnow()).where(
                    (Invitation.id == inv.id) & Invitation.used_at.is_null()).execute()
                if not claimed:
                    abort(404)
                set_password(user, password)
                if inv.purpose == "reset":
                    now = utcnow()
                    User.update(reset_used_at=now).where(User.id == user.id).execute()
                    log_access(inv.created_by_id or user.id, user, "reset_used", always=True)
            session.clear()
            login_user(user, remember=inv.purpose != "reset")
            if inv.purpose == "reset":
                # Whoever holds this session came in by a staff link: what it opens is kept.
                session["via_reset"] = True
            flash(_("パスワードを決めました。ようこそ!"))
            return redirect(url_for("pages.home"))
    return render_template("auth/invite.html", user=user, error=error), 422 if error else 200


@bp.route("/settings/password", methods=["POST"])
@login_required
def change_password():
    """Change one's own password; every other session ends."""
    user = current_user._get_current_object()
    if not check_password_hash(user.password_hash or _DUMMY_HASH, request.form.get("current", "")):
        flash(_("いまのパスワードがちがいます。"), "error")
        return redirect(url_for("pages.settings"))
    data, errors = form_load(NewPasswordSchema(login=user.login, only=("password",)),
                             request.form, keep_blank=("password",))
    if errors:
        flash(errors["password"], "error")
        return redirect(url_for("pages.settings"))
    # Stay as remembered as before: a shared computer must not start remembering.
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    set_password(user, data["password"])
    session.clear()
    login_user(user, remember=remembered)
    flash(_("パスワードを変えました。ほかの端末ではログインし直してください。"))
    return redirect(url_for("pages.settings"))


# What a session that came in by a staff link opened (GET pages and files of the person's own).
OWN_READS = {
    "pages.home": "home", "notes.index": "notes", "notes.edit": "note", "prepare.prepare": "agenda",
    "reports.records": "meeting", "reports.client_report": "report",
    "api.notes.list_notes": "notes", "api.notes.read": "note", "api.export.export_json": "export",
    "api.export.export_csv": "export", "clients.access_log": "access_log",
}


@bp.after_app_request
def _keep_reads_after_reset(response):
    """Log what an account opens after its password was set by a staff link."""
    if (session.get("via_reset") and request.method == "GET" and response.status_code == 200
            and request.endpoint in OWN_READS and current_user.is_authenticated):
        log_access(current_user, current_user, OWN_READS[request.endpoint], always=True)
    return response


@bp.route("/security-notice", methods=["GET", "POST"])
@login_required
def reset_notice():
    """At the first login after a staff link set the password: who made it, and what was opened."""
    user = current_user._get_current_object()
    target = safe_next(request.values.get("next"))
    if user.reset_used_at is None:
        return redirect(target)
    if request.method == "POST":
        User.update(reset_used_at=None).where(User.id == user.id).execute()
        return redirect(target)
    issued = (AccessLog.select().where((AccessLog.client == user.id)
                                       & (AccessLog.what == "reset_issued")
                                       & (AccessLog.at <= user.reset_used_at))
              .order_by(AccessLog.at.desc()).first())
    since = issued.at if issued else user.reset_used_at
    opened = list(AccessLog.select().where((AccessLog.client == user.id)
                                           & (AccessLog.actor == user.id)
                                           & (AccessLog.at >= since))
                  .order_by(AccessLog.at))
    return render_template("auth/reset_notice.html", issued=issued, used_at=user.reset_used_at,
                           opened=opened, next=target)
