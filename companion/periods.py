"""Support-period dates: the 就労定着支援 timeline derived from the first hire date.

Nothing here is stored (DESIGN §2): the support start and end and the STEP 1–4
windows are recomputed from the hire date whenever they are needed.

Months are counted as the domain article counts them ("就職後N か月目"): the 1st
month is the month that begins on the hire date, so the Nth month runs from
hire + (N − 1) months to hire + N months − 1 day. Hired on 10 April, the 2nd month
is 10 May – 9 June and the 7th month, when support proper begins, starts 10 October.

Every boundary is computed from the hire date itself, never from another boundary,
so clamping to a short month (31 August + 6 months = 28/29 February) cannot drift
into later dates, and consecutive months always meet without a gap.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

SUPPORT_START_MONTHS = 6
SUPPORT_YEARS = 3
CERTIFICATE_NOTICE_DAYS = 60
SUPPORT_NOTICE_MONTHS = 6

# (number, title_key, first month, last month) — the article's 4 STEPs to the contract.
STEPS = (
    (1, "choose_office", 2, 4),
    (2, "meet_consultant", 3, 5),
    (3, "apply_certificate", 4, 6),
    (4, "contract_start", 7, 7),
)

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Step:
    number: int
    title_key: str
    start: date
    end: date


@dataclass(frozen=True)
class SupportPeriod:
    hire: date
    start: date
    end: date
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class SystemPoint:
    code: str
    due: date
    days_left: int


def add_months(d: date, n: int) -> date:
    """Return d moved by n calendar months, clamped to the last day of the target month.

    Total on any stored date: past the calendar's ends it stops at date.min or date.max.
    """
    year, month_index = divmod(d.year * 12 + d.month - 1 + n, 12)
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    month = month_index + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def day_before(d: date) -> date:
    """The day before d; the calendar's first day has none and stays itself."""
    return d - ONE_DAY if d > date.min else d


def month_start(hire: date, n: int) -> date:
    """Return the first day of the nth month after hire (the 1st month starts on hire)."""
    return add_months(hire, n - 1)


def month_end(hire: date, n: int) -> date:
    """Return the last day of the nth month after hire."""
    return day_before(add_months(hire, n))


def support_period(hire_date: date) -> SupportPeriod:
    """Return the support start and end and the STEP windows for a first hire date."""
    start = add_months(hire_date, SUPPORT_START_MONTHS)
    steps = tuple(
        Step(number, key, month_start(hire_date, first), month_end(hire_date, last))
        for number, key, first, last in STEPS
    )
    end = day_before(add_months(start, SUPPORT_YEARS * 12))
    return SupportPeriod(hire=hire_date, start=start, end=end, steps=steps)


def days_left(period: SupportPeriod, today: date) -> int:
    """Return the days from today until the support end, 0 on and after that day."""
    return max(0, (period.end - today).days)


def phase(period: SupportPeriod, today: date) -> str:
    """Return 'initial' before support starts, 'support' during it, 'ended' after it."""
    if today < period.start:
        return "initial"
    if today <= period.end:
        return "support"
    return "ended"


def system_talking_points(
    today: date, certificate_valid_to: date | None, support_end: date | None
) -> list[SystemPoint]:
    """Return the talking points the system adds: certificate renewal, support hand-over."""
    points = []
    if certificate_valid_to is not None:
        remaining = (certificate_valid_to - today).days
        if 0 <= remaining <= CERTIFICATE_NOTICE_DAYS:
            points.append(SystemPoint("certificate_ending", certificate_valid_to, remaining))
    if support_end is not None:
        # Six months leaves time to plan the hand-over to なかぽつ or the job centre.
        if add_months(support_end, -SUPPORT_NOTICE_MONTHS) <= today <= support_end:
            points.append(SystemPoint("support_ending", support_end, (support_end - today).days))
    return points


# The move into support, ticked off item by item (STEP 1–4 and STEP 3's documents):
# (key, STEP number, first month, last month), in the order the article takes them.
TRANSITION = (
    ("choose_office", 1, 2, 4),
    ("meet_consultant", 2, 3, 5),
    ("doc_plan", 2, 3, 5),          # サービス等利用計画案, made with the 相談支援専門員
    ("doc_application", 3, 4, 6),   # 申請書 from the city's 障害福祉課
    ("doc_employment", 3, 4, 6),    # 就職を証明する書類 from the employer
    ("doc_other", 3, 4, 6),         # その他 (自治体により異なる)
    ("apply_certificate", 3, 4, 6),
    ("contract_start", 4, 7, 7),
)
# Applying in the 6th month may miss the 7th (issuing takes up to two months).
CERTIFICATE_LATE_MONTH = 6


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    step: int
    start: date
    end: date
    done: bool
    state: str  # done · now · past (its window is over, not ticked) · future


def transition_checklist(hire: date, today: date, done: frozenset | set) -> tuple[ChecklistItem, ...]:
    """The checklist of the move into support, each item with its window from the hire date."""
    items = []
    for key, step, first, last in TRANSITION:
        start, end = month_start(hire, first), month_end(hire, last)
        state = ("done" if key in done else "past" if end < today
                 else "future" if start > today else "now")
        items.append(ChecklistItem(key, step, start, end, key in done, state))
    return tuple(items)


def checklist_applies(hire: date, invited_on: date, today: date) -> bool:
    """True for a client invited before their 7th month, until that month is over."""
    return invited_on < month_start(hire, 7) and today <= month_end(hire, 7)


def certificate_late(hire: date, today: date, done: frozenset | set) -> bool:
    """True when the 受給者証 is not applied for and the 6th month has begun."""
    return ("apply_certificate" not in done
            and today >= month_start(hire, CERTIFICATE_LATE_MONTH))
