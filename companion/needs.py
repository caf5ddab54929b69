"""Where a supporter should look first: the caseload's flags, as rules over plain data.

Pure functions (STYLE: pure core): `caseload.py` fetches the facts for every client in a
fixed number of queries, calls `flags_for` and sorts with `need_order`.

Rules where DESIGN is silent:
- `condition_drop` and `quiet` are the agenda's own highlight rules (agenda.py) over the
  same window the agenda would use now: since the last closed meeting started, else 30 days.
- `urgent_worry` counts urgent worries still `open` or `carried`, whatever the client chose
  for the agenda: an urgent worry is never hidden from the caseload by a later tap.
- `no_face_to_face_this_month` starts on the 21st (Japan time): until then there is time.
  A meeting counts when it started this month and is closed.
- `certificate_ending` and `support_ending` are the system talking points' rules; a
  certificate already expired is flagged too, as it is the more pressing case.
- `report_changes_requested`: a report the client sent back (a draft with their request).
- `report_due`: a report is due by the 10th of the next month; from the 11th, last month's
  is flagged while it is not finalised, if a meeting closed in that month (a month with
  no meeting has nothing to report, and `no_face_to_face_this_month` spoke up then).
- Flags sort by how much they matter (the order of FLAGS); among equals, the sooner next
  meeting first, then the name.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .agenda import DEFAULT_WINDOW, condition_drop, quiet
from .periods import system_talking_points

FLAGS = ("urgent_worry", "condition_drop", "quiet", "report_changes_requested",
         "no_face_to_face_this_month", "report_due", "certificate_ending", "support_ending",
         "no_next_meeting")
FACE_TO_FACE = ("in_person", "workplace_visit", "three_party")
FACE_TO_FACE_FROM_DAY = 21
REPORT_DUE_DAY = 10


@dataclass(frozen=True)
class Facts:
    """What the caseload knows about one client (datetimes naive UTC, days in Japan)."""
    urgent_worries: int = 0
    checkins: tuple = ()  # agenda.AgendaCheckIn of the window and the 28 days of the trends
    last_meeting_at: datetime | None = None
    last_note_day: date | None = None
    last_checkin_day: date | None = None
    face_to_face_this_month: bool = False
    certificate_valid_to: date | None = None
    support_end: date | None = None
    next_meeting_at: datetime | None = None
    changes_requested: tuple = ()  # months whose report the client sent back
    met_last_month: bool = False
    last_month_report: str | None = None  # its status; None when none was written


@dataclass(frozen=True)
class Flag:
    code: str
    count: int = 0
    scale: str | None = None
    due: date | None = None
    month: str | None = None


def flags_for(facts: Facts, now: datetime, today: date) -> list[Flag]:
    """Return a client's flags in FLAGS order."""
    found = []
    if facts.urgent_worries:
        found.append(Flag("urgent_worry", facts.urgent_worries))
    start = facts.last_meeting_at or now - DEFAULT_WINDOW
    for h in condition_drop(facts.checkins, min(start, now), now):
        found.append(Flag("condition_drop", h.count, scale=h.scale))
    days = [d for d in (facts.last_note_day, facts.last_checkin_day) if d is not None]
    for h in quiet(max(days) if days else None, now):
        found.append(Flag("quiet", h.count if days else 0))
    for month in facts.changes_requested:
        found.append(Flag("report_changes_requested", month=month))
    if today.day >= FACE_TO_FACE_FROM_DAY and not facts.face_to_face_this_month:
        found.append(Flag("no_face_to_face_this_month"))
    if (today.day > REPORT_DUE_DAY and facts.met_last_month
            and facts.last_month_report in (None, "draft")):
        found.append(Flag("report_due", month=previous_month(today)))
    points = {p.code: p for p in system_talking_points(
        today, facts.certificate_valid_to, facts.support_end)}
    if "certificate_ending" in points:
        point = points["certificate_ending"]
        found.append(Flag("certificate_ending", point.days_left, due=point.due))
    elif facts.certificate_valid_to is not None and facts.certificate_valid_to < today:
        found.append(Flag("certificate_ending", (facts.certificate_valid_to - today).days,
                          due=facts.certificate_valid_to))
    if "support_ending" in points:
        point = points["support_ending"]
        found.append(Flag("support_ending", point.days_left, due=point.due))
    if facts.next_meeting_at is None:
        found.append(Flag("no_next_meeting"))
    return found


def need_order(flags: list[Flag], next_meeting_at: datetime | None, name: str) -> tuple:
    """A sort key: the most pressing flag decides, then the next, then the sooner meeting."""
    codes = {f.code for f in flags}
    return (tuple(code not in codes for code in FLAGS),
            next_meeting_at or datetime.max, name)


def previous_month(today: date) -> str:
    """The month before today's, as YYYY-MM."""
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
