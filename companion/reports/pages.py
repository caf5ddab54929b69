"""The 支援レポート pages: the supporter's report, and the client's Records with their approval."""
from datetime import date, datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from .. import labels
from ..access import client_or_404, log_access, roles_required
from ..errors import on_refusal
from ..fields import form_load
from ..meetings.agenda_view import item_view
from ..models import STAFF, ActionItem, AgendaItem, Meeting, MonthlyReport, today
from . import service
from .copies import REPORTED, REPORTED_ACTIONS
from .schemas import ChangeRequestSchema, ReportCommentsSchema

bp = Blueprint("reports", __name__)
REPORT_STATES = {"draft": _l("下書き"), "finalised": _l("本人の確認待ち"), "approved": _l("承認ずみ")}
RECORDS_SHOWN = 12


@bp.record_once
def _labels(state):
    """The report words every template may use."""
    state.app.jinja_env.globals.update(REPORT_STATES=REPORT_STATES,
                                       SECTION_LABELS=labels.SECTION_TITLES,
                                       reports_waiting=reports_waiting)


def reports_waiting():
    """The months whose report waits for the signed-in client to read and decide."""
    return [r.month for r in MonthlyReport.select(MonthlyReport.month).where(
        (MonthlyReport.client == current_user.id) & (MonthlyReport.status == "finalised"))
        .order_by(MonthlyReport.month)]


def revive(data):
    """An approved employer copy read back from JSON, with its moments as datetimes again."""
    def moment(text):
        return datetime.fromisoformat(text.rstrip("Z")) if text else None
    return {**data, "approved_at": moment(data.get("approved_at")),
            "meetings": [{**m, **{key: moment(m.get(key)) for key in ("held_at", "scheduled_at",
                                                                       "closed_at")}}
                         for m in data["meetings"]]}


def employer_view(client, report):
    """The employer copy a page shows: the frozen one once approved, else the live preview."""
    if report.status == "approved":
        return revive(service.approved_employer_copy(report))
    return service.employer_copy(client, report)


def neighbours(month):
    """The months before and after month; no next one after the current month."""
    first = date.fromisoformat(month + "-01")
    before = (first - timedelta(days=1)).strftime("%Y-%m")
    after = (first + timedelta(days=32)).strftime("%Y-%m")
    return before, after if after <= today().strftime("%Y-%m") else None


def later_meetings(client, report):
    """Meetings closed in the month after the report was finalised: they are not in it."""
    if report.finalised_at is None:
        return 0
    start, end = service.month_bounds(report.month)
    return (Meeting.select().where(
        (Meeting.client == client.id) & (Meeting.state == "closed") & (Meeting.closed_at >= start)
        & (Meeting.closed_at < end) & (Meeting.closed_at > report.finalised_at)).count())


# --- the supporter's report page ---------------------------------------------------------

def render_staff(client, month, status=200, form=None, errors=None):
    """The report page: state, comments form, and one copy to read and print."""
    report = service.stored(client, month)
    copy = "employer" if request.args.get("copy") == "employer" else "client"
    log_access(current_user, client, "report", f"{month} {copy}")
    data = (employer_view(client, report) if copy == "employer"
            else service.client_copy(client, report))
    before, after = neighbours(month)
    return render_template(
        "reports/staff.html", client=client, report=report, month=month, copy=copy, data=data,
        before=before, after=after, later=later_meetings(client, report),
        form=form or {k: getattr(report, k) for k in service.COMMENTS},
        errors=errors or {}), status


@bp.route("/clients/<int:client_id>/reports/<month>", methods=["GET", "POST"])
@roles_required(*STAFF)
def staff_report(client_id, month):
    """Read both copies; on a draft, write the comments and finalise."""
    client = client_or_404(current_user, client_id)
    month = service.month_or_404(month)
    if request.method == "POST":
        data, errors = form_load(ReportCommentsSchema(), request.form, keep_blank=service.COMMENTS)
        if errors:
            return render_staff(client, month, 422, request.form.to_dict(), errors)
        on_refusal(url_for(".staff_report", client_id=client.id, month=month))
        if request.form.get("action") == "finalise":
            service.finalise(client, month, current_user, data)
            flash(_("確定しました。本人が読んで承認すると、会社用をわたせます。"))
        else:
            service.save_comments(client, month, data)
            flash(_("保存しました。"))
        return redirect(url_for(".staff_report", client_id=client.id, month=month))
    return render_staff(client, month)


# --- the client's Records ----------------------------------------------------------------

def past_meetings(client):
    """The latest closed meetings with what was talked about and decided, in three queries."""
    meetings = list(Meeting.select().where((Meeting.client == client.id) & (Meeting.state == "closed"))
                    .order_by(Meeting.closed_at.desc()).limit(RECORDS_SHOWN))
    ids = [m.id for m in meetings]
    items, actions = {}, {}
    if ids:
        for row in (AgendaItem.select().where(AgendaItem.meeting.in_(ids)
                                              & AgendaItem.status.in_(REPORTED + REPORTED_ACTIONS))
                    .order_by(AgendaItem.position, AgendaItem.id)):
            items.setdefault(row.meeting_id, []).append(item_view(row))
        for action in ActionItem.select().where(ActionItem.meeting.in_(ids)).order_by(ActionItem.id):
            actions.setdefault(action.meeting_id, []).append(action)
    for meeting in meetings:
        meeting.reported, meeting.decided = items.get(meeting.id, []), actions.get(meeting.id, [])
    return meetings


@bp.get("/records")
@roles_required("client")
def records():
    """Records: monthly reports to read and approve, and past meetings with outcomes."""
    shown = [r for r in service.summaries(current_user)
             if r["status"] != "draft" or r["change_request"]]
    return render_template("reports/records.html", reports=shown,
                           meetings=past_meetings(current_user))


@bp.get("/records/<month>")
@roles_required("client")
def client_report(month):
    """The client's report: their copy, what goes to the employer, approve or ask for changes."""
    month = service.month_or_404(month)
    report = service.stored(current_user, month)
    return render_template("reports/client.html", **client_page(report, month), errors={})


def client_page(report, month):
    """What the client's report page shows: their view of the copy, and the employer copy
    to decide on once the report is finalised."""
    return {"report": report, "month": month,
            "data": service.client_view(current_user, current_user, report),
            "employer": employer_view(current_user, report) if report.status != "draft" else None}


def client_action(month, change, done):
    """Approve or send back; a refusal becomes a message on the page."""
    month = service.month_or_404(month)
    on_refusal(url_for(".client_report", month=month))
    change(month)
    flash(done)
    return redirect(url_for(".client_report", month=month))


@bp.post("/records/<month>/approve")
@roles_required("client")
def approve(month):
    """The client agrees the employer copy may go to the employer."""
    return client_action(month, lambda m: service.approve(current_user, m),
                         _("会社にわたしてよいと決めました。ありがとうございます。"))


@bp.post("/records/<month>/changes")
@roles_required("client")
def request_changes(month):
    """The client sends the report back with what to change."""
    data, errors = form_load(ChangeRequestSchema(), request.form, keep_blank=("comment",))
    if errors:
        month = service.month_or_404(month)
        report = service.stored(current_user, month)
        return render_template("reports/client.html", **client_page(report, month),
                               errors=errors, comment=request.form.get("comment", "")), 422
    return client_action(month, lambda m: service.request_changes(current_user, m, data["comment"]),
                         _("なおしてほしいことを、支援員に送りました。"))
