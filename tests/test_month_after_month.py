"""The 作戦会議 month after month: a stateful test that lives through many monthly cycles.

A hypothesis `RuleBasedStateMachine` drives the app's real domain functions and its real
database (SQLite, or PostgreSQL when COMPANION_TEST_DATABASE_URL is set) through notes,
check-ins, Prepare, meetings, action items and reports, with the clock moved forward by
time-machine. It keeps its own model of what should be true and checks, after every step:

- every frozen item points at its note, action or point;
- the live agenda holds exactly the notes that are still candidates — so a note discussed or
  resolved never comes back — each with the times it was carried;
- private and deleted notes reach no staff view;
- the employer copy of each month's report holds exactly the consented notes that month's
  closed meetings reported, and an approved one never changes; after a job change it goes
  to the employer of that month's end and holds only what was said and written since that
  job began, while the support period still counts from the first hire date;
- the supporter's own points come back until they are talked about;
- the live agenda costs the same number of queries whatever happened before.

Profiles: `fast` (the default on a laptop) and `ci` (when CI is set, or
COMPANION_STATEFUL_PROFILE=ci), which runs many more and longer lives.
"""
import os
import uuid
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import time_machine
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test,
)

import conftest
from companion import db
from companion.checkins import save_checkin
from companion.clock import to_utc
from companion.errors import Refused
from companion.meetings import service as meetings
from companion.meetings.agenda_view import agenda_for
from companion.models import (
    ActionItem, AgendaItem, ClientProfile, Meeting, Note, Office, Strength, today, utcnow,
)
from companion.notes import service as notes
from companion.profiles import service as profiles
from companion.reports import service as reports
from companion.reports.copies import REPORTED
from conftest import all_models

PROFILES = {
    # The same lives on every run on a laptop, so that reaching the close never depends on luck.
    "fast": settings(max_examples=10, stateful_step_count=80, deadline=None, database=None,
                     derandomize=True, suppress_health_check=list(HealthCheck)),
    "ci": settings(max_examples=60, stateful_step_count=100, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck)),
}
PROFILE = os.environ.get("COMPANION_STATEFUL_PROFILE") or ("ci" if os.environ.get("CI") else "fast")
MIN_CLOSES = 12
BEGIN = datetime(2026, 3, 2, 0, 30)  # 09:30 in Japan, a Monday
JST = timedelta(hours=9)
KINDS = ("worry", "win", "goal", "challenge", "for_employer")
TOPICS = (None, "workload", "relationships", "health", "career", "other")
WORDS = st.sampled_from(["上司の指示が分かりにくい", "朝がつらい", "品出しができた", "休けいの取り方",
                         "資格をとりたい", "指示はメモでほしい", "電話がこわい", "ほめられた"])
NOTE_STATUSES = ("pending", "discussed", "resolved", "carry_over")
ACTION_STATUSES = ("pending", "done", "continue", "dropped")


def month_of(moment):
    return (moment + JST).strftime("%Y-%m")


def empty_every_table():
    """Remove every row, the retained records too (this is a test database)."""
    tables = [m._meta.table_name for m in all_models()]
    database = db.database.obj
    with db.database.connection_context():
        if "postgres" in type(database).__name__.lower():
            database.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                 + " RESTART IDENTITY CASCADE")
        else:
            with db.database.atomic():
                db.database.execute_sql("PRAGMA defer_foreign_keys = ON")
                for table in tables:
                    db.database.execute_sql(f'DELETE FROM "{table}"')


class MonthAfterMonth(RuleBasedStateMachine):
    """One client and their supporter, through as many months as hypothesis makes."""

    app = None
    closes = 0
    job_changes = 0
    live_agenda_queries = None

    def __init__(self):
        super().__init__()
        self.traveller = time_machine.travel(BEGIN, tick=False)
        self.clock = self.traveller.start()
        empty_every_table()
        with self.domain():
            office = Office.create(name="事業所", phone="03-0000-0000")
            self.supporter = conftest.make_user(office, "supporter", "supporter")
            self.client = conftest.make_user(
                office, "client", "client", "佐藤", self.supporter,
                hire_date=today() - timedelta(days=240), employer_name="会社1",
                # Falls due within 60 days during the run: the system adds a talking point.
                certificate_valid_to=today() + timedelta(days=75))
        self.staff_browser = self.browser("supporter")
        self.client_browser = self.browser("client")
        self.notes = {}       # id → what the note is now
        self.meeting = None   # the scheduled or running meeting: {"id", "state", "touched"}
        self.items = {}       # frozen item id → {"ref", "id", "status", "text", "meeting"}
        self.closed = []      # closed meetings: {"id", "started_at", "closed_at", "items"}
        self.actions = {}     # id → {"meeting", "done_at", "settled", "created_at"}
        self.points = {}      # the supporter's own points: id → meeting raised in, or None
        self.reports = {}     # month → {"status", "finalised_at", "frozen", "employer"}
        self.jobs = [(today() - timedelta(days=240), "会社1")]  # (first day, employer)
        self.strengths = {}   # わたしの強みと配慮 on the page: id → {"part", "text", "shared"}

    def teardown(self):
        self.traveller.stop()

    @contextmanager
    def domain(self):
        """Call the domain as a view would: in the app's context, on a connection.

        Not held between steps: the test clients' requests need contexts of their own.
        """
        with self.app.app_context(), db.database.connection_context():
            yield

    def browser(self, login):
        auth = conftest.Auth(self.app.test_client())
        assert auth.login(login).status_code == 302
        return auth

    def tick(self, minutes=3):
        """Time passes between any two things a person does."""
        self.clock.shift(timedelta(minutes=minutes))

    # --- the client's side ---------------------------------------------------------------

    @precondition(lambda self: not self.running())
    @rule(kind=st.sampled_from(KINDS), topic=st.sampled_from(TOPICS),
          weight=st.sampled_from(["small", "medium", "urgent"]), body=WORDS,
          private=st.booleans(), share=st.booleans() | st.none(),
          hours_ago=st.integers(0, 30))
    def write_note(self, kind, topic, weight, body, private, share, hours_ago):
        self.tick()
        # Ids that replay the same: hypothesis draws notes by their place in a sorted list.
        data = {"id": str(uuid.UUID(int=len(self.notes) + 1, version=4)), "kind": kind, "topic": topic, "body": body,
                "visibility": "private" if private else "shared",
                "written_at": utcnow() - timedelta(hours=hours_ago)}
        if kind == "worry":
            data["weight"] = weight
        if share is not None:
            data["share_with_employer"] = share
        with self.domain():
            note, created = notes.create_note(self.client, data)
        assert created
        self.notes[note.id] = {
            "kind": kind, "visibility": data["visibility"], "share": note.share_with_employer,
            "deleted": False, "choice": "raise", "starred": False, "state": "open", "carried": 0,
            "written_at": note.written_at}

    @rule(text=WORDS, part=st.sampled_from(["strength", "accommodation"]), share=st.booleans())
    def write_a_strength(self, text, part, share):
        """わたしの強みと配慮: an entry of the client's own, marked for the employer or not."""
        self.tick()
        form = {"part": part, "text": text, **({"share_with_employer": "1"} if share else {})}
        assert self.client_browser.post("/my-strengths", data=form).status_code == 302
        with self.domain():
            row = Strength.select().order_by(Strength.id.desc()).first()
        self.strengths[row.id] = {"part": part, "text": text, "shared": share}

    @precondition(lambda self: self.strengths)
    @rule(data=st.data(), share=st.booleans(), remove=st.booleans())
    def change_a_strength(self, data, share, remove):
        self.tick()
        entry = data.draw(st.sampled_from(sorted(self.strengths)))
        form = ({"action": "remove"} if remove else
                {"action": "save", **({"share_with_employer": "1"} if share else {})})
        assert self.client_browser.post(f"/my-strengths/{entry}", data=form).status_code == 302
        if remove:
            del self.strengths[entry]
        else:
            self.strengths[entry]["shared"] = share

    def employer_strengths(self):
        """What the employer copy says of the strengths now: 強み first, in the order written."""
        marked = [(e["part"] != "strength", i, e) for i, e in self.strengths.items() if e["shared"]]
        return [{"part": e["part"], "text": e["text"]} for _p, _i, e in sorted(marked)]

    @precondition(lambda self: not self.running())
    @rule(mood=st.integers(1, 5), body=st.integers(1, 5) | st.none(), sleep=st.integers(1, 5))
    def check_in(self, mood, body, sleep):
        self.tick()
        with self.domain():
            save_checkin(self.client, today(), {"mood": mood, "body": body, "sleep": sleep})

    @precondition(lambda self: not self.running() and self.live_notes())
    @rule(data=st.data(), choice=st.sampled_from(["star", "unstar", "raise", "keep_private",
                                                  "sorted"]))
    def prepare(self, data, choice):
        self.tick()
        note_id = data.draw(st.sampled_from(self.live_notes()))
        change = {"star": {"starred": True}, "unstar": {"starred": False}}.get(
            choice, {"agenda_choice": choice})
        if choice == "keep_private":
            change["starred"] = False
        stars = sum(1 for n in self.notes.values()
                    if n["starred"] and not n["deleted"] and n["state"] in ("open", "carried"))
        with self.domain():
            try:
                notes.update_note(Note.get_by_id(note_id), change)
            except Refused as refused:
                assert refused.status == 409 and stars >= 3 and choice == "star"
                return
        model = self.notes[note_id]
        if "starred" in change:
            model["starred"] = change["starred"]
        model["choice"] = change.get("agenda_choice", model["choice"])

    @precondition(lambda self: not self.running() and self.live_notes())
    @rule(data=st.data())
    def make_private(self, data):
        self.tick()
        note_id = data.draw(st.sampled_from(self.live_notes()))
        with self.domain():
            notes.update_note(Note.get_by_id(note_id), {"visibility": "private"})
        self.notes[note_id]["visibility"] = "private"

    @precondition(lambda self: not self.running() and self.live_notes())
    @rule(data=st.data())
    def delete_note(self, data):
        self.tick()
        note_id = data.draw(st.sampled_from(self.live_notes()))
        with self.domain():
            notes.delete_note(Note.get_by_id(note_id))
        self.notes[note_id].update(deleted=True, starred=False)

    @precondition(lambda self: self.live_notes())
    @rule(data=st.data())
    def change_employer_sharing(self, data):
        """Through the API, as the client: consent is locked once a report holding it is approved."""
        self.tick()
        note_id = data.draw(st.sampled_from(self.live_notes()))
        model = self.notes[note_id]
        response = self.client_browser.client.patch(
            f"/api/v1/notes/{note_id}", json={"share_with_employer": not model["share"]},
            headers={"X-CSRF-Token": conftest.csrf_token(self.client_browser.client)})
        if note_id in self.locked():
            assert response.status_code == 409, response.get_json()
        else:
            assert response.status_code == 200, response.get_json()
            model["share"] = not model["share"]

    @precondition(lambda self: self.open_actions())
    @rule(data=st.data(), done=st.booleans())
    def tick_action_between_meetings(self, data, done):
        """The client's できた on Home (or the supporter's tick on the client page)."""
        self.tick()
        action_id = data.draw(st.sampled_from(self.open_actions()))
        with self.domain():
            action = meetings.tick_action(ActionItem.get_by_id(action_id), done)
        self.actions[action_id]["done_at"] = action.done_at

    @rule(days=st.integers(1, 20), hours=st.integers(0, 23))
    def time_passes(self, days, hours):
        self.clock.shift(timedelta(days=days, hours=hours))
        # A session lasts 30 days; people sign in again now and then.
        self.staff_browser = self.browser("supporter")
        self.client_browser = self.browser("client")

    # --- the supporter's side: meetings ---------------------------------------------------

    def running(self):
        return self.meeting is not None and self.meeting["state"] == "in_progress"

    def scheduled(self):
        return self.meeting is not None and self.meeting["state"] == "scheduled"

    @precondition(lambda self: self.meeting is None)
    @rule(days=st.integers(0, 12), mode=st.sampled_from(["in_person", "online", "workplace_visit"]))
    def schedule(self, days, mode):
        self.tick()
        with self.domain():
            meeting = meetings.schedule(self.supporter, self.client,
                                        utcnow() + timedelta(days=days), mode)
        self.meeting = {"id": meeting.id, "state": "scheduled", "touched": False}

    @precondition(lambda self: self.scheduled())
    @rule(text=WORDS)
    def raise_a_point_before(self, text):
        self.tick()
        with self.domain():
            point = meetings.add_point(Meeting.get_by_id(self.meeting["id"]), self.supporter,
                                       "支援員から: " + text)
        self.points[point.id] = None

    @precondition(lambda self: self.scheduled())
    @rule()
    def cancel(self):
        self.tick()
        with self.domain():
            meetings.cancel(Meeting.get_by_id(self.meeting["id"]))
        self.meeting = None

    @precondition(lambda self: self.scheduled())
    @rule()
    def start(self):
        self.tick()
        expected = self.candidates()
        with self.domain():
            meeting = meetings.start(Meeting.get_by_id(self.meeting["id"]), self.supporter,
                                     early=True)
            frozen = list(AgendaItem.select().where(AgendaItem.meeting == meeting.id))
        frozen_notes = {i.note_id for i in frozen if i.ref_type == "note"}
        # Exactly the candidates, never a private, deleted or kept-back note.
        assert frozen_notes == set(expected)
        assert {i.action_id for i in frozen if i.ref_type == "action"} == set(self.expected_actions())
        assert ({i.point_id for i in frozen if i.ref_type == "point" and not i.system_code}
                == {p for p, raised in self.points.items() if raised is None})
        for item in frozen:
            if item.ref_type == "note":
                assert item.carried_count == self.notes[item.note_id]["carried"]
            ref = {"note": item.note_id, "action": item.action_id, "point": item.point_id}
            self.items[item.id] = {"ref": item.ref_type, "id": ref[item.ref_type],
                                   "status": "pending", "text": item.text,
                                   "meeting": meeting.id, "system": bool(item.system_code)}
        for point_id, raised in self.points.items():
            if raised is None:
                self.points[point_id] = meeting.id
        self.meeting.update(state="in_progress", started_at=meeting.started_at)

    def meeting_items(self):
        return sorted(i for i, item in self.items.items() if item["meeting"] == self.meeting["id"])

    @precondition(lambda self: self.running() and self.meeting_items())
    @rule(data=st.data(), outcome=st.sampled_from(["", "上司に相談する", "メモを使う"]))
    def record(self, data, outcome):
        self.tick()
        item_id = data.draw(st.sampled_from(self.meeting_items()))
        item = self.items[item_id]
        status = data.draw(st.sampled_from(
            ACTION_STATUSES if item["ref"] == "action" else NOTE_STATUSES))
        with self.domain():
            meetings.record(AgendaItem.get_by_id(item_id), {"status": status, "outcome": outcome})
        item["status"] = status
        self.meeting["touched"] |= status != "pending" or outcome != ""

    @precondition(lambda self: self.running())
    @rule(text=WORDS, owner=st.sampled_from(["client", "supporter", "employer"]),
          due_in=st.integers(-3, 40) | st.none())
    def add_action(self, text, owner, due_in):
        self.tick()
        due = today() + timedelta(days=due_in) if due_in is not None else None
        with self.domain():
            action = meetings.add_action(Meeting.get_by_id(self.meeting["id"]),
                                         {"text": "やる: " + text, "owner": owner, "due": due})
        self.actions[action.id] = {"meeting": self.meeting["id"], "done_at": None,
                                   "settled": False, "created_at": action.created_at}
        self.meeting["touched"] = True

    def this_meetings_actions(self):
        return sorted(a for a, action in self.actions.items()
                      if self.running() and action["meeting"] == self.meeting["id"])

    @precondition(lambda self: self.this_meetings_actions())
    @rule(data=st.data(), delete=st.booleans(), text=WORDS)
    def edit_or_delete_action(self, data, delete, text):
        self.tick()
        action_id = data.draw(st.sampled_from(self.this_meetings_actions()))
        with self.domain():
            action = ActionItem.get_by_id(action_id)
            if delete:
                meetings.delete_action(action)
                del self.actions[action_id]
            else:
                meetings.edit_action(action, {"text": "やる: " + text, "owner": "supporter"})

    @precondition(lambda self: self.running())
    @rule(text=WORDS)
    def raise_a_point_during(self, text):
        self.tick()
        with self.domain():
            point = meetings.add_point(Meeting.get_by_id(self.meeting["id"]), self.supporter,
                                       "いま: " + text)
            item = AgendaItem.get(AgendaItem.point == point.id)
        self.points[point.id] = self.meeting["id"]
        self.items[item.id] = {"ref": "point", "id": point.id, "status": "pending",
                               "text": item.text, "meeting": self.meeting["id"], "system": False}
        self.meeting["touched"] = True

    @precondition(lambda self: self.running())
    @rule()
    def put_back_to_scheduled(self):
        self.tick()
        with self.domain():
            try:
                meetings.unstart(Meeting.get_by_id(self.meeting["id"]))
            except Refused as refused:
                assert refused.status == 409 and self.meeting["touched"]
                return
        assert not self.meeting["touched"]
        for item_id in self.meeting_items():
            del self.items[item_id]
        for point_id, raised in self.points.items():
            if raised == self.meeting["id"]:
                self.points[point_id] = None
        self.meeting["state"] = "scheduled"

    @precondition(lambda self: self.running())
    @rule(summary=st.sampled_from([None, "次回も体調を見る"]))
    def close(self, summary):
        self.tick()
        with self.domain():
            meeting = meetings.close(Meeting.get_by_id(self.meeting["id"]), summary)
        mine = [self.items[i] for i in self.meeting_items()]
        for item in mine:
            if item["ref"] == "note":
                note = self.notes[item["id"]]
                if item["status"] in ("discussed", "resolved"):
                    note["state"] = item["status"]
                else:
                    note.update(state="carried", carried=note["carried"] + 1)
                note["starred"] = False
            elif item["ref"] == "action":
                action = self.actions[item["id"]]
                if item["status"] == "done":
                    action.update(done_at=action["done_at"] or meeting.closed_at, settled=True)
                elif item["status"] == "dropped":
                    action.update(done_at=None, settled=True)
                elif item["status"] == "continue":
                    action["done_at"] = None
            elif not item["system"] and item["status"] in ("pending", "carry_over"):
                self.points[item["id"]] = None
        self.closed.append({"id": meeting.id, "started_at": meeting.started_at,
                            "closed_at": meeting.closed_at, "items": mine})
        self.meeting = None
        type(self).closes += 1

    @precondition(lambda self: not self.running() and len(self.jobs) < 4
                  and today() > self.jobs[-1][0])
    @rule()
    def change_job(self):
        """Q8: a new employer from today; support goes on."""
        name = f"会社{len(self.jobs) + 1}"
        with self.domain():
            profiles.change_job(self.supporter, self.client,
                                {"starts_on": today(), "employer_name": name, "job_title": ""})
        self.jobs.append((today(), name))
        type(self).job_changes += 1

    # Weights: hypothesis picks among the rules that may run, each name once. The steps
    # that move a month along get more names, so that each life closes several meetings.
    schedule_soon = schedule
    start_now, start_at_last = start, start
    close_now, close_at_last = close, close

    # --- the supporter's side: reports -------------------------------------------------------

    def months(self, *statuses):
        months = sorted({month_of(m["closed_at"]) for m in self.closed})
        return [m for m in months if self.reports.get(m, {"status": "draft"})["status"] in statuses]

    @precondition(lambda self: self.months("draft"))
    @rule(data=st.data())
    def finalise(self, data):
        self.tick()
        month = data.draw(st.sampled_from(self.months("draft")))
        with self.domain():
            report = reports.finalise(self.client, month, self.supporter,
                                      {"comment_for_employer": "よく働いています"})
        self.reports[month] = {"status": "finalised", "finalised_at": report.finalised_at}

    @precondition(lambda self: self.months("finalised"))
    @rule(data=st.data(), approve=st.booleans())
    def client_decides(self, data, approve):
        self.tick()
        month = data.draw(st.sampled_from(self.months("finalised")))
        with self.domain():
            if approve:
                reports.approve(self.client, month)
            else:
                reports.request_changes(self.client, month, "体調のことは書かないで")
        if approve:
            self.reports[month].update(status="approved", frozen=self.employer_items(month),
                                       employer=self.month_job(month)[1],
                                       strengths=self.employer_strengths())
        else:
            self.reports[month] = {"status": "draft"}

    # --- what the model expects -------------------------------------------------------------

    def live_notes(self):
        return sorted(i for i, n in self.notes.items() if not n["deleted"])

    def visible_notes(self):
        return {i for i, n in self.notes.items() if not n["deleted"] and n["visibility"] == "shared"}

    def candidates(self):
        return {i: n for i, n in self.notes.items()
                if i in self.visible_notes() and n["choice"] != "keep_private"
                and n["state"] in ("open", "carried") and n["written_at"] <= utcnow()}

    def open_actions(self):
        return sorted(a for a, action in self.actions.items() if not action["settled"])

    def expected_actions(self):
        previous = self.closed[-1]["started_at"] if self.closed else None
        return {a for a, action in self.actions.items()
                if not action["settled"] and action["created_at"] <= utcnow()
                and (action["done_at"] is None or previous is None or action["done_at"] > previous)}

    def included(self, month):
        """The closed meetings a month's report holds: all, or those up to its finalisation."""
        until = self.reports.get(month, {}).get("finalised_at")
        return [m for m in sorted(self.closed, key=lambda m: m["started_at"])
                if month_of(m["closed_at"]) == month and (until is None or m["closed_at"] <= until)]

    def month_job(self, month):
        """(first day, employer) of the job held at the month's end, or today in this month."""
        year, mon = map(int, month.split("-"))
        last = min(date(year + mon // 12, mon % 12 + 1, 1) - timedelta(days=1), today())
        return [job for job in self.jobs if job[0] <= last][-1]

    def employer_items(self, month):
        """Per meeting since that job began, the texts of the consented notes written since."""
        since = to_utc(self.month_job(month)[0], time()) if len(self.jobs) > 1 else None
        return [[i["text"] for i in m["items"] if i["ref"] == "note" and i["status"] in REPORTED
                 and i["id"] in self.visible_notes() and self.notes[i["id"]]["share"]
                 and (since is None or self.notes[i["id"]]["written_at"] >= since)]
                for m in self.included(month) if since is None or m["started_at"] >= since]

    def locked(self):
        """Notes whose consent can no longer change: in a report the client approved."""
        return {i["id"] for month, r in self.reports.items() if r["status"] == "approved"
                for m in self.included(month) for i in m["items"] if i["ref"] == "note"}

    # --- invariants, after every step ---------------------------------------------------------

    @invariant()
    def every_frozen_item_points_at_its_row(self):
        with self.domain():
            lost = AgendaItem.select().where(
                ((AgendaItem.ref_type == "note") & AgendaItem.note.is_null())
                | ((AgendaItem.ref_type == "action") & AgendaItem.action.is_null())
                | ((AgendaItem.ref_type == "point") & AgendaItem.point.is_null()))
            assert not list(lost.dicts())

    @invariant()
    def the_live_agenda_holds_exactly_the_candidates_with_their_carried_counts(self):
        if self.running():
            return
        with self.domain():
            meeting = Meeting.get_by_id(self.meeting["id"]) if self.meeting else None
            with conftest.count_queries() as queries:
                agenda = agenda_for(self.client, meeting)
        cls = type(self)
        if cls.live_agenda_queries is None:
            cls.live_agenda_queries = len(queries)
        assert len(queries) == cls.live_agenda_queries, "the live agenda's query count changed"
        items = [i for s in agenda["sections"] for i in s["items"]]
        seen = {i["note_id"]: i["carried_count"] for i in items if i["ref_type"] == "note"}
        expected = self.candidates()
        assert set(seen) == set(expected)
        assert all(seen[n] == expected[n]["carried"] for n in seen)
        assert {i["action_id"] for i in items if i["ref_type"] == "action"} == self.expected_actions()
        assert ({i["point_id"] for i in items if i["ref_type"] == "point" and not i["system_code"]}
                == {p for p, raised in self.points.items() if raised is None})

    @invariant()
    def notes_keep_the_state_the_meetings_gave_them(self):
        with self.domain():
            stored = {n.id: (n.state, n.carried_count) for n in Note.select()}
        assert stored == {i: (n["state"], n["carried"]) for i, n in self.notes.items()}

    @invariant()
    def private_and_deleted_notes_reach_no_staff_view(self):
        staff = self.staff_browser.client
        listed = staff.get(f"/api/v1/notes?client_id={self.client.id}").get_json()
        assert {n["id"] for n in listed} == self.visible_notes()
        if self.scheduled():
            agenda = staff.get(f"/api/v1/meetings/{self.meeting['id']}/agenda").get_json()
            shown = {i["note_id"] for s in agenda["sections"] for i in s["items"] if i["note_id"]}
            assert shown <= self.visible_notes()

    @invariant()
    def the_employer_copy_holds_only_consented_reported_notes(self):
        with self.domain():
            for month in self.months("draft", "finalised", "approved"):
                report = reports.stored(self.client, month)
                if report.status == "approved":
                    copy = reports.approved_employer_copy(report)
                    expected = self.reports[month]["frozen"]
                    employer = self.reports[month]["employer"]
                    strengths = self.reports[month]["strengths"]
                else:
                    copy = reports.employer_copy(self.client, report)
                    expected = self.employer_items(month)
                    employer = self.month_job(month)[1]
                    strengths = self.employer_strengths()
                assert copy["strengths"] == strengths
                assert report.status == self.reports.get(month, {"status": "draft"})["status"]
                assert [[i["text"] for i in m["items"]] for m in copy["meetings"]] == expected
                assert copy["employer_name"] == employer
            profile = ClientProfile.get(ClientProfile.user == self.client.id)
        assert (profile.hire_date, profile.employer_name) == (self.jobs[0][0], self.jobs[-1][1])

    @invariant()
    def consent_is_locked_exactly_for_approved_reports(self):
        with self.domain():
            locked = {n.id for n in Note.select() if reports.sharing_locked(n)}
        assert locked == self.locked()


def test_the_loop_stays_right_month_after_month(app):
    """Many lives of many months; together they reach at least 12 closed meetings."""
    MonthAfterMonth.app = app
    MonthAfterMonth.closes = 0
    MonthAfterMonth.job_changes = 0
    MonthAfterMonth.live_agenda_queries = None
    run_state_machine_as_test(MonthAfterMonth, settings=PROFILES[PROFILE])
    assert MonthAfterMonth.closes >= MIN_CLOSES, (
        f"only {MonthAfterMonth.closes} meetings were closed: the rules must reach the close")
    assert MonthAfterMonth.job_changes >= 3, "the lives must change jobs along the way"
