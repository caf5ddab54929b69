"""The 支援レポート API: read either copy, comment, finalise, approve or send back."""
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..access import client_or_404, log_access, roles_required
from ..api import load
from ..errors import Refused
from ..meetings.api import body_or_empty
from ..models import STAFF
from ..openapi import doc
from .schemas import (
    ApproveSchema, ChangeRequestSchema, ReportCommentsSchema, ReportQuerySchema, ReportSchema,
    ReportSummarySchema,
)
from .service import (
    approve, approved_employer_copy, client_view, finalise, month_or_404, request_changes,
    save_comments, stored, summaries,
)

bp = Blueprint("reports", __name__)



def dumped(client, report, copy):
    """One copy of the report as the API answers it; 409 for an employer copy not approved."""
    if copy == "employer" and report.status != "approved":
        # The words of the page's preview: staff may look on screen, but nothing leaves yet.
        raise Refused(409, _("確認用です。本人が承認するまで、会社にはわたせません。"))
    log_access(current_user, client, "report", f"{report.month} {copy}")
    if copy == "employer":
        return approved_employer_copy(report)
    return ReportSchema().dump(client_view(current_user, client, report))


@bp.get("/clients/<int:client_id>/reports")
@doc("The months that have a 支援レポート", response=ReportSummarySchema, many=True)
@roles_required("client", *STAFF)
def list_reports(client_id):
    """Months with closed meetings or a report, newest first."""
    client = client_or_404(current_user, client_id)
    log_access(current_user, client, "report")
    return jsonify(ReportSummarySchema(many=True).dump(summaries(client)))


@bp.get("/clients/<int:client_id>/reports/<month>")
@doc("A month's 支援レポート: the client copy, or the approved employer copy",
     query=ReportQuerySchema, response=ReportSchema)
@roles_required("client", *STAFF)
def read_report(client_id, month):
    """The report as data; the employer copy only once the client approved it (else 409)."""
    client = client_or_404(current_user, client_id)
    month = month_or_404(month)
    copy = load(ReportQuerySchema(), request.args.to_dict())["copy"]
    report = stored(client, month)
    return jsonify(dumped(client, report, copy))


@bp.patch("/clients/<int:client_id>/reports/<month>")
@doc("Write the supporter's comments on a draft report", body=ReportCommentsSchema,
     response=ReportSchema)
@roles_required(*STAFF)
def comment_report(client_id, month):
    """Save the comments for the client and for the employer (draft only, else 409)."""
    client = client_or_404(current_user, client_id)
    month = month_or_404(month)
    report = save_comments(client, month, load(ReportCommentsSchema()))
    return jsonify(dumped(client, report, "client"))


@bp.post("/clients/<int:client_id>/reports/<month>/finalise")
@doc("Finalise the report for the client to approve", body=ReportCommentsSchema,
     response=ReportSchema)
@roles_required(*STAFF)
def finalise_report(client_id, month):
    """Finalise a draft, optionally with the comments' last words."""
    client = client_or_404(current_user, client_id)
    month = month_or_404(month)
    data = load(ReportCommentsSchema(), body_or_empty())
    return jsonify(dumped(client, finalise(client, month, current_user, data), "client"))


@bp.post("/clients/<int:client_id>/reports/<month>/approve")
@doc("Approve the employer copy (the client)", body=ApproveSchema, response=ReportSchema)
@roles_required("client")
def approve_report(client_id, month):
    """The client agrees the employer copy may go to the employer; the time is recorded."""
    client = client_or_404(current_user, client_id)
    month = month_or_404(month)
    load(ApproveSchema(), body_or_empty())
    return jsonify(dumped(client, approve(client, month), "client"))


@bp.post("/clients/<int:client_id>/reports/<month>/request-changes")
@doc("Ask the supporter for changes (the client): back to draft", body=ChangeRequestSchema,
     response=ReportSchema)
@roles_required("client")
def request_report_changes(client_id, month):
    """Send the report back with a comment; the supporter can edit it again."""
    client = client_or_404(current_user, client_id)
    month = month_or_404(month)
    comment = load(ChangeRequestSchema())["comment"]
    return jsonify(dumped(client, request_changes(client, month, comment), "client"))
