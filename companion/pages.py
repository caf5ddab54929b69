"""Home and settings: the pages every role starts from."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .fields import form_load
from .models import STAFF
from .schemas import SettingsSchema

bp = Blueprint("pages", __name__)


@bp.get("/")
@login_required
def home():
    """Each role's starting page."""
    if current_user.role == "client":
        from .notes.pages import client_home
        return client_home()
    if current_user.role == "manager":
        return redirect(url_for("accounts.index"))
    from .meetings.pages import caseload_page
    return caseload_page()


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Language, furigana, reminders, the calendar feed and password."""
    user = current_user._get_current_object()
    if request.method == "POST":
        data, errors = form_load(SettingsSchema(), request.form)
        if errors:
            flash(" ".join(errors.values()), "error")
            return redirect(url_for("pages.settings"))
        for key, value in data.items():
            setattr(user, key, value)
        user.save()
        flash(_("設定を保存しました。"))
        return redirect(url_for("pages.settings"))
    from .reminders import calendar, push
    from .reminders.pages import kinds_for
    from .reminders.service import setting_of
    setting = setting_of(user)
    token = calendar.feed_token(setting)
    return render_template(
        "pages/settings.html", reminders=setting, reminder_kinds=kinds_for(user),
        push_key=push.public_key(), push_mine=push.endpoint_hashes(user),
        feed_url=url_for("reminders.feed", token=token, _external=True) if token else None)


@bp.app_context_processor
def _navigation():
    """The menu for the signed-in person's role."""
    def nav_items():
        role = current_user.role
        items = [("pages.home", _("ホーム"))]
        if role == "client":
            items.append(("notes.index", _("メモ")))
            items.append(("reports.records", _("きろく")))
        if role in STAFF:
            items.append(("accounts.index", _("アカウント")))
        if role == "manager":
            items.append(("meetings.caseload", _("利用者")))
            items.append(("admin.access_log", _("閲覧の記録")))
        items.append(("pages.settings", _("設定")))
        return items
    return {"nav_items": nav_items}
