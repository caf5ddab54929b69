"""Settings for reminders and the calendar feed, the offer after the first note, the feed."""
from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import record_access
from ..fields import form_load
from ..security import limiter
from . import calendar
from .schemas import ReminderSettingSchema
from .sender import CLIENT_KINDS, STAFF_KINDS
from .service import save, setting_of

bp = Blueprint("reminders", __name__)


def kinds_for(user):
    """The reminder switches a person's role has."""
    return CLIENT_KINDS if user.role == "client" else STAFF_KINDS


@bp.post("/settings/reminders")
@login_required
def update():
    """Save the switches, the check-in time and the quiet hours."""
    user = current_user._get_current_object()
    schema = ReminderSettingSchema(only=(*kinds_for(user), "checkin_time", "quiet_from",
                                         "quiet_until"))
    data, errors = form_load(schema, request.form)
    if errors:
        flash(" ".join(errors.values()), "error")
        return redirect(url_for("pages.settings", _anchor="reminders"))
    data["offer_answered"] = True
    save(setting_of(user), data)
    flash(_("おしらせの設定を保存しました。"))
    return redirect(url_for("pages.settings", _anchor="reminders"))


@bp.post("/settings/reminders/offer")
@login_required
def answer_offer():
    """The one-line offer on Home, answered: it is not shown again."""
    setting = setting_of(current_user)
    save(setting, {"offer_answered": True})
    if request.form.get("answer") == "yes":
        return redirect(url_for("pages.settings", _anchor="reminders"))
    return redirect(url_for("pages.home"))


@bp.post("/settings/calendar")
@login_required
def update_calendar():
    """Turn the calendar feed on, give it a new URL (the old one stops), or turn it off."""
    setting = setting_of(current_user, create=True)
    action = request.form.get("action")
    if action in ("on", "renew"):
        calendar.new_feed(setting)
        flash(_("カレンダーのURLを作りました。") if action == "on"
              else _("新しいURLにしました。前のURLは もう使えません。"))
    elif action == "off":
        calendar.stop_feed(setting)
        flash(_("カレンダーのURLを止めました。"))
    else:
        abort(400)
    return redirect(url_for("pages.settings", _anchor="calendar"))


@bp.get("/calendar/<token>.ics")
@limiter.limit("60 per minute")
def feed(token):
    """The secret feed of someone's meetings; a revoked or wrong URL is simply not found."""
    owner = calendar.owner_of(token)
    if owner is None:
        abort(404)
    body, clients = calendar.feed(owner)
    if owner.role != "client":
        # A staff feed names clients: each is in their access log once a day, like a list.
        record_access([(owner.id, client_id) for client_id in sorted(clients)], "calendar",
                      count=False)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="companion.ics"'
    return response
