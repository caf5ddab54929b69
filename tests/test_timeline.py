"""The support-period timeline's geometry: every period in order, today marked where it falls."""
from datetime import date, timedelta

from companion.periods import support_period
from companion.timeline import LEFT, RIGHT, WIDTH, timeline

HIRE = date(2025, 4, 10)


def test_rows_follow_the_support_period_from_hire_to_the_end():
    period = support_period(HIRE)
    t = timeline(period, date(2026, 1, 15), date(2025, 10, 10), date(2026, 10, 9))
    assert [b.key for b in t.bars] == ["initial", "step1", "step2", "step3", "step4", "support",
                                       "certificate"]
    assert (t.bars[0].start, t.bars[0].end) == (HIRE, period.start - timedelta(days=1))
    assert (t.bars[5].start, t.bars[5].end) == (period.start, period.end)
    assert [(b.start, b.end) for b in t.bars[1:5]] == [(s.start, s.end) for s in period.steps]
    assert [b.y for b in t.bars] == sorted(b.y for b in t.bars)


def test_today_sits_between_the_bars_it_falls_in_and_states_follow():
    t = timeline(support_period(HIRE), date(2026, 1, 15))
    support = next(b for b in t.bars if b.key == "support")
    assert support.x < t.today_x < support.x + support.width
    assert {b.key: b.state for b in t.bars} == {
        "initial": "past", "step1": "past", "step2": "past", "step3": "past", "step4": "past",
        "support": "now"}


def test_everything_fits_the_drawing_even_long_after_support_ended():
    t = timeline(support_period(HIRE), date(2031, 1, 1))
    assert all(LEFT <= b.x and b.x + b.width <= WIDTH - RIGHT + 1 for b in t.bars)
    assert LEFT <= t.today_x <= WIDTH - RIGHT
    assert all(b.state == "past" for b in t.bars)
    assert t.ticks[0][1] == HIRE and all(LEFT <= x <= WIDTH - RIGHT for x, _d in t.ticks)


def test_an_inverted_certificate_is_left_out_rather_than_drawn_backwards():
    t = timeline(support_period(HIRE), date(2026, 1, 15), date(2026, 5, 1), date(2026, 4, 1))
    assert "certificate" not in [b.key for b in t.bars]
