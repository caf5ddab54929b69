"""The support-period timeline's geometry: plain numbers the client page draws as an SVG.

One row per period, labelled on the left like a Gantt chart, so nothing depends on
colour: each bar has its name beside it, the STEP windows are hatched, and today is a
dashed line with the word 今日. The template adds the same dates as a table.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from .periods import SupportPeriod, add_months

WIDTH = 960
LEFT, RIGHT, TOP, ROW, BAR, AXIS = 300, 24, 34, 34, 20, 40
PAD = timedelta(days=45)


@dataclass(frozen=True)
class Bar:
    key: str  # initial · step1–step4 · support · certificate
    start: date
    end: date
    x: float
    y: float
    width: float
    state: str  # past · now · future, as of today


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    left: int
    bar: int
    bars: tuple
    ticks: tuple  # (x, day)
    today: date
    today_x: float
    top: int
    bottom: float


def shift(day: date, delta: timedelta) -> date:
    """day moved by delta, stopping at the calendar's ends (stored dates may sit there)."""
    try:
        return day + delta
    except OverflowError:
        return date.max if delta > timedelta(0) else date.min


def timeline(period: SupportPeriod, today: date, certificate_from: date | None = None,
             certificate_to: date | None = None) -> Timeline:
    """Lay out the periods from the hire date to the support end (and the certificate) around today."""
    spans = [("initial", period.hire, shift(period.start, -timedelta(days=1)))]
    spans += [(f"step{s.number}", s.start, s.end) for s in period.steps]
    spans.append(("support", period.start, period.end))
    if certificate_from and certificate_to and certificate_from <= certificate_to:
        spans.append(("certificate", certificate_from, certificate_to))
    first = shift(min([period.hire, today] + [s for _k, s, _e in spans]), -PAD)
    last = shift(max([period.end, today] + [e for _k, _s, e in spans]), PAD)
    scale = (WIDTH - LEFT - RIGHT) / max((last - first).days, 1)

    def x_of(day):
        return round(LEFT + (day - first).days * scale, 1)

    bars = tuple(
        Bar(key, start, end, x_of(start), TOP + n * ROW + (ROW - BAR) / 2,
            max(round(x_of(shift(end, timedelta(days=1))) - x_of(start), 1), 2),
            "past" if end < today else "future" if start > today else "now")
        for n, (key, start, end) in enumerate(spans))
    ticks = []
    months = 0
    while add_months(period.hire, months) <= last and months <= 12 * 50:
        if add_months(period.hire, months) >= first:
            ticks.append((x_of(add_months(period.hire, months)), add_months(period.hire, months)))
        months += 6
    bottom = TOP + len(spans) * ROW
    return Timeline(WIDTH, int(bottom + AXIS), LEFT, BAR, bars, tuple(ticks), today, x_of(today),
                    TOP, bottom)
