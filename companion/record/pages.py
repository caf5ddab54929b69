"""The portable record's two ends: the client takes it out (Settings), the manager of
another office brings it in as a new client account."""
from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from peewee import IntegrityError

from .. import auth
from ..access import office_people, roles_required
from ..errors import Refused
from ..fields import form_load
from ..models import User, today
from . import service
from .schemas import BringInSchema, TakeOutSchema

bp = Blueprint("record", __name__)


@bp.post("/settings/record")
@roles_required("client")
def take_out():
    """My whole record as one file I carry to another office; my yes is recorded here."""
    data, errors = form_load(TakeOutSchema(), request.form)
    if errors:
        raise Refused(422, fields={k: [v] for k, v in errors.items()})
    doc = service.take_out(current_user, data["include_private"])
    body = current_app.json.dumps(doc, ensure_ascii=False, indent=1)
    response = Response(body, mimetype="application/json")
    name = f"companion-record-{current_user.login}-{today():%Y%m%d}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def supporters():
    return office_people(current_user, "supporter").where(User.active).order_by(User.display_name)


def import_page(errors=None, status=200):
    return render_template("record/import.html", supporters=supporters(), errors=errors or {},
                           form=request.form if errors else {}), status


@bp.get("/admin/record-import")
@roles_required("manager")
def import_form():
    """Bring in a record a client carried from another office."""
    return import_page()


@bp.post("/admin/record-import")
@roles_required("manager")
def bring_in():
    """The new client account, with everything of the file, and its invitation link."""
    data, errors = form_load(BringInSchema(), request.form)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        errors = {**(errors or {}), "file": _("ファイルを選んでください。")}
    if errors:
        return import_page(errors, 422)
    try:
        record = service.parse(upload.read())
    except service.BrokenRecord as problem:
        return import_page({"file": str(problem)}, 422)
    supporter = None
    if data.get("supporter_id"):
        supporter = supporters().where(User.id == data["supporter_id"]).first()
        if supporter is None:
            return import_page({"supporter_id": _("えらべるものから選んでください。")}, 422)
    name = data.get("display_name") or record["client"]["display_name"]
    if User.select().where(User.login == data["login"]).exists():
        return import_page({"login": _("このログインIDはもう使われています。")}, 422)
    try:
        client = service.bring_in(current_user, record, data["login"], name, supporter)
    except IntegrityError:  # the login was taken a moment ago
        return import_page({"login": _("このログインIDはもう使われています。")}, 422)
    from ..accounts import invitation_page
    return invitation_page(client, auth.issue_invitation(client, current_user.id))
