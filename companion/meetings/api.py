"""The meetings API: schedule, read the agenda, start, record outcomes and actions, close."""
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from peewee import JOIN

from ..access import (
    action_item_or_404, agenda_item_or_404, client_or_404, log_access, meeting_or_404,
    requested_client, roles_required,
)
from ..api import load
from ..db import database
from ..errors import Refused
from ..models import ROLES, STAFF, Meeting, User
from ..openapi import doc
from . import service
from .agenda_view import agenda_for, item_view
from .schemas import (
    ActionChangeSchema, ActionItemSchema, ActionQuerySchema, AgendaItemChangeSchema,
    AgendaItemSchema, AgendaSchema, MeetingChangeSchema, MeetingCloseSchema, MeetingDetailSchema,
    MeetingQuerySchema, MeetingSchema, MeetingStartSchema, TalkingPointSchema,
)

bp = Blueprint("meetings", __name__)

EVERYONE = ROLES


def body_or_empty():
    """The JSON body, where sending none means "nothing to add"."""
    data = request.get_json(silent=True)
    return {} if data is None else data


@bp.get("/meetings")
@doc("List a client's meetings", query=MeetingQuerySchema, response=MeetingSchema, many=True)
@roles_required(*EVERYONE)
def list_meetings():
    """One's own meetings, or those of a client one supports (client_id), newest first."""
    args = load(MeetingQuerySchema(), request.args.to_dict())
    client = requested_client(current_user, args)
    supporter = User.alias()
    query = (Meeting.select(Meeting, supporter)
             .join(supporter, on=(Meeting.supporter == supporter.id), join_type=JOIN.LEFT_OUTER)
             .where(Meeting.client == client.id).order_by(Meeting.scheduled_at.desc()))
    if args.get("state"):
        query = query.where(Meeting.state == args["state"])
    rows = list(query)
    for meeting in rows:
        meeting.client = client
    log_access(current_user, client, "meeting")
    return jsonify(MeetingSchema(many=True).dump(rows))


@bp.post("/meetings")
@doc("Schedule a meeting", body=MeetingSchema, response=MeetingSchema, status=201)
@roles_required(*STAFF)
def create_meeting():
    """Schedule a meeting with a client one supports."""
    data = load(MeetingSchema())
    client = client_or_404(current_user, data["client_id"])
    meeting = service.schedule(current_user, client, data["scheduled_at"], data["mode"],
                                data.get("summary", ""))
    return jsonify(MeetingSchema().dump(meeting)), 201


@bp.get("/meetings/<meeting_id>")
@doc("Read a meeting and the actions decided in it", response=MeetingDetailSchema)
@roles_required(*EVERYONE)
def read_meeting(meeting_id):
    """One meeting with its action items."""
    meeting = meeting_or_404(current_user, meeting_id)
    meeting.actions = service.actions_of(meeting)
    log_access(current_user, meeting.client, "meeting", meeting.id)
    return jsonify(MeetingDetailSchema().dump(meeting))


@bp.patch("/meetings/<meeting_id>")
@doc("Reschedule a meeting or write its summary", body=MeetingChangeSchema, response=MeetingSchema)
@roles_required(*STAFF)
def change_meeting(meeting_id):
    """Move a meeting that has not started, or write the summary."""
    meeting = meeting_or_404(current_user, meeting_id)
    data = load(MeetingChangeSchema())
    return jsonify(MeetingSchema().dump(service.change(meeting, data)))


@bp.post("/meetings/<meeting_id>/cancel")
@doc("Cancel a meeting that has not started", response=MeetingSchema)
@roles_required(*STAFF)
def cancel_meeting(meeting_id):
    """Call off a scheduled meeting."""
    meeting = meeting_or_404(current_user, meeting_id)
    return jsonify(MeetingSchema().dump(service.cancel(meeting)))


@bp.get("/meetings/<meeting_id>/agenda")
@doc("The meeting's agenda: live before the start, frozen after", response=AgendaSchema)
@roles_required(*EVERYONE)
def read_agenda(meeting_id):
    """The compiled agenda, exactly as the meeting page shows it."""
    meeting = meeting_or_404(current_user, meeting_id)
    log_access(current_user, meeting.client, "agenda", meeting.id)
    return jsonify(AgendaSchema().dump(agenda_for(meeting.client, meeting)))


@bp.post("/meetings/<meeting_id>/start")
@doc("Start the meeting: freeze its agenda (before its day only with confirm_early)",
     body=MeetingStartSchema, response=AgendaSchema)
@roles_required(*STAFF)
def start_meeting(meeting_id):
    """Freeze the agenda into items and begin; answers the frozen agenda."""
    meeting = meeting_or_404(current_user, meeting_id)
    data = load(MeetingStartSchema(), body_or_empty())
    meeting = service.start(meeting, current_user, early=data["confirm_early"])
    log_access(current_user, meeting.client, "agenda", meeting.id)
    return jsonify(AgendaSchema().dump(agenda_for(meeting.client, meeting)))


@bp.post("/meetings/<meeting_id>/unstart")
@doc("Put a meeting started by mistake back to scheduled, while nothing is recorded in it",
     response=MeetingSchema)
@roles_required(*STAFF)
def unstart_meeting(meeting_id):
    """Undo a start: the frozen items go and the agenda is live again."""
    meeting = meeting_or_404(current_user, meeting_id)
    return jsonify(MeetingSchema().dump(service.unstart(meeting)))


@bp.patch("/agenda-items/<item_id>")
@doc("Record what happened to an agenda item", body=AgendaItemChangeSchema,
     response=AgendaItemSchema)
@roles_required(*STAFF)
def change_item(item_id):
    """Mark an item discussed, resolved or carried over, and write its outcome."""
    item = agenda_item_or_404(current_user, item_id)
    item = service.record(item, load(AgendaItemChangeSchema()))
    return jsonify(AgendaItemSchema().dump(item_view(item)))


@bp.post("/meetings/<meeting_id>/actions")
@doc("Add an action item", body=ActionItemSchema, response=ActionItemSchema, status=201)
@roles_required(*STAFF)
def add_action(meeting_id):
    """Decide something to do before next time."""
    meeting = meeting_or_404(current_user, meeting_id)
    action = service.add_action(meeting, load(ActionItemSchema()))
    return jsonify(ActionItemSchema().dump(action)), 201


@bp.post("/meetings/<meeting_id>/points")
@doc("Add a talking point", body=TalkingPointSchema, response=TalkingPointSchema, status=201)
@roles_required(*STAFF)
def add_point(meeting_id):
    """Something the supporter wants to raise: next on the agenda, or now during the meeting."""
    meeting = meeting_or_404(current_user, meeting_id)
    data = load(TalkingPointSchema())
    point = service.add_point(meeting, current_user, data["text"], data.get("from_item_id"))
    return jsonify(TalkingPointSchema().dump(point)), 201


@bp.post("/meetings/<meeting_id>/close")
@doc("Close the meeting and carry over what is left", body=MeetingCloseSchema,
     response=MeetingSchema)
@roles_required(*STAFF)
def close_meeting(meeting_id):
    """Close: discussed and resolved notes leave, the rest comes back next time."""
    meeting = meeting_or_404(current_user, meeting_id)
    data = load(MeetingCloseSchema(), body_or_empty())
    return jsonify(MeetingSchema().dump(service.close(meeting, data.get("summary"))))


@bp.get("/actions")
@doc("A client's action items not yet settled by a meeting", query=ActionQuerySchema,
     response=ActionItemSchema, many=True)
@roles_required(*EVERYONE)
def list_actions():
    """One's own open actions, or those of a client one supports (client_id)."""
    client = requested_client(current_user, load(ActionQuerySchema(), request.args.to_dict()))
    log_access(current_user, client, "actions")
    return jsonify(ActionItemSchema(many=True).dump(service.open_actions(client)))


@bp.patch("/actions/<action_id>")
@doc("Tick an action done (anyone on the client's side), or change its words in its meeting (staff)",
     body=ActionChangeSchema, response=ActionItemSchema)
@roles_required(*EVERYONE)
def change_action(action_id):
    """The client may only tick; staff may also edit while the deciding meeting runs."""
    action = action_item_or_404(current_user, action_id)
    data = load(ActionChangeSchema())
    words = {k: data[k] for k in ("text", "owner", "due") if k in data}
    if words and current_user.role == "client":
        raise Refused(422, fields={k: [_("ここは支援員がなおします。")] for k in words})
    with database.atomic():
        if words:
            action = service.edit_action(action, words)
        if "done" in data:
            action = service.tick_action(action, data["done"],
                                               by_client=current_user.role == "client")
    return jsonify(ActionItemSchema().dump(action))


@bp.delete("/actions/<action_id>")
@doc("Take back an action decided by mistake, while its meeting runs", status=204, empty=True)
@roles_required(*STAFF)
def delete_action(action_id):
    """Delete an action of the meeting under way."""
    service.delete_action(action_item_or_404(current_user, action_id))
    return "", 204
