"""Export benchmark: time, size and peak memory of a 10-year client's JSON and CSV exports.

    python benchmarks/export_memory.py [--database-url URL] [--years 10] [--rounds 3]

It builds one client with `--years` of history through the app's own functions (the notes,
check-ins and monthly meetings of benchmarks/load.py, and a report finalised each month),
then asks the app (in-process, through Flask's test client, reading the answer as it comes)
for /api/v1/export and /api/v1/export.csv. It prints, for each, the bytes, the time to the
first chunk and to the last (median of the rounds), and the peak of Python memory allocated
while answering (tracemalloc, in a round of its own: tracing slows everything down).
SQLite by default, in a temporary folder; a PostgreSQL URL's database is emptied first.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.load import PASSWORD, history, person  # noqa: E402
from companion import create_app, db  # noqa: E402
from companion.clock import utcnow  # noqa: E402
from companion.models import Meeting, Office  # noqa: E402
from companion.reports import service as reports  # noqa: E402

PATHS = ("/api/v1/export", "/api/v1/export.csv")


def build(years):
    """A client with `years` of history, each month's report finalised; returns the login."""
    with db.database.connection_context():
        office = Office.create(name="ベンチ事業所", phone="03-0000-0000")
        supporter = person(office, "supporter", "s-export", "支援員")
        client = person(office, "client", "c-export", "利用者", supporter)
        history(client, supporter, 12 * years, utcnow())
        months = {reports.month_of(m.closed_at) for m in Meeting.select(Meeting.closed_at).where(
            (Meeting.client == client.id) & Meeting.closed_at.is_null(False))}
        for month in sorted(months):
            reports.finalise(client, month, supporter, {"comment_for_client": "よくがんばりました"})
    return client.login


def fetch(browser, path):
    """(bytes, seconds to the first chunk, seconds in all) of one export, read as it comes."""
    start = time.perf_counter()
    response = browser.get(path, buffered=False)
    assert response.status_code == 200, (path, response.status_code)
    size, first = 0, None
    for chunk in response.response:
        if first is None:
            first = time.perf_counter() - start
        size += len(chunk)
    response.close()
    return size, first, time.perf_counter() - start


def peak(browser, path):
    """The most Python memory held at once while answering one export, in bytes."""
    tracemalloc.start()
    try:
        fetch(browser, path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="companion-export-")
    url = args.database_url or "sqlite:///" + os.path.join(folder, "bench.sqlite3")
    os.environ["COMPANION_INSTANCE_PATH"] = folder
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark", "WTF_CSRF_ENABLED": False})
    try:
        with app.app_context():
            if url.startswith("postgres"):
                db.database.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            db.migrate()
            started = time.perf_counter()
            login = build(args.years)
        print(f"built {args.years} years in {time.perf_counter() - started:.0f} s "
              f"({url.split('://')[0]})")
        browser = app.test_client()
        assert browser.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302
        print(f"{'export':22} {'bytes':>10} {'first ms':>9} {'total ms':>9} {'peak MiB':>9}")
        for path in PATHS:
            fetch(browser, path)  # warm
            runs = [fetch(browser, path) for _round in range(args.rounds)]
            print(f"{path:22} {runs[0][0]:10d} {statistics.median(r[1] for r in runs) * 1000:9.0f} "
                  f"{statistics.median(r[2] for r in runs) * 1000:9.0f} "
                  f"{peak(browser, path) / 2**20:9.1f}")
    finally:
        if url.startswith("postgres"):
            db.database.obj.close_all()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
