"""Support-period dates: month arithmetic, STEP windows, phases and system talking points."""
from datetime import date

import pytest

from companion.periods import (
    Step,
    SystemPoint,
    add_months,
    days_left,
    phase,
    support_period,
    system_talking_points,
)


@pytest.mark.parametrize("start, months, expected", [
    (date(2024, 4, 10), 1, date(2024, 5, 10)),
    (date(2024, 11, 15), 3, date(2025, 2, 15)),
    (date(2025, 2, 15), -3, date(2024, 11, 15)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2023, 8, 31), 6, date(2024, 2, 29)),
    (date(2022, 8, 31), 6, date(2023, 2, 28)),
    (date(2024, 3, 31), 1, date(2024, 4, 30)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2024, 5, 31), -3, date(2024, 2, 29)),
    (date(2024, 12, 31), 0, date(2024, 12, 31)),
])
def test_add_months_clamps_to_the_end_of_a_short_month(start, months, expected):
    assert add_months(start, months) == expected


def test_support_starts_six_months_after_hire_and_lasts_three_years():
    period = support_period(date(2024, 4, 10))
    assert period.hire == date(2024, 4, 10)
    assert period.start == date(2024, 10, 10)
    assert period.end == date(2027, 10, 9)


def test_steps_follow_the_articles_months_after_hire():
    period = support_period(date(2024, 4, 10))
    assert period.steps == (
        Step(1, "choose_office", date(2024, 5, 10), date(2024, 8, 9)),
        Step(2, "meet_consultant", date(2024, 6, 10), date(2024, 9, 9)),
        Step(3, "apply_certificate", date(2024, 7, 10), date(2024, 10, 9)),
        Step(4, "contract_start", date(2024, 10, 10), date(2024, 11, 9)),
    )


def test_contract_step_starts_the_day_support_starts():
    period = support_period(date(2024, 4, 10))
    assert period.steps[3].start == period.start


def test_hire_on_29_february():
    period = support_period(date(2024, 2, 29))
    assert period.start == date(2024, 8, 29)
    assert period.end == date(2027, 8, 28)
    assert [(s.start, s.end) for s in period.steps] == [
        (date(2024, 3, 29), date(2024, 6, 28)),
        (date(2024, 4, 29), date(2024, 7, 28)),
        (date(2024, 5, 29), date(2024, 8, 28)),
        (date(2024, 8, 29), date(2024, 9, 28)),
    ]


def test_hire_on_31_august_reaches_the_end_of_february():
    period = support_period(date(2023, 8, 31))
    assert period.start == date(2024, 2, 29)
    assert period.end == date(2027, 2, 27)
    assert [(s.start, s.end) for s in period.steps] == [
        (date(2023, 9, 30), date(2023, 12, 30)),
        (date(2023, 10, 31), date(2024, 1, 30)),
        (date(2023, 11, 30), date(2024, 2, 28)),
        (date(2024, 2, 29), date(2024, 3, 30)),
    ]


def test_months_after_hire_meet_without_gap_or_overlap():
    # Computed from the hire date each time, so a clamped month never shifts the next one.
    period = support_period(date(2023, 8, 31))
    step3, step4 = period.steps[2], period.steps[3]
    assert (step4.start - step3.end).days == 1


@pytest.mark.parametrize("today, expected", [
    (date(2024, 4, 10), 1277),
    (date(2027, 10, 8), 1),
    (date(2027, 10, 9), 0),
    (date(2027, 10, 10), 0),
    (date(2030, 1, 1), 0),
])
def test_days_left_counts_down_to_the_support_end(today, expected):
    assert days_left(support_period(date(2024, 4, 10)), today) == expected


@pytest.mark.parametrize("today, expected", [
    (date(2024, 4, 10), "initial"),
    (date(2024, 10, 9), "initial"),
    (date(2024, 10, 10), "support"),
    (date(2027, 10, 9), "support"),
    (date(2027, 10, 10), "ended"),
])
def test_phase_changes_on_the_first_and_after_the_last_support_day(today, expected):
    assert phase(support_period(date(2024, 4, 10)), today) == expected


TODAY = date(2025, 6, 1)


@pytest.mark.parametrize("valid_to, expected", [
    (date(2025, 7, 31), [SystemPoint("certificate_ending", date(2025, 7, 31), 60)]),
    (date(2025, 6, 1), [SystemPoint("certificate_ending", date(2025, 6, 1), 0)]),
    (date(2025, 8, 1), []),
    (date(2025, 5, 31), []),
    (None, []),
])
def test_certificate_renewal_is_raised_within_60_days(valid_to, expected):
    assert system_talking_points(TODAY, valid_to, None) == expected


@pytest.mark.parametrize("support_end, expected", [
    (date(2025, 12, 1), [SystemPoint("support_ending", date(2025, 12, 1), 183)]),
    (date(2025, 12, 2), []),
    (date(2025, 6, 1), [SystemPoint("support_ending", date(2025, 6, 1), 0)]),
    (date(2025, 5, 31), []),
    (None, []),
])
def test_support_ending_is_raised_from_exactly_six_months_before(support_end, expected):
    assert system_talking_points(TODAY, None, support_end) == expected


def test_six_months_before_a_month_end_clamps_too():
    # 31 August − 6 months is 28/29 February: the notice starts then, not on 3 March.
    assert system_talking_points(date(2027, 2, 28), None, date(2027, 8, 31))
    assert not system_talking_points(date(2027, 2, 27), None, date(2027, 8, 31))


def test_both_talking_points_certificate_first():
    points = system_talking_points(TODAY, date(2025, 7, 1), date(2025, 9, 30))
    assert [p.code for p in points] == ["certificate_ending", "support_ending"]
