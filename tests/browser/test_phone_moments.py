"""The moments a client meets on the phone: offline right after the first login, Back after
saving, and a worry that can't wait — each on a fresh browser profile."""
import pytest
from playwright.sync_api import expect

from .conftest import log_in, outbox, shot, wait_for_empty_outbox, wait_until

pytestmark = pytest.mark.browser

KEPT = """caches.open('companion-pages').then(c => Promise.all([c.match('/'), c.match('/notes/new')]))
          .then(([a, b]) => Boolean(a && b))"""


def test_offline_right_after_the_first_login_a_worry_is_kept_and_sent_once(context, page, live):
    log_in(page, "client")
    # No visit to Write online: the worker keeps it by itself within moments of the login.
    wait_until(page, "navigator.serviceWorker.getRegistration().then(r => Boolean(r && r.active))")
    wait_until(page, KEPT)
    context.set_offline(True)
    page.click("a.big-button.worry")
    expect(page.locator("#body")).to_be_visible()
    expect(page.locator("input[name=kind][value=worry]")).to_be_checked()
    page.fill("#body", "帰りの電車で思い出した")
    page.click("button.save")
    page.wait_for_url("**/")
    expect(page.locator("#pwa-status")).to_contain_text("未送信で保存しました")
    assert live.notes() == [] and len(outbox(page)) == 1
    context.set_offline(False)
    expect(page.locator("#outbox-line")).to_be_hidden()
    wait_for_empty_outbox(page)
    assert [n.body for n in live.notes()] == ["帰りの電車で思い出した"]
    assert live.posts("/api/v1/notes") >= 1 and outbox(page) == []


@pytest.mark.parametrize("online", [True, False])
def test_save_back_and_save_again_stores_one_note(context, page, live, online):
    log_in(page, "client")
    if not online:
        wait_until(page, KEPT)
        context.set_offline(True)
    page.click("a.big-button.win")
    page.fill("#body", "一人で電話対応できた")
    page.click("button.save")
    page.wait_for_url("**/")
    page.go_back()
    page.wait_for_url("**/notes/new**")
    # Whatever the browser restores, the saved text does not come back under a new id.
    expect(page.locator("#body")).to_have_value("")
    page.click("button.save")  # an empty save is refused by the form, not stored
    assert page.evaluate("document.getElementById('body').validity.valueMissing")
    assert "/notes/new" in page.url
    page.reload()
    expect(page.locator("#body")).to_have_value("")
    if not online:
        assert len(outbox(page)) == 1
        context.set_offline(False)
        page.goto("/")
        expect(page.locator("#outbox-line")).to_be_hidden()
    wait_for_empty_outbox(page)
    assert [n.body for n in live.notes()] == ["一人で電話対応できた"]


def test_urgent_from_home_is_one_tap_with_the_phone_in_view(page, live):
    log_in(page, "client")
    page.click("a.urgent-button")
    expect(page.locator("input[name=weight][value=urgent]")).to_be_checked()
    expect(page.locator("#urgent-call")).to_be_in_viewport()
    expect(page.locator("#urgent-call a")).to_have_attribute("href", "tel:0311112222")
    shot(page, "write-urgent")
    page.fill("#body", "職場で体調が悪くなった")
    page.click("button.save")
    page.wait_for_url("**/urgent")
    # The page says what really happened: a mark on the supporter's screen, not a message.
    expect(page.locator("h1")).to_have_text("保存しました。")
    expect(page.locator("main")).to_contain_text("印がつきます")
    expect(page.locator("a.big-call")).to_be_in_viewport()
    shot(page, "urgent-saved")
    notes = live.wait_for_notes(1)
    assert [(n.kind, n.weight) for n in notes] == [("worry", "urgent")]
    # A win has no weight: urgent stays with worries.
    page.goto("/notes/new?kind=win&weight=urgent")
    expect(page.locator("#weights")).to_be_hidden()
    expect(page.locator("#urgent-call")).to_be_hidden()


@pytest.mark.parametrize("javascript", [True, False])
def test_an_empty_change_request_puts_its_message_in_view(browser, live, app, people, javascript):
    from companion import db
    from companion.reports import service as reports
    with app.app_context(), db.database.connection_context():
        reports.finalise(people["client"], "2026-10", people["supporter"], {})
    context = browser.new_context(base_url=live.url, viewport={"width": 375, "height": 740},
                                  locale="ja-JP", java_script_enabled=javascript)
    page = context.new_page()
    log_in(page, "client")
    page.goto("/records/2026-10")
    with page.expect_navigation():
        page.click("button:has-text('なおしてほしい')")
    field = page.locator("#change-comment")
    expect(field).to_be_focused()
    expect(field).to_be_in_viewport()
    expect(page.locator("#change-comment-error")).to_be_in_viewport()
    context.close()


def test_write_keeps_save_above_the_keyboard_and_counts_near_the_limit(page, live):
    log_in(page, "client")
    page.goto("/notes/new?kind=worry")
    page.fill("#body", "あ" * 790)
    expect(page.locator("#body-count")).to_be_hidden()
    page.type("#body", "いいいいいいいいいいいい")
    expect(page.locator("#body-count")).to_have_text("あと 198文字 書けます。")
    page.focus("#body")
    page.set_viewport_size({"width": 375, "height": 300})  # the keyboard is up
    expect(page.locator("#write-form")).to_have_class("stack write-form keyboard")
    expect(page.locator("button.save")).to_be_in_viewport()
    shot(page, "write-keyboard")


def test_check_in_with_a_face_and_a_few_words_in_two_taps(page, live):
    from companion import db
    from companion.models import CheckIn
    log_in(page, "client")
    page.click("button.tap[name=mood][value='2']")
    expect(page.locator("button.tap[name=mood][value='2']")).to_have_attribute("aria-pressed", "true")
    page.fill("#checkin-comment", "朝から頭が重い")
    page.click(".checkin-comment button")
    expect(page.locator("#checkin-status")).to_contain_text("保存しました")
    assert page.url.endswith("/")  # saved without leaving Home
    with db.database.connection_context():
        assert [(c.mood, c.comment) for c in CheckIn.select()] == [(2, "朝から頭が重い")]


def test_a_note_for_the_employer_is_shared_with_them_unless_the_person_says_no(page, live):
    """DESIGN §2: 会社に伝えてほしいこと is shared with the employer by default."""
    log_in(page, "client")
    page.goto("/notes/new?kind=for_employer")
    page.locator("details.more").evaluate("d => d.open = true")
    expect(page.locator("input[name=share_with_employer]")).to_be_checked()
    page.fill("#body", "棚の高いところは、ふみ台を使わせてほしい")
    page.click("button.save")
    page.wait_for_url("**/")
    # Another kind leaves it off; switching to 会社に伝えてほしいこと turns it on, and a box
    # the person unticked stays unticked.
    page.goto("/notes/new?kind=win")
    page.locator("details.more").evaluate("d => d.open = true")
    expect(page.locator("input[name=share_with_employer]")).not_to_be_checked()
    page.check("input[name=kind][value=for_employer]", force=True)
    expect(page.locator("input[name=share_with_employer]")).to_be_checked()
    page.uncheck("input[name=share_with_employer]")
    page.fill("#body", "これは会社には言わないで")
    page.click("button.save")
    page.wait_for_url("**/")
    wait_for_empty_outbox(page)
    assert sorted((n.body, n.kind, n.share_with_employer) for n in live.notes()) == [
        ("これは会社には言わないで", "for_employer", False),
        ("棚の高いところは、ふみ台を使わせてほしい", "for_employer", True)]
