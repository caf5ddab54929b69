"""The schemas of signing in, accounts, check-ins and the export; the features keep their own."""
from marshmallow import ValidationError, fields, validate, validates, validates_schema

from .fields import (
    BaseSchema, UTCDateTime, _l, choice, day_field, login_field, messages, not_blank, record_id,
    text,
)
from .meetings.schemas import ActionItemSchema, AgendaItemSchema, MeetingSchema
from .models import LOCALES
from .notes.schemas import NoteSchema
from .passwords import password_problem
from .profiles.schemas import ProfileSchema
from .reports.schemas import ReportSchema


class LoginSchema(BaseSchema):
    login = text(80, required=True)
    password = text(200, required=True)
    remember = fields.Boolean(load_default=False, error_messages=messages())


class UserSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    login = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    locale = choice(LOCALES)
    furigana = fields.Boolean(error_messages=messages())


class MeSchema(UserSchema):
    csrf_token = fields.String(dump_only=True)


class SessionSchema(BaseSchema):
    user = fields.Nested(UserSchema, allow_none=True, dump_only=True)
    csrf_token = fields.String(dump_only=True)


class ErrorSchema(BaseSchema):
    class Body(BaseSchema):
        code = fields.String(required=True)
        message = fields.String(required=True)
        fields = fields.Dict()
    error = fields.Nested(Body, required=True)



class SettingsSchema(BaseSchema):
    """Language and furigana from Settings; an unticked box sends nothing, which is off."""
    locale = choice(LOCALES)
    furigana = fields.Boolean(load_default=False, error_messages=messages())


class NewPasswordSchema(BaseSchema):
    """A password someone chooses: long enough, not a common one, not their login, and the
    same twice where the form asks twice."""
    password = fields.String(required=True, error_messages=messages())
    password2 = fields.String(required=True, error_messages=messages())

    def __init__(self, login="", **kwargs):
        super().__init__(**kwargs)
        self.login = login

    @validates("password")
    def usable(self, value, **kwargs):
        problem = password_problem(value, self.login)
        if problem:
            raise ValidationError(problem)

    @validates_schema
    def same_twice(self, data, **kwargs):
        if "password2" in data and data["password2"] != data.get("password"):
            raise ValidationError(_l("2つのパスワードが同じではありません。"), "password")


class AccessLogQuerySchema(BaseSchema):
    """The access log's filters: a staff member, a client, and days in Japan."""
    actor = record_id()
    client = record_id()
    from_ = day_field(data_key="from")
    to = day_field()


class AccountSchema(ProfileSchema):
    """A new supporter or client; a client's profile fields come with it."""
    login = login_field()
    display_name = text(100, required=True)
    role = choice(("client", "supporter"), load_default="client")
    supporter_id = record_id()




def scale(**kwargs):
    """A 1–5 tap scale of the daily check-in."""
    return fields.Integer(allow_none=True, error_messages=messages(), validate=validate.Range(
        min=1, max=5, error=_l("1から5までで選んでください。")), **kwargs)


class CheckInSchema(BaseSchema):
    """Today's condition: three taps and an optional short comment."""
    day = fields.Date(dump_only=True)
    mood = scale()
    body = scale()
    sleep = scale()
    comment = text(200)

    @validates_schema
    def _something(self, data, **kwargs):
        if not any(data.get(k) for k in ("mood", "body", "sleep", "comment")):
            raise ValidationError(str(_l("どれか1つを選んでください。")), "mood")


class CheckInQuerySchema(BaseSchema):
    """A date range of check-ins."""
    from_ = day_field(data_key="from")
    to = day_field()
    client_id = record_id()




class ProfileExportSchema(BaseSchema):
    login = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    hire_date = fields.Date(dump_only=True, allow_none=True)
    employer_name = fields.String(dump_only=True)
    job_title = fields.String(dump_only=True)
    certificate_valid_from = fields.Date(dump_only=True, allow_none=True)
    certificate_valid_to = fields.Date(dump_only=True, allow_none=True)
    support_start = fields.Date(dump_only=True, allow_none=True)
    support_end = fields.Date(dump_only=True, allow_none=True)
    office_phone = fields.String(dump_only=True)
    # A job change, leaving the job and the end of support, once they happened.
    employer_since = fields.Date(dump_only=True, allow_none=True)
    left_job_on = fields.Date(dump_only=True, allow_none=True)
    left_job_reason = fields.String(dump_only=True, allow_none=True)
    support_ended_on = fields.Date(dump_only=True, allow_none=True)
    support_end_reason = fields.String(dump_only=True, allow_none=True)


class ExportNoteSchema(NoteSchema):
    """A note as exported: everything, private ones included."""
    class Meta(BaseSchema.Meta):
        exclude = ("client_id",)


class ExportMeetingSchema(MeetingSchema):
    """A meeting with its frozen agenda and the actions decided."""
    class Meta(BaseSchema.Meta):
        exclude = ("client", "client_id")
    agenda_items = fields.List(fields.Nested(AgendaItemSchema), dump_only=True)
    actions = fields.List(fields.Nested(ActionItemSchema), dump_only=True)


class ExportSchema(BaseSchema):
    """Everything of one client's: profile, notes, check-ins, meetings, reports (client copies)."""
    exported_at = UTCDateTime(dump_only=True)
    profile = fields.Nested(ProfileExportSchema, dump_only=True)
    notes = fields.List(fields.Nested(ExportNoteSchema), dump_only=True)
    checkins = fields.List(fields.Nested(CheckInSchema), dump_only=True)
    meetings = fields.List(fields.Nested(ExportMeetingSchema), dump_only=True)
    reports = fields.List(fields.Nested(ReportSchema), dump_only=True)


class RateTiersSchema(BaseSchema):
    """The 就労定着率's tiers, highest first: lower bounds in % going down to 0, and labels."""
    lower = fields.List(fields.Decimal(places=1, error_messages=messages(
        invalid=_l("数字で入れてください。"))), required=True, error_messages=messages())
    label = fields.List(text(60, checks=[not_blank]), required=True, error_messages=messages())

    def __init__(self, count=7, **kwargs):
        super().__init__(**kwargs)
        self.count = count

    @validates_schema
    def _going_down_to_zero(self, data, **kwargs):
        lower, label = data.get("lower", []), data.get("label", [])
        if len(lower) != self.count or len(label) != self.count:
            raise ValidationError(str(_l("%(n)dつの区分を、すべて入れてください。")) % {"n": self.count},
                                  "lower")
        if any(not 0 <= value <= 100 for value in lower):
            raise ValidationError(str(_l("0から100までにしてください。")), "lower")
        if any(a <= b for a, b in zip(lower, lower[1:])) or lower[-1] != 0:
            raise ValidationError(str(_l("上の区分ほど大きくして、いちばん下は0にしてください。")),
                                  "lower")
