"""Frozen agenda items keep their links: the bulk insert that lost them, and the repair of old rows."""
import importlib
import pathlib
import re
from datetime import date

import pytest

from companion import db
from companion.db import insert_rows
from companion.models import ActionItem, AgendaItem, CheckIn, Meeting, Note, TalkingPoint, utcnow
from conftest import schedule, write

repair = importlib.import_module("companion.migrations.0005_action_lifecycle").repair


def started_with_an_action_first(people, supporter):
    """Month two: last time left an action, nothing is starred, notes and a point wait."""
    sato = people["client"]
    first = schedule(supporter, sato)
    supporter.post(f"/api/v1/meetings/{first['id']}/start", json={"confirm_early": True})
    supporter.post(f"/api/v1/meetings/{first['id']}/actions",
                   json={"text": "上司にメモを頼む", "owner": "client"})
    supporter.post(f"/api/v1/meetings/{first['id']}/close")
    worry = write(sato, "休けいの取り方が分からない", days_ago=0)
    win = write(sato, "電話に出られた", kind="win", days_ago=0)
    second = schedule(supporter, sato, days=1)
    supporter.post(f"/api/v1/meetings/{second['id']}/points", json={"text": "通勤の様子"})
    started = supporter.post(f"/api/v1/meetings/{second['id']}/start", json={"confirm_early": True})
    assert started.status_code == 200, started.get_json()
    return second["id"], worry, win


def test_starting_month_two_keeps_every_item_linked_to_its_note_action_and_point(people, login):
    meeting_id, worry, win = started_with_an_action_first(people, login("supporter"))
    with db.database.connection_context():
        items = list(AgendaItem.select().where(AgendaItem.meeting == meeting_id)
                     .order_by(AgendaItem.position))
    # The first row is the action: before the fix its keys were the only columns stored.
    assert items[0].ref_type == "action" and items[0].action_id is not None
    assert {i.note_id for i in items if i.ref_type == "note"} == {worry.id, win.id}
    assert all(i.point_id for i in items if i.ref_type == "point")


def test_insert_rows_stores_every_value_whatever_the_first_row_holds(people):
    sato = people["client"]
    rows = [{"client": sato.id, "day": date(2026, 1, 1)},
            {"client": sato.id, "day": date(2026, 1, 2), "mood": 4, "comment": "よく寝た"}]
    with db.database.connection_context():
        insert_rows(CheckIn, rows)
        stored = {c.day.day: (c.mood, c.comment) for c in CheckIn.select()}
        assert stored == {1: (None, ""), 2: (4, "よく寝た")}  # missing keys take the defaults
        with pytest.raises(KeyError):
            insert_rows(CheckIn, [{"client": sato.id, "day": date(2026, 1, 3), "colour": "red"}])


def test_no_bulk_insert_bypasses_the_helper():
    """Every multi-row insert goes through db.insert_rows, which evens out the keys."""
    package = pathlib.Path(__file__).resolve().parent.parent / "companion"
    offenders = [str(path.relative_to(package)) for path in package.rglob("*.py")
                 if path.name != "db.py" and "migrations" not in path.parts
                 and re.search(r"\.insert_many\(", path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_repair_restores_lost_links_and_does_what_the_close_did_not(people, login):
    supporter = login("supporter")
    meeting_id, worry, win = started_with_an_action_first(people, supporter)
    with db.database.connection_context():
        items = {i.ref_type + ":" + (i.note_id or str(i.action_id or i.point_id)): i
                 for i in AgendaItem.select().where(AgendaItem.meeting == meeting_id)}
    statuses = {f"note:{worry.id}": "resolved", f"note:{win.id}": "carry_over"}
    for key, status in statuses.items():
        supporter.patch(f"/api/v1/agenda-items/{items[key].id}", json={"status": status})
    point = next(i for i in items.values() if i.ref_type == "point" and not i.system_code)
    # As the faulty insert stored them: no note, action or point, so the close did nothing.
    with db.database.connection_context():
        AgendaItem.update(note=None, action=None, point=None).where(
            AgendaItem.meeting == meeting_id).execute()
    assert supporter.post(f"/api/v1/meetings/{meeting_id}/close").status_code == 200
    with db.database.connection_context():
        assert Note.get_by_id(worry.id).state == "open"
        counts = repair(db.database.obj)
        assert counts["note"] == 2 and counts["action"] == 1 and counts["left"] == 0
        restored = {i.id: i for i in AgendaItem.select().where(AgendaItem.meeting == meeting_id)}
        assert restored[items[f"note:{worry.id}"].id].note_id == worry.id
        assert restored[point.id].point_id == point.point_id
        assert Note.get_by_id(worry.id).state == "resolved"
        assert (Note.get_by_id(win.id).state, Note.get_by_id(win.id).carried_count) == ("carried", 1)
        # The supporter's point was not talked about: it waits for the next meeting again.
        assert TalkingPoint.get_by_id(point.point_id).meeting_id is None
        # Running it again finds nothing left to do.
        assert repair(db.database.obj) == {"note": 0, "action": 0, "point": 0, "left": 0}


def test_the_repair_leaves_a_link_alone_when_two_notes_could_be_meant(people, login):
    supporter = login("supporter")
    sato = people["client"]
    twin = write(sato, "同じ文", days_ago=1)
    with db.database.connection_context():
        Note.create(client=sato, kind="worry", weight="small", body="同じ文", written_at=twin.written_at)
    meeting = schedule(supporter, sato)
    supporter.post(f"/api/v1/meetings/{meeting['id']}/start")
    with db.database.connection_context():
        AgendaItem.update(note=None).where(AgendaItem.meeting == meeting["id"]).execute()
        counts = repair(db.database.obj)
        assert counts["note"] == 0 and counts["left"] == 2
        assert not AgendaItem.select().where(AgendaItem.note.is_null(False)).exists()


def test_old_action_statuses_become_an_actions_own(people):
    sato = people["client"]
    with db.database.connection_context():
        held = Meeting.create(client=sato, supporter=people["supporter"], state="closed",
                              scheduled_at=utcnow(), started_at=utcnow(), closed_at=utcnow())
        action = ActionItem.create(client=sato, text="履歴書を書く", owner="client", done_at=utcnow())
        for position, status in enumerate(("resolved", "discussed", "carry_over")):
            AgendaItem.create(meeting=held, section="actions_review", position=position,
                              ref_type="action", action=action, text=action.text, status=status)
        repair(db.database.obj)
        assert sorted(i.status for i in AgendaItem.select()) == ["continue", "continue", "done"]
        # Reviewed as done in a closed meeting: it is over and leaves later agendas.
        assert ActionItem.get_by_id(action.id).settled_at == held.closed_at
