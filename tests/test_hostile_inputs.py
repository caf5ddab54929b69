"""No input reaches a 500: every route, every method, as every role, with hostile ids, bodies and queries.

The requests get past login and CSRF (each role is signed in and sends a valid token) and
use real ids of that role's own objects, so that they reach the handlers. For JSON routes
a valid body is built from the OpenAPI document and then broken one field at a time; HTML
forms get every known field with a sensible value, then one date or number at a time is
pushed past the calendar's or the database's ends. Runs on SQLite and PostgreSQL.
"""
import logging
import re
import uuid
from datetime import timedelta

import pytest

from companion import db
from companion.models import (
    today, utcnow,
)
from conftest import fill

ROLES = ("client", "supporter", "manager")
SKIP = {"/static/<path:filename>", "/logout", "/api/v1/session"}  # these end the session under test
HOSTILE_IDS = ["0", "-1", "2147483648", "99999999999999999999999", "1e400", "abc", "%ED%A0%80",
               "%00", "..%2F..%2Fetc", "9999-99", "0001-01", "10000-01-01"]
HOSTILE_JSON = ["\ud800", "a\udfffb", 2**70, -2**70, 1e308, "9999-12-31", "0001-01-01",
                "10000-01-01T00:00:00Z", [[[[[]]]]], {"a": {"b": {}}}, None, "", "x" * 3000]
RAW_BODIES = [b"[" * 5000, b"{\"a\":" * 3000, b'{"body": "\\ud800", "kind": "worry"}',
              b'{"\\udfff": 1}', b"\xff\xfe\xfd", b'{"id": 1e999999}', b"null", b"[]", b"\"x\""]
FORM_BASE = {
    "login": "hostile-user", "password": "correct horse battery x", "display_name": "テスト",
    "role": "client", "supporter_id": "1", "hire_date": "2025-04-01",
    "employer_name": "会社", "certificate_valid_from": "2025-04-01",
    "certificate_valid_to": "2026-03-31", "body": "メモ", "kind": "worry", "topic": "health",
    "weight": "small", "text": "やること", "owner": "client", "due": "2027-01-10",
    "status": "discussed", "outcome": "結果", "summary": "まとめ", "date": "2027-01-10",
    "time": "10:00", "mode": "in_person", "comment": "ひとこと", "comment_for_client": "本人へ",
    "comment_for_employer": "会社へ", "agenda_choice": "raise", "starred": "true",
    "locale": "ja", "furigana": "on", "mood": "3", "from": "2026-01-01", "to": "2026-12-31",
    "actor": "1", "client": "1", "month": "2026-11", "done": "1", "current": "x",
    "share_with_employer": "on", "private": "on", "remember": "1", "confirm_early": "1",
    "action": "save", "active": "0", "next": "/",
}
FORM_DATES = ("hire_date", "certificate_valid_from", "certificate_valid_to", "due", "date", "from",
              "to", "month", "time")
FORM_NUMBERS = ("supporter_id", "actor", "client", "mood", "id")
HOSTILE_DATES = ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "99:99"]
QUERIES = ((("client_id", "actor", "client"), ["99999999999999999999999", "-1", "abc", "1e400"]),
           (("from", "to", "month"), HOSTILE_DATES + ["9999-99"]),
           (("kind", "state", "copy", "next", "lang"), ["\x00", "%ED%A0%80", "//evil.example", "x" * 3000]))
HOSTILE_NUMBERS = ["99999999999999999999999", "-1", "0", "1e400", "NaN"]


def openapi_bodies(app):
    """{(method, flask rule): a valid JSON body} from the OpenAPI document's request schemas."""
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    bodies = {}
    for path, operations in spec["paths"].items():
        rule = "/api/v1" + re.sub(r"\{([a-z_]+)\}", lambda m: f"<{m.group(1)}>", path)
        for method, operation in operations.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref")
            if ref:
                bodies[(method.upper(), rule)] = schemas[ref.rsplit("/", 1)[1]]
    return bodies


def valid_value(name, prop, ids):
    """A value the schema accepts for one property."""
    if "enum" in prop:
        return next(v for v in prop["enum"] if v is not None)
    kind = prop.get("type")
    if prop.get("format") == "date":
        return (today() + timedelta(days=7)).isoformat()
    if prop.get("format") == "date-time":
        return (utcnow() + timedelta(days=7)).replace(microsecond=0).isoformat() + "Z"
    if prop.get("format") == "uuid":
        return str(uuid.uuid4())
    if kind == "integer":
        return int(ids["client_id"]) if name.endswith("_id") else 3
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    return "テスト"


def base_body(schema, ids):
    """A body with a valid value for every property the client may send."""
    return {name: valid_value(name, prop, ids) for name, prop in schema.get("properties", {}).items()
            if not prop.get("readOnly")}


def server_errors(client, method, url, **kwargs):
    """The request's status if it is a server error (or shows a traceback), else None."""
    response = client.open(url, method=method, **kwargs)
    if response.status_code >= 500 or b"Traceback" in response.get_data():
        return f"{method} {url} {kwargs.get('json', kwargs.get('data', ''))!r:.200} → {response.status_code}"
    return None


def test_no_route_answers_a_server_error_to_hostile_input(app, world, login_as, caplog):
    bodies = openapi_bodies(app)
    found, sent = [], 0
    for role in ROLES:
        auth = login_as(role)
        client, headers = auth.client, auth.headers()
        token = headers["X-CSRF-Token"]
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if rule.rule in SKIP:
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                api = rule.rule.startswith("/api/")
                real = fill(rule.rule, world)
                urls = [real] + [fill(rule.rule, {**world, arg: bad})
                                 for arg in rule.arguments for bad in HOSTILE_IDS]
                requests = [(url, {}) for url in urls]
                first = client.open(real, method=method, headers=headers if api else None)
                if first.status_code in (401, 404) and not rule.arguments:
                    continue  # not this role's route: every variant ends at the same door
                if method == "GET":
                    requests += [(real, {"query_string": {name: bad}})
                                 for names, values in QUERIES for name in names for bad in values]
                elif api:
                    schema = bodies.get((method, rule.rule))
                    requests += [(real, {"data": raw, "content_type": "application/json"})
                                 for raw in RAW_BODIES]
                    if schema:
                        body = base_body(schema, world)
                        requests.append((real, {"json": body}))
                        requests += [(real, {"json": {**body, name: bad}})
                                     for name in body for bad in HOSTILE_JSON]
                else:
                    form = {**FORM_BASE, "csrf_token": token}
                    requests.append((real, {"data": form}))
                    requests += [(real, {"data": {**form, name: bad}})
                                 for name in FORM_DATES for bad in HOSTILE_DATES]
                    requests += [(real, {"data": {**form, name: bad}})
                                 for name in FORM_NUMBERS for bad in HOSTILE_NUMBERS]
                    requests.append((real, {"data": b"login=%ff%fe&body=%ed%a0%80&csrf_token=" + token.encode(),
                                            "content_type": "application/x-www-form-urlencoded"}))
                for url, kwargs in requests:
                    if api and method != "GET":
                        kwargs = {**kwargs, "headers": headers}
                    sent += 1
                    problem = server_errors(client, method, url, **kwargs)
                    if problem:
                        found.append(f"[{role}] {problem}")
    tracebacks = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not found, f"{len(found)} of {sent} requests failed:\n" + "\n".join(found[:40])
    assert not tracebacks, tracebacks[0].getMessage()
    assert sent > 5000


@pytest.mark.parametrize("hire, certificate", [
    ("9999-12-31", "9999-12-31"), ("9999-06-30", "0001-01-01"), ("0001-01-01", "0001-01-01"),
])
def test_every_page_stays_up_whatever_dates_were_stored_before_the_checks(
        people, world, login_as, hire, certificate):
    """Dates from before the one validator may sit in the database: nothing built on them breaks."""
    from datetime import date

    from companion.models import ClientProfile
    with db.database.connection_context():
        ClientProfile.update(hire_date=date.fromisoformat(hire),
                             certificate_valid_from=date.fromisoformat(certificate),
                             certificate_valid_to=date.fromisoformat(certificate)).where(
            ClientProfile.user == people["client"].id).execute()
    pages = ["/", "/caseload", "/api/v1/caseload", f"/clients/{world['client_id']}",
             f"/meetings/{world['meeting_id']}", f"/api/v1/meetings/{world['meeting_id']}/agenda",
             f"/clients/{world['client_id']}/reports/{world['month']}", f"/accounts/{world['client_id']}"]
    for role in ("supporter", "manager", "client"):
        browser = login_as(role)
        for page in pages + ["/prepare", "/api/v1/export", "/api/v1/export.csv", "/records"]:
            status = browser.client.get(page).status_code
            assert status < 500, f"{role} {page} → {status}"
