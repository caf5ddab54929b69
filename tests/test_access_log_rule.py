"""Every staff read of a client's data leaves a row in their access log, by one rule."""
from datetime import timedelta

import pytest

from companion import db
from companion.access import log_access, record_access
from companion.models import AccessLog, ClientProfile, User, today
from conftest import count_queries, fill

# Staff pages that show no client's data: their own settings, the office's lists of
# accounts and logs, and the app's files.
NOT_CLIENT_DATA = {
    "/accounts/", "/admin/access-log", "/admin/assignments", "/api/v1/me", "/api/v1/session",
    "/api/v1/openapi.json", "/manifest.webmanifest", "/sw.js", "/offline", "/settings",
    "/static/<path:filename>", "/login", "/invite/<token>", "/api/v1/push/key",
    "/admin/record-import",  # an empty form: the record comes in with the POST
}


def staff_reads(app):
    """Every GET route, with the client's ids filled in."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and rule.rule not in NOT_CLIENT_DATA)


@pytest.mark.parametrize("role", ["supporter", "manager"])
def test_every_staff_read_of_client_data_leaves_a_row(app, people, world, login_as, role):
    staff = login_as(role)
    with db.database.connection_context():  # so that the 就労定着率 counts them
        ClientProfile.update(hire_date=today() - timedelta(days=500)).where(
            ClientProfile.user == people["client"].id).execute()
    missing, read = [], 0
    for rule in staff_reads(app):
        with db.database.connection_context():
            AccessLog.delete().execute()
        app.extensions.pop("companion.listed", None)  # what list views remember writing today
        response = staff.client.get(fill(rule, world), query_string={"client_id": world["client_id"]})
        if response.status_code != 200:
            continue  # not this role's page (the client's own pages answer staff 404)
        read += 1
        with db.database.connection_context():
            rows = list(AccessLog.select().where((AccessLog.client == people["client"].id)
                                                 & (AccessLog.actor == people[role].id)))
        if not rows:
            missing.append(rule)
    assert not missing, f"reads that leave no row: {missing}"
    assert read >= 15


def test_one_row_a_day_for_each_viewer_client_and_thing_with_a_count(people, app):
    sato, supporter = people["client"], people["supporter"]
    with app.app_context(), db.database.connection_context():
        for _ in range(3):
            log_access(supporter, sato, "notes")
        log_access(supporter, sato, "agenda", 7)
        record_access([(supporter.id, sato.id)] * 2, "caseload", count=False)
        rows = {(r.what, r.target): r for r in AccessLog.select()}
        assert {k: r.count for k, r in rows.items()} == {
            ("notes", ""): 3, ("agenda", "7"): 1, ("caseload", ""): 1}
        notes = rows[("notes", "")]
        assert notes.first_at <= notes.at
        # The next Japan day starts a new row.
        for row in AccessLog.select():
            row.day -= timedelta(days=1)
            row.save()
        log_access(supporter, sato, "notes")
        assert AccessLog.select().where(AccessLog.what == "notes").count() == 2
        # A client reading their own is not logged.
        log_access(sato, sato, "notes")
        assert not AccessLog.select().where(AccessLog.actor == sato.id).exists()


def test_the_caseload_records_each_listed_client_once_a_day(people, login_as):
    staff = login_as("manager")
    for _ in range(3):
        staff.client.get("/caseload")
        staff.client.get("/api/v1/caseload")
    with db.database.connection_context():
        clients = {r.client_id: r.count for r in AccessLog.select().where(AccessLog.what == "caseload")}
        office = {u.id for u in User.select().where((User.role == "client")
                                                    & (User.office == people["office_a"].id))}
    assert set(clients) == office and set(clients.values()) == {1}


def test_a_list_view_opened_again_the_same_day_writes_nothing_more(people, app, login_as):
    staff = login_as("supporter")
    staff.client.get("/api/v1/caseload")
    with count_queries() as seen:
        staff.client.get("/api/v1/caseload")
    assert seen and not [q for q in seen if "INSERT" in q and "access_log" in q]
    with db.database.connection_context():
        [row] = AccessLog.select().where((AccessLog.client == people["client"].id)
                                         & (AccessLog.what == "caseload"))
    assert row.count == 1
