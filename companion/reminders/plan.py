"""Which reminders are due for one person now, and until when each is still worth sending.

Pure: no Flask, no database. Moments are naive UTC, days and clock times are Japan's
(companion/clock.py). A reminder is a key (once per device), a window [due, expires) and
the facts its words need; the sender words it in the person's language and sends it only
inside the window and outside the person's quiet hours. A window that has passed while
the sender was down is simply missed: a "3 days before" is never sent 1 day before.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..clock import JST, japan_day, to_utc

BEFORE_DAYS = 3
QUIET_SPELL_DAYS = 14
CHECKIN_WINDOW = timedelta(hours=3)
REPORTS_FROM_DAY, REPORTS_DUE_DAY = 5, 10
DEFAULT_MORNING = time(8, 0)


@dataclass(frozen=True)
class Prefs:
    """What the person turned on (kinds), the check-in time and the quiet hours."""
    kinds: frozenset = frozenset()
    checkin_time: time = time(18, 0)
    quiet_from: time = time(21, 0)
    quiet_until: time = time(8, 0)


@dataclass(frozen=True)
class MeetingFact:
    id: int
    scheduled_at: datetime
    other_name: str = ""  # the client's name in a supporter's words, and the supporter's in a client's


@dataclass(frozen=True)
class Facts:
    """What the rules read about one person, gathered by the sender in a few queries."""
    role: str
    meetings: tuple = ()  # scheduled meetings from today on (a supporter's: those they hold)
    last_written_at: datetime | None = None  # the newest note, or the last meeting if later
    checked_in_today: bool = False
    reports_pending: int = 0  # last month's reports of their clients not yet finalised
    since: datetime | None = None  # when the account was made: no quiet spell before it


@dataclass(frozen=True)
class Reminder:
    kind: str
    key: str
    due: datetime
    expires: datetime
    params: dict = field(default_factory=dict, compare=False)


def clock(day: date, at: time):
    """A Japan day and clock time as stored UTC."""
    return to_utc(day, at)


def quiet(now: datetime, prefs: Prefs):
    """True inside the person's quiet hours (which may run past midnight); none when equal."""
    if prefs.quiet_from == prefs.quiet_until:
        return False
    at = (now + JST).time()
    if prefs.quiet_from < prefs.quiet_until:
        return prefs.quiet_from <= at < prefs.quiet_until
    return at >= prefs.quiet_from or at < prefs.quiet_until


def morning(day: date, prefs: Prefs):
    """When a morning reminder is due: the end of the quiet hours (08:00 without them)."""
    return clock(day, prefs.quiet_until if prefs.quiet_from != prefs.quiet_until else DEFAULT_MORNING)


def next_day(day: date):
    return clock(day + timedelta(days=1), time())


def previous_month(day: date):
    first = day.replace(day=1) - timedelta(days=1)
    return first.strftime("%Y-%m")


def due(prefs: Prefs, facts: Facts, now: datetime):
    """Every reminder of this person whose window holds now (quiet hours are the sender's)."""
    today = japan_day(now)
    found = []
    kinds = prefs.kinds
    if facts.role == "client":
        for meeting in facts.meetings:
            day = japan_day(meeting.scheduled_at)
            if "before_meeting" in kinds:
                notice = day - timedelta(days=BEFORE_DAYS)
                found.append(Reminder("before_meeting", f"before:{meeting.id}:{day}",
                                      morning(notice, prefs), next_day(notice),
                                      {"meeting": meeting.id, "day": day,
                                       "at": meeting.scheduled_at, "who": meeting.other_name}))
            if "meeting_day" in kinds:
                found.append(Reminder("meeting_day", f"day:{meeting.id}:{day}",
                                      morning(day, prefs), meeting.scheduled_at,
                                      {"meeting": meeting.id, "day": day,
                                       "at": meeting.scheduled_at, "who": meeting.other_name}))
        if "daily_checkin" in kinds and not facts.checked_in_today:
            at = clock(today, prefs.checkin_time)
            found.append(Reminder("daily_checkin", f"checkin:{today}", at,
                                  min(at + CHECKIN_WINDOW, next_day(today)), {}))
        soon = any(japan_day(m.scheduled_at) - today <= timedelta(days=BEFORE_DAYS)
                   for m in facts.meetings)
        last = max(filter(None, (facts.last_written_at, facts.since)), default=None)
        if ("quiet_spell" in kinds and not soon and last is not None
                and today - japan_day(last) >= timedelta(days=QUIET_SPELL_DAYS)):
            # Once a month at most: a gentle word, never a count of the days missed.
            found.append(Reminder("quiet_spell", f"quiet:{today:%Y-%m}", morning(today, prefs),
                                  next_day(today), {}))
    else:
        todays = sorted((m for m in facts.meetings if japan_day(m.scheduled_at) == today),
                        key=lambda m: m.scheduled_at)
        if "supporter_day" in kinds and todays:
            found.append(Reminder("supporter_day", f"sday:{today}", morning(today, prefs),
                                  todays[-1].scheduled_at,
                                  {"meetings": tuple(todays)}))
        if ("reports_due" in kinds and facts.reports_pending
                and REPORTS_FROM_DAY <= today.day <= REPORTS_DUE_DAY):
            month = previous_month(today)
            found.append(Reminder("reports_due", f"reports:{month}",
                                  morning(today.replace(day=REPORTS_FROM_DAY), prefs),
                                  next_day(today.replace(day=REPORTS_DUE_DAY)),
                                  {"month": month, "count": facts.reports_pending}))
    return [r for r in found if r.due <= now < r.expires]


RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
               timedelta(minutes=30), timedelta(hours=1))


def next_try(attempts: int, now: datetime, expires: datetime):
    """When to try a failed delivery again after `attempts` tries; None when it is too late."""
    if attempts > len(RETRY_AFTER):
        return None
    at = now + RETRY_AFTER[attempts - 1]
    return at if at < expires else None
