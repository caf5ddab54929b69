"""The 支援レポート's two copies from plain data: everything for the client, only consented items for the employer.

Pure functions (STYLE: pure core): `reports/service.py` turns rows into the dataclasses below.

Rules where DESIGN is silent:
- A meeting belongs to the month (Japan time) it was closed in.
- Reported items are those the meeting reached: `discussed`, `resolved` or `carry_over`.
  `pending` ones were not talked about; they simply come back next time.
- The employer copy keeps, for each meeting, its date and way of meeting (the support
  that was given) and only the items that are the client's own notes, still shared and
  not deleted, which the client marked `share_with_employer`; plus the comment written
  for the employer. Never the condition summary, the meeting's summary, action items,
  the supporter's points or anything else: they may hold health information the client
  did not agree to pass on, item by item (要配慮個人情報).
- After a job change the copy goes to the new employer and holds only what was said and
  written since the new job began (`since`): never the earlier employer's items.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

REPORTED = ("discussed", "resolved", "carry_over")
# An action looked back on (できた・つづける・やめる) was reported too; only notes go to the employer.
REPORTED_ACTIONS = ("done", "continue", "dropped")


@dataclass(frozen=True)
class ReportItem:
    section: str
    ref_type: str
    text: str
    status: str
    outcome: str = ""
    kind: str | None = None
    topic: str | None = None
    # The note's own flag, read now: true only for a shared, undeleted note the client marked.
    share_with_employer: bool = False
    written_at: datetime | None = None


@dataclass(frozen=True)
class ReportAction:
    text: str
    owner: str
    due: date | None = None
    done: bool = False


@dataclass(frozen=True)
class ReportMeeting:
    held_at: datetime
    mode: str
    items: tuple[ReportItem, ...] = ()
    actions: tuple[ReportAction, ...] = ()
    summary: str = ""
    supporter: str | None = None
    scheduled_at: datetime | None = None
    closed_at: datetime | None = None


def for_employer(item: ReportItem, since: datetime | None = None) -> bool:
    """Whether the client agreed that this very item may reach their (current) employer:
    a note written since that job began."""
    return (item.ref_type == "note" and item.share_with_employer and item.status in REPORTED
            and (since is None or item.written_at is not None and item.written_at >= since))


def of_this_job(meeting: ReportMeeting, since: datetime | None) -> bool:
    return since is None or meeting.held_at >= since


def client_meetings(meetings, since: datetime | None = None) -> list[dict]:
    """The client copy's meetings: everything reported, with whether each item goes further."""
    return [{
        "held_at": m.held_at, "scheduled_at": m.scheduled_at, "closed_at": m.closed_at,
        "mode": m.mode, "supporter": m.supporter, "summary": m.summary,
        "items": [{"section": i.section, "ref_type": i.ref_type, "kind": i.kind, "topic": i.topic,
                   "text": i.text, "status": i.status, "outcome": i.outcome,
                   "share_with_employer": of_this_job(m, since) and for_employer(i, since)}
                  for i in m.items if i.status in REPORTED + REPORTED_ACTIONS],
        "actions": [{"text": a.text, "owner": a.owner, "due": a.due, "done": a.done}
                    for a in m.actions],
    } for m in sorted(meetings, key=lambda m: m.held_at)]


def employer_meetings(meetings, since: datetime | None = None) -> list[dict]:
    """The employer copy's meetings since the job began: date, way of meeting, and the
    consented items only."""
    return [{
        "held_at": m.held_at, "mode": m.mode,
        "items": [{"section": i.section, "kind": i.kind, "topic": i.topic, "text": i.text,
                   "status": i.status, "outcome": i.outcome}
                  for i in m.items if for_employer(i, since)],
    } for m in sorted(meetings, key=lambda m: m.held_at) if of_this_job(m, since)]
