"""The profile pages: staff correct and record events, the client reads theirs in plain words."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import account_or_404, current_supporters, log_access, roles_required
from ..errors import Refused
from ..fields import form_load
from ..models import STAFF, ClientProfile
from ..periods import support_period
from . import service
from .schemas import (
    PROFILE_TEXT, HandleRequestSchema, JobChangeSchema, LeavingSchema, ProfileSchema,
    StepSchema, SupportEndSchema, SupporterRequestSchema,
)

bp = Blueprint("profiles", __name__)

FORMS = {  # form name → (schema, service function, done message)
    "profile": (ProfileSchema, service.edit, lambda: _("プロフィールを保存しました。")),
    "job": (JobChangeSchema, service.change_job, lambda: _("転職を記録しました。")),
    "leaving": (LeavingSchema, service.leave_job,
                lambda: _("離職を記録しました。支援は終わりました。")),
    "end": (SupportEndSchema, service.end_support, lambda: _("支援の終わりを記録しました。")),
}


def client_account(user_id):
    """A client account the staff member may manage, else 404."""
    account = account_or_404(current_user, user_id)
    if account.role != "client":
        raise Refused(404)
    return account


def staff_page(account, failed=None, errors=None, status=200):
    profile = service.profile_of(account)
    log_access(current_user, account, "profile")
    period = support_period(profile.hire_date) if profile.hire_date else None
    from ..reports.service import summaries
    unfinished = [r["month"] for r in summaries(account) if r["status"] == "draft" and r["meetings"]]
    return render_template(
        "profiles/edit.html", account=account, profile=profile, period=period,
        unfinished=unfinished,
        history=service.history(account), jobs=service.employments(account),
        checklist=service.checklist(account, profile),
        request_waiting=(service.open_request(account)
                         if current_user.role == "manager" else None),
        failed=failed, errors=errors or {}, form=request.form if failed else {}), status


@bp.get("/accounts/<int:user_id>/profile")
@roles_required(*STAFF)
def edit_page(user_id):
    """The profile's form, its events (job change, leaving, end) and its history."""
    return staff_page(client_account(user_id))


@bp.post("/accounts/<int:user_id>/profile/<any(profile, job, leaving, end):form>")
@roles_required(*STAFF)
def save(user_id, form):
    """One of the profile page's forms: nothing is saved unless all of it is right."""
    account = client_account(user_id)
    if form == "end" and current_user.role != "manager":
        raise Refused(404)
    schema, action, done = FORMS[form]
    keep = PROFILE_TEXT if form == "profile" else ()
    data, errors = form_load(schema(service.profile_of(account)), request.form, keep_blank=keep)
    if errors:
        return staff_page(account, form, errors, 422)
    action(current_user, account, data)
    flash(done())
    return redirect(url_for(".edit_page", user_id=account.id))


@bp.post("/accounts/<int:user_id>/profile/resume")
@roles_required("manager")
def resume_support(user_id):
    """Take back an end of support recorded by mistake."""
    account = client_account(user_id)
    service.resume_support(current_user, account)
    flash(_("支援の終わりを取り消しました。"))
    return redirect(url_for(".edit_page", user_id=account.id))


@bp.post("/accounts/<int:user_id>/profile/requests")
@roles_required("manager")
def close_request(user_id):
    """The manager talked it over and keeps the supporter: the request is closed."""
    account = client_account(user_id)
    data, errors = form_load(HandleRequestSchema(), request.form)
    if errors:
        raise Refused(422, fields={"outcome": [errors["outcome"]]})
    service.handle_requests(current_user, account, data["outcome"])
    flash(_("担当の変更の希望を、とじました。"))
    return redirect(url_for("accounts.show", user_id=account.id))


def tick_from_form(client):
    data, errors = form_load(StepSchema(), request.form)
    if errors:
        raise Refused(422, fields={k: [v] for k, v in errors.items()})
    service.tick(current_user, client, data["key"], data["done"] == "1")
    return data["key"]


@bp.post("/accounts/<int:user_id>/profile/steps")
@roles_required(*STAFF)
def staff_tick(user_id):
    account = client_account(user_id)
    key = tick_from_form(account)
    return redirect(url_for(".edit_page", user_id=account.id, _anchor=f"step-{key}"))


# --- the client's own page ------------------------------------------------------------------

def mine_page(errors=None, status=200):
    profile = ClientProfile.get_or_none(ClientProfile.user == current_user.id)
    period = support_period(profile.hire_date) if profile and profile.hire_date else None
    return render_template(
        "profiles/mine.html", profile=profile, period=period,
        checklist=service.checklist(current_user, profile),
        supporters=list(current_supporters(current_user)),
        waiting=service.open_request(current_user), errors=errors or {},
        form=request.form if errors else {}), status


@bp.get("/my-profile")
@roles_required("client")
def mine():
    """わたしの情報: my job, my certificate, my support period, and who supports me."""
    return mine_page()


@bp.post("/my-profile/steps")
@roles_required("client")
def client_tick():
    key = tick_from_form(current_user)
    return redirect(url_for(".mine", _anchor=f"step-{key}"))


@bp.post("/my-profile/supporter-request")
@roles_required("client")
def ask():
    """Ask the office, privately, for another supporter."""
    data, errors = form_load(SupporterRequestSchema(), request.form)
    if errors:
        return mine_page(errors, 422)
    service.ask_for_other_supporter(current_user, data.get("reason", "").strip())
    flash(_("事業所の責任者に伝えました。今の支援員には、知らされません。"))
    return redirect(url_for(".mine", _anchor="supporter"))
