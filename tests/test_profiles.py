"""Three years as they go: profile corrections with their history, a job change, a wish for
another supporter, leaving work, the end of support and the read-only record after it."""
import re
from datetime import date, datetime, time, timedelta

import pytest

import conftest
from companion import db
from companion.clock import to_utc
from companion.models import (
    AccessLog, Assignment, ClientProfile, Employment, Meeting, ProfileChange, StepCheck,
    SupporterRequest, User, today, utcnow,
)
from companion.periods import (
    add_months, certificate_late, checklist_applies, month_start, support_period,
    transition_checklist,
)
from conftest import PRIVATE_WISH, fill, form, held, write

HIRE = date(2025, 4, 10)


def profile_url(person, what=""):
    return f"/accounts/{person.id}/profile" + (f"/{what}" if what else "")


def post(auth, person, what, data):
    """Post one of the profile page's forms with the page's token."""
    return form(auth, profile_url(person, what), data, profile_url(person))


def profile(person):
    with db.database.connection_context():
        return ClientProfile.get(ClientProfile.user == person.id)


def changes(person):
    with db.database.connection_context():
        return [(c.event, c.field, c.before, c.after, c.actor_id) for c in ProfileChange.select()
                .where(ProfileChange.client == person.id).order_by(ProfileChange.id)]


PROFILE_FORM = {"hire_date": "2025-04-10", "employer_name": "株式会社みどり", "job_title": "品出し",
                "certificate_valid_from": "2025-10-10", "certificate_valid_to": "2026-10-09",
                "office_phone": "03-1111-2222"}


# --- corrections, with who, when, before and after ------------------------------------------

def test_a_correction_is_saved_with_a_history_row_per_field_and_an_access_log_row(people, login):
    sato, supporter = people["client"], login("supporter")
    response = post(supporter, sato, "profile", PROFILE_FORM)
    assert response.status_code == 302
    saved = profile(sato)
    assert (saved.hire_date, saved.employer_name, saved.certificate_valid_to) == (
        HIRE, "株式会社みどり", date(2026, 10, 9))
    who = people["supporter"].id
    assert changes(sato) == [
        ("edit", "hire_date", "", "2025-04-10", who),
        ("edit", "employer_name", "", "株式会社みどり", who),
        ("edit", "job_title", "", "品出し", who),
        ("edit", "certificate_valid_from", "", "2025-10-10", who),
        ("edit", "certificate_valid_to", "", "2026-10-09", who)]  # the phone was already so
    # A second correction by the manager: one row, before → after.
    manager = login("manager")
    assert post(manager, sato, "profile", {**PROFILE_FORM, "hire_date": "2025-04-01"}).status_code == 302
    assert changes(sato)[-1] == ("edit", "hire_date", "2025-04-10", "2025-04-01",
                                 people["manager"].id)
    with db.database.connection_context():
        logged = {(r.actor_id, r.what) for r in AccessLog.select().where(AccessLog.client == sato.id)}
    assert {(who, "profile_change"), (people["manager"].id, "profile_change")} <= logged
    page = manager.client.get(profile_url(sato)).get_data(as_text=True)
    assert "2025年4月10日" in page and "2025年4月1日" in page  # the history, in words
    # The client reads the current values in plain words.
    mine = login("client").client.get("/my-profile").get_data(as_text=True)
    assert "株式会社みどり" in mine and "2025年4月1日" in mine and "2026年10月9日" in mine


def test_the_same_values_again_write_no_history(people, login):
    sato, supporter = people["client"], login("supporter")
    post(supporter, sato, "profile", PROFILE_FORM)
    before = changes(sato)
    assert post(supporter, sato, "profile", PROFILE_FORM).status_code == 302
    assert changes(sato) == before


def test_a_blank_field_clears_it_and_says_so_in_the_history(people, login):
    sato, supporter = people["client"], login("supporter")
    post(supporter, sato, "profile", PROFILE_FORM)
    post(supporter, sato, "profile", {**PROFILE_FORM, "job_title": "", "certificate_valid_from": ""})
    saved = profile(sato)
    assert (saved.job_title, saved.certificate_valid_from) == ("", None)
    assert changes(sato)[-2:] == [("edit", "job_title", "品出し", "", people["supporter"].id),
                                  ("edit", "certificate_valid_from", "2025-10-10", "",
                                   people["supporter"].id)]


@pytest.mark.parametrize("role, status", [("other_supporter", 404), ("manager_b", 404),
                                          ("client", 404), ("supporter", 200), ("manager", 200)])
def test_only_the_clients_supporter_and_the_manager_reach_the_profile(people, login, role, status):
    auth = login(role)
    assert auth.client.get(profile_url(people["client"])).status_code == status
    response = auth.post(profile_url(people["client"], "profile"), data=PROFILE_FORM)
    assert response.status_code == (302 if status == 200 else 404)
    assert bool(changes(people["client"])) == (status == 200)


def test_only_the_manager_records_the_end(people, login):
    response = post(login("supporter"), people["client"], "end",
                    {"ended_on": today().isoformat(), "reason": "stable"})
    assert response.status_code == 404
    assert profile(people["client"]).support_ended_on is None


# --- an impossible date, refused on every screen with nothing saved ----------------------

BAD_DAYS = ["2026-02-30", "2027-02-29", "0001-01-01", "9999-12-31", "abc", "2026-13-01"]
SCREENS = [  # (where it is posted, the page it sits on, the form, the date field)
    ("/accounts/", "/accounts/", {"login": "new-client", "display_name": "新しい 人"}, "hire_date"),
    ("/accounts/", "/accounts/", {"login": "new-client", "display_name": "新しい 人"},
     "certificate_valid_to"),
    ("{profile}/profile", "{profile}", PROFILE_FORM, "hire_date"),
    ("{profile}/profile", "{profile}", PROFILE_FORM, "certificate_valid_from"),
    ("{profile}/profile", "{profile}", PROFILE_FORM, "certificate_valid_to"),
    ("{profile}/job", "{profile}", {"employer_name": "次の会社"}, "starts_on"),
    ("{profile}/leaving", "{profile}", {"reason": "health"}, "left_on"),
    ("{profile}/end", "{profile}", {"reason": "stable"}, "ended_on"),
]


def everything():
    """Every row of every table but the access log (which reads add to)."""
    with db.database.connection_context():
        return {m.__name__: sorted(map(repr, m.select().tuples()))
                for m in conftest.all_models() if m is not AccessLog}


@pytest.mark.parametrize("bad", BAD_DAYS)
@pytest.mark.parametrize("url, page, data, field", SCREENS)
def test_an_impossible_date_is_refused_on_every_profile_screen(people, login, url, page, data,
                                                                field, bad):
    sato = people["client"]
    post(login("manager"), sato, "profile", PROFILE_FORM)
    base = f"/accounts/{sato.id}/profile"
    manager = login("manager")
    before = everything()
    response = form(manager, url.format(profile=base), {**data, field: bad}, page.format(profile=base))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and "error" in html
    assert everything() == before


@pytest.mark.parametrize("field, value, says", [
    ("certificate_valid_to", "2025-10-01", "はじめの日より後"),  # before its start (10-10)
])
def test_a_certificate_that_ends_before_it_begins_is_refused(people, login, field, value, says):
    sato, manager = people["client"], login("manager")
    post(manager, sato, "profile", PROFILE_FORM)
    before = everything()
    response = post(manager, sato, "profile", {**PROFILE_FORM, field: value})
    assert response.status_code == 422 and says in response.get_data(as_text=True)
    assert everything() == before


def test_days_that_cannot_be_are_refused_for_the_events(people, login):
    """A job that starts before the current one, an end ahead of today or before the hire."""
    sato, manager = people["client"], login("manager")
    post(manager, sato, "profile", PROFILE_FORM)
    before = everything()
    tomorrow = (today() + timedelta(days=1)).isoformat()
    for what, data in [("job", {"starts_on": "2025-04-10", "employer_name": "次の会社"}),
                       ("job", {"starts_on": tomorrow, "employer_name": "次の会社"}),
                       ("job", {"starts_on": "2025-06-01", "employer_name": "  "}),
                       ("leaving", {"left_on": tomorrow, "reason": "health"}),
                       ("leaving", {"left_on": "2025-04-09", "reason": "health"}),
                       ("leaving", {"left_on": "2025-06-01", "reason": "boredom"}),
                       ("end", {"ended_on": tomorrow, "reason": "stable"}),
                       ("end", {"ended_on": "2025-06-01", "reason": "left_work"})]:
        response = post(manager, sato, what, data)
        assert response.status_code == 422, (what, data)
        assert everything() == before, (what, data)


# --- a job change ---------------------------------------------------------------------------

def test_a_job_change_keeps_the_period_and_the_new_employers_copy_is_free_of_the_old(people,
                                                                                      login):
    """Q8: support goes on, counted from the first hire; the copy goes to the new employer."""
    sato, supporter, me = people["client"], login("supporter"), login("client")
    first = today().replace(day=1)
    last_month = (first - timedelta(days=1)).replace(day=1)
    change_day = last_month + timedelta(days=14)
    post(supporter, sato, "profile", {**PROFILE_FORM, "employer_name": "旧社みどり商事"})
    at = lambda day, hour=3: to_utc(last_month + timedelta(days=day), time(hour))  # noqa: E731
    old = write(sato, "旧社の上司に伝えたい", kind="for_employer", share_with_employer=True,
                days_ago=(utcnow() - at(2)).days)
    held(sato, people["supporter"], [(old, "discussed", "旧社の話")], when=at(4))
    response = post(supporter, sato, "job", {"starts_on": change_day.isoformat(),
                                             "employer_name": "新社あおぞら", "job_title": "事務"})
    assert response.status_code == 302
    new = write(sato, "新しい職場で席を窓ぎわにしてほしい", kind="for_employer",
                share_with_employer=True, days_ago=(utcnow() - at(18)).days)
    held(sato, people["supporter"], [(new, "discussed", "上司に伝える")], when=at(20))
    saved = profile(sato)
    assert (saved.employer_name, saved.employer_since, saved.hire_date) == (
        "新社あおぞら", change_day, HIRE)
    assert support_period(saved.hire_date).start == date(2025, 10, 10)  # unchanged by the job
    with db.database.connection_context():
        [earlier] = Employment.select().where(Employment.client == sato.id)
    assert (earlier.employer_name, earlier.starts_on, earlier.ends_on) == (
        "旧社みどり商事", HIRE, change_day - timedelta(days=1))
    assert [c[:2] for c in changes(sato)][-3:] == [("job_change", "employer_name"),
                                                   ("job_change", "job_title"),
                                                   ("job_change", "employer_since")]
    month = last_month.strftime("%Y-%m")
    url = f"/api/v1/clients/{sato.id}/reports/{month}"
    supporter.patch(url, json={"comment_for_employer": "新しい職場でもがんばっています"})
    assert supporter.post(url + "/finalise").status_code == 200
    assert me.post(url + "/approve").status_code == 200
    copy = supporter.client.get(url + "?copy=employer").get_json()
    assert copy["employer_name"] == "新社あおぞら"
    assert [i["text"] for m in copy["meetings"] for i in m["items"]] == [
        "新しい職場で席を窓ぎわにしてほしい"]
    assert len(copy["meetings"]) == 1
    raw = str(copy)
    assert "旧社" not in raw
    # The client's copy still shows the whole month, and says the old item goes nowhere.
    mine = me.client.get(url).get_json()
    assert [(i["text"], i["share_with_employer"]) for m in mine["meetings"] for i in m["items"]] == [
        ("旧社の上司に伝えたい", False), ("新しい職場で席を窓ぎわにしてほしい", True)]


def test_a_month_before_the_change_still_names_the_employer_of_then(people, login, app):
    sato, supporter = people["client"], login("supporter")
    post(supporter, sato, "profile", {**PROFILE_FORM, "employer_name": "旧社みどり商事"})
    post(supporter, sato, "job", {"starts_on": add_months(today(), -1).isoformat(),
                                  "employer_name": "新社あおぞら"})
    from companion.reports.service import month_employer
    with app.test_request_context(), db.database.connection_context():
        old_month = add_months(today(), -3).strftime("%Y-%m")
        assert month_employer(sato, old_month)[0] == "旧社みどり商事"
        assert month_employer(sato, today().strftime("%Y-%m"))[0] == "新社あおぞら"


# --- a wish for another supporter, seen by the manager only ------------------------------

def every_get_route(app):
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and "<path:" not in rule.rule)


@pytest.mark.parametrize("role", ["supporter", "other_supporter"])
def test_a_wish_for_another_supporter_never_reaches_a_supporter(app, people, world, login, role):
    staff = login(role)
    read = 0
    for rule in every_get_route(app):
        url = fill(rule, world)
        for query in ({}, {"client_id": world["client_id"]}, {"copy": "employer"}):
            response = staff.client.get(url, query_string=query)
            body = response.get_data(as_text=True)
            read += response.status_code == 200
            assert PRIVATE_WISH not in body, url
            assert "担当を変えたいという希望" not in body, url
    assert read >= 20


def test_the_client_asks_the_manager_reads_and_a_reassignment_closes_it(app, people, login):
    sato, me, manager = people["client"], login("client"), login("manager")
    page = me.client.get("/my-profile").get_data(as_text=True)
    assert "責任者だけが" in page and "知らされません" in page
    response = form(me, "/my-profile/supporter-request", {"reason": "話しにくい"}, "/my-profile")
    assert response.status_code == 302
    assert "責任者に" in me.client.get("/my-profile").get_data(as_text=True)
    with db.database.connection_context():
        [wish] = SupporterRequest.select()
    assert (wish.client_id, wish.reason, wish.handled_at) == (sato.id, "話しにくい", None)
    assert "1件" in manager.client.get("/accounts/").get_data(as_text=True)
    assert "話しにくい" in manager.client.get("/admin/requests").get_data(as_text=True)
    account = manager.client.get(f"/accounts/{sato.id}").get_data(as_text=True)
    assert "話しにくい" in account
    assert "話しにくい" not in login("supporter").client.get(f"/accounts/{sato.id}").get_data(
        as_text=True)
    # The manager assigns someone else: the wish is answered, the history shows the change.
    other = people["other_supporter"]
    response = form(manager, f"/accounts/{sato.id}/assignment", {"supporter_id": other.id},
                    f"/accounts/{sato.id}")
    assert response.status_code == 302
    with db.database.connection_context():
        wish = SupporterRequest.get_by_id(wish.id)
        history = [(a.supporter_id, a.ends_on) for a in Assignment.select()
                   .where(Assignment.client == sato.id).order_by(Assignment.id)]
    assert (wish.outcome, wish.handled_by_id) == ("reassigned", people["manager"].id)
    assert history[-1] == (other.id, None)
    assert "いま、希望は ありません" in manager.client.get("/admin/requests").get_data(as_text=True)
    assigned = manager.client.get("/admin/assignments").get_data(as_text=True)
    assert "other-supporter" in assigned


def test_the_manager_may_close_a_wish_keeping_the_supporter(people, login):
    sato, me, manager = people["client"], login("client"), login("manager")
    form(me, "/my-profile/supporter-request", {}, "/my-profile")
    response = form(manager, profile_url(sato, "requests"), {"outcome": "kept"}, f"/accounts/{sato.id}")
    assert response.status_code == 302
    with db.database.connection_context():
        [wish] = SupporterRequest.select()
    assert wish.outcome == "kept" and wish.reason == ""


# --- leaving the job, the end of support, and the record after it -------------------------

def test_leaving_the_job_ends_support_and_cancels_what_was_ahead(people, login):
    sato, supporter = people["client"], login("supporter")
    post(supporter, sato, "profile", PROFILE_FORM)
    ahead = conftest.schedule(supporter, sato, days=5)
    response = post(supporter, sato, "leaving", {"left_on": today().isoformat(),
                                                 "reason": "relationships", "detail": "上司と合わない"})
    assert response.status_code == 302
    saved = profile(sato)
    assert (saved.left_job_on, saved.left_job_reason, saved.support_ended_on,
            saved.support_end_reason) == (today(), "relationships", today(), "left_job")
    with db.database.connection_context():
        meeting = Meeting.get_by_id(ahead["id"])
    assert meeting.state == "cancelled" and meeting.sequence == 1
    assert [c[1] for c in changes(sato) if c[0] == "left_job"] == [
        "left_job_on", "left_job_reason", "left_job_detail", "support_ended_on",
        "support_end_reason", "support_end_note"]
    # The caseload lists them apart, with no flags.
    rows = supporter.client.get("/api/v1/caseload").get_json()
    [row] = [r for r in rows if r["client"]["id"] == sato.id]
    assert row["flags"] == [] and row["support_ended_on"] == today().isoformat()
    assert rows[-1] is row or all(r["support_ended_on"] for r in rows[rows.index(row):])
    page = supporter.client.get("/").get_data(as_text=True)
    assert "支援が終わった人" in page
    home = login("client").client.get("/").get_data(as_text=True)
    assert "支援は 終わりました" in home and 'class="big-button worry"' not in home


def test_a_meeting_running_keeps_the_end_from_being_recorded(people, login):
    sato, supporter, manager = people["client"], login("supporter"), login("manager")
    meeting = conftest.schedule(supporter, sato)
    supporter.post(f"/api/v1/meetings/{meeting['id']}/start", json={})
    before = everything()
    response = manager.post(profile_url(sato, "end"), data={
        "ended_on": today().isoformat(), "reason": "stable"})
    assert response.status_code == 409
    assert everything() == before


def write_routes(app):
    """Every route that changes something, but logging in and out; the ones that end a
    meeting last, so each of the others still finds it open."""
    return sorted(((rule.rule, method, rule.endpoint) for rule in app.url_map.iter_rules()
                   for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"})
                   if not rule.endpoint.startswith(("auth.", "api.session"))),
                  key=lambda r: (r[0].endswith(("/cancel", "/close", "/unstart")), r))


# What each write would need to go through, were support still running.
BODIES = {
    "api.notes.create": {"id": "5b0e6c8e-1b0a-4c55-9a43-4c1b7f7b2a10", "kind": "win", "body": "x",
                         "written_at": "2026-01-01T00:00:00Z"},
    "notes.write": {"kind": "win", "body": "できた"},
    "api.notes.update": {"body": "書きかえ"},
    "notes.edit": {"kind": "worry", "body": "書きかえ", "weight": "small"},
    "api.checkins.put_checkin": {"mood": 3},
    "checkins.tap": {"mood": "3"},
    "prepare.choose": {"agenda_choice": "sorted"},
    "api.meetings.create_meeting": {"client_id": "{client_id}", "scheduled_at": "2030-01-01T01:00:00Z"},
    "meetings.client_meetings": {"date": "2030-01-01", "time": "10:00", "mode": "online"},
    "api.meetings.change_meeting": {"summary": "まとめ"},
    "meetings.edit": {"date": "2030-01-01", "time": "10:00", "mode": "online"},
    "meetings.summary": {"summary": "まとめ"},
    "api.meetings.add_action": {"text": "やること", "owner": "client"},
    "meetings.add_action": {"text": "やること", "owner": "client"},
    "api.meetings.add_point": {"text": "話すこと"},
    "meetings.add_point": {"text": "話すこと"},
    "api.meetings.change_item": {"status": "discussed", "outcome": "話した"},
    "meetings.record_item": {"status": "discussed", "outcome": "話した"},
    "api.meetings.change_action": {"done": True},
    "meetings.change_action": {"text": "かえた", "owner": "client"},
    "api.meetings.close_meeting": {"summary": "おわり"},
    "api.reports.comment_report": {"comment_for_client": "コメント"},
    "reports.staff_report": {"comment_for_client": "コメント", "action": "save"},
    "api.reports.request_report_changes": {"change_request": "なおして"},
    "reports.request_changes": {"change_request": "なおして"},
    "profiles.save": dict(PROFILE_FORM, hire_date="2025-05-01"),
    "profiles.client_tick": {"key": "choose_office", "done": "1"},
    "profiles.staff_tick": {"key": "choose_office", "done": "1"},
    "profiles.ask": {"reason": "かえたい"},
    "accounts.assign": {"supporter_id": "{other_supporter_id}"},
    "accounts.create": {"login": "someone-new", "display_name": "新しい人"},
    "pages.settings": {"locale": "en"},
}
# Writes that still work after the end: one's settings and devices, deleting one's own
# notes, approving a report finalised before (tested above), and the manager's care of the
# account (access.OPEN_AFTER_END).
STILL_OPEN = {"pages.settings", "reminders.update", "reminders.answer_offer",
              "reminders.update_calendar", "api.push.subscribe", "api.push.unsubscribe",
              "api.me_update", "notes.delete", "notes.restore", "api.notes.delete",
              "accounts.reissue", "accounts.set_active", "profiles.resume_support",
              "profiles.close_request", "reports.approve", "api.reports.approve_report",
              # the office's own, not the client's: a new account, the 定着率's tiers
              "accounts.create", "admin.save_tiers",
              # the client's choices on the hand-over drafted at the end (test_strengths.py)
              "strengths.decide", "strengths.approve",
              # the record the client carries away; another record coming into the office
              "record.take_out", "record.bring_in"}


def body_for(endpoint, values):
    return {k: v.format(**values) if isinstance(v, str) else v
            for k, v in BODIES.get(endpoint, {}).items()}


@pytest.mark.parametrize("role", ["client", "supporter", "manager"])
def test_after_the_end_the_client_reads_and_nobody_writes(app, people, world, login, role):
    sato = people["client"]
    with db.database.connection_context():
        ClientProfile.update(hire_date=HIRE, support_ended_on=today(),
                             support_end_reason="stable").where(
            ClientProfile.user == sato.id).execute()
    auth = login(role)
    values = {**world, "other_supporter_id": str(people["other_supporter"].id), "form": "profile"}
    before = everything()
    tried = 0
    for rule, method, endpoint in write_routes(app):
        if endpoint in STILL_OPEN:
            continue
        url = re.sub(r"<any\([^)]*\):form>", "profile", rule)
        url = fill(url, values)
        body = body_for(endpoint, values)
        if url.startswith("/api/"):
            response = getattr(auth, method.lower())(url, json=body)
        else:
            response = auth.client.open(url, method=method, data={
                **body, "csrf_token": conftest.csrf_token(auth.client)})
        tried += 1
        assert response.status_code in (403, 404, 405), (url, response.status_code)
        assert everything() == before, (role, method, url)
    assert tried >= 40
    if role == "client":
        for page in ("/", "/notes", "/records", "/my-profile", "/prepare", "/settings",
                     "/api/v1/export", "/api/v1/export.csv", "/settings/access-log"):
            assert auth.client.get(page).status_code == 200, page
        refused = auth.post("/api/v1/notes", json=BODIES["api.notes.create"])
        assert refused.status_code == 403 and "支援は終わりました" in refused.get_json()["error"]["message"]
    else:
        for page in (f"/clients/{sato.id}", f"/accounts/{sato.id}", profile_url(sato),
                     f"/clients/{sato.id}/meetings"):
            assert auth.client.get(page).status_code == 200, page


def test_the_manager_takes_back_an_end_recorded_by_mistake(people, login):
    sato, manager = people["client"], login("manager")
    post(manager, sato, "profile", PROFILE_FORM)
    assert post(manager, sato, "end", {"ended_on": today().isoformat(), "reason": "stable",
                                       "note": "なかぽつへ"}).status_code == 302
    assert profile(sato).support_ended_on == today()
    assert login("supporter").post("/api/v1/meetings", json={
        "client_id": sato.id, "scheduled_at": "2030-01-01T01:00:00Z"}).status_code == 403
    response = form(manager, profile_url(sato, "resume"), {}, profile_url(sato))
    assert response.status_code == 302
    assert profile(sato).support_ended_on is None
    assert [c[0] for c in changes(sato)][-1] == "support_resumed"
    assert login("supporter").post("/api/v1/meetings", json={
        "client_id": sato.id, "scheduled_at": "2030-01-01T01:00:00Z"}).status_code == 201


def test_reminders_stop_after_the_end(people, login, app, push_service):
    """No check-in nudge once support has ended (the meetings ahead are cancelled too)."""
    from companion.models import ReminderSetting
    from companion.reminders import sender
    sato, me = people["client"], login("client")
    assert me.post("/api/v1/push/subscriptions", json=push_service.device("phone")).status_code == 201
    with db.database.connection_context():
        ReminderSetting.create(user=sato.id, daily_checkin=True, checkin_time="12:00")
    noon = to_utc(today(), time(12, 30))
    with app.app_context(), db.database.connection_context():
        assert sender.run(noon).sent == 1
        ClientProfile.update(support_ended_on=today(), support_end_reason="stable").where(
            ClientProfile.user == sato.id).execute()
        assert sender.run(noon + timedelta(days=1)).sent == 0


# --- the move into support (STEP 1–4) -------------------------------------------------------

def test_the_checklist_windows_count_from_the_hire_date():
    items = transition_checklist(HIRE, date(2025, 7, 1), {"choose_office"})
    by_key = {i.key: i for i in items}
    assert [i.key for i in items] == ["choose_office", "meet_consultant", "doc_plan",
                                      "doc_application", "doc_employment", "doc_other",
                                      "apply_certificate", "contract_start"]
    # Months as the article counts them: the 2nd month begins a month after the hire.
    assert (by_key["choose_office"].start, by_key["choose_office"].end) == (
        date(2025, 5, 10), date(2025, 8, 9))
    assert (by_key["apply_certificate"].start, by_key["apply_certificate"].end) == (
        date(2025, 7, 10), date(2025, 10, 9))
    assert (by_key["contract_start"].start, by_key["contract_start"].end) == (
        date(2025, 10, 10), date(2025, 11, 9))
    assert [i.state for i in items] == ["done", "now", "now", "future", "future", "future",
                                        "future", "future"]
    assert transition_checklist(HIRE, date(2025, 8, 10), set())[0].state == "past"


@pytest.mark.parametrize("day, done, late", [
    (date(2025, 9, 9), set(), False),            # the 5th month: not yet
    (date(2025, 9, 10), set(), True),            # the 6th month begins
    (date(2025, 9, 10), {"apply_certificate"}, False),
    (date(2025, 11, 1), set(), True),            # the 7th month, still not applied for
])
def test_a_late_application_is_warned_of_from_the_sixth_month(day, done, late):
    assert month_start(HIRE, 6) == date(2025, 9, 10)
    assert certificate_late(HIRE, day, done) is late


@pytest.mark.parametrize("invited, day, applies", [
    (date(2025, 6, 1), date(2025, 7, 1), True),
    (date(2025, 10, 9), date(2025, 10, 9), True),    # the last day before the 7th month
    (date(2025, 10, 10), date(2025, 10, 10), False),  # invited in the 7th month: nothing to prepare
    (date(2025, 6, 1), date(2025, 11, 9), True),     # until the 7th month is over
    (date(2025, 6, 1), date(2025, 11, 10), False),
])
def test_the_checklist_is_for_those_invited_before_the_seventh_month(invited, day, applies):
    assert checklist_applies(HIRE, invited, day) is applies


def test_the_client_and_the_supporter_tick_the_same_checklist(people, login):
    sato, me, supporter = people["client"], login("client"), login("supporter")
    hire = add_months(today(), -5)  # in the 6th month now: the warning is due
    with db.database.connection_context():
        ClientProfile.update(hire_date=hire).where(ClientProfile.user == sato.id).execute()
        User.update(created_at=datetime.combine(add_months(today(), -4), time())).where(
            User.id == sato.id).execute()
    page = me.client.get("/my-profile").get_data(as_text=True)
    assert "STEP 1" in page and "サービス等利用計画案" in page and "申請書" in page
    assert "就職を証明する書類" in page and "自治体により" in page
    assert "間に合わないことが" in page
    assert "間に合わないことが" in me.client.get("/").get_data(as_text=True)  # Home says it too
    response = form(me, "/my-profile/steps", {"key": "apply_certificate", "done": "1"}, "/my-profile")
    assert response.status_code == 302
    assert "間に合わないことが" not in me.client.get("/my-profile").get_data(as_text=True)
    staff_page = supporter.client.get(profile_url(sato)).get_data(as_text=True)
    assert 'aria-pressed="true"' in staff_page
    form(supporter, profile_url(sato, "steps"), {"key": "doc_plan", "done": "1"}, profile_url(sato))
    form(supporter, profile_url(sato, "steps"), {"key": "apply_certificate", "done": "0"},
         profile_url(sato))
    with db.database.connection_context():
        ticks = {(s.key, s.done_by_id) for s in StepCheck.select()}
    assert ticks == {("doc_plan", people["supporter"].id)}
    bad = form(me, "/my-profile/steps", {"key": "nonsense", "done": "1"}, "/my-profile")
    assert bad.status_code == 422


def test_no_checklist_for_someone_invited_after_month_seven(people, login):
    sato = people["client"]
    with db.database.connection_context():
        ClientProfile.update(hire_date=add_months(today(), -9)).where(
            ClientProfile.user == sato.id).execute()
    page = login("client").client.get("/my-profile").get_data(as_text=True)
    assert "STEP 1" not in page


# --- the edges a first reading found ------------------------------------------------------------

def test_a_report_finalised_before_the_end_can_still_be_approved(people, login):
    sato, supporter, me = people["client"], login("supporter"), login("client")
    post(supporter, sato, "profile", PROFILE_FORM)
    shared = write(sato, "指示はメモでほしい", kind="for_employer", share_with_employer=True)
    meeting = held(sato, people["supporter"], [(shared, "discussed", "伝える")])
    month = (meeting.closed_at + timedelta(hours=9)).strftime("%Y-%m")
    url = f"/api/v1/clients/{sato.id}/reports/{month}"
    assert supporter.post(url + "/finalise").status_code == 200
    assert post(supporter, sato, "leaving", {"left_on": today().isoformat(),
                                             "reason": "other"}).status_code == 302
    page = me.client.get(f"/records/{month}").get_data(as_text=True)
    assert "会社にわたしてよい" in page and "なおしてほしい</button>" not in page
    assert me.post(url + "/request-changes", json={"change_request": "x"}).status_code == 403
    assert me.post(url + "/approve").status_code == 200
    copy = supporter.client.get(url + "?copy=employer").get_json()
    assert [i["text"] for m in copy["meetings"] for i in m["items"]] == ["指示はメモでほしい"]


def test_the_end_answers_a_wish_still_open(people, login):
    sato, me, manager = people["client"], login("client"), login("manager")
    post(manager, sato, "profile", PROFILE_FORM)
    form(me, "/my-profile/supporter-request", {"reason": "相性"}, "/my-profile")
    post(manager, sato, "end", {"ended_on": today().isoformat(), "reason": "moved_office",
                                "note": "となりの市の事業所へ"})
    with db.database.connection_context():
        [wish] = SupporterRequest.select()
    assert wish.outcome == "ended" and wish.handled_at is not None
    assert "いま、希望は ありません" in manager.client.get("/admin/requests").get_data(as_text=True)
    assert ("support_end", "support_end_note", "", "となりの市の事業所へ",
            people["manager"].id) in changes(sato)


def test_the_end_form_takes_no_leaving_and_a_leaving_is_not_before_the_current_job(people, login):
    sato, manager = people["client"], login("manager")
    post(manager, sato, "profile", PROFILE_FORM)
    post(manager, sato, "job", {"starts_on": "2025-09-01", "employer_name": "新社"})
    before = everything()
    assert post(manager, sato, "end", {"ended_on": today().isoformat(),
                                       "reason": "left_job"}).status_code == 422
    assert post(manager, sato, "leaving", {"left_on": "2025-08-01",
                                           "reason": "health"}).status_code == 422
    assert everything() == before


def test_correcting_the_hire_date_after_a_job_change_moves_the_first_job(people, login, app):
    sato, manager = people["client"], login("manager")
    post(manager, sato, "profile", PROFILE_FORM)
    post(manager, sato, "job", {"starts_on": "2025-09-01", "employer_name": "新社"})
    assert post(manager, sato, "profile", {**PROFILE_FORM, "employer_name": "新社",
                                           "hire_date": "2025-03-01"}).status_code == 302
    with db.database.connection_context():
        [first] = Employment.select()
    assert (first.employer_name, first.starts_on) == ("株式会社みどり", date(2025, 3, 1))
    from companion.reports.service import month_employer
    with app.test_request_context(), db.database.connection_context():
        assert month_employer(sato, "2025-03") == ("株式会社みどり",
                                                   to_utc(date(2025, 3, 1), time()))
        assert month_employer(sato, "2025-10")[0] == "新社"
    # A hire date after the first job ended cannot be.
    response = post(manager, sato, "profile", {**PROFILE_FORM, "employer_name": "新社",
                                               "hire_date": "2025-08-31"})
    assert response.status_code == 302
    response = post(manager, sato, "profile", {**PROFILE_FORM, "employer_name": "新社",
                                               "hire_date": "2025-09-01"})
    assert response.status_code == 422
    assert profile(sato).hire_date == date(2025, 8, 31)
