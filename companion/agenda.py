"""The agenda compiler: a client's notes and check-ins in, the 作戦会議 agenda out.

Pure functions over plain data (DESIGN §3): views fetch rows, turn them into the
dataclasses below, call `compile_agenda`, then render or serialise the `Agenda`.

Rules where DESIGN is silent:
- Datetimes are naive UTC. `cutoff` is when the meeting started; a live agenda uses `now`.
- A note is a candidate because of its state, not because of when it arrived. A note
  written offline before the previous meeting but received after it was never in that
  meeting's agenda, so it is still `open` and appears now. Old open notes never age out.
  `received_at` is not used: a note written before the cutoff counts even if it arrives later.
- The window is (window_start, window_end] on `written_at`. Check-ins are whole days of
  Japan's calendar: a day is in it when after the start's date and up to the end's date
  (both read in Japan, so a check-in made at 08:00 JST is on that day's agenda), so the previous
  meeting's day belongs to the previous window. The 14-day blocks of `condition_drop`
  and `quiet` end on the cutoff's date the same way.
- `quiet` looks only at notes a supporter may see (shared, not deleted), so it never
  reveals that private notes exist.
- Actions and talking points created after the cutoff belong to the next meeting. Without
  a previous meeting, "done since the previous meeting" means done in the window.
- Only worries become wins when marked `sorted`; a worry's missing weight reads as `small`.
- A check-in may leave a scale blank (None): that scale skips the day in its mean, days
  logged and series; the day still counts as activity for `quiet`.
- `to_dict` writes naive UTC datetimes as ISO 8601 with a trailing 'Z', so browsers
  never read them as local time.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from .clock import japan_day

SECTIONS = (
    ("priorities", "いちばん話したいこと"),
    ("actions_review", "前回決めたこと"),
    ("condition", "今月の調子"),
    ("wins", "できたこと"),
    ("worries", "困ったこと・悩んでいること"),
    ("goals", "次の面談までに解決したいこと"),
    ("challenges", "やってみたいこと"),
    ("for_employer", "会社に伝えてほしいこと"),
    ("supporter_points", "支援員から"),
)
KIND_SECTIONS = {"goal": "goals", "challenge": "challenges", "for_employer": "for_employer"}
WEIGHT_RANK = {"urgent": 0, "medium": 1, "small": 2}
SCALES = ("mood", "body", "sleep")
MAX_PRIORITIES = 3
DEFAULT_WINDOW = timedelta(days=30)
TREND_DAYS = 14
TOPIC_REPEAT_MIN = 3
CARRIED_OFTEN_MIN = 2
LOW_MOOD = 2
LOW_MOOD_DAYS_MIN = 3
CLOSE_OUTCOMES = {"discussed": ("discussed", 0), "resolved": ("resolved", 0),
                  "pending": ("carried", 1), "carry_over": ("carried", 1)}
# An action reviewed under 前回決めたこと: what closing the meeting does to it.
# done: ticked done (if not already) and settled; continue: open again, comes back;
# dropped: settled without being done; pending: untouched, so it comes back as it is.
ACTION_OUTCOMES = {"done": "done", "continue": "open", "dropped": "dropped", "pending": None}


def carried_statuses(ref_type: str) -> tuple:
    """The statuses with which an item comes back on the next agenda after the close."""
    if ref_type == "action":
        return tuple(s for s, outcome in ACTION_OUTCOMES.items() if outcome in ("open", None))
    return tuple(s for s, (_state, carried) in CLOSE_OUTCOMES.items() if carried)


@dataclass(frozen=True)
class AgendaNote:
    id: str
    kind: str
    body: str
    written_at: datetime
    received_at: datetime
    topic: str | None = None
    weight: str | None = None
    visibility: str = "shared"
    agenda_choice: str = "raise"
    starred_at: datetime | None = None
    state: str = "open"
    carried_count: int = 0
    deleted: bool = False
    share_with_employer: bool = False


@dataclass(frozen=True)
class AgendaAction:
    id: int
    text: str
    owner: str
    due: date | None
    done_at: datetime | None
    created_at: datetime
    # When a meeting closed it for good (reviewed as done, or dropped).
    settled_at: datetime | None = None


@dataclass(frozen=True)
class AgendaPoint:
    id: int
    text: str
    created_at: datetime
    system_code: str | None = None


@dataclass(frozen=True)
class AgendaCheckIn:
    day: date
    mood: int | None
    body: int | None
    sleep: int | None


@dataclass(frozen=True)
class AgendaEntry:
    ref_type: str
    ref_id: str | int
    text: str
    kind: str | None = None
    topic: str | None = None
    weight: str | None = None
    carried_count: int = 0
    written_at: datetime | None = None
    owner: str | None = None
    due: date | None = None
    done: bool = False
    system_code: str | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[AgendaEntry, ...]


@dataclass(frozen=True)
class Highlight:
    code: str
    count: int
    topic: str | None = None
    scale: str | None = None


@dataclass(frozen=True)
class ScaleSummary:
    name: str
    mean: float | None
    previous_mean: float | None
    days_logged: int
    series: tuple[tuple[date, int], ...]


@dataclass(frozen=True)
class Condition:
    scales: tuple[ScaleSummary, ...]


@dataclass(frozen=True)
class Agenda:
    sections: tuple[Section, ...]
    highlights: tuple[Highlight, ...]
    condition: Condition
    window_start: datetime
    window_end: datetime

    def section(self, key: str) -> Section:
        """Return the section with this key."""
        return next(s for s in self.sections if s.key == key)

    def to_dict(self) -> dict:
        """Return the agenda as JSON-ready data, dates and datetimes as ISO strings."""
        return {
            "sections": [
                {"key": s.key, "title": s.title,
                 "items": [{k: _iso(v) for k, v in asdict(i).items()} for i in s.items]}
                for s in self.sections
            ],
            "highlights": [asdict(h) for h in self.highlights],
            "condition": {"scales": [
                {"name": s.name, "mean": s.mean, "previous_mean": s.previous_mean,
                 "days_logged": s.days_logged,
                 "series": [{"day": d.isoformat(), "value": v} for d, v in s.series]}
                for s in self.condition.scales
            ]},
            "window": {"start": _iso(self.window_start), "end": _iso(self.window_end)},
        }


def compile_agenda(*, notes, checkins, actions, points, now: datetime,
                   previous_meeting_at: datetime | None, cutoff: datetime | None = None) -> Agenda:
    """Compile the agenda as of `cutoff` (the meeting's start), or `now` for a live agenda."""
    end = cutoff or now
    start = previous_meeting_at or end - DEFAULT_WINDOW
    if start >= end:
        raise ValueError("previous_meeting_at must be before the cutoff")
    candidates = sorted((n for n in notes if _is_candidate(n, end)),
                        key=lambda n: (n.written_at, n.id))
    topic_counts = Counter(n.topic for n in candidates
                           if n.kind == "worry" and n.topic and start < n.written_at <= end)
    items = _note_sections(candidates, topic_counts)
    items["actions_review"] = _actions_review(actions, start, end)
    items["supporter_points"] = [
        AgendaEntry("point", p.id, p.text, system_code=p.system_code)
        for p in sorted(points, key=lambda p: (p.created_at, p.id)) if p.created_at <= end
    ]
    return Agenda(
        sections=tuple(Section(key, title, tuple(items[key])) for key, title in SECTIONS),
        highlights=tuple(_highlights(notes, candidates, topic_counts, checkins, start, end)),
        condition=condition_summary(checkins, start, end),
        window_start=start,
        window_end=end,
    )


def close_outcomes(statuses: dict) -> dict:
    """Map each note's agenda-item status at closing to (new state, carried increment)."""
    unknown = set(statuses.values()) - CLOSE_OUTCOMES.keys()
    if unknown:
        raise ValueError(f"unknown agenda item status: {', '.join(sorted(unknown))}")
    return {note_id: CLOSE_OUTCOMES[status] for note_id, status in statuses.items()}


def action_outcomes(statuses: dict) -> dict:
    """Map each action's review status at closing to "done", "open", "dropped" or None (as it is)."""
    unknown = set(statuses.values()) - ACTION_OUTCOMES.keys()
    if unknown:
        raise ValueError(f"unknown action review status: {', '.join(sorted(unknown))}")
    return {action_id: ACTION_OUTCOMES[status] for action_id, status in statuses.items()}


def _is_candidate(note: AgendaNote, end: datetime) -> bool:
    """Return whether a note belongs on the agenda as of `end`."""
    return (note.visibility == "shared" and not note.deleted
            and note.state in ("open", "carried") and note.agenda_choice != "keep_private"
            and note.written_at <= end)


def _note_sections(candidates, topic_counts: Counter) -> dict[str, list[AgendaEntry]]:
    """Place each candidate note in its section; a starred note goes to priorities only."""
    starred = sorted((n for n in candidates if n.starred_at), key=lambda n: (n.starred_at, n.id))
    groups = {key: [] for key, _ in SECTIONS}
    groups["priorities"] = starred[:MAX_PRIORITIES]
    in_priorities = {n.id for n in groups["priorities"]}
    for note in candidates:
        if note.id in in_priorities:
            continue
        if note.kind == "win" or (note.kind == "worry" and note.agenda_choice == "sorted"):
            groups["wins"].append(note)
        elif note.kind == "worry":
            groups["worries"].append(note)
        elif note.kind in KIND_SECTIONS:
            groups[KIND_SECTIONS[note.kind]].append(note)
    groups["worries"].sort(key=lambda n: (
        WEIGHT_RANK.get(n.weight or "small", WEIGHT_RANK["small"]),
        -n.carried_count, -topic_counts[n.topic], n.written_at, n.id))
    return {key: [_note_entry(n) for n in group] for key, group in groups.items()}


def _note_entry(note: AgendaNote) -> AgendaEntry:
    """Return the agenda entry for a note."""
    weight = (note.weight or "small") if note.kind == "worry" else None
    return AgendaEntry("note", note.id, note.body, kind=note.kind, topic=note.topic, weight=weight,
                       carried_count=note.carried_count, written_at=note.written_at)


def _actions_review(actions, start: datetime, end: datetime) -> list[AgendaEntry]:
    """Return open actions and those done in the window, by due date, undated last.

    One that a meeting settled (reviewed as done, or dropped) before `end` is over.
    """
    entries = []
    for a in sorted(actions, key=lambda a: (a.due is None, a.due or date.min, a.created_at, a.id)):
        done = a.done_at is not None and a.done_at <= end
        settled = a.settled_at is not None and a.settled_at <= end
        if a.created_at <= end and not settled and (not done or a.done_at > start):
            entries.append(
                AgendaEntry("action", a.id, a.text, owner=a.owner, due=a.due, done=done))
    return entries


def _highlights(notes, candidates, topic_counts, checkins, start, end) -> list[Highlight]:
    """Return the 気づき in a fixed order, each with the number it found."""
    found = [Highlight("topic_repeat", count, topic=topic)
             for topic, count in sorted(topic_counts.items(), key=lambda tc: (-tc[1], tc[0]))
             if count >= TOPIC_REPEAT_MIN]
    carried = sum(1 for n in candidates if n.carried_count >= CARRIED_OFTEN_MIN)
    if carried:
        found.append(Highlight("carried_often", carried))
    found += condition_drop(checkins, start, end)
    found += quiet(last_active(notes, checkins, end), end)
    sorted_itself = sum(1 for n in candidates if n.kind == "worry" and n.agenda_choice == "sorted")
    if sorted_itself:
        found.append(Highlight("sorted_itself", sorted_itself))
    return found


def _days(checkins, first_excluded: date, last: date) -> list[AgendaCheckIn]:
    """Return the check-ins on the days after `first_excluded` up to and including `last`."""
    return sorted((c for c in checkins if first_excluded < c.day <= last), key=lambda c: c.day)


def _mean(checkins, scale: str) -> Fraction | None:
    """Return the exact mean of one scale, or None without check-ins."""
    values = [getattr(c, scale) for c in checkins if getattr(c, scale) is not None]
    return Fraction(sum(values), len(values)) if values else None


def _round1(value: Fraction | None) -> float | None:
    """Round half up to one decimal, as people do (round() would give 2.2 for 2.25)."""
    return None if value is None else math.floor(value * 10 + Fraction(1, 2)) / 10


def condition_summary(checkins, start: datetime, end: datetime) -> Condition:
    """Summarise each scale in the window against the previous window (the report uses it too)."""
    current = _days(checkins, japan_day(start), japan_day(end))
    previous = _days(checkins, japan_day(start - (end - start)), japan_day(start))
    return Condition(tuple(
        ScaleSummary(
            name=name,
            mean=_round1(_mean(current, name)),
            previous_mean=_round1(_mean(previous, name)),
            days_logged=sum(1 for c in current if getattr(c, name) is not None),
            series=tuple((c.day, getattr(c, name)) for c in current if getattr(c, name) is not None),
        )
        for name in SCALES
    ))


def condition_drop(checkins, start: datetime, end: datetime) -> list[Highlight]:
    """Flag a scale falling by a point or more over 14 days, or 3+ low-mood days (caseload too)."""
    last, fortnight = japan_day(end), timedelta(days=TREND_DAYS)
    recent = _days(checkins, last - fortnight, last)
    before = _days(checkins, last - 2 * fortnight, last - fortnight)
    # Exact fractions: a float mean can miss a drop of exactly 1.0 by rounding.
    dropping = next((name for name in SCALES
                     if None not in (_mean(before, name), _mean(recent, name))
                     and _mean(before, name) - _mean(recent, name) >= 1), None)
    low_days = sum(1 for c in _days(checkins, japan_day(start), last)
                   if c.mood is not None and c.mood <= LOW_MOOD)
    if dropping or low_days >= LOW_MOOD_DAYS_MIN:
        return [Highlight("condition_drop", low_days, scale=dropping)]
    return []


def last_active(notes, checkins, end: datetime) -> date | None:
    """Return the last day with a visible note or a check-in, up to `end`."""
    last = japan_day(end)
    active = [japan_day(n.written_at) for n in notes
              if n.visibility == "shared" and not n.deleted and n.written_at <= end]
    active += [c.day for c in checkins if c.day <= last]
    return max(active) if active else None


def quiet(last_active_day: date | None, end: datetime) -> list[Highlight]:
    """Flag 14 days or more without a visible note or a check-in (caseload too)."""
    days = (japan_day(end) - last_active_day).days if last_active_day else TREND_DAYS
    return [Highlight("quiet", days)] if days >= TREND_DAYS else []


def _iso(value):
    """Return a date as YYYY-MM-DD and a naive UTC datetime as ISO 8601 with 'Z'."""
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value
