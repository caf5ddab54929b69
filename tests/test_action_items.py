"""次までにやること between meetings, and starting a meeting on purpose."""
from datetime import timedelta

import pytest

from companion import db
from companion.agenda import action_outcomes
from companion.models import ActionItem, AgendaItem, Meeting, TalkingPoint, today, utcnow
from conftest import agenda, form, item_for, schedule, section, write


def decide(supporter, client, *texts, due=None):
    """A meeting held today that decided these actions and closed; their ids."""
    meeting = schedule(supporter, client)
    supporter.post(f"/api/v1/meetings/{meeting['id']}/start")
    ids = []
    for text in texts:
        response = supporter.post(f"/api/v1/meetings/{meeting['id']}/actions",
                                  json={"text": text, "owner": "client",
                                        **({"due": due.isoformat()} if due else {})})
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    assert supporter.post(f"/api/v1/meetings/{meeting['id']}/close").status_code == 200
    return ids


def review(supporter, client):
    """The next meeting, started: its 前回決めたこと items by text."""
    meeting = schedule(supporter, client, days=1)
    started = supporter.post(f"/api/v1/meetings/{meeting['id']}/start", json={"confirm_early": True})
    assert started.status_code == 200, started.get_json()
    return meeting["id"], {i["text"]: i for i in section(started.get_json(), "actions_review")}


def test_each_review_status_does_what_it_says_to_the_next_agenda(people, login):
    supporter, sato = login("supporter"), people["client"]
    decide(supporter, sato, "履歴書を書く", "主治医に相談する", "日記をつける", "朝に散歩する")
    meeting_id, items = review(supporter, sato)
    for text, status in (("履歴書を書く", "done"), ("主治医に相談する", "continue"),
                         ("日記をつける", "dropped")):
        response = supporter.patch(f"/api/v1/agenda-items/{items[text]['id']}",
                                   json={"status": status})
        assert response.status_code == 200 and response.get_json()["status"] == status
    supporter.post(f"/api/v1/meetings/{meeting_id}/close")
    with db.database.connection_context():
        stored = {a.text: (a.done, a.dropped, a.settled_at is not None) for a in ActionItem.select()}
    assert stored == {"履歴書を書く": (True, False, True), "主治医に相談する": (False, False, False),
                      "日記をつける": (False, True, True), "朝に散歩する": (False, False, False)}
    # できた and やめる are over; つづける and the one nobody looked at come back.
    _, items = review(supporter, sato)
    assert sorted(items) == ["主治医に相談する", "朝に散歩する"]


def test_an_action_takes_only_an_actions_statuses_and_a_note_only_a_notes(people, login):
    supporter, sato = login("supporter"), people["client"]
    decide(supporter, sato, "履歴書を書く")
    write(sato, "電話がこわい", days_ago=0)
    meeting_id, items = review(supporter, sato)
    action = items["履歴書を書く"]
    note = item_for(agenda(supporter, meeting_id), "電話がこわい")
    assert supporter.patch(f"/api/v1/agenda-items/{action['id']}",
                           json={"status": "resolved"}).status_code == 422
    refused = supporter.patch(f"/api/v1/agenda-items/{note['id']}", json={"status": "done"})
    assert refused.status_code == 422 and "status" in refused.get_json()["error"]["fields"]
    page = supporter.client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "つづける" in page and "やめる" in page


def test_action_outcomes_refuse_a_status_they_do_not_know():
    assert action_outcomes({1: "done", 2: "continue", 3: "dropped", 4: "pending"}) == {
        1: "done", 2: "open", 3: "dropped", 4: None}
    with pytest.raises(ValueError):
        action_outcomes({1: "resolved"})


def test_the_clients_dekita_on_home_shows_as_done_on_the_next_agenda(people, login):
    supporter, me, sato = login("supporter"), login("client"), people["client"]
    [action_id] = decide(supporter, sato, "上司にメモを頼む")
    home = me.client.get("/").get_data(as_text=True)
    assert "次までにやること" in home and "上司にメモを頼む" in home
    response = form(me, f"/actions/{action_id}/done", {"done": "1"}, "/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/#actions")
    assert "まだだった" in me.client.get("/").get_data(as_text=True)
    _, items = review(supporter, sato)
    assert items["上司にメモを頼む"]["done"] is True


def test_staff_tick_an_action_on_the_client_page_and_through_the_api(people, login):
    supporter, sato = login("supporter"), people["client"]
    [first, second] = decide(supporter, sato, "履歴書を書く", "主治医に相談する")
    page = f"/clients/{sato.id}"
    assert "履歴書を書く" in supporter.client.get(page).get_data(as_text=True)
    assert form(supporter, f"/actions/{first}/done", {"done": "1"}, page).status_code == 302
    ticked = supporter.patch(f"/api/v1/actions/{second}", json={"done": True})
    assert ticked.status_code == 200 and ticked.get_json()["done"] is True
    undone = supporter.patch(f"/api/v1/actions/{second}", json={"done": False})
    assert undone.get_json()["done"] is False
    listed = supporter.client.get(f"/api/v1/actions?client_id={sato.id}").get_json()
    assert {a["text"]: a["done"] for a in listed} == {"履歴書を書く": True, "主治医に相談する": False}


def test_nobody_else_ticks_my_action(people, login):
    supporter = login("supporter")
    [action_id] = decide(supporter, people["client"], "履歴書を書く")
    for name in ("other_client", "other_supporter", "supporter_b"):
        other = login(name)
        assert other.patch(f"/api/v1/actions/{action_id}", json={"done": True}).status_code == 404
    # The client ticks, but the words are the supporter's to change.
    me = login("client")
    assert me.patch(f"/api/v1/actions/{action_id}", json={"text": "ちがう"}).status_code == 422
    assert me.client.delete(f"/api/v1/actions/{action_id}", headers=me.headers()).status_code == 404


def test_an_overdue_action_is_marked_until_it_is_done(people, login):
    supporter, me = login("supporter"), login("client")
    [action_id] = decide(supporter, people["client"], "書類を出す")
    with db.database.connection_context():
        ActionItem.update(due=today() - timedelta(days=2)).where(ActionItem.id == action_id).execute()
    assert "期限をすぎています" in me.client.get("/").get_data(as_text=True)
    listed = me.client.get("/api/v1/actions").get_json()
    assert listed[0]["overdue"] is True
    me.patch(f"/api/v1/actions/{action_id}", json={"done": True})
    assert "期限をすぎています" not in me.client.get("/").get_data(as_text=True)


def test_actions_are_edited_and_deleted_only_in_the_meeting_that_decided_them(people, login):
    supporter, sato = login("supporter"), people["client"]
    meeting = schedule(supporter, sato)
    supporter.post(f"/api/v1/meetings/{meeting['id']}/start")
    made = supporter.post(f"/api/v1/meetings/{meeting['id']}/actions",
                          json={"text": "履歴書", "owner": "client"}).get_json()
    spare = supporter.post(f"/api/v1/meetings/{meeting['id']}/actions",
                           json={"text": "まちがい", "owner": "client"}).get_json()
    edited = supporter.patch(f"/api/v1/actions/{made['id']}",
                             json={"text": "履歴書を書く", "owner": "supporter", "due": "2027-01-10"})
    assert edited.status_code == 200 and edited.get_json()["owner"] == "supporter"
    page = f"/meetings/{meeting['id']}"
    assert "このやることを消す" in supporter.client.get(page).get_data(as_text=True)
    assert form(supporter, f"/actions/{spare['id']}", {"delete": "1"}, page).status_code == 302
    with db.database.connection_context():
        assert [a.text for a in ActionItem.select()] == ["履歴書を書く"]
    supporter.post(f"/api/v1/meetings/{meeting['id']}/close")
    late = supporter.patch(f"/api/v1/actions/{made['id']}", json={"text": "あとから"})
    assert late.status_code == 409
    assert supporter.client.delete(f"/api/v1/actions/{made['id']}",
                                   headers=supporter.headers()).status_code == 409


def test_a_settled_action_can_no_longer_be_ticked(people, login):
    supporter, sato = login("supporter"), people["client"]
    [action_id] = decide(supporter, sato, "履歴書を書く")
    meeting_id, items = review(supporter, sato)
    supporter.patch(f"/api/v1/agenda-items/{items['履歴書を書く']['id']}", json={"status": "dropped"})
    supporter.post(f"/api/v1/meetings/{meeting_id}/close")
    assert login("client").patch(f"/api/v1/actions/{action_id}",
                                 json={"done": True}).status_code == 409
    assert "履歴書を書く" not in login("client").client.get("/").get_data(as_text=True)


# --- starting on purpose -------------------------------------------------------------------

def test_starting_before_the_day_asks_first_through_the_api(people, login):
    supporter = login("supporter")
    meeting = schedule(supporter, people["client"], days=6)
    refused = supporter.post(f"/api/v1/meetings/{meeting['id']}/start")
    assert refused.status_code == 409
    assert "の予定です" in refused.get_json()["error"]["message"]
    with db.database.connection_context():
        assert Meeting.get_by_id(meeting["id"]).state == "scheduled"
        assert not AgendaItem.select().exists()
    started = supporter.post(f"/api/v1/meetings/{meeting['id']}/start", json={"confirm_early": True})
    assert started.status_code == 200 and started.get_json()["live"] is False


def test_starting_before_the_day_asks_first_on_the_page(people, login):
    supporter = login("supporter")
    meeting = schedule(supporter, people["client"], days=6)
    page = f"/meetings/{meeting['id']}"
    asked = form(supporter, f"{page}/start", {}, page)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "今日、この面談を始めますか" in html
    assert 'name="confirm_early" value="1"' in html
    with db.database.connection_context():
        assert Meeting.get_by_id(meeting["id"]).state == "scheduled"
    assert form(supporter, f"{page}/start", {"confirm_early": "1"}, page).status_code == 302
    with db.database.connection_context():
        assert Meeting.get_by_id(meeting["id"]).state == "in_progress"


def test_a_meeting_on_its_day_starts_without_asking(people, login):
    supporter = login("supporter")
    meeting = schedule(supporter, people["client"])
    page = f"/meetings/{meeting['id']}"
    assert form(supporter, f"{page}/start", {}, page).status_code == 302
    with db.database.connection_context():
        assert Meeting.get_by_id(meeting["id"]).state == "in_progress"


def test_a_mistaken_start_is_put_back_while_nothing_is_recorded(people, login):
    supporter, sato = login("supporter"), people["client"]
    note = write(sato, "電話がこわい", days_ago=1)
    with db.database.connection_context():
        # A certificate ending soon: the start adds a system point, which must go again.
        from companion.models import ClientProfile
        ClientProfile.update(certificate_valid_to=today() + timedelta(days=20)).where(
            ClientProfile.user == sato.id).execute()
    supporter.post(f"/api/v1/meetings/{schedule(supporter, sato)['id']}/points",
                   json={"text": "通勤の様子"})
    with db.database.connection_context():
        meeting = Meeting.get()
    page = f"/meetings/{meeting.id}"
    supporter.post(f"/api/v1/meetings/{meeting.id}/start")
    assert "予定にもどす" in supporter.client.get(page).get_data(as_text=True)
    back = form(supporter, f"{page}/unstart", {}, page)
    assert back.status_code == 302
    with db.database.connection_context():
        meeting = Meeting.get_by_id(meeting.id)
        assert (meeting.state, meeting.started_at) == ("scheduled", None)
        assert not AgendaItem.select().exists()
        assert [(p.text, p.meeting_id) for p in TalkingPoint.select()] == [("通勤の様子", None)]
    live = agenda(supporter, meeting.id)
    assert live["live"] is True and item_for(live, "電話がこわい")["note_id"] == note.id
    assert item_for(live, "通勤の様子")["point_id"]


@pytest.mark.parametrize("recorded", ["status", "outcome", "action", "point"])
def test_a_started_meeting_with_anything_recorded_is_not_put_back(people, login, recorded):
    supporter, sato = login("supporter"), people["client"]
    write(sato, "電話がこわい", days_ago=1)
    meeting = schedule(supporter, sato)
    base = f"/api/v1/meetings/{meeting['id']}"
    frozen = supporter.post(f"{base}/start").get_json()
    item = item_for(frozen, "電話がこわい")
    if recorded == "status":
        supporter.patch(f"/api/v1/agenda-items/{item['id']}", json={"status": "discussed"})
    elif recorded == "outcome":
        supporter.patch(f"/api/v1/agenda-items/{item['id']}", json={"outcome": "メモにする"})
    elif recorded == "action":
        supporter.post(f"{base}/actions", json={"text": "メモ帳を買う", "owner": "client"})
    else:
        supporter.post(f"{base}/points", json={"text": "通勤の様子"})
    refused = supporter.post(f"{base}/unstart")
    assert refused.status_code == 409 and "もう記録があります" in refused.get_json()["error"]["message"]
    assert "予定にもどす" not in supporter.client.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    with db.database.connection_context():
        assert Meeting.get_by_id(meeting["id"]).state == "in_progress"


def test_meeting_lists_and_reports_show_when_it_began_and_ended(people, login):
    supporter, sato = login("supporter"), people["client"]
    write(sato, "電話がこわい", days_ago=1, share_with_employer=True)
    meeting = schedule(supporter, sato)
    frozen = supporter.post(f"/api/v1/meetings/{meeting['id']}/start").get_json()
    supporter.patch(f"/api/v1/agenda-items/{item_for(frozen, '電話がこわい')['id']}",
                    json={"status": "discussed"})
    supporter.post(f"/api/v1/meetings/{meeting['id']}/close")
    listing = supporter.client.get(f"/clients/{sato.id}/meetings").get_data(as_text=True)
    assert "始めた" in listing and "終えた" in listing
    records = login("client").client.get("/records").get_data(as_text=True)
    assert "予定" in records and "始めた" in records and "終えた" in records
    month = (utcnow() + timedelta(hours=9)).strftime("%Y-%m")  # the month in Japan
    data = supporter.client.get(f"/api/v1/clients/{sato.id}/reports/{month}").get_json()
    held = data["meetings"][0]
    assert held["scheduled_at"] and held["closed_at"] and held["held_at"]


def test_the_client_ticks_their_own_actions_and_reads_the_others(people, login):
    supporter, me, sato = login("supporter"), login("client"), people["client"]
    meeting = schedule(supporter, sato)
    supporter.post(f"/api/v1/meetings/{meeting['id']}/start")
    theirs = supporter.post(f"/api/v1/meetings/{meeting['id']}/actions",
                            json={"text": "会社に相談する", "owner": "supporter"}).get_json()
    supporter.post(f"/api/v1/meetings/{meeting['id']}/close")
    home = me.client.get("/").get_data(as_text=True)
    assert "会社に相談する" in home and f"/actions/{theirs['id']}/done" not in home
    refused = me.patch(f"/api/v1/actions/{theirs['id']}", json={"done": True})
    assert refused.status_code == 409
    assert supporter.patch(f"/api/v1/actions/{theirs['id']}", json={"done": True}).status_code == 200
