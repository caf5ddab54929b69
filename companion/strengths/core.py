"""わたしの強みと配慮 and the hand-over from plain data: what is on the page, what goes to
the employer, what the app suggests, and what a hand-over is drafted from.

Pure functions (STYLE: pure core): `service.py` turns rows into the dataclasses below.

Rules where the issue is silent:
- An entry is on the page only once the client said yes (`accepted`): a supporter's
  proposal waits, and a suggestion is not stored at all until the client takes it.
- It reaches the employer only when the client marked that very entry, and only while it
  is on the page: removing it takes it out of every employer copy not yet approved.
- Suggestions come from what the client already shared: their できたこと (shared, not
  deleted) as 強み, and what a meeting decided on a worry it resolved as 配慮. Private
  notes are never suggested: a tap must not carry one to the supporter's screen.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

PARTS = ("strength", "accommodation")
MOST_SUGGESTIONS = 5
LONGEST = 200


@dataclass(frozen=True)
class Entry:
    id: int
    part: str
    text: str
    state: str
    share_with_employer: bool = False
    source: str | None = None


@dataclass(frozen=True)
class Source:
    """Something the client shared that an entry could be made from."""
    key: str  # "note:<id>" or "item:<id>"
    part: str
    text: str
    context: str = ""  # what it was about: the worry an outcome resolved
    at: datetime | None = None


def on_page(entries) -> list[Entry]:
    """The entries the client said yes to, 強み first, each part in the order written."""
    return sorted((e for e in entries if e.state == "accepted"),
                  key=lambda e: (PARTS.index(e.part), e.id))


def for_employer(entries) -> list[dict]:
    """What the employer copy and the sheet hold: the part and text of each entry on the
    page the client marked, nothing else (never where it came from)."""
    return [{"part": e.part, "text": e.text} for e in on_page(entries) if e.share_with_employer]


def suggestions(sources, entries) -> list[Source]:
    """The newest sources no entry was made from yet (taken, proposed or turned down)."""
    used = {e.source for e in entries if e.source}
    fresh = [s for s in sources if s.key not in used and s.text.strip()]
    fresh.sort(key=lambda s: s.at or datetime.min, reverse=True)
    return [Source(s.key, s.part, s.text.strip()[:LONGEST], s.context, s.at)
            for s in fresh[:MOST_SUGGESTIONS]]


@dataclass(frozen=True)
class OpenAction:
    text: str
    owner: str
    due: date | None = None


@dataclass(frozen=True)
class MonthReport:
    month: str  # YYYY-MM
    comment: str  # the supporter's comment for the client
    meetings: int = 0


def handover_items(entries, actions, reports) -> list[tuple[str, str, str]]:
    """The hand-over's lines as (section, month, text): the page's entries, the actions
    still open, and the comments of the last three months' reports, newest first."""
    lines = [(e.part, "", e.text) for e in on_page(entries)]
    lines += [("action", "", a.text) for a in actions]
    recent = sorted(reports, key=lambda r: r.month, reverse=True)[:3]
    lines += [("report", r.month, r.comment.strip()) for r in recent if r.comment.strip()]
    return lines
