"""Who reaches which page and API route: every role against every route and other people's data."""
from datetime import date

import pytest

import conftest
from companion import create_app, db
from companion.models import AccessLog, Assignment, Note, Office, today
from conftest import note, sign_in

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
    ("/notes/{shared_note}/delete",                  302, 200, 404, 404, 404, 404),
    ("/notes/{other_client_note}/edit",              302, 404, 404, 404, 404, 404),
    ("/notes/{other_client_note}/delete",            302, 404, 404, 404, 404, 404),
    ("/notes/{other_client_note}/urgent",            302, 404, 404, 404, 404, 404),
    ("/my-profile",                                  302, 200, 404, 404, 404, 404),
    ("/accounts/{client}/profile",                   302, 404, 200, 404, 200, 404),
    ("/accounts/{other_client}/profile",             302, 404, 404, 200, 200, 404),
    ("/accounts/{client_b}/profile",                 302, 404, 404, 404, 404, 200),
    ("/accounts/{supporter}/profile",                302, 404, 404, 404, 404, 404),
    ("/my-strengths",                                302, 200, 404, 404, 404, 404),
    ("/my-strengths/sheet",                          302, 200, 404, 404, 404, 404),
    ("/my-strengths/sheet?which=all",                302, 200, 404, 404, 404, 404),
    ("/my-handover",                                 302, 404, 404, 404, 404, 404),
    ("/my-handover/print",                           302, 404, 404, 404, 404, 404),
    ("/clients/{client}/strengths",                  302, 404, 200, 404, 200, 404),
    ("/clients/{client}/strengths/sheet",            302, 404, 200, 404, 200, 404),
    ("/clients/{client_b}/strengths",                302, 404, 404, 404, 404, 200),
    ("/clients/{other_client}/strengths/sheet",      302, 404, 404, 200, 200, 404),
    ("/clients/{client}/handover",                   302, 404, 200, 404, 200, 404),
    ("/clients/{client_b}/handover",                 302, 404, 404, 404, 404, 200),
    ("/admin/requests",                              302, 404, 404, 404, 200, 200),
    ("/admin/record-import",                         302, 404, 404, 404, 200, 200),
    ("/admin/settle-rate",                           302, 404, 404, 404, 200, 200),
    ("/admin/settle-rate.csv",                       302, 404, 404, 404, 200, 200),
    ("/admin/access-log",                            302, 404, 404, 404, 200, 200),
    ("/admin/assignments",                           302, 404, 404, 404, 200, 200),
]

CASES = [pytest.param(url, role, expected, id=f"{role}-{url}")
         for url, *statuses in MATRIX for role, expected in zip(ROLES, statuses)]


def cast():
    """The two offices of conftest's `people`, with a few notes."""
    make = conftest.make_user
    a = Office.create(name="事業所A", phone="03-0000-0001")
    b = Office.create(name="事業所B", phone="03-0000-0002")
    found = {"manager": make(a, "manager", "manager"),
             "supporter": make(a, "supporter", "supporter"),
             "other_supporter": make(a, "supporter", "other-supporter"),
             "manager_b": make(b, "manager", "manager-b"),
             "supporter_b": make(b, "supporter", "supporter-b")}
    found["client"] = make(a, "client", "client", "佐藤 みのり", found["supporter"])
    found["other_client"] = make(a, "client", "other-client", "田中 けんじ",
                                 found["other_supporter"])
    found["client_b"] = make(b, "client", "client-b", None, found["supporter_b"])
    found["shared_note"] = note(found["client"])
    found["private_note"] = note(found["client"], "private")
    found["other_client_note"] = note(found["other_client"])
    found["client_b_note"] = note(found["client_b"])
    return found


@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory):
    """One app and one cast for the whole read matrix.

    Its requests only read, so the cases can share a database: a fresh one per case
    would cost a migration each, times roles times routes. Only that one parametrized
    test may use it: on PostgreSQL the per-test `app` fixture empties this same database.
    """
    tmp = tmp_path_factory.mktemp("matrix")
    url = conftest.PG_URL or "sqlite:///" + str(tmp / "matrix.sqlite3")
    if conftest.PG_URL:
        conftest.reset_postgres(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMPANION_INSTANCE_PATH", str(tmp / "instance"))
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "matrix"})
    db.migrate()
    with db.database.connection_context():
        app.cast = cast()
    app.matrix_database = db.database.obj
    yield app
    if conftest.PG_URL:
        app.matrix_database.close_all()


@pytest.fixture
def matrix_client(matrix_app):
    """A fresh browser on the shared app (whose database other tests may have swapped out)."""
    db.database.initialize(matrix_app.matrix_database)
    return matrix_app.test_client()


@pytest.fixture
def targets(matrix_app):
    """Ids of every person and note, by the names the matrix uses."""
    return {name: thing.id for name, thing in matrix_app.cast.items()}


@pytest.mark.parametrize("url, role, expected", CASES)
def test_each_role_reaches_only_its_own_pages_and_data(matrix_app, matrix_client, targets,
                                                         url, role, expected):
    if role != "anonymous":
        sign_in(matrix_client, matrix_app.cast[role])
    response = matrix_client.get(url.format(**targets))
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if url.startswith("/api/"):
        assert response.is_json
        if expected >= 400:
            assert set(response.get_json()["error"]) >= {"code", "message"}
    if role == "anonymous" and expected == 302:
        assert response.headers["Location"].startswith("/login?next=")


# Writes change data, so each case gets a fresh database (the `app` fixture).
WRITES = [
    # method, url, body                                  anon client sup other mgr mgr_b
    ("post", "/api/v1/notes", {"kind": "win", "body": "x"},    401, 201, 404, 404, 404, 404),
    ("put", "/api/v1/checkins/{today}", {"mood": 3},           401, 200, 404, 404, 404, 404),
    ("patch", "/api/v1/notes/{shared_note}", {"body": "x"},    401, 200, 404, 404, 404, 404),
    ("patch", "/api/v1/notes/{other_note}", {"body": "x"},     401, 404, 404, 404, 404, 404),
    ("delete", "/api/v1/notes/{shared_note}", None,            401, 204, 404, 404, 404, 404),
    ("delete", "/api/v1/notes/{other_note}", None,             401, 404, 404, 404, 404, 404),
    ("patch", "/api/v1/me", {"furigana": True},                401, 200, 200, 200, 200, 200),
]

WRITE_CASES = [pytest.param(method, url, body, role, expected, id=f"{role}-{method} {url}")
               for method, url, body, *statuses in WRITES
               for role, expected in zip(ROLES, statuses)]


@pytest.mark.parametrize("method, url, body, role, expected", WRITE_CASES)
def test_each_role_changes_only_its_own_data(client, people, method, url, body, role, expected):
    with db.database.connection_context():
        notes = {"shared_note": note(people["client"]),
                 "other_note": note(people["other_client"])}
    if role != "anonymous":
        sign_in(client, people[role])
    target = url.format(today=today().isoformat(), **{k: n.id for k, n in notes.items()})
    response = getattr(client, method)(target, json=body,
                                       headers={"X-CSRF-Token": conftest.csrf_token(client)})
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    with db.database.connection_context():
        untouched = Note.get_by_id(notes["other_note"].id)
    assert (untouched.body, untouched.deleted_at) == ("朝がつらい", None)


def test_supporter_home_lists_only_assigned_clients(client, people):
    sign_in(client, people["supporter"])
    page = client.get("/").get_data(as_text=True)
    assert people["client"].display_name in page
    assert people["other_client"].login not in page


def test_supporter_never_receives_private_notes(client, people):
    with db.database.connection_context():
        shared, _private = note(people["client"]), note(people["client"], "private")
    sign_in(client, people["supporter"])
    listed = client.get(f"/api/v1/notes?client_id={people['client'].id}").get_json()
    assert [n["id"] for n in listed] == [shared.id]
    page = client.get(f"/clients/{people['client'].id}").get_data(as_text=True)
    assert page.count("朝がつらい") == 1


def test_manager_account_list_holds_only_their_office(client, people):
    sign_in(client, people["manager_b"])
    page = client.get("/accounts/").get_data(as_text=True)
    assert "client-b" in page
    assert "佐藤 みのり" not in page and "other-supporter" not in page


def test_an_ended_assignment_ends_access(client, people):
    with db.database.connection_context():
        Assignment.update(starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31)).where(
            Assignment.client == people["client"].id).execute()
    sign_in(client, people["supporter"])
    assert client.get(f"/clients/{people['client'].id}").status_code == 404
    assert client.get(f"/api/v1/notes?client_id={people['client'].id}").status_code == 404
    assert client.get(f"/accounts/{people['client'].id}").status_code == 404


def test_staff_opening_a_client_is_in_the_clients_access_log(client, people):
    sign_in(client, people["supporter"])
    client.get(f"/clients/{people['client'].id}")
    with db.database.connection_context():
        rows = list(AccessLog.select().where(AccessLog.client == people["client"].id))
    assert [(r.actor_id, r.what) for r in rows] == [(people["supporter"].id, "client_page")]
