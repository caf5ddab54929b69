"""The meeting screens: Home, caseload, scheduling forms, the meeting page, Prepare, chart, print."""
import re
from datetime import datetime, timedelta

import pytest

from companion import db
from companion.models import AccessLog, ActionItem, AgendaItem, CheckIn, Meeting, Note, User, today
from conftest import agenda, form, schedule, write


def test_live_agenda_page_and_api_show_the_same_items(people, login):
    sato = people["client"]
    write(sato, "同僚との会話で緊張する", topic="relationships")
    write(sato, "新しい業務を覚えられた", kind="win")
    supporter = login("supporter")
    meeting = schedule(supporter, sato)
    data = agenda(supporter, meeting["id"])
    page = supporter.client.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    for s in data["sections"]:
        assert s["title"] in page
        for item in s["items"]:
            assert item["text"] in page


def test_condition_chart_is_an_svg_readable_without_colour_with_a_text_version(people, login):
    sato = people["client"]
    with db.database.connection_context():
        for ago in range(1, 11):
            CheckIn.create(client=sato, day=today() - timedelta(days=ago), mood=2 + ago % 3,
                           body=3, sleep=4)
    supporter = login("supporter")
    meeting = schedule(supporter, sato)
    page = supporter.client.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    svg = page[page.index("<svg class=\"condition-chart\""):page.index("</svg>") + 6]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert 'stroke-dasharray="8 5"' in svg and 'stroke-dasharray="2 4"' in svg
    assert "<circle" in svg and "<rect" in svg and "<polygon" in svg
    assert "style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "condition-table" in page and "日ごとの数字を見る" in page


def test_meeting_pages_print_on_a4_with_a_script_free_print_button(people, login, client):
    supporter = login("supporter")
    meeting = schedule(supporter, people["client"])
    page = supporter.client.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    assert "data-print" in page and "print.js" in page
    css = client.get("/static/style.css").get_data(as_text=True)
    assert "@page" in css and "A4" in css
    assert "window.print" in client.get("/static/print.js").get_data(as_text=True)


def test_client_home_shows_the_next_meeting_with_days_left(people, login):
    supporter, me = login("supporter"), login("client")
    home = me.client.get("/").get_data(as_text=True)
    assert "まだ決まっていません" in home
    schedule(supporter, people["client"], days=5, mode="online")
    home = me.client.get("/").get_data(as_text=True)
    assert "あと5日" in home and "オンライン" in home and "/prepare" in home


def test_supporter_home_lists_clients_with_urgent_first_and_the_next_meeting(people, login):
    write(people["client"], "薬を飲み忘れた", weight="urgent")
    supporter = login("supporter")
    schedule(supporter, people["client"], days=3)
    page = supporter.client.get("/").get_data(as_text=True)
    assert "佐藤 みのり" in page and "あと3日" in page and "needs-attention" in page
    manager = login("manager")
    page = manager.client.get("/caseload").get_data(as_text=True)
    assert "佐藤 みのり" in page and "other-client" in page


def test_schedule_reschedule_and_cancel_with_forms(people, login):
    supporter = login("supporter")
    sato = people["client"]
    url = f"/clients/{sato.id}/meetings"
    day = (today() + timedelta(days=10)).isoformat()
    response = form(supporter, url, {"date": day, "time": "14:30", "mode": "workplace_visit"}, url)
    assert response.status_code == 302
    with db.database.connection_context():
        meeting = Meeting.get()
    assert meeting.scheduled_at == datetime.fromisoformat(day + "T05:30")  # 14:30 in Japan
    assert meeting.mode == "workplace_visit"
    bad = form(supporter, url, {"date": "not a day", "time": "14:30"}, url)
    assert bad.status_code == 422 and "日付の形が正しくありません" in bad.get_data(as_text=True)
    edit = f"/meetings/{meeting.id}/edit"
    form(supporter, edit, {"date": day, "time": "09:00", "mode": "online"}, edit)
    with db.database.connection_context():
        assert Meeting.get().scheduled_at == datetime.fromisoformat(day)  # 09:00 in Japan
    page = f"/meetings/{meeting.id}"
    form(supporter, f"/meetings/{meeting.id}/cancel", {}, page)
    with db.database.connection_context():
        assert Meeting.get().state == "cancelled"
    again = form(supporter, f"/meetings/{meeting.id}/start", {}, url)
    assert again.status_code == 302
    with db.database.connection_context():
        assert Meeting.get().state == "cancelled"


def test_run_a_meeting_with_the_page_forms(people, login):
    sato = people["client"]
    note = write(sato, "休けい中の雑談がつらい", topic="relationships")
    supporter = login("supporter")
    meeting = schedule(supporter, sato, days=0)
    page = f"/meetings/{meeting['id']}"
    assert form(supporter, f"{page}/start", {}, page).status_code == 302
    with db.database.connection_context():
        item = AgendaItem.get(AgendaItem.note == note.id)
    form(supporter, f"/agenda-items/{item.id}", {"status": "resolved", "outcome": "昼は一人で休む"}, page)
    bad = form(supporter, f"{page}/actions", {"text": " ", "owner": "client"}, page)
    assert bad.status_code == 422 and "この項目を入れてください" in bad.get_data(as_text=True)
    form(supporter, f"{page}/actions", {"text": "休けい場所を探す", "owner": "client",
                                         "due": (today() + timedelta(days=7)).isoformat()}, page)
    form(supporter, f"{page}/summary", {"summary": "雑談は無理をしない"}, page)
    html = supporter.client.get(page).get_data(as_text=True)
    assert "休けい場所を探す" in html and "昼は一人で休む" in html and "雑談は無理をしない" in html
    form(supporter, f"{page}/close", {}, page)
    with db.database.connection_context():
        assert Meeting.get().state == "closed" and Note.get().state == "resolved"


def test_a_fourth_star_is_refused_on_the_prepare_page(people, login):
    notes = [write(people["client"], f"こまったこと{n}") for n in range(4)]
    me = login("client")
    for note in notes:
        response = form(me, f"/prepare/notes/{note.id}", {"starred": "true"}, "/prepare")
    page = me.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3つまで" in page
    with db.database.connection_context():
        assert Note.select().where(Note.starred_at.is_null(False)).count() == 3


def test_staff_opening_an_agenda_or_meeting_is_logged(people, login):
    supporter, me = login("supporter"), login("client")
    meeting = schedule(supporter, people["client"])
    supporter.client.get(f"/api/v1/meetings/{meeting['id']}/agenda")
    supporter.client.get(f"/meetings/{meeting['id']}")
    me.client.get(f"/meetings/{meeting['id']}")
    with db.database.connection_context():
        logged = [(r.what, r.target, r.actor_id) for r in AccessLog.select().order_by(AccessLog.id)]
    supporter_id = people["supporter"].id
    assert logged == [("agenda", str(meeting["id"]), supporter_id),
                      ("meeting", str(meeting["id"]), supporter_id)]


def test_prepare_has_furigana_for_a_client_who_asked_for_it(people, login):
    write(people["client"], "同僚との会話で緊張する")
    with db.database.connection_context():
        User.update(furigana=True).where(User.id == people["client"].id).execute()
    page = login("client").client.get("/prepare").get_data(as_text=True)
    assert "<ruby>面談<rp>(</rp><rt>めんだん</rt>" in page
    assert "<title>面談のじゅんび" in page


def test_actions_and_points_added_from_an_item_show_under_it_without_javascript(people, login):
    sato = people["client"]
    note = write(sato, "指示が一度にたくさん来る")
    supporter = login("supporter")
    meeting = schedule(supporter, sato, days=0)
    page = f"/meetings/{meeting['id']}"
    form(supporter, f"{page}/start", {}, page)
    with db.database.connection_context():
        item = AgendaItem.get(AgendaItem.note == note.id)
    # An empty one is refused inside that item's own form, opened, with the field marked.
    bad = form(supporter, f"{page}/actions", {"text": "", "owner": "client",
                                               "from_item_id": str(item.id)}, page)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    here = html[html.index(f'id="item-{item.id}"'):]
    here = here[:here.index("</li>")]
    assert "<details class=\"item-add no-print\" open>" in here
    assert f'id="action-text-from-{item.id}"' in here and 'aria-invalid="true"' in here
    form(supporter, f"{page}/actions", {"text": "指示をメモでもらう", "owner": "client",
                                         "from_item_id": str(item.id)}, page)
    form(supporter, f"{page}/points", {"text": "来月も様子を聞く", "from_item_id": str(item.id)}, page)
    html = supporter.client.get(page).get_data(as_text=True)
    linked = html[html.index(f'id="linked-{item.id}"'):]
    linked = linked[:linked.index("</ul>")]
    assert "指示をメモでもらう" in linked and "来月も様子を聞く" in linked
    assert "「指示が一度にたくさん来る」から" in html
    form(supporter, f"{page}/close", {}, page)
    record = supporter.client.get(page).get_data(as_text=True)
    assert "指示をメモでもらう" in record[record.index(f'id="linked-{item.id}"'):]


def test_an_item_of_another_meeting_is_refused_as_the_origin(people, login):
    sato = people["client"]
    write(sato, "朝がつらい")
    supporter = login("supporter")
    first = schedule(supporter, sato, days=0)
    supporter.post(f"/api/v1/meetings/{first['id']}/start", json={})
    item_id = next(i["id"] for s in agenda(supporter, first["id"])["sections"] for i in s["items"])
    supporter.post(f"/api/v1/meetings/{first['id']}/close", json={})
    second = schedule(supporter, sato, days=1)
    early = supporter.post(f"/api/v1/meetings/{second['id']}/points",
                           json={"text": "聞きたいこと", "from_item_id": item_id})
    assert early.status_code == 422 and "from_item_id" in early.get_json()["error"]["fields"]
    supporter.post(f"/api/v1/meetings/{second['id']}/start", json={"confirm_early": True})
    for path, body in (("actions", {"text": "やること", "owner": "client"}), ("points", {"text": "点"})):
        answer = supporter.post(f"/api/v1/meetings/{second['id']}/{path}",
                                json={**body, "from_item_id": item_id})
        assert answer.status_code == 422, path
        assert "from_item_id" in answer.get_json()["error"]["fields"]
    with db.database.connection_context():
        assert not ActionItem.select().where(ActionItem.meeting == second["id"]).exists()
    ok = supporter.post(f"/api/v1/meetings/{second['id']}/actions",
                        json={"text": "やること", "owner": "client", "from_item_id": None})
    assert ok.status_code == 201 and ok.get_json()["from_item_id"] is None


@pytest.mark.parametrize("data", [{"agenda_choice": "shout"}, {"starred": "maybe"}])
def test_a_prepare_choice_that_cant_be_read_is_refused_and_changes_nothing(people, login, data):
    sato = people["client"]
    note = write(sato, "上司の指示が分かりにくい")
    me = login("client")
    response = form(me, f"/prepare/notes/{note.id}", data, "/prepare")
    assert response.status_code == 302
    page = me.client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-error"' in page
    with db.database.connection_context():
        stored = Note.get_by_id(note.id)
    assert (stored.agenda_choice, stored.starred_at) == ("raise", None)
