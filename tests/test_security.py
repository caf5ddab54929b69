"""Protection on every response: CSRF on writes, security headers, body limits, error shapes."""
import logging
import re

import pytest

from companion import db
from companion.models import CheckIn, Note, User, today
from conftest import csrf_token, form_token, note, sign_in

BIG = 64 * 1024 + 1


def assert_error_shape(response, status, code):
    """The API's one error shape, with a message and nothing of the server's insides."""
    assert response.status_code == status
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"].strip()
    assert "Traceback" not in response.get_data(as_text=True)


# --- CSRF ------------------------------------------------------------------------------

@pytest.fixture
def signed_in_client(client, people):
    """A browser where the client is signed in and holds a valid CSRF token."""
    sign_in(client, people["client"])
    csrf_token(client)
    return client


JSON_WRITES = [
    ("post", "/api/v1/notes", {"kind": "win", "body": "できた"}),
    ("put", f"/api/v1/checkins/{today().isoformat()}", {"mood": 4}),
    ("patch", "/api/v1/me", {"locale": "en"}),
    ("patch", "/api/v1/notes/{note}", {"body": "かえた"}),
    ("delete", "/api/v1/notes/{note}", None),
    ("delete", "/api/v1/session", None),
]


@pytest.mark.parametrize("token", [None, "not-a-token"], ids=["no token", "forged token"])
@pytest.mark.parametrize("method, url, body", JSON_WRITES,
                         ids=[f"{m} {u}" for m, u, _ in JSON_WRITES])
def test_json_write_without_csrf_token_is_refused(signed_in_client, people, method, url, body,
                                                  token):
    with db.database.connection_context():
        written = note(people["client"])
    headers = {"X-CSRF-Token": token} if token else {}
    response = getattr(signed_in_client, method)(url.format(note=written.id), json=body,
                                                 headers=headers)
    assert_error_shape(response, 400, "bad_request")
    with db.database.connection_context():
        assert Note.select().count() == 1
        kept = Note.get_by_id(written.id)
        assert (kept.body, kept.deleted_at) == ("朝がつらい", None)
        assert CheckIn.select().count() == 0
        assert User.get_by_id(people["client"].id).locale == "ja"
    assert signed_in_client.get("/api/v1/me").status_code == 200


def test_json_write_with_the_token_goes_through(signed_in_client):
    response = signed_in_client.post("/api/v1/notes", json={"kind": "win", "body": "できた"},
                                     headers={"X-CSRF-Token": csrf_token(signed_in_client)})
    assert response.status_code == 201


def test_token_of_another_session_is_refused(app, signed_in_client, people):
    stranger = app.test_client()
    response = signed_in_client.post("/api/v1/notes", json={"kind": "win", "body": "できた"},
                                     headers={"X-CSRF-Token": csrf_token(stranger)})
    assert_error_shape(response, 400, "bad_request")


def test_form_post_without_csrf_token_is_refused(signed_in_client, people):
    response = signed_in_client.post("/settings", data={"locale": "en"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "画面が古くなりました" in response.get_data(as_text=True)
    with db.database.connection_context():
        assert User.get_by_id(people["client"].id).locale == "ja"


def test_form_post_with_the_token_goes_through(signed_in_client, people):
    html = signed_in_client.get("/settings").get_data(as_text=True)
    response = signed_in_client.post("/settings", data={"locale": "en",
                                                        "csrf_token": form_token(html)})
    assert response.status_code == 302
    with db.database.connection_context():
        assert User.get_by_id(people["client"].id).locale == "en"


@pytest.mark.parametrize("send", [
    lambda c: c.post("/login", data={"login": "client", "password": "x"}),
    lambda c: c.post("/api/v1/session", json={"login": "client", "password": "x"}),
], ids=["form", "json"])
def test_login_without_csrf_token_is_refused(client, people, send):
    assert send(client).status_code == 400


# --- headers ---------------------------------------------------------------------------

@pytest.fixture
def failing_app(app):
    """The app with two routes that crash, registered before its first request."""
    def crash():
        raise RuntimeError("secret detail of the crash")
    app.add_url_rule("/crash", "crash", crash)
    app.add_url_rule("/api/v1/crash", "api_crash", crash)
    return app


RESPONSES = {
    "login page": (lambda c: c.get("/login"), 200, "text/html"),
    "html page": (lambda c: c.get("/settings"), 200, "text/html"),
    "json": (lambda c: c.get("/api/v1/me"), 200, "application/json"),
    "html 404": (lambda c: c.get("/nowhere"), 404, "text/html"),
    "json 404": (lambda c: c.get("/api/v1/nowhere"), 404, "application/json"),
    "json 405": (lambda c: c.put("/api/v1/me"), 405, "application/json"),
    "html 413": (lambda c: c.post("/settings", data={"x": "y" * BIG}), 413, "text/html"),
    "json 413": (lambda c: c.post("/api/v1/notes", data="x" * BIG,
                                  content_type="application/json"), 413, "application/json"),
    "html 500": (lambda c: c.get("/crash"), 500, "text/html"),
    "json 500": (lambda c: c.get("/api/v1/crash"), 500, "application/json"),
    "static": (lambda c: c.get("/static/style.css"), 200, "text/css"),
    "static 404": (lambda c: c.get("/static/nothing.css"), 404, "text/html"),
}


@pytest.mark.parametrize("kind", RESPONSES)
def test_security_headers_on_every_response(failing_app, people, kind):
    send, status, mimetype = RESPONSES[kind]
    client = failing_app.test_client()
    if kind != "login page":
        sign_in(client, people["client"])
    response = send(client)
    assert (response.status_code, response.mimetype) == (status, mimetype)
    csp = dict(part.strip().split(" ", 1)
               for part in response.headers["Content-Security-Policy"].split(";"))
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer",
                                                   "strict-origin-when-cross-origin")
    if not kind.startswith("static"):
        assert "no-store" in response.headers["Cache-Control"]


PAGES = {
    None: ["/login", "/login?lang=en", "/nowhere", "/invite/not-a-token"],
    "client": ["/", "/notes", "/notes/new", "/settings", "/settings/access-log"],
    "supporter": ["/", "/clients/{client}", "/accounts/", "/accounts/{client}"],
    "manager": ["/accounts/", "/accounts/{client}", "/admin/access-log", "/admin/assignments"],
}


@pytest.mark.parametrize("role", PAGES, ids=lambda role: role or "anonymous")
def test_pages_need_nothing_the_csp_forbids(client, people, role):
    if role:
        sign_in(client, people[role])
    for url in PAGES[role]:
        html = client.get(url.format(client=people["client"].id)).get_data(as_text=True)
        assert "<html" in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script on {url}"
        assert not re.search(r"\sstyle\s*=", html), f"style attribute on {url}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"event handler attribute on {url}"
        assert "javascript:" not in html, url
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), f"other site on {url}"


def test_anonymous_json_error_has_the_headers_too(client):
    response = client.get("/api/v1/me")
    assert_error_shape(response, 401, "unauthorized")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]


# --- errors ----------------------------------------------------------------------------

def test_json_body_over_64_kb_is_too_large(signed_in_client):
    token = csrf_token(signed_in_client)
    body = {"kind": "win", "body": "あ" * 30000}  # about 90 KB as UTF-8
    response = signed_in_client.post("/api/v1/notes", json=body, headers={"X-CSRF-Token": token})
    assert_error_shape(response, 413, "too_large")
    with db.database.connection_context():
        assert Note.select().count() == 0


def test_body_just_under_64_kb_reaches_validation(signed_in_client):
    token = csrf_token(signed_in_client)
    body = {"kind": "win", "body": "x" * (60 * 1024)}
    response = signed_in_client.post("/api/v1/notes", json=body, headers={"X-CSRF-Token": token})
    assert_error_shape(response, 422, "validation_error")
    assert "body" in response.get_json()["error"]["fields"]


def test_form_over_64_kb_gets_a_friendly_page(signed_in_client):
    html = signed_in_client.get("/notes/new").get_data(as_text=True)
    response = signed_in_client.post("/notes/new", data={
        "csrf_token": form_token(html), "kind": "win", "body": "x" * BIG})
    assert response.status_code == 413
    assert "送る内容が大きすぎます" in response.get_data(as_text=True)


def test_wrong_method_on_the_api_answers_the_error_shape(signed_in_client):
    response = signed_in_client.put("/api/v1/me")
    assert_error_shape(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_crash_answers_json_without_a_stack_trace(failing_app, caplog):
    client = failing_app.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/crash")
    assert_error_shape(response, 500, "server_error")
    assert "secret detail" not in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)
    assert any("secret detail" in (r.exc_text or str(r.exc_info)) for r in caplog.records)


def test_crash_shows_a_friendly_page(failing_app):
    response = failing_app.test_client().get("/crash")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "<html" in page and "うまく動きませんでした" in page
    assert "secret detail" not in page and "Traceback" not in page


def test_error_page_speaks_english_when_chosen(client):
    page = client.get("/nowhere?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Page not found." in page and "ページが見つかりません" not in page


def test_browser_asking_for_json_gets_json_errors(client):
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert_error_shape(response, 404, "not_found")


# --- cookies ---------------------------------------------------------------------------

def test_session_cookie_is_httponly_and_lax(client, auth, people):
    auth.login("client", remember=True)
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        assert cookie.http_only
        assert cookie.same_site == "Lax"
        assert not cookie.secure


def test_cookies_are_secure_and_hsts_sent_behind_https(tmp_path, monkeypatch):
    from companion import create_app
    monkeypatch.setenv("COMPANION_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("COMPANION_SECURE_COOKIES", "true")
    app = create_app({"TESTING": True, "SECRET_KEY": "s",
                      "DATABASE_URL": "sqlite:///" + str(tmp_path / "db.sqlite3")})
    response = app.test_client().get("/api/v1/session", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
