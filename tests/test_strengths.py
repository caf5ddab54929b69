"""わたしの強みと配慮 and the hand-over: nothing on the page without the client's yes,
nothing to the employer unless marked, nothing printed of the hand-over before approval."""
import json
import re
from collections import Counter
from datetime import date, timedelta

import conftest
import pytest
from conftest import form, held, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from companion import db
from companion.models import (
    ActionItem,
    ClientProfile,
    HandOver,
    HandOverItem,
    MonthlyReport,
    ProfileChange,
    Strength,
    utcnow,
)
from companion.reports import service as reports
from companion.strengths import core

PARTS = ("strength", "accommodation")
STATES = ("proposed", "accepted", "declined")


def page(auth, url="/my-strengths"):
    response = auth.client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def send(auth, url, data, page_url="/my-strengths"):
    return form(auth, url, data, page_url)


def stored(client):
    with db.database.connection_context():
        return list(Strength.select().where(Strength.client == client.id).order_by(Strength.id))


# --- the pure rules ----------------------------------------------------------------------------

entry_strategy = st.builds(
    core.Entry, id=st.integers(1, 10_000), part=st.sampled_from(PARTS),
    text=st.text(min_size=1, max_size=10), state=st.sampled_from(STATES),
    share_with_employer=st.booleans())


@settings(max_examples=100, deadline=None)
@given(st.lists(entry_strategy, max_size=12, unique_by=lambda e: e.id))
def test_the_employer_gets_exactly_the_entries_the_client_accepted_and_marked(entries):
    given_out = Counter((e["part"], e["text"]) for e in core.for_employer(entries))
    # Said here, not taken from the code: on the page means accepted; to the employer,
    # accepted and marked.
    assert given_out == Counter((e.part, e.text) for e in entries
                                if e.state == "accepted" and e.share_with_employer)
    assert all(set(e) == {"part", "text"} for e in core.for_employer(entries))
    assert {e.id for e in core.on_page(entries)} == {e.id for e in entries if e.state == "accepted"}
    assert [e.part for e in core.on_page(entries)] == sorted(
        (e.part for e in core.on_page(entries)), key=PARTS.index)


def test_suggestions_leave_out_what_was_used_and_keep_the_newest():
    sources = [core.Source(f"note:{n}", "strength", f"できた{n}", at=conftest.utcnow()
                           - timedelta(days=n)) for n in range(12)]
    used = [core.Entry(1, "strength", "x", "declined", source="note:0"),
            core.Entry(2, "strength", "x", "accepted", source="note:1")]
    found = core.suggestions(sources, used)
    assert [s.key for s in found] == [f"note:{n}" for n in range(2, 2 + core.MOST_SUGGESTIONS)]
    assert core.suggestions([core.Source("note:x", "strength", "   ")], []) == []


# --- the client's yes, through the pages ---------------------------------------------------------

def test_a_shared_win_is_suggested_and_is_on_the_page_only_after_the_clients_yes(people, login):
    sato, me = people["client"], login("client")
    win = write(sato, "新しい業務を覚えられた", kind="win")
    write(sato, "ひとりで決めた秘密のこと", kind="win", visibility="private")
    write(sato, "消したできたこと", kind="win", deleted_at=utcnow())
    html = page(me)
    assert "新しい業務を覚えられた" in html
    assert "秘密のこと" not in html and "消したできたこと" not in html
    assert stored(sato) == []  # a suggestion is not stored until taken
    staff = login("supporter")
    assert "新しい業務を覚えられた" not in page(staff, f"/clients/{sato.id}/strengths")
    response = send(me, "/my-strengths/suggestions", {
        "source": f"note:{win.id}", "action": "accept", "part": "strength",
        "text": "新しい業務を早く覚えられる"})
    assert response.status_code == 302
    [entry] = stored(sato)
    assert (entry.state, entry.text, entry.source, entry.share_with_employer) == (
        "accepted", "新しい業務を早く覚えられる", f"note:{win.id}", False)
    assert "新しい業務を早く覚えられる" in page(staff, f"/clients/{sato.id}/strengths")
    # Taken: no longer suggested; a second tap answers with the same entry.
    assert f'value="note:{win.id}"' not in page(me)
    again = send(me, "/my-strengths/suggestions", {"source": f"note:{win.id}", "action": "accept"})
    assert again.status_code == 302 and len(stored(sato)) == 1


def test_a_resolved_worrys_outcome_is_suggested_as_an_accommodation(people, login):
    sato, me = people["client"], login("client")
    worry = write(sato, "上司の指示が分かりにくい", kind="worry")
    talked = write(sato, "電話がこわい", kind="worry")
    held(sato, people["supporter"], [(worry, "resolved", "指示はメールでもらう"),
                                     (talked, "discussed", "様子を見る")])
    html = page(me)
    assert "指示はメールでもらう" in html and "上司の指示が分かりにくい" in html
    assert "様子を見る" not in html
    key = re.search(r'name="source" value="(item:\d+)"', html).group(1)
    assert send(me, "/my-strengths/suggestions", {"source": key, "action": "dismiss"}).status_code == 302
    [entry] = stored(sato)
    assert entry.state == "declined"
    assert "指示はメールでもらう" not in page(me)  # turned down: never suggested again


def test_a_supporters_proposal_waits_for_the_client(people, login):
    sato, staff, me = people["client"], login("supporter"), login("client")
    url = f"/clients/{sato.id}/strengths"
    assert send(staff, url, {"part": "accommodation", "text": "指示は一人の上司から"}, url).status_code == 302
    assert send(staff, url, {"part": "strength", "text": "あいさつが気持ちいい"}, url).status_code == 302
    with db.database.connection_context():
        copy = reports.employer_copy(sato, reports.stored(sato, "2026-12"))
    assert copy["strengths"] == []
    first, second = stored(sato)
    assert first.state == second.state == "proposed" and first.proposed_by_id == people["supporter"].id
    html = page(me)
    assert "支援員からの 提案" in html and "指示は一人の上司から" in html
    assert send(me, f"/my-strengths/{first.id}", {
        "action": "accept", "part": "accommodation", "text": "指示は一人の上司から、メールで",
        "share_with_employer": "1"}).status_code == 302
    assert send(me, f"/my-strengths/{second.id}", {"action": "decline"}).status_code == 302
    with db.database.connection_context():
        copy = reports.employer_copy(sato, reports.stored(sato, "2026-12"))
    assert copy["strengths"] == [{"part": "accommodation", "text": "指示は一人の上司から、メールで"}]
    staff_html = page(staff, url)
    assert "あいさつが気持ちいい" not in staff_html.split("本人に提案する")[0]
    # The client can't accept what was already decided, nor touch another client's entry.
    assert send(me, f"/my-strengths/{second.id}", {"action": "accept"}).status_code == 404
    assert [s.state for s in stored(sato)] == ["accepted", "declined"]
    other = login("other_supporter")
    assert other.post(url, data={"part": "strength", "text": "x"}).status_code == 404


def test_bad_input_saves_nothing_and_says_what_to_mend(people, login):
    sato, me = people["client"], login("client")
    blank = send(me, "/my-strengths", {"part": "strength", "text": "   "})
    assert blank.status_code == 422 and "なにか書いてください" in blank.get_data(as_text=True)
    long = send(me, "/my-strengths", {"part": "strength", "text": "あ" * 201})
    assert long.status_code == 422 and "200文字以内" in long.get_data(as_text=True)
    odd = send(me, "/my-strengths", {"part": "health", "text": "x"})
    assert odd.status_code == 422
    assert stored(sato) == []
    assert send(me, "/my-strengths/suggestions", {"source": "note:nope", "action": "accept"}).status_code == 404
    assert send(me, "/my-strengths/999999", {"action": "save", "text": "x"}).status_code == 404


def test_the_sheet_for_the_employer_holds_only_the_marked_entries(people, login):
    sato, me, staff = people["client"], login("client"), login("supporter")
    send(me, "/my-strengths", {"part": "strength", "text": "ていねいに確認できる",
                               "share_with_employer": "1"})
    send(me, "/my-strengths", {"part": "accommodation", "text": "通院の日は午後休み"})
    mine = page(me, "/my-strengths/sheet")
    assert "ていねいに確認できる" in mine and "通院の日は午後休み" not in mine
    everything = page(me, "/my-strengths/sheet?which=all")
    assert "ていねいに確認できる" in everything and "通院の日は午後休み" in everything
    theirs = page(staff, f"/clients/{sato.id}/strengths/sheet")
    assert "ていねいに確認できる" in theirs and "通院の日は午後休み" not in theirs
    assert me.client.get("/my-strengths/sheet?which=nope").status_code == 422
    # Removing an entry takes it off the sheet and out of the copies.
    [shared, _private] = stored(sato)
    send(me, f"/my-strengths/{shared.id}", {"action": "remove"})
    assert "ていねいに確認できる" not in page(me, "/my-strengths/sheet?which=all")


def test_the_marked_entries_are_their_own_section_of_the_approved_employer_copy(people, login):
    sato, me, staff = people["client"], login("client"), login("supporter")
    shared = write(sato, "指示はメモでほしい", kind="for_employer", share_with_employer=True)
    meeting = held(sato, people["supporter"], [(shared, "discussed", "伝える")])
    month = reports.month_of(meeting.closed_at)
    send(me, "/my-strengths", {"part": "strength", "text": "ていねいに確認できる",
                               "share_with_employer": "1"})
    send(me, "/my-strengths", {"part": "strength", "text": "体調のことは言わないで"})
    url = f"/api/v1/clients/{sato.id}/reports/{month}"
    assert staff.post(url + "/finalise").status_code == 200
    client_copy = me.client.get(f"/records/{month}").get_data(as_text=True)
    assert "ていねいに確認できる" in client_copy and "体調のことは言わないで" not in client_copy
    assert me.post(url + "/approve").status_code == 200
    # Changed after the approval: the copy that went out stays as it was.
    [entry, _] = stored(sato)
    send(me, f"/my-strengths/{entry.id}", {"action": "save", "part": "strength",
                                           "text": "あとで変えた"})
    copy = staff.client.get(url + "?copy=employer").get_json()
    assert copy["strengths"] == [{"part": "strength", "text": "ていねいに確認できる"}]
    assert [i["text"] for m in copy["meetings"] for i in m["items"]] == ["指示はメモでほしい"]
    html = staff.client.get(f"/clients/{sato.id}/reports/{month}?copy=employer").get_data(as_text=True)
    assert html.index("ていねいに確認できる") < html.index("この月の面談")
    assert "あとで変えた" not in html


def test_an_employer_copy_approved_before_strengths_existed_still_reads(people, login):
    sato, staff = people["client"], login("supporter")
    with db.database.connection_context():
        MonthlyReport.create(client=sato, month="2026-01", status="approved", approved_at=utcnow(),
                             finalised_at=utcnow(), employer_copy=json.dumps({
                                 "copy": "employer", "month": "2026-01", "status": "approved",
                                 "client": {"id": sato.id, "display_name": sato.display_name},
                                 "office": "事業所A", "employer_name": "", "approved_at": None,
                                 "comment_for_employer": "", "meetings": []}))
    page = staff.client.get(f"/clients/{sato.id}/reports/2026-01?copy=employer")
    assert page.status_code == 200 and "わたしの強みと配慮" not in page.get_data(as_text=True)


# --- many changes in a row: the page and the copies after every step ---------------------------

def test_page_and_employer_copy_follow_every_choice_step_after_step(app, people, login):
    """A stateful property: proposals, answers, own entries, edits, sharing and removals in
    any order; after every step the page, the supporter's view and the employer copy hold
    exactly what the client said yes to (and, for the employer, marked)."""
    staff, me = login("supporter"), login("client")
    sato = people["client"]
    words = st.text(alphabet="あいうえおかきくけこ強配", min_size=1, max_size=8)

    class Choices(RuleBasedStateMachine):
        entries = Bundle("entries")

        @initialize()
        def fresh(self):
            with db.database.connection_context():
                Strength.delete().where(Strength.client == sato.id).execute()
            self.model = {}  # id → [part, text, state, shared]

        def new_id(self):
            return stored(sato)[-1].id

        @rule(target=entries, part=st.sampled_from(PARTS), text=words)
        def supporter_proposes(self, part, text):
            url = f"/clients/{sato.id}/strengths"
            assert staff.post(url, data={"part": part, "text": text}).status_code == 302
            self.model[self.new_id()] = [part, text, "proposed", False]
            return self.new_id()

        @rule(target=entries, part=st.sampled_from(PARTS), text=words, share=st.booleans())
        def client_writes(self, part, text, share):
            data = {"part": part, "text": text, **({"share_with_employer": "1"} if share else {})}
            assert me.post("/my-strengths", data=data).status_code == 302
            self.model[self.new_id()] = [part, text, "accepted", share]
            return self.new_id()

        @rule(entry=entries, yes=st.booleans(), share=st.booleans(), text=words)
        def client_answers(self, entry, yes, share, text):
            data = {"action": "accept" if yes else "decline", "text": text,
                    **({"share_with_employer": "1"} if share else {})}
            response = me.post(f"/my-strengths/{entry}", data=data)
            row = self.model[entry]
            if row[2] != "proposed":
                assert response.status_code == 404
                return
            assert response.status_code == 302
            row[1:] = [text, "accepted", share] if yes else [row[1], "declined", False]

        @rule(entry=entries, share=st.booleans(), part=st.sampled_from(PARTS), remove=st.booleans())
        def client_changes(self, entry, share, part, remove):
            data = ({"action": "remove"} if remove else
                    {"action": "save", "part": part, **({"share_with_employer": "1"} if share else {})})
            response = me.post(f"/my-strengths/{entry}", data=data)
            row = self.model[entry]
            if row[2] != "accepted":
                assert response.status_code == 404
                return
            assert response.status_code == 302
            if remove:
                row[2:] = ["declined", False]
            else:
                row[0], row[3] = part, share

        @invariant()
        def copies_hold_what_the_client_said(self):
            if not hasattr(self, "model"):
                return
            with app.app_context(), db.database.connection_context():
                copy = reports.employer_copy(sato, reports.stored(sato, "2026-12"))
            expected = Counter((p, t) for p, t, state, shared in self.model.values()
                               if state == "accepted" and shared)
            assert Counter((e["part"], e["text"]) for e in copy["strengths"]) == expected
            on_page = {(p, t) for p, t, state, _ in self.model.values() if state == "accepted"}
            with db.database.connection_context():
                found = {(s.part, s.text) for s in Strength.select().where(
                    (Strength.client == sato.id) & (Strength.state == "accepted"))}
            assert found == on_page

    run_state_machine_as_test(Choices, settings=settings(
        max_examples=15, stateful_step_count=12, deadline=None, database=None,
        suppress_health_check=list(HealthCheck)))


# --- the hand-over ---------------------------------------------------------------------------

def end_support(people, login, reason="stable"):
    sato = people["client"]
    with db.database.connection_context():
        ClientProfile.update(hire_date=date(2024, 4, 1), employer_name="株式会社みどり").where(
            ClientProfile.user == sato.id).execute()
    url = f"/accounts/{sato.id}/profile"
    response = form(login("manager"), url + "/end", {"ended_on": conftest.today().isoformat(),
                                                     "reason": reason, "note": "なかぽつへ"}, url)
    assert response.status_code == 302


def test_the_hand_over_is_drafted_from_the_page_open_actions_and_the_last_three_reports(people, login):
    sato, me = people["client"], login("client")
    send(me, "/my-strengths", {"part": "strength", "text": "ていねいに確認できる"})
    send(me, "/my-strengths", {"part": "accommodation", "text": "指示は一人の上司から"})
    staff = login("supporter")
    send(staff, f"/clients/{sato.id}/strengths", {"part": "strength", "text": "まだ提案"},
         f"/clients/{sato.id}/strengths")
    meeting = held(sato, people["supporter"], actions=[("メモ帳を買う", "client"),
                                                       ("会社と話す", "supporter")])
    with db.database.connection_context():
        ActionItem.update(done_at=utcnow()).where(ActionItem.text == "会社と話す").execute()
        for month, comment in (("2026-07", "七月"), ("2026-08", "八月"), ("2026-09", ""),
                               ("2026-10", "十月"), ("2026-11", "十一月")):
            MonthlyReport.create(client=sato, month=month, status="approved",
                                 comment_for_client=comment, finalised_at=utcnow())
        MonthlyReport.create(client=sato, month="2026-12", comment_for_client="下書き")
    assert meeting
    end_support(people, login)
    with db.database.connection_context():
        hand_over = HandOver.get(HandOver.client == sato.id)
        lines = [(i.section, i.month, i.text) for i in HandOverItem.select()
                 .where(HandOverItem.hand_over == hand_over.id).order_by(HandOverItem.position)]
    assert (hand_over.support_start, hand_over.support_end, hand_over.end_reason) == (
        date(2024, 10, 1), conftest.today(), "stable")  # support starts six months after hire
    assert lines == [("strength", "", "ていねいに確認できる"),
                     ("accommodation", "", "指示は一人の上司から"),
                     ("action", "", "メモ帳を買う"),
                     ("report", "2026-11", "十一月"), ("report", "2026-10", "十月")]


def test_nothing_of_the_hand_over_is_printed_before_the_client_approves_each_line(people, login):
    sato, me = people["client"], login("client")
    send(me, "/my-strengths", {"part": "strength", "text": "ていねいに確認できる"})
    send(me, "/my-strengths", {"part": "accommodation", "text": "通院のことは伝えないで"})
    assert me.client.get("/my-handover").status_code == 404  # nothing drafted yet
    end_support(people, login)
    staff, manager = login("supporter"), login("manager")
    for auth, url in ((me, "/my-handover/print"), (staff, f"/clients/{sato.id}/handover"),
                      (manager, f"/clients/{sato.id}/handover")):
        response = auth.client.get(url)
        assert "ていねいに確認できる" not in response.get_data(as_text=True)
    assert me.client.get("/my-handover/print").status_code == 409
    html = page(me, "/my-handover")
    assert "ていねいに確認できる" in html and "まだ 決めていない 項目が 2 こ" in html
    first, second = [int(n) for n in re.findall(r'id="line-(\d+)"', html)]
    refused = send(me, "/my-handover/approve", {}, "/my-handover")
    assert refused.status_code == 409 and "まだ決めていない項目" in refused.get_data(as_text=True)
    with db.database.connection_context():
        assert HandOver.get().approved_at is None  # refused: one line not decided
    assert send(me, f"/my-handover/items/{first}", {"passed": "1"}, "/my-handover").status_code == 302
    assert send(me, f"/my-handover/items/{second}", {"passed": "0"}, "/my-handover").status_code == 302
    assert send(me, f"/my-handover/items/{second}", {"passed": "x"}, "/my-handover").status_code == 422
    assert send(me, "/my-handover/items/999999", {"passed": "1"}, "/my-handover").status_code == 404
    assert send(me, "/my-handover/approve", {}, "/my-handover").status_code == 302
    with db.database.connection_context():
        approved = HandOver.get()
        record = ProfileChange.get(ProfileChange.event == "handover")
    assert approved.approved_at is not None
    assert (record.client_id, record.actor_id, record.after) == (sato.id, sato.id, "1/2")
    for auth, url in ((me, "/my-handover/print"), (manager, f"/clients/{sato.id}/handover")):
        printed = page(auth, url)
        assert "ていねいに確認できる" in printed and "通院のことは伝えないで" not in printed
        assert "株式会社みどり" in printed and "2024年10月1日" in printed
    # Fixed once approved.
    assert send(me, f"/my-handover/items/{second}", {"passed": "1"}, "/settings").status_code == 409
    with db.database.connection_context():
        assert HandOverItem.get_by_id(second).passed is False
    assert "引きつぎのまとめを本人が承認" in page(manager, f"/accounts/{sato.id}/profile")


def test_an_end_taken_back_and_recorded_again_drafts_the_hand_over_anew(people, login):
    sato, me = people["client"], login("client")
    send(me, "/my-strengths", {"part": "strength", "text": "はじめの強み"})
    end_support(people, login)
    url = f"/accounts/{sato.id}/profile"
    assert form(login("manager"), url + "/resume", {}, url).status_code == 302
    send(me, "/my-strengths", {"part": "strength", "text": "あとの強み"})
    end_support(people, login, "three_years")
    with db.database.connection_context():
        assert HandOver.select().count() == 1
        assert [i.text for i in HandOverItem.select().order_by(HandOverItem.position)] == [
            "はじめの強み", "あとの強み"]


@pytest.mark.parametrize("url", ["/my-strengths", "/my-strengths/suggestions"])
def test_after_the_end_the_page_is_read_only(people, login, url):
    sato, me = people["client"], login("client")
    end_support(people, login)
    response = send(me, url, {"part": "strength", "text": "x", "source": "note:x",
                              "action": "accept"}, "/settings")
    assert response.status_code == 403 and stored(sato) == []
    staff = login("supporter")
    proposal = send(staff, f"/clients/{sato.id}/strengths", {"part": "strength", "text": "x"},
                    "/settings")
    assert proposal.status_code == 403 and stored(sato) == []
    assert "自分で 書いて のせる" not in page(me)
