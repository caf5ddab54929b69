"""The schemas of meetings, agendas, actions and the caseload."""
from datetime import datetime

from marshmallow import fields, validate

from ..fields import (
    BaseSchema, PersonSchema, UTCDateTime, _l, choice, day_field, messages, not_blank, record_id,
    text,
)
from ..models import ACTION_OWNERS, ACTION_STATUSES, ITEM_STATUSES, MEETING_MODES, MEETING_STATES


def meeting_time(**kwargs):
    """A meeting's date and time, between the years 2000 and 2100."""
    return UTCDateTime(error_messages=messages(invalid=_l("日時の形が正しくありません。")),
                       validate=validate.Range(min=datetime(2000, 1, 1), max=datetime(2100, 1, 1),
                                               error=_l("2000年から2100年までの日時にしてください。")),
                       **kwargs)





class ActionItemSchema(BaseSchema):
    """Something to do before the next meeting (次までにやること)."""
    id = fields.Integer(dump_only=True)
    meeting_id = fields.Integer(dump_only=True, allow_none=True)
    text = text(500, required=True, checks=[not_blank])
    owner = choice(ACTION_OWNERS, required=True)
    due = day_field(allow_none=True)
    done = fields.Boolean(dump_only=True)
    done_at = UTCDateTime(dump_only=True, allow_none=True)
    dropped = fields.Boolean(dump_only=True)
    settled_at = UTCDateTime(dump_only=True, allow_none=True)
    overdue = fields.Function(lambda action: action.overdue(), dump_only=True)
    from_item_id = record_id(allow_none=True)
    created_at = UTCDateTime(dump_only=True)


class ActionChangeSchema(BaseSchema):
    """Change an action: its words while its meeting runs (staff), done or not at any time."""
    text = text(500, checks=[not_blank])
    owner = choice(ACTION_OWNERS)
    due = day_field(allow_none=True)
    done = fields.Boolean(error_messages=messages())


class ActionQuerySchema(BaseSchema):
    client_id = record_id()


class MeetingStartSchema(BaseSchema):
    """Starting before the scheduled day must be asked for on purpose."""
    confirm_early = fields.Boolean(load_default=False, error_messages=messages())


class TalkingPointSchema(BaseSchema):
    """Something the supporter (or the system) wants to raise."""
    id = fields.Integer(dump_only=True)
    text = text(500, required=True, checks=[not_blank])
    system_code = fields.String(dump_only=True, allow_none=True)
    meeting_id = fields.Integer(dump_only=True, allow_none=True)
    from_item_id = record_id(allow_none=True)
    created_at = UTCDateTime(dump_only=True)


class MeetingSchema(BaseSchema):
    """A meeting (面談 = 作戦会議) as it is scheduled and as the API returns it."""
    id = fields.Integer(dump_only=True)
    client_id = record_id(required=True)
    client = fields.Nested(PersonSchema, dump_only=True)
    supporter = fields.Nested(PersonSchema, dump_only=True, allow_none=True)
    scheduled_at = meeting_time(required=True)
    mode = choice(MEETING_MODES, load_default="in_person")
    state = fields.String(dump_only=True)
    started_at = UTCDateTime(dump_only=True, allow_none=True)
    closed_at = UTCDateTime(dump_only=True, allow_none=True)
    cancelled_at = UTCDateTime(dump_only=True, allow_none=True)
    summary = text(5000)


class MeetingDetailSchema(MeetingSchema):
    """A meeting with the action items decided in it."""
    actions = fields.List(fields.Nested(ActionItemSchema), dump_only=True)


class MeetingChangeSchema(BaseSchema):
    """Reschedule a meeting, or write its summary."""
    scheduled_at = meeting_time()
    mode = choice(MEETING_MODES)
    summary = text(5000)


class MeetingCloseSchema(BaseSchema):
    """Closing a meeting, optionally with the last word of its summary."""
    summary = text(5000)


class MeetingQuerySchema(BaseSchema):
    """Filters for the list of meetings."""
    client_id = record_id()
    state = choice(MEETING_STATES)


class MeetingFormSchema(BaseSchema):
    """The schedule form: a day and a time in Japan, and how to meet."""
    date = day_field(required=True)
    time = fields.Time(required=True, error_messages=messages(
        invalid=_l("時刻の形が正しくありません。")))
    mode = choice(MEETING_MODES, load_default="in_person")


class AgendaItemSchema(BaseSchema):
    """One agenda line; id and status are null while the agenda is still live."""
    id = fields.Integer(dump_only=True, allow_none=True)
    section = fields.String(dump_only=True)
    ref_type = fields.String(dump_only=True)
    note_id = fields.String(dump_only=True, allow_none=True)
    action_id = fields.Integer(dump_only=True, allow_none=True)
    point_id = fields.Integer(dump_only=True, allow_none=True)
    text = fields.String(dump_only=True)
    kind = fields.String(dump_only=True, allow_none=True)
    topic = fields.String(dump_only=True, allow_none=True)
    weight = fields.String(dump_only=True, allow_none=True)
    carried_count = fields.Integer(dump_only=True)
    written_at = UTCDateTime(dump_only=True, allow_none=True)
    owner = fields.String(dump_only=True, allow_none=True)
    due = fields.Date(dump_only=True, allow_none=True)
    done = fields.Boolean(dump_only=True)
    system_code = fields.String(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, allow_none=True)
    outcome = fields.String(dump_only=True)


class AgendaItemChangeSchema(BaseSchema):
    """What happened to an agenda item in the meeting."""
    status = choice(tuple(dict.fromkeys(ITEM_STATUSES + ACTION_STATUSES)))
    outcome = text(2000)


class AgendaSectionSchema(BaseSchema):
    key = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    items = fields.List(fields.Nested(AgendaItemSchema), dump_only=True)


class HighlightSchema(BaseSchema):
    """A 気づき with the number it found."""
    code = fields.String(dump_only=True)
    count = fields.Integer(dump_only=True)
    topic = fields.String(dump_only=True, allow_none=True)
    scale = fields.String(dump_only=True, allow_none=True)
    message = fields.String(dump_only=True)


class SeriesPointSchema(BaseSchema):
    day = fields.Date(dump_only=True)
    value = fields.Integer(dump_only=True)


class ScaleSummarySchema(BaseSchema):
    name = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    mean = fields.Float(dump_only=True, allow_none=True)
    previous_mean = fields.Float(dump_only=True, allow_none=True)
    days_logged = fields.Integer(dump_only=True)
    series = fields.List(fields.Nested(SeriesPointSchema), dump_only=True)


class ConditionSchema(BaseSchema):
    scales = fields.List(fields.Nested(ScaleSummarySchema), dump_only=True)


class WindowSchema(BaseSchema):
    start = UTCDateTime(dump_only=True)
    end = UTCDateTime(dump_only=True)


class AgendaSchema(BaseSchema):
    """The compiled agenda: live before the meeting starts, frozen after."""
    meeting = fields.Nested(MeetingSchema, dump_only=True, allow_none=True)
    live = fields.Boolean(dump_only=True)
    sections = fields.List(fields.Nested(AgendaSectionSchema), dump_only=True)
    highlights = fields.List(fields.Nested(HighlightSchema), dump_only=True)
    condition = fields.Nested(ConditionSchema, dump_only=True)
    window = fields.Nested(WindowSchema, dump_only=True)


# --- the supporter's month: caseload, 支援レポート, export ------------------------------

class FlagSchema(BaseSchema):
    """Why a client needs attention: a code and the reason in words."""
    code = fields.String(dump_only=True)
    reason = fields.String(dump_only=True)


class NextMeetingSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    scheduled_at = UTCDateTime(dump_only=True)
    mode = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    days_left = fields.Integer(dump_only=True)


class CaseloadRowSchema(BaseSchema):
    """One client on the caseload."""
    client = fields.Nested(PersonSchema, dump_only=True)
    flags = fields.List(fields.Nested(FlagSchema), dump_only=True)
    next_meeting = fields.Nested(NextMeetingSchema, dump_only=True, allow_none=True)
    new_notes = fields.Integer(dump_only=True)
    # Set once support has ended: such a client carries no flags and comes last.
    support_ended_on = fields.Date(dump_only=True, allow_none=True)
