"""The fields, checks and base schema every schema is built from, and form validation."""
from datetime import date, timezone

from flask_babel import gettext
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from .models import today


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


def login_field():
    """A new account's login: lowercase letters, digits and . _ -, 3 to 40 of them."""
    return fields.String(required=True, error_messages=messages(), validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9._-]{2,39}$",
        error=_l("ログインIDは半角の小文字・数字・._- で3〜40文字にしてください。")))


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




def form_load(schema, form, keep_blank=()):
    """Validate an HTML form with the same schema the API uses.

    Empty inputs count as absent, as a browser sends every field; those named in
    keep_blank (text the person typed into) are validated as sent, so blank is an error.
    Returns (data, errors); errors maps field names to plain messages.
    """
    data = {}
    known = {field.data_key or name for name, field in schema.load_fields.items()}
    for key in form.keys():
        if key not in known:
            continue
        values = [v for v in form.getlist(key) if v.strip() != "" or key in keep_blank]
        if values:
            data[key] = values[0] if len(values) == 1 else values
    try:
        return schema.load(data), {}
    except ValidationError as exc:
        return None, {k: " ".join(v) if isinstance(v, list) else str(v)
                      for k, v in plain(exc.messages).items()}



class PersonSchema(BaseSchema):
    """Someone named on a meeting."""
    id = fields.Integer(dump_only=True)
    display_name = fields.String(dump_only=True)

