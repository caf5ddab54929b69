"""Who reaches which page and API route: every role against every route and other people's data."""
from datetime import datetime

import pytest

from companion import db
from companion.models import Note

ROLES = ("anonymous", "client", "supporter", "other_supporter", "manager", "manager_b")

# {name} is filled with the id of that person (or note) from the `people` fixture.
# client is assigned to supporter, other_client to other_supporter; manager runs office A,
# manager_b office B (with client_b). Anything not theirs answers 404, never 403.
MATRIX = [
    # url                                           anon client  sup other  mgr mgr_b
    ("/",                                            302, 200, 200, 200, 302, 302),
    ("/notes",                                       302, 200, 404, 404, 404, 404),
    ("/notes/new",                                   302, 200, 404, 404, 404, 404),
    ("/settings",                                    302, 200, 200, 200, 200, 200),
    ("/settings/access-log",                         302, 200, 404, 404, 404, 404),
    ("/accounts/",                                   302, 404, 200, 200, 200, 200),
    ("/accounts/{client}",                           302, 404, 200, 404, 200, 404),
    ("/accounts/{other_client}",                     302, 404, 404, 200, 200, 404),
    ("/accounts/{supporter}",                        302, 404, 404, 404, 200, 404),
    ("/accounts/{client_b}",                         302, 404, 404, 404, 404, 200),
    ("/clients/{client}",                            302, 404, 200, 404, 200, 404),
    ("/clients/{other_client}",                      302, 404, 404, 200, 200, 404),
    ("/clients/{client_b}",                          302, 404, 404, 404, 404, 200),
    ("/clients/{supporter}",                         302, 404, 404, 404, 404, 404),
    ("/api/v1/me",                                   401, 200, 200, 200, 200, 200),
    ("/api/v1/notes",                                401, 200, 422, 422, 422, 422),
    ("/api/v1/notes?client_id={client}",             401, 200, 200, 404, 200, 404),
    ("/api/v1/notes?client_id={other_client}",       401, 404, 404, 200, 200, 404),
    ("/api/v1/notes?client_id={client_b}",           401, 404, 404, 404, 404, 200),
    ("/api/v1/checkins?client_id={client}",          401, 200, 200, 404, 200, 404),
    ("/api/v1/checkins?client_id={other_client}",    401, 404, 404, 200, 200, 404),
    ("/api/v1/checkins?client_id={client_b}",        401, 404, 404, 404, 404, 200),
    ("/api/v1/notes/{shared_note}",                  401, 200, 200, 404, 200, 404),
    ("/api/v1/notes/{private_note}",                 401, 200, 404, 404, 404, 404),
    ("/api/v1/notes/{other_client_note}",            401, 404, 404, 200, 200, 404),
    ("/api/v1/notes/{client_b_note}",                401, 404, 404, 404, 404, 200),
    ("/notes/{shared_note}/edit",                    302, 200, 404, 404, 404, 404),
    ("/notes/{other_client_note}/edit",              302, 404, 404, 404, 404, 404),
]

CASES = [pytest.param(url, role, expected, id=f"{role}-{url}")
         for url, *statuses in MATRIX for role, expected in zip(ROLES, statuses)]


def note(client, visibility="shared"):
    """A note written by client."""
    return Note.create(client=client, kind="worry", weight="small", body="朝がつらい",
                       visibility=visibility, written_at=datetime(2025, 5, 1, 3, 0))


@pytest.fixture
def targets(people):
    """Ids of every person and of a few notes, by the names the matrix uses."""
    with db.database.connection_context():
        notes = {
            "shared_note": note(people["client"]),
            "private_note": note(people["client"], "private"),
            "other_client_note": note(people["other_client"]),
            "client_b_note": note(people["client_b"]),
        }
    return {name: thing.id for name, thing in {**people, **notes}.items()}


def sign_in(client, user):
    """Put user's login in the test client's session, as a successful login does.

    A real login checks a password hash, which is slow on purpose; the matrix is about
    what a signed-in person may reach, and test_auth covers logging in itself.
    """
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.mark.parametrize("url, role, expected", CASES)
def test_each_role_reaches_only_its_own_pages_and_data(client, people, targets, url, role,
                                                         expected):
    if role != "anonymous":
        sign_in(client, people[role])
    response = client.get(url.format(**targets))
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if url.startswith("/api/"):
        assert response.is_json
        if expected >= 400:
            assert set(response.get_json()["error"]) >= {"code", "message"}
    if role == "anonymous" and expected == 302:
        assert response.headers["Location"].startswith("/login?next=")


def test_manager_lands_on_accounts(client, people):
    sign_in(client, people["manager"])
    assert client.get("/").headers["Location"] == "/accounts/"


def test_supporter_lists_only_assigned_clients(client, people):
    sign_in(client, people["supporter"])
    ids = {n["client_id"] for n in client.get(
        f"/api/v1/notes?client_id={people['client'].id}").get_json()}
    page = client.get("/").get_data(as_text=True)
    assert people["client"].display_name in page
    assert people["other_client"].display_name not in page
    assert ids <= {people["client"].id}


def test_supporter_never_receives_private_notes(client, people, targets):
    sign_in(client, people["supporter"])
    listed = client.get(f"/api/v1/notes?client_id={people['client'].id}").get_json()
    assert [n["id"] for n in listed] == [targets["shared_note"]]
    page = client.get(f"/clients/{people['client'].id}").get_data(as_text=True)
    assert page.count("朝がつらい") == 1


def test_an_ended_assignment_ends_access(client, people):
    from datetime import date
    from companion.models import Assignment
    with db.database.connection_context():
        Assignment.update(starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31)).where(
            Assignment.client == people["client"].id).execute()
    sign_in(client, people["supporter"])
    assert client.get(f"/clients/{people['client'].id}").status_code == 404
    assert client.get(f"/api/v1/notes?client_id={people['client'].id}").status_code == 404


def test_staff_opening_a_client_is_in_the_clients_access_log(client, people):
    from companion.models import AccessLog
    sign_in(client, people["supporter"])
    client.get(f"/clients/{people['client'].id}")
    with db.database.connection_context():
        rows = list(AccessLog.select().where(AccessLog.client == people["client"].id))
    assert [(r.actor_id, r.what) for r in rows] == [(people["supporter"].id, "client_page")]
