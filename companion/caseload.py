"""The caseload: the clients a supporter (or manager) sees, most in need of attention first."""
from datetime import datetime, time, timedelta

from flask import Blueprint, jsonify, render_template
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from peewee import JOIN, Case, fn

from .access import record_access, roles_required, visible_clients
from .agenda import DEFAULT_WINDOW, TREND_DAYS, AgendaCheckIn
from .clock import japan_day, month_bounds, to_utc
from .filters import day as format_day, month as format_month
from .meetings.agenda_view import highlight_view
from .meetings.schemas import CaseloadRowSchema
from .meetings.service import days_until, start_of_today
from .models import (
    STAFF, CheckIn, ClientProfile, Meeting, MonthlyReport, Note, User, today, utcnow,
)
from .needs import FACE_TO_FACE, Facts, flags_for, need_order, previous_month
from .openapi import doc
from .periods import support_period

bp = Blueprint("caseload", __name__)

LABELS = {
    "urgent_worry": _l("すぐ相談したい"),
    "condition_drop": _l("調子が下がっている"),
    "quiet": _l("しばらく記録がない"),
    "no_face_to_face_this_month": _l("今月まだ会っていない"),
    "certificate_ending": _l("受給者証の期限"),
    "support_ending": _l("支援の終わりが近い"),
    "no_next_meeting": _l("次の面談が未定"),
    "report_changes_requested": _l("レポートのなおし"),
    "report_due": _l("レポートがまだ"),
}


EPOCH = datetime(2000, 1, 1)  # before any note: "since the last meeting" when there was none


def reason(flag):
    """Why a client is flagged, in words, with the numbers the rule found."""
    code = flag.code
    if code == "urgent_worry":
        return _("「すぐ相談したい」困ったことが%(n)d件、まだ話せていません。", n=flag.count)
    if code == "condition_drop":
        return highlight_view(code, flag.count, scale=flag.scale)["message"]
    if code == "quiet":
        if not flag.count:
            return _("メモも今日の調子も、まだ一度もありません。")
        return highlight_view(code, flag.count)["message"]
    if code == "no_face_to_face_this_month":
        return _("今月は、会って話す面談(対面・職場訪問・三者面談)をまだしていません。")
    if code == "certificate_ending" and flag.count < 0:
        return _("受給者証の期限が%(due)sに切れています。", due=format_day(flag.due))
    if code == "certificate_ending":
        return _("受給者証の期限は%(due)sです(あと%(n)d日)。", due=format_day(flag.due), n=flag.count)
    if code == "support_ending":
        return _("定着支援は%(due)sで終わります(あと%(n)d日)。引きつぎの準備を。",
                 due=format_day(flag.due), n=flag.count)
    if code == "report_changes_requested":
        return _("本人から、%(month)sの支援レポートを「なおしてほしい」と返されています。",
                 month=format_month(flag.month))
    if code == "report_due":
        return _("%(month)sの支援レポートが、まだ確定していません(10日までに)。",
                 month=format_month(flag.month))
    return _("次の面談が決まっていません。")


def note_facts(ids):
    """Per client: the last visible note's time, how many came since the last closed meeting,
    and how many urgent worries are still open.

    Each is a subquery over an index range of that one client (the latest by written_at, the
    new ones after the last meeting's start, the open ones by state), so years of notes
    behind cost nothing.
    """
    found = Note.alias()
    visible = ((found.client == User.id) & (found.visibility == "shared")
               & found.deleted_at.is_null())
    last_at = Meeting.select(fn.MAX(Meeting.started_at)).where(
        (Meeting.client == User.id) & (Meeting.state == "closed"))
    latest = (found.select(found.written_at).where(visible)
              .order_by(found.written_at.desc()).limit(1))
    new = found.select(fn.COUNT(found.id)).where(
        visible & (found.written_at > fn.COALESCE(last_at, EPOCH)))
    urgent = found.select(fn.COUNT(found.id)).where(
        visible & found.state.in_(("open", "carried")) & (found.kind == "worry")
        & (found.weight == "urgent"))
    return User.select(User.id, latest, new, urgent).where(User.id.in_(ids))


def caseload(user, now=None):
    """The clients user may see with their flags, next meeting and new notes; most urgent first.

    Eight queries whatever the number of clients: the clients, their profiles, upcoming
    meetings, closed meetings, reports sent back or of last month, notes, check-ins of the
    window and each one's last check-in.
    """
    now, day = now or utcnow(), today()
    clients = list(visible_clients(user))
    ids = [c.id for c in clients]
    if not ids:
        return []
    profiles = {p.user_id: p for p in ClientProfile.select().where(ClientProfile.user.in_(ids))}
    upcoming = {}
    for meeting in (Meeting.select().where(
            Meeting.client.in_(ids) & ((Meeting.state == "in_progress") | (
                (Meeting.state == "scheduled") & (Meeting.scheduled_at >= start_of_today()))))
            .order_by(Meeting.scheduled_at)):
        if meeting.client_id not in upcoming:
            meeting.days_left = days_until(meeting.scheduled_at)
            upcoming[meeting.client_id] = meeting
    month_start = to_utc(day.replace(day=1), time())
    last_month = previous_month(day)
    last_month_start = month_bounds(last_month)[0]
    closed = {client_id: (last_at, bool(f2f), bool(met)) for client_id, last_at, f2f, met in (
        Meeting.select(Meeting.client, fn.MAX(Meeting.started_at), fn.MAX(Case(None, [(
            Meeting.mode.in_(FACE_TO_FACE) & (Meeting.started_at >= month_start), 1)], 0)),
            fn.MAX(Case(None, [((Meeting.closed_at >= last_month_start)
                                & (Meeting.closed_at < month_start), 1)], 0)))
        .where(Meeting.client.in_(ids) & (Meeting.state == "closed"))
        .group_by(Meeting.client).tuples())}
    sent_back, last_reports = {}, {}
    for report in (MonthlyReport.select(MonthlyReport.client, MonthlyReport.month,
                                        MonthlyReport.status, MonthlyReport.change_requested_at)
                   .where(MonthlyReport.client.in_(ids) & (
                       (MonthlyReport.month == last_month)
                       | ((MonthlyReport.status == "draft")
                          & MonthlyReport.change_requested_at.is_null(False))))
                   .order_by(MonthlyReport.month)):
        if report.status == "draft" and report.change_requested_at is not None:
            sent_back.setdefault(report.client_id, []).append(report.month)
        if report.month == last_month:
            last_reports[report.client_id] = report.status
    # A subquery's column comes back untyped (text on SQLite): the field reads it as a time.
    notes = {client_id: (Note.written_at.python_value(written), new, pressing)
             for client_id, written, new, pressing in note_facts(ids).tuples()}
    # The check-ins the agenda's rules read: its window (since the last meeting, else 30
    # days) and the two 14-day blocks of the trend.
    checkins = {}
    last = (Meeting.select(Meeting.client.alias("client_id"),
                           fn.MAX(Meeting.started_at).alias("last_at"))
            .where(Meeting.client.in_(ids) & (Meeting.state == "closed"))
            .group_by(Meeting.client).alias("last"))
    scales = (CheckIn.day, CheckIn.mood, CheckIn.body, CheckIn.sleep)
    for client_id, *row in (CheckIn.select(CheckIn.client, *scales)
                .join(last, JOIN.LEFT_OUTER, on=(CheckIn.client == last.c.client_id))
                .where(CheckIn.client.in_(ids) & (CheckIn.day <= japan_day(now)) & (
                    (CheckIn.day > japan_day(now) - timedelta(days=2 * TREND_DAYS))
                    | (last.c.last_at.is_null() & (CheckIn.day > japan_day(now - DEFAULT_WINDOW)))
                    | (CheckIn.day > last.c.last_at))).tuples()):
        checkins.setdefault(client_id, []).append(AgendaCheckIn(*row))
    last_checkin = dict(CheckIn.select(CheckIn.client, fn.MAX(CheckIn.day))
                        .where(CheckIn.client.in_(ids) & (CheckIn.day <= japan_day(now)))
                        .group_by(CheckIn.client).tuples())
    rows = []
    for client in clients:
        profile = profiles.get(client.id)
        last_at, face_to_face, met_last_month = closed.get(client.id, (None, False, False))
        written, new, pressing = notes.get(client.id, (None, 0, 0))
        meeting = upcoming.get(client.id)
        facts = Facts(
            urgent_worries=int(pressing), checkins=tuple(checkins.get(client.id, ())),
            last_meeting_at=last_at, last_note_day=japan_day(min(written, now)) if written else None,
            last_checkin_day=last_checkin.get(client.id), face_to_face_this_month=face_to_face,
            certificate_valid_to=profile.certificate_valid_to if profile else None,
            support_end=support_period(profile.hire_date).end
            if profile and profile.hire_date else None,
            next_meeting_at=meeting.scheduled_at if meeting else None,
            changes_requested=tuple(sent_back.get(client.id, ())),
            met_last_month=met_last_month, last_month_report=last_reports.get(client.id))
        ended = profile.support_ended_on if profile else None
        # Support that has ended needs nothing more: no flags, and listed apart at the end.
        flags = [] if ended else flags_for(facts, now, day)
        rows.append({
            "client": client, "next_meeting": None if ended else meeting, "new_notes": int(new),
            "flags": [{"code": f.code, "label": str(LABELS[f.code]), "reason": reason(f)}
                      for f in flags],
            "support_ended_on": ended,
            "order": (ended is not None,
                      need_order(flags, facts.next_meeting_at, client.display_name)),
        })
    # A list view: each listed client once a day in their access log.
    record_access([(user.id, client_id) for client_id in ids], "caseload", count=False)
    return sorted(rows, key=lambda r: r["order"])


def caseload_page():
    """The supporter's start page: their clients, where to look first at the top."""
    from .profiles.service import office_requests
    asked = len(office_requests(current_user)) if current_user.role == "manager" else 0
    return render_template("pages/supporter_home.html", rows=caseload(current_user),
                           supporter_requests=lambda: asked)


@bp.get("/caseload")
@doc("The caseload, most in need of attention first", response=CaseloadRowSchema, many=True)
@roles_required(*STAFF)
def caseload_api():
    """Every client one may see, with flags in words, the next meeting and new notes."""
    return jsonify(CaseloadRowSchema(many=True).dump(caseload(current_user)))
