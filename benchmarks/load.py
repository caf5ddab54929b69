"""Load benchmark: the app's routes against a hello-world Flask app, under the same gunicorn.

    python benchmarks/load.py [--database-url URL] [--seconds 3] [--rounds 3]

It builds a database through the app's own functions (clients with 1 month, 1 year, 3 years
and 10 years of notes, check-ins and monthly meetings run through start and close; caseloads
of 5, 60 and 200 clients), starts the app and benchmarks/hello.py under gunicorn with the
same settings (2 sync workers), and measures each route in slices interleaved with
hello-world, one keep-alive connection at a time. It prints requests/s, p50 and p95, the
ratio to hello-world, the ratio to the route's smallest case, and the SQL statements the
route runs (counted in-process). SQLite by default, in a temporary folder; pass a
PostgreSQL URL to measure that instead (its database is emptied first).
"""
import argparse
import http.client
import json
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from werkzeug.security import generate_password_hash  # noqa: E402

from companion import create_app, db  # noqa: E402
from companion.checkins import save_checkin  # noqa: E402
from companion.clock import utcnow  # noqa: E402
from companion.meetings import service as meetings  # noqa: E402
from companion.models import AgendaItem, Assignment, ClientProfile, Office, User  # noqa: E402
from companion.notes.service import create_note, update_note  # noqa: E402

PASSWORD = "benchmark-password"
HASH = generate_password_hash(PASSWORD)
HISTORIES = {"1 month": 1, "1 year": 12, "3 years": 36, "10 years": 120}
CASELOADS = (5, 60, 200)
BODIES = ("上司の指示が一度にたくさん来て困った", "朝の電車が混んでいてつらかった",
          "新しい作業を一人でできた", "休けいの取り方を相談したい", "メモを取る習慣がついた")


def person(office, role, login, name, supporter=None):
    user = User.create(office=office, role=role, login=login, display_name=name,
                       password_hash=HASH)
    if role == "client":
        ClientProfile.create(user=user, hire_date=date(2016, 4, 1))
        if supporter is not None:
            Assignment.create(client=user, supporter=supporter)
    return user


def history(client, supporter, months, now):
    """Monthly life: ~8 notes and ~20 check-ins a month, a meeting started and closed each month."""
    for month in range(months, 0, -1):
        first = now - timedelta(days=30 * month)
        for n in range(8):
            create_note(client, {"kind": ("worry", "win", "goal", "worry")[n % 4],
                                 "body": BODIES[n % len(BODIES)], "weight": "small" if n % 4 in (0, 3) else None,
                                 "written_at": first + timedelta(days=3 * n + 1, hours=n)})
        for day in range(0, 30, 3):
            for extra in (0, 1):
                save_checkin(client, (first + timedelta(days=day + extra, hours=9)).date(),
                             {"mood": 1 + (day + extra) % 5, "body": 3, "sleep": 4})
        # One note the client keeps out of the meeting (「今回は話さない」): it stays open for good.
        private = create_note(client, {"kind": "worry", "body": "今は話したくない", "weight": "small",
                                       "written_at": first + timedelta(days=20)})[0]
        update_note(private, {"agenda_choice": "keep_private"})
        when = first + timedelta(days=27)
        meeting = meetings.schedule(supporter, client, when)
        meeting = meetings.start(meeting, supporter, now=when, early=True)
        # The meeting talks about what it holds; one worry is kept for next time.
        for n, item in enumerate(AgendaItem.select().where(AgendaItem.meeting == meeting.id)):
            status = ("done" if item.ref_type == "action" else
                      "carry_over" if n == 0 else "resolved" if n % 3 else "discussed")
            meetings.record(item, {"status": status, "outcome": "話した"})
        meetings.add_action(meeting, {"text": "上司にメモを頼む", "owner": "client"},
                            now=when + timedelta(minutes=30))
        meetings.close(meeting, "次回も様子を見る", now=when + timedelta(minutes=40))
    # This month's notes, and the next meeting.
    for n in range(8):
        create_note(client, {"kind": "worry" if n % 2 else "win", "body": BODIES[n % len(BODIES)],
                             "written_at": now - timedelta(days=n + 1)})
    return meetings.schedule(supporter, client, now + timedelta(days=3))


def build(app):
    """The whole world; returns {case name: path} for each measured request, and the logins."""
    now = utcnow()
    with app.app_context(), db.database.connection_context():
        office = Office.create(name="ベンチ事業所", phone="03-0000-0000")
        routes = {}
        for label, months in HISTORIES.items():
            supporter = person(office, "supporter", f"s-{months}", f"支援員 {months}")
            client = person(office, "client", f"c-{months}", f"利用者 {months}", supporter)
            meeting = history(client, supporter, months, now)
            routes[f"agenda API, {label}"] = (f"s-{months}", f"/api/v1/meetings/{meeting.id}/agenda")
            routes[f"meeting page, {label}"] = (f"s-{months}", f"/meetings/{meeting.id}")
            routes[f"Prepare, {label}"] = (f"c-{months}", "/prepare")
            routes[f"Home (client), {label}"] = (f"c-{months}", "/")
            # This supporter's caseload is this one client: the cost of one client's years.
            routes[f"caseload API (1 client), {label}"] = (f"s-{months}", "/api/v1/caseload")
        for size in CASELOADS:
            supporter = person(office, "supporter", f"load-{size}", f"担当 {size}")
            for n in range(size):
                client = person(office, "client", f"load-{size}-{n}", f"利用者 {size}-{n}", supporter)
                history(client, supporter, 1, now)
            routes[f"caseload API, {size} clients"] = (f"load-{size}", "/api/v1/caseload")
        routes["me API"] = ("c-1", "/api/v1/me")
    return routes


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn(target, port, env):
    """Start gunicorn on target; wait until it answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning", target],
        cwd=ROOT, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn on {target} did not start")


def log_in(port, login):
    """A session cookie for login, through the API as the app's own page does."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/api/v1/session")
    response = conn.getresponse()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = json.loads(response.read())["csrf_token"]
    conn.request("POST", "/api/v1/session", body=json.dumps(
        {"login": login, "password": PASSWORD}), headers={
        "Content-Type": "application/json", "X-CSRF-Token": token, "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    assert response.status == 200, (login, response.status)
    return response.getheader("Set-Cookie").split(";")[0]


def measure(port, path, cookie, seconds):
    """Requests/s and latencies (ms) of one keep-alive connection for `seconds`."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Cookie": cookie} if cookie else {}
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        assert response.status == 200, (path, response.status)
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    times.sort()
    return len(times) / seconds, statistics.median(times), times[int(len(times) * 0.95) - 1]


def queries(app, login, path):
    """The SQL statements one request runs, counted in-process through peewee's log."""
    seen = []

    class Collector(logging.Handler):
        def emit(self, record):
            seen.append(record)
    client = app.test_client()
    client.post("/login", data={"login": login, "password": PASSWORD})
    client.get(path)  # warm
    logger = logging.getLogger("peewee")
    handler = Collector(level=logging.DEBUG)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        client.get(path)
    finally:
        logger.removeHandler(handler)
    return len(seen)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="companion-bench-")
    url = args.database_url or "sqlite:///" + os.path.join(folder, "bench.sqlite3")
    env = {**os.environ, "COMPANION_INSTANCE_PATH": folder, "COMPANION_DATABASE_URL": url,
           "COMPANION_SECRET_KEY": "benchmark", "PYTHONPATH": ROOT}
    os.environ.update({k: env[k] for k in ("COMPANION_INSTANCE_PATH",)})
    config = {"DATABASE_URL": url, "SECRET_KEY": "benchmark", "WTF_CSRF_ENABLED": False}
    app = create_app(config)
    if url.startswith("postgres"):
        with app.app_context():
            db.database.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    with app.app_context():
        db.migrate()
    started = time.perf_counter()
    routes = build(app)
    print(f"built the data in {time.perf_counter() - started:.0f} s ({url.split('://')[0]})")
    counts = {name: queries(app, login, path) for name, (login, path) in routes.items()}

    app_port, hello_port = free_port(), free_port()
    servers = [gunicorn("companion:create_app()", app_port, env),
               gunicorn("benchmarks.hello:app", hello_port, env)]
    try:
        cookies = {login: log_in(app_port, login) for login, _path in routes.values()}
        results = {name: [] for name in routes}
        hello = []
        for _round in range(args.rounds):
            for name, (login, path) in routes.items():
                hello.append(measure(hello_port, "/", None, args.seconds / 2))
                results[name].append(measure(app_port, path, cookies[login], args.seconds))
        floor = statistics.median(r[0] for r in hello)
        print(f"hello-world: {floor:.0f} requests/s, p50 {statistics.median(r[1] for r in hello):.2f} ms")
        print(f"{'route':34} {'queries':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'× hello':>8} {'× smallest':>10}")
        smallest = {}
        for name, runs in results.items():
            rps = statistics.median(r[0] for r in runs)
            group = name.split(",")[0]
            smallest.setdefault(group, rps)
            print(f"{name:34} {counts[name]:7d} {rps:7.0f} {statistics.median(r[1] for r in runs):7.2f} "
                  f"{statistics.median(r[2] for r in runs):7.2f} {rps / floor:8.3f} "
                  f"{smallest[group] / rps:10.2f}")
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
