"""One clock for the whole app: moments are stored as naive UTC, days and months are Japan's.

The service is given in Japan, so "today", a check-in's day and a report's month are read on
Japan's calendar, whatever the server's time zone. Pure: no Flask, no database.
"""
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
JST = timedelta(hours=9)  # Japan keeps no daylight saving time
# A YYYY-MM month (years 2000-2099), as URLs, forms and the API write it.
MONTH_PATTERN = r"^20\d\d-(0[1-9]|1[0-2])$"
MONTH = re.compile(MONTH_PATTERN)


def utcnow():
    """Naive UTC now, the form every timestamp is stored in."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today():
    """Today's date in Japan."""
    return datetime.now(TOKYO).date()


def local(moment):
    """A stored UTC moment as Japan's wall clock."""
    return moment + JST


def japan_day(moment):
    """The day in Japan of a stored UTC moment: a check-in at 08:00 JST is that day's."""
    return (moment + JST).date()


def to_utc(day: date, clock):
    """A day and time in Japan as the naive UTC moment they are stored as."""
    return datetime.combine(day, clock) - JST


def month_bounds(month):
    """The first moment (stored UTC) of a YYYY-MM month in Japan, and of the next one.

    A note jotted at 08:00 on the 1st in Tokyo is still the previous day in UTC, and must
    not land in last month's list.
    """
    year, mon = (int(part) for part in month.split("-"))
    start = datetime(year, mon, 1) - JST
    end = datetime(year + (mon == 12), mon % 12 + 1, 1) - JST
    return start, end


def day_bounds(first: date, last: date):
    """The stored UTC moments from the start of `first` to the end of `last`, Japan days."""
    return (datetime.combine(first, datetime.min.time()) - JST,
            datetime.combine(last + timedelta(days=1), datetime.min.time()) - JST)
