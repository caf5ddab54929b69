"""The condition chart's geometry: plain numbers the template draws as an inline SVG.

One small panel per scale, stacked on a shared day axis, so three noisy lines never
tangle. Each scale also keeps its own dash pattern and marker shape, so the chart reads
without colour and in black-and-white print; the template adds tables as the text version.
"""
from dataclasses import dataclass
from datetime import date, timedelta

WIDTH = 480
LEFT, RIGHT, TOP, AXIS = 64, 12, 10, 30
PANEL, GAP = 64, 24
LOW, HIGH = 1, 5
# name: (dash pattern, marker shape)
STYLES = {"mood": ("", "circle"), "body": ("8 5", "square"), "sleep": ("2 4", "triangle")}


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    day: date
    value: int
    shape: str
    points: str  # the polygon of a triangle; empty for circle and square


@dataclass(frozen=True)
class Panel:
    name: str
    label: str
    top: float
    bottom: float
    dash: str
    shape: str
    points: str
    marks: tuple
    y_ticks: tuple  # (y, value)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    panels: tuple
    x_ticks: tuple  # (x, day, text-anchor)


def x_of(day, first, last):
    """Where a day sits on the x axis."""
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def y_of(value, top):
    """Where a 1–5 value sits in the panel starting at top (5 at the top)."""
    return top + PANEL * (HIGH - value) / (HIGH - LOW)


def triangle(x, y, r=5):
    """The points of a triangle marker centred on x, y."""
    return f"{x:.1f},{y - r:.1f} {x + r:.1f},{y + r * 0.8:.1f} {x - r:.1f},{y + r * 0.8:.1f}"


def condition_chart(scales, first_day, last_day):
    """Lay out each scale's daily series between first_day and last_day, one panel each."""
    first_day = min(first_day, last_day)
    panels = []
    for n, scale in enumerate(scales):
        dash, shape = STYLES.get(scale["name"], ("", "circle"))
        top = TOP + n * (PANEL + GAP)
        marks = []
        for point in scale["series"]:
            x, y = x_of(point["day"], first_day, last_day), y_of(point["value"], top)
            marks.append(Mark(round(x, 1), round(y, 1), point["day"], point["value"], shape,
                              triangle(x, y) if shape == "triangle" else ""))
        panels.append(Panel(scale["name"], scale["label"], top, top + PANEL, dash, shape,
                            " ".join(f"{m.x},{m.y}" for m in marks), tuple(marks),
                            tuple((round(y_of(v, top), 1), v) for v in (LOW, 3, HIGH))))
    days = (last_day - first_day).days
    ticks = sorted({first_day, first_day + timedelta(days=days // 2), last_day})
    anchors = {first_day: "start", last_day: "end"}
    height = TOP + len(panels) * (PANEL + GAP) - GAP + AXIS
    return Chart(WIDTH, height, LEFT, RIGHT, tuple(panels),
                 tuple((round(x_of(d, first_day, last_day), 1), d, anchors.get(d, "middle"))
                       for d in ticks))


def daily_rows(scales):
    """The series as one row per day logged: (day, {scale: value}) for the table version."""
    rows = {}
    for scale in scales:
        for point in scale["series"]:
            rows.setdefault(point["day"], {})[scale["name"]] = point["value"]
    return sorted(rows.items())
