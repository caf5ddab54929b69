"""The client's screens as a person sees them on a 375 px phone, online and offline.

Set COMPANION_SHOTS=/some/folder to keep a screenshot of each state for a look by eye.
"""
import pytest
from playwright.sync_api import expect

from .conftest import log_in, ready_for_offline, shot, write

pytestmark = pytest.mark.browser


def test_the_phone_screens_online_and_offline(context, page, live):
    ready_for_offline(page)
    shot(page, "home")
    page.goto("/notes/new?kind=worry")
    shot(page, "write")
    page.fill("#body", "上司の指示が分かりにくい")
    page.reload()
    expect(page.locator("#write-status")).to_contain_text("書きかけ")
    expect(page.locator("#body")).to_have_value("上司の指示が分かりにくい")
    shot(page, "write-draft")

    context.set_offline(True)
    page.click("button.save")
    page.wait_for_url("**/")
    expect(page.locator("#outbox-line")).to_contain_text("1件")
    shot(page, "home-offline-unsent")
    page.goto("/notes")
    expect(page.locator("h1")).to_contain_text("電波")
    shot(page, "offline-page")
    write(page, "すぐ相談したい気がする", kind="worry")
    context.set_offline(False)
    expect(page.locator("#pwa-status")).to_contain_text("送りました")
    shot(page, "home-sent")
    assert len(live.wait_for_notes(2)) == 2



def test_logout_warns_about_unsent_notes_then_clears_the_device(context, page, live):
    log_in(page, "client")
    # The server can't be reached for notes (the worker's Background Sync included).
    context.route("**/api/v1/notes", lambda route: route.abort())
    write(page, "ログアウトの前のメモ")
    page.goto("/notes/new")
    page.fill("#body", "書きかけ")
    page.goto("/settings")
    page.click("#logout-form button")
    warning = page.locator("#logout-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("1件")
    expect(warning).to_be_focused()
    shot(page, "logout-warning")
    page.click("[data-action=stay]")
    expect(warning).to_be_hidden()
    expect(page.locator("#pwa-status")).to_contain_text("ログアウトしませんでした")

    page.click("#logout-form button")
    page.click("[data-action=leave]")
    page.wait_for_url("**/login")
    left = page.evaluate("""new Promise((ok) => { const r = indexedDB.open('companion', 1);
        r.onsuccess = () => { const q = r.result.transaction('outbox').objectStore('outbox').count();
        q.onsuccess = () => ok(q.result); }; })""")
    assert left == 0
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('companion-draft'))") == []
    assert not page.evaluate("caches.has('companion-pages')")
    assert live.notes() == []


def test_iphone_gets_the_add_to_home_screen_hint_until_dismissed(browser, live):
    iphone = browser.new_context(
        base_url=live.url, viewport={"width": 375, "height": 740}, locale="ja-JP",
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                   "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
    page = iphone.new_page()
    log_in(page, "client")
    hint = page.locator("#install-hint")
    expect(hint).to_be_visible()
    shot(page, "home-ios-hint")
    hint.get_by_role("button").click()
    expect(hint).to_be_hidden()
    page.reload()
    expect(hint).to_be_hidden()
    iphone.close()


def test_furigana_read_well_on_a_phone(page, live, people):
    from companion import db
    from companion.models import User
    with db.database.connection_context():
        User.update(furigana=True).where(User.id == people["client"].id).execute()
    log_in(page, "client")
    expect(page.locator("#checkin-title rt")).to_have_text(["きょう", "ちょうし"])
    shot(page, "home-furigana")
    page.goto("/notes/new?kind=worry")
    expect(page.locator("button.save rt")).to_have_text("ほぞん")
    shot(page, "write-furigana")
