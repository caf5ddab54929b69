"""Offline capture in Chromium: a note written anywhere is sent once, never lost, never doubled."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import log_in, outbox, ready_for_offline, shot, wait_for_empty_outbox, write

pytestmark = pytest.mark.browser


def test_five_notes_written_offline_are_sent_once_back_online(context, page, live):
    ready_for_offline(page)
    context.set_offline(True)
    for n in range(1, 6):
        write(page, f"電車の中で書いたメモ {n}")
        expect(page.locator("#pwa-status")).to_contain_text("未送信で保存しました")
        expect(page.locator("#outbox-line")).to_contain_text(f"{n}件")
    page.reload()
    expect(page.locator("#outbox-line")).to_contain_text("5件")
    assert live.notes() == []

    context.set_offline(False)
    expect(page.locator("#pwa-status")).to_contain_text("送りました")
    expect(page.locator("#outbox-line")).to_be_hidden()
    notes = live.wait_for_notes(5)
    assert sorted(n.body for n in notes) == [f"電車の中で書いたメモ {n}" for n in range(1, 6)]
    assert outbox(page) == []


def test_a_lost_answer_is_retried_and_stored_once(context, page, live):
    ready_for_offline(page)
    posts = []

    def store_then_lose(route):
        posts.append(route.request.post_data_json["id"])
        if len(posts) == 1:
            route.fetch()  # the server stores the note ...
            route.abort()  # ... but its answer never reaches the phone
        else:
            route.continue_()
    page.route("**/api/v1/notes", store_then_lose)
    write(page, "返事が届かなかったメモ")
    # Home sends what waits as it opens, and Background Sync may beat it to it.
    expect(page.locator("#outbox-line")).to_be_hidden()
    notes = live.wait_for_notes(1)
    wait_for_empty_outbox(page)
    assert live.posts("/api/v1/notes") >= 2
    assert [n.id for n in live.notes()] == posts[:1]
    assert [n.body for n in notes] == ["返事が届かなかったメモ"]
    assert outbox(page) == []


def test_a_double_tap_on_save_stores_one_note(page, live):
    log_in(page, "client")
    page.goto("/notes/new?kind=win")
    page.fill("#body", "二回おしてしまった")
    page.dblclick("button.save")
    page.wait_for_url("**/")
    expect(page.locator("#pwa-status")).to_contain_text("保存しました")
    wait_for_empty_outbox(page)
    notes = live.notes()
    assert [(n.kind, n.body) for n in notes] == [("win", "二回おしてしまった")]


def test_notes_queued_when_the_login_expired_are_sent_after_logging_in_again(context, page, live):
    ready_for_offline(page)
    context.set_offline(True)
    write(page, "ログインが切れる前のメモ")
    context.clear_cookies()
    context.set_offline(False)
    expect(page.locator("#pwa-login")).to_be_visible()
    expect(page.locator("#pwa-status")).to_contain_text("ログインし直すと送ります")
    assert live.notes() == []
    assert len(outbox(page)) == 1

    page.click("#pwa-login a")
    page.fill("input[name=login]", "client")
    page.fill("input[name=password]", "correct horse battery")
    page.click("form button[type=submit]")
    notes = live.wait_for_notes(1)
    assert [n.body for n in notes] == ["ログインが切れる前のメモ"]
    expect(page.locator("#outbox-line")).to_be_hidden()
    assert outbox(page) == []


def test_a_check_in_tap_is_saved_online_and_offline_says_to_tap_again(context, page, live):
    from companion import db
    from companion.models import CheckIn
    ready_for_offline(page)
    page.click("button.tap[name=mood][value='4']")
    expect(page.locator("button.tap[name=mood][value='4']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#checkin-status")).to_contain_text("保存しました")
    with db.database.connection_context():
        assert [c.mood for c in CheckIn.select()] == [4]
    context.set_offline(True)
    page.reload()
    page.click("button.tap[name=sleep][value='2']")
    expect(page.locator("#checkin-status")).to_contain_text("もう一度おしてください")
    assert page.url.endswith("/")


def test_a_blank_note_is_refused_under_the_text_and_nothing_is_queued(page, live):
    log_in(page, "client")
    page.goto("/notes/new?kind=worry")
    page.fill("#body", "   ")
    page.click("button.save")
    expect(page.locator("#body-error")).to_contain_text("書くことを入れてください")
    expect(page.locator("#body")).to_have_attribute("aria-invalid", "true")
    shot(page, "write-error")
    assert outbox(page) == [] and live.notes() == []
    page.fill("#body", "あ" * 1001)
    page.click("button.save")
    expect(page.locator("#body-error")).to_contain_text("1000文字")
    assert outbox(page) == [] and live.notes() == []


def test_a_draft_survives_an_expired_login_and_comes_back_after_logging_in(context, page, live):
    log_in(page, "client")
    page.goto("/notes/new?kind=win")
    page.fill("#body", "ログインが切れても消えない")
    context.clear_cookies()
    page.goto("/notes/new")
    page.wait_for_url(re.compile(r"/login\?next="))
    expect(page.locator("#draft-safe")).to_be_visible()
    page.fill("input[name=login]", "client")
    page.fill("input[name=password]", "correct horse battery")
    page.click("form button[type=submit]")
    page.wait_for_url("**/notes/new")
    expect(page.locator("#body")).to_have_value("ログインが切れても消えない")
    expect(page.locator("input[name=kind][value=win]")).to_be_checked()
    expect(page.locator("#write-status")).to_contain_text("書きかけ")
    page.click("button.save")
    page.wait_for_url("**/")
    assert [n.body for n in live.wait_for_notes(1)] == ["ログインが切れても消えない"]
    page.goto("/notes/new")
    expect(page.locator("#body")).to_have_value("")


def test_the_worker_never_keeps_notes_or_api_answers(page, live):
    ready_for_offline(page)
    write(page, "ひみつのメモ")
    for path in ("/notes", "/settings", "/meetings", "/prepare"):
        page.goto(path)
    page.evaluate("fetch('/api/v1/notes').then(r => r.json())")
    page.goto("/")
    kept = page.evaluate("""caches.keys().then(names => Promise.all(names.map(name =>
        caches.open(name).then(c => c.keys()).then(keys => keys.map(k => new URL(k.url).pathname)))))
        .then(lists => lists.flat())""")
    assert set(kept) <= {"/", "/notes/new", "/__owner", "/offline", "/static/style.css", "/static/app.js",
                         "/static/outbox.js", "/static/sync.js", "/static/write.js",
                         "/static/checkin.js", "/static/icons/icon-192.png"}, kept
    for name in page.evaluate("caches.keys()"):
        bodies = page.evaluate("""(name) => caches.open(name).then(c => c.keys().then(keys =>
            Promise.all(keys.map(k => c.match(k).then(r => r.text())))))""", name)
        assert not any("ひみつのメモ" in body for body in bodies)
