"""The schemas of notes."""
from datetime import datetime

from marshmallow import ValidationError, fields, validate, validates_schema

from ..clock import MONTH_PATTERN
from ..fields import BaseSchema, UTCDateTime, _l, choice, messages, not_blank, record_id, text
from ..models import (
    AGENDA_CHOICES, NOTE_KINDS, NOTE_STATES, NOTE_TOPICS, NOTE_WEIGHTS, VISIBILITIES,
)


WEIGHT_FOR_WORRIES_ONLY = _l("重さは「困ったこと」だけにつけられます。")


class NoteSchema(BaseSchema):
    """A note as the client writes it and as the API returns it."""
    id = fields.UUID(error_messages=messages(invalid_uuid=_l("IDの形が正しくありません。")))
    kind = choice(NOTE_KINDS, required=True)
    topic = choice(NOTE_TOPICS, allow_none=True)
    weight = choice(NOTE_WEIGHTS, allow_none=True)
    body = text(1000, required=True, checks=[not_blank])
    visibility = choice(VISIBILITIES, load_default="shared")
    share_with_employer = fields.Boolean(error_messages=messages())
    # Later than now is clamped to now when stored; earlier than 2000 is a broken clock.
    written_at = UTCDateTime(
        error_messages=messages(invalid=_l("日時の形が正しくありません。")),
        validate=validate.Range(min=datetime(2000, 1, 1), error=_l("日時の形が正しくありません。")))
    agenda_choice = choice(AGENDA_CHOICES)
    starred = fields.Boolean(error_messages=messages())
    client_id = fields.Integer(dump_only=True)
    received_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)
    state = fields.String(dump_only=True)
    carried_count = fields.Integer(dump_only=True)
    urgent = fields.Boolean(dump_only=True, attribute="is_urgent")

    @validates_schema
    def _weight_for_worries_only(self, data, **kwargs):
        if data.get("weight") and data.get("kind", "worry") != "worry":
            raise ValidationError(str(WEIGHT_FOR_WORRIES_ONLY), "weight")


class NoteQuerySchema(BaseSchema):
    """Filters for the list of notes."""
    kind = choice(NOTE_KINDS)
    topic = choice(NOTE_TOPICS)
    state = choice(NOTE_STATES)
    month = fields.String(error_messages=messages(), validate=validate.Regexp(
        MONTH_PATTERN, error=_l("月は YYYY-MM の形で入れてください。")))
    client_id = record_id()
