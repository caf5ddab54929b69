"""Accounts without e-mail: create people, hand them a one-time link, assign clients."""
from datetime import timedelta

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from peewee import IntegrityError

from . import auth
from .access import (
    account_or_404, active_assignment, log_access, manageable, office_people, roles_required,
    small_id,
)
from .db import database
from .fields import form_load
from .models import Assignment, ClientProfile, User, today
from .profiles import service as profiles
from .schemas import AccountSchema

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
PROFILE_FIELDS = ("hire_date", "employer_name", "job_title", "certificate_valid_from",
                  "certificate_valid_to", "office_phone")


def assignable_supporters():
    """The office's active supporters, for the assignment choice."""
    return office_people(current_user, "supporter").where(User.active)


@bp.get("/")
@roles_required("manager", "supporter")
def index():
    """Everyone this person manages, and the form to add someone."""
    accounts = manageable(current_user).order_by(User.role, User.display_name)
    asked = len(profiles.office_requests(current_user)) if current_user.role == "manager" else 0
    return render_template("accounts/index.html", accounts=accounts, asked=asked,
                           supporters=assignable_supporters(), errors={}, form={})


@bp.post("/")
@roles_required("manager", "supporter")
def create():
    """Create a supporter or client and show their invitation link."""
    data, errors = form_load(AccountSchema(), request.form)
    if data and current_user.role == "supporter":
        data["role"], data["supporter_id"] = "client", current_user.id
    if data and User.select().where(User.login == data["login"]).exists():
        errors = {"login": _("このログインIDはもう使われています。")}
    supporter = None
    if data and not errors and data["role"] == "client" and data.get("supporter_id"):
        supporter = assignable_supporters().where(User.id == data["supporter_id"]).first()
        if supporter is None:
            errors = {"supporter_id": _("えらべるものから選んでください。")}
    if not errors:
        try:
            with database.atomic():
                user = User.create(office=current_user.office_id, role=data["role"],
                                   login=data["login"], display_name=data["display_name"],
                                   locale=current_user.locale)
                if user.role == "client":
                    ClientProfile.create(user=user, **{k: data[k] for k in PROFILE_FIELDS
                                                       if k in data})
                    if supporter:
                        Assignment.create(client=user, supporter=supporter)
                token = auth.issue_invitation(user, current_user.id)
            return invitation_page(user, token)
        except IntegrityError:
            # Someone else took the login between the check above and this insert.
            errors = {"login": _("このログインIDはもう使われています。")}
    accounts = manageable(current_user).order_by(User.role, User.display_name)
    return render_template("accounts/index.html", accounts=accounts, errors=errors,
                           supporters=assignable_supporters(), form=request.form), 422


def invitation_page(user, token):
    """The one time a link is shown: as a URL and as a QR code."""
    url = url_for("auth.accept_invitation", token=token, _external=True)
    qr = Markup(segno.make(url, error="m").svg_inline(scale=5, title=_("招待リンクのQRコード")))
    return render_template("accounts/invitation.html", account=user, url=url, qr=qr)


@bp.get("/<int:user_id>")
@roles_required("manager", "supporter")
def show(user_id):
    """One account: its profile, assignment history and actions."""
    account = account_or_404(current_user, user_id)
    history = (Assignment.select(Assignment, User).join(User, on=(Assignment.supporter == User.id))
               .where(Assignment.client == account.id).order_by(Assignment.starts_on.desc()))
    profile = ClientProfile.get_or_none(ClientProfile.user == account.id)
    waiting = None
    if account.role == "client":
        log_access(current_user, account, "profile")
        if current_user.role == "manager":
            # Only the manager reads a wish for another supporter (never the supporter).
            waiting = profiles.open_request(account)
            if waiting:
                log_access(current_user, account, "supporter_request")
    return render_template("accounts/show.html", account=account, history=history,
                           profile=profile, supporters=assignable_supporters(),
                           request_waiting=waiting)


@bp.post("/<int:user_id>/invitation")
@roles_required("manager", "supporter")
def reissue(user_id):
    """A new one-time link: how a forgotten password is reset."""
    account = account_or_404(current_user, user_id)
    if account.id == current_user.id or not account.active:
        abort(404)  # a stopped account gets a link once it is active again
    token = auth.issue_invitation(account, current_user.id)
    return invitation_page(account, token)


@bp.post("/<int:user_id>/active")
@roles_required("manager")
def set_active(user_id):
    """Deactivate or reactivate an account; deactivation ends its sessions."""
    account = account_or_404(current_user, user_id)
    if account.id == current_user.id:
        flash(_("自分のアカウントは止められません。"), "error")
        return redirect(url_for(".show", user_id=account.id))
    account.active = request.form.get("active") == "1"
    if not account.active:
        account.session_version += 1
    account.save()
    flash(_("利用を再開しました。") if account.active else _("利用を止めました。"))
    return redirect(url_for(".show", user_id=account.id))


@bp.post("/<int:user_id>/assignment")
@roles_required("manager")
def assign(user_id):
    """Assign a client to a supporter from today, ending the current assignment."""
    account = account_or_404(current_user, user_id)
    supporter = assignable_supporters().where(User.id == small_id(request.form.get("supporter_id"))).first()
    if account.role != "client" or supporter is None:
        flash(_("えらべるものから選んでください。"), "error")
        return redirect(url_for(".show", user_id=account.id))
    with database.atomic():
        current = list(Assignment.select().where(
            (Assignment.client == account.id) & active_assignment()))
        if [a.supporter_id for a in current] != [supporter.id]:
            for assignment in current:
                if assignment.starts_on >= today():
                    # Replaced on the day it began: it never took effect.
                    assignment.delete_instance()
                else:
                    assignment.ends_on = today() - timedelta(days=1)
                    assignment.save()
            Assignment.create(client=account, supporter=supporter, starts_on=today())
            profiles.handle_requests(current_user, account, "reassigned")
    flash(_("%(name)sさんの担当にしました。", name=supporter.display_name))
    return redirect(url_for(".show", user_id=account.id))
