"""The 支援レポート: the client sees everything, the employer only what the client agreed to, after approval."""
import itertools
import json
from collections import Counter
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import conftest
from companion import db
from companion.models import (
    ACTION_OWNERS, ITEM_STATUSES, MEETING_MODES, NOTE_KINDS, NOTE_TOPICS,
    AccessLog, CheckIn, Meeting, MonthlyReport, Note, today, utcnow,
)
from companion.reports import service as reports
from companion.reports.copies import ReportAction, ReportItem, ReportMeeting, employer_meetings
from conftest import form, held, item_for, schedule, write

SECTIONS = ("priorities", "actions_review", "wins", "worries", "goals", "challenges",
            "for_employer", "supporter_points")


def url(client, month, action=""):
    return f"/api/v1/clients/{client.id}/reports/{month}{action}"


@pytest.fixture
def month_of_notes(people):
    """A meeting closed this month about four notes; the client marked two for the employer."""
    sato, supporter = people["client"], people["supporter"]
    health = write(sato, "薬の時間に眠くなる", topic="health")
    win = write(sato, "新しい業務を覚えられた", kind="win", share_with_employer=True)
    ask = write(sato, "指示はメモでほしい", kind="for_employer", share_with_employer=True)
    later = write(sato, "休けいの取り方", kind="goal")
    meeting = held(sato, supporter, [(health, "discussed", "主治医に相談する"),
                                    (win, "resolved", "会社にも伝える"),
                                    (ask, "discussed", "支援員から上司に伝える"),
                                    (later, "pending", "")],
                   actions=[("主治医に眠気のことを話す", "client")], summary="眠気の話をした")
    return {"meeting": meeting, "month": reports.month_of(meeting.closed_at),
            "health": health, "win": win, "ask": ask, "later": later}


def texts(copy):
    return [i["text"] for m in copy["meetings"] for i in m["items"]]


# --- what each copy holds ----------------------------------------------------------------

def test_client_copy_holds_everything_discussed_and_says_what_goes_further(people, login,
                                                                            month_of_notes):
    month = month_of_notes["month"]
    login("supporter").post(url(people["client"], month, "/finalise"))
    copy = login("client").client.get(url(people["client"], month)).get_json()
    assert copy["copy"] == "client" and copy["status"] == "finalised"
    assert texts(copy) == ["薬の時間に眠くなる", "新しい業務を覚えられた", "指示はメモでほしい"]
    [meeting] = copy["meetings"]
    assert meeting["mode"] == "in_person" and meeting["summary"] == "眠気の話をした"
    assert [a["text"] for a in meeting["actions"]] == ["主治医に眠気のことを話す"]
    assert [i["share_with_employer"] for i in meeting["items"]] == [False, True, True]
    assert [s["name"] for s in copy["condition"]["scales"]] == ["mood", "body", "sleep"]


def test_employer_copy_holds_only_the_marked_items_and_the_employer_comment(people, login,
                                                                             month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    supporter, me = login("supporter"), login("client")
    supporter.patch(url(sato, month), json={"comment_for_client": "よくがんばりました",
                                            "comment_for_employer": "指示はメモでお願いします"})
    assert supporter.post(url(sato, month, "/finalise")).status_code == 200
    assert me.post(url(sato, month, "/approve")).status_code == 200
    copy = supporter.client.get(url(sato, month) + "?copy=employer").get_json()
    assert texts(copy) == ["新しい業務を覚えられた", "指示はメモでほしい"]
    assert copy["comment_for_employer"] == "指示はメモでお願いします"
    assert set(copy) == {"copy", "month", "status", "client", "office", "employer_name",
                         "approved_at", "comment_for_employer", "meetings", "strengths"}
    assert copy["strengths"] == []  # none marked: see test_strengths.py
    assert set(copy["meetings"][0]) == {"held_at", "mode", "items"}
    raw = json.dumps(copy, ensure_ascii=False)
    for private in ("薬", "眠気", "よくがんばりました", "主治医", "health", "condition"):
        assert private not in raw


def test_a_note_made_private_or_deleted_after_the_meeting_never_reaches_the_employer(
        people, login, month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    me = login("client")
    assert me.patch(f"/api/v1/notes/{month_of_notes['win'].id}",
                    json={"visibility": "private"}).status_code == 200
    assert me.delete(f"/api/v1/notes/{month_of_notes['ask'].id}").status_code == 204
    with db.database.connection_context():
        preview = reports.employer_copy(sato, reports.stored(sato, month))
    assert texts(preview) == []
    # The client's own copy still holds the meeting record, deleted note included.
    login("supporter").post(url(sato, month, "/finalise"))
    assert "指示はメモでほしい" in texts(me.client.get(url(sato, month)).get_json())


item_strategy = st.builds(
    ReportItem, section=st.sampled_from(SECTIONS),
    ref_type=st.sampled_from(("note", "action", "point")), text=st.text(min_size=1, max_size=12),
    status=st.sampled_from(ITEM_STATUSES), outcome=st.text(max_size=12),
    kind=st.sampled_from(NOTE_KINDS + (None,)), topic=st.sampled_from(NOTE_TOPICS + (None,)),
    share_with_employer=st.booleans())
meeting_strategy = st.builds(
    ReportMeeting, held_at=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1)),
    mode=st.sampled_from(MEETING_MODES), items=st.lists(item_strategy, max_size=8).map(tuple),
    actions=st.lists(st.builds(ReportAction, text=st.text(max_size=8),
                               owner=st.sampled_from(ACTION_OWNERS)), max_size=3).map(tuple),
    summary=st.text(max_size=12), supporter=st.text(max_size=6))


# Said here, not taken from the code under test: a note talked about in the meeting
# (discussed, resolved or to talk about again) is reported; one left pending is not.
TALKED_ABOUT = {"discussed", "resolved", "carry_over"}


@settings(max_examples=50, deadline=None)
@given(st.lists(meeting_strategy, max_size=4))
def test_employer_copy_never_holds_an_item_not_marked_for_sharing(meetings):
    copy = employer_meetings(meetings)
    marked = Counter((i.text, i.outcome, i.kind, i.topic) for m in meetings for i in m.items
                     if i.share_with_employer and i.ref_type == "note" and i.status in TALKED_ABOUT)
    given_out = Counter((i["text"], i["outcome"], i["kind"], i["topic"])
                        for m in copy for i in m["items"])
    assert given_out == marked
    assert all(set(m) == {"held_at", "mode", "items"} for m in copy)
    assert all("share_with_employer" not in i and "ref_type" not in i for m in copy for i in m["items"])


def test_employer_copy_follows_every_notes_sharing_choice_in_the_database(app, people):
    """The same property end to end: random notes, sharing, visibility, deletion and outcomes."""
    names = itertools.count()
    choice = st.tuples(st.sampled_from(NOTE_KINDS), st.sampled_from(NOTE_TOPICS + (None,)),
                       st.booleans(), st.sampled_from(("shared", "private")), st.booleans(),
                       st.sampled_from(ITEM_STATUSES))

    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(choice, min_size=1, max_size=6))
    def check(choices):
        with app.app_context(), db.database.connection_context():
            client = conftest.make_user(people["office_a"], "client", f"h{next(names)}", None,
                                        people["supporter"])
            rows = []
            for n, (kind, topic, share, _visibility, _deleted, status) in enumerate(choices):
                note = Note.create(client=client, kind=kind, topic=topic, body=f"メモ{n}",
                                   share_with_employer=share, written_at=utcnow())
                rows.append((note, status, ""))
            meeting = held(client, people["supporter"], rows)
            for (note, _s, _o), (_k, _t, _sh, visibility, deleted, _st) in zip(rows, choices):
                Note.update(visibility=visibility, deleted_at=utcnow() if deleted else None).where(
                    Note.id == note.id).execute()
            month = reports.month_of(meeting.closed_at)
            copy = reports.employer_copy(client, reports.stored(client, month))
        expected = [f"メモ{n}" for n, (_k, _t, share, visibility, deleted, status) in enumerate(choices)
                    if share and visibility == "shared" and not deleted and status in TALKED_ABOUT]
        assert texts(copy) == expected

    check()


# --- the flow and who may take each step --------------------------------------------------

def test_the_month_from_finalising_to_the_clients_approval(people, login, month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    supporter, me = login("supporter"), login("client")
    employer = url(sato, month) + "?copy=employer"
    assert supporter.client.get(employer).status_code == 409
    assert me.post(url(sato, month, "/approve")).status_code == 409  # nothing to approve yet
    done = supporter.post(url(sato, month, "/finalise"), json={"comment_for_client": "おつかれさま"})
    assert done.status_code == 200 and done.get_json()["status"] == "finalised"
    assert supporter.client.get(employer).status_code == 409  # finalised is not approved
    assert supporter.patch(url(sato, month), json={"comment_for_client": "x"}).status_code == 409
    approved = me.post(url(sato, month, "/approve"))
    assert approved.status_code == 200
    data = approved.get_json()
    assert data["status"] == "approved" and data["approved_at"].endswith("Z")
    with db.database.connection_context():
        report = MonthlyReport.get()
    assert report.approved_at is not None and report.finalised_by_id == people["supporter"].id
    assert me.post(url(sato, month, "/approve")).status_code == 200  # a double tap is harmless
    copy = supporter.client.get(employer)
    assert copy.status_code == 200 and copy.get_json() == json.loads(report.employer_copy)
    assert copy.get_json()["approved_at"] == data["approved_at"]


def test_a_client_sees_only_the_state_of_a_draft_in_the_api_and_on_the_page(people, login,
                                                                           month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    supporter, me = login("supporter"), login("client")
    supporter.patch(url(sato, month), json={"comment_for_client": "まだ書きかけ"})
    draft = me.client.get(url(sato, month)).get_json()
    assert draft["status"] == "draft" and "meetings" not in draft
    assert "comment_for_client" not in draft
    page = me.client.get(f"/records/{month}").get_data(as_text=True)
    assert "まだ書きかけ" not in page and "薬の時間に眠くなる" not in page
    staff = supporter.client.get(url(sato, month)).get_json()
    assert staff["comment_for_client"] == "まだ書きかけ" and texts(staff)
    supporter.post(url(sato, month, "/finalise"))
    assert texts(me.client.get(url(sato, month)).get_json())
    assert "まだ書きかけ" in me.client.get(f"/records/{month}").get_data(as_text=True)


def test_the_client_asks_for_changes_and_the_report_is_a_draft_again(people, login, month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    supporter, me = login("supporter"), login("client")
    assert me.post(url(sato, month, "/request-changes"), json={"comment": "x"}).status_code == 409
    supporter.post(url(sato, month, "/finalise"), json={"comment_for_employer": "体調が不安定です"})
    blank = me.post(url(sato, month, "/request-changes"), json={"comment": "  "})
    assert blank.status_code == 422 and "comment" in blank.get_json()["error"]["fields"]
    back = me.post(url(sato, month, "/request-changes"),
                   json={"comment": "体調のことは会社に書かないでください"})
    assert back.status_code == 200 and back.get_json()["status"] == "draft"
    assert back.get_json()["change_request"] == "体調のことは会社に書かないでください"
    assert me.post(url(sato, month, "/approve")).status_code == 409
    changed = supporter.patch(url(sato, month), json={"comment_for_employer": "落ち着いて働けています"})
    assert changed.status_code == 200
    supporter.post(url(sato, month, "/finalise"))
    me.post(url(sato, month, "/approve"))
    copy = supporter.client.get(url(sato, month) + "?copy=employer").get_json()
    assert copy["comment_for_employer"] == "落ち着いて働けています"
    too_late = me.post(url(sato, month, "/request-changes"), json={"comment": "やっぱり"})
    assert too_late.status_code == 409 and "支援員に相談" in too_late.get_json()["error"]["message"]


STEPS = {
    # step: {person: status}; everyone not listed gets 404
    "read": {"client": 200, "supporter": 200, "manager": 200},
    "finalise": {"supporter": 200, "manager": 200},
    "comment": {"supporter": 200, "manager": 200},
    "approve": {"client": 200},
    "request-changes": {"client": 200},
}
PEOPLE = ("client", "supporter", "manager", "other_client", "other_supporter", "manager_b",
          "supporter_b")


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_take_each_step_everyone_else_gets_404(people, login, month_of_notes, step, who):
    sato, month = people["client"], month_of_notes["month"]
    if step in ("approve", "request-changes"):
        login("supporter").post(url(sato, month, "/finalise"))
    auth = login(who)
    response = {
        "read": lambda: auth.client.get(url(sato, month)),
        "finalise": lambda: auth.post(url(sato, month, "/finalise")),
        "comment": lambda: auth.patch(url(sato, month), json={"comment_for_client": "x"}),
        "approve": lambda: auth.post(url(sato, month, "/approve")),
        "request-changes": lambda: auth.post(url(sato, month, "/request-changes"),
                                             json={"comment": "なおしてください"}),
    }[step]()
    assert response.status_code == STEPS[step].get(who, 404), response.get_json()
    assert response.is_json


def test_anonymous_callers_get_401_and_bad_months_404(people, login, client, month_of_notes):
    sato = people["client"]
    assert client.get(url(sato, month_of_notes["month"])).status_code == 401
    me = login("client")
    next_year = f"{today().year + 1}-01"
    for month in (next_year, "2026-13", "2026-1", "abc", "1999-12"):
        assert me.client.get(url(sato, month)).status_code == 404, month
    assert me.client.get("/api/v1/clients/99999999999999999999/reports/2025-01").status_code == 404


def test_staff_opening_a_report_is_in_the_access_log(people, login, month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    login("client").client.get(url(sato, month))
    with db.database.connection_context():
        assert AccessLog.select().where(AccessLog.what == "report").count() == 0
    supporter = login("supporter")
    supporter.client.get(url(sato, month))
    supporter.client.get(f"/clients/{sato.id}/reports/{month}?copy=employer")
    with db.database.connection_context():
        rows = list(AccessLog.select().where(AccessLog.what == "report").order_by(AccessLog.id))
    assert [(r.actor_id, r.client_id, r.target) for r in rows] == [
        (people["supporter"].id, sato.id, f"{month} client"),
        (people["supporter"].id, sato.id, f"{month} employer")]


def test_sharing_can_change_until_approval_then_it_is_fixed(people, login, month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    supporter, me = login("supporter"), login("client")
    supporter.post(url(sato, month, "/finalise"))
    win = f"/api/v1/notes/{month_of_notes['win'].id}"
    assert me.patch(win, json={"share_with_employer": False}).status_code == 200
    me.post(url(sato, month, "/approve"))
    copy = supporter.client.get(url(sato, month) + "?copy=employer").get_json()
    assert texts(copy) == ["指示はメモでほしい"]
    refused = me.patch(win, json={"share_with_employer": True})
    assert refused.status_code == 409 and "変えられません" in refused.get_json()["error"]["message"]
    assert me.patch(win, json={"body": "新しい業務を覚えた"}).status_code == 200  # the text may change
    ask = f"/api/v1/notes/{month_of_notes['ask'].id}"
    assert me.patch(ask, json={"share_with_employer": False}).status_code == 409
    with db.database.connection_context():
        assert Note.get_by_id(month_of_notes["ask"].id).share_with_employer is True
    page = me.form(f"/notes/{month_of_notes['ask'].id}/toggle/employer", {}, "/notes")
    assert page.status_code == 302
    assert "変えられません" in me.client.get("/notes").get_data(as_text=True)
    assert supporter.client.get(url(sato, month) + "?copy=employer").get_json() == copy


def test_a_meeting_closed_after_finalising_waits_for_the_next_report(people, login, month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    supporter = login("supporter")
    supporter.post(url(sato, month, "/finalise"))
    late = write(sato, "あとから話したこと")
    held(sato, people["supporter"], [(late, "discussed", "")], when=utcnow())
    assert "あとから話したこと" not in texts(supporter.client.get(url(sato, month)).get_json())
    page = supporter.client.get(f"/clients/{sato.id}/reports/{month}").get_data(as_text=True)
    assert "確定のあとに終わった面談が1回あります" in page


def test_a_whole_month_from_notes_through_a_real_meeting_to_the_employer(people, login):
    sato = people["client"]
    me, supporter = login("client"), login("supporter")
    shared = me.post("/api/v1/notes", json={"kind": "win", "body": "遅刻せずに出勤できた",
                                            "share_with_employer": True}).get_json()
    me.post("/api/v1/notes", json={"kind": "worry", "body": "朝起きるのが辛い", "topic": "health"})
    meeting = schedule(supporter, sato, days=0)
    frozen = supporter.post(f"/api/v1/meetings/{meeting['id']}/start", json={"confirm_early": True}).get_json()
    for item in (item_for(frozen, "遅刻せずに出勤できた"), item_for(frozen, "朝起きるのが辛い")):
        supporter.patch(f"/api/v1/agenda-items/{item['id']}", json={"status": "discussed"})
    supporter.post(f"/api/v1/meetings/{meeting['id']}/close")
    with db.database.connection_context():
        month = reports.month_of(Meeting.get_by_id(meeting["id"]).closed_at)
    supporter.post(url(sato, month, "/finalise"), json={"comment_for_employer": "皆勤です"})
    me.post(url(sato, month, "/approve"))
    copy = supporter.client.get(url(sato, month) + "?copy=employer").get_json()
    assert texts(copy) == [shared["body"]] and copy["comment_for_employer"] == "皆勤です"


# --- the pages ----------------------------------------------------------------------------

def test_supporter_writes_comments_and_finalises_on_the_report_page(people, login, month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    supporter = login("supporter")
    page = f"/clients/{sato.id}/reports/{month}"
    html = supporter.client.get(page).get_data(as_text=True)
    assert "本人用" in html and "会社用" in html and "薬の時間に眠くなる" in html
    assert "report-client" in html and "主治医に眠気のことを話す" in html  # the client copy's actions
    assert "style=" not in html
    form(supporter, page, {"comment_for_client": "よくできました", "comment_for_employer": "",
                           "action": "save"}, page)
    form(supporter, page, {"comment_for_client": "よくできました", "comment_for_employer": "順調です",
                           "action": "finalise"}, page)
    with db.database.connection_context():
        report = MonthlyReport.get()
    assert (report.status, report.comment_for_client, report.comment_for_employer) == (
        "finalised", "よくできました", "順調です")
    employer = supporter.client.get(page + "?copy=employer").get_data(as_text=True)
    assert "report-preview" in employer and "会社用は、本人が承認してから印刷できます" in employer
    assert "薬の時間に眠くなる" not in employer and "新しい業務を覚えられた" in employer
    assert "data-print" not in employer


def test_client_reads_and_approves_on_the_phone(people, login, month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    login("supporter").post(url(sato, month, "/finalise"), json={"comment_for_employer": "順調です"})
    me = login("client")
    home = me.client.get("/").get_data(as_text=True)
    assert f"/records/{month}" in home and "読んでください" in home
    records = me.client.get("/records").get_data(as_text=True)
    assert "読んでください" in records and "主治医に相談する" in records
    html = me.client.get(f"/records/{month}").get_data(as_text=True)
    assert "会社にわたす内容" in html and "会社にわたしてよい" in html and "なおしてほしい" in html
    assert "report-preview" in html and "順調です" in html
    form(me, f"/records/{month}/approve", {}, f"/records/{month}")
    with db.database.connection_context():
        assert MonthlyReport.get().status == "approved"
    html = me.client.get(f"/records/{month}").get_data(as_text=True)
    assert "決めました" in html and "report-preview" not in html
    staff = login("supporter").client.get(f"/clients/{sato.id}/reports/{month}?copy=employer")
    assert "data-print" in staff.get_data(as_text=True)


def test_client_asks_for_changes_with_the_form_and_a_blank_comment_is_refused(people, login,
                                                                               month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    login("supporter").post(url(sato, month, "/finalise"))
    me = login("client")
    blank = form(me, f"/records/{month}/changes", {"comment": " "}, f"/records/{month}")
    assert blank.status_code == 422 and "なにか書いてください" in blank.get_data(as_text=True)
    form(me, f"/records/{month}/changes", {"comment": "名前のまちがいをなおして"}, f"/records/{month}")
    with db.database.connection_context():
        assert MonthlyReport.get().change_request == "名前のまちがいをなおして"
    assert "なおしてもらっています" in me.client.get("/records").get_data(as_text=True)
    staff = login("supporter").client.get(f"/clients/{sato.id}/reports/{month}").get_data(as_text=True)
    assert "名前のまちがいをなおして" in staff and "確定して、本人に見てもらう" in staff


@pytest.mark.parametrize("who, path, status", [
    ("client", "/records", 200), ("supporter", "/records", 404), ("manager", "/records", 404),
    ("client", "/clients/{client}/reports/{month}", 404),
    ("other_supporter", "/clients/{client}/reports/{month}", 404),
    ("manager_b", "/clients/{client}/reports/{month}", 404),
    ("manager", "/clients/{client}/reports/{month}", 200),
])
def test_report_pages_are_reached_only_by_their_people(people, login, month_of_notes, who, path,
                                                       status):
    target = path.format(client=people["client"].id, month=month_of_notes["month"])
    assert login(who).client.get(target).status_code == status


def test_both_copies_print_on_a4_and_a_preview_never_prints(client):
    css = client.get("/static/style.css").get_data(as_text=True)
    print_rules = css[css.rindex("@media print"):]
    assert ".report-preview { display: none !important; }" in print_rules
    assert "size: A4" in css


def test_staff_client_page_lists_reports_and_draws_the_support_period(people, login, month_of_notes):
    from companion.models import ClientProfile
    from companion.periods import add_months
    with db.database.connection_context():
        ClientProfile.update(hire_date=add_months(today(), -14),
                             certificate_valid_from=add_months(today(), -7),
                             certificate_valid_to=add_months(today(), 5)).execute()
    html = login("supporter").client.get(f"/clients/{people['client'].id}").get_data(as_text=True)
    assert f"/reports/{month_of_notes['month']}" in html
    svg = html[html.index('<svg class="timeline-chart"'):html.index("</svg>", html.index("timeline-chart")) + 6]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "今日" in svg
    assert "STEP 1" in svg and "STEP 4" in svg and "受給者証の有効期間" in svg
    assert "style=" not in html
    table = html[html.index('class="table timeline-table"'):]
    assert "就職日" in table and "いまここ" in table and "就労定着支援(最長3年)" in table


def test_a_client_without_a_hire_date_gets_a_sentence_not_a_timeline(people, login):
    html = login("supporter").client.get(f"/clients/{people['client'].id}").get_data(as_text=True)
    assert "timeline-chart" not in html and "就職日が入っていない" in html


def test_records_show_past_meetings_with_outcomes_and_actions(people, login, month_of_notes):
    html = login("client").client.get("/records").get_data(as_text=True)
    assert "主治医に相談する" in html and "主治医に眠気のことを話す" in html
    assert "休けいの取り方" not in html  # not reached in the meeting


def test_checkins_of_the_month_make_the_condition_summary(people, login, month_of_notes):
    sato, month = people["client"], month_of_notes["month"]
    first = datetime.strptime(month + "-01", "%Y-%m-%d").date()
    with db.database.connection_context():
        CheckIn.create(client=sato, day=first, mood=2, body=4, sleep=3)
        CheckIn.create(client=sato, day=first - timedelta(days=3), mood=5, body=5, sleep=5)
    copy = login("supporter").client.get(url(sato, month)).get_json()
    mood = copy["condition"]["scales"][0]
    assert (mood["mean"], mood["previous_mean"], mood["days_logged"]) == (2.0, 5.0, 1)


def test_the_staff_preview_and_the_api_say_the_same_before_approval(people, login, month_of_notes):
    supporter, sato, month = login("supporter"), people["client"], month_of_notes["month"]
    words = "確認用です。本人が承認するまで、会社にはわたせません。"
    page = supporter.client.get(f"/clients/{sato.id}/reports/{month}?copy=employer")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and words in html and "report-preview" in html
    assert "data-print" not in html  # no print button for a preview
    answer = supporter.client.get(url(sato, month) + "?copy=employer")
    assert answer.status_code == 409 and answer.get_json()["error"]["message"] == words
    # Approved, both show the same consented items.
    supporter.post(url(sato, month, "/finalise"), json={})
    login("client").post(url(sato, month, "/approve"), json={})
    approved = supporter.client.get(url(sato, month) + "?copy=employer").get_json()
    html = supporter.client.get(f"/clients/{sato.id}/reports/{month}?copy=employer").get_data(as_text=True)
    assert texts(approved) == ["新しい業務を覚えられた", "指示はメモでほしい"]
    assert all(text in html for text in texts(approved)) and "薬の時間に眠くなる" not in html
