"""The OpenAPI document: valid, complete, and true to what the API answers (checked by schemathesis)."""
from collections import defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_schema_conformance,
    status_code_conformance,
)

from companion.models import today
from companion.openapi import doc, undocumented
from conftest import schedule, section, write

# No 5xx, and every answer is one the document describes.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 20
# Logging out would end the run's session: it is called once, at the end.
LAST = ("DELETE", "/session")


def spec(client):
    """The document as served."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi_3(people, client):
    document = spec(client)
    assert document["openapi"].startswith("3.")
    validate(document)


def test_every_api_route_is_documented(app):
    assert undocumented(app) == []


def test_an_undeclared_api_route_would_be_reported(app):
    app.add_url_rule("/api/v1/forgotten", "forgotten", lambda: "")
    app.add_url_rule("/api/v1/declared", "declared", doc("Declared")(lambda: ""))
    assert undocumented(app) == ["/api/v1/forgotten"]


def test_document_covers_session_me_notes_and_checkins(people, client):
    paths = {path: set(ops) for path, ops in spec(client)["paths"].items()}
    assert paths["/session"] >= {"get", "post", "delete"}
    assert paths["/me"] >= {"get", "patch"}
    assert paths["/notes"] >= {"get", "post"}
    assert paths["/notes/{note_id}"] >= {"get", "patch", "delete"}
    assert paths["/checkins"] >= {"get"}
    assert paths["/checkins/{day}"] >= {"put"}
    assert paths["/openapi.json"] >= {"get"}


def test_document_states_the_note_rules(people, client):
    document = spec(client)
    note = document["components"]["schemas"]["Note"]
    assert set(note["required"]) == {"kind", "body"}
    assert note["properties"]["body"]["maxLength"] == 1000
    assert note["properties"]["kind"]["enum"] == ["worry", "win", "goal", "challenge",
                                                  "for_employer"]
    assert note["additionalProperties"] is False
    assert note["properties"]["urgent"]["readOnly"] is True
    create = document["paths"]["/notes"]["post"]["responses"]
    assert {"200", "201", "409", "422"} <= set(create)
    checkin = document["components"]["schemas"]["CheckIn"]["properties"]["mood"]
    assert (checkin["minimum"], checkin["maximum"]) == (1, 5)


def fuzz(app, browser, document, mode, fixed=None, only=None):
    """Run schemathesis over the operations; return failures and the statuses seen per operation."""
    schema = schemathesis.openapi.from_dict(document)
    failures, seen = [], defaultdict(set)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deleting last, so the fixed notes are read and changed before they go.
    operations.sort(key=lambda op: op.method.upper() == "DELETE")
    for op in operations:
        key = (op.method.upper(), op.path)
        if key == LAST or (only and key not in only):
            continue
        params = {name: value for name, value in (fixed or {}).items()
                  if f"{{{name}}}" in op.path} or None

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy(generation_mode=mode, path_parameters=params))
        def run(case):
            try:
                response = case.call_and_validate(app=app, session=browser.client,
                                                  headers=browser.headers(), checks=CHECKS)
                seen[key].add(response.status_code)
            except Exception as exc:  # noqa: BLE001 - every check failure is reported below
                failures.append(f"{case.method} {case.formatted_path} "
                                f"{case.query or ''} {case.body!r:.200}\n{exc}")

        try:
            run()
        except Unsatisfiable:
            # Nothing in this operation can be made invalid (no parameters, no body).
            assert mode == GenerationMode.NEGATIVE, key
    return failures, seen


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_document(
        app, people, auth, client, mode):
    auth.login("client")
    document = spec(client)
    failures, seen = fuzz(app, auth, document, mode)
    assert not failures, "\n\n".join(failures[:10])
    assert client.get("/api/v1/me").status_code == 200, "the run lost its login"
    if mode == GenerationMode.POSITIVE:
        assert 201 in seen[("POST", "/notes")] and 200 in seen[("PUT", "/checkins/{day}")]
    logout = auth.delete("/api/v1/session")
    assert logout.status_code == 204
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_on_real_notes_and_days(app, people, auth, client, mode):
    """The same run with the ids of notes that exist, so reads and changes reach a note."""
    auth.login("client")
    note = auth.post("/api/v1/notes", json={"kind": "worry", "body": "最近、朝起きるのが辛い",
                                            "topic": "health"}).get_json()
    failures, seen = fuzz(app, auth, spec(client), mode,
                          fixed={"note_id": note["id"], "day": today().isoformat()},
                          only={("GET", "/notes/{note_id}"), ("PATCH", "/notes/{note_id}"),
                                ("DELETE", "/notes/{note_id}"), ("PUT", "/checkins/{day}")})
    assert not failures, "\n\n".join(failures[:10])
    if mode == GenerationMode.POSITIVE:
        assert 200 in seen[("GET", "/notes/{note_id}")]
        assert 200 in seen[("PATCH", "/notes/{note_id}")]
        assert 204 in seen[("DELETE", "/notes/{note_id}")]
    else:
        assert 422 in seen[("PATCH", "/notes/{note_id}")]


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_schemathesis_on_a_real_meeting_as_its_supporter(app, people, login, mode):
    """The meeting routes answer only what the document says, never a server error."""
    from schemathesis import GenerationMode

    write(people["client"], "指示が分かりにくい")
    supporter = login("supporter")
    meeting = schedule(supporter, people["client"])
    running = schedule(supporter, people["client"], days=8)
    frozen = supporter.post(f"/api/v1/meetings/{running['id']}/start",
                            json={"confirm_early": True}).get_json()
    only = {(m, p) for m, p in (
        ("GET", "/meetings"), ("POST", "/meetings"), ("GET", "/meetings/{meeting_id}"),
        ("PATCH", "/meetings/{meeting_id}"), ("GET", "/meetings/{meeting_id}/agenda"),
        ("POST", "/meetings/{meeting_id}/actions"), ("POST", "/meetings/{meeting_id}/points"),
        ("PATCH", "/agenda-items/{item_id}"), ("POST", "/meetings/{meeting_id}/start"),
        ("POST", "/meetings/{meeting_id}/cancel"), ("POST", "/meetings/{meeting_id}/close"))}
    for meeting_id in (running["id"], meeting["id"]):
        failures, seen = fuzz(app, supporter, spec(supporter.client), GenerationMode(mode),
                              fixed={"meeting_id": meeting_id,
                                     "item_id": section(frozen, "worries")[0]["id"]},
                              only=only)
        assert not failures, "\n\n".join(failures[:5])
        if mode == "positive":
            assert 200 in seen[("GET", "/meetings/{meeting_id}/agenda")], dict(seen)
