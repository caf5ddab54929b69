"""The secret calendar feed (iCalendar, with the `icalendar` library) of a person's meetings.

Each person may turn on one feed. Its URL holds a random key, stored, and that key's HMAC
under the app's secret: a copy of the database alone can't open a feed, and a new key (or
none) revokes the old URL at once. Events carry the date, time, mode and office, never a
note or a worry. A moved or cancelled meeting keeps its UID, and its SEQUENCE goes up
(Meeting.sequence), so calendar apps replace the event instead of keeping both.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta, timezone
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext as _
from icalendar import Calendar, Event
from peewee import JOIN

from ..labels import MODES
from ..models import Meeting, Office, ReminderSetting, User, utcnow

LENGTH = timedelta(hours=1)  # a meeting's usual length; the feed says when it starts
PAST = timedelta(days=365)  # how far back the feed reaches


def _signature(key):
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"calendar:" + key.encode(), hashlib.sha256).hexdigest()[:32]


def feed_token(setting):
    """The secret part of a feed URL, or None when the feed is off."""
    return f"{setting.feed_key}{_signature(setting.feed_key)}" if setting.feed_key else None


def new_feed(setting):
    """Turn the feed on with a new key: any earlier URL stops working."""
    setting.feed_key = secrets.token_hex(16)
    setting.updated_at = utcnow()
    setting.save()
    return feed_token(setting)


def stop_feed(setting):
    setting.feed_key = None
    setting.updated_at = utcnow()
    setting.save()


def owner_of(token):
    """The active person whose feed this token opens, else None."""
    if not isinstance(token, str) or len(token) != 64:
        return None
    key, signature = token[:32], token[32:]
    if not hmac.compare_digest(signature, _signature(key)):
        return None
    setting = (ReminderSetting.select(ReminderSetting, User)
               .join(User, on=(ReminderSetting.user == User.id))
               .where((ReminderSetting.feed_key == key) & User.active).first())
    return setting.user if setting else None


def _aware(moment):
    return moment.replace(tzinfo=timezone.utc)


def feed(user):
    """The person's meetings as an iCalendar document (bytes), and the clients it names."""
    Client, Supporter = User.alias(), User.alias()
    mine = Meeting.client == user.id if user.role == "client" else Meeting.supporter == user.id
    rows = (Meeting.select(Meeting, Client.display_name.alias("client_name"),
                           Supporter.display_name.alias("supporter_name"),
                           Office.name.alias("office_name"))
            .join(Client, on=(Meeting.client == Client.id))
            .join(Office, on=(Client.office == Office.id))
            .join(Supporter, on=(Meeting.supporter == Supporter.id), join_type=JOIN.LEFT_OUTER,
                  src=Meeting)
            .where(mine & (Meeting.scheduled_at >= utcnow() - PAST))
            .order_by(Meeting.scheduled_at).objects())
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "companion"
    with force_locale(user.locale or "ja"):
        cal = Calendar()
        cal.add("prodid", "-//Companion//meetings//JA")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", _("Companion の面談"))
        cal.add("x-wr-timezone", "Asia/Tokyo")
        clients = set()
        for meeting in rows:
            clients.add(meeting.client_id)
            if user.role == "client":
                title = (_("面談(支援員: %(name)s さん)", name=meeting.supporter_name)
                         if meeting.supporter_name else _("面談"))
            else:
                title = _("面談: %(name)s さん", name=meeting.client_name)
            mode = str(MODES.get(meeting.mode, meeting.mode))
            event = Event()
            event.add("uid", f"meeting-{meeting.id}@{host}")
            event.add("sequence", meeting.sequence)
            event.add("dtstamp", _aware(meeting.updated_at))
            event.add("last-modified", _aware(meeting.updated_at))
            event.add("dtstart", _aware(meeting.scheduled_at))
            event.add("dtend", _aware(meeting.scheduled_at + LENGTH))
            event.add("summary", title)
            event.add("location", meeting.office_name)
            event.add("description", _("%(mode)s・%(office)s", mode=mode, office=meeting.office_name))
            event.add("categories", [mode])
            event.add("status", "CANCELLED" if meeting.state == "cancelled" else "CONFIRMED")
            event.add("transp", "OPAQUE")
            cal.add_component(event)
    return cal.to_ical(), clients
