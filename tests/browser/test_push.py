"""A reminder delivered to the service worker, as a push service would, and what it shows.

No real push service is reachable here, so the message goes in through the Chrome
DevTools Protocol (ServiceWorker.deliverPushMessage) with the words the sender writes.
"""
import json
from datetime import datetime, time, timedelta

import pytest
from flask_babel import force_locale

from companion.reminders import plan, sender
from .conftest import log_in, shot, wait_for_worker, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def notified(browser, live):
    context = browser.new_context(base_url=live.url, viewport={"width": 375, "height": 740},
                                  locale="ja-JP")
    context.grant_permissions(["notifications"], origin=live.url)
    context.set_default_timeout(15000)
    yield context
    context.close()


def reminder_payload(app):
    """What `companion remind` sends three days before a meeting, word for word."""
    day = datetime(2026, 12, 14).date()
    reminder = plan.Reminder("before_meeting", f"before:1:{day}", datetime(2026, 12, 11),
                             datetime(2026, 12, 12),
                             {"meeting": 1, "day": day, "at": datetime.combine(day, time(5)),
                              "who": "山田"})
    with app.test_request_context(), force_locale("ja"):
        return {**sender.words(reminder), "tag": reminder.key}


def test_a_pushed_reminder_shows_its_words_without_note_text_and_leads_to_prepare(
        app, live, notified, people):
    page = notified.new_page()
    log_in(page, "client")
    page.goto("/settings")
    wait_for_worker(page)
    cdp = notified.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    wait_until(page, "true")  # let the events arrive
    for _ in range(50):
        if registrations:
            break
        page.wait_for_timeout(100)
    registration = next(r for r in registrations if r["scopeURL"].startswith(live.url))
    payload = reminder_payload(app)
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live.url, "registrationId": registration["registrationId"],
        "data": json.dumps(payload, ensure_ascii=False)})
    wait_until(page, "navigator.serviceWorker.ready.then(r => r.getNotifications())"
                     ".then(list => list.length === 1)")
    shown = page.evaluate("""navigator.serviceWorker.ready.then(r => r.getNotifications())
        .then(([n]) => ({title: n.title, body: n.body, data: n.data, tag: n.tag}))""")
    assert shown["title"] == "面談の じゅんび"
    assert shown["body"] == "2026年12月14日(月)に 面談が あります。話したいことを えらびましょう"
    assert shown["data"]["url"] == "/prepare" and shown["tag"] == payload["tag"]
    # The notificationclick handler opens Prepare (or focuses it when open already).
    worker = notified.service_workers[0]
    assert worker.evaluate("notificationTarget({url: '/prepare'}, '')") == live.url + "/prepare"
    assert worker.evaluate(
        "notificationTarget({url: '/', actions: [{action: 'meeting-3', url: '/meetings/3'}]}, 'meeting-3')"
    ) == live.url + "/meetings/3"
    # A link to another site is never followed: Home instead.
    assert worker.evaluate("notificationTarget({url: 'https://evil.example/'}, '')") == live.url + "/"
    worker.evaluate("""self.registration.getNotifications().then(([n]) => {
        self.dispatchEvent(new NotificationEvent('notificationclick', {notification: n}));
    })""")
    page.wait_for_url("**/prepare")
    assert page.locator("h1").inner_text().strip() != ""
    wait_until(page, "navigator.serviceWorker.ready.then(r => r.getNotifications())"
                     ".then(list => list.length === 0)")


def test_settings_offer_reminders_only_on_a_tap_and_say_when_this_device_cant(
        app, live, notified, people):
    page = notified.new_page()
    asked = []
    page.on("console", lambda message: asked.append(message.text))
    log_in(page, "client")
    page.goto("/settings")
    wait_for_worker(page)
    state = page.locator("#push-state")
    wait_until(page, "document.getElementById('push-state').textContent.length > 0")
    assert state.inner_text() == "この端末では、まだ おしらせを 受けとっていません。"
    assert page.locator("#push-on").is_visible() and not page.locator("#push-off").is_visible()
    page.set_viewport_size({"width": 320, "height": 700})
    page.locator("#reminders").scroll_into_view_if_needed()
    shot(page, "settings-reminders-320")
    # The switches save with the form, without any script.
    page.check("input[name=before_meeting]")
    page.fill("#checkin-time", "19:30")
    page.click("#reminders form button[type=submit]")
    page.wait_for_url("**/settings#reminders")
    assert page.locator("input[name=before_meeting]").is_checked()
    assert page.input_value("#checkin-time") == "19:30"
    # The calendar URL, long as it is, fits a 320 px screen.
    page.click("#calendar button[value=on]")
    page.wait_for_url("**/settings#calendar")
    assert page.input_value("#feed-url").startswith(live.url + "/calendar/")
    page.locator("#calendar").scroll_into_view_if_needed()
    shot(page, "settings-calendar-320")


def test_after_the_first_note_home_offers_reminders_once(app, live, notified, people):
    page = notified.new_page()
    page.set_viewport_size({"width": 320, "height": 700})
    log_in(page, "client")
    assert page.locator("form.offer").count() == 0
    page.goto("/notes/new?kind=win")
    page.fill("#body", "あいさつが できた")
    page.click("button.save")
    page.wait_for_url("**/")
    assert page.locator("form.offer").is_visible()
    shot(page, "home-offer-320")
    page.click("form.offer button[value=no]")
    page.wait_for_url("**/")
    assert page.locator("form.offer").count() == 0
    assert not page.locator("#push-on").count()  # nothing was asked of the browser
