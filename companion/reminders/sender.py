"""`companion remind`: send what is due, each reminder at most once per device.

Run every few minutes (cron or a systemd timer, README). One run:
1. gathers what the rules read (plan.py) for everyone with a reminder on and a device,
   in a fixed number of queries;
2. claims each due (reminder, device) pair by inserting its ReminderDelivery row: the
   unique (subscription, key) index lets exactly one of several senders win, on SQLite
   and on PostgreSQL alike;
3. sends what it claimed, and records it as sent, to retry (5xx, time-out, 429), failed,
   or gone (404/410: the subscription is dropped);
4. retries the deliveries whose time has come while they are still timely, else records
   them as failed. A retry is claimed by a guarded UPDATE, so two senders never both send it.

No notification holds the text of a note, a worry or a report: a lock screen is not private.
"""
import json
import operator
from dataclasses import dataclass, field
from datetime import time, timedelta
from functools import reduce

from flask_babel import force_locale, gettext as _
from peewee import JOIN, IntegrityError, fn

from ..access import active_assignment
from ..clock import japan_day, local, month_bounds, to_utc
from ..db import database
from ..filters import day as format_day, month as format_month
from ..models import (
    Assignment, CheckIn, ClientProfile, Meeting, MonthlyReport, Note, PushSubscription,
    ReminderDelivery, ReminderSetting, User, utcnow,
)
from . import plan, push

CLIENT_KINDS = ("before_meeting", "meeting_day", "daily_checkin", "quiet_spell")
STAFF_KINDS = ("supporter_day", "reports_due")


def parse_time(text):
    hour, minute = (int(part) for part in text.split(":"))
    return time(hour, minute)


def prefs_of(setting):
    """A ReminderSetting row as the rules read it."""
    kinds = frozenset(k for k in CLIENT_KINDS + STAFF_KINDS if getattr(setting, k))
    return plan.Prefs(kinds=kinds, checkin_time=parse_time(setting.checkin_time),
                      quiet_from=parse_time(setting.quiet_from),
                      quiet_until=parse_time(setting.quiet_until))


def _hm(moment):
    return f"{local(moment):%H:%M}"


def words(reminder):
    """The notification for a reminder, in the current language: title, text, link, tag."""
    p = reminder.params
    kind = reminder.kind
    if kind == "before_meeting":
        return {"title": _("面談の じゅんび"),
                "body": _("%(day)sに 面談が あります。話したいことを えらびましょう",
                          day=format_day(p["day"])),
                "url": "/prepare"}
    if kind == "meeting_day":
        return {"title": _("今日は 面談の日です"),
                "body": _("%(at)sから 面談です。話したいことを 見ておきましょう", at=_hm(p["at"])),
                "url": "/prepare"}
    if kind == "daily_checkin":
        return {"title": _("今日の調子"),
                "body": _("よかったら、今日の調子を えらんでください"), "url": "/"}
    if kind == "quiet_spell":
        return {"title": _("メモ"),
                "body": _("こまったことや、できたことを 思いだしたら、メモしておけます"),
                "url": "/notes/new"}
    if kind == "supporter_day":
        meetings = p["meetings"]
        links = [{"action": f"meeting-{m.id}", "title": _("%(at)sの面談", at=_hm(m.scheduled_at)),
                  "url": f"/meetings/{m.id}"} for m in meetings]
        return {"title": _("今日の面談: %(n)d件", n=len(meetings)),
                "body": _("、").join(_hm(m.scheduled_at) for m in meetings),
                "url": links[0]["url"] if len(links) == 1 else "/",
                "actions": links[:2]}
    if kind == "reports_due":
        return {"title": _("支援レポート"),
                "body": _("%(month)sの レポートが %(n)d件 まだです(10日まで)",
                          month=format_month(p["month"]), n=p["count"]),
                "url": "/"}
    raise ValueError(kind)


@dataclass
class Report:
    """What one run did, for the command's output and the tests."""
    sent: int = 0
    retried: int = 0
    failed: int = 0
    gone: int = 0
    skipped_quiet: int = 0
    details: list = field(default_factory=list)


def _people():
    """Everyone with a reminder on, an active account and at least one device."""
    on = reduce(operator.or_, (getattr(ReminderSetting, kind) for kind in CLIENT_KINDS + STAFF_KINDS))
    has_device = fn.EXISTS(PushSubscription.select(PushSubscription.id).where(
        PushSubscription.user == ReminderSetting.user))
    return list(ReminderSetting.select(ReminderSetting, User)
                .join(User, on=(ReminderSetting.user == User.id))
                .where(User.active & on & has_device & ~fn.EXISTS(_ended(User.id))))


def _ended(user_id):
    """The profile of a client whose support has ended: nothing more is asked of them."""
    return ClientProfile.select(ClientProfile.id).where(
        (ClientProfile.user == user_id) & ClientProfile.support_ended_on.is_null(False))


def _facts(settings, now):
    """plan.Facts for each person, in a fixed number of queries whatever their number."""
    today = japan_day(now)
    users = {s.user.id: s.user for s in settings}
    clients = [u for u in users if users[u].role == "client"]
    staff = [u for u in users if users[u].role != "client"]
    start = to_utc(today, time())
    horizon = to_utc(today + timedelta(days=plan.BEFORE_DAYS + 1), time())
    meetings = {u: [] for u in users}
    if users:
        Supporter = User.alias()
        Client = User.alias()
        for mid, client_id, supporter_id, at, client_name, supporter_name in (
                Meeting.select(Meeting.id, Meeting.client, Meeting.supporter, Meeting.scheduled_at,
                               Client.display_name, Supporter.display_name)
                .join(Client, on=(Meeting.client == Client.id))
                .join(Supporter, JOIN.LEFT_OUTER, on=(Meeting.supporter == Supporter.id),
                      src=Meeting)
                .where((Meeting.state == "scheduled") & (Meeting.scheduled_at >= start)
                       & (Meeting.scheduled_at < horizon)
                       & (Meeting.client.in_(clients) | Meeting.supporter.in_(staff)))
                .order_by(Meeting.scheduled_at).tuples()):
            if client_id in meetings:
                meetings[client_id].append(plan.MeetingFact(mid, at, supporter_name or ""))
            if supporter_id in meetings and supporter_id in staff:
                meetings[supporter_id].append(plan.MeetingFact(mid, at, client_name))
    written = {}
    if clients:
        written = dict(Note.select(Note.client, fn.MAX(Note.received_at))
                       .where(Note.client.in_(clients)).group_by(Note.client).tuples())
        for client_id, closed in (Meeting.select(Meeting.client, fn.MAX(Meeting.closed_at))
                                  .where(Meeting.client.in_(clients) & (Meeting.state == "closed"))
                                  .group_by(Meeting.client).tuples()):
            closed = Meeting.closed_at.python_value(closed)
            if closed and (client_id not in written or closed > written[client_id]):
                written[client_id] = closed
        checked = set(CheckIn.select(CheckIn.client).where(
            CheckIn.client.in_(clients) & (CheckIn.day == today)).tuples())
        checked = {row[0] for row in checked}
    else:
        checked = set()
    pending = {}
    if staff and plan.REPORTS_FROM_DAY <= today.day <= plan.REPORTS_DUE_DAY:
        pending = _reports_pending(staff, users, today)
    return {u: plan.Facts(role=users[u].role, meetings=tuple(meetings[u]),
                          last_written_at=Note.received_at.python_value(written.get(u)),
                          checked_in_today=u in checked, reports_pending=pending.get(u, 0),
                          since=users[u].created_at)
            for u in users}


def _reports_pending(staff, users, today):
    """Per supporter (their clients) or manager (their office): last month's clients met
    and whose report is not finalised yet, the caseload's report_due rule."""
    month = plan.previous_month(today)
    first, end = month_bounds(month)
    met = (Meeting.select(Meeting.client).where(
        (Meeting.state == "closed") & (Meeting.closed_at >= first) & (Meeting.closed_at < end)))
    done = (MonthlyReport.select(MonthlyReport.client).where(
        (MonthlyReport.month == month) & MonthlyReport.status.in_(("finalised", "approved"))))
    due = (User.select(User.id, User.office).where(
        (User.role == "client") & User.active & User.id.in_(met) & User.id.not_in(done)
        & ~fn.EXISTS(_ended(User.id))))
    found = {}
    supporters = [u for u in staff if users[u].role == "supporter"]
    if supporters:
        for supporter_id, n in (Assignment.select(Assignment.supporter, fn.COUNT(Assignment.client.distinct()))
                                .where(Assignment.supporter.in_(supporters) & active_assignment()
                                       & Assignment.client.in_(due.select(User.id)))
                                .group_by(Assignment.supporter).tuples()):
            found[supporter_id] = n
    offices = {users[u].office_id: u for u in staff if users[u].role == "manager"}
    if offices:
        counts = dict(due.select(User.office, fn.COUNT(User.id))
                      .where(User.office.in_(list(offices))).group_by(User.office).tuples())
        for u in staff:
            if users[u].role == "manager":
                found[u] = counts.get(users[u].office_id, 0)
    return found


def _claim(sub, reminder, payload):
    """Insert the delivery row and return it; None when another run (or an earlier one) has it.

    A sender that stops between this and the send leaves the row 'sending': the reminder
    is then missed on that device, never sent twice."""
    try:
        with database.atomic():
            return ReminderDelivery.create(
                subscription=sub.id, key=reminder.key, kind=reminder.kind, state="sending",
                payload=json.dumps(payload, ensure_ascii=False), expires_at=reminder.expires)
    except IntegrityError:
        return None


def _deliver(delivery, sub, now, result):
    """Send a claimed delivery and record how it went."""
    outcome = push.send(sub, json.loads(delivery.payload),
                        ttl=(delivery.expires_at - now).total_seconds())
    changes = {"error": outcome.detail[:200]}
    if outcome.state == "sent":
        changes.update(state="sent", sent_at=utcnow(), next_try_at=None)
        result.sent += 1
    elif outcome.state == "gone":
        # The push service forgot this device: so do we (its deliveries go with it).
        PushSubscription.delete().where(PushSubscription.id == sub.id).execute()
        result.gone += 1
        result.details.append(("gone", sub.id, delivery.key))
        return
    elif outcome.state == "retry" and plan.next_try(delivery.attempts, now, delivery.expires_at):
        changes.update(state="retry",
                       next_try_at=plan.next_try(delivery.attempts, now, delivery.expires_at))
        result.retried += 1
    else:
        changes.update(state="failed", next_try_at=None)
        result.failed += 1
    ReminderDelivery.update(**changes).where(ReminderDelivery.id == delivery.id).execute()
    result.details.append((changes["state"], sub.id, delivery.key))


def run(now=None):
    """One pass of the sender; returns a Report."""
    now = now or utcnow()
    result = Report()
    settings = _people()
    facts = _facts(settings, now)
    prefs = {s.user.id: prefs_of(s) for s in settings}
    subs = {}
    if settings:
        for sub in PushSubscription.select().where(PushSubscription.user.in_(list(prefs))):
            subs.setdefault(sub.user_id, []).append(sub)
    for setting in settings:
        user = setting.user
        reminders = plan.due(prefs[user.id], facts[user.id], now)
        if not reminders:
            continue
        if plan.quiet(now, prefs[user.id]):
            result.skipped_quiet += len(reminders)
            continue
        with force_locale(user.locale or "ja"):
            payloads = [(r, {**words(r), "tag": r.key}) for r in reminders]
        for reminder, payload in payloads:
            for sub in subs.get(user.id, ()):
                delivery = _claim(sub, reminder, payload)
                if delivery is not None:
                    _deliver(delivery, sub, now, result)
    _retry(now, result)
    return result


def _retry(now, result):
    """Try again the deliveries whose time has come; too late ones are recorded as failed."""
    ReminderDelivery.update(state="failed", next_try_at=None).where(
        (ReminderDelivery.state == "retry") & (ReminderDelivery.expires_at <= now)).execute()
    due = list(ReminderDelivery.select(ReminderDelivery, PushSubscription)
               .join(PushSubscription).join(User, on=(PushSubscription.user == User.id))
               .where((ReminderDelivery.state == "retry") & (ReminderDelivery.next_try_at <= now)
                      & User.active))
    if not due:
        return
    quiet_now = {s.user_id for s in ReminderSetting.select().where(
        ReminderSetting.user.in_({d.subscription.user_id for d in due}))
        if plan.quiet(now, prefs_of(s))}
    for delivery in due:
        if delivery.subscription.user_id in quiet_now:
            continue
        claimed = (ReminderDelivery.update(state="sending", attempts=ReminderDelivery.attempts + 1)
                   .where((ReminderDelivery.id == delivery.id)
                          & (ReminderDelivery.state == "retry")
                          & (ReminderDelivery.attempts == delivery.attempts)).execute())
        if claimed:
            delivery.attempts += 1
            _deliver(delivery, delivery.subscription, now, result)
