"""The schemas of monthly reports."""
from marshmallow import fields

from ..fields import BaseSchema, PersonSchema, UTCDateTime, choice, no_nul, not_blank, text
from ..meetings.schemas import ConditionSchema


class ReportItemSchema(BaseSchema):
    """An item a meeting reached, with its outcome; the employer copy leaves out ref_type and sharing."""
    section = fields.String(dump_only=True)
    ref_type = fields.String(dump_only=True)
    kind = fields.String(dump_only=True, allow_none=True)
    topic = fields.String(dump_only=True, allow_none=True)
    text = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    outcome = fields.String(dump_only=True)
    share_with_employer = fields.Boolean(dump_only=True)


class ReportActionSchema(BaseSchema):
    text = fields.String(dump_only=True)
    owner = fields.String(dump_only=True)
    due = fields.Date(dump_only=True, allow_none=True)
    done = fields.Boolean(dump_only=True)


class ReportMeetingSchema(BaseSchema):
    """A meeting closed in the month; the employer copy has only held_at, mode and items."""
    held_at = UTCDateTime(dump_only=True)
    scheduled_at = UTCDateTime(dump_only=True, allow_none=True)
    closed_at = UTCDateTime(dump_only=True, allow_none=True)
    mode = fields.String(dump_only=True)
    supporter = fields.String(dump_only=True, allow_none=True)
    summary = fields.String(dump_only=True)
    items = fields.List(fields.Nested(ReportItemSchema), dump_only=True)
    actions = fields.List(fields.Nested(ReportActionSchema), dump_only=True)


class ReportStrengthSchema(BaseSchema):
    """An entry of わたしの強みと配慮 the client marked for the employer."""
    part = fields.String(dump_only=True)
    text = fields.String(dump_only=True)


class ReportSchema(BaseSchema):
    """The 支援レポート: the client copy holds everything, the employer copy only consented items."""
    copy = fields.String(dump_only=True)
    month = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    client = fields.Nested(PersonSchema, dump_only=True)
    office = fields.String(dump_only=True)
    employer_name = fields.String(dump_only=True)
    finalised_at = UTCDateTime(dump_only=True, allow_none=True)
    approved_at = UTCDateTime(dump_only=True, allow_none=True)
    change_request = fields.String(dump_only=True)
    comment_for_client = fields.String(dump_only=True)
    comment_for_employer = fields.String(dump_only=True)
    meetings = fields.List(fields.Nested(ReportMeetingSchema), dump_only=True)
    # Apart from the meetings: the client's strengths and accommodations they marked.
    strengths = fields.List(fields.Nested(ReportStrengthSchema), dump_only=True)
    condition = fields.Nested(ConditionSchema, dump_only=True)


class ReportSummarySchema(BaseSchema):
    """A month that has (or may have) a report."""
    month = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    meetings = fields.Integer(dump_only=True)
    finalised_at = UTCDateTime(dump_only=True, allow_none=True)
    approved_at = UTCDateTime(dump_only=True, allow_none=True)


class ReportQuerySchema(BaseSchema):
    copy = choice(("client", "employer"), load_default="client")


class ReportCommentsSchema(BaseSchema):
    """The supporter's two comments: one for the client, one for the employer."""
    comment_for_client = text(5000, checks=[no_nul])
    comment_for_employer = text(5000, checks=[no_nul])


class ApproveSchema(BaseSchema):
    """Approving takes nothing but the tap."""


class ChangeRequestSchema(BaseSchema):
    """What the client would like changed before the report goes to the employer."""
    comment = text(2000, required=True, checks=[not_blank, no_nul])
