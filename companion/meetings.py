"""Meetings (作戦会議): scheduling, starting, recording outcomes, closing, and the caseload."""
from collections import defaultdict
from datetime import time

from flask_babel import gettext as _

from .access import current_supporters
from .agenda import close_outcomes
from .api import ApiError
from .db import database
from .meeting_agenda import SYSTEM, compile_live, local, snapshot, to_utc
from .models import ActionItem, AgendaItem, Meeting, Note, TalkingPoint, today, utcnow


def days_until(moment):
    """Whole days from today (in Japan) to the day of moment."""
    return (local(moment).date() - today()).days


def start_of_today():
    """Midnight in Japan today, as stored UTC."""
    return to_utc(today(), time())


# --- scheduling -------------------------------------------------------------------

def schedule(actor, client, scheduled_at, mode="in_person", summary=""):
    """Put a meeting in the calendar; the supporter is the one holding it (or the assigned one)."""
    supporter = actor if actor.role == "supporter" else current_supporters(client).first()
    return Meeting.create(client=client.id, supporter=supporter.id if supporter else None,
                          scheduled_at=scheduled_at, mode=mode, summary=summary)


def require(meeting, *states):
    """Refuse (409) a change the meeting's state does not allow."""
    if meeting.state not in states:
        messages = {
            "scheduled": _("この面談は、もう始まっているか、終わっています。"),
            "in_progress": _("この面談は、いま進行中ではありません。"),
        }
        raise ApiError(409, messages.get(states[0]))


def change(meeting, data):
    """Reschedule (before the start) or write the summary (before closing)."""
    if "scheduled_at" in data or "mode" in data:
        require(meeting, "scheduled")
    if "summary" in data:
        require(meeting, "scheduled", "in_progress")
    for key in ("scheduled_at", "mode", "summary"):
        if key in data:
            setattr(meeting, key, data[key])
    meeting.updated_at = utcnow()
    meeting.save()
    return meeting


def cancel(meeting):
    """Call off a meeting that has not started."""
    require(meeting, "scheduled")
    meeting.state, meeting.cancelled_at = "cancelled", utcnow()
    meeting.updated_at = meeting.cancelled_at
    meeting.save()
    return meeting


def next_meeting(client):
    """The meeting under way or the next one from today, with days_left; else None."""
    meeting = (Meeting.select().where(
        (Meeting.client == client.id)
        & ((Meeting.state == "in_progress")
           | ((Meeting.state == "scheduled") & (Meeting.scheduled_at >= start_of_today()))))
        .order_by(Meeting.scheduled_at).first())
    if meeting is not None:
        meeting.days_left = days_until(meeting.scheduled_at)
    return meeting


# --- running the meeting ------------------------------------------------------------

def start(meeting, actor, now=None):
    """Freeze the agenda into AgendaItems, with copies of the text, and begin."""
    now = now or utcnow()
    require(meeting, "scheduled")
    client = meeting.client
    with database.atomic():
        if Meeting.select().where((Meeting.client == client.id) & (Meeting.state == "in_progress")
                                  & (Meeting.id != meeting.id)).exists():
            raise ApiError(409, _("この利用者の、ほかの面談が進行中です。先にそちらを終えてください。"))
        agenda, system = compile_live(client, now, cutoff=now)
        supporter = actor.id if actor.role == "supporter" else meeting.supporter_id
        started = (Meeting.update(state="in_progress", started_at=now, updated_at=now,
                                  supporter=supporter, snapshot=snapshot(agenda))
                   .where((Meeting.id == meeting.id) & (Meeting.state == "scheduled")).execute())
        if not started:
            raise ApiError(409, _("この面談は、もう始まっているか、終わっています。"))
        rows, raised = [], []
        for section in agenda.sections:
            for entry in section.items:
                row = dict(meeting=meeting.id, section=section.key, position=len(rows),
                           ref_type=entry.ref_type, text=entry.text, kind=entry.kind,
                           topic=entry.topic, weight=entry.weight,
                           carried_count=entry.carried_count, written_at=entry.written_at,
                           owner=entry.owner, due=entry.due, done=entry.done,
                           system_code=entry.system_code, updated_at=now)
                if entry.ref_type == "note":
                    row["note"] = entry.ref_id
                elif entry.ref_type == "action":
                    row["action"] = entry.ref_id
                elif str(entry.ref_id).startswith(SYSTEM):
                    row["point"] = TalkingPoint.create(
                        client=client.id, meeting=meeting.id, system_code=entry.system_code,
                        text=entry.text, created_at=now).id
                    row["due"] = system[entry.system_code][0]
                else:
                    row["point"] = entry.ref_id
                    raised.append(entry.ref_id)
                rows.append(row)
        if rows:
            AgendaItem.insert_many(rows).execute()
        if raised:
            TalkingPoint.update(meeting=meeting.id).where(TalkingPoint.id.in_(raised)).execute()
    return Meeting.get_by_id(meeting.id)


def record(item, data):
    """Mark an item discussed, resolved or carried over, with its outcome."""
    require(item.meeting, "in_progress")
    for key in ("status", "outcome"):
        if key in data:
            setattr(item, key, data[key])
    item.updated_at = utcnow()
    item.save()
    return item


def add_action(meeting, data):
    """Decide something to do before next time (次までにやること)."""
    require(meeting, "in_progress")
    return ActionItem.create(client=meeting.client_id, meeting=meeting.id, text=data["text"],
                             owner=data["owner"], due=data.get("due"))


def add_point(meeting, actor, text):
    """A supporter's talking point: for the agenda before the start, onto it during the meeting."""
    require(meeting, "scheduled", "in_progress")
    if meeting.state == "scheduled":
        return TalkingPoint.create(client=meeting.client_id, author=actor.id, text=text)
    with database.atomic():
        point = TalkingPoint.create(client=meeting.client_id, author=actor.id, text=text,
                                    meeting=meeting.id)
        last = (AgendaItem.select(AgendaItem.position).where(AgendaItem.meeting == meeting.id)
                .order_by(AgendaItem.position.desc()).first())
        AgendaItem.create(meeting=meeting.id, section="supporter_points", ref_type="point",
                          point=point.id, text=text, position=last.position + 1 if last else 0)
    return point


def close(meeting, summary=None, now=None):
    """Close the meeting and carry over what is left (DESIGN §3)."""
    now = now or utcnow()
    require(meeting, "in_progress")
    changes = {"state": "closed", "closed_at": now, "updated_at": now}
    if summary is not None:
        changes["summary"] = summary
    with database.atomic():
        # The conditional update makes a second, simultaneous close a no-op.
        if not (Meeting.update(**changes)
                .where((Meeting.id == meeting.id) & (Meeting.state == "in_progress")).execute()):
            raise ApiError(409, _("この面談は、いま進行中ではありません。"))
        items = list(AgendaItem.select().where(AgendaItem.meeting == meeting.id))
        outcomes = close_outcomes({i.note_id: i.status for i in items
                                   if i.ref_type == "note" and i.note_id})
        groups = defaultdict(list)
        for note_id, outcome in outcomes.items():
            groups[outcome].append(note_id)
        for (state, carried), ids in groups.items():
            # Stars are for one meeting: what comes back is chosen afresh.
            Note.update(state=state, carried_count=Note.carried_count + carried,
                        starred_at=None).where(Note.id.in_(ids)).execute()
        done = [i.action_id for i in items
                if i.ref_type == "action" and i.status == "resolved" and i.action_id]
        if done:
            ActionItem.update(done_at=now).where(
                ActionItem.id.in_(done) & ActionItem.done_at.is_null()).execute()
        back = [i.point_id for i in items if i.ref_type == "point" and i.point_id
                and not i.system_code and i.status in ("pending", "carry_over")]
        if back:
            # System points are recomputed every time; the supporter's own come back.
            TalkingPoint.update(meeting=None).where(TalkingPoint.id.in_(back)).execute()
    return Meeting.get_by_id(meeting.id)


def actions_of(meeting):
    """The action items decided in a meeting."""
    return list(ActionItem.select().where(ActionItem.meeting == meeting.id)
                .order_by(ActionItem.id))

