"""marshmallow schemas shared by the JSON API and the HTML forms."""
from datetime import date, datetime, timezone

from flask_babel import gettext
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .clock import MONTH_PATTERN
from .models import (
    ACTION_OWNERS, ACTION_STATUSES, AGENDA_CHOICES, ITEM_STATUSES, LOCALES, MEETING_MODES, MEETING_STATES,
    NOTE_KINDS, NOTE_STATES, NOTE_TOPICS, NOTE_WEIGHTS, VISIBILITIES, today,
)


class _l(str):
    """A message kept as its Japanese msgid and translated whenever it is shown.

    marshmallow formats str messages and wraps anything else as a list, so a str
    subclass is the one lazy form that survives its error handling.
    """

    def __str__(self):
        return gettext(str.__str__(self))

    def format(self, *args, **kwargs):
        return str(self).format(*args, **kwargs)


class UTCDateTime(fields.DateTime):
    """Stored naive UTC; sent as ISO 8601 with Z; any offset accepted and turned into UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is not None:
            try:
                moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
            except OverflowError:  # e.g. 0001-01-01T00:00+09:00 is before year 1 in UTC
                raise self.make_error("invalid") from None
        return moment


def messages(**extra):
    """Field error messages in the reader's language."""
    base = {
        "required": _l("この項目を入れてください。"),
        "null": _l("この項目を入れてください。"),
        "invalid": _l("形が正しくありません。"),
    }
    base.update(extra)
    return base


def text(max_length, required=False, checks=(), **kwargs):
    """A text field whose length (and any further checks) give messages in the reader's language.

    NUL is always refused: PostgreSQL cannot store it in text.
    """
    return fields.String(
        required=required,
        validate=[validate.Length(max=max_length, error=_l("{max}文字以内にしてください。")),
                  no_nul, *checks],
        error_messages=messages(), **kwargs)


def choice(values, **kwargs):
    """A text field that accepts one of values."""
    return fields.String(
        validate=validate.OneOf(values, error=_l("えらべるものから選んでください。")),
        error_messages=messages(), **kwargs)


def not_blank(value):
    """Refuse text that is only spaces."""
    if not value.strip():
        raise ValidationError(str(_l("なにか書いてください。")))


def no_nul(value):
    """Refuse the NUL character, which PostgreSQL cannot store in text."""
    if "\x00" in value:
        raise ValidationError(str(_l("使えない文字が入っています。")))


class Within:
    """A date inside a window whose ends are dates, or functions of today (Japan)."""

    def __init__(self, earliest, latest):
        self.earliest, self.latest = earliest, latest

    def bounds(self):
        return tuple(end() if callable(end) else end for end in (self.earliest, self.latest))

    def __call__(self, value):
        earliest, latest = self.bounds()
        if not earliest <= value <= latest:
            raise ValidationError(str(_l("%(earliest)d年から%(latest)d年までの日付にしてください。"))
                                  % {"earliest": earliest.year, "latest": latest.year})
        return value


def two_years_ahead():
    """Today in Japan, two years on: the latest plausible hire or certificate date."""
    day = today()
    return day.replace(year=day.year + 2, day=28 if (day.month, day.day) == (2, 29) else day.day)


# The one date validator: every date field names its window.
ANY_DAY = Within(date(2000, 1, 1), date(2100, 12, 31))
PROFILE_DAY = Within(date(1950, 1, 1), two_years_ahead)


def day_field(window=ANY_DAY, **kwargs):
    """A YYYY-MM-DD date inside its window (2000–2100 unless the field says otherwise)."""
    return fields.Date(error_messages=messages(invalid=_l("日付の形が正しくありません。")),
                       validate=window, **kwargs)


def record_id(**kwargs):
    """The id of a stored row: a positive integer the database can hold."""
    return fields.Integer(error_messages=messages(), validate=validate.Range(
        min=1, max=2**31 - 1, error=_l("IDの形が正しくありません。")), **kwargs)


class BaseSchema(Schema):
    """Unknown fields are refused, with a message in the reader's language."""
    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": _l("この項目は使えません。"),
        "type": _l("データの形が正しくありません。"),
    }


def plain(errors):
    """marshmallow's errors with lazy messages turned into plain text."""
    if isinstance(errors, dict):
        return {str(k): plain(v) for k, v in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [plain(v) for v in errors]
    return str(errors)


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


__all__ = ["ValidationError"]


def form_load(schema, form, keep_blank=()):
    """Validate an HTML form with the same schema the API uses.

    Empty inputs count as absent, as a browser sends every field; those named in
    keep_blank (text the person typed into) are validated as sent, so blank is an error.
    Returns (data, errors); errors maps field names to plain messages.
    """
    data = {}
    for key in form.keys():
        if key == "csrf_token" or key not in schema.fields:
            continue
        values = [v for v in form.getlist(key) if v.strip() != "" or key in keep_blank]
        if values:
            data[key] = values[0] if len(values) == 1 else values
    try:
        return schema.load(data), {}
    except ValidationError as exc:
        return None, {k: " ".join(v) if isinstance(v, list) else str(v)
                      for k, v in plain(exc.messages).items()}


class AccountSchema(BaseSchema):
    login = fields.String(required=True, error_messages=messages(), validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9._-]{2,39}$",
        error=_l("ログインIDは半角の小文字・数字・._- で3〜40文字にしてください。")))
    display_name = text(100, required=True)
    role = choice(("client", "supporter"), load_default="client")
    supporter_id = record_id()
    hire_date = day_field(PROFILE_DAY)
    employer_name = text(200)
    job_title = text(200)
    certificate_valid_from = day_field(PROFILE_DAY)
    certificate_valid_to = day_field(PROFILE_DAY)
    office_phone = text(40)


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


def meeting_time(**kwargs):
    """A meeting's date and time, between the years 2000 and 2100."""
    return UTCDateTime(error_messages=messages(invalid=_l("日時の形が正しくありません。")),
                       validate=validate.Range(min=datetime(2000, 1, 1), max=datetime(2100, 1, 1),
                                               error=_l("2000年から2100年までの日時にしてください。")),
                       **kwargs)


class PersonSchema(BaseSchema):
    """Someone named on a meeting."""
    id = fields.Integer(dump_only=True)
    display_name = fields.String(dump_only=True)


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
