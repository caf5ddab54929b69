"""Odd input never breaks a page, and every staff look at a client's data is logged."""
from datetime import timedelta

import pytest

from companion.models import AccessLog, MonthlyReport, Note, today, utcnow
from conftest import PASSWORD, schedule


def test_a_phone_clock_far_ahead_is_clamped_and_my_notes_still_open(people, auth, client):
    auth.login("client")
    sent = {"id": "0b0e8f2e-59b4-4c55-9d7a-0a8a1b6d2f10", "kind": "worry", "body": "時計がずれている",
            "written_at": "9999-12-31T23:59:59Z"}
    assert auth.post("/api/v1/notes", json=sent).status_code == 201
    note = Note.get_by_id(sent["id"])
    assert note.written_at <= utcnow()
    # The same upload again is recognised, not a conflict.
    assert auth.post("/api/v1/notes", json=sent).status_code == 200
    assert Note.select().count() == 1
    assert client.get("/notes").status_code == 200


def test_a_note_dated_before_2000_is_refused(people, auth):
    auth.login("client")
    response = auth.post("/api/v1/notes", json={"kind": "win", "body": "x",
                                                "written_at": "0001-01-01T00:00:00Z"})
    assert response.status_code == 422 and "written_at" in response.get_json()["error"]["fields"]


def test_a_note_id_that_is_not_a_uuid_is_simply_not_found(people, auth, client):
    auth.login("client")
    assert client.get("/api/v1/notes/ab%00cd").status_code == 404
    assert client.get("/notes/ab%00cd/edit").status_code == 404


def test_check_in_ranges_out_of_the_calendar_are_refused(people, auth, client):
    auth.login("client")
    response = client.get("/api/v1/checkins?to=0001-01-02")
    assert response.status_code == 422 and "to" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=2026-02-30",
                                   "actor=abc", "client=0"])
def test_access_log_filters_that_cant_be_read_are_refused_with_a_reason(people, login_as, auth,
                                                                        client, query):
    login_as("supporter").client.get(f"/api/v1/notes?client_id={people['client'].id}")
    auth.login("manager")
    assert "<tbody>" in client.get("/admin/access-log").get_data(as_text=True)
    response = client.get(f"/admin/access-log?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="filter-error"' in html and "<tbody>" not in html  # nothing rather than everything


def test_changing_the_password_keeps_a_session_unremembered(people, auth, client):
    auth.login("client", remember=False)
    response = auth.form("/settings/password", {"current": PASSWORD, "password": "a calm new phrase 42"},
                         page="/settings")
    assert response.status_code == 302
    set_cookies = response.headers.getlist("Set-Cookie")
    assert not [c for c in set_cookies if c.startswith("remember_token=") and not c.startswith("remember_token=;")]


def test_staff_looking_at_meetings_or_starting_one_is_logged(people, auth, client):
    auth.login("supporter")
    client.get(f"/clients/{people['client'].id}/meetings")
    meeting = schedule(auth, people["client"], days=0)
    auth.post(f"/api/v1/meetings/{meeting['id']}/start", json={"confirm_early": True})
    seen = {row.what for row in AccessLog.select().where(AccessLog.client == people["client"].id)}
    assert {"meeting", "agenda"} <= seen


def test_a_draft_report_hides_the_supporters_unfinished_comments_from_the_client(people, auth, client):
    month = (today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    MonthlyReport.create(client=people["client"], month=month, status="draft",
                         comment_for_client="下書き", comment_for_employer="下書き")
    auth.login("client")
    data = client.get(f"/api/v1/clients/{people['client'].id}/reports/{month}").get_json()
    assert data["status"] == "draft"
    assert "comment_for_client" not in data and "comment_for_employer" not in data
