"""The running meeting as a supporter uses it: typing saves itself, nothing typed is lost,
and the whole meeting can be run from the keyboard."""
import time
from datetime import datetime, timedelta, timezone

import pytest
from axe_playwright_python.sync_playwright import Axe

from companion import db
from companion.meetings import service as meetings
from companion.models import ActionItem, AgendaItem, Meeting, TalkingPoint
from companion.notes.service import create_note

from .conftest import AXE_OPTIONS, log_in, shot, wait_for, wait_until

pytestmark = pytest.mark.browser

WORRIES = ["上司の指示が分かりにくい時がある", "朝の電車が混んでいてつらい", "休けいの取り方が分からない",
           "作業の順番をよく忘れる", "同僚に話しかけるタイミングが分からない", "残業を頼まれると断れない",
           "週の後半になると疲れが出る", "昼休みに一人になれる場所がない", "パソコンの操作に時間がかかる"]
WINS = ["今月は遅刻せずに出勤できた", "新しい作業を一人でできた", "メモを取る習慣がついた",
        "あいさつを自分からできた", "通院と仕事を両立できた", "困った時に質問できた"]


def running_meeting(app, people, notes):
    """A meeting under way on `notes` notes (worries and wins); its id."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with app.app_context(), db.database.connection_context():
        texts = [("worry", w) for w in WORRIES] + [("win", w) for w in WINS]
        for n, (kind, body) in enumerate(texts[:notes]):
            create_note(people["client"], {"kind": kind, "body": body,
                                           "written_at": now - timedelta(days=1 + n)})
        meeting = meetings.schedule(people["supporter"], people["client"], now + timedelta(hours=1))
        meetings.start(meeting, people["supporter"], early=True)
        return meeting.id


def items_of(meeting_id):
    with db.database.connection_context():
        return list(AgendaItem.select().where(AgendaItem.meeting == meeting_id)
                    .order_by(AgendaItem.position, AgendaItem.id))


@pytest.fixture
def supporter_page(browser, live):
    context = browser.new_context(base_url=live.url, viewport={"width": 1024, "height": 768},
                                  locale="ja-JP")
    context.set_default_timeout(15000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "supporter")
    yield page
    context.close()
    assert errors == []


def open_meeting(page, meeting_id):
    page.goto(f"/meetings/{meeting_id}")
    wait_until(page, "document.getElementById('pwa').dataset.meeting === 'ready'")


def test_outcomes_typed_into_three_items_are_there_after_a_reload(app, live, people, supporter_page):
    page = supporter_page
    meeting_id = running_meeting(app, people, 5)
    open_meeting(page, meeting_id)
    # No page reload while saving: the same document all along.
    page.evaluate("window.sameDocument = true")
    boxes = page.locator("li.agenda-item[data-item] textarea")
    for n in range(3):
        boxes.nth(n).fill(f"決まったこと {n}")
    page.locator("li.agenda-item[data-item] label.status-option").nth(2).click()
    wait_for(lambda: [i.outcome for i in items_of(meeting_id)][:3]
             == ["決まったこと 0", "決まったこと 1", "決まったこと 2"])
    assert page.evaluate("window.sameDocument") is True
    wait_until(page, "document.querySelector('[data-save-state]').textContent === '保存しました。'")
    assert items_of(meeting_id)[0].status == "resolved"
    # Saving or ticking one item never loses another's text.
    assert not page.locator("button[data-manual-save]").first.is_visible()
    page.reload()
    assert [boxes.nth(n).input_value() for n in range(3)] == [f"決まったこと {n}" for n in range(3)]
    assert page.locator("[data-pending-count]").first.text_content() == "4"


def test_text_typed_while_the_network_is_down_is_saved_once_it_is_back(app, live, people,
                                                                     supporter_page):
    page = supporter_page
    meeting_id = running_meeting(app, people, 3)
    open_meeting(page, meeting_id)
    page.context.set_offline(True)
    page.locator("#summary-text").fill("電波がない間のまとめ")
    page.locator("li.agenda-item[data-item] textarea").first.fill("電波がない間に書いたこと")
    wait_until(page, "document.querySelector('[data-save-state]').dataset.state === 'offline'")
    assert page.locator("[data-offline-note]").is_visible()
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('companion-meeting:'))")
    assert len(kept) == 1
    assert items_of(meeting_id)[0].outcome == ""
    page.context.set_offline(False)
    wait_for(lambda: items_of(meeting_id)[0].outcome == "電波がない間に書いたこと")
    with db.database.connection_context():
        wait_for(lambda: Meeting.get_by_id(meeting_id).summary == "電波がない間のまとめ")
    wait_until(page, "!Object.keys(localStorage).some(k => k.startsWith('companion-meeting:'))")
    assert not page.locator("[data-offline-note]").is_visible()


class Unreachable:
    """Makes the server answer 503 to the autosave PATCHes while on (as a proxy would when the
    app can't be reached), for requests the browser sends even as a tab closes."""

    def __init__(self, app):
        self.app, self.inner, self.on = app, app.wsgi_app, False
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        if self.on and environ["REQUEST_METHOD"] == "PATCH":
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"unreachable"]
        return self.inner(environ, start_response)


def test_text_left_in_a_closed_tab_is_offered_again_and_cleared_at_logout(app, live, people,
                                                                        supporter_page):
    page = supporter_page
    meeting_id = running_meeting(app, people, 3)
    server = Unreachable(app)
    server.on = True
    open_meeting(page, meeting_id)
    page.locator("li.agenda-item[data-item] textarea").nth(1).fill("閉じる前に書いたこと")
    page.locator("li.agenda-item[data-item] label.status-option").nth(5).click()
    wait_until(page, "document.querySelectorAll('[data-save-state]')[1].dataset.state === 'offline'")
    context = page.context
    page.close(run_before_unload=False)
    time.sleep(0.5)
    assert items_of(meeting_id)[1].outcome == ""
    server.on = False

    page = context.new_page()
    open_meeting(page, meeting_id)
    offer = page.locator("#kept-offer")
    assert offer.is_visible() and "1件" in offer.text_content()
    assert page.evaluate("document.activeElement.id") == "kept-offer"
    page.click("#kept-offer [data-action=restore]")
    wait_for(lambda: (items_of(meeting_id)[1].outcome, items_of(meeting_id)[1].status)
             == ("閉じる前に書いたこと", "discussed"))
    page.reload()
    assert not page.locator("#kept-offer").is_visible()

    # Unsaved text of one person never stays on a shared tablet after logout.
    server.on = True
    page.locator("li.agenda-item[data-item] textarea").nth(2).fill("ログアウト前")
    wait_until(page, "document.querySelectorAll('[data-save-state]')[2].dataset.state === 'offline'")
    page.once("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?"
    page.goto("/settings")
    page.click("#logout-form button")
    page.wait_for_url("**/login**")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('companion-meeting:'))") == []


def test_the_whole_meeting_runs_from_the_keyboard(app, live, people, supporter_page):
    page = supporter_page
    meeting_id = running_meeting(app, people, 4)
    open_meeting(page, meeting_id)
    total = len(items_of(meeting_id))
    page.locator("main").focus()
    keys = page.keyboard
    # N: the first pending item; 2: its second status; Tab: its outcome; Ctrl+Enter: the next one.
    for n in range(total):
        keys.press("n" if n == 0 else "Control+Enter")
        assert page.evaluate("document.activeElement.name") == "status"
        keys.press("2")
        keys.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
        keys.type(f"話したこと {n}")
        if n == 0:
            # An action decided right here, from this item.
            keys.press("Tab")
            assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
            keys.press("Enter")
            keys.press("Tab")
            keys.press("Tab")
            keys.type("メモ帳を買う")
            keys.press("Enter")
            page.locator("ul.linked li").first.wait_for()
            page.locator(".agenda-item[data-item] textarea").first.focus()
    keys.press("Control+Enter")  # nothing pending is left: on to the summary
    assert page.evaluate("document.activeElement.id") == "summary-text"
    keys.type("よく話せた")
    assert page.locator("[data-pending-count]").first.text_content() == "0"
    for _ in range(6):
        keys.press("Tab")
        if page.evaluate("document.activeElement.matches('[data-close-button]')"):
            break
    with page.expect_navigation():
        keys.press("Enter")  # the saves first, then the close
    page.wait_for_load_state()
    assert page.locator("[data-close]").count() == 0
    with db.database.connection_context():
        meeting = Meeting.get_by_id(meeting_id)
        assert meeting.state == "closed" and meeting.summary == "よく話せた"
        action = ActionItem.get(ActionItem.meeting == meeting_id)
    items = items_of(meeting_id)
    assert [i.outcome for i in items] == [f"話したこと {n}" for n in range(total)]
    assert {i.status for i in items} == {"discussed"}
    assert (action.text, action.from_item_id) == ("メモ帳を買う", items[0].id)


def test_closing_with_pending_items_asks_first_and_says_what_carries_over(app, live, people,
                                                                        supporter_page):
    page = supporter_page
    meeting_id = running_meeting(app, people, 3)
    open_meeting(page, meeting_id)
    first = page.locator("li.agenda-item[data-item]").first
    first.locator("label.status-option").nth(1).click()
    wait_for(lambda: items_of(meeting_id)[0].status == "discussed")
    assert page.locator("[data-carry-count]").text_content() == "2"
    page.click("[data-close-button]")
    confirm = page.locator("[data-confirm-close]")
    assert confirm.is_visible() and "2件" in confirm.text_content()
    with db.database.connection_context():
        assert Meeting.get_by_id(meeting_id).state == "in_progress"
    page.click("[data-back-to-pending]")
    assert page.evaluate("document.activeElement.closest('.agenda-item').id") == f"item-{items_of(meeting_id)[1].id}"
    page.click("[data-close-button]")
    with page.expect_navigation():
        page.click("button[name=confirmed]")
    with db.database.connection_context():
        assert Meeting.get_by_id(meeting_id).state == "closed"


def test_a_talking_point_added_from_an_item_joins_the_agenda_without_a_reload(app, live, people,
                                                                            supporter_page):
    page = supporter_page
    meeting_id = running_meeting(app, people, 2)
    open_meeting(page, meeting_id)
    page.evaluate("window.sameDocument = true")
    first = page.locator("li.agenda-item[data-item]").first
    first.locator("textarea").fill("まだ保存していない途中の文")
    first.locator("details.item-add summary").click()
    first.locator("input[name=text]").nth(1).fill("来月、通院の様子を聞く")
    first.locator("button:has-text('話したいことに足す')").click()
    page.locator("#section-supporter_points li.agenda-item").wait_for()
    assert page.evaluate("window.sameDocument") is True
    assert first.locator("textarea").input_value() == "まだ保存していない途中の文"
    assert "来月、通院の様子を聞く" in first.locator("ul.linked").text_content()
    with db.database.connection_context():
        point = TalkingPoint.get(TalkingPoint.meeting == meeting_id)
    assert point.from_item_id == items_of(meeting_id)[0].id
    # The new item saves itself like the others.
    added = page.locator("#section-supporter_points li.agenda-item textarea")
    added.fill("通院は月2回")
    wait_for(lambda: items_of(meeting_id)[-1].outcome == "通院は月2回")
    # An empty action is refused next to its field, not on another page.
    first.locator("button:has-text('やることを足す')").click()
    error = first.locator("[data-error-for=text]").first
    error.wait_for()
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"


@pytest.mark.parametrize("width,height", [(1024, 768), (1366, 900)])
def test_a_fifteen_item_meeting_keeps_summary_and_close_in_reach(app, live, people, supporter_page,
                                                                 width, height):
    page = supporter_page
    page.set_viewport_size({"width": width, "height": height})
    meeting_id = running_meeting(app, people, 15)
    open_meeting(page, meeting_id)
    assert len(items_of(meeting_id)) >= 15
    problems = [f"{v['id']} {v['nodes'][0]['target']}"
                for v in Axe().run(page, options=AXE_OPTIONS).response["violations"]]
    assert problems == []
    shot(page, f"meeting-running-{width}")
    # Scrolled to the last item, the progress card, the summary and the close button are on screen.
    page.locator("li.agenda-item[data-item]").last.scroll_into_view_if_needed()
    for selector in (".progress-card", "#summary-text"):
        box = page.locator(selector).bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= height, selector
    page.click(".progress-card a[href='#close']")
    box = page.locator("[data-close-button]").bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= height
