"""Browser fixtures: the app on a free port in a thread, on a fresh database, driven by Chromium.

The tests skip with the reason when Playwright or Chromium is missing, unless
COMPANION_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""
import os
import shutil
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.serving import make_server

from companion import create_app, db
from companion.models import ClientProfile, Note, Strength, SupporterRequest, today
from companion.strengths.service import draft_handover
from companion.periods import add_months
from companion.notes.service import create_note

CHROMIUM = os.environ.get("COMPANION_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
REQUIRED = os.environ.get("COMPANION_REQUIRE_BROWSER") == "1"
SHOTS = os.environ.get("COMPANION_SHOTS")
PASSWORD = "correct horse battery"


def missing_browser():
    """Why the browser tests can't run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not os.path.exists(CHROMIUM):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run."""
    reason = missing_browser()
    if reason:
        if REQUIRED:
            pytest.fail("COMPANION_REQUIRE_BROWSER=1 but " + reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def app(tmp_path):
    """The app on a fresh SQLite file (the browser tests always use SQLite)."""
    os.environ["COMPANION_INSTANCE_PATH"] = str(tmp_path / "instance")
    app = create_app({"DATABASE_URL": "sqlite:///" + str(tmp_path / "browser.sqlite3"),
                      "SECRET_KEY": "browser-" + tmp_path.name})
    db.migrate()
    return app


class Sizes:
    """Counts what the server sends: every request (method, path) and the bytes of its answer."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.sent = []

    def __call__(self, environ, start_response):
        status_headers = {}

        def start(status, headers, exc_info=None):
            status_headers["head"] = len(status) + sum(len(k) + len(v) + 4 for k, v in headers)
            return start_response(status, headers, exc_info)
        body = b"".join(self.wsgi_app(environ, start))
        self.sent.append((environ["REQUEST_METHOD"], environ["PATH_INFO"],
                          status_headers.get("head", 0) + len(body)))
        return [body]


class Live:
    """The running server: its address, what it sent, and the notes it holds."""

    def __init__(self, url, sizes):
        self.url = url
        self.sizes = sizes

    def posts(self, path):
        """How many POST requests reached path."""
        return sum(1 for method, seen, _size in self.sizes.sent if method == "POST" and seen == path)

    def notes(self):
        with db.database.connection_context():
            return list(Note.select().order_by(Note.written_at))

    def wait_for_notes(self, n, timeout=15):
        """The notes once there are n of them (or what there is after timeout)."""
        try:
            wait_for(lambda: len(self.notes()) >= n, timeout)
        except AssertionError:
            pass
        return self.notes()


def wait_for(check, timeout=15):
    """Poll a Python check (against the database, say) until it is true."""
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError("still not true after %ss" % timeout)
        time.sleep(0.1)


@pytest.fixture
def live(app, people):
    """The app served on 127.0.0.1 at a free port, in a thread, with the usual people."""
    sizes = Sizes(app.wsgi_app)
    app.wsgi_app = sizes
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Live(f"http://127.0.0.1:{server.server_port}", sizes)
    server.shutdown()
    thread.join(5)


@pytest.fixture
def context(browser, live):
    """A fresh browser profile on the live server, phone-sized."""
    context = browser.new_context(base_url=live.url, viewport={"width": 375, "height": 740},
                                  locale="ja-JP")
    context.set_default_timeout(15000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def log_in(page, login, password=PASSWORD):
    """Log in through the form, as a person does, and wait for the page after it."""
    page.goto("/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    wait_until(page, "!location.pathname.startsWith('/login')")


def wait_until(page, script, timeout=15):
    """Poll a JavaScript expression until it is true.

    Playwright's wait_for_function evaluates with eval(), which the app's CSP forbids.
    """
    end = time.monotonic() + timeout
    while True:
        if page.evaluate(script):
            return
        if time.monotonic() > end:
            raise AssertionError("still false after %ss: %s" % (timeout, script))
        time.sleep(0.1)


def wait_for_worker(page):
    """Wait until the service worker is active and controls the page."""
    wait_until(page, "navigator.serviceWorker.getRegistration().then(r => Boolean(r && r.active))")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        # It activated while this page was on its way: the next load is controlled.
        page.reload()
    wait_until(page, "navigator.serviceWorker.controller !== null")


def wait_for_empty_outbox(page):
    """Wait until every note the page queued has been confirmed by the server: after this, no
    copy of them is still on its way, so the server's count is final."""
    wait_until(page, "self.companionOutbox.entries(document.getElementById('pwa').dataset.user)"
                     ".then(list => list.length === 0)")


def outbox(page):
    """The entries waiting in the page's IndexedDB outbox."""
    return page.evaluate("self.companionOutbox.entries(document.getElementById('pwa').dataset.user)")


def shot(page, name):
    """Keep a full-page screenshot when COMPANION_SHOTS names a folder; never sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), name
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name + ".png"), full_page=True)


def ready_for_offline(page):
    """Log in, let the service worker take over, and visit Home and Write once so it keeps them."""
    log_in(page, "client")
    wait_for_worker(page)
    page.goto("/notes/new")
    page.goto("/")
    wait_until(page, """caches.open('companion-pages').then(c => Promise.all(
        [c.match('/'), c.match('/notes/new')])).then(([a, b]) => Boolean(a && b))""")


def write(page, text, kind="worry"):
    """Open Write from Home's button and save a note."""
    page.goto(f"/notes/new?kind={kind}")
    page.fill("#body", text)
    page.click("button.save")
    page.wait_for_url("**/")


TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
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
    ("supporter", "/settings", "supporter-settings"),
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
    ("client", "/my-profile", "my-profile"),
    ("supporter", "/accounts/{client}/profile", "profile"),
    ("manager", "/accounts/{client}/profile", "profile-manager"),
    ("manager", "/accounts/{client}", "account"),
    ("manager", "/admin/requests", "supporter-requests"),
    ("manager", "/admin/settle-rate", "settle-rate"),
    ("client", "/my-strengths", "my-strengths"),
    ("client", "/my-strengths/sheet", "strength-sheet"),
    ("supporter", "/clients/{client}/strengths", "client-strengths"),
    ("manager", "/clients/{ended}/handover", "hand-over-office"),
    ("other-client", "/my-handover", "hand-over"),
    ("manager", "/admin/record-import", "record-import"),
]


AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS},
               "rules": {"target-size": {"enabled": True}}, "resultTypes": ["violations"]}


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
        # In the 5th month since the hire: the timeline and the STEP checklist are on show,
        # and the client has asked the manager for another supporter.
        ClientProfile.update(hire_date=add_months(today(), -4), employer_name="株式会社みどり").where(
            ClientProfile.user == people["client"].id).execute()
        SupporterRequest.create(client=people["client"].id, reason="話しにくいことがある")
        # わたしの強みと配慮: one entry for the employer, one kept back, one proposal waiting
        # (the win above is suggested).
        for part, text, state, shared in (
                ("strength", "ていねいに確認しながら作業できる", "accepted", True),
                ("accommodation", "指示は一人の上司から、メールでもらう", "accepted", False),
                ("accommodation", "休けいの時間を決めておく", "proposed", False)):
            Strength.create(client=people["client"].id, part=part, text=text, state=state,
                            share_with_employer=shared, proposed_by=people["supporter"].id
                            if state == "proposed" else None)
        # Another client whose support ended today: the hand-over waits for their choices.
        ended = people["other_client"]
        ClientProfile.update(hire_date=add_months(today(), -40), support_ended_on=today(),
                             support_end_reason="three_years").where(
            ClientProfile.user == ended.id).execute()
        Strength.create(client=ended.id, part="strength", text="あいさつが気持ちいい")
        draft_handover(ended, ClientProfile.get(ClientProfile.user == ended.id))
    ids = {"client": people["client"].id, "meeting": None, "ended": people["other_client"].id}
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


def route_exists(app, path):
    """True when the app has a GET route for path (ids filled with 1)."""
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path.split("?")[0].format(client=1, meeting=1, running=1, ended=1),
                      method="GET")
    except (NotFound, MethodNotAllowed):
        return False
    except RequestRedirect:
        return True
    return True
