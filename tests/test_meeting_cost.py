"""The agenda's cost grows with the agenda, not with years of history: a fixed number of queries."""
import json
from datetime import timedelta

import pytest
from peewee import chunked

import conftest
from companion import db
from companion.models import (
    ActionItem, AgendaItem, CheckIn, Meeting, Note, TalkingPoint, new_uuid, today, utcnow,
)

KINDS = ("worry", "win", "goal", "challenge", "for_employer")


def insert(model, rows):
    """Insert many rows quickly, in chunks every engine accepts."""
    for batch in chunked(rows, 50):
        model.insert_many(batch).execute()


def snapshot(start, end):
    """A started meeting's saved highlights and condition."""
    series = [[(end.date() - timedelta(days=d)).isoformat(), 3] for d in range(20, 0, -1)]
    return json.dumps({"highlights": [["sorted_itself", 1, None, None]],
                       "condition": [[s, 3.0, 3.5, 20, series] for s in ("mood", "body", "sleep")],
                       "window": [start.isoformat(), end.isoformat()]})


def build_history(client, supporter, months, notes, checkins):
    """`months` closed monthly meetings, `notes` notes and `checkins` days, then one scheduled.

    Notes written before the last meeting were discussed or resolved there, a few carried;
    those written since are open. Returns (the scheduled meeting, the last closed one).
    """
    now = utcnow()
    starts = [now - timedelta(days=30 * (months - i) - 20) for i in range(months)]
    first = starts[0] - timedelta(days=30) if starts else now - timedelta(days=30)
    last_start = starts[-1] if starts else None
    span = (now - first).total_seconds()
    note_rows = []
    for n in range(notes):
        written = first + timedelta(seconds=span * (n + 1) / (notes + 1))
        done = last_start is not None and written < last_start
        kind = KINDS[n % len(KINDS)]
        note_rows.append(dict(
            id=new_uuid(), client=client.id, kind=kind, topic="workload" if n % 3 else "health",
            weight="small" if kind == "worry" else None, body=f"メモ {n}",
            written_at=written, received_at=written, updated_at=written,
            state=("carried" if n % 97 == 0 else ("discussed", "resolved")[n % 2]) if done else "open",
            carried_count=1 if done and n % 97 == 0 else 0))
    insert(Note, note_rows)
    insert(CheckIn, [dict(client=client.id, day=today() - timedelta(days=d), mood=1 + d % 5,
                          body=1 + (d * 3) % 5, sleep=1 + (d * 7) % 5, updated_at=now)
                     for d in range(1, checkins + 1)])
    closed = None
    for i, start in enumerate(starts):
        closed = Meeting.create(client=client.id, supporter=supporter.id, scheduled_at=start,
                                mode="in_person", state="closed", started_at=start,
                                closed_at=start + timedelta(hours=1), summary=f"まとめ {i}",
                                snapshot=snapshot(start - timedelta(days=30), start))
        actions = [ActionItem.create(client=client.id, meeting=closed.id, text=f"やること {i}-{k}",
                                     owner="client", created_at=start,
                                     done_at=start + timedelta(days=20) if k else None)
                   for k in range(2)]
        point = TalkingPoint.create(client=client.id, author=supporter.id, meeting=closed.id,
                                    text=f"話 {i}", created_at=start)
        items = [dict(meeting=closed.id, section="worries", position=k, ref_type="note",
                      note=note_rows[(i * 20 + k) % len(note_rows)]["id"], text=f"項目 {k}",
                      kind="worry", status="discussed", outcome="話した", updated_at=start)
                 for k in range(18)]
        items.append(dict(meeting=closed.id, section="actions_review", position=18,
                          ref_type="action", action=actions[0].id, text=actions[0].text,
                          owner="client", status="pending", updated_at=start))
        items.append(dict(meeting=closed.id, section="supporter_points", position=19,
                          ref_type="point", point=point.id, text=point.text, status="resolved",
                          updated_at=start))
        insert(AgendaItem, items)
    upcoming = Meeting.create(client=client.id, supporter=supporter.id,
                              scheduled_at=now + timedelta(days=7))
    return upcoming, closed


def counted(browser, url):
    """How many SQL statements answering url takes."""
    with conftest.count_queries() as seen:
        response = browser.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen)


@pytest.fixture
def histories(app, people):
    """The client with three years of history; other_client with one month."""
    with db.database.connection_context(), db.database.atomic():
        long = build_history(people["client"], people["supporter"], months=36, notes=2000,
                             checkins=1000)
        short = build_history(people["other_client"], people["other_supporter"], months=1,
                              notes=20, checkins=30)
    return long, short


def test_three_years_of_history_cost_the_same_queries_as_one_month(app, people, histories):
    (long_next, long_closed), (short_next, short_closed) = histories
    browsers = {}
    for name in ("supporter", "other_supporter", "client", "other_client"):
        browsers[name] = conftest.Auth(app.test_client())
        browsers[name].login(people[name].login)
    measured = {}
    for label, url in (("agenda API", "/api/v1/meetings/{}/agenda"), ("meeting page", "/meetings/{}")):
        long_live = counted(browsers["supporter"].client, url.format(long_next.id))
        short_live = counted(browsers["other_supporter"].client, url.format(short_next.id))
        long_record = counted(browsers["supporter"].client, url.format(long_closed.id))
        short_record = counted(browsers["other_supporter"].client, url.format(short_closed.id))
        measured[label] = (long_live, short_live, long_record, short_record)
        assert long_live == short_live and long_record == short_record, (label, measured[label])
        assert long_live <= 12 and long_record <= 8, (label, measured[label])
    prepare = (counted(browsers["client"].client, "/prepare"),
               counted(browsers["other_client"].client, "/prepare"))
    assert prepare[0] == prepare[1], prepare
    print("queries (live long/short, record long/short):", measured, "prepare:", prepare)

    # The long history's agenda is still the agenda: what is open and carried, not the past.
    data = browsers["supporter"].client.get(f"/api/v1/meetings/{long_next.id}/agenda").get_json()
    items = [i for s in data["sections"] for i in s["items"]]
    assert 0 < len(items) < 100
    assert any(i["carried_count"] == 1 for i in items)
    # Open actions of every meeting, and the one done since the last meeting.
    assert [i["text"] for i in data["sections"][1]["items"]] == [
        f"やること {n}-0" for n in range(36)] + ["やること 35-1"]
