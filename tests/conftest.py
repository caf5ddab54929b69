"""Fixtures: a fresh database per test (SQLite, or PostgreSQL when a URL is given), people, logins."""
import json
import logging
import os
import re
from contextlib import contextmanager
from datetime import datetime, timedelta

import peewee
import pytest
from werkzeug.security import generate_password_hash

from companion import create_app, db, models
from companion.models import (
    ActionItem, AgendaItem, Assignment, ClientProfile, Meeting, MonthlyReport, Note, Office,
    Strength, SupporterRequest, User, today, utcnow,
)

PG_URL = os.environ.get("COMPANION_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"
# One hash for everyone, cheap to check: the app hashes with scrypt, deliberately slow.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def reset_postgres(url):
    """Empty the test database's public schema."""
    database = db.make_database(url)
    with database.connection_context():
        database.execute_sql("DROP SCHEMA public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
    database.close_all()


@pytest.fixture
def app(tmp_path, monkeypatch):
    """An app on a fresh, migrated database."""
    url = PG_URL or "sqlite:///" + str(tmp_path / "test.sqlite3")
    if PG_URL:
        reset_postgres(PG_URL)
    monkeypatch.setenv("COMPANION_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-" + tmp_path.name})
    db.migrate()
    yield app
    if PG_URL:
        db.database.obj.close_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(office, role, login, name=None, supporter=None, **profile):
    """Create an active person with the test password."""
    user = User.create(office=office, role=role, login=login, display_name=name or login,
                       password_hash=PASSWORD_HASH)
    if role == "client":
        ClientProfile.create(user=user, **profile)
        if supporter is not None:
            Assignment.create(client=user, supporter=supporter)
    return user


@pytest.fixture
def people(app):
    """Two offices: A with a manager, two supporters and a client each; B with one of each."""
    with db.database.connection_context():
        a = Office.create(name="事業所A", phone="03-0000-0001")
        b = Office.create(name="事業所B", phone="03-0000-0002")
        found = {"office_a": a, "office_b": b}
        found["manager"] = make_user(a, "manager", "manager")
        found["supporter"] = make_user(a, "supporter", "supporter")
        found["other_supporter"] = make_user(a, "supporter", "other-supporter")
        found["client"] = make_user(a, "client", "client", "佐藤 みのり", found["supporter"],
                                    office_phone="03-1111-2222")
        found["other_client"] = make_user(a, "client", "other-client", None, found["other_supporter"])
        found["manager_b"] = make_user(b, "manager", "manager-b")
        found["supporter_b"] = make_user(b, "supporter", "supporter-b")
        found["client_b"] = make_user(b, "client", "client-b", None, found["supporter_b"])
    return found


def csrf_token(client):
    """A CSRF token for the client's current session."""
    return client.get("/api/v1/session").get_json()["csrf_token"]


def form_token(html):
    """The CSRF token embedded in a page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Auth:
    """Log a test client in and out, the way a browser does."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def login(self, login, password=PASSWORD, remember=False):
        token = form_token(self.client.get("/login").get_data(as_text=True))
        response = self.client.post("/login", data={
            "login": login, "password": password, "csrf_token": token,
            **({"remember": "1"} if remember else {})})
        self.token = csrf_token(self.client)
        return response

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": csrf_token(self.client)})

    def headers(self):
        return {"X-CSRF-Token": self.token or csrf_token(self.client)}

    def post(self, url, **kwargs):
        return self.client.post(url, headers=self.headers(), **kwargs)

    def put(self, url, **kwargs):
        return self.client.put(url, headers=self.headers(), **kwargs)

    def patch(self, url, **kwargs):
        return self.client.patch(url, headers=self.headers(), **kwargs)

    def delete(self, url, **kwargs):
        return self.client.delete(url, headers=self.headers(), **kwargs)

    def form(self, url, data=None, page=None):
        """Post a form with the token taken from page (or from url's own page)."""
        html = self.client.get(page or url).get_data(as_text=True)
        return self.client.post(url, data={**(data or {}), "csrf_token": form_token(html)})


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def login_as(app, people):
    """Log a fresh browser (with its own cookies) in as the named person."""
    def login(name):
        auth = Auth(app.test_client())
        assert auth.login(people[name].login).status_code == 302
        return auth
    return login


def in_english(people, name):
    """Make the named person read English (tests/test_i18n.py keeps the catalog complete)."""
    User.update(locale="en").where(User.id == people[name].id).execute()


@contextmanager
def count_rows():
    """Count the rows the queries inside the block bring into Python (seen["rows"])."""
    seen = {"rows": 0}
    iterate = peewee.CursorWrapper.iterate

    def counted(self, *args, **kwargs):
        row = iterate(self, *args, **kwargs)
        seen["rows"] += 1
        return row
    peewee.CursorWrapper.iterate = counted
    try:
        yield seen
    finally:
        peewee.CursorWrapper.iterate = iterate


@contextmanager
def count_queries():
    """Count the SQL statements peewee runs inside the block."""
    seen = []

    class Collector(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    logger = logging.getLogger("peewee")
    handler = Collector(level=logging.DEBUG)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def pytest_report_header(config):
    """Say which database engine this run uses, so a CI log shows both passes."""
    return f"companion database: {'PostgreSQL ' + PG_URL.split('@')[-1] if PG_URL else 'SQLite (a fresh file per test)'}"


def held(client, supporter, notes=(), when=None, mode="in_person", actions=(), summary="まとめ"):
    """A meeting closed at `when` (an hour ago by default); notes: [(note, status, outcome)]."""
    when = when or utcnow() - timedelta(hours=1)
    with db.database.connection_context():
        meeting = Meeting.create(client=client.id, supporter=supporter.id, mode=mode,
                                 scheduled_at=when - timedelta(hours=1), state="closed",
                                 started_at=when - timedelta(minutes=50), closed_at=when,
                                 summary=summary, snapshot=json.dumps({
                                     "highlights": [],
                                     "condition": [[s, None, None, 0, []] for s in ("mood", "body", "sleep")],
                                     "window": [(when - timedelta(days=30)).isoformat(), when.isoformat()]}))
        for position, (note, status, outcome) in enumerate(notes):
            AgendaItem.create(meeting=meeting, section="worries" if note.kind == "worry" else "wins",
                              position=position, ref_type="note", note=note.id, text=note.body,
                              kind=note.kind, topic=note.topic, status=status, outcome=outcome,
                              written_at=note.written_at)
        for text, owner in actions:
            ActionItem.create(client=client.id, meeting=meeting, text=text, owner=owner)
    return meeting


def all_models():
    """Every table the application defines."""
    base = models.BaseModel
    return [m for m in vars(models).values()
            if isinstance(m, type) and issubclass(m, base) and m is not base]


def note(client, visibility="shared"):
    """A note written by client."""
    return Note.create(client=client, kind="worry", weight="small", body="朝がつらい",
                       visibility=visibility, written_at=datetime(2025, 5, 1, 3, 0))


def sign_in(client, user):
    """Put user's login in the test client's session, as a successful login does.

    A real login checks a password hash, which is slow on purpose; the matrix is about
    what a signed-in person may reach, and test_auth covers logging in itself.
    """
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


# A client's wish for another supporter, which no supporter may ever read.
PRIVATE_WISH = "ほかの支援員さんと話してみたい"


@pytest.fixture
def world(people, login_as):
    """Real objects of the client's, seen by their supporter and the manager; ids by argument name."""
    sato, supporter = people["client"], people["supporter"]
    with db.database.connection_context():
        note = Note.create(client=sato, kind="worry", weight="small", body="電話がこわい",
                           written_at=utcnow() - timedelta(days=1))
        running = Meeting.create(client=sato, supporter=supporter, scheduled_at=utcnow())
        scheduled = Meeting.create(client=sato, supporter=supporter,
                                   scheduled_at=utcnow() + timedelta(days=3))
    staff = login_as("supporter")
    started = staff.post(f"/api/v1/meetings/{running.id}/start").get_json()
    item = next(i for s in started["sections"] for i in s["items"])
    action = staff.post(f"/api/v1/meetings/{running.id}/actions",
                        json={"text": "メモ帳を買う", "owner": "client"}).get_json()
    month = (utcnow() + timedelta(hours=9)).strftime("%Y-%m")
    with db.database.connection_context():
        MonthlyReport.create(client=sato, month=month)
        SupporterRequest.create(client=sato, reason=PRIVATE_WISH)
        entry = Strength.create(client=sato, part="strength", text="ていねいに確認できる",
                                accepted_at=utcnow())
    return {"note_id": note.id, "entry_id": str(entry.id), "meeting_id": str(scheduled.id), "item_id": str(item["id"]),
            "action_id": str(action["id"]), "client_id": str(sato.id), "user_id": str(sato.id),
            "month": month, "day": today().isoformat(), "what": "private", "token": "x" * 43}


def fill(rule, values):
    """The rule's URL with each argument taken from values."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: values[m.group(1)], rule)


@pytest.fixture
def login(login_as):
    """A logged-in browser per person: login("supporter") → an Auth with its own cookies."""
    return login_as


def write(client, body, kind="worry", days_ago=1, **fields):
    """A note the client jotted days_ago days ago."""
    written = utcnow() - timedelta(days=days_ago)
    with db.database.connection_context():
        return Note.create(client=client, kind=kind, body=body, written_at=written,
                           received_at=written, updated_at=written,
                           weight=fields.pop("weight", "small" if kind == "worry" else None),
                           **fields)


def schedule(auth, client, days=0, mode="in_person"):
    """Schedule a meeting through the API; its JSON."""
    moment = (utcnow() + timedelta(days=days)).replace(microsecond=0).isoformat() + "Z"
    response = auth.post("/api/v1/meetings", json={"client_id": client.id, "scheduled_at": moment,
                                                   "mode": mode})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def agenda(auth, meeting_id):
    """The agenda of a meeting as the API gives it."""
    response = auth.client.get(f"/api/v1/meetings/{meeting_id}/agenda")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def section(data, key):
    """The items of one section."""
    return next(s for s in data["sections"] if s["key"] == key)["items"]


def item_for(data, text):
    """The agenda item showing this text, wherever it is."""
    return next(i for s in data["sections"] for i in s["items"] if i["text"] == text)


def form(auth, url, data, page):
    """Post an HTML form with the CSRF token of the page it sits on."""
    html = auth.client.get(page).get_data(as_text=True)
    return auth.client.post(url, data={**data, "csrf_token": form_token(html)})


class PushService:
    """A push service on a loopback port, as a browser's push service would be.

    Each device made by `device()` has its own keys, as a browser makes them. What arrives
    is decrypted (http_ece, aes128gcm) and its VAPID header checked against the app's public
    key; `answers[device]` lists statuses to answer in turn (201 once they run out).
    """

    def __init__(self):
        import base64
        import http.server
        import threading
        self._b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        self.devices, self.answers, self.received, self.problems = {}, {}, [], []
        self.lock = threading.Lock()
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = service.arrive(self.path.rsplit("/", 1)[-1],
                                        {k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.public_key = None  # the app's VAPID key, base64url, to check the header against
        self.subject = None

    def device(self, name):
        """A browser's subscription JSON for a new device."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        key = ec.generate_private_key(ec.SECP256R1())
        secret = os.urandom(16)
        self.devices[name] = (key, secret)
        point = key.public_key().public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.base}/push/{name}", "expirationTime": None,
                "keys": {"p256dh": self._b64(point), "auth": self._b64(secret)}}

    def arrive(self, name, headers, body):
        import http_ece
        with self.lock:
            queue = self.answers.get(name) or []
            status = queue.pop(0) if queue else 201
            if name not in self.devices:
                return 404
            key, secret = self.devices[name]
            try:
                claims = self.check_vapid(headers.get("authorization", ""))
                payload = json.loads(http_ece.decrypt(body, private_key=key, auth_secret=secret,
                                                      version="aes128gcm"))
            except Exception as exc:  # a bad message is a test failure, reported by the test
                self.problems.append(f"{name}: {exc!r}")
                return 400
            self.received.append({"device": name, "status": status, "payload": payload,
                                  "ttl": int(headers.get("ttl", "-1")), "claims": claims})
            return status

    def check_vapid(self, header):
        """The JWT claims of a `vapid t=..., k=...` header, after checking its signature."""
        import base64
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec, utils
        unpad = lambda text: base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))  # noqa: E731
        scheme, _, rest = header.partition(" ")
        assert scheme == "vapid", header
        parts = dict(p.strip().split("=", 1) for p in rest.split(","))
        assert parts["k"] == self.public_key, "signed with another key"
        head, claims, signature = parts["t"].split(".")
        raw = unpad(signature)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unpad(parts["k"]))
        public.verify(utils.encode_dss_signature(int.from_bytes(raw[:32], "big"),
                                                 int.from_bytes(raw[32:], "big")),
                      f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        claims = json.loads(unpad(claims))
        assert claims["aud"] == self.base, claims
        assert claims["sub"] == self.subject, claims
        assert claims["exp"] > datetime.now().timestamp(), claims
        return claims

    def payloads(self, device=None):
        return [r["payload"] for r in self.received
                if (device is None or r["device"] == device) and r["status"] < 300]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push_service(app):
    """A local push service the app may send to; its problems fail the test."""
    from companion.reminders import push
    service = PushService()
    app.config["PUSH_SERVICES"] = "127.0.0.1"
    with app.app_context():
        service.public_key = push.public_key()
        service.subject = push.subject()
    yield service
    service.close()
    assert not service.problems, service.problems
