"""Two years of monthly cycles, run through the app's own functions: what an agenda fetch, the
meeting page, Prepare and the caseload bring into Python stays what one month brings."""
from datetime import timedelta

import time_machine

from companion import db
from companion.checkins import save_checkin
from companion.meetings import service as meetings
from companion.models import AgendaItem, Assignment, utcnow
from companion.notes.service import create_note, update_note
from conftest import count_rows

CYCLES = 24
BODIES = ("指示が一度にたくさん来た", "朝の電車がつらい", "新しい作業を一人でできた", "休けいを相談したい")


def month_of_life(client, supporter, now):
    """The four weeks before now: eight notes, a note kept out of the meeting, check-ins, and
    yesterday's meeting run to its close."""
    first = now - timedelta(days=28)
    for n in range(8):
        create_note(client, {"kind": ("worry", "win")[n % 2], "body": BODIES[n % 4],
                             "weight": "small" if n % 2 == 0 else None,
                             "written_at": first + timedelta(days=3 * n + 1)})
    for day in range(0, 28, 2):
        save_checkin(client, (first + timedelta(days=day, hours=9)).date(),
                     {"mood": 1 + day % 5, "body": 3, "sleep": 4})
    kept, _ = create_note(client, {"kind": "worry", "body": "今は話したくない", "weight": "small",
                                   "written_at": first + timedelta(days=25)})
    update_note(kept, {"agenda_choice": "keep_private"})
    when = now - timedelta(days=1)
    meeting = meetings.start(meetings.schedule(supporter, client, when), supporter, now=when,
                             early=True)
    for n, item in enumerate(AgendaItem.select().where(AgendaItem.meeting == meeting.id)):
        status = "done" if item.ref_type == "action" else ("carry_over", "resolved", "discussed")[n % 3]
        meetings.record(item, {"status": status, "outcome": "話した"})
    meetings.add_action(meeting, {"text": "上司にメモを頼む", "owner": "client"},
                        now=when + timedelta(minutes=20))
    meetings.close(meeting, "様子を見る", now=when + timedelta(minutes=40))


def rows_of(auth, path):
    with count_rows() as seen:
        response = auth.client.get(path)
    assert response.status_code == 200, path
    return seen["rows"]


def test_two_years_of_cycles_bring_no_more_rows_than_one_month(people, login_as):
    sato, supporter = people["client"], people["supporter"]
    measured = []
    begin = utcnow() - timedelta(days=30 * CYCLES)
    with db.database.connection_context():  # supported from the first of these months
        Assignment.update(starts_on=begin.date()).where(Assignment.client == sato.id).execute()
    with time_machine.travel(begin, tick=False) as clock:
        for cycle in range(CYCLES):
            clock.shift(timedelta(days=28))
            with db.database.connection_context():
                month_of_life(sato, supporter, utcnow())
            clock.shift(timedelta(days=2))
            with db.database.connection_context():
                upcoming = meetings.schedule(supporter, sato, utcnow() + timedelta(days=3))
            staff, me = login_as("supporter"), login_as("client")
            measured.append((rows_of(staff, f"/api/v1/meetings/{upcoming.id}/agenda"),
                             rows_of(staff, f"/meetings/{upcoming.id}"), rows_of(me, "/prepare"),
                             rows_of(staff, "/api/v1/caseload")))
            with db.database.connection_context():
                meetings.cancel(upcoming)
        page = me.client.get("/prepare").get_data(as_text=True)
        assert 'id="more-kept"' in page and "14" in page  # 24 kept, the newest 10 shown
        everything = me.client.get("/prepare?kept=all").get_data(as_text=True)
        assert everything.count("やっぱり話す") == CYCLES and 'id="more-kept"' not in everything
    print("rows per fetch, month by month (agenda, page, Prepare, caseload):", measured)
    first = measured[0]
    # One month's notes, check-ins and actions set the bound; the years behind add nothing.
    # (Prepare lists the newest notes kept out of meetings, up to ten.)
    for later in measured[1:]:
        for what, one, now, extra in zip(("agenda", "page", "Prepare", "caseload"), first, later,
                                         (2, 2, 2 + 10, 0)):
            assert now <= one + extra, (what, measured)
