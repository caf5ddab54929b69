"""The client's screens without JavaScript: Write, the urgent page, My notes, and the client page."""
import re
import uuid
from html.parser import HTMLParser

import pytest

from companion.models import AccessLog, ClientProfile, Note
from conftest import form_token, in_english

NASTY = '<script>alert(1)</script><img src=x onerror=alert(1)>'


class FormReader(HTMLParser):
    """What a browser without JavaScript would send for the form on a page, as it stands."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields, self.textarea = form_id, False, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.fields.append([attrs["name"], attrs.get("value", "on")])
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
            self.fields.append(self.textarea)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def browser_form(html, form_id="write-form", **changes):
    """The fields a browser submits from a page's form, with some filled in by the person."""
    reader = FormReader(form_id)
    reader.feed(html)
    fields = dict(reader.fields)
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def write(browser, **changes):
    """Open Write (?kind=...) and submit it as a browser would, with JavaScript off."""
    kind = changes.pop("start_kind", "worry")
    html = browser.client.get(f"/notes/new?kind={kind}").get_data(as_text=True)
    return browser.client.post("/notes/new", data=browser_form(html, **changes))


def page(browser, url):
    """A page's HTML."""
    response = browser.client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- Write -----------------------------------------------------------------------------

def test_write_is_a_plain_form_with_body_and_kind_radios(people, login_as):
    html = page(login_as("client"), "/notes/new?kind=win")
    assert re.search(r'<form method="post"[^>]*id="write-form"', html)
    assert '<textarea id="body" name="body"' in html
    assert re.search(r'<input type="radio" name="kind" value="win" checked>', html)
    assert re.search(r'<input type="radio" name="kind" value="worry">', html)
    assert re.search(r'name="id" value="[0-9a-f-]{36}"', html)
    assert 'name="csrf_token"' in html


def test_write_shows_the_articles_example_sentences(people, login_as):
    html = page(login_as("client"), "/notes/new?kind=worry")
    assert "最近、朝起きるのが辛くなってきた" in html


def test_home_to_a_saved_worry_is_two_taps_plus_typing(people, login_as):
    me = login_as("client")
    home = page(me, "/")
    assert 'href="/notes/new?kind=worry"' in home and 'href="/notes/new?kind=win"' in home
    response = write(me, body="同僚との会話で緊張する")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "保存しました" in page(me, "/")
    note = Note.get()
    assert (note.kind, note.body, note.weight, note.client_id) == (
        "worry", "同僚との会話で緊張する", "small", people["client"].id)


def test_minimal_post_of_body_kind_and_csrf_saves(people, login_as):
    me = login_as("client")
    token = form_token(page(me, "/notes/new"))
    response = me.client.post("/notes/new", data={"body": "できた!", "kind": "win",
                                                  "csrf_token": token})
    assert response.status_code == 302
    assert Note.get().kind == "win" and Note.get().weight is None


@pytest.mark.parametrize("kind", ["win", "goal", "challenge", "for_employer"])
def test_other_kinds_save_from_the_form_as_the_browser_sends_it(people, login_as, kind):
    """The weight radios always send 'small'; for a kind that is not a worry it means nothing."""
    me = login_as("client")
    response = write(me, start_kind=kind, body="新しい業務を覚えられた")
    assert response.status_code == 302, response.get_data(as_text=True)
    note = Note.get()
    assert (note.kind, note.weight) == (kind, None)
    assert note.share_with_employer is (kind == "for_employer")


def test_topic_weight_private_and_employer_choices_are_saved(people, login_as):
    me = login_as("client")
    write(me, body="指示が分かりにくい", topic="workload", weight="medium", private="on",
          share_with_employer="on")
    note = Note.get()
    assert (note.topic, note.weight, note.visibility, note.share_with_employer) == (
        "workload", "medium", "private", True)


def test_double_submit_of_one_form_keeps_one_note(people, login_as):
    me = login_as("client")
    html = page(me, "/notes/new")
    fields = browser_form(html, body="上司の指示が分かりにくい時がある")
    first = me.client.post("/notes/new", data=fields)
    second = me.client.post("/notes/new", data=fields)
    assert (first.status_code, second.status_code) == (302, 302)
    assert Note.select().count() == 1


def test_whitespace_only_text_is_refused_and_the_choices_are_kept(people, login_as):
    me = login_as("client")
    response = write(me, body="  \u3000\n", topic="health", private="on")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "なにか書いてください。" in html and "入力を確かめてください。" in html
    assert 'value="health" checked' in html
    assert re.search(r'name="private" checked', html)
    assert Note.select().count() == 0


def test_too_long_text_is_refused_and_kept_for_fixing(people, login_as):
    me = login_as("client")
    response = write(me, body="あ" * 1001)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "1000文字以内にしてください。" in html and "あ" * 1001 in html
    assert Note.select().count() == 0


def test_form_errors_in_english(people, login_as):
    in_english(people, "client")
    me = login_as("client")
    response = write(me, body="   ")
    html = response.get_data(as_text=True)
    assert "Please write something." in html and "Please check what you entered." in html


def test_thousand_emoji_are_accepted_from_the_form(people, login_as):
    me = login_as("client")
    assert write(me, body="🙂" * 1000).status_code == 302
    assert Note.get().body == "🙂" * 1000


def test_textarea_does_not_cut_emoji_text_short(people, login_as):
    """A browser's maxlength counts UTF-16 units: 1000 emoji are 2000 of them."""
    html = page(login_as("client"), "/notes/new")
    limit = re.search(r'<textarea[^>]*maxlength="(\d+)"', html)
    assert limit is None or int(limit.group(1)) >= 2000


def test_write_needs_a_login(people, client):
    response = client.get("/notes/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- urgent ----------------------------------------------------------------------------

def test_urgent_worry_shows_office_phone_and_says_the_supporter_was_told(people, login_as):
    me = login_as("client")
    response = write(me, body="今日はもう職場にいられない", weight="urgent")
    note = Note.get()
    assert response.headers["Location"] == f"/notes/{note.id}/urgent"
    html = page(me, response.headers["Location"])
    assert "03-1111-2222" in html and 'href="tel:0311112222"' in html
    # It says what really happens: a mark on the supporter's screen, no message sent.
    assert "「すぐ相談したい」の印がつきます" in html and "知らせました" not in html
    assert 'class="button primary phone big-call"' in html
    seen = login_as("supporter").client.get(f"/api/v1/notes/{note.id}").get_json()
    assert seen["urgent"] is True


def test_urgent_page_falls_back_to_the_offices_phone(people, login_as):
    ClientProfile.update(office_phone="").where(
        ClientProfile.user == people["client"].id).execute()
    me = login_as("client")
    response = write(me, body="つらい", weight="urgent")
    assert "03-0000-0001" in page(me, response.headers["Location"])


def test_urgent_page_in_english(people, login_as):
    in_english(people, "client")
    me = login_as("client")
    response = write(me, body="I can't stay at work today", weight="urgent")
    html = page(me, response.headers["Location"])
    assert "a “needs to talk soon” mark" in html and "03-1111-2222" in html
    assert "has been told" not in html


def test_a_small_worry_goes_home_not_to_the_urgent_page(people, login_as):
    response = write(login_as("client"), body="少し気になる")
    assert response.headers["Location"] == "/"


# --- markup stays text -----------------------------------------------------------------

def test_markup_in_a_note_is_shown_as_text_everywhere(people, login_as):
    me = login_as("client")
    write(me, body=NASTY, weight="urgent")
    note = Note.get()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    pages = [page(me, "/notes"), page(me, f"/notes/{note.id}/edit"),
             page(me, f"/notes/{note.id}/delete"),
             page(login_as("supporter"), f"/clients/{people['client'].id}")]
    for html in pages:
        assert escaped in html
        assert "<script>alert" not in html and "<img src=x" not in html


def test_markup_in_a_checkin_comment_is_shown_as_text(people, login_as):
    me = login_as("client")
    from companion.models import today
    me.put(f"/api/v1/checkins/{today().isoformat()}", json={"mood": 2, "comment": NASTY[:60]})
    html = page(login_as("supporter"), f"/clients/{people['client'].id}")
    assert "&lt;script&gt;" in html and "<script>alert" not in html


# --- My notes --------------------------------------------------------------------------

def add(browser, body, when, **fields):
    """Create a note through the API with a device time."""
    response = browser.post("/api/v1/notes", json={"kind": "worry", "body": body,
                                                   "written_at": when, **fields})
    assert response.status_code == 201
    return response.get_json()["id"]


def test_my_notes_by_month_newest_first(people, login_as):
    me = login_as("client")
    add(me, "四月のメモ", "2025-04-20T12:00:00+09:00")
    add(me, "五月はじめ", "2025-05-01T08:00:00+09:00")  # still April in UTC
    add(me, "五月なかば", "2025-05-15T12:00:00+09:00")
    html = page(me, "/notes")
    assert html.index("2025年5月") < html.index("2025年4月")
    assert html.index("五月なかば") < html.index("五月はじめ")
    assert "四月のメモ" not in html
    april = page(me, "/notes?month=2025-04")
    assert "四月のメモ" in april and "五月" not in april.split("</nav>")[1]


def test_my_notes_empty_state_gives_an_example(people, login_as):
    html = page(login_as("client"), "/notes")
    assert "まだメモはありません。" in html and "最近、朝起きるのが辛くなってきた" in html


def test_edit_changes_the_text_and_can_clear_the_topic(people, login_as):
    me = login_as("client")
    note_id = add(me, "もとの文", "2025-05-01T12:00:00+09:00", topic="health")
    html = page(me, f"/notes/{note_id}/edit")
    assert "もとの文" in html and 'value="health" checked' in html
    response = me.client.post(f"/notes/{note_id}/edit",
                              data=browser_form(html, body="なおした文", topic=""))
    assert response.status_code == 302
    note = Note.get_by_id(note_id)
    assert (note.body, note.topic) == ("なおした文", None)


def test_edit_a_win_as_the_browser_sends_it(people, login_as):
    me = login_as("client")
    note_id = add(me, "できた", "2025-05-01T12:00:00+09:00", kind="win", weight=None)
    html = page(me, f"/notes/{note_id}/edit")
    response = me.client.post(f"/notes/{note_id}/edit",
                              data=browser_form(html, body="ちゃんとできた"))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert Note.get_by_id(note_id).body == "ちゃんとできた"


def test_edit_with_empty_text_is_refused_and_nothing_changes(people, login_as):
    me = login_as("client")
    note_id = add(me, "もとの文", "2025-05-01T12:00:00+09:00")
    html = page(me, f"/notes/{note_id}/edit")
    response = me.client.post(f"/notes/{note_id}/edit", data=browser_form(html, body=" "))
    assert response.status_code == 422
    assert Note.get_by_id(note_id).body == "もとの文"


def test_delete_asks_first_then_offers_undo(people, login_as):
    me = login_as("client")
    note_id = add(me, "消すメモ", "2025-05-01T12:00:00+09:00")
    confirm = page(me, f"/notes/{note_id}/delete")
    assert "このメモを消しますか?" in confirm and "消すメモ" in confirm
    assert Note.get_by_id(note_id).deleted_at is None
    response = me.client.post(f"/notes/{note_id}/delete",
                              data={"csrf_token": form_token(confirm)})
    assert response.status_code == 302
    listing = page(me, "/notes")
    assert "メモを消しました。" in listing and "消すメモ" not in listing
    assert me.client.get(f"/api/v1/notes/{note_id}").status_code == 404
    undo = re.search(r'action="(/notes/[^"]+/restore)"', listing).group(1)
    me.client.post(undo, data={"csrf_token": form_token(listing)})
    assert "消すメモ" in page(me, "/notes")
    assert Note.get_by_id(note_id).deleted_at is None


def test_deleting_a_discussed_note_says_the_record_keeps_its_copy(people, login_as):
    me = login_as("client")
    note_id = add(me, "話したメモ", "2025-05-01T12:00:00+09:00")
    Note.update(state="discussed").where(Note.id == note_id).execute()
    assert "面談の記録には、そのときの内容が残ります" in page(me, f"/notes/{note_id}/delete")


def test_private_and_employer_toggles(people, login_as):
    me = login_as("client")
    note_id = add(me, "切りかえ", "2025-05-01T12:00:00+09:00")
    supporter = login_as("supporter")
    token = form_token(page(me, "/notes"))
    me.client.post(f"/notes/{note_id}/toggle/private", data={"csrf_token": token})
    assert Note.get_by_id(note_id).visibility == "private"
    assert supporter.client.get(f"/api/v1/notes/{note_id}").status_code == 404
    assert 'role="switch" aria-checked="false">' in page(me, "/notes")
    me.client.post(f"/notes/{note_id}/toggle/private", data={"csrf_token": token})
    assert Note.get_by_id(note_id).visibility == "shared"
    assert supporter.client.get(f"/api/v1/notes/{note_id}").status_code == 200
    me.client.post(f"/notes/{note_id}/toggle/employer", data={"csrf_token": token})
    assert Note.get_by_id(note_id).share_with_employer is True
    me.client.post(f"/notes/{note_id}/toggle/employer", data={"csrf_token": token})
    assert Note.get_by_id(note_id).share_with_employer is False


def test_my_notes_show_kind_and_topic_badges(people, login_as):
    me = login_as("client")
    add(me, "バッジ", "2025-05-01T12:00:00+09:00", topic="relationships", weight="urgent")
    html = page(me, "/notes")
    assert "困ったこと" in html and "まわりの人との関係" in html and "すぐ相談したい" in html


# --- who may reach the pages -----------------------------------------------------------

NOTE_PAGES = [("get", "/notes/{note}/edit"), ("post", "/notes/{note}/edit"),
              ("get", "/notes/{note}/delete"), ("post", "/notes/{note}/delete"),
              ("post", "/notes/{note}/toggle/private"), ("post", "/notes/{note}/toggle/employer"),
              ("get", "/notes/{note}/urgent")]


@pytest.mark.parametrize("intruder", ["other_client", "supporter", "other_supporter",
                                      "manager", "manager_b", "client_b"])
@pytest.mark.parametrize("method, url", NOTE_PAGES)
def test_others_get_404_on_a_clients_note_pages(people, login_as, intruder, method, url):
    note_id = add(login_as("client"), "わたしのメモ", "2025-05-01T12:00:00+09:00")
    browser = login_as(intruder)
    url = url.format(note=note_id)
    if method == "get":
        response = browser.client.get(url)
    else:
        response = browser.post(url, data={"body": "のっとり", "kind": "worry"})
    assert response.status_code == 404
    note = Note.get_by_id(note_id)
    assert (note.body, note.visibility, note.share_with_employer, note.deleted_at) == (
        "わたしのメモ", "shared", False, None)


def test_another_client_cannot_undo_a_deletion_that_is_not_theirs(people, login_as):
    me = login_as("client")
    note_id = add(me, "消したメモ", "2025-05-01T12:00:00+09:00")
    me.delete(f"/api/v1/notes/{note_id}")
    login_as("other_client").post(f"/notes/{note_id}/restore")
    assert Note.get_by_id(note_id).deleted_at is not None


@pytest.mark.parametrize("intruder", ["other_supporter", "manager_b", "supporter_b",
                                      "other_client", "client"])
def test_others_get_404_on_the_client_page(people, login_as, intruder):
    response = login_as(intruder).client.get(f"/clients/{people['client'].id}")
    assert response.status_code == 404
    assert AccessLog.select().count() == 0


@pytest.mark.parametrize("staff", ["supporter", "manager"])
def test_client_page_shows_shared_notes_and_checkins_and_is_logged(people, login_as, staff):
    me = login_as("client")
    add(me, "共有のメモ", "2025-05-01T12:00:00+09:00")
    add(me, "自分だけのメモ", "2025-05-02T12:00:00+09:00", visibility="private")
    from companion.models import today
    me.put(f"/api/v1/checkins/{today().isoformat()}", json={"mood": 2, "comment": "ねむい"})
    html = page(login_as(staff), f"/clients/{people['client'].id}")
    assert "共有のメモ" in html and "ねむい" in html
    assert "自分だけのメモ" not in html
    assert html.count('<li class="note ') == 1
    log = AccessLog.get()
    assert (log.actor_id, log.client_id, log.what) == (
        people[staff].id, people["client"].id, "client_page")
    shown = page(me, "/settings/access-log")
    assert people[staff].display_name in shown and "利用者のページ" in shown


def test_access_log_page_is_the_clients_own(people, login_as):
    assert login_as("supporter").client.get("/settings/access-log").status_code == 404
    assert "まだだれも見ていません。" in page(login_as("client"), "/settings/access-log")


def test_client_pages_are_not_stored_by_the_browser(people, login_as):
    me = login_as("client")
    note_id = add(me, "キャッシュしない", "2025-05-01T12:00:00+09:00")
    for url in ("/notes", f"/notes/{note_id}/edit", "/notes/new"):
        assert me.client.get(url).headers["Cache-Control"] == "no-store"


def test_unknown_note_id_is_404_not_an_error(people, login_as):
    me = login_as("client")
    for url in (f"/notes/{uuid.uuid4()}/edit", "/notes/not-a-uuid/edit", "/notes/x/urgent"):
        assert me.client.get(url).status_code == 404


def test_unknown_toggle_is_404_and_changes_nothing(people, login_as):
    me = login_as("client")
    note_id = add(me, "そのまま", "2025-05-01T12:00:00+09:00")
    assert me.post(f"/notes/{note_id}/toggle/starred").status_code == 404
    note = Note.get_by_id(note_id)
    assert (note.visibility, note.share_with_employer, note.starred_at) == ("shared", False, None)


def test_the_clients_access_log_reads_as_sentences_one_per_thing_and_day(people, login_as):
    me = login_as("client")
    supporter = login_as("supporter")
    for _ in range(3):
        page(supporter, f"/clients/{people['client'].id}")
    shown = page(me, "/settings/access-log")
    name = people["supporter"].display_name
    assert shown.count(f"{name}さんが 利用者のページを 見ました(3回)。") == 1
    assert " · " not in shown[shown.index("<main"):]


def test_sharing_on_my_notes_is_two_switches_that_show_their_state(people, login_as):
    me = login_as("client")
    note_id = add(me, "上司に伝えたいこと", "2025-05-01T12:00:00+09:00")

    def switches():
        html = page(me, "/notes?month=2025-05")
        return re.findall(r'role="switch" aria-checked="(true|false)">.*?'
                          r'<span class="switch-label">([^<]+)</span>', html, re.S)
    assert switches() == [("true", "支援員に見せる"), ("false", "会社に伝える")]
    answer = me.post(f"/notes/{note_id}/toggle/employer", data={"month": "2025-05"})
    assert answer.headers["Location"].endswith(f"#note-{note_id}")
    me.post(f"/notes/{note_id}/toggle/private", data={"month": "2025-05"})
    assert switches() == [("false", "支援員に見せる"), ("true", "会社に伝える")]
