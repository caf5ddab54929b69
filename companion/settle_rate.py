"""The office's 就労定着率, as the fee rules define it (pure: no Flask, no database).

Of everyone who used the service at any time in the past three fiscal years (April to
March), the share still in work on the last day of the last fiscal year. The figure for
the fiscal year now running is a projection: the same rule over the three fiscal years up
to this one, counted as of today.

Rules where the definition leaves room, as the app applies them:
- A person used the service from the day support began (the 7th month after the first
  hire) until it ended: the day recorded as its end, else three years later.
- A person is in work on a day unless they left their job (離職) on or before it. A job
  change keeps them in work; so does an end of support for any other reason (stable, the
  three years, a move to another office).
- The tiers are data (`RateTier` rows): the first whose lower bound the rate reaches.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    used_from: date
    used_until: date
    left_job_on: date | None = None


@dataclass(frozen=True)
class Tier:
    lower: Fraction  # the share it starts at (0 for the last)
    label: str


@dataclass(frozen=True)
class Counted:
    person: Person
    in_work: bool


@dataclass(frozen=True)
class Rate:
    fiscal_year: int      # the year the last fiscal year began in (2025 = 2025-04 … 2026-03)
    window: tuple          # (first day, last day) of the three fiscal years
    as_of: date            # the day "still in work" is counted on
    counted: tuple         # Counted, by name
    in_work: int
    users: int
    share: Fraction | None  # None when nobody used the service
    tier: Tier | None
    projection: bool = False


def fiscal_year_of(day: date) -> int:
    """The fiscal year a day falls in, by the year it began (April)."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_bounds(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def tier_of(share: Fraction | None, tiers) -> Tier | None:
    """The first tier, from the highest, whose lower bound the share reaches."""
    if share is None:
        return None
    for tier in sorted(tiers, key=lambda t: t.lower, reverse=True):
        if share >= tier.lower:
            return tier
    return None


def rate(people, last_year: int, tiers, as_of: date | None = None,
         projection: bool = False) -> Rate:
    """The rate whose last fiscal year is last_year, counted on as_of (that year's last day)."""
    first, _ = fiscal_bounds(last_year - 2)
    _, last = fiscal_bounds(last_year)
    as_of = as_of or last
    counted = tuple(
        Counted(p, p.left_job_on is None or p.left_job_on > as_of)
        for p in sorted(people, key=lambda p: (p.name, p.id))
        if p.used_from <= p.used_until and p.used_from <= min(last, as_of)
        and p.used_until >= first)
    in_work = sum(c.in_work for c in counted)
    share = Fraction(in_work, len(counted)) if counted else None
    return Rate(last_year, (first, last), as_of, counted, in_work, len(counted), share,
                tier_of(share, tiers), projection)


def office_rates(people, today: date, tiers, years: int = 5) -> dict:
    """The figure that counts now (the last completed fiscal year), this year's running
    projection, and the trend: the figure at each of the last `years` fiscal year ends."""
    current = fiscal_year_of(today)
    last = current - 1
    return {
        "official": rate(people, last, tiers),
        "projection": rate(people, current, tiers, as_of=today, projection=True),
        "trend": [rate(people, year, tiers) for year in range(last - years + 1, last + 1)],
    }
