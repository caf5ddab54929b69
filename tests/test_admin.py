"""The manager's access log and assignment history: filtered, and only their own office."""
from datetime import timedelta

from companion.models import AccessLog, Assignment, utcnow


def test_manager_sees_who_opened_which_client(people, auth, client):
    auth.login("supporter")
    client.get(f"/clients/{people['client'].id}")
    auth.logout()
    auth.login("manager")
    page = client.get("/admin/access-log").get_data(as_text=True)
    # The row itself, not the names the filter menus always list.
    rows = page[page.index("<tbody>"):page.index("</tbody>")]
    assert rows.count("<tr>") == 1
    assert "<td>supporter</td><td>佐藤 みのり</td><td>利用者のページ</td>" in rows


def test_access_log_filters_by_person_client_and_date(people, auth, client):
    old = utcnow() - timedelta(days=40)
    AccessLog.create(actor=people["supporter"], client=people["client"], what="notes", at=old)
    AccessLog.create(actor=people["other_supporter"], client=people["other_client"], what="agenda")
    auth.login("manager")
    by_person = client.get(f"/admin/access-log?actor={people['other_supporter'].id}").get_data(as_text=True)
    assert "面談の話すこと" in by_person and "メモの一覧" not in by_person
    by_client = client.get(f"/admin/access-log?client={people['client'].id}").get_data(as_text=True)
    assert "メモの一覧" in by_client and "面談の話すこと" not in by_client
    recent = (utcnow() - timedelta(days=7)).strftime("%Y-%m-%d")
    by_date = client.get(f"/admin/access-log?from={recent}").get_data(as_text=True)
    assert "面談の話すこと" in by_date and "メモの一覧" not in by_date


def test_access_log_never_shows_another_office(people, auth, client):
    AccessLog.create(actor=people["supporter_b"], client=people["client_b"], what="notes")
    auth.login("manager")
    page = client.get("/admin/access-log").get_data(as_text=True)
    assert "supporter-b" not in page


def test_assignment_history_lists_past_and_current(people, auth, client):
    Assignment.update(ends_on=Assignment.starts_on).where(
        Assignment.client == people["client"].id).execute()
    Assignment.create(client=people["client"], supporter=people["other_supporter"])
    auth.login("manager")
    page = client.get("/admin/assignments").get_data(as_text=True)
    assert page.count("佐藤 みのり") == 2 and "other-supporter" in page
    assert "client-b" not in page


def test_only_managers_reach_the_office_pages(people, auth, client):
    auth.login("supporter")
    assert client.get("/admin/access-log").status_code == 404
    assert client.get("/admin/assignments").status_code == 404
