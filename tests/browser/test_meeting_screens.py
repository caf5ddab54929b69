"""The meeting page while it runs and once closed: clean for axe, no sideways scroll, printable."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from companion import db
from companion.notes.service import create_note

from .conftest import AXE_OPTIONS, log_in

pytestmark = pytest.mark.browser


def api(page, method, path, data=None):
    """Call the API from the logged-in page; the JSON answer."""
    token = page.request.get("/api/v1/session").json()["csrf_token"]
    answer = page.request.fetch(path, method=method, headers={"X-CSRF-Token": token}, data=data)
    assert answer.ok, (path, answer.status, answer.text())
    return answer.json()


@pytest.fixture
def meetings(app, live, people, browser):
    """A closed meeting with outcomes and a running one after it: {"closed": id, "running": id}."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with app.app_context(), db.database.connection_context():
        for days, kind, body in ((6, "worry", "上司の指示が分かりにくい時がある"),
                                 (4, "win", "今月は遅刻せずに出勤できた"),
                                 (2, "goal", "指示をメモに取る方法を決めたい")):
            create_note(people["client"], {"kind": kind, "body": body,
                                           "written_at": now - timedelta(days=days)})
    context = browser.new_context(base_url=live.url)
    page = context.new_page()
    log_in(page, "supporter")
    ids = {}
    for name in ("closed", "running"):
        when = (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        meeting = api(page, "POST", "/api/v1/meetings",
                      {"client_id": people["client"].id, "scheduled_at": when, "mode": "online"})
        agenda = api(page, "POST", f"/api/v1/meetings/{meeting['id']}/start", {"confirm_early": True})
        items = [i for s in agenda["sections"] for i in s["items"]]
        if name == "closed":
            api(page, "PATCH", f"/api/v1/agenda-items/{items[0]['id']}",
                {"status": "carry_over", "outcome": "次回もう一度"})
            api(page, "PATCH", f"/api/v1/agenda-items/{items[1]['id']}",
                {"status": "resolved", "outcome": "メモ帳を使う"})
            api(page, "POST", f"/api/v1/meetings/{meeting['id']}/actions",
                {"text": "メモ帳を買う", "owner": "client"})
            api(page, "POST", f"/api/v1/meetings/{meeting['id']}/close", {"summary": "よく話せた"})
        ids[name] = meeting["id"]
    context.close()
    return ids


@pytest.mark.parametrize("who,which", [("supporter", "running"), ("supporter", "closed"),
                                       ("client", "closed"), ("client", "running")])
def test_meeting_page_is_clean_for_axe_and_fits_320px(browser, live, meetings, who, which):
    from axe_playwright_python.sync_playwright import Axe
    context = browser.new_context(base_url=live.url, locale="ja-JP")
    page = context.new_page()
    log_in(page, who)
    problems = []
    for width in (320, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"/meetings/{meetings[which]}")
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        problems += [f"@{width}: {v['id']} {v['help']} {v['nodes'][0]['target']}" for v in violations]
        if page.evaluate("document.documentElement.scrollWidth > innerWidth"):
            problems.append(f"@{width}: scrolls sideways")
    # print.js shows the print button only where it can work
    assert page.locator("[data-print]").is_visible()
    context.close()
    assert problems == [], "\n".join(problems)


def test_closed_record_prints_on_a4_without_the_controls(browser, live, meetings):
    context = browser.new_context(base_url=live.url, locale="ja-JP")
    page = context.new_page()
    log_in(page, "supporter")
    page.goto(f"/meetings/{meetings['closed']}")
    page.emulate_media(media="print")
    assert not page.locator("[data-print]").is_visible()
    assert not page.locator(".top").is_visible()
    assert page.locator("text=メモ帳を使う").is_visible() and page.locator("text=よく話せた").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    sizes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert sizes and all(abs(float(w) - 595) < 1 and abs(float(h) - 842) < 1 for w, h in sizes)  # A4
    context.close()
