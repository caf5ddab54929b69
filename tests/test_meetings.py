"""The 作戦会議: schedule, prepare, start, record, close, and what comes back next time."""
from datetime import timedelta

import pytest

from companion import db
from companion.models import (
    ActionItem, AgendaItem, CheckIn, ClientProfile, Meeting, Note, TalkingPoint, today,
)
from conftest import agenda, form, item_for, schedule, section, write

SECTION_KEYS = ["priorities", "actions_review", "condition", "wins", "worries", "goals",
                "challenges", "for_employer", "supporter_points"]


def texts(data, key):
    return [item["text"] for item in section(data, key)]


def test_a_whole_cycle_from_notes_to_the_next_agenda(people, login):
    sato = people["client"]
    worry = write(sato, "上司の指示が分かりにくい", topic="relationships", days_ago=5)
    sorted_worry = write(sato, "朝起きるのがつらい", topic="health", days_ago=4)
    write(sato, "遅刻せずに出勤できた", kind="win", days_ago=3)
    goal = write(sato, "指示をメモに取る方法を決めたい", kind="goal", days_ago=3)
    kept = write(sato, "家族のこと", days_ago=2)
    write(sato, "指示は一人の人からほしい", kind="for_employer", days_ago=2)
    write(sato, "自分だけのメモ", days_ago=2, visibility="private")
    supporter, me = login("supporter"), login("client")
    meeting = schedule(supporter, sato)
    assert meeting["state"] == "scheduled" and meeting["client"]["display_name"] == "佐藤 みのり"

    # Prepare: star one, mark one sorted itself, keep one private (plain forms).
    for note, data in ((worry, {"starred": "true"}), (sorted_worry, {"agenda_choice": "sorted"}),
                       (kept, {"agenda_choice": "keep_private"})):
        response = form(me, f"/prepare/notes/{note.id}", data, "/prepare")
        assert response.status_code == 302
    live = agenda(supporter, meeting["id"])
    assert [s["key"] for s in live["sections"]] == SECTION_KEYS and live["live"] is True
    assert texts(live, "priorities") == ["上司の指示が分かりにくい"]
    assert texts(live, "wins") == ["朝起きるのがつらい", "遅刻せずに出勤できた"]
    assert texts(live, "worries") == [] and "家族のこと" not in str(live)
    assert "自分だけのメモ" not in str(live)
    # The client sees exactly what the supporter sees.
    assert agenda(me, meeting["id"])["sections"] == live["sections"]
    prepare = me.client.get("/prepare").get_data(as_text=True)
    assert "家族のこと" in prepare and "上司の指示が分かりにくい" in prepare

    started = supporter.post(f"/api/v1/meetings/{meeting['id']}/start", json={"confirm_early": True})
    assert started.status_code == 200
    frozen = started.get_json()
    assert frozen["live"] is False and frozen["meeting"]["state"] == "in_progress"
    assert all(i["status"] == "pending" and i["id"] for s in frozen["sections"] for i in s["items"])
    assert frozen["sections"] == agenda(me, meeting["id"])["sections"]

    # After the start, a new note waits for next time and an edit leaves the copy alone.
    write(sato, "あとから書いたメモ", days_ago=0)
    me.patch(f"/api/v1/notes/{worry.id}", json={"body": "書きなおした"})
    assert agenda(supporter, meeting["id"])["sections"] == frozen["sections"]

    outcomes = {"上司の指示が分かりにくい": ("discussed", "指示はメモでもらうよう会社に伝える"),
                "指示は一人の人からほしい": ("resolved", "次の三者面談で伝える"),
                "指示をメモに取る方法を決めたい": ("carry_over", "")}
    for text, (status, outcome) in outcomes.items():
        item = item_for(frozen, text)
        response = supporter.patch(f"/api/v1/agenda-items/{item['id']}",
                                   json={"status": status, "outcome": outcome})
        assert response.status_code == 200 and response.get_json()["status"] == status
    due = (today() + timedelta(days=14)).isoformat()
    action = supporter.post(f"/api/v1/meetings/{meeting['id']}/actions",
                            json={"text": "指示をメモに書く", "owner": "client", "due": due})
    assert action.status_code == 201 and action.get_json()["done"] is False
    supporter.post(f"/api/v1/meetings/{meeting['id']}/actions",
                   json={"text": "会社に指示の出し方を相談する", "owner": "supporter"})
    point = supporter.post(f"/api/v1/meetings/{meeting['id']}/points", json={"text": "通院の日程"})
    assert point.status_code == 201
    during = agenda(supporter, meeting["id"])
    assert texts(during, "supporter_points") == ["通院の日程"]
    assert item_for(during, "通院の日程")["status"] == "pending"

    closed = supporter.post(f"/api/v1/meetings/{meeting['id']}/close",
                            json={"summary": "指示の受け方を工夫する。"})
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    with db.database.connection_context():
        state = {n.body: (n.state, n.carried_count) for n in Note.select()}
    assert state["書きなおした"] == ("discussed", 0)
    assert state["指示は一人の人からほしい"] == ("resolved", 0)
    assert state["指示をメモに取る方法を決めたい"] == ("carried", 1)
    assert state["遅刻せずに出勤できた"] == ("carried", 1)  # left pending: carried
    assert state["家族のこと"] == ("open", 0) and state["あとから書いたメモ"] == ("open", 0)

    following = schedule(supporter, sato, days=35)
    next_agenda = agenda(supporter, following["id"])
    carried = item_for(next_agenda, "指示をメモに取る方法を決めたい")
    assert carried["carried_count"] == 1 and carried["section"] == "goals"
    # Open actions come back under 前回決めたこと, the dated one first.
    assert texts(next_agenda, "actions_review") == ["指示をメモに書く", "会社に指示の出し方を相談する"]
    assert "あとから書いたメモ" in texts(next_agenda, "worries")
    assert "書きなおした" not in str(next_agenda) and "指示は一人の人からほしい" not in str(next_agenda)
    assert texts(next_agenda, "supporter_points") == ["通院の日程"]  # left pending: back again

    # Editing a note after closing leaves the closed meeting's record as it was.
    me.patch(f"/api/v1/notes/{goal.id}", json={"body": "変えたメモ"})
    record = agenda(me, meeting["id"])
    assert item_for(record, "指示をメモに取る方法を決めたい")["status"] == "carry_over"
    assert "変えたメモ" not in str(record)
    assert supporter.patch(f"/api/v1/agenda-items/{item_for(record, '上司の指示が分かりにくい')['id']}",
                           json={"status": "resolved"}).status_code == 409
    page = me.client.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    assert "指示はメモでもらうよう会社に伝える" in page and "指示の受け方を工夫する。" in page


def test_closing_settles_done_actions_and_keeps_open_ones_for_next_time(people, login):
    sato = people["client"]
    supporter = login("supporter")
    first = schedule(supporter, sato, days=0)
    supporter.post(f"/api/v1/meetings/{first['id']}/start", json={"confirm_early": True})
    for text in ("履歴書を書く", "主治医に相談する"):
        supporter.post(f"/api/v1/meetings/{first['id']}/actions", json={"text": text, "owner": "client"})
    supporter.post(f"/api/v1/meetings/{first['id']}/close")
    second = schedule(supporter, sato, days=1)
    supporter.post(f"/api/v1/meetings/{second['id']}/start", json={"confirm_early": True})
    review = section(agenda(supporter, second["id"]), "actions_review")
    assert [i["text"] for i in review] == ["履歴書を書く", "主治医に相談する"]
    supporter.patch(f"/api/v1/agenda-items/{review[0]['id']}", json={"status": "done"})
    supporter.post(f"/api/v1/meetings/{second['id']}/close")
    with db.database.connection_context():
        done = {a.text: a.done for a in ActionItem.select()}
    assert done == {"履歴書を書く": True, "主治医に相談する": False}
    third = schedule(supporter, sato, days=30)
    # できた in the meeting settles it; the one nobody looked at comes back.
    assert texts(agenda(supporter, third["id"]), "actions_review") == ["主治医に相談する"]


def test_system_points_appear_for_a_certificate_ending_soon_and_are_frozen_once(people, login):
    sato = people["client"]
    with db.database.connection_context():
        ClientProfile.update(certificate_valid_to=today() + timedelta(days=20)).where(
            ClientProfile.user == sato.id).execute()
    supporter = login("supporter")
    meeting = schedule(supporter, sato)
    points = section(agenda(supporter, meeting["id"]), "supporter_points")
    assert [p["system_code"] for p in points] == ["certificate_ending"]
    assert points[0]["due"] == (today() + timedelta(days=20)).isoformat() and "受給者証" in points[0]["text"]
    supporter.post(f"/api/v1/meetings/{meeting['id']}/start", json={"confirm_early": True})
    supporter.post(f"/api/v1/meetings/{meeting['id']}/close")
    following = schedule(supporter, sato, days=14)
    again = section(agenda(supporter, following["id"]), "supporter_points")
    assert [p["system_code"] for p in again] == ["certificate_ending"]  # recomputed, not doubled
    with db.database.connection_context():
        assert TalkingPoint.select().where(TalkingPoint.system_code.is_null(False)).count() == 1


def test_only_one_meeting_of_a_client_runs_at_a_time(people, login):
    supporter = login("supporter")
    first, second = schedule(supporter, people["client"]), schedule(supporter, people["client"], 8)
    assert supporter.post(f"/api/v1/meetings/{first['id']}/start", json={"confirm_early": True}).status_code == 200
    assert supporter.post(f"/api/v1/meetings/{second['id']}/start", json={"confirm_early": True}).status_code == 409
    assert supporter.post(f"/api/v1/meetings/{first['id']}/start", json={"confirm_early": True}).status_code == 409
    assert supporter.post(f"/api/v1/meetings/{first['id']}/cancel").status_code == 409


READERS = {"client": 200, "supporter": 200, "manager": 200, "other_client": 404,
           "other_supporter": 404, "manager_b": 404, "supporter_b": 404}


@pytest.fixture
def running(people, login):
    """A meeting of `client` under way, with one item on its agenda; (meeting id, item id)."""
    write(people["client"], "指示が分かりにくい")
    supporter = login("supporter")
    meeting = schedule(supporter, people["client"])
    frozen = supporter.post(f"/api/v1/meetings/{meeting['id']}/start", json={"confirm_early": True}).get_json()
    return meeting["id"], section(frozen, "worries")[0]["id"]


@pytest.mark.parametrize("who", READERS)
def test_the_client_and_their_staff_read_a_meeting_everyone_else_gets_404(people, login, running,
                                                                          who):
    meeting_id, _item = running
    me = login(who)
    for url in (f"/api/v1/meetings/{meeting_id}", f"/api/v1/meetings/{meeting_id}/agenda",
                f"/meetings/{meeting_id}",
                f"/api/v1/meetings?client_id={people['client'].id}"):
        assert me.client.get(url).status_code == READERS[who], url


def write_requests(meeting_id, item_id):
    """Every change a meeting can take, as (method, url, json)."""
    base = f"/api/v1/meetings/{meeting_id}"
    return [("post", "/api/v1/meetings", {"client_id": None, "scheduled_at": "2030-01-01T01:00:00Z"}),
            ("patch", base, {"summary": "書きかえ"}), ("post", base + "/start", None),
            ("post", base + "/cancel", None),
            ("post", base + "/actions", {"text": "やること", "owner": "client"}),
            ("post", base + "/points", {"text": "話したいこと"}),
            ("patch", f"/api/v1/agenda-items/{item_id}", {"status": "resolved", "outcome": "x"}),
            ("post", base + "/close", {"summary": "まとめ"})]


@pytest.mark.parametrize("who", ["client", "other_client", "other_supporter", "manager_b",
                                 "supporter_b"])
def test_only_the_assigned_supporter_or_manager_changes_a_meeting(people, login, running, who):
    meeting_id, item_id = running
    me = login(who)
    for method, url, body in write_requests(meeting_id, item_id):
        if body and "client_id" in body:
            body = {**body, "client_id": people["client"].id}
        response = getattr(me, method)(url, json=body)
        assert response.status_code == 404, (method, url, response.status_code)
    page = f"/meetings/{meeting_id}"
    for path in ("start", "cancel", "actions", "points", "summary", "close", "edit"):
        response = me.client.post(f"{page}/{path}", headers=me.headers(), data={"text": "x"})
        assert response.status_code == 404, path
    assert me.client.post(f"/agenda-items/{item_id}", headers=me.headers(),
                          data={"status": "resolved"}).status_code == 404
    with db.database.connection_context():
        assert Meeting.get_by_id(meeting_id).state == "in_progress"
        assert Meeting.select().count() == 1
        assert ActionItem.select().count() == 0 and TalkingPoint.select().count() == 0
        assert AgendaItem.get_by_id(item_id).status == "pending"


@pytest.mark.parametrize("who", ["supporter", "manager"])
def test_the_assigned_supporter_and_the_manager_run_and_close_a_meeting(people, login, running,
                                                                        who):
    meeting_id, item_id = running
    me = login(who)
    for method, url, body in write_requests(meeting_id, item_id):
        if body and "client_id" in body:
            body = {**body, "client_id": people["client"].id}
        response = getattr(me, method)(url, json=body)
        # start and cancel are refused only because the meeting is already under way
        expected = 409 if url.endswith(("/start", "/cancel")) else (201 if method == "post" and (
            url.endswith(("/actions", "/points")) or url == "/api/v1/meetings") else 200)
        assert response.status_code == expected, (method, url, response.get_json())
    with db.database.connection_context():
        assert Meeting.get_by_id(meeting_id).state == "closed"
        assert Note.get().state == "resolved"


def test_a_supporter_no_longer_assigned_loses_the_meeting(people, login, running):
    from companion.models import Assignment
    meeting_id, _item = running
    with db.database.connection_context():
        Assignment.update(ends_on=today() - timedelta(days=1)).execute()
    me = login("supporter")
    assert me.client.get(f"/api/v1/meetings/{meeting_id}").status_code == 404
    assert me.post(f"/api/v1/meetings/{meeting_id}/close").status_code == 404


def test_quiet_counts_from_the_last_note_even_when_it_was_already_discussed(people, login):
    sato = people["client"]
    note = write(sato, "もう話したこと", days_ago=20)
    with db.database.connection_context():
        Note.update(state="discussed").where(Note.id == note.id).execute()
        CheckIn.create(client=sato, day=today() - timedelta(days=90), mood=3, body=3, sleep=3)
    supporter = login("supporter")
    meeting = schedule(supporter, sato)
    quiet = [h for h in agenda(supporter, meeting["id"])["highlights"] if h["code"] == "quiet"]
    assert [(h["count"], h["message"]) for h in quiet] == [
        (20, "20日のあいだ、メモも今日の調子もありません。")]


def test_the_record_keeps_its_highlights_and_condition_when_check_ins_change(people, login):
    sato = people["client"]
    with db.database.connection_context():
        for ago in range(1, 5):
            CheckIn.create(client=sato, day=today() - timedelta(days=ago), mood=1, body=2, sleep=3)
    supporter = login("supporter")
    meeting = schedule(supporter, sato, days=0)
    started = supporter.post(f"/api/v1/meetings/{meeting['id']}/start", json={"confirm_early": True}).get_json()
    assert started["condition"]["scales"][0]["mean"] == 1.0
    assert "condition_drop" in [h["code"] for h in started["highlights"]]
    with db.database.connection_context():
        CheckIn.update(mood=5).execute()
    again = agenda(supporter, meeting["id"])
    assert again["condition"] == started["condition"] and again["highlights"] == started["highlights"]


def test_the_meeting_list_names_the_supporter_and_filters_by_state(people, login):
    supporter, me = login("supporter"), login("client")
    first = schedule(supporter, people["client"])
    schedule(supporter, people["client"], days=9)
    supporter.post(f"/api/v1/meetings/{first['id']}/cancel")
    mine = me.client.get("/api/v1/meetings").get_json()
    assert [m["supporter"]["display_name"] for m in mine] == ["supporter", "supporter"]
    listed = supporter.client.get(
        f"/api/v1/meetings?client_id={people['client'].id}&state=cancelled").get_json()
    assert [m["id"] for m in listed] == [first["id"]]
    assert supporter.client.get("/api/v1/meetings").status_code == 422


def test_bad_meeting_input_is_refused_with_field_messages(people, login):
    supporter = login("supporter")
    response = supporter.post("/api/v1/meetings", json={
        "client_id": people["client"].id, "scheduled_at": "1900-01-01T00:00:00Z", "mode": "phone"})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"scheduled_at", "mode"}
    meeting = schedule(supporter, people["client"])
    supporter.post(f"/api/v1/meetings/{meeting['id']}/start", json={"confirm_early": True})
    bad = supporter.post(f"/api/v1/meetings/{meeting['id']}/actions",
                         json={"text": "a\x00b", "owner": "boss"})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"text", "owner"}
    with db.database.connection_context():
        assert ActionItem.select().count() == 0
