"""A password link made by staff is short-lived, used once, and leaves a trace the person sees."""
import re
from datetime import datetime, timedelta, timezone

import time_machine

import conftest
from companion import db
from companion.models import AccessLog, Invitation, User
from conftest import write

NEW_PASSWORD = "a brand new passphrase"


def reset_link(staff, account):
    """The link a staff member makes for an account, as the page shows it once."""
    html = staff.form(f"/accounts/{account.id}/invitation", {}, page=f"/accounts/{account.id}")
    return re.search(r'value="http://[^/]+(/invite/[^"]+)"', html.get_data(as_text=True)).group(1)


def use(app, link, password=NEW_PASSWORD):
    """Open the link in a fresh browser and choose a password; that browser, logged in."""
    browser = conftest.Auth(app.test_client())
    page = browser.client.get(link)
    if page.status_code != 200:
        return None, page.status_code
    response = browser.client.post(link, data={"password": password, "password2": password,
                                               "csrf_token": conftest.form_token(page.get_data(as_text=True))})
    return browser, response.status_code


def whats(client):
    """The person's access log, leaving out staff opening the account page to make the link."""
    with db.database.connection_context():
        return [(row.actor.login, row.what) for row in
                AccessLog.select().where((AccessLog.client == client.id)
                                         & (AccessLog.what != "profile")).order_by(AccessLog.id)]


def test_a_supporters_takeover_leaves_a_trace_the_client_sees_at_the_next_login(app, people, login):
    sato = people["client"]
    write(sato, "だれにも見せないメモ", visibility="private")
    link = reset_link(login("supporter"), sato)
    someone, status = use(app, link)
    assert status == 302
    assert someone.client.get("/api/v1/export").status_code == 200
    assert someone.client.get("/notes").status_code == 200
    assert whats(sato) == [("supporter", "reset_issued"), ("supporter", "reset_used"),
                           ("client", "export"), ("client", "notes")]
    # The client's next login: the notice, who made the link, when, and what was opened.
    me = conftest.Auth(app.test_client())
    response = me.login("client", NEW_PASSWORD)
    assert response.headers["Location"].startswith("/security-notice")
    notice = me.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "supporterさんが パスワードを 決めなおす リンクを 作りました" in notice
    assert "データの書き出し" in notice and "メモの一覧" in notice
    me.client.post("/security-notice", data={"csrf_token": conftest.form_token(notice), "next": "/"})
    again = conftest.Auth(app.test_client()).login("client", NEW_PASSWORD)
    assert again.headers["Location"] == "/"
    # The client reads the same rows in their own log, and so does the manager.
    own = me.client.get("/settings/access-log").get_data(as_text=True)
    assert "supporterさんが パスワードを決めなおすリンクを作りました。" in own
    office = login("manager").client.get("/admin/access-log").get_data(as_text=True)
    assert "パスワードを決めなおすリンクを作った" in office and "そのリンクでパスワードが決められた" in office


def test_a_reset_link_works_for_30_minutes_and_once(app, people, login):
    supporter, sato = login("supporter"), people["client"]
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False) as clock:
        link = reset_link(supporter, sato)
        clock.shift(timedelta(minutes=31))
        assert use(app, link) == (None, 404)
        fresh = reset_link(supporter, sato)
        clock.shift(timedelta(minutes=29))
        browser, status = use(app, fresh)
        assert status == 302
        assert use(app, fresh, "another good passphrase") == (None, 404)


def test_a_new_accounts_invitation_keeps_its_days(app, people, login):
    manager = login("manager")
    with db.database.connection_context():
        newcomer = User.create(office=people["office_a"], role="client", login="newcomer",
                               display_name="新しい人")
    reset_link(manager, newcomer)
    with db.database.connection_context():
        invitation = Invitation.get(Invitation.user == newcomer.id)
        assert invitation.purpose == "invite"
        assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert whats(newcomer) == []  # making a first password is no reset


def test_a_manager_resetting_a_supporter_is_recorded_too(app, people, login):
    link = reset_link(login("manager"), people["supporter"])
    use(app, link)
    assert whats(people["supporter"]) == [("manager", "reset_issued"), ("manager", "reset_used")]
