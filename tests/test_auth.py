"""Logging in and out: fresh sessions, cookies that die, rate limits and safe redirects."""
import logging
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest
from werkzeug.security import generate_password_hash

from companion import auth as auth_module, db
from companion.models import User
from conftest import PASSWORD, csrf_token, form_token

# A deliberately cheap hash for tests that try many logins; real hashes are slow on purpose.
CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
WRONG = "not the password"


@pytest.fixture
def fast_logins(people, monkeypatch):
    """Make every password check of this test cheap, including the one for unknown logins."""
    with db.database.connection_context():
        User.update(password_hash=CHEAP_HASH).execute()
    monkeypatch.setattr(auth_module, "_DUMMY_HASH", CHEAP_HASH)
    return people


def api_login(client, login, password=PASSWORD, remember=False, **kwargs):
    """Log in through the JSON API with a fresh CSRF token."""
    return client.post("/api/v1/session", json={
        "login": login, "password": password, "remember": remember},
        headers={"X-CSRF-Token": csrf_token(client)}, **kwargs)


def form_login(client, login, password=PASSWORD, **data):
    """Log in through the login page's form."""
    token = form_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"login": login, "password": password,
                                       "csrf_token": token, **data})


def me_status(app, **cookies):
    """What /api/v1/me answers to a new browser holding only these cookies."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser.get("/api/v1/me").status_code


# --- logging in ------------------------------------------------------------------------

@pytest.mark.parametrize("login", [form_login, api_login], ids=["form", "api"])
def test_login_starts_a_fresh_session(client, fast_logins, login):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = client.get_cookie("session").value
    stale_token = csrf_token(client)
    response = login(client, "client")
    assert response.status_code in (200, 302)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{fast_logins['client'].id}.")
    assert client.get_cookie("session").value != before
    refused = client.patch("/api/v1/me", json={"locale": "en"},
                           headers={"X-CSRF-Token": stale_token})
    assert refused.status_code == 400


def test_api_login_answers_the_person_and_a_csrf_token(client, fast_logins):
    response = api_login(client, "Client ")
    body = response.get_json()
    assert response.status_code == 200
    assert body["user"]["login"] == "client" and body["user"]["role"] == "client"
    assert "password_hash" not in body["user"]
    changed = client.patch("/api/v1/me", json={"locale": "en"},
                           headers={"X-CSRF-Token": body["csrf_token"]})
    assert changed.status_code == 200


@pytest.mark.parametrize("login, password", [
    ("client", WRONG), ("nobody", PASSWORD), ("client", ""),
], ids=["wrong password", "unknown login", "empty password"])
def test_refused_login_does_not_say_which_part_was_wrong(client, fast_logins, login, password):
    response = api_login(client, login, password)
    assert response.status_code in (401, 422)
    if response.status_code == 401:
        assert response.get_json()["error"] == {
            "code": "unauthorized", "message": "ログインIDかパスワードがちがいます。"}
    assert client.get("/api/v1/me").status_code == 401


def test_deactivated_person_cannot_log_in(client, fast_logins):
    with db.database.connection_context():
        User.update(active=False).where(User.login == "client").execute()
    assert api_login(client, "client").status_code == 401
    assert form_login(client, "client").status_code == 401


def test_login_page_shows_the_refusal(client, fast_logins):
    response = form_login(client, "client", WRONG)
    assert response.status_code == 401
    assert "ログインIDかパスワードがちがいます" in response.get_data(as_text=True)


def test_every_attempt_is_logged_without_the_password(client, fast_logins, caplog):
    with caplog.at_level(logging.INFO, logger="companion.auth"):
        api_login(client, "client", "secret-guess-1")
        form_login(client, "client")
    lines = [r.getMessage() for r in caplog.records if r.name == "companion.auth"]
    assert len(lines) == 2
    assert "refused" in lines[0] and "ok" in lines[1]
    assert all("'client'" in line for line in lines)
    assert not any("secret-guess" in line or PASSWORD in line for line in lines)


# --- logging out and other ways sessions end -------------------------------------------

def log_out_by_form(client):
    html = client.get("/settings").get_data(as_text=True)
    return client.post("/logout", data={"csrf_token": form_token(html)})


def log_out_by_api(client):
    return client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf_token(client)})


@pytest.mark.parametrize("log_out", [log_out_by_form, log_out_by_api], ids=["form", "api"])
def test_cookie_copied_before_logout_is_refused_after(app, client, fast_logins, log_out):
    form_login(client, "client")
    copied = client.get_cookie("session").value
    assert me_status(app, session=copied) == 200
    assert log_out(client).status_code in (204, 302)
    assert client.get("/api/v1/me").status_code == 401
    assert me_status(app, session=copied) == 401


@pytest.mark.parametrize("log_out", [log_out_by_form, log_out_by_api], ids=["form", "api"])
def test_remember_me_cookie_is_refused_after_logout(app, client, fast_logins, log_out):
    form_login(client, "client", remember="1")
    remembered = client.get_cookie("remember_token")
    assert remembered is not None
    assert remembered.expires is not None
    assert 29 <= (remembered.expires - datetime.now(timezone.utc)).days <= 30
    assert me_status(app, remember_token=remembered.value) == 200
    log_out(client)
    assert me_status(app, remember_token=remembered.value) == 401


def test_login_without_remember_sets_no_remember_cookie(client, fast_logins):
    api_login(client, "client", remember=False)
    assert client.get_cookie("remember_token") is None


@pytest.mark.parametrize("log_out", [log_out_by_form, log_out_by_api], ids=["form", "api"])
def test_logout_deletes_the_remember_me_cookie(client, fast_logins, log_out):
    form_login(client, "client", remember="1")
    log_out(client)
    assert client.get_cookie("remember_token") is None


def test_next_login_without_remember_drops_an_older_remember_me_cookie(app, client, fast_logins):
    api_login(client, "client", remember=True)
    api_login(client, "supporter", remember=False)
    assert client.get_cookie("remember_token") is None
    assert client.get("/api/v1/me").get_json()["login"] == "supporter"


def test_logging_out_twice_is_fine(client, fast_logins):
    form_login(client, "client")
    assert log_out_by_api(client).status_code == 204
    assert log_out_by_api(client).status_code == 204


def test_logout_form_ends_at_the_login_page(client, fast_logins):
    form_login(client, "client")
    response = log_out_by_form(client)
    assert response.headers["Location"] == "/login"


def test_password_change_ends_other_sessions(app, client, people):
    form_login(client, "client", remember="1")
    other_device = app.test_client()
    form_login(other_device, "client", remember="1")
    remembered = other_device.get_cookie("remember_token").value
    html = client.get("/settings").get_data(as_text=True)
    response = client.post("/settings/password", data={
        "csrf_token": form_token(html), "current": PASSWORD, "password": "a new long phrase"})
    assert response.status_code == 302
    assert client.get("/api/v1/me").status_code == 200
    assert other_device.get("/api/v1/me").status_code == 401
    assert me_status(app, remember_token=remembered) == 401
    assert api_login(app.test_client(), "client", PASSWORD).status_code == 401
    assert api_login(app.test_client(), "client", "a new long phrase").status_code == 200


def test_password_change_needs_the_current_password(client, people):
    form_login(client, "client")
    html = client.get("/settings").get_data(as_text=True)
    client.post("/settings/password", data={
        "csrf_token": form_token(html), "current": WRONG, "password": "a new long phrase"})
    with db.database.connection_context():
        assert User.get(User.login == "client").password_hash == people["client"].password_hash
    assert client.get("/api/v1/me").status_code == 200


def test_deactivation_ends_existing_sessions(app, client, fast_logins):
    form_login(client, "client", remember="1")
    remembered = client.get_cookie("remember_token").value
    manager = app.test_client()
    form_login(manager, "manager")
    page = f"/accounts/{fast_logins['client'].id}"
    html = manager.get(page).get_data(as_text=True)
    manager.post(page + "/active", data={"csrf_token": form_token(html), "active": "0"})
    assert client.get("/api/v1/me").status_code == 401
    assert me_status(app, remember_token=remembered) == 401


# --- rate limits -----------------------------------------------------------------------

@pytest.fixture
def strict(app, fast_logins):
    """Three failed logins a minute: per login and address, per login, per address."""
    app.config.update(LOGIN_LIMIT="3 per minute", LOGIN_CEILING="3 per minute",
                      LOGIN_ADDRESS_LIMIT="3 per minute")
    return app


def test_login_is_rate_limited_after_repeated_failures(client, strict):
    for _ in range(3):
        assert api_login(client, "client", WRONG).status_code == 401
    response = api_login(client, "client")  # even the right password waits now
    assert response.status_code == 429
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited"
    assert re.fullmatch(r"回数が多すぎます。[12]分ほどしてから、もう一度ためしてください。", error["message"])
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/api/v1/me").status_code == 401


def test_limit_per_login_holds_across_addresses(strict):
    strict.config.update(LOGIN_ADDRESS_LIMIT="100 per minute", LOGIN_LIMIT="100 per minute")
    for n in range(3):
        browser = strict.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"192.0.2.{n + 1}"
        assert api_login(browser, "CLIENT", WRONG).status_code == 401
    browser = strict.test_client()
    browser.environ_base["REMOTE_ADDR"] = "192.0.2.99"
    assert api_login(browser, "client").status_code == 429
    assert api_login(browser, "supporter").status_code == 200


def test_a_guesser_locks_out_only_their_own_address_for_that_login(strict):
    strict.config.update(LOGIN_ADDRESS_LIMIT="100 per minute", LOGIN_CEILING="100 per minute")
    guesser = strict.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "192.0.2.66"
    for _ in range(3):
        assert api_login(guesser, "client", WRONG).status_code == 401
    assert api_login(guesser, "client").status_code == 429
    real = strict.test_client()
    real.environ_base["REMOTE_ADDR"] = "198.51.100.5"
    assert api_login(real, "client").status_code == 200


def test_limit_per_address_holds_across_logins(client, strict):
    strict.config.update(LOGIN_LIMIT="100 per minute", LOGIN_CEILING="100 per minute")
    for login in ("nobody", "supporter", "manager"):
        assert api_login(client, login, WRONG).status_code == 401
    assert api_login(client, "client").status_code == 429
    elsewhere = strict.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert api_login(elsewhere, "client").status_code == 200


def test_successful_logins_do_not_count(client, strict):
    for _ in range(4):
        assert api_login(client, "client").status_code == 200
    assert api_login(client, "client", WRONG).status_code == 401


def test_login_form_rate_limit_is_a_friendly_page(client, strict):
    for _ in range(3):
        form_login(client, "client", WRONG)
    response = form_login(client, "client")
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert "回数が多すぎます" in response.get_data(as_text=True)


def test_rate_limit_message_follows_the_language_chosen_before_login(client, strict):
    client.get("/login?lang=en")
    for _ in range(3):
        form_login(client, "client", WRONG)
    page = form_login(client, "client")
    answer = api_login(client, "client")
    assert page.status_code == answer.status_code == 429
    assert "Too many tries" in page.get_data(as_text=True)
    assert answer.get_json()["error"]["message"].startswith("Too many tries")


# --- where a login leads ---------------------------------------------------------------

EVIL = ["//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
        "/\\/evil.example", "\\\\evil.example", "https:evil.example", " //evil.example",
        "/\t/evil.example", "http://localhost.evil.example/", "/\r\nSet-Cookie: evil=1"]


def assert_on_this_site(location):
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc
    assert location.startswith("/") and not location.startswith("//")
    assert "\\" not in location and "evil" not in location.lower()


@pytest.mark.parametrize("target", EVIL)
def test_next_after_login_stays_on_this_site(client, fast_logins, target):
    response = form_login(client, "client", next=target)
    assert response.status_code == 302
    assert_on_this_site(response.headers["Location"])


@pytest.mark.parametrize("target", EVIL)
def test_next_when_already_logged_in_stays_on_this_site(client, fast_logins, target):
    form_login(client, "client")
    response = client.get("/login", query_string={"next": target})
    assert response.status_code == 302
    assert_on_this_site(response.headers["Location"])


def test_next_on_this_site_is_followed(client, fast_logins):
    response = form_login(client, "client", next="/notes?month=2025-05")
    assert response.headers["Location"] == "/notes?month=2025-05"


def test_a_protected_page_sends_you_to_login_and_back(client, fast_logins):
    sent = client.get("/notes/new?kind=win")
    assert sent.headers["Location"] == "/login?next=/notes/new?kind%3Dwin"
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    token = form_token(page)
    assert 'name="next" value="/notes/new?kind=win"' in page
    response = client.post("/login", data={"login": "client", "password": PASSWORD,
                                           "csrf_token": token, "next": "/notes/new?kind=win"})
    assert response.headers["Location"] == "/notes/new?kind=win"
