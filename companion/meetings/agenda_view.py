"""The agenda a meeting shows: fetched in a fixed number of queries, compiled live or frozen.

`agenda_for` is the one place the meeting page, the Prepare page and the agenda API get
an agenda from. Its result is plain data: `sections` (key, title, prompt, items),
`highlights` (with a sentence each), `condition` (the scales and their daily series),
`window` and `live`.
"""
import json
from datetime import date, datetime, time, timedelta

from .. import labels
from ..agenda import (
    DEFAULT_WINDOW, SECTIONS, TREND_DAYS, AgendaAction, AgendaCheckIn, AgendaNote, AgendaPoint,
    compile_agenda,
)
from ..clock import japan_day, local, to_utc
from ..filters import day as format_day
from ..models import (
    ActionItem, AgendaItem, CheckIn, ClientProfile, Meeting, Note, TalkingPoint, utcnow,
)
from ..periods import (
    CERTIFICATE_NOTICE_DAYS, SUPPORT_NOTICE_MONTHS, add_months, support_period,
    system_talking_points,
)

FROZEN = ("in_progress", "closed")
SYSTEM = "system:"


def agenda_for(client, meeting=None, now=None):
    """The agenda every view shows: the frozen items once a meeting started, else compiled now."""
    if meeting is not None and meeting.state in FROZEN:
        view = frozen_agenda(meeting)
    else:
        view = view_of(*compile_live(client, now or utcnow()))
    view["meeting"] = meeting
    return view


def compile_live(client, now, cutoff=None):
    """Fetch what the compiler needs in a fixed number of queries; compile; (agenda, system points).

    Only rows that can matter are read: open or carried notes, the latest visible note
    (for `quiet`), check-ins of the two windows and the 28 days of the trends plus the
    latest one, open actions and those done in the window, talking points not yet raised.
    """
    end = cutoff or now
    previous = (Meeting.select(Meeting.started_at)
                .where((Meeting.client == client.id) & (Meeting.state == "closed")
                       & (Meeting.started_at < end))
                .order_by(Meeting.started_at.desc()).first())
    previous_at = previous.started_at if previous else None
    start = previous_at or end - DEFAULT_WINDOW
    visible = ((Note.client == client.id) & (Note.visibility == "shared")
               & Note.deleted_at.is_null())
    latest_note = (Note.select(Note.id).where(visible & (Note.written_at <= end))
                   .order_by(Note.written_at.desc()).limit(1))
    # A note kept out of the meeting (「今回は話さない」) stays open for good. Each half of
    # the union is an index range (client, state, agenda_choice; the latest by written_at),
    # so those notes and the years behind stay in the database. The halves never share a
    # row, so UNION ALL needs no sorting.
    candidate = Note.state.in_(("open", "carried")) & (Note.agenda_choice != "keep_private")
    notes = (Note.select().where(visible & candidate)
             + Note.select().where((Note.id == latest_note) & ~candidate))
    first_day = japan_day(min(start - (end - start), end - timedelta(days=2 * TREND_DAYS)))
    latest_day = CheckIn.select(CheckIn.day).where(
        (CheckIn.client == client.id) & (CheckIn.day <= japan_day(end))).order_by(
        CheckIn.day.desc()).limit(1)
    fields = (CheckIn.day, CheckIn.mood, CheckIn.body, CheckIn.sleep)
    checkins = (CheckIn.select(*fields).where((CheckIn.client == client.id)
                                              & (CheckIn.day > first_day)
                                              & (CheckIn.day <= japan_day(end)))
                + CheckIn.select(*fields).where((CheckIn.client == client.id)
                                                & (CheckIn.day == latest_day)
                                                & (CheckIn.day <= first_day)))
    reviewable = ((ActionItem.client == client.id) & (ActionItem.created_at <= end)
                  & (ActionItem.done_at.is_null() | (ActionItem.done_at > start)))
    # Not settled by a meeting before end; the halves are ranges of (client, settled_at).
    actions = (ActionItem.select().where(reviewable & ActionItem.settled_at.is_null())
               + ActionItem.select().where(reviewable & (ActionItem.settled_at > end)))
    points = TalkingPoint.select().where(
        (TalkingPoint.client == client.id) & TalkingPoint.meeting.is_null())
    profile = ClientProfile.get_or_none(ClientProfile.user == client.id)
    system = system_points(profile, end)
    agenda = compile_agenda(
        notes=[agenda_note(n) for n in notes],
        checkins=[AgendaCheckIn(c.day, c.mood, c.body, c.sleep) for c in checkins],
        actions=[AgendaAction(a.id, a.text, a.owner, a.due, a.done_at, a.created_at, a.settled_at)
                 for a in actions],
        points=[AgendaPoint(p.id, p.text, p.created_at, p.system_code) for p in points]
        + [AgendaPoint(SYSTEM + code, system_text(code, due), noticed, code)
           for code, (due, noticed) in system.items()],
        now=now, previous_meeting_at=previous_at, cutoff=cutoff)
    return agenda, system


def agenda_note(note):
    """A note row as the compiler's plain data."""
    return AgendaNote(
        id=note.id, kind=note.kind, body=note.body, written_at=note.written_at,
        received_at=note.received_at, topic=note.topic, weight=note.weight,
        visibility=note.visibility, agenda_choice=note.agenda_choice, starred_at=note.starred_at,
        state=note.state, carried_count=note.carried_count, deleted=note.deleted_at is not None,
        share_with_employer=note.share_with_employer)


def system_points(profile, end):
    """The system's talking points due at end: {code: (due, when it was first due)}."""
    if profile is None:
        return {}
    support_end = support_period(profile.hire_date).end if profile.hire_date else None
    found = {}
    for point in system_talking_points(local(end).date(), profile.certificate_valid_to,
                                       support_end):
        if point.code == "certificate_ending":
            first = point.due - timedelta(days=CERTIFICATE_NOTICE_DAYS)
        else:
            first = add_months(point.due, -SUPPORT_NOTICE_MONTHS)
        # Raised on the day it became due: a stable place among the supporter's points.
        found[point.code] = (point.due, min(to_utc(first, time()), end))
    return found


def system_text(code, due):
    """A system talking point in the reader's language."""
    return str(labels.SYSTEM_POINTS[code]) % {"due": format_day(due)}


def view_of(agenda, system):
    """A live agenda as the plain structure pages render and the API dumps."""
    sections = []
    for section in agenda.sections:
        items = []
        for entry in section.items:
            item = blank_item(section.key, entry.ref_type)
            item.update(text=entry.text, kind=entry.kind, topic=entry.topic,
                        weight=entry.weight, carried_count=entry.carried_count,
                        written_at=entry.written_at, owner=entry.owner, due=entry.due,
                        done=entry.done, system_code=entry.system_code)
            ref = {"note": "note_id", "action": "action_id", "point": "point_id"}[entry.ref_type]
            if str(entry.ref_id).startswith(SYSTEM):
                item["due"] = system[entry.system_code][0]
            else:
                item[ref] = entry.ref_id
            items.append(item)
        sections.append(section_view(section.key, items))
    return {
        "live": True,
        "sections": sections,
        "highlights": [highlight_view(h.code, h.count, h.topic, h.scale)
                       for h in agenda.highlights],
        "condition": condition_view([
            (s.name, s.mean, s.previous_mean, s.days_logged, list(s.series))
            for s in agenda.condition.scales], agenda.window_start, agenda.window_end),
        "window": {"start": agenda.window_start, "end": agenda.window_end},
    }


def blank_item(section, ref_type):
    """An agenda item with every field the API promises."""
    return dict(id=None, section=section, ref_type=ref_type, note_id=None, action_id=None,
                point_id=None, text="", kind=None, topic=None, weight=None, carried_count=0,
                written_at=None, owner=None, due=None, done=False, system_code=None,
                status=None, outcome="")


def section_view(key, items):
    """A section with its title and, when empty, the gentle prompt shown instead."""
    prompt = labels.SECTION_PROMPTS[key]
    example = labels.PROMPT_EXAMPLES.get(key)
    prompt = str(prompt) % {"example": labels.EXAMPLES[example][0]} if example else str(prompt)
    return {"key": key, "title": str(labels.SECTION_TITLES[key]), "items": items, "prompt": prompt}


def highlight_view(code, count, topic=None, scale=None):
    """A 気づき with a sentence saying what was found."""
    if code == "condition_drop":
        parts = []
        if scale:
            parts.append(str(labels.HIGHLIGHTS["condition_drop"]) % {"scale": labels.SCALES[scale]})
        if count >= 3:
            parts.append(str(labels.HIGHLIGHTS["low_mood"]) % {"count": count})
        message = " ".join(parts)
    else:
        message = str(labels.HIGHLIGHTS[code]) % {
            "count": count, "topic": labels.TOPICS.get(topic, topic) if topic else ""}
    gentle = labels.CLIENT_HIGHLIGHTS
    if code == "condition_drop":
        for_client = (str(gentle["condition_drop"]) % {"scale": labels.SCALES[scale]} if scale
                      else str(gentle["low_mood"]))
    else:
        for_client = str(gentle[code]) if code in gentle else message
    return {"code": code, "count": count, "topic": topic, "scale": scale, "message": message,
            "client_message": for_client}


def condition_view(scales, start, end):
    """The condition summary with labels; series as day/value pairs."""
    return {
        "scales": [{"name": name, "label": str(labels.SCALES[name]), "mean": mean,
                    "previous_mean": previous, "days_logged": days,
                    "series": [{"day": d, "value": v} for d, v in series]}
                   for name, mean, previous, days, series in scales],
        "first_day": japan_day(start) + timedelta(days=1), "last_day": japan_day(end),
    }


def snapshot(agenda):
    """What a started meeting keeps besides its items: highlights, condition, window."""
    return json.dumps({
        "highlights": [[h.code, h.count, h.topic, h.scale] for h in agenda.highlights],
        "condition": [[s.name, s.mean, s.previous_mean, s.days_logged,
                       [[d.isoformat(), v] for d, v in s.series]]
                      for s in agenda.condition.scales],
        "window": [agenda.window_start.isoformat(), agenda.window_end.isoformat()],
        # How many items were frozen: more later means points were added in the meeting.
        "items": sum(len(s.items) for s in agenda.sections),
    }, ensure_ascii=False)


def item_view(row):
    """A frozen agenda item as plain data; a system point is worded in the reader's language."""
    item = blank_item(row.section, row.ref_type)
    item.update(id=row.id, note_id=row.note_id, action_id=row.action_id,
                point_id=row.point_id, kind=row.kind, topic=row.topic, weight=row.weight,
                carried_count=row.carried_count, written_at=row.written_at,
                owner=row.owner, due=row.due, done=row.done, system_code=row.system_code,
                status=row.status, outcome=row.outcome,
                text=system_text(row.system_code, row.due) if row.system_code else row.text)
    return item


def frozen_agenda(meeting):
    """A started meeting's agenda: its items as copied at the start, in one query."""
    items = {key: [] for key, _title in SECTIONS}
    for row in (AgendaItem.select().where(AgendaItem.meeting == meeting.id)
                .order_by(AgendaItem.position, AgendaItem.id)):
        items[row.section].append(item_view(row))
    saved = json.loads(meeting.snapshot)
    start, end = (datetime.fromisoformat(s) for s in saved["window"])
    return {
        "live": False,
        "sections": [section_view(key, items[key]) for key, _title in SECTIONS],
        "highlights": [highlight_view(*h) for h in saved["highlights"]],
        "condition": condition_view([
            (name, mean, previous, days, [(date.fromisoformat(d), v) for d, v in series])
            for name, mean, previous, days, series in saved["condition"]], start, end),
        "window": {"start": start, "end": end},
    }
