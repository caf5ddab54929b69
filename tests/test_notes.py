"""The notes API: validation in both languages, idempotent create, who may see what, the access log."""
import threading
import uuid
from datetime import datetime, timedelta

import pytest

from companion.models import AccessLog, Note, utcnow
from conftest import Auth, in_english

WORRY = {"kind": "worry", "body": "最近、朝起きるのが辛くなってきた"}


def create(auth, **fields):
    """Create a note as auth and return its JSON."""
    response = auth.post("/api/v1/notes", json={**WORRY, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def field_errors(response):
    """The per-field messages of a 422 answer."""
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()["error"]
    assert body["code"] == "validation_error"
    return body["fields"]


# (what is sent, field, Japanese message, English message)
NOTE_RULES = [
    pytest.param({"kind": "worry"}, "body", "この項目を入れてください。",
                 "Please fill in this field.", id="body-required"),
    pytest.param({**WORRY, "body": None}, "body", "この項目を入れてください。",
                 "Please fill in this field.", id="body-null"),
    pytest.param({**WORRY, "body": "あ" * 1001}, "body", "1000文字以内にしてください。",
                 "Please use at most 1000 characters.", id="body-too-long"),
    pytest.param({**WORRY, "body": " \n\t\u3000"}, "body", "なにか書いてください。",
                 "Please write something.", id="body-whitespace-only"),
    pytest.param({**WORRY, "body": 5}, "body", "形が正しくありません。",
                 "Not in the right form.", id="body-not-text"),
    pytest.param({**WORRY, "body": "a\x00b"}, "body", "使えない文字が入っています。",
                 "This contains a character that can't be used.", id="body-nul"),
    pytest.param({"body": "x"}, "kind", "この項目を入れてください。",
                 "Please fill in this field.", id="kind-required"),
    pytest.param({**WORRY, "kind": "complaint"}, "kind", "えらべるものから選んでください。",
                 "Please choose one of the options.", id="bad-kind"),
    pytest.param({**WORRY, "topic": "money"}, "topic", "えらべるものから選んでください。",
                 "Please choose one of the options.", id="bad-topic"),
    pytest.param({**WORRY, "weight": "huge"}, "weight", "えらべるものから選んでください。",
                 "Please choose one of the options.", id="bad-weight"),
    pytest.param({**WORRY, "visibility": "public"}, "visibility",
                 "えらべるものから選んでください。", "Please choose one of the options.",
                 id="bad-visibility"),
    pytest.param({"kind": "win", "body": "できた", "weight": "urgent"}, "weight",
                 "重さは「困ったこと」だけにつけられます。",
                 "Only worries can have a weight.", id="weight-on-a-win"),
    pytest.param({**WORRY, "id": "not-a-uuid"}, "id", "IDの形が正しくありません。",
                 "Not a valid ID.", id="bad-uuid"),
    pytest.param({**WORRY, "written_at": "yesterday"}, "written_at", "日時の形が正しくありません。",
                 "Not a valid date and time.", id="bad-written-at"),
    pytest.param({**WORRY, "share_with_employer": "maybe"}, "share_with_employer",
                 "形が正しくありません。", "Not in the right form.", id="bad-boolean"),
    pytest.param({**WORRY, "mood": 3}, "mood", "この項目は使えません。",
                 "This field is not allowed.", id="unknown-field"),
]

QUERY_RULES = [
    pytest.param("month=2025-13", "month", "月は YYYY-MM の形で入れてください。",
                 "Enter the month as YYYY-MM.", id="bad-month"),
    pytest.param("month=0000-01", "month", "月は YYYY-MM の形で入れてください。",
                 "Enter the month as YYYY-MM.", id="year-zero"),
    pytest.param("kind=complaint", "kind", "えらべるものから選んでください。",
                 "Please choose one of the options.", id="bad-kind-filter"),
    pytest.param("state=lost", "state", "えらべるものから選んでください。",
                 "Please choose one of the options.", id="bad-state-filter"),
    pytest.param("sort=new", "sort", "この項目は使えません。",
                 "This field is not allowed.", id="unknown-filter"),
]


@pytest.mark.parametrize("sent, field, japanese, english", NOTE_RULES)
def test_invalid_note_is_refused_with_a_japanese_message_and_nothing_saved(
        people, auth, sent, field, japanese, english):
    auth.login("client")
    assert field_errors(auth.post("/api/v1/notes", json=sent))[field] == [japanese]
    assert Note.select().count() == 0


@pytest.mark.parametrize("sent, field, japanese, english", NOTE_RULES)
def test_invalid_note_is_refused_with_an_english_message_for_an_english_reader(
        people, auth, sent, field, japanese, english):
    in_english(people, "client")
    auth.login("client")
    assert field_errors(auth.post("/api/v1/notes", json=sent))[field] == [english]
    assert Note.select().count() == 0


@pytest.mark.parametrize("query, field, japanese, english", QUERY_RULES)
def test_bad_list_filter_is_refused_in_japanese(people, auth, client, query, field, japanese,
                                                 english):
    auth.login("client")
    assert field_errors(client.get("/api/v1/notes?" + query))[field] == [japanese]


@pytest.mark.parametrize("query, field, japanese, english", QUERY_RULES)
def test_bad_list_filter_is_refused_in_english(people, auth, client, query, field, japanese,
                                               english):
    in_english(people, "client")
    auth.login("client")
    assert field_errors(client.get("/api/v1/notes?" + query))[field] == [english]


def test_change_with_bad_values_is_refused_and_the_note_is_unchanged(people, auth):
    auth.login("client")
    note = create(auth)
    errors = field_errors(auth.patch(f"/api/v1/notes/{note['id']}",
                                     json={"body": "   ", "topic": "money"}))
    assert errors == {"body": ["なにか書いてください。"], "topic": ["えらべるものから選んでください。"]}
    assert Note.get_by_id(note["id"]).body == WORRY["body"]


def test_weight_cannot_be_put_on_a_win_by_changing_it_later(people, auth):
    auth.login("client")
    win = create(auth, kind="win", body="今月は遅刻せずに出勤できた")
    errors = field_errors(auth.patch(f"/api/v1/notes/{win['id']}", json={"weight": "urgent"}))
    assert errors == {"weight": ["重さは「困ったこと」だけにつけられます。"]}
    assert Note.get_by_id(win["id"]).weight is None


def test_weight_in_english_when_put_on_a_win_later(people, auth):
    in_english(people, "client")
    auth.login("client")
    win = create(auth, kind="win", body="I made it on time")
    errors = field_errors(auth.patch(f"/api/v1/notes/{win['id']}", json={"weight": "urgent"}))
    assert errors == {"weight": ["Only worries can have a weight."]}


def test_body_that_is_not_an_object_is_a_bad_request(people, auth):
    auth.login("client")
    response = auth.post("/api/v1/notes", json=["worry", "text"])
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_not_found_message_in_english(people, auth, client):
    in_english(people, "client")
    auth.login("client")
    response = client.get(f"/api/v1/notes/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "Page not found."


# --- creating, reading, changing --------------------------------------------------------

def test_new_worry_gets_defaults_an_id_and_both_times(people, auth):
    auth.login("client")
    note = create(auth)
    assert uuid.UUID(note["id"])
    assert note["weight"] == "small"
    assert note["visibility"] == "shared"
    assert note["share_with_employer"] is False
    assert note["agenda_choice"] == "raise"
    assert note["state"] == "open" and note["starred"] is False and note["urgent"] is False
    assert note["written_at"].endswith("Z") and note["received_at"].endswith("Z")
    assert note["client_id"] == people["client"].id


def test_for_employer_note_is_shared_with_the_employer_by_default(people, auth):
    auth.login("client")
    assert create(auth, kind="for_employer", body="休けいの時間を決めてほしい")[
        "share_with_employer"] is True
    assert create(auth, kind="win", body="できた")["share_with_employer"] is False


def test_device_time_is_kept_and_turned_into_utc(people, auth):
    auth.login("client")
    note = create(auth, written_at="2025-05-01T08:30:00+09:00")
    assert note["written_at"] == "2025-04-30T23:30:00Z"


def test_thousand_emoji_are_a_thousand_characters_not_bytes(people, auth, client):
    auth.login("client")
    body = "😀" * 1000
    assert len(body.encode()) == 4000
    note = create(auth, body=body)
    assert client.get(f"/api/v1/notes/{note['id']}").get_json()["body"] == body
    assert field_errors(auth.post("/api/v1/notes", json={**WORRY, "body": body + "😀"}))["body"]


def test_japanese_and_emoji_text_comes_back_unchanged(people, auth, client):
    auth.login("client")
    body = "上司の指示が分かりにくい時がある 😥\n👨‍👩‍👧 ｶﾀｶﾅ 𠮷野家"
    note = create(auth, body=body)
    assert client.get(f"/api/v1/notes/{note['id']}").get_json()["body"] == body


def test_client_changes_and_deletes_own_note(people, auth, client):
    auth.login("client")
    note = create(auth, topic="health")
    changed = auth.patch(f"/api/v1/notes/{note['id']}",
                         json={"body": "少し良くなった", "topic": None, "visibility": "private"})
    assert changed.status_code == 200
    data = changed.get_json()
    assert (data["body"], data["topic"], data["visibility"]) == ("少し良くなった", None, "private")
    assert auth.delete(f"/api/v1/notes/{note['id']}").status_code == 204
    assert client.get(f"/api/v1/notes/{note['id']}").status_code == 404
    assert client.get("/api/v1/notes").get_json() == []
    assert auth.delete(f"/api/v1/notes/{note['id']}").status_code == 404


def test_changing_a_worry_into_a_win_drops_its_weight_and_back_gives_small(people, auth):
    auth.login("client")
    note = create(auth, weight="urgent")
    url = f"/api/v1/notes/{note['id']}"
    win = auth.patch(url, json={"kind": "win"}).get_json()
    assert (win["weight"], win["urgent"]) == (None, False)
    assert auth.patch(url, json={"kind": "worry"}).get_json()["weight"] == "small"


def test_at_most_three_stars(people, auth):
    auth.login("client")
    notes = [create(auth, body=f"話したい {n}") for n in range(4)]
    for note in notes[:3]:
        assert auth.patch(f"/api/v1/notes/{note['id']}", json={"starred": True}).get_json()[
            "starred"] is True
    fourth = auth.patch(f"/api/v1/notes/{notes[3]['id']}", json={"starred": True})
    assert fourth.status_code == 409
    assert fourth.get_json()["error"]["message"] == "いちばん話したいことは3つまでです。"
    assert auth.patch(f"/api/v1/notes/{notes[0]['id']}", json={"starred": False}).status_code == 200
    assert auth.patch(f"/api/v1/notes/{notes[3]['id']}", json={"starred": True}).status_code == 200


def test_list_is_newest_first_and_filters_by_kind_topic_state_and_month(people, auth, client):
    auth.login("client")
    old = create(auth, topic="health", written_at="2025-04-10T09:00:00+09:00")
    new = create(auth, topic="workload", written_at="2025-05-10T09:00:00+09:00")
    win = create(auth, kind="win", body="できた", written_at="2025-05-11T09:00:00+09:00")
    Note.update(state="discussed").where(Note.id == old["id"]).execute()

    def ids(query=""):
        return [n["id"] for n in client.get("/api/v1/notes" + query).get_json()]

    assert ids() == [win["id"], new["id"], old["id"]]
    assert ids("?kind=worry") == [new["id"], old["id"]]
    assert ids("?topic=health") == [old["id"]]
    assert ids("?state=discussed") == [old["id"]]
    assert ids("?month=2025-05") == [win["id"], new["id"]]
    assert ids("?month=2025-05&kind=win") == [win["id"]]
    assert ids("?month=2025-06") == []


def test_month_filter_uses_the_clients_month_in_japan(people, auth, client):
    auth.login("client")
    # 08:00 on 1 May in Tokyo is still 30 April in UTC.
    note = create(auth, written_at="2025-05-01T08:00:00+09:00")
    assert [n["id"] for n in client.get("/api/v1/notes?month=2025-05").get_json()] == [note["id"]]
    assert client.get("/api/v1/notes?month=2025-04").get_json() == []


def test_own_client_id_is_accepted_and_another_is_not_found(people, auth, client):
    auth.login("client")
    create(auth)
    assert len(client.get(f"/api/v1/notes?client_id={people['client'].id}").get_json()) == 1
    assert client.get(f"/api/v1/notes?client_id={people['other_client'].id}").status_code == 404


def test_staff_must_say_which_client(people, auth, client):
    auth.login("supporter")
    assert field_errors(client.get("/api/v1/notes")) == {"client_id": ["この項目を入れてください。"]}


def test_writes_need_the_csrf_header(people, auth, client):
    auth.login("client")
    response = client.post("/api/v1/notes", json=WORRY)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert Note.select().count() == 0


def test_not_logged_in_is_401_json(people, client):
    response = client.get("/api/v1/notes")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


# --- idempotent create -----------------------------------------------------------------

def test_same_id_twice_stores_one_note_and_answers_200_with_the_stored_note(people, auth):
    auth.login("client")
    sent = {**WORRY, "id": str(uuid.uuid4()), "written_at": "2025-05-01T10:00:00+09:00"}
    first = auth.post("/api/v1/notes", json=sent)
    again = auth.post("/api/v1/notes", json=sent)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert Note.select().count() == 1


def test_retry_with_the_same_moment_in_another_offset_is_the_same_note(people, auth):
    auth.login("client")
    note_id = str(uuid.uuid4())
    auth.post("/api/v1/notes", json={**WORRY, "id": note_id,
                                     "written_at": "2025-05-01T10:00:00+09:00"})
    again = auth.post("/api/v1/notes", json={**WORRY, "id": note_id,
                                             "written_at": "2025-05-01T01:00:00Z"})
    assert again.status_code == 200
    assert Note.select().count() == 1


def test_uppercase_uuid_retry_is_the_same_note(people, auth):
    auth.login("client")
    note_id = uuid.uuid4()
    auth.post("/api/v1/notes", json={**WORRY, "id": str(note_id)})
    assert auth.post("/api/v1/notes", json={**WORRY, "id": str(note_id).upper()}).status_code == 200
    assert Note.select().count() == 1


def test_same_id_other_content_is_a_conflict_and_the_first_is_kept(people, auth):
    auth.login("client")
    note_id = str(uuid.uuid4())
    auth.post("/api/v1/notes", json={**WORRY, "id": note_id})
    response = auth.post("/api/v1/notes", json={**WORRY, "id": note_id, "body": "ちがう内容"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict"
    assert error["message"] == "このIDのメモは、ちがう内容でもう保存されています。"
    assert [n.body for n in Note.select()] == [WORRY["body"]]


def test_conflict_message_in_english(people, auth):
    in_english(people, "client")
    auth.login("client")
    note_id = str(uuid.uuid4())
    auth.post("/api/v1/notes", json={**WORRY, "id": note_id})
    response = auth.post("/api/v1/notes", json={**WORRY, "id": note_id, "body": "other"})
    assert response.get_json()["error"]["message"] == (
        "A note with this ID is already saved with different content.")


def test_another_clients_id_is_a_conflict_not_a_takeover(people, login_as):
    mine = create(login_as("client"), id=str(uuid.uuid4()))
    response = login_as("other_client").post("/api/v1/notes", json={**WORRY, "id": mine["id"]})
    assert response.status_code == 409
    assert Note.get_by_id(mine["id"]).client_id == people["client"].id
    assert Note.select().count() == 1


def test_retry_that_lost_the_race_for_its_id_gets_the_stored_note(people, auth, monkeypatch):
    """Two copies of one upload both find no note, then both insert: the loser answers 200."""
    auth.login("client")
    note_id = str(uuid.uuid4())
    real_get = Note.get_or_none
    calls = []

    def racing_get(*args, **kwargs):
        if not calls:  # the other copy inserts right after this lookup
            calls.append(1)
            Note.create(id=note_id, client=people["client"].id, written_at=utcnow(), **WORRY,
                        weight="small")
            return None
        return real_get(*args, **kwargs)

    monkeypatch.setattr(Note, "get_or_none", racing_get)
    response = auth.post("/api/v1/notes", json={**WORRY, "id": note_id})
    assert response.status_code == 200
    assert response.get_json()["id"] == note_id
    assert Note.select().count() == 1


def test_concurrent_retries_store_one_note(app, people):
    browsers = []
    for _ in range(4):
        browser = Auth(app.test_client())
        browser.login("client")
        browsers.append(browser)
    sent = {**WORRY, "id": str(uuid.uuid4())}
    start = threading.Barrier(len(browsers))
    statuses = []

    def upload(browser):
        start.wait()
        statuses.append(browser.post("/api/v1/notes", json=sent).status_code)

    threads = [threading.Thread(target=upload, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert Note.select().count() == 1


def test_retry_of_a_deleted_note_does_not_bring_it_back(people, auth):
    auth.login("client")
    note = create(auth, id=str(uuid.uuid4()))
    auth.delete(f"/api/v1/notes/{note['id']}")
    assert auth.post("/api/v1/notes", json={**WORRY, "id": note["id"]}).status_code == 409
    assert Note.get_by_id(note["id"]).deleted_at is not None


# --- who may see what ------------------------------------------------------------------

INTRUDERS = ["other_client", "other_supporter", "manager_b", "supporter_b", "client_b"]
NOTE_ROUTES = [
    ("get", "/api/v1/notes/{note}", None),
    ("patch", "/api/v1/notes/{note}", {"body": "書きかえ"}),
    ("delete", "/api/v1/notes/{note}", None),
    ("get", "/api/v1/notes?client_id={client}", None),
]


@pytest.mark.parametrize("intruder", INTRUDERS)
@pytest.mark.parametrize("method, url, body", NOTE_ROUTES)
def test_others_get_404_on_a_clients_notes(people, login_as, intruder, method, url, body):
    note = create(login_as("client"))
    url = url.format(note=note["id"], client=people["client"].id)
    browser = login_as(intruder)
    send = browser.client.get if method == "get" else getattr(browser, method)
    response = send(url, **({"json": body} if body else {}))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert Note.get_by_id(note["id"]).body == WORRY["body"]
    assert Note.get_by_id(note["id"]).deleted_at is None
    assert AccessLog.select().count() == 0


@pytest.mark.parametrize("staff", ["supporter", "manager"])
def test_staff_read_but_never_change_a_clients_notes(people, login_as, staff):
    note = create(login_as("client"))
    browser = login_as(staff)
    assert browser.client.get(f"/api/v1/notes/{note['id']}").status_code == 200
    listed = browser.client.get(f"/api/v1/notes?client_id={people['client'].id}").get_json()
    assert [n["id"] for n in listed] == [note["id"]]
    assert browser.patch(f"/api/v1/notes/{note['id']}", json={"body": "x"}).status_code == 404
    assert browser.delete(f"/api/v1/notes/{note['id']}").status_code == 404
    assert browser.post("/api/v1/notes", json=WORRY).status_code == 404
    assert Note.get_by_id(note["id"]).body == WORRY["body"]


def test_supporter_whose_assignment_ended_gets_404(people, login_as):
    from companion.models import Assignment, today
    note = create(login_as("client"))
    Assignment.update(ends_on=today() - timedelta(days=1)).execute()
    supporter = login_as("supporter")
    assert supporter.client.get(f"/api/v1/notes/{note['id']}").status_code == 404
    assert supporter.client.get(
        f"/api/v1/notes?client_id={people['client'].id}").status_code == 404


@pytest.mark.parametrize("staff", ["supporter", "manager"])
def test_private_notes_never_reach_staff(people, login_as, staff):
    me = login_as("client")
    shared = create(me, topic="health", written_at="2025-05-02T09:00:00+09:00")
    private = create(me, topic="health", visibility="private", body="ひみつ",
                     written_at="2025-05-03T09:00:00+09:00")
    browser = login_as(staff)
    base = f"/api/v1/notes?client_id={people['client'].id}"
    for query in ("", "&kind=worry", "&topic=health", "&state=open", "&month=2025-05"):
        listed = browser.client.get(base + query).get_json()
        assert [n["id"] for n in listed] == [shared["id"]], query
    assert browser.client.get(f"/api/v1/notes/{private['id']}").status_code == 404
    assert "ひみつ" not in browser.client.get(
        f"/clients/{people['client'].id}").get_data(as_text=True)
    # The client still sees both.
    assert len(me.client.get("/api/v1/notes").get_json()) == 2


def test_note_made_private_later_disappears_for_the_supporter(people, login_as):
    me = login_as("client")
    note = create(me)
    supporter = login_as("supporter")
    assert supporter.client.get(f"/api/v1/notes/{note['id']}").status_code == 200
    me.patch(f"/api/v1/notes/{note['id']}", json={"visibility": "private"})
    assert supporter.client.get(f"/api/v1/notes/{note['id']}").status_code == 404
    assert supporter.client.get(
        f"/api/v1/notes?client_id={people['client'].id}").get_json() == []


def test_urgent_worry_is_flagged_for_the_supporter(people, login_as):
    supporter = login_as("supporter")

    def flags():
        [row] = [r for r in supporter.client.get("/api/v1/caseload").get_json()
                 if r["client"]["id"] == people["client"].id]
        return [f["code"] for f in row["flags"]]
    assert "urgent_worry" not in flags()
    note = create(login_as("client"), weight="urgent", body="職場で倒れそう")
    seen = supporter.client.get(f"/api/v1/notes/{note['id']}").get_json()
    assert seen["urgent"] is True and seen["weight"] == "urgent"
    assert flags()[0] == "urgent_worry"  # first on the supporter's caseload


# --- the access log --------------------------------------------------------------------

@pytest.mark.parametrize("staff", ["supporter", "manager"])
def test_staff_reads_are_logged_with_who_which_client_what_and_when(people, login_as, staff):
    note = create(login_as("client"))
    browser = login_as(staff)
    before = utcnow() - timedelta(seconds=1)
    browser.client.get(f"/api/v1/notes?client_id={people['client'].id}")
    browser.client.get(f"/api/v1/notes/{note['id']}")
    rows = list(AccessLog.select().order_by(AccessLog.id))
    assert [(r.actor_id, r.client_id, r.what, r.target) for r in rows] == [
        (people[staff].id, people["client"].id, "notes", ""),
        (people[staff].id, people["client"].id, "note", note["id"]),
    ]
    assert all(before <= r.at <= utcnow() + timedelta(seconds=1) for r in rows)


def test_clients_own_reads_are_not_logged(people, auth, client):
    auth.login("client")
    note = create(auth)
    client.get("/api/v1/notes")
    client.get(f"/api/v1/notes/{note['id']}")
    assert AccessLog.select().count() == 0


def test_staff_reads_show_in_the_clients_access_log(people, login_as):
    people["supporter"].display_name = "山田 支援員"
    people["supporter"].save()
    me = login_as("client")
    note = create(me)
    login_as("supporter").client.get(f"/api/v1/notes/{note['id']}")
    page = me.client.get("/settings/access-log").get_data(as_text=True)
    assert "山田 支援員" in page and "メモ" in page
    other = login_as("other_client").client.get("/settings/access-log").get_data(as_text=True)
    assert "山田 支援員" not in other


def test_note_without_device_time_is_dated_when_received(people, auth):
    auth.login("client")
    note = create(auth)
    written = datetime.fromisoformat(note["written_at"].rstrip("Z"))
    received = datetime.fromisoformat(note["received_at"].rstrip("Z"))
    assert written == received
