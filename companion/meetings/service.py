"""Meetings (作戦会議): scheduling, starting, recording outcomes, closing, and the caseload."""
import json
from collections import defaultdict
from datetime import time

from flask_babel import gettext as _
from peewee import fn

from ..access import current_supporters
from ..agenda import action_outcomes, close_outcomes
from ..clock import local, to_utc
from ..db import database, insert_rows
from ..errors import Refused
from ..filters import day as format_day
from ..models import (
    ACTION_STATUSES, ITEM_STATUSES, ActionItem, AgendaItem, Meeting, Note, TalkingPoint, today,
    utcnow,
)
from .agenda_view import SYSTEM, compile_live, snapshot


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
        raise Refused(409, messages.get(states[0]))


def change(meeting, data):
    """Reschedule (before the start) or write the summary (before closing)."""
    if "scheduled_at" in data or "mode" in data:
        require(meeting, "scheduled")
    if "summary" in data:
        require(meeting, "scheduled", "in_progress")
    if any(key in data and data[key] != getattr(meeting, key) for key in ("scheduled_at", "mode")):
        meeting.sequence += 1  # calendar apps replace the event they hold
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
    meeting.sequence += 1
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

def is_early(meeting, now=None):
    """True when the meeting is scheduled for a later day (Japan) than today."""
    return local(meeting.scheduled_at).date() > local(now or utcnow()).date()


def start(meeting, actor, now=None, early=False):
    """Freeze the agenda into AgendaItems, with copies of the text, and begin.

    Before its day it starts only when asked on purpose (`early`): a tap on the wrong
    meeting would otherwise freeze an agenda weeks too soon.
    """
    now = now or utcnow()
    require(meeting, "scheduled")
    if is_early(meeting, now) and not early:
        raise Refused(409, _("この面談は%(day)sの予定です。今日始めるときは、もう一度たしかめてください。",
                              day=format_day(local(meeting.scheduled_at).date())))
    client = meeting.client
    with database.atomic():
        if Meeting.select().where((Meeting.client == client.id) & (Meeting.state == "in_progress")
                                  & (Meeting.id != meeting.id)).exists():
            raise Refused(409, _("この利用者の、ほかの面談が進行中です。先にそちらを終えてください。"))
        agenda, system = compile_live(client, now, cutoff=now)
        supporter = actor.id if actor.role == "supporter" else meeting.supporter_id
        started = (Meeting.update(state="in_progress", started_at=now, updated_at=now,
                                  supporter=supporter, snapshot=snapshot(agenda))
                   .where((Meeting.id == meeting.id) & (Meeting.state == "scheduled")).execute())
        if not started:
            raise Refused(409, _("この面談は、もう始まっているか、終わっています。"))
        rows, raised = [], []
        for section in agenda.sections:
            for entry in section.items:
                row = dict(meeting=meeting.id, section=section.key, position=len(rows),
                           ref_type=entry.ref_type, text=entry.text, kind=entry.kind,
                           topic=entry.topic, weight=entry.weight,
                           carried_count=entry.carried_count, written_at=entry.written_at,
                           owner=entry.owner, due=entry.due, done=entry.done,
                           system_code=entry.system_code, updated_at=now,
                           note=None, action=None, point=None)
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
        insert_rows(AgendaItem, rows)
        if raised:
            TalkingPoint.update(meeting=meeting.id).where(TalkingPoint.id.in_(raised)).execute()
    return Meeting.get_by_id(meeting.id)


def statuses_for(item):
    """The statuses an item can be given: an action's own (できた・つづける・やめる), else a note's."""
    return ACTION_STATUSES if item.ref_type == "action" else ITEM_STATUSES


def record(item, data):
    """Mark an item discussed, resolved or carried over (an action: done, continue, dropped)."""
    require(item.meeting, "in_progress")
    if "status" in data and data["status"] not in statuses_for(item):
        raise Refused(422, fields={"status": [_("この項目には、この結果は選べません。")]})
    for key in ("status", "outcome"):
        if key in data:
            setattr(item, key, data[key])
    item.updated_at = utcnow()
    item.save()
    return item


def untouched(meeting):
    """True while nothing has been recorded in a started meeting.

    Every item still pending with no outcome, no action decided, no point added.
    """
    items = AgendaItem.select().where(AgendaItem.meeting == meeting.id)
    if items.where((AgendaItem.status != "pending") | (AgendaItem.outcome != "")).exists():
        return False
    if ActionItem.select().where(ActionItem.meeting == meeting.id).exists():
        return False
    frozen = json.loads(meeting.snapshot or "{}").get("items")
    return frozen is None or items.count() <= frozen


def unstart(meeting):
    """Put a meeting started by mistake back to scheduled: its frozen items go, the notes wait again."""
    require(meeting, "in_progress")
    with database.atomic():
        if not untouched(meeting):
            raise Refused(409, _("この面談には、もう記録があります。予定にもどせません。"))
        if not (Meeting.update(state="scheduled", started_at=None, snapshot="", updated_at=utcnow())
                .where((Meeting.id == meeting.id) & (Meeting.state == "in_progress")).execute()):
            raise Refused(409, _("この面談は、いま進行中ではありません。"))
        AgendaItem.delete().where(AgendaItem.meeting == meeting.id).execute()
        # System points are made afresh at each start; the supporter's own wait for the next one.
        TalkingPoint.delete().where((TalkingPoint.meeting == meeting.id)
                                    & TalkingPoint.system_code.is_null(False)).execute()
        TalkingPoint.update(meeting=None).where(TalkingPoint.meeting == meeting.id).execute()
    return Meeting.get_by_id(meeting.id)


def item_of(meeting, item_id):
    """The id of the running meeting's agenda item something was decided from (None for none)."""
    if item_id is None:
        return None
    if not AgendaItem.select().where((AgendaItem.id == item_id)
                                     & (AgendaItem.meeting == meeting.id)).exists():
        raise Refused(422, fields={"from_item_id": [_("この面談の項目ではありません。")]})
    return item_id


def add_action(meeting, data, now=None):
    """Decide something to do before next time (次までにやること), from an item or on its own."""
    require(meeting, "in_progress")
    return ActionItem.create(client=meeting.client_id, meeting=meeting.id, text=data["text"],
                             owner=data["owner"], due=data.get("due"),
                             from_item=item_of(meeting, data.get("from_item_id")),
                             created_at=now or utcnow())


def add_point(meeting, actor, text, from_item_id=None):
    """A supporter's talking point: for the agenda before the start, onto it during the meeting.

    During the meeting it may come up from an agenda item, which it then names.
    """
    require(meeting, "scheduled", "in_progress")
    if meeting.state == "scheduled":
        if from_item_id is not None:
            raise Refused(422, fields={"from_item_id": [_("この面談の項目ではありません。")]})
        return TalkingPoint.create(client=meeting.client_id, author=actor.id, text=text)
    with database.atomic():
        point = TalkingPoint.create(client=meeting.client_id, author=actor.id, text=text,
                                    meeting=meeting.id, from_item=item_of(meeting, from_item_id))
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
            raise Refused(409, _("この面談は、いま進行中ではありません。"))
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
        reviews = defaultdict(list)
        for action_id, outcome in action_outcomes(
                {i.action_id: i.status for i in items
                 if i.ref_type == "action" and i.action_id}).items():
            reviews[outcome].append(action_id)
        settle = {
            "done": dict(done_at=fn.COALESCE(ActionItem.done_at, now), settled_at=now),
            "open": dict(done_at=None, settled_at=None),
            "dropped": dict(done_at=None, settled_at=now),
        }
        for outcome, changes in settle.items():
            if reviews[outcome]:
                ActionItem.update(**changes).where(ActionItem.id.in_(reviews[outcome])).execute()
        back = [i.point_id for i in items if i.ref_type == "point" and i.point_id
                and not i.system_code and i.status in ("pending", "carry_over")]
        if back:
            # System points are recomputed every time; the supporter's own come back.
            TalkingPoint.update(meeting=None).where(TalkingPoint.id.in_(back)).execute()
    return Meeting.get_by_id(meeting.id)


# --- action items between and during meetings ------------------------------------------

def require_own_meeting(action):
    """Refuse (409) editing an action outside the meeting that decided it."""
    if action.meeting_id is None or Meeting.get_by_id(action.meeting_id).state != "in_progress":
        raise Refused(409, _("やることは、決めた面談の間だけ、なおせます。"))


def edit_action(action, data):
    """Change an action's text, owner or due day while its meeting is under way."""
    require_own_meeting(action)
    for key in ("text", "owner", "due"):
        if key in data:
            setattr(action, key, data[key])
    action.save()
    return action


def delete_action(action):
    """Take back an action decided by mistake, while its meeting is under way."""
    require_own_meeting(action)
    action.delete_instance()


def tick_action(action, done, now=None, by_client=False):
    """Tick an action done (or not) between meetings: the client from Home, staff on the client page.

    The client ticks their own; what the supporter or the employer was to do is looked at
    together in the meeting.
    """
    if by_client and action.owner != "client":
        raise Refused(409, _("支援員や会社がすることは、面談でいっしょにたしかめます。"))
    if action.settled_at is not None:
        raise Refused(409, _("このやることは、面談でしめくくりました。"))
    action.done_at = (action.done_at or now or utcnow()) if done else None
    action.save()
    return action


def open_actions(client):
    """A client's actions not yet settled by a meeting (to do, or done and not yet looked at)."""
    return list(ActionItem.select().where(
        (ActionItem.client == client.id) & ActionItem.settled_at.is_null())
        .order_by(ActionItem.due.is_null(), ActionItem.due, ActionItem.id))


def decided_from(meeting, actions):
    """What was added from each agenda item during the meeting: {item id: [(kind, text)]}.

    `actions` are the meeting's actions, already read; the points take one query.
    """
    linked = defaultdict(list)
    for action in actions:
        if action.from_item_id:
            linked[action.from_item_id].append(("action", action.text))
    for item_id, text in (TalkingPoint.select(TalkingPoint.from_item, TalkingPoint.text)
                          .where((TalkingPoint.meeting == meeting.id)
                                 & TalkingPoint.from_item.is_null(False))
                          .order_by(TalkingPoint.id).tuples()):
        linked[item_id].append(("point", text))
    return dict(linked)


def actions_of(meeting):
    """The action items decided in a meeting."""
    return list(ActionItem.select().where(ActionItem.meeting == meeting.id)
                .order_by(ActionItem.id))

