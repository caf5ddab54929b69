"""Fast and light: a first visit to Write costs a few tens of kilobytes, all from this site."""
from urllib.parse import urlsplit

import pytest

from .conftest import PASSWORD, wait_for_worker, wait_until

pytestmark = pytest.mark.browser
# 60 KB until the worker began keeping Home and Write at the first visit (offline from the
# first minute after logging in): those two pages, fetched once, cost about 20 KB more.
BUDGET = 64 * 1024


def test_first_visit_to_write_transfers_at_most_64_kb_from_this_site_only(context, page, live, capsys):
    # Logged in through the API, so nothing of the site is in the browser before Write.
    token = context.request.get("/api/v1/session").json()["csrf_token"]
    assert context.request.post("/api/v1/session", headers={"X-CSRF-Token": token},
                                data={"login": "client", "password": PASSWORD}).ok
    live.sizes.sent.clear()
    hosts, page_bytes = set(), []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("response", lambda response: page_bytes.append(len(response.body() or b"")))

    page.goto("/notes/new?kind=worry")
    wait_for_worker(page)
    # The worker has kept the app shell: everything a first visit brings is in.
    wait_until(page, "caches.keys().then(k => k.some(n => n.startsWith('companion-static-')))")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)

    total = sum(size for _method, _path, size in live.sizes.sent)
    with capsys.disabled():  # the figure shows in every run, CI's included
        print(f"\nfirst visit to Write: {total} bytes sent in {len(live.sizes.sent)} responses in all, "
              f"service worker included ({sum(page_bytes)} bytes unzipped in the page's "
              f"{len(page_bytes)} responses)")
    for method, path, size in live.sizes.sent:
        print(f"  {size:6d}  {method} {path}")
    assert hosts == {urlsplit(live.url).netloc}
    assert total <= BUDGET
