"""WCAG 2.2 AA in Chromium: axe-core finds nothing, and no page scrolls sideways at 320 px.

To check a new page, add a line to PAGES: who looks at it, its path (with {client} or
{meeting} for the ids made below), and a name. Pages whose route does not exist yet are left out.
"""
from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.routing import RequestRedirect
from werkzeug.exceptions import MethodNotAllowed, NotFound

from companion import db
from companion.notes import create_note

from .conftest import log_in

pytestmark = pytest.mark.browser

WIDTHS = (320, 1280)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS},
               "rules": {"target-size": {"enabled": True}}, "resultTypes": ["violations"]}
WRITE_ERROR = "write-error"

# (who, path, name): who is None for pages seen before logging in.
PAGES = [
    (None, "/login", "login"),
    ("client", "/", "home"),
    ("client", "/notes/new?kind=worry", "write"),
    ("client", "/notes/new", WRITE_ERROR),
    ("client", "/notes", "my-notes"),
    ("client", "/settings", "settings"),
    ("client", "/offline", "offline"),
    ("client", "/prepare", "prepare"),
    ("client", "/meetings", "records"),
    ("client", "/meetings/{meeting}", "client-meeting"),
    ("supporter", "/", "supporter-home"),
    ("supporter", "/caseload", "caseload"),
    ("supporter", "/clients/{client}", "client-page"),
    ("supporter", "/clients/{client}/meetings", "client-meetings"),
    ("supporter", "/meetings/{meeting}", "meeting"),
    ("supporter", "/meetings/{meeting}/edit", "meeting-edit"),
    ("supporter", "/meetings/{running}", "meeting-running"),
    ("supporter", "/clients/{client}/reports/2025-01", "report"),
    ("client", "/records", "client-records"),
    ("client", "/records/2025-01", "client-report"),
    ("manager", "/accounts/", "accounts"),
]


def route_exists(app, path):
    """True when the app has a GET route for path (ids filled with 1)."""
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path.split("?")[0].format(client=1, meeting=1, running=1), method="GET")
    except (NotFound, MethodNotAllowed):
        return False
    except RequestRedirect:
        return True
    return True


def existing_pages(app):
    """PAGES whose routes exist in this version of the app."""
    return [p for p in PAGES if route_exists(app, p[1])]


@pytest.fixture
def world(app, live, people, browser):
    """A few months of notes for the client and, where meetings exist, a meeting."""
    with app.app_context(), db.database.connection_context():
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        for days, kind, body, extra in (
                (1, "worry", "上司の指示が分かりにくい時がある", {"weight": "urgent", "topic": "relationships"}),
                (3, "win", "今月は遅刻せずに出勤できた", {}),
                (40, "goal", "指示をメモに取る方法を決めたい", {"visibility": "private"}),
                (45, "for_employer", "休けいの時間を決めてほしい", {})):
            create_note(people["client"], {"kind": kind, "body": body,
                                           "written_at": now - timedelta(days=days), **extra})
    ids = {"client": people["client"].id, "meeting": None}
    context = browser.new_context(base_url=live.url)
    page = context.new_page()
    log_in(page, "supporter")
    token = page.request.get("/api/v1/session").json()["csrf_token"]
    when = (datetime.now(timezone.utc) + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    answer = page.request.post("/api/v1/meetings", headers={"X-CSRF-Token": token},
                               data={"client_id": people["client"].id, "scheduled_at": when})
    if answer.status == 201:
        ids["meeting"] = answer.json()["id"]
    # A meeting under way with an action decided in it (due already passed): the running
    # page's edit and put-back controls, and the client's 次までにやること on Home.
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    running = page.request.post("/api/v1/meetings", headers={"X-CSRF-Token": token},
                                data={"client_id": people["client"].id, "scheduled_at": now}).json()
    page.request.post(f"/api/v1/meetings/{running['id']}/start", headers={"X-CSRF-Token": token},
                      data={"confirm_early": True})
    page.request.post(f"/api/v1/meetings/{running['id']}/actions", headers={"X-CSRF-Token": token},
                      data={"text": "上司にメモを頼む", "owner": "client", "due": "2020-01-10"})
    ids["running"] = running["id"]
    context.close()
    return ids


def open_page(page, path, name, ids):
    """Go to the page; the Write error state is the plain form sent with nothing written."""
    response = page.goto(path.format(**ids))
    if not response.ok:
        return f"{name}: {path} answered {response.status}"
    if name == WRITE_ERROR:
        page.fill("#body", "   ")
        with page.expect_navigation():
            page.evaluate("document.getElementById('write-form').submit()")
        if page.locator(".error[role=alert]").count() != 1:
            return f"{name}: no error shown"
    return None


def visit_all(app, browser, live, world, check):
    """Log in as each person once and run check(page, name, width) on each of their pages."""
    problems = []
    for who in (None, "client", "supporter", "manager"):
        pages = [p for p in existing_pages(app) if p[0] == who]
        if not pages:
            continue
        context = browser.new_context(base_url=live.url, locale="ja-JP")
        page = context.new_page()
        if who:
            log_in(page, who)
        for _who, path, name in pages:
            if "{meeting}" in path and world["meeting"] is None:
                continue
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                problem = open_page(page, path, name, world)
                problems += [problem] if problem else check(page, name, width)
        context.close()
    return problems


def test_axe_finds_no_wcag22_aa_violation_on_any_page(app, browser, live, world):
    from axe_playwright_python.sync_playwright import Axe
    axe = Axe()

    def check(page, name, width):
        results = axe.run(page, options=AXE_OPTIONS).response
        return [f"{name} @{width}px: {v['id']} — {v['help']} — "
                + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                            for n in v["nodes"][:5])
                for v in results["violations"]]
    problems = visit_all(app, browser, live, world, check)
    assert problems == [], "\n".join(problems)


def test_no_page_scrolls_sideways_at_320px_even_with_text_at_200_percent(app, browser, live, world):
    def check(page, name, width):
        found = []
        if width != 320:
            return found
        if page.evaluate("document.documentElement.scrollWidth > innerWidth"):
            found.append(f"{name}: scrolls sideways at 320 px")
        # 200% text on a 640 px window is 320 CSS px of 16 px text, as a zoomed phone shows it.
        page.set_viewport_size({"width": 640, "height": 800})
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        if page.evaluate("document.documentElement.scrollWidth > innerWidth"):
            found.append(f"{name}: scrolls sideways with text at 200%")
        page.evaluate("document.documentElement.style.fontSize = ''")
        return found
    problems = visit_all(app, browser, live, world, check)
    assert problems == [], "\n".join(problems)


def test_keyboard_focus_is_never_hidden_under_the_sticky_bar(browser, live, people):
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 500})
    page = context.new_page()
    log_in(page, "client")
    for path in ("/", "/settings"):
        page.goto(path)
        for _ in range(40):
            page.keyboard.press("Tab")
            hidden = page.evaluate("""() => {
                const el = document.activeElement, bar = document.querySelector('.top');
                if (!el || bar.contains(el) || getComputedStyle(bar).position !== 'sticky') return false;
                return el.getBoundingClientRect().top < bar.getBoundingClientRect().bottom;
            }""")
            focused = page.evaluate("document.activeElement.outerHTML")[:120]
            assert not hidden, f"{path}: focus under the bar on {focused}"
    context.close()


TARGETS = ("button, a.button, .nav a, .brand, .chip, summary, label.check, .kind-option, select, "
           "input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea")


def test_every_control_is_at_least_44_px_square(app, browser, live, world):
    def check(page, name, width):
        small = page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
            .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([el, r]) => r.width < 43.5 || r.height < 43.5)
            .map(([el, r]) => `${el.tagName.toLowerCase()}.${el.className} `
                 + `"${el.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`)
            """, TARGETS)
        return [f"{name} @{width}px: {s}" for s in small]
    problems = visit_all(app, browser, live, world, check)
    assert problems == [], "\n".join(problems)
