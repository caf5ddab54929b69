"""What furigana costs a page: My notes and Prepare for a client with 30 notes, rendered with
furigana off and on (server time through the WSGI app, median of 20, after one warm-up).

    python benchmarks/furigana_cost.py

Prints one line per page: the medians off and on, and their ratio; and the first, cold render
with furigana on (the analyzer's dictionary loading and an empty cache of readings).
"""
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from werkzeug.security import generate_password_hash  # noqa: E402

from companion import create_app, db  # noqa: E402
from companion.meetings import service as meetings  # noqa: E402
from companion.models import Assignment, ClientProfile, Office, User, utcnow  # noqa: E402
from companion.notes.service import create_note  # noqa: E402

RUNS = 20
BODIES = ["上司の指示が一度にたくさん来て、どれから始めればいいか分からなくなった",
          "今日は朝の電車が混んでいて、会社に着いたときには疲れていた",
          "休けい時間に同僚と話せて、少し気持ちが楽になった",
          "作業の手順をメモに書いたら、前より間違いが減った",
          "通院の日の出勤時間を、上司に相談したいと思っている"]


def build(app):
    """A client with 30 notes of the last hours and a meeting next week; the client's id."""
    with app.app_context(), db.database.connection_context():
        office = Office.create(name="事業所", phone="03-0000-0000")
        secret = generate_password_hash("x" * 12)
        supporter = User.create(office=office, role="supporter", login="bench-supporter",
                                display_name="山田 さくら", password_hash=secret)
        client = User.create(office=office, role="client", login="bench-client",
                             display_name="佐藤 みのり", password_hash=secret)
        ClientProfile.create(user=client)
        Assignment.create(client=client, supporter=supporter)
        now = utcnow()
        for n in range(30):
            create_note(client, {"kind": ("worry", "win", "goal")[n % 3], "body": BODIES[n % 5],
                                 "written_at": now - timedelta(minutes=10 * n + 1)})
        meetings.schedule(supporter, client, now + timedelta(days=7))
        return client.id


def median_ms(client, path):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def main():
    folder = tempfile.mkdtemp()
    os.environ["COMPANION_INSTANCE_PATH"] = folder
    app = create_app({"DATABASE_URL": "sqlite:///" + os.path.join(folder, "bench.sqlite3"),
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.migrate()
    client_id = build(app)
    web = app.test_client()
    web.post("/login", data={"login": "bench-client", "password": "x" * 12})
    for path in ("/notes", "/prepare"):
        with app.app_context(), db.database.connection_context():
            User.update(furigana=False).where(User.id == client_id).execute()
        web.get(path)
        off = median_ms(web, path)
        with app.app_context(), db.database.connection_context():
            User.update(furigana=True).where(User.id == client_id).execute()
        start = time.perf_counter()
        page = web.get(path).get_data(as_text=True)
        cold = (time.perf_counter() - start) * 1000
        assert "<ruby>" in page
        shown = page.count('class="note-body')
        on = median_ms(web, path)
        print(f"{path:10} off {off:6.1f} ms   on {on:6.1f} ms   ×{on / off:4.2f}   "
              f"(first with furigana: {cold:6.1f} ms; {shown} notes on the page, {len(page)} chars)")


if __name__ == "__main__":
    main()
