"""One clock: moments stored in UTC, days and months read on Japan's calendar."""
from datetime import date, datetime, time

import time_machine

from companion import clock

EARLY = datetime(2027, 3, 4, 23, 0)  # 08:00 on 5 March in Japan (after the fixtures were made), still the 4th in UTC


def test_days_and_months_are_japans():
    assert clock.japan_day(EARLY) == date(2027, 3, 5)
    assert clock.local(EARLY) == datetime(2027, 3, 5, 8, 0)
    assert clock.to_utc(date(2027, 3, 5), time(8, 0)) == EARLY
    assert clock.month_bounds("2027-03") == (datetime(2027, 2, 28, 15), datetime(2027, 3, 31, 15))
    assert clock.day_bounds(date(2027, 3, 5), date(2027, 3, 5)) == (
        datetime(2027, 3, 4, 15), datetime(2027, 3, 5, 15))
    assert clock.MONTH.match("2026-12") and not clock.MONTH.match("2026-13")
    with time_machine.travel(EARLY.isoformat() + "Z", tick=False):
        assert clock.today() == date(2027, 3, 5)
        assert clock.utcnow() == EARLY


def test_a_check_in_at_eight_in_the_morning_is_on_that_days_live_agenda(people, login_as):
    with time_machine.travel(EARLY.isoformat() + "Z", tick=False):
        me = login_as("client")
        assert me.put("/api/v1/checkins/2027-03-05", json={"mood": 2}).status_code == 200
        supporter = login_as("supporter")
        meeting = supporter.post("/api/v1/meetings", json={
            "client_id": people["client"].id, "scheduled_at": "2027-03-05T05:00:00Z"}).get_json()
        assert "id" in meeting, meeting
        agenda = supporter.client.get(f"/api/v1/meetings/{meeting['id']}/agenda").get_json()
        condition = next(s for s in agenda["sections"] if s["key"] == "condition")
        mood = next(s for s in agenda["condition"]["scales"] if s["name"] == "mood")
        assert {"day": "2027-03-05", "value": 2} in mood["series"], (condition, mood)
