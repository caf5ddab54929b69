"""Fast and light: a first visit to Write costs a few tens of kilobytes, all from this site.

Two figures, headers included: what the app sends (the scripts and the stylesheet gzipped,
the pages as they are: the app never compresses a page, so no secret can leak by it), and
what a transfer compressing every answer (a proxy's gzip) carries, the budgets' measure.
"""
import gzip
from urllib.parse import urlsplit

import pytest

from .conftest import PASSWORD, wait_for_worker, wait_until

pytestmark = pytest.mark.browser
# Write until its load event, without the service worker: the page, its stylesheet and its
# modules, each fetched once (Home's check-in is not among them). Compressed transfer.
LOAD_BUDGET = 25 * 1024
# The whole first visit: the above, and the service worker with what its install keeps for
# offline use (the app shell and the offline page) and Home and Write kept for the client.
FIRST_VISIT_BUDGET = 45 * 1024
# The same, as the app sends it: 60 KB until the worker began keeping Home and Write at the
# first visit (offline from the first minute after logging in), about 20 KB more.
SENT_BUDGET = 64 * 1024


# What a compressing transfer gzips (not the icons: a PNG is compressed already).
TEXT = ("text/", "application/json", "application/manifest+json")


class Transfer:
    """Under the server's counter: each answer's size, its text gzipped if the app did not."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.sent = []

    def __call__(self, environ, start_response):
        seen = {}

        def start(status, headers, exc_info=None):
            seen["head"] = len(status) + sum(len(k) + len(v) + 4 for k, v in headers)
            fields = dict(headers)
            seen["text"] = ("Content-Encoding" not in fields
                            and fields.get("Content-Type", "").startswith(TEXT))
            return start_response(status, headers, exc_info)
        body = b"".join(self.wsgi_app(environ, start))
        size = len(gzip.compress(body, 6)) if seen["text"] else len(body)
        self.sent.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], seen["head"] + size))
        return [body]


@pytest.fixture
def transfer(live):
    """What each answer weighs, compressed: live.sizes keeps what the app sends."""
    counter = Transfer(live.sizes.wsgi_app)
    live.sizes.wsgi_app = counter
    return counter


def log_in_by_api(context):
    """Logged in through the API, so nothing of the site is in the browser before Write."""
    token = context.request.get("/api/v1/session").json()["csrf_token"]
    assert context.request.post("/api/v1/session", headers={"X-CSRF-Token": token},
                                data={"login": "client", "password": PASSWORD}).ok


def report(capsys, title, sent, compressed):
    """Print both figures and each answer (they show in every run, CI's included); the totals."""
    total, small = (sum(size for _method, _path, size in rows) for rows in (sent, compressed))
    with capsys.disabled():
        print(f"\n{title}: {small} bytes compressed, {total} as the app sends them, "
              f"in {len(sent)} responses")
        for (method, path, size), (_m, _p, packed) in zip(sent, compressed):
            print(f"  {packed:6d} {size:6d}  {method} {path}")
    return total, small


@pytest.fixture
def no_worker(browser, live):
    """A phone-sized browser profile where no service worker may start."""
    context = browser.new_context(base_url=live.url, viewport={"width": 375, "height": 740},
                                  locale="ja-JP", service_workers="block")
    context.set_default_timeout(15000)
    yield context
    context.close()


def test_write_loads_in_at_most_25_kb_service_worker_aside(no_worker, live, transfer, capsys):
    log_in_by_api(no_worker)
    page = no_worker.new_page()
    live.sizes.sent.clear()
    transfer.sent.clear()
    page.goto("/notes/new?kind=worry")  # until the load event
    # The page and what it loads; the scripts' own requests (the session) are not loading.
    loaded = {urlsplit(url).path for url in page.evaluate(
        "[location.href, ...performance.getEntriesByType('resource').filter(e =>"
        " !['fetch', 'xmlhttprequest'].includes(e.initiatorType)"
        " && e.responseEnd <= performance.timing.loadEventStart - performance.timeOrigin)"
        ".map(e => e.name)]")}
    sent, compressed = ([row for row in rows if row[1] in loaded]
                        for rows in (live.sizes.sent, transfer.sent))
    _total, small = report(capsys, "Write until its load event, no service worker", sent,
                           compressed)
    paths = [path for _method, path, _size in sent]
    assert "/static/checkin.js" not in paths
    # No module is found only once the one importing it has come: the page names them all.
    named = page.evaluate("[...document.querySelectorAll('script[src], link[rel=modulepreload]')]"
                          ".map(e => new URL(e.src || e.href).pathname)")
    assert {path for path in paths if path.endswith(".js")} <= set(named)
    assert len(paths) == len(set(paths)), "a file fetched twice"
    assert small <= LOAD_BUDGET


def test_first_visit_to_write_transfers_at_most_45_kb_from_this_site_only(context, page, live,
                                                                         transfer, capsys):
    log_in_by_api(context)
    live.sizes.sent.clear()
    transfer.sent.clear()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto("/notes/new?kind=worry")
    wait_for_worker(page)
    # The worker has kept the app shell: everything a first visit brings is in.
    wait_until(page, "caches.keys().then(k => k.some(n => n.startsWith('companion-static-')))")
    wait_until(page, "caches.open('companion-pages').then(c => Promise.all("
                     "[c.match('/'), c.match('/notes/new')])).then(([a, b]) => Boolean(a && b))")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)

    total, small = report(capsys, "first visit to Write, service worker included",
                          live.sizes.sent, transfer.sent)
    assert hosts == {urlsplit(live.url).netloc}
    assert small <= FIRST_VISIT_BUDGET
    assert total <= SENT_BUDGET
