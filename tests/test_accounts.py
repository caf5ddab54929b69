"""Accounts without e-mail: creating people, one-time links, deactivation, assignments."""
import re
from datetime import timedelta

import pytest
from werkzeug.security import check_password_hash

from companion import db
from companion.models import Assignment, ClientProfile, Invitation, User, today, utcnow
from conftest import form_token, sign_in

NEW_PASSWORD = "a calm morning walk"


def staff(app, people, role):
    """A browser where the person with that role is signed in."""
    browser = app.test_client()
    sign_in(browser, people[role])
    return browser


def post_form(browser, url, data, page=None):
    """Post data to url with the CSRF token from page (or from url itself)."""
    html = browser.get(page or url).get_data(as_text=True)
    return browser.post(url, data={**data, "csrf_token": form_token(html)})


def create(browser, **data):
    """Add a person through the accounts page."""
    return post_form(browser, "/accounts/", data)


def invitation_path(response):
    """The /invite/… path shown on an invitation page."""
    html = response.get_data(as_text=True)
    return re.search(r'id="invite-url"[^>]* value="https?://[^/"]+(/invite/[^"]+)"', html).group(1)


def accept(app, path, password=NEW_PASSWORD, password2=None):
    """Open an invitation link in a new browser and choose a password."""
    browser = app.test_client()
    response = post_form(browser, path, {"password": password,
                                         "password2": password if password2 is None else password2})
    return browser, response


def stored(login):
    """The account with that login, as stored now."""
    with db.database.connection_context():
        return User.get_or_none(User.login == login)


def supporters_of(user):
    """Every supporter ever assigned to user."""
    with db.database.connection_context():
        return [a.supporter_id for a in Assignment.select().where(Assignment.client == user.id)]


# --- creating people -------------------------------------------------------------------

def test_manager_creates_a_supporter_and_gets_a_link_and_qr_code(app, people):
    manager = staff(app, people, "manager")
    response = create(manager, role="supporter", login="kato", display_name="加藤 ひろし")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert invitation_path(response).startswith("/invite/")
    assert "<svg" in page and "<title>" in page
    user = stored("kato")
    assert (user.role, user.office_id) == ("supporter", people["office_a"].id)
    assert user.password_hash is None


def test_manager_creates_a_client_assigned_to_a_supporter(app, people):
    manager = staff(app, people, "manager")
    response = create(manager, role="client", login="mori", display_name="森 はな",
                      supporter_id=people["other_supporter"].id, hire_date="2025-04-01",
                      employer_name="株式会社あおば")
    assert response.status_code == 200
    user = stored("mori")
    with db.database.connection_context():
        profile = ClientProfile.get(ClientProfile.user == user.id)
    assert user.role == "client"
    assert (str(profile.hire_date), profile.employer_name) == ("2025-04-01", "株式会社あおば")
    assert supporters_of(user) == [people["other_supporter"].id]


def test_manager_cannot_assign_a_supporter_of_another_office(app, people):
    manager = staff(app, people, "manager")
    response = create(manager, role="client", login="mori", display_name="森 はな",
                      supporter_id=people["supporter_b"].id)
    assert response.status_code == 422
    assert stored("mori") is None


def test_supporter_creates_only_clients_assigned_to_themselves(app, people):
    supporter = staff(app, people, "supporter")
    response = create(supporter, role="supporter", login="sneaky", display_name="ずるい人",
                      supporter_id=people["other_supporter"].id)
    assert response.status_code == 200
    user = stored("sneaky")
    assert user.role == "client"
    assert supporters_of(user) == [people["supporter"].id]


def test_client_cannot_create_accounts(app, people):
    client = staff(app, people, "client")
    html = client.get("/settings").get_data(as_text=True)
    response = client.post("/accounts/", data={"csrf_token": form_token(html), "login": "friend",
                                               "display_name": "友だち"})
    assert response.status_code == 404
    assert stored("friend") is None


@pytest.mark.parametrize("login, message", [
    ("client", "このログインIDはもう使われています"),
    ("Has Space", "ログインIDは半角の小文字"),
    ("", "この項目を入れてください"),
])
def test_unusable_login_is_refused_with_a_reason(app, people, login, message):
    manager = staff(app, people, "manager")
    response = create(manager, role="client", login=login, display_name="だれか")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with db.database.connection_context():
        assert User.select().count() == 8


# --- invitation links ------------------------------------------------------------------

@pytest.fixture
def invited(app, people):
    """A new client created by their supporter; the path of their invitation link."""
    supporter = staff(app, people, "supporter")
    return invitation_path(create(supporter, login="mori", display_name="森 はな"))


def test_invitation_lets_the_person_choose_a_password_and_logs_them_in(app, invited):
    browser = app.test_client()
    assert "森 はな" in browser.get(invited).get_data(as_text=True)
    browser, response = accept(app, invited)
    assert response.status_code == 302
    assert browser.get("/api/v1/me").get_json()["login"] == "mori"
    with db.database.connection_context():
        assert check_password_hash(User.get(User.login == "mori").password_hash, NEW_PASSWORD)


def test_invitation_link_works_only_once(app, invited):
    accept(app, invited)
    second = app.test_client()
    assert second.get(invited).status_code == 404
    html = second.get("/login").get_data(as_text=True)
    again = second.post(invited, data={"csrf_token": form_token(html),
                                       "password": "another good phrase",
                                       "password2": "another good phrase"})
    assert again.status_code == 404
    assert second.get("/api/v1/me").status_code == 401


def test_invitation_expires_after_seven_days(app, invited):
    with db.database.connection_context():
        invitation = Invitation.get()
        assert invitation.expires_at - invitation.created_at == timedelta(days=7)
        invitation.expires_at = utcnow() + timedelta(minutes=1)
        invitation.save()
    assert app.test_client().get(invited).status_code == 200
    with db.database.connection_context():
        Invitation.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    page = app.test_client().get(invited)
    assert page.status_code == 404
    assert "新しいリンク" in page.get_data(as_text=True)


def test_reissued_link_replaces_the_old_one(app, people, invited):
    supporter = staff(app, people, "supporter")
    account = f"/accounts/{stored('mori').id}"
    fresh = invitation_path(post_form(supporter, account + "/invitation", {}, page=account))
    assert fresh != invited
    assert app.test_client().get(invited).status_code == 404
    assert app.test_client().get(fresh).status_code == 200


@pytest.mark.parametrize("password, password2, message", [
    ("seven77", "seven77", "8文字以上"),
    ("password123", "password123", "よく使われていて"),
    ("Password123 ", "Password123 ", "よく使われていて"),
    ("mori", "mori", "8文字以上"),
    ("a calm morning walk", "a calm evening walk", "同じではありません"),
    ("a calm morning walk", "", "同じではありません"),
])
def test_weak_or_mismatched_password_is_refused(app, invited, password, password2, message):
    browser, response = accept(app, invited, password, password2)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored("mori").password_hash is None
    assert browser.get(invited).status_code == 200  # the link still works


def test_password_that_is_the_login_is_refused(app, people):
    manager = staff(app, people, "manager")
    path = invitation_path(create(manager, role="client", login="long-login-name",
                                  display_name="長い名前"))
    _browser, response = accept(app, path, "long-login-name")
    assert response.status_code == 422


def test_new_link_resets_a_forgotten_password_and_ends_old_sessions(app, people):
    old_device = staff(app, people, "client")
    assert old_device.get("/api/v1/me").status_code == 200
    supporter = staff(app, people, "supporter")
    account = f"/accounts/{people['client'].id}"
    path = invitation_path(post_form(supporter, account + "/invitation", {}, page=account))
    new_device, response = accept(app, path)
    assert response.status_code == 302
    assert old_device.get("/api/v1/me").status_code == 401
    assert new_device.get("/api/v1/me").status_code == 200


def test_supporter_reissues_links_only_for_their_own_clients(app, people):
    supporter = staff(app, people, "supporter")
    html = supporter.get("/accounts/").get_data(as_text=True)
    for person in ("other_client", "other_supporter", "manager", "client_b"):
        response = supporter.post(f"/accounts/{people[person].id}/invitation",
                                  data={"csrf_token": form_token(html)})
        assert response.status_code == 404, person
    with db.database.connection_context():
        assert Invitation.select().count() == 0


def test_deactivated_persons_link_no_longer_works(app, people, invited):
    manager = staff(app, people, "manager")
    account = f"/accounts/{stored('mori').id}"
    post_form(manager, account + "/active", {"active": "0"}, page=account)
    assert app.test_client().get(invited).status_code == 404


def test_stopped_account_gets_no_new_link(app, people):
    manager = staff(app, people, "manager")
    account = f"/accounts/{people['client'].id}"
    post_form(manager, account + "/active", {"active": "0"}, page=account)
    assert "/invitation" not in manager.get(account).get_data(as_text=True)
    response = post_form(manager, account + "/invitation", {}, page=account)
    assert response.status_code == 404
    with db.database.connection_context():
        assert Invitation.select().count() == 0


# --- deactivation and assignments ------------------------------------------------------

def test_manager_deactivates_and_reactivates_an_account(app, people):
    manager = staff(app, people, "manager")
    account = f"/accounts/{people['client'].id}"
    response = post_form(manager, account + "/active", {"active": "0"}, page=account)
    assert response.status_code == 302
    assert stored("client").active is False
    assert "停止中" in manager.get(account).get_data(as_text=True)
    post_form(manager, account + "/active", {"active": "1"}, page=account)
    assert stored("client").active is True


def test_manager_cannot_deactivate_themself(app, people):
    manager = staff(app, people, "manager")
    account = f"/accounts/{people['manager'].id}"
    post_form(manager, account + "/active", {"active": "0"}, page="/accounts/")
    assert stored("manager").active is True
    assert manager.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("role, target", [
    ("supporter", "client"), ("client", "client"), ("manager_b", "client"), ("manager", "client_b"),
])
def test_deactivation_is_for_the_offices_manager_only(app, people, role, target):
    browser = staff(app, people, role)
    html = browser.get("/settings").get_data(as_text=True)
    response = browser.post(f"/accounts/{people[target].id}/active",
                            data={"csrf_token": form_token(html), "active": "0"})
    assert response.status_code == 404
    assert stored(people[target].login).active is True


def current_supporters(client):
    with db.database.connection_context():
        return [a.supporter_id for a in Assignment.select().where(
            (Assignment.client == client.id) & Assignment.ends_on.is_null())]


def test_manager_hands_a_client_over_to_another_supporter(app, people):
    with db.database.connection_context():
        Assignment.update(starts_on=today() - timedelta(days=90)).execute()
    manager = staff(app, people, "manager")
    account = f"/accounts/{people['client'].id}"
    response = post_form(manager, account + "/assignment",
                         {"supporter_id": people["other_supporter"].id}, page=account)
    assert response.status_code == 302
    assert current_supporters(people["client"]) == [people["other_supporter"].id]
    with db.database.connection_context():
        ended = Assignment.get((Assignment.client == people["client"].id)
                               & (Assignment.supporter == people["supporter"].id))
    assert ended.ends_on == today() - timedelta(days=1)
    assert staff(app, people, "other_supporter").get(
        f"/clients/{people['client'].id}").status_code == 200
    assert staff(app, people, "supporter").get(f"/clients/{people['client'].id}").status_code == 404
    page = manager.get(account).get_data(as_text=True)
    assert "supporter" in page and "other-supporter" in page


def test_handing_over_on_the_day_of_assignment_leaves_one_supporter(app, people):
    manager = staff(app, people, "manager")
    account = f"/accounts/{people['client'].id}"
    post_form(manager, account + "/assignment", {"supporter_id": people["other_supporter"].id},
              page=account)
    with db.database.connection_context():
        rows = list(Assignment.select().where(Assignment.client == people["client"].id))
    assert all(r.ends_on is None or r.ends_on >= r.starts_on for r in rows)
    assert [r.supporter_id for r in rows if r.ends_on is None] == [people["other_supporter"].id]


def test_assigning_the_current_supporter_again_changes_nothing(app, people):
    manager = staff(app, people, "manager")
    account = f"/accounts/{people['client'].id}"
    post_form(manager, account + "/assignment", {"supporter_id": people["supporter"].id},
              page=account)
    with db.database.connection_context():
        rows = list(Assignment.select().where(Assignment.client == people["client"].id))
    assert [(r.supporter_id, r.ends_on) for r in rows] == [(people["supporter"].id, None)]


@pytest.mark.parametrize("supporter, target", [
    ("supporter_b", "client"), ("manager", "client"), ("other_supporter", "supporter"),
])
def test_assignment_refuses_what_is_not_a_supporter_and_client_of_the_office(app, people,
                                                                              supporter, target):
    manager = staff(app, people, "manager")
    account = f"/accounts/{people[target].id}"
    post_form(manager, account + "/assignment", {"supporter_id": people[supporter].id},
              page=account)
    with db.database.connection_context():
        assert Assignment.select().count() == 3


@pytest.mark.parametrize("role", ["supporter", "client", "manager_b"])
def test_assignment_is_for_the_offices_manager_only(app, people, role):
    browser = staff(app, people, role)
    html = browser.get("/settings").get_data(as_text=True)
    response = browser.post(f"/accounts/{people['client'].id}/assignment", data={
        "csrf_token": form_token(html), "supporter_id": people["other_supporter"].id})
    assert response.status_code == 404
    assert current_supporters(people["client"]) == [people["supporter"].id]
