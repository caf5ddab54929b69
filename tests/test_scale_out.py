"""Several processes, one truth: gunicorn workers and two app instances sharing Redis and the database.

These start real servers as the README's production section does: `companion migrate`
once, then `gunicorn` with several workers, the login counters in Redis
(COMPANION_TEST_REDIS_URL). The two-instance test also needs PostgreSQL
(COMPANION_TEST_DATABASE_URL). They skip with the reason when those are missing, unless
COMPANION_REQUIRE_SERVICES=1 (as in CI).
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie

import pytest

import conftest
from companion import db
from companion.models import Note

REDIS_URL = os.environ.get("COMPANION_TEST_REDIS_URL")
REQUIRED = os.environ.get("COMPANION_REQUIRE_SERVICES") == "1"
WRONG = "not the password at all"


def need(condition, reason):
    if not condition:
        if REQUIRED:
            pytest.fail("COMPANION_REQUIRE_SERVICES=1 but " + reason)
        pytest.skip(reason)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn instance of the app, as production runs it."""

    def __init__(self, env, workers, extra=()):
        self.port = free_port()
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        self.process = subprocess.Popen(
            [gunicorn, "--no-control-socket", "--workers", str(workers), "--bind",
             f"127.0.0.1:{self.port}", "--graceful-timeout", "2", *extra,
             "companion:create_app()"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if Browser(self).request("GET", "/api/v1/session")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + self.process.stderr.read().decode()[-2000:])

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Browser:
    """A browser's cookies, sent to any server, from a chosen loopback address."""

    def __init__(self, server, address="127.0.0.1"):
        self.server, self.address, self.cookies = server, address, {}

    def request(self, method, path, body=None, server=None, timeout=10):
        server = server or self.server
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout,
                                                source_address=(self.address, 0))
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
            headers["X-CSRF-Token"] = self.token(server)  # first: it may start the session
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, json.dumps(body) if body is not None else None,
                               headers)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, (json.loads(data) if data.startswith((b"{", b"[")) else data)
        finally:
            connection.close()

    def token(self, server):
        status, data = self.request("GET", "/api/v1/session", server=server)
        return data["csrf_token"]

    def login(self, login, password=conftest.PASSWORD, server=None):
        return self.request("POST", "/api/v1/session",
                            {"login": login, "password": password, "remember": False}, server)[0]


def environment(database_url, **extra):
    """The production environment of the README, pointed at the test's database and Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    env.update(COMPANION_DATABASE_URL=database_url, COMPANION_SECRET_KEY="one-key-for-all",
               COMPANION_RATELIMIT_STORAGE_URI=REDIS_URL or "", **extra)
    return env


@pytest.fixture
def redis_counters():
    need(REDIS_URL, "COMPANION_TEST_REDIS_URL is not set (a redis-server to share login counters)")
    import redis
    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture
def served(app, people, redis_counters, tmp_path):
    """Start servers on the test's database: served(workers) → Server; all stopped afterwards."""
    url = app.config["DATABASE_URL"]
    db.database.close()
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "companion"), "migrate"],
                   env=environment(url, COMPANION_INSTANCE_PATH=str(tmp_path / "instance")),
                   check=True, capture_output=True)
    started = []

    def start(workers, extra=()):
        server = Server(environment(url, COMPANION_INSTANCE_PATH=str(tmp_path / "instance")),
                        workers, extra)
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


def test_the_login_limit_holds_across_four_workers_and_spares_the_real_person(served):
    # Each worker answers one request and is replaced: counts can only add up through Redis.
    server = served(4, ["--max-requests", "1"])
    guesser = Browser(server, "127.0.0.2")
    statuses = [guesser.login("client", WRONG) for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    real = Browser(server, "127.0.0.3")
    assert real.login("client") == 200
    assert real.request("GET", "/api/v1/me")[1]["login"] == "client"


def test_two_instances_share_sessions_and_limits_and_lose_no_note(served, people):
    if not conftest.PG_URL:  # the suite's PostgreSQL pass runs it (CI runs both)
        pytest.skip("COMPANION_TEST_DATABASE_URL is not set (the scale-out setup uses PostgreSQL)")
    a, b = served(2), served(2)
    me = Browser(a)
    assert me.login("client") == 200
    status, data = me.request("GET", "/api/v1/me", server=b)
    assert (status, data["login"]) == (200, "client")  # signed in on A, going on on B

    sent, acknowledged, lock = [], [], threading.Lock()

    def writer(n):
        browser = Browser(a)
        browser.cookies = dict(me.cookies)
        for k in range(20):
            note_id = str(uuid.uuid4())
            body = {"id": note_id, "kind": "worry", "body": f"writer {n} note {k}"}
            with lock:
                sent.append(note_id)
            for attempt in range(6):
                server = (a, b)[(n + k + attempt) % 2]
                try:
                    status, _ = browser.request("POST", "/api/v1/notes", body, server=server)
                except OSError:
                    continue
                if status in (200, 201):
                    # Sent again, on purpose, as a phone does when an answer is lost.
                    if k % 5 == 0:
                        assert browser.request("POST", "/api/v1/notes", body,
                                               server=(b, a)[(n + k) % 2])[0] == 200
                    with lock:
                        acknowledged.append(note_id)
                    break
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.database.connection_context():
        stored = [n.id for n in Note.select().where(Note.client == people["client"].id)]
    print(f"notes sent {len(sent)}, acknowledged {len(acknowledged)}, stored {len(stored)}, "
          f"duplicates {len(stored) - len(set(stored))}")
    assert sorted(acknowledged) == sorted(sent) == sorted(stored)

    guesser = Browser(a, "127.0.0.4")
    statuses = [guesser.login("supporter", WRONG, server=(a, b)[n % 2]) for n in range(11)]
    assert statuses == [401] * 10 + [429]  # one count, whichever instance answers
