"""The portable record, version 1: one marshmallow schema per part, for writing and reading.

record.schema.json says the same as a JSON Schema, for anyone reading a file without
Companion; tests/test_record.py checks that every file written here passes it.

References (`ref`) tie the parts together inside one file only: a note's ref is what an
agenda item's `note` names, a meeting's what an action's `meeting` names. They are not
the ids of either office, and the importing office gives everything ids of its own.
"""
from datetime import datetime

from marshmallow import fields, validate

from ..agenda import SECTIONS as AGENDA_SECTIONS
from ..fields import (
    ANY_DAY,
    PROFILE_DAY,
    BaseSchema,
    login_field,
    UTCDateTime,
    _l,
    choice,
    day_field,
    messages,
    record_id,
)
from ..fields import text as string
from ..models import (
    ACTION_OWNERS,
    ACTION_STATUSES,
    AGENDA_CHOICES,
    END_REASONS,
    ITEM_STATUSES,
    LEAVE_REASONS,
    MEETING_MODES,
    NOTE_KINDS,
    NOTE_STATES,
    NOTE_TOPICS,
    NOTE_WEIGHTS,
    REPORT_STATES,
    STRENGTH_PARTS,
    STRENGTH_STATES,
    VISIBILITIES,
)

FORMAT = "companion-record"
VERSION = 1
# Meetings that are over: those still ahead belong to the old office's calendar.
MEETING_STATES = ("closed", "cancelled")
SECTIONS = tuple(key for key, _title in AGENDA_SECTIONS)
EARLIEST = datetime(2000, 1, 1)


def moment(required=False):
    optional = {} if required else {"allow_none": True, "load_default": None}
    return UTCDateTime(required=required, error_messages=messages(),
                       validate=validate.Range(min=EARLIEST), **optional)


def maybe(values):
    return choice(values, allow_none=True, load_default=None)


def reference(required=True):
    return string(60, required=required, allow_none=not required,
                **({} if required else {"load_default": None}))


def number(low, high, **kwargs):
    return fields.Integer(validate=validate.Range(low, high), error_messages=messages(), **kwargs)


def flag(**kwargs):
    return fields.Boolean(error_messages=messages(), **kwargs)


class ProfilePart(BaseSchema):
    hire_date = day_field(PROFILE_DAY, allow_none=True, load_default=None)
    employer_name = string(200, load_default="")
    job_title = string(200, load_default="")
    employer_since = day_field(PROFILE_DAY, allow_none=True, load_default=None)
    certificate_valid_from = day_field(PROFILE_DAY, allow_none=True, load_default=None)
    certificate_valid_to = day_field(PROFILE_DAY, allow_none=True, load_default=None)
    left_job_on = day_field(PROFILE_DAY, allow_none=True, load_default=None)
    left_job_reason = maybe(LEAVE_REASONS)
    left_job_detail = string(200, load_default="")
    support_ended_on = day_field(PROFILE_DAY, allow_none=True, load_default=None)
    support_end_reason = maybe(END_REASONS)
    support_end_note = string(200, load_default="")


class EmploymentPart(BaseSchema):
    employer_name = string(200, load_default="")
    job_title = string(200, load_default="")
    starts_on = day_field(PROFILE_DAY, allow_none=True, load_default=None)
    ends_on = day_field(PROFILE_DAY, required=True)


class NotePart(BaseSchema):
    ref = reference()
    kind = choice(NOTE_KINDS, required=True)
    topic = maybe(NOTE_TOPICS)
    weight = maybe(NOTE_WEIGHTS)
    body = string(1000, required=True)
    visibility = choice(VISIBILITIES, required=True)
    share_with_employer = flag(load_default=False)
    agenda_choice = choice(AGENDA_CHOICES, load_default="raise")
    starred_at = moment()
    written_at = moment(required=True)
    updated_at = moment()
    state = choice(NOTE_STATES, load_default="open")
    carried_count = number(0, 1000, load_default=0)


class CheckInPart(BaseSchema):
    day = day_field(ANY_DAY, required=True)
    mood = number(1, 5, allow_none=True, load_default=None)
    body = number(1, 5, allow_none=True, load_default=None)
    sleep = number(1, 5, allow_none=True, load_default=None)
    comment = string(200, load_default="")


class ItemPart(BaseSchema):
    ref = reference()
    section = choice(SECTIONS, required=True)
    position = number(0, 10_000, required=True)
    ref_type = choice(("note", "action", "point"), required=True)
    note = reference(required=False)
    action = reference(required=False)
    text = string(5000, required=True)
    kind = maybe(NOTE_KINDS)
    topic = maybe(NOTE_TOPICS)
    weight = maybe(NOTE_WEIGHTS)
    carried_count = number(0, 1000, load_default=0)
    written_at = moment()
    owner = maybe(ACTION_OWNERS)
    due = day_field(ANY_DAY, allow_none=True, load_default=None)
    done = flag(load_default=False)
    system_code = string(40, allow_none=True, load_default=None)
    status = choice(tuple(dict.fromkeys(ITEM_STATUSES + ACTION_STATUSES)), required=True)
    outcome = string(5000, load_default="")


class MeetingPart(BaseSchema):
    ref = reference()
    scheduled_at = moment(required=True)
    mode = choice(MEETING_MODES, required=True)
    state = choice(MEETING_STATES, required=True)
    started_at = moment()
    closed_at = moment()
    cancelled_at = moment()
    summary = string(10_000, load_default="")
    supporter = string(200, allow_none=True, load_default=None)  # a name, as it was
    snapshot = fields.Dict(allow_none=True, load_default=None, error_messages=messages())
    items = fields.List(fields.Nested(ItemPart), load_default=list, error_messages=messages())


class ActionPart(BaseSchema):
    ref = reference()
    meeting = reference(required=False)
    from_item = reference(required=False)
    text = string(1000, required=True)
    owner = choice(ACTION_OWNERS, required=True)
    due = day_field(ANY_DAY, allow_none=True, load_default=None)
    done_at = moment()
    settled_at = moment()
    created_at = moment(required=True)


class ReportPart(BaseSchema):
    month = fields.String(required=True, validate=validate.Regexp(r"^20\d\d-(0[1-9]|1[0-2])$"),
                          error_messages=messages())
    status = choice(REPORT_STATES, required=True)
    comment_for_client = string(5000, load_default="")
    comment_for_employer = string(5000, load_default="")
    finalised_at = moment()
    approved_at = moment()
    change_request = string(2000, load_default="")
    employer_copy = fields.Dict(allow_none=True, load_default=None, error_messages=messages())


class StrengthPart(BaseSchema):
    part = choice(STRENGTH_PARTS, required=True)
    text = string(200, required=True)
    state = choice(STRENGTH_STATES, required=True)
    source = string(70, allow_none=True, load_default=None)  # "note:<ref>" or "item:<ref>"
    share_with_employer = flag(load_default=False)
    accepted_at = moment()
    created_at = moment(required=True)


class ConsentPart(BaseSchema):
    """The client's yes at the office the file comes from."""
    given_at = moment(required=True)
    include_private = flag(required=True)


class ClientPart(BaseSchema):
    display_name = string(100, required=True)


class RecordSchema(BaseSchema):
    format = fields.String(required=True, validate=validate.Equal(FORMAT),
                           error_messages=messages())
    version = fields.Integer(required=True, validate=validate.Equal(VERSION),
                             error_messages=messages())
    exported_at = moment(required=True)
    office = string(200, required=True)  # the office it comes from, by name
    consent = fields.Nested(ConsentPart, required=True)
    client = fields.Nested(ClientPart, required=True)
    profile = fields.Nested(ProfilePart, required=True)
    employments = fields.List(fields.Nested(EmploymentPart), load_default=list)
    notes = fields.List(fields.Nested(NotePart), load_default=list)
    checkins = fields.List(fields.Nested(CheckInPart), load_default=list)
    meetings = fields.List(fields.Nested(MeetingPart), load_default=list)
    actions = fields.List(fields.Nested(ActionPart), load_default=list)
    reports = fields.List(fields.Nested(ReportPart), load_default=list)
    strengths = fields.List(fields.Nested(StrengthPart), load_default=list)


class TakeOutSchema(BaseSchema):
    """The client's yes to a portable record, and whether private notes go in it."""
    consent = fields.Boolean(required=True, validate=validate.Equal(True, error=_l(
        "持ち出すことに同意するときは、チェックを入れてください。")), error_messages=messages())
    include_private = fields.Boolean(load_default=False, error_messages=messages())


class BringInSchema(BaseSchema):
    """The importing office's side: the new account, and the client's yes seen by the manager."""
    login = login_field()
    display_name = string(100)
    supporter_id = record_id()
    consent = fields.Boolean(required=True, validate=validate.Equal(True, error=_l(
        "本人の同意を確かめたら、チェックを入れてください。")), error_messages=messages())
