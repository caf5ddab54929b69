"""The record that moves with the client: taken out with their yes, brought into another
office as a new account with every date kept, and read back exactly as it went in."""
import io
import json
import pathlib
from datetime import date, datetime, timedelta

import conftest
import jsonschema
import pytest
from conftest import form, held, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import db
from companion.agenda import SECTIONS
from companion.models import (
    ACTION_OWNERS,
    AGENDA_CHOICES,
    ITEM_STATUSES,
    MEETING_MODES,
    NOTE_KINDS,
    NOTE_TOPICS,
    ActionItem,
    AgendaItem,
    CheckIn,
    ClientProfile,
    Employment,
    Meeting,
    MonthlyReport,
    Note,
    ProfileChange,
    RecordTransfer,
    Strength,
    User,
    utcnow,
)
from companion.periods import support_period
from companion.record import service
from companion.record.schemas import VERSION

SCHEMA = json.loads((pathlib.Path(service.__file__).parent / "record.schema.json").read_text())


def take_out(auth, include_private=False, consent=True):
    data = {**({"consent": "1"} if consent else {}),
            **({"include_private": "1"} if include_private else {})}
    return form(auth, "/settings/record", data, "/settings")


def bring_in(auth, doc, login="moved-client", **extra):
    """Post the import form of the manager's page with the file."""
    html = auth.client.get("/admin/record-import").get_data(as_text=True)
    raw = doc if isinstance(doc, bytes) else json.dumps(doc, ensure_ascii=False).encode()
    data = {"csrf_token": conftest.form_token(html), "login": login, "consent": "1",
            "file": (io.BytesIO(raw), "record.json"), **extra}
    return auth.client.post("/admin/record-import", data=data,
                            content_type="multipart/form-data")


def canonical(doc):
    """The record with what may differ between offices left out: the moment and office of
    writing, the consent's time, the refs (renamed by position), the old office's end of
    support and its supporters' names."""
    doc = json.loads(json.dumps(doc))
    for key in ("exported_at", "office"):
        doc.pop(key)
    doc["consent"].pop("given_at")
    for key in service.NOT_CARRIED:
        doc["profile"].pop(key, None)
    names = {}
    for n, note in enumerate(doc["notes"]):
        names[("note", note.pop("ref"))] = f"n{n}"
    for m, meeting in enumerate(doc["meetings"]):
        names[("meeting", meeting.pop("ref"))] = f"m{m}"
        meeting["supporter"] = None
        for i, item in enumerate(meeting["items"]):
            names[("item", item.pop("ref"))] = f"m{m}i{i}"
    for a, action in enumerate(doc["actions"]):
        names[("action", action.pop("ref"))] = f"a{a}"
    for meeting in doc["meetings"]:
        for item in meeting["items"]:
            item["note"] = names.get(("note", item["note"]))
            item["action"] = names.get(("action", item["action"]))
    for action in doc["actions"]:
        action["meeting"] = names.get(("meeting", action["meeting"]))
        action["from_item"] = names.get(("item", action["from_item"]))
    for strength in doc["strengths"]:
        kind, _colon, ref = (strength["source"] or "").partition(":")
        strength["source"] = names.get((kind, ref))
    return doc


def a_full_record(people, login):
    """Months of the client's life at office A: every part of the record has something."""
    sato, supporter = people["client"], people["supporter"]
    me = login("client")
    with db.database.connection_context():
        ClientProfile.update(hire_date=date(2025, 4, 10), employer_name="株式会社みどり",
                             job_title="品出し", employer_since=date(2026, 1, 5),
                             certificate_valid_from=date(2025, 10, 1),
                             certificate_valid_to=date(2026, 9, 30)).where(
            ClientProfile.user == sato.id).execute()
        Employment.create(client=sato, employer_name="前の会社", starts_on=date(2025, 4, 10),
                          ends_on=date(2025, 12, 31))
        for n in range(3):
            CheckIn.create(client=sato, day=date(2026, 11, 1 + n), mood=n + 2, sleep=3,
                           comment="ねむい" if n else "")
    worry = write(sato, "上司の指示が分かりにくい", kind="worry", days_ago=20)
    win = write(sato, "新しい業務を覚えられた", kind="win", days_ago=15, share_with_employer=True)
    write(sato, "だれにも言っていないこと", kind="goal", days_ago=10, visibility="private")
    meeting = held(sato, supporter, [(worry, "resolved", "指示はメールでもらう"),
                                     (win, "discussed", "会社にも伝える")],
                   actions=[("メモ帳を買う", "client")])
    with db.database.connection_context():
        Meeting.create(client=sato, supporter=supporter, scheduled_at=utcnow() - timedelta(days=40),
                       state="cancelled", cancelled_at=utcnow() - timedelta(days=41))
        Meeting.create(client=sato, supporter=supporter, scheduled_at=utcnow() + timedelta(days=5))
        item = AgendaItem.get(AgendaItem.outcome == "指示はメールでもらう")
    staff = login("supporter")
    month = (meeting.closed_at + timedelta(hours=9)).strftime("%Y-%m")
    url = f"/api/v1/clients/{sato.id}/reports/{month}"
    staff.post(url + "/finalise", json={"comment_for_client": "よくがんばりました",
                                        "comment_for_employer": "落ち着いて働いています"})
    me.post(url + "/approve")
    form(me, "/my-strengths/suggestions", {"source": f"item:{item.id}", "action": "accept"},
         "/my-strengths")
    form(me, "/my-strengths", {"part": "strength", "text": "ていねいに確認できる",
                               "share_with_employer": "1"}, "/my-strengths")
    return me


# --- taking it out ---------------------------------------------------------------------

def test_the_client_takes_out_a_file_that_matches_the_published_schema(people, login):
    me = a_full_record(people, login)
    response = take_out(me)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="companion-record-client-')
    doc = response.get_json()
    jsonschema.validate(doc, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert (doc["format"], doc["version"], doc["office"]) == ("companion-record", VERSION, "事業所A")
    assert [n["body"] for n in doc["notes"]] == ["上司の指示が分かりにくい", "新しい業務を覚えられた"]
    assert [m["state"] for m in doc["meetings"]] == ["cancelled", "closed"]  # none still ahead
    [closed] = [m for m in doc["meetings"] if m["state"] == "closed"]
    assert [i["note"] for i in closed["items"]] == [n["ref"] for n in doc["notes"]]
    assert [a["meeting"] for a in doc["actions"]] == [closed["ref"]]
    assert doc["reports"][0]["employer_copy"]["comment_for_employer"] == "落ち着いて働いています"
    assert doc["strengths"][0]["source"] == f"item:{closed['items'][0]['ref']}"
    assert doc["profile"]["hire_date"] == "2025-04-10" and doc["employments"][0]["ends_on"] == "2025-12-31"
    with db.database.connection_context():
        [consent] = RecordTransfer.select()
    assert (consent.client_id, consent.direction, consent.include_private) == (
        people["client"].id, "export", False)


def test_private_notes_go_only_when_the_client_says_so(people, login):
    me = a_full_record(people, login)
    bodies = [n["body"] for n in take_out(me, include_private=True).get_json()["notes"]]
    assert "だれにも言っていないこと" in bodies
    assert take_out(me).get_json()["consent"]["include_private"] is False
    with db.database.connection_context():
        assert [r.include_private for r in RecordTransfer.select().order_by(RecordTransfer.id)] == [True, False]


def test_without_the_clients_yes_nothing_is_written(people, login):
    me = login("client")
    response = take_out(me, consent=False)
    assert response.status_code == 422
    with db.database.connection_context():
        assert RecordTransfer.select().count() == 0
    assert login("supporter").client.post("/settings/record").status_code in (400, 404)


def test_a_client_whose_support_ended_can_still_take_their_record(people, login):
    me = login("client")
    with db.database.connection_context():
        ClientProfile.update(support_ended_on=conftest.today(), support_end_reason="moved_office",
                             hire_date=date(2025, 4, 10)).where(
            ClientProfile.user == people["client"].id).execute()
    assert take_out(me).status_code == 200


# --- bringing it in -----------------------------------------------------------------------------

def test_another_office_brings_it_in_and_reads_back_exactly_what_went_out(people, login):
    me = a_full_record(people, login)
    doc = take_out(me, include_private=True).get_json()
    manager_b = login("manager_b")
    response = bring_in(manager_b, doc, supporter_id=str(people["supporter_b"].id))
    assert response.status_code == 200 and "招待リンク" in response.get_data(as_text=True)
    with db.database.connection_context():
        moved = User.get(User.login == "moved-client")
        profile = ClientProfile.get(ClientProfile.user == moved.id)
        back = service.document(moved, include_private=True)
        consent = RecordTransfer.get(RecordTransfer.client == moved.id)
        change = ProfileChange.get(ProfileChange.client == moved.id)
    assert moved.office_id == people["office_b"].id and moved.display_name == "佐藤 みのり"
    assert support_period(profile.hire_date) == support_period(date(2025, 4, 10))
    assert canonical(back) == canonical(doc)
    assert (consent.direction, consent.other_office, consent.include_private, consent.actor_id) == (
        "import", "事業所A", True, people["manager_b"].id)
    assert consent.consent_at == datetime.fromisoformat(doc["consent"]["given_at"][:-1])
    assert (change.event, change.after) == ("imported", "事業所A")
    # Office B's supporter reads the shared record; the private note stays the client's.
    staff_b = login("supporter_b")
    page = staff_b.client.get(f"/clients/{moved.id}").get_data(as_text=True)
    assert "新しい業務を覚えられた" in page and "だれにも言っていないこと" not in page
    with db.database.connection_context():
        closed = Meeting.get((Meeting.client == moved.id) & (Meeting.state == "closed"))
    assert staff_b.client.get(f"/meetings/{closed.id}").status_code == 200
    month = doc["reports"][0]["month"]
    employer = staff_b.client.get(f"/api/v1/clients/{moved.id}/reports/{month}?copy=employer")
    assert employer.get_json() == doc["reports"][0]["employer_copy"]
    # Office A sees nothing of the new account, and the original is untouched.
    assert login("supporter").client.get(f"/clients/{moved.id}").status_code == 404
    with db.database.connection_context():
        assert Note.select().where(Note.client == people["client"].id).count() == 3


def test_an_end_of_support_at_the_old_office_does_not_end_it_at_the_new_one(people, login):
    me = a_full_record(people, login)
    with db.database.connection_context():
        ClientProfile.update(support_ended_on=conftest.today(), support_end_reason="moved_office").where(
            ClientProfile.user == people["client"].id).execute()
    doc = take_out(me).get_json()
    assert doc["profile"]["support_end_reason"] == "moved_office"
    assert bring_in(login("manager_b"), doc).status_code == 200
    with db.database.connection_context():
        profile = ClientProfile.get(ClientProfile.user == User.get(User.login == "moved-client").id)
    assert profile.support_ended_on is None and profile.hire_date == date(2025, 4, 10)


def every_count():
    with db.database.connection_context():
        return [m.select().count() for m in (User, Note, Meeting, AgendaItem, ActionItem,
                                             MonthlyReport, Strength, CheckIn, RecordTransfer)]


@pytest.mark.parametrize("spoil, says", [
    (lambda doc: b"{not json", "ファイルの中身が正しくありません"),
    (lambda doc: b"\xff\xfe", "ファイルの中身が正しくありません"),
    (lambda doc: {**doc, "version": 2}, "バージョン2"),
    (lambda doc: {**doc, "format": "other"}, "format"),
    (lambda doc: {k: v for k, v in doc.items() if k != "profile"}, "profile"),
    (lambda doc: {**doc, "notes": doc["notes"] + doc["notes"][:1]}, "ファイルの中身が正しくありません"),
    (lambda doc: {**doc, "actions": [{**doc["actions"][0], "meeting": "nope"}]}, "ファイルの中身"),
    (lambda doc: {**doc, "notes": [{**doc["notes"][0], "body": "x" * 1001}]}, "notes"),
    (lambda doc: [doc], "ファイルの中身が正しくありません"),
])
def test_a_broken_file_is_refused_with_nothing_half_saved(people, login, spoil, says):
    doc = take_out(a_full_record(people, login)).get_json()
    before = every_count()
    response = bring_in(login("manager_b"), spoil(doc))
    assert response.status_code == 422
    assert says in response.get_data(as_text=True)
    assert every_count() == before


def test_the_import_form_asks_for_the_file_the_login_and_the_clients_yes(people, login):
    doc = take_out(a_full_record(people, login)).get_json()
    manager_b = login("manager_b")
    before = every_count()
    assert bring_in(manager_b, doc, login="x").status_code == 422  # too short a login
    assert bring_in(manager_b, doc, login="manager").status_code == 422  # taken
    assert bring_in(manager_b, doc, consent="").status_code == 422
    assert bring_in(manager_b, doc, supporter_id=str(people["supporter"].id)).status_code == 422
    html = manager_b.client.get("/admin/record-import").get_data(as_text=True)
    empty = manager_b.client.post("/admin/record-import", data={
        "csrf_token": conftest.form_token(html), "login": "moved-client", "consent": "1"})
    assert empty.status_code == 422 and "ファイルを選んでください" in empty.get_data(as_text=True)
    assert every_count() == before
    assert login("supporter_b").client.get("/admin/record-import").status_code == 404


def test_a_file_of_several_megabytes_is_taken_but_other_forms_stay_small(people, login):
    doc = take_out(a_full_record(people, login)).get_json()
    doc["notes"] += [{**doc["notes"][0], "ref": f"extra-{n}", "body": "あ" * 900}
                     for n in range(1500)]  # about 4 MB, more than the 64 KiB of other forms
    assert bring_in(login("manager_b"), doc).status_code == 200
    me = login("client")
    big = me.client.post("/my-strengths", data={"text": "x" * 70_000, "part": "strength"},
                         headers=me.headers())
    assert big.status_code == 413


# --- the round trip as a property ----------------------------------------------------------------

def moments(start, count):
    """count distinct moments (to the second) after start."""
    return st.lists(st.integers(0, 10**7), min_size=count, max_size=count, unique=True).map(
        lambda offsets: [(start + timedelta(seconds=o)).isoformat() + "Z" for o in sorted(offsets)])


words = st.text(alphabet="あいうえお指示メモ強み配慮 abc", min_size=1, max_size=12).filter(str.strip)


@st.composite
def records(draw):
    """Valid records with links between their parts, as another Companion could write them."""
    start = datetime(2024, 4, 1)
    n_notes, n_meetings = draw(st.integers(0, 5)), draw(st.integers(0, 3))
    notes = [{"ref": f"note-{n}", "kind": draw(st.sampled_from(NOTE_KINDS)),
              "topic": draw(st.sampled_from(NOTE_TOPICS + (None,))), "weight": None,
              "body": draw(words), "visibility": draw(st.sampled_from(("shared", "private"))),
              "share_with_employer": draw(st.booleans()),
              "agenda_choice": draw(st.sampled_from(AGENDA_CHOICES)), "starred_at": None,
              "written_at": at, "updated_at": at, "state": "open", "carried_count": 0}
             for n, at in enumerate(draw(moments(start, n_notes)))]
    meetings, actions = [], []
    for m, at in enumerate(draw(moments(start, n_meetings))):
        closed = draw(st.booleans())
        items = [{"ref": f"m{m}-i{i}", "section": draw(st.sampled_from([k for k, _t in SECTIONS])),
                  "position": i, "ref_type": "note", "note": draw(st.sampled_from(
                      [None] + [n["ref"] for n in notes])), "action": None, "text": draw(words),
                  "kind": None, "topic": None, "weight": None, "carried_count": 0,
                  "written_at": None, "owner": None, "due": None, "done": False,
                  "system_code": None, "status": draw(st.sampled_from(ITEM_STATUSES)),
                  "outcome": draw(st.sampled_from(("", "メールでもらう")))}
                 for i in range(draw(st.integers(0, 3))) if closed]
        meetings.append({"ref": f"meeting-{m}", "scheduled_at": at,
                         "mode": draw(st.sampled_from(MEETING_MODES)),
                         "state": "closed" if closed else "cancelled",
                         "started_at": at if closed else None, "closed_at": at if closed else None,
                         "cancelled_at": None if closed else at, "summary": draw(words),
                         "supporter": "山田", "items": items, "snapshot": {
                             "highlights": [], "window": [at[:-1], at[:-1]],
                             "condition": [[s, None, None, 0, []] for s in ("mood", "body", "sleep")],
                         } if closed else None})
    for a, at in enumerate(draw(moments(start, draw(st.integers(0, 3))))):
        meeting = draw(st.sampled_from([None] + meetings))
        actions.append({"ref": f"action-{a}", "meeting": meeting and meeting["ref"],
                        "from_item": None, "text": draw(words),
                        "owner": draw(st.sampled_from(ACTION_OWNERS)), "due": None,
                        "done_at": draw(st.sampled_from((None, at))), "settled_at": None,
                        "created_at": at})
    items = [i["ref"] for m in meetings for i in m["items"]]
    sources = st.sampled_from([None] + [f"note:{n['ref']}" for n in notes]
                              + [f"item:{ref}" for ref in items])
    strengths = [{"part": draw(st.sampled_from(("strength", "accommodation"))), "text": draw(words),
                  "state": draw(st.sampled_from(("proposed", "accepted", "declined"))),
                  "source": source, "share_with_employer": draw(st.booleans()),
                  "accepted_at": None, "created_at": at}
                 for source, at in zip(draw(st.lists(sources, max_size=4).map(
                     lambda found: [s for n, s in enumerate(found) if s is None or s not in found[:n]])),
                     draw(moments(start, 4)))]
    months = sorted(draw(st.sets(st.sampled_from(["2024-05", "2024-06", "2025-01"]))))
    reports = [{"month": month, "status": draw(st.sampled_from(("draft", "finalised", "approved"))),
                "comment_for_client": draw(words), "comment_for_employer": "", "finalised_at": None,
                "approved_at": None, "change_request": "",
                "employer_copy": draw(st.sampled_from((None, {"copy": "employer", "month": month})))}
               for month in months]
    return {"format": "companion-record", "version": VERSION, "exported_at": "2026-11-30T00:00:00Z",
            "office": "事業所Z", "consent": {"given_at": "2026-11-30T00:00:00Z",
                                            "include_private": True},
            "client": {"display_name": draw(words)},
            "profile": {"hire_date": "2024-04-01", "employer_name": draw(words), "job_title": "",
                        "employer_since": None, "certificate_valid_from": None,
                        "certificate_valid_to": draw(st.sampled_from((None, "2027-03-31"))),
                        "left_job_on": None, "left_job_reason": None, "left_job_detail": "",
                        "support_ended_on": None, "support_end_reason": None,
                        "support_end_note": ""},
            "employments": [], "notes": notes,
            "checkins": [{"day": f"2024-05-{d:02d}", "mood": draw(st.sampled_from((None, 1, 5))),
                          "body": None, "sleep": 3, "comment": ""}
                         for d in sorted(draw(st.sets(st.integers(1, 28), max_size=3)))],
            "meetings": meetings, "actions": actions, "reports": reports, "strengths": strengths}


def test_any_record_goes_in_and_comes_back_out_the_same(app, people):
    """The round trip as a property: a record another office wrote, imported here and written
    again, is the record that came in (up to refs and what is said to differ)."""
    logins = iter(range(10**6))

    @settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(records())
    def check(doc):
        jsonschema.validate(doc, SCHEMA, format_checker=jsonschema.FormatChecker())
        with app.test_request_context(), db.database.connection_context():
            data = service.parse(json.dumps(doc).encode())
            client = service.bring_in(people["manager_b"], data, f"moved-{next(logins)}",
                                      data["client"]["display_name"],
                                      None)
            back = service.document(client, include_private=True)
            shared_only = service.document(client, include_private=False)
        jsonschema.validate(back, SCHEMA, format_checker=jsonschema.FormatChecker())
        assert canonical(back) == canonical(doc)
        private = {n["ref"] for n in doc["notes"] if n["visibility"] == "private"}
        assert [n["body"] for n in shared_only["notes"]] == [
            n["body"] for n in doc["notes"] if n["ref"] not in private]
        linked = [i["note"] for m in shared_only["meetings"] for i in m["items"] if i["note"]]
        assert set(linked) <= {n["ref"] for n in shared_only["notes"]}
    check()
