"""The monthly 支援レポート: gathered from the month's closed meetings, finalised, approved.

The flow: the supporter writes two comments and finalises; the client reads both copies
and approves the employer copy, or sends it back with a comment (a draft again). Only
an approved employer copy leaves the office; it is frozen as JSON at the approval.
What a finalised report holds is fixed too: the meetings closed up to its finalisation.
"""
import json
from collections import Counter
from datetime import date, datetime, time, timedelta

from flask import abort
from flask_babel import gettext as _
from peewee import JOIN, IntegrityError

from ..agenda import AgendaCheckIn, condition_summary
from ..clock import MONTH, local, month_bounds, to_utc
from ..db import database
from ..errors import Refused
from ..meetings.agenda_view import condition_view, item_view
from ..models import (
    ActionItem, AgendaItem, CheckIn, ClientProfile, Meeting, MonthlyReport, Note, Office, User,
    today, utcnow,
)
from ..strengths.service import employer_entries
from . import copies
from .schemas import ReportSchema

COMMENTS = ("comment_for_client", "comment_for_employer")


def month_or_404(month):
    """A YYYY-MM month that has already begun in Japan, else 404."""
    if not MONTH.match(month or "") or month > today().strftime("%Y-%m"):
        abort(404)
    return month


def month_of(moment):
    """The month, in Japan, of a stored UTC moment."""
    return local(moment).strftime("%Y-%m")


def not_finalised():
    return _("支援員がレポートをつくり終えてから、できます。")


# --- reading --------------------------------------------------------------------------

def stored(client, month):
    """The report of client for month; an unsaved draft when none was written (reading never writes)."""
    return (MonthlyReport.get_or_none((MonthlyReport.client == client.id)
                                      & (MonthlyReport.month == month))
            or MonthlyReport(client=client.id, month=month))


def month_meetings(client, month, until=None):
    """The meetings closed in month (up to `until`) as copies.py's plain data, in three queries."""
    start, end = month_bounds(month)
    supporter = User.alias()
    query = (Meeting.select(Meeting, supporter)
             .join(supporter, JOIN.LEFT_OUTER, on=(Meeting.supporter == supporter.id))
             .where((Meeting.client == client.id) & (Meeting.state == "closed")
                    & (Meeting.closed_at >= start) & (Meeting.closed_at < end)))
    if until is not None:
        query = query.where(Meeting.closed_at <= until)
    meetings = list(query.order_by(Meeting.started_at))
    if not meetings:
        return []
    ids = [m.id for m in meetings]
    # The note's flags are read now: consent can change until the client approves.
    shares = ((Note.share_with_employer == True) & (Note.visibility == "shared")  # noqa: E712
              & Note.deleted_at.is_null())
    items = {}
    for row in (AgendaItem.select(AgendaItem, shares.alias("shares"))
                .join(Note, JOIN.LEFT_OUTER, on=(AgendaItem.note == Note.id))
                .where(AgendaItem.meeting.in_(ids)).order_by(AgendaItem.position, AgendaItem.id)):
        items.setdefault(row.meeting_id, []).append(copies.ReportItem(
            section=row.section, ref_type=row.ref_type, text=item_view(row)["text"],
            status=row.status, outcome=row.outcome, kind=row.kind, topic=row.topic,
            share_with_employer=bool(row.shares), written_at=row.written_at))
    actions = {}
    for a in ActionItem.select().where(ActionItem.meeting.in_(ids)).order_by(ActionItem.id):
        # Done as the month ended: a report does not change when a later month ticks it off.
        actions.setdefault(a.meeting_id, []).append(copies.ReportAction(
            a.text, a.owner, a.due, a.done_at is not None and a.done_at < end))
    return [copies.ReportMeeting(
        held_at=m.started_at or m.scheduled_at, mode=m.mode, items=tuple(items.get(m.id, ())),
        actions=tuple(actions.get(m.id, ())), summary=m.summary,
        supporter=m.supporter.display_name if m.supporter_id else None,
        scheduled_at=m.scheduled_at, closed_at=m.closed_at) for m in meetings]


def month_condition(client, month):
    """The month's check-ins summarised per scale, against the days before, with the daily series."""
    year, mon = (int(part) for part in month.split("-"))
    first = date(year, mon, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start, end = datetime.combine(first - timedelta(days=1), time()), datetime.combine(last, time())
    rows = CheckIn.select(CheckIn.day, CheckIn.mood, CheckIn.body, CheckIn.sleep).where(
        (CheckIn.client == client.id) & (CheckIn.day > first - timedelta(days=32))
        & (CheckIn.day <= last))
    summary = condition_summary([AgendaCheckIn(c.day, c.mood, c.body, c.sleep) for c in rows],
                                start, end)
    return condition_view([(s.name, s.mean, s.previous_mean, s.days_logged, list(s.series))
                           for s in summary.scales], start, end)


def month_employer(client, month):
    """(employer name, since when as a stored UTC moment) for the month's copies: the job
    held at the month's end (or today, in the month still running)."""
    from ..profiles.service import employer_on, employments
    profile = ClientProfile.get_or_none(ClientProfile.user == client.id)
    if profile is None:
        return "", None
    last = min(local(month_bounds(month)[1]).date() - timedelta(days=1), today())
    name, since = employer_on(profile, employments(client), last)
    # Without a job change there is nothing to keep apart.
    return name, to_utc(since, time()) if since and profile.employer_since else None


def header(client, report, copy, employer=None):
    """Who and what the report is about: the same on both copies."""
    office = Office.get_or_none(Office.id == client.office_id)
    name, _since = employer or month_employer(client, report.month)
    return {"copy": copy, "month": report.month, "status": report.status,
            "client": {"id": client.id, "display_name": client.display_name},
            "office": office.name if office else "",
            "employer_name": name,
            "approved_at": report.approved_at}


def until(report):
    """A finalised report holds the meetings closed up to its finalisation."""
    return report.finalised_at if report.status != "draft" else None


def client_copy(client, report):
    """Everything the client shared, both comments, and what goes further."""
    employer = month_employer(client, report.month)
    return {**header(client, report, "client", employer),
            "finalised_at": report.finalised_at, "change_request": report.change_request,
            "comment_for_client": report.comment_for_client,
            "comment_for_employer": report.comment_for_employer,
            "strengths": employer_entries(client),
            "meetings": copies.client_meetings(month_meetings(client, report.month, until(report)),
                                               employer[1]),
            "condition": month_condition(client, report.month)}


def client_view(viewer, client, report):
    """The client copy as viewer may read it, the one rule for the API and the pages.

    A draft is the supporter's work in progress: its client sees only its state and their
    own request for changes, and reads the rest once it is finalised.
    """
    if viewer.role == "client" and report.status == "draft":
        return {**header(client, report, "client"), "change_request": report.change_request}
    return client_copy(client, report)


def employer_copy(client, report):
    """The employer copy as it stands (a preview until the client approves)."""
    employer = month_employer(client, report.month)
    return {**header(client, report, "employer", employer),
            "comment_for_employer": report.comment_for_employer,
            "strengths": employer_entries(client),
            "meetings": copies.employer_meetings(
                month_meetings(client, report.month, until(report)), employer[1])}


def approved_employer_copy(report):
    """The employer copy frozen at the approval, as JSON-ready data."""
    return json.loads(report.employer_copy)


def summaries(client):
    """The months that have closed meetings or a report, newest first."""
    counts = Counter(month_of(m.closed_at) for m in Meeting.select(Meeting.closed_at).where(
        (Meeting.client == client.id) & (Meeting.state == "closed")))
    reports = {r.month: r for r in MonthlyReport.select().where(MonthlyReport.client == client.id)}
    blank = MonthlyReport()
    return [{"month": month, "meetings": counts.get(month, 0),
             **{key: getattr(reports.get(month, blank), key) for key in (
                 "status", "finalised_at", "approved_at", "change_request")}}
            for month in sorted(set(counts) | set(reports), reverse=True)]


def in_meeting_record(note):
    """True when a started meeting's frozen agenda holds a copy of the note."""
    return (AgendaItem.select().join(Meeting, on=(AgendaItem.meeting == Meeting.id))
            .where((AgendaItem.note == note.id) & Meeting.state.in_(("in_progress", "closed")))
            .exists())


def sharing_locked(note):
    """True when the note is in a report whose employer copy the client has approved."""
    closed = list(Meeting.select(Meeting.closed_at)
                  .join(AgendaItem, on=(AgendaItem.meeting == Meeting.id))
                  .where((AgendaItem.note == note.id) & (Meeting.state == "closed")))
    if not closed:
        return False
    approved = MonthlyReport.select().where(
        (MonthlyReport.client == note.client_id) & (MonthlyReport.status == "approved")
        & MonthlyReport.month.in_({month_of(m.closed_at) for m in closed}))
    finalised = {r.month: r.finalised_at for r in approved}
    return any(month_of(m.closed_at) in finalised and m.closed_at <= finalised[month_of(m.closed_at)]
               for m in closed)


# --- the flow ---------------------------------------------------------------------------

def row(client, month):
    """The stored report, created as a draft the first time someone writes to it."""
    report = stored(client, month)
    if report.id is None:
        try:
            with database.atomic():
                report.save(force_insert=True)
        except IntegrityError:  # someone else created it a moment ago
            report = stored(client, month)
    return report


def save_comments(client, month, data):
    """Write the supporter's comments on a draft."""
    report = row(client, month)
    changes = {key: data[key] for key in COMMENTS if key in data}
    if not (MonthlyReport.update(updated_at=utcnow(), **changes)
            .where((MonthlyReport.id == report.id) & (MonthlyReport.status == "draft")).execute()):
        raise Refused(409, _("確定したレポートは、なおせません。本人が「なおしてほしい」と返すと、なおせます。"))
    return MonthlyReport.get_by_id(report.id)


def finalise(client, month, actor, data):
    """The supporter declares the report ready for the client to read and approve."""
    report = row(client, month)
    now = utcnow()
    changes = {key: data[key] for key in COMMENTS if key in data}
    if not (MonthlyReport.update(status="finalised", finalised_at=now, finalised_by=actor.id,
                                 updated_at=now, **changes)
            .where((MonthlyReport.id == report.id) & (MonthlyReport.status == "draft")).execute()):
        raise Refused(409, _("このレポートは、もう確定しています。"))
    return MonthlyReport.get_by_id(report.id)


def approve(client, month):
    """The client agrees that the employer copy, as it stands now, may go to the employer.

    Approving again is harmless: a double tap on a phone answers with the approved report.
    """
    report = stored(client, month)
    if report.status == "approved":
        return report
    if report.status != "finalised":
        raise Refused(409, not_finalised())
    now = utcnow()
    report.status, report.approved_at = "approved", now
    frozen = json.dumps(ReportSchema().dump(employer_copy(client, report)), ensure_ascii=False)
    if not (MonthlyReport.update(status="approved", approved_at=now, employer_copy=frozen,
                                 updated_at=now)
            .where((MonthlyReport.id == report.id) & (MonthlyReport.status == "finalised"))
            .execute()):
        raise Refused(409, not_finalised())
    return MonthlyReport.get_by_id(report.id)


def request_changes(client, month, comment):
    """The client sends the report back to the supporter with what to change: a draft again."""
    report = stored(client, month)
    if report.status == "approved":
        raise Refused(409, _("会社にわたしてよいと決めたあとは、なおせません。支援員に相談してください。"))
    now = utcnow()
    if report.id is None or not (
            MonthlyReport.update(status="draft", change_request=comment, change_requested_at=now,
                                 finalised_at=None, finalised_by=None, updated_at=now)
            .where((MonthlyReport.id == report.id) & (MonthlyReport.status == "finalised"))
            .execute()):
        raise Refused(409, not_finalised())
    return MonthlyReport.get_by_id(report.id)
