"""What the reminder forms and the push API take."""
import re
from fnmatch import fnmatch
from urllib.parse import urlsplit

from flask import current_app
from marshmallow import ValidationError, fields, validates

from ..fields import BaseSchema, _l, messages, text

CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def clock_time(value):
    """A HH:MM time of day."""
    if not CLOCK.match(value):
        raise ValidationError(str(_l("時刻は 18:00 のように書いてください。")))


def time_field():
    return text(5, checks=(clock_time,))


class ReminderSettingSchema(BaseSchema):
    """The switches of Settings: an unticked box sends nothing, which is off."""
    before_meeting = fields.Boolean(load_default=False, error_messages=messages())
    meeting_day = fields.Boolean(load_default=False, error_messages=messages())
    daily_checkin = fields.Boolean(load_default=False, error_messages=messages())
    quiet_spell = fields.Boolean(load_default=False, error_messages=messages())
    supporter_day = fields.Boolean(load_default=False, error_messages=messages())
    reports_due = fields.Boolean(load_default=False, error_messages=messages())
    checkin_time = time_field()
    quiet_from = time_field()
    quiet_until = time_field()


class KeysSchema(BaseSchema):
    p256dh = text(200, required=True)
    auth = text(100, required=True)


class PushSubscriptionSchema(BaseSchema):
    """A browser's PushSubscription.toJSON(): an endpoint at a known push service, and keys."""
    endpoint = text(2000, required=True)
    expiration_time = fields.Raw(data_key="expirationTime", load_only=True, allow_none=True,
                                 load_default=None)
    keys = fields.Nested(KeysSchema, required=True)

    @validates("endpoint")
    def _known_service(self, value, **kwargs):
        parts = urlsplit(value)
        host = parts.hostname or ""
        allowed = current_app.config["PUSH_SERVICES"].split(",")
        secure = parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)
        if not (secure and any(fnmatch(host, p.strip()) for p in allowed if p.strip())):
            raise ValidationError(str(_l("この おしらせの送り先は 使えません。")))


class PushEndpointSchema(BaseSchema):
    """Which device's subscription to forget."""
    endpoint = text(2000, required=True)


class PushKeySchema(BaseSchema):
    public_key = fields.String(dump_only=True)
