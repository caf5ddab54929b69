"""The caseload: every flag with its reason, most urgent first, for the same cost at 5 or 60 clients."""
from datetime import date, datetime, timedelta

import pytest
import conftest
from companion import caseload as caseload_module, db
from companion.agenda import AgendaCheckIn
from companion.models import (
    MonthlyReport,
    CheckIn, ClientProfile, Meeting, Note, User, new_uuid, today, utcnow,
)
from companion.needs import FLAGS, Facts, Flag, flags_for, need_order
from companion.periods import add_months
from conftest import schedule, write

NOW = datetime(2026, 11, 25, 3, 0)
TODAY = date(2026, 11, 25)
CALM = Facts(last_note_day=TODAY - timedelta(days=1), face_to_face_this_month=True,
             next_meeting_at=NOW + timedelta(days=5))


def codes(facts, day=TODAY):
    return [f.code for f in flags_for(facts, NOW, day)]


# --- the rules, on plain data ------------------------------------------------------------

RULES = [
    ("urgent_worry", {"urgent_worries": 1}, {"urgent_worries": 0}),
    ("condition_drop", {"checkins": tuple(AgendaCheckIn(TODAY - timedelta(days=d), 2, 3, 3)
                                          for d in (1, 2, 3))},
     {"checkins": tuple(AgendaCheckIn(TODAY - timedelta(days=d), 3, 3, 3) for d in (1, 2, 3))}),
    ("quiet", {"last_note_day": TODAY - timedelta(days=14)},
     {"last_note_day": TODAY - timedelta(days=20), "last_checkin_day": TODAY - timedelta(days=13)}),
    ("no_face_to_face_this_month", {"face_to_face_this_month": False}, {}),
    ("certificate_ending", {"certificate_valid_to": TODAY + timedelta(days=60)},
     {"certificate_valid_to": TODAY + timedelta(days=61)}),
    ("support_ending", {"support_end": add_months(TODAY, 6)},
     {"support_end": add_months(TODAY, 6) + timedelta(days=1)}),
    ("no_next_meeting", {"next_meeting_at": None}, {}),
]


@pytest.mark.parametrize("code, on, off", RULES, ids=[r[0] for r in RULES])
def test_each_flag_turns_on_and_off_by_its_rule(code, on, off):
    assert codes(CALM) == []
    assert codes(Facts(**{**CALM.__dict__, **on})) == [code]
    assert code not in codes(Facts(**{**CALM.__dict__, **off}))


def test_face_to_face_is_asked_for_only_after_the_20th():
    away = Facts(**{**CALM.__dict__, "face_to_face_this_month": False})
    assert codes(away, TODAY.replace(day=20)) == []
    assert codes(away, TODAY.replace(day=21)) == ["no_face_to_face_this_month"]


def test_an_expired_certificate_is_flagged_too():
    expired = Facts(**{**CALM.__dict__, "certificate_valid_to": TODAY - timedelta(days=3)})
    [flag] = flags_for(expired, NOW, TODAY)
    assert (flag.code, flag.count) == ("certificate_ending", -3)


def test_a_client_who_never_wrote_is_quiet_with_no_day_count():
    [flag] = flags_for(Facts(**{**CALM.__dict__, "last_note_day": None}), NOW, TODAY)
    assert (flag.code, flag.count) == ("quiet", 0)


def test_the_most_pressing_flag_decides_the_order_then_the_sooner_meeting():
    def key(name, *flag_codes, days=5):
        return need_order([Flag(c) for c in flag_codes], NOW + timedelta(days=days), name)
    rows = {"urgent": key("a", "urgent_worry"), "many": key("b", *FLAGS[1:]),
            "calm_soon": key("c", days=1), "calm_later": key("d", days=9),
            "quiet": key("e", "quiet")}
    assert sorted(rows, key=rows.get) == ["urgent", "many", "quiet", "calm_soon", "calm_later"]


# --- through the API and the page --------------------------------------------------------

def flags_of(auth, client):
    """The caseload's flags for one client: {code: reason}."""
    response = auth.client.get("/api/v1/caseload")
    assert response.status_code == 200
    row = next(r for r in response.get_json() if r["client"]["id"] == client.id)
    return {f["code"]: f["reason"] for f in row["flags"]}


def closed(client, supporter, mode="in_person", days_ago=0):
    """A meeting held and closed days_ago days ago."""
    held = utcnow() - timedelta(days=days_ago, hours=1)
    with db.database.connection_context():
        return Meeting.create(client=client.id, supporter=supporter.id, scheduled_at=held,
                              mode=mode, state="closed", started_at=held,
                              closed_at=held + timedelta(minutes=50), snapshot="{}")


def checkins(client, moods):
    """Check-ins on the last len(moods) days, the last one yesterday."""
    with db.database.connection_context():
        for ago, mood in enumerate(moods, start=1):
            CheckIn.create(client=client, day=today() - timedelta(days=ago), mood=mood, body=3, sleep=3)


def profile(client, **fields):
    with db.database.connection_context():
        ClientProfile.update(**fields).where(ClientProfile.user == client.id).execute()


def late_in_the_month(monkeypatch):
    """Make the caseload's today the 25th of this month, past the 20th."""
    monkeypatch.setattr(caseload_module, "today", lambda: today().replace(day=25))


def report(client, month=None, **fields):
    with db.database.connection_context():
        MonthlyReport.create(client=client, month=month or today().strftime("%Y-%m"), **fields)


def report_day_after_the_10th(monkeypatch, client, supporter, **fields):
    """The 12th: last month had a meeting; its report as fields say (none without fields)."""
    monkeypatch.setattr(caseload_module, "today", lambda: today().replace(day=12))
    closed(client, supporter, days_ago=today().day + 5)
    if fields:
        last = (today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        report(client, last, **fields)


SETUPS = {
    "urgent_worry": (lambda p, s, m: write(p, "薬を飲み忘れた", weight="urgent"),
                     lambda p, s, m: write(p, "薬を飲み忘れた", weight="urgent", state="discussed")),
    "condition_drop": (lambda p, s, m: checkins(p, [1, 2, 1]),
                       lambda p, s, m: checkins(p, [4, 4, 4])),
    "quiet": (lambda p, s, m: write(p, "前のメモ", days_ago=20),
              lambda p, s, m: write(p, "きのうのメモ", days_ago=1)),
    "no_face_to_face_this_month": (
        lambda p, s, m: (late_in_the_month(m), closed(p, s, "online")),
        lambda p, s, m: (late_in_the_month(m), closed(p, s, "workplace_visit"))),
    "certificate_ending": (
        lambda p, s, m: profile(p, certificate_valid_to=today() + timedelta(days=30)),
        lambda p, s, m: profile(p, certificate_valid_to=today() + timedelta(days=90))),
    "support_ending": (lambda p, s, m: profile(p, hire_date=add_months(today(), -40)),
                       lambda p, s, m: profile(p, hire_date=add_months(today(), -12))),
    "no_next_meeting": (lambda p, s, m: None, lambda p, s, m: schedule(s, p, days=5)),
    "report_changes_requested": (
        lambda p, s, m: report(p, status="draft", change_request="体調のことは会社に書かないで",
                               change_requested_at=utcnow()),
        # Finalised again after the change: nothing waits on the supporter.
        lambda p, s, m: report(p, status="finalised", change_request="体調のことは会社に書かないで",
                               change_requested_at=utcnow(), finalised_at=utcnow())),
    "report_due": (
        lambda p, s, m: report_day_after_the_10th(m, p, s),
        lambda p, s, m: report_day_after_the_10th(m, p, s, status="finalised",
                                                  finalised_at=utcnow())),
}


@pytest.mark.parametrize("code", FLAGS)
@pytest.mark.parametrize("state", ["on", "off"])
def test_each_flag_on_the_caseload_with_its_reason_in_words(people, login, monkeypatch, code, state):
    supporter = login("supporter")
    with db.database.connection_context():
        helper = User.get(User.login == "supporter")
    setup = SETUPS[code][state == "off"]
    setup(people["client"], supporter if code == "no_next_meeting" else helper, monkeypatch)
    flags = flags_of(supporter, people["client"])
    assert (code in flags) == (state == "on"), flags
    if state == "on":
        assert flags[code] and "%" not in flags[code]


def test_reasons_say_what_the_rule_found(people, login):
    sato = people["client"]
    write(sato, "薬を飲み忘れた", weight="urgent")
    write(sato, "朝がつらい", weight="urgent")
    profile(sato, certificate_valid_to=today() + timedelta(days=30))
    checkins(sato, [1, 2, 1])
    flags = flags_of(login("supporter"), sato)
    assert "2件" in flags["urgent_worry"]
    assert "あと30日" in flags["certificate_ending"]
    assert "気分が2以下の日が3日" in flags["condition_drop"]


def test_urgent_client_comes_first_and_the_page_says_why(people, login):
    with db.database.connection_context():
        third = conftest.make_user(people["office_a"], "client", "third", "山本 はるか",
                                   people["supporter"])
    write(third, "休みたいと言えない", weight="urgent")
    supporter = login("supporter")
    schedule(supporter, people["client"], days=3)
    rows = supporter.client.get("/api/v1/caseload").get_json()
    assert [r["client"]["display_name"] for r in rows] == ["山本 はるか", "佐藤 みのり"]
    assert set(rows[0]) == {"client", "flags", "next_meeting", "new_notes", "support_ended_on"}
    assert rows[1]["next_meeting"]["days_left"] == 3 and rows[0]["next_meeting"] is None
    assert rows[0]["new_notes"] == 1
    page = supporter.client.get("/").get_data(as_text=True)
    assert page.index("山本 はるか") < page.index("佐藤 みのり")
    assert "すぐ相談したい" in page and "まだ話せていません" in page and "needs-attention" in page
    assert "style=" not in page


@pytest.mark.parametrize("who, status", [("client", 404), ("supporter", 200), ("manager", 200),
                                         ("other_supporter", 200)])
def test_caseload_is_for_staff_and_holds_only_their_clients(people, login, who, status):
    response = login(who).client.get("/api/v1/caseload")
    assert response.status_code == status
    if status == 200:
        names = {r["client"]["display_name"] for r in response.get_json()}
        expected = {"supporter": {"佐藤 みのり"}, "other_supporter": {"other-client"},
                    "manager": {"佐藤 みのり", "other-client"}}[who]
        assert names == expected


def add_clients(office, supporter, n, start):
    """n clients of supporter, each with notes, check-ins, a closed and a scheduled meeting."""
    now = utcnow()
    for k in range(start, start + n):
        client = conftest.make_user(office, "client", f"load{k}", f"利用者{k}", supporter,
                                    hire_date=add_months(today(), -(k % 40)),
                                    certificate_valid_to=today() + timedelta(days=k * 7))
        notes = [dict(id=new_uuid(), client=client.id, kind="worry", weight=("small", "urgent")[j % 2],
                      body=f"メモ{j}", written_at=now - timedelta(days=j * 3),
                      received_at=now, updated_at=now) for j in range(6)]
        Note.insert_many(notes).execute()
        CheckIn.insert_many([dict(client=client.id, day=today() - timedelta(days=d), mood=1 + d % 5,
                                  body=3, sleep=3, updated_at=now) for d in range(1, 30)]).execute()
        Meeting.create(client=client.id, supporter=supporter.id, mode=("online", "in_person")[k % 2],
                       scheduled_at=now - timedelta(days=9), state="closed",
                       started_at=now - timedelta(days=9), closed_at=now - timedelta(days=9),
                       snapshot="{}")
        if k % 3:
            Meeting.create(client=client.id, supporter=supporter.id,
                           scheduled_at=now + timedelta(days=k % 9 + 1))


def test_caseload_costs_the_same_queries_for_5_or_60_clients(app, people):
    counts = {}
    with db.database.connection_context():
        few = conftest.make_user(people["office_a"], "supporter", "few")
        many = conftest.make_user(people["office_a"], "supporter", "many")
        add_clients(people["office_a"], few, 5, 0)
        add_clients(people["office_a"], many, 60, 100)
    for name, size in (("few", 5), ("many", 60)):
        auth = conftest.Auth(app.test_client())
        auth.login(name)
        for url in ("/api/v1/caseload", "/"):
            with conftest.count_queries() as seen:
                response = auth.client.get(url)
            assert response.status_code == 200
            counts[name, url] = len(seen)
        assert len(auth.client.get("/api/v1/caseload").get_json()) == size
    print("caseload queries:", counts)
    assert counts["few", "/api/v1/caseload"] == counts["many", "/api/v1/caseload"]
    assert counts["few", "/"] == counts["many", "/"]
    # The person, the caseload's 8 queries, one access-log insert for every listed client
    # (and PostgreSQL's transaction statement).
    assert counts["few", "/api/v1/caseload"] <= 11
