"""The agenda compiler: which notes reach the 作戦会議, in which order, and what it notices."""
import json
from datetime import date, datetime, timedelta

import pytest

from companion.agenda import (
    AgendaAction, AgendaCheckIn, AgendaNote, AgendaPoint, Highlight, close_outcomes,
    compile_agenda,
)

NOW = datetime(2025, 6, 30, 9, 0)
PREVIOUS = datetime(2025, 6, 2, 10, 0)  # window days: 3–30 June
SECTION_KEYS = ["priorities", "actions_review", "condition", "wins", "worries", "goals",
                "challenges", "for_employer", "supporter_points"]


def note(id, kind="worry", days_ago=1, **fields):
    """Return a note written `days_ago` days before NOW and received at once."""
    written = NOW - timedelta(days=days_ago)
    fields.setdefault("received_at", written)
    return AgendaNote(id=id, kind=kind, body=f"{kind} {id}", written_at=written, **fields)


def checkin(days_ago, mood=4, body=4, sleep=4):
    """Return the check-in of the day `days_ago` days before NOW."""
    return AgendaCheckIn(NOW.date() - timedelta(days=days_ago), mood, body, sleep)


def agenda(notes=(), checkins=(), actions=(), points=(), previous=PREVIOUS, cutoff=None):
    """Compile with NOW and the previous meeting unless told otherwise."""
    return compile_agenda(notes=list(notes), checkins=list(checkins), actions=list(actions),
                          points=list(points), now=NOW, previous_meeting_at=previous,
                          cutoff=cutoff)


def ids(result, key):
    """Return the ref ids in one section, in order."""
    return [item.ref_id for item in result.section(key).items]


def highlight(result, code):
    """Return the highlight with this code, or None."""
    return next((h for h in result.highlights if h.code == code), None)


def test_empty_month_has_every_section_in_order_and_empty():
    result = agenda()
    assert [s.key for s in result.sections] == SECTION_KEYS
    assert [s.title for s in result.sections][:3] == ["いちばん話したいこと", "前回決めたこと", "今月の調子"]
    assert result.section("worries").title == "困ったこと・悩んでいること"
    assert all(s.items == () for s in result.sections)
    assert result.highlights == (Highlight("quiet", 14),)
    assert [(s.name, s.mean, s.days_logged) for s in result.condition.scales] == [
        ("mood", None, 0), ("body", None, 0), ("sleep", None, 0)]


def test_without_previous_meeting_the_window_is_the_30_days_before():
    result = agenda(checkins=[checkin(29, mood=5), checkin(30, mood=1)], previous=None)
    assert (result.window_start, result.window_end) == (NOW - timedelta(days=30), NOW)
    mood = result.condition.scales[0]
    assert (mood.mean, mood.previous_mean, mood.series) == (5.0, 1.0, ((date(2025, 6, 1), 5),))


def test_live_agenda_ends_now_and_a_started_one_at_the_start():
    assert agenda().window_end == NOW
    assert agenda(cutoff=NOW - timedelta(hours=1)).window_end == NOW - timedelta(hours=1)


def test_previous_meeting_must_be_before_the_cutoff():
    with pytest.raises(ValueError):
        agenda(previous=NOW)


def test_notes_go_to_the_section_of_their_kind_in_the_order_written():
    notes = [note("g2", "goal", 1), note("g1", "goal", 2), note("c", "challenge"),
             note("e", "for_employer"), note("w2", "win", 1), note("w1", "win", 3)]
    result = agenda(notes)
    assert ids(result, "goals") == ["g1", "g2"]
    assert (ids(result, "challenges"), ids(result, "for_employer")) == (["c"], ["e"])
    assert ids(result, "wins") == ["w1", "w2"]


def test_starred_worry_appears_only_in_priorities():
    result = agenda([note("a", starred_at=NOW), note("b")])
    assert ids(result, "priorities") == ["a"]
    assert ids(result, "worries") == ["b"]
    assert result.section("priorities").items[0].kind == "worry"


def test_fourth_star_is_ignored_and_the_note_stays_in_its_section():
    stars = [note(f"s{i}", starred_at=NOW - timedelta(hours=i)) for i in range(4)]
    result = agenda(stars)
    assert ids(result, "priorities") == ["s3", "s2", "s1"]  # earliest star first
    assert ids(result, "worries") == ["s0"]


def test_worry_marked_sorted_is_a_win_and_counted_as_sorted_itself():
    notes = [note("w", "win", 3), note("s", agenda_choice="sorted", days_ago=2), note("o")]
    result = agenda(notes)
    assert ids(result, "wins") == ["w", "s"]
    assert ids(result, "worries") == ["o"]
    assert highlight(result, "sorted_itself") == Highlight("sorted_itself", 1)


def test_no_sorted_worry_no_sorted_itself():
    assert highlight(agenda([note("o")]), "sorted_itself") is None


@pytest.mark.parametrize("fields", [
    {"agenda_choice": "keep_private"}, {"visibility": "private"}, {"deleted": True},
    {"state": "discussed"}, {"state": "resolved"},
])
def test_private_kept_deleted_and_closed_notes_are_left_off(fields):
    result = agenda([note("x", starred_at=NOW, **fields)])
    assert all(s.items == () for s in result.sections)


def test_carried_note_comes_back_with_its_count():
    (item,) = agenda([note("c", state="carried", carried_count=2)]).section("worries").items
    assert (item.ref_id, item.carried_count, item.weight) == ("c", 2, "small")


def test_notes_written_after_the_meeting_started_wait_for_next_time():
    cutoff = NOW - timedelta(hours=2)
    late = AgendaNote("late", "worry", "…", written_at=NOW - timedelta(hours=1), received_at=NOW)
    assert ids(agenda([late, note("early")], cutoff=cutoff), "worries") == ["early"]


def test_note_written_before_the_start_counts_even_if_it_arrives_later():
    cutoff = NOW - timedelta(hours=2)
    synced = note("synced", days_ago=1, received_at=NOW)
    assert ids(agenda([synced], cutoff=cutoff), "worries") == ["synced"]


def test_note_written_offline_before_previous_meeting_but_received_after_is_raised_now():
    offline = note("offline", days_ago=29, received_at=PREVIOUS + timedelta(days=1))
    assert offline.written_at < PREVIOUS
    assert ids(agenda([offline]), "worries") == ["offline"]


def test_old_open_notes_stay_on_the_agenda_until_discussed():
    assert ids(agenda([note("old", days_ago=90)]), "worries") == ["old"]


def test_urgent_worries_come_before_medium_and_small():
    notes = [note("s", days_ago=3), note("m", weight="medium", days_ago=2),
             note("u", weight="urgent", days_ago=1), note("s2", weight="small", days_ago=4)]
    assert ids(agenda(notes), "worries") == ["u", "m", "s2", "s"]


def test_worries_carried_more_often_come_first():
    notes = [note("once", state="carried", carried_count=1, days_ago=3),
             note("new", days_ago=4), note("twice", state="carried", carried_count=2, days_ago=2)]
    assert ids(agenda(notes), "worries") == ["twice", "once", "new"]


def test_worries_on_a_frequent_topic_come_first():
    notes = [note("health", topic="health", days_ago=5), note("none", days_ago=6),
             note("work1", topic="workload", days_ago=4),
             note("work2", topic="workload", days_ago=3)]
    assert ids(agenda(notes), "worries") == ["work1", "work2", "health", "none"]


def test_topic_frequency_counts_only_worries_written_in_the_window():
    notes = [note("h1", topic="health", days_ago=40), note("h2", topic="health", days_ago=45),
             note("w", topic="workload", days_ago=5), note("h3", topic="health", days_ago=2)]
    # h1 and h2 are older than the previous meeting: in the window each topic occurs once.
    result = agenda(notes, previous=NOW - timedelta(days=30))
    assert ids(result, "worries") == ["h2", "h1", "w", "h3"]


def test_worry_order_weighs_urgency_then_carrying_then_topic():
    notes = [note("topic1", topic="health", days_ago=5),
             note("topic2", topic="health", days_ago=4),
             note("carried", state="carried", carried_count=1, days_ago=3),
             note("urgent", weight="urgent", days_ago=2)]
    assert ids(agenda(notes), "worries") == ["urgent", "carried", "topic1", "topic2"]


def test_worries_otherwise_in_the_order_written():
    assert ids(agenda([note("b", days_ago=1), note("a", days_ago=2)]), "worries") == ["a", "b"]


def test_actions_review_shows_open_and_recently_done_actions_by_due_date():
    cutoff = NOW - timedelta(hours=1)
    made = PREVIOUS - timedelta(days=28)

    def action(id, due=None, done_at=None, created_at=made):
        return AgendaAction(id, f"action {id}", "client", due, done_at, created_at)
    actions = [
        action(1, due=date(2025, 6, 10)), action(2),
        action(3, due=date(2025, 6, 5), done_at=PREVIOUS + timedelta(days=3)),
        action(4, due=date(2025, 6, 1), done_at=PREVIOUS - timedelta(days=1)),
        action(5, due=date(2025, 6, 1), created_at=NOW),
        action(6, due=date(2025, 6, 20), done_at=NOW),
    ]
    items = agenda(actions=actions, cutoff=cutoff).section("actions_review").items
    assert [(i.ref_id, i.done, i.due) for i in items] == [
        (3, True, date(2025, 6, 5)), (1, False, date(2025, 6, 10)),
        (6, False, date(2025, 6, 20)), (2, False, None)]
    assert items[0].owner == "client" and items[0].ref_type == "action"


def test_supporter_points_in_the_order_created_system_ones_included():
    points = [AgendaPoint(1, "職場訪問の日程", NOW - timedelta(days=1)),
              AgendaPoint(2, "受給者証の更新", NOW - timedelta(days=2), "certificate_ending"),
              AgendaPoint(3, "meeting note", NOW)]
    result = agenda(points=points, cutoff=NOW - timedelta(hours=1))
    items = result.section("supporter_points").items
    assert [(i.ref_id, i.system_code) for i in items] == [(2, "certificate_ending"), (1, None)]


@pytest.mark.parametrize("count, expected", [
    (2, None), (3, Highlight("topic_repeat", 3, "health"))])
def test_topic_repeat_from_three_worries_in_the_window(count, expected):
    notes = [note(f"h{i}", topic="health", days_ago=i + 1) for i in range(count)]
    notes.append(note("old", topic="health", days_ago=29))  # before the previous meeting
    assert highlight(agenda(notes), "topic_repeat") == expected


def test_topic_repeat_one_highlight_per_topic_most_frequent_first():
    notes = [note(f"{t}{i}", topic=t, days_ago=i + 1) for t, n in (("workload", 3), ("career", 4))
             for i in range(n)]
    assert [(h.topic, h.count) for h in agenda(notes).highlights if h.code == "topic_repeat"] == [
        ("career", 4), ("workload", 3)]


@pytest.mark.parametrize("carried, expected", [((1,), None), ((2,), 1), ((2, 3, 1), 2)])
def test_carried_often_counts_items_carried_twice_or_more(carried, expected):
    notes = [note(f"c{i}", state="carried", carried_count=c) for i, c in enumerate(carried)]
    found = highlight(agenda(notes), "carried_often")
    assert (found and found.count) == expected


@pytest.mark.parametrize("better_days, dropped", [(0, True), (1, False)])
def test_condition_drop_when_a_scale_falls_a_full_point_in_14_days(better_days, dropped):
    before = [checkin(d, body=4) for d in range(14, 28)]
    # body 4 → 3 is a drop of 1.0; one day at 4 makes it 0.93, which is not enough.
    recent = [checkin(d, body=4 if d < better_days else 3) for d in range(0, 14)]
    expected = Highlight("condition_drop", 0, scale="body") if dropped else None
    assert highlight(agenda(checkins=before + recent, previous=NOW - timedelta(days=60)),
                     "condition_drop") == expected


def test_condition_drop_of_exactly_one_point_names_the_first_scale():
    checkins = [checkin(20, mood=4, sleep=5), checkin(2, mood=3, sleep=3)]
    assert highlight(agenda(checkins=checkins), "condition_drop") == Highlight(
        "condition_drop", 0, scale="mood")


@pytest.mark.parametrize("low_days, expected", [
    ((1, 2), None), ((1, 2, 3), 3), ((1, 2, 28), None)])
def test_condition_drop_from_three_low_mood_days_in_the_window(low_days, expected):
    checkins = [checkin(d, mood=2) for d in low_days] + [checkin(4, mood=3)]
    found = highlight(agenda(checkins=checkins), "condition_drop")
    assert found == (expected and Highlight("condition_drop", expected))


@pytest.mark.parametrize("notes, checkins, expected", [
    ([note("n", days_ago=13)], [], None),
    ([note("n", days_ago=14)], [], 14),
    ([], [checkin(13)], None),
    ([note("n", days_ago=20)], [checkin(16)], 16),
    ([note("p", days_ago=1, visibility="private"), note("d", days_ago=1, deleted=True)], [], 14),
])
def test_quiet_after_14_days_without_a_note_or_check_in(notes, checkins, expected):
    found = highlight(agenda(notes, checkins, previous=NOW - timedelta(days=60)), "quiet")
    assert (found and found.count) == expected


def test_highlights_come_in_a_fixed_order():
    notes = [note("a", topic="health", days_ago=20, state="carried", carried_count=2),
             note("b", topic="health", days_ago=21, agenda_choice="sorted"),
             note("c", topic="health", days_ago=22)]
    checkins = [checkin(d, mood=1) for d in (15, 16, 17)]
    result = agenda(notes, checkins, previous=NOW - timedelta(days=60))
    assert result.highlights == (
        Highlight("topic_repeat", 3, "health"), Highlight("carried_often", 1),
        Highlight("condition_drop", 3), Highlight("quiet", 15), Highlight("sorted_itself", 1))


def test_condition_compares_the_window_with_the_one_before():
    checkins = [checkin(1, 4, 2, 5), checkin(2, 3, 2, 4), checkin(3, 4, 2, 4), checkin(4, 4, 3, 4),
                checkin(28, 2, 5, 3),  # the previous meeting's day: previous window
                checkin(56, 1, 1, 1)]  # before both windows
    mood, body, sleep = agenda(checkins=checkins).condition.scales
    assert (mood.mean, mood.previous_mean, mood.days_logged) == (3.8, 2.0, 4)
    assert (body.mean, body.previous_mean) == (2.3, 5.0)  # 2.25 rounds half up
    assert (sleep.mean, sleep.previous_mean) == (4.3, 3.0)
    assert mood.series == ((date(2025, 6, 26), 4), (date(2025, 6, 27), 4),
                           (date(2025, 6, 28), 3), (date(2025, 6, 29), 4))


def test_to_dict_is_json_ready():
    result = agenda([note("n", topic="health")], [checkin(1)],
                    [AgendaAction(7, "医師に相談", "client", date(2025, 7, 1), None, PREVIOUS)],
                    [AgendaPoint(8, "面談の日程", PREVIOUS)])
    data = json.loads(json.dumps(result.to_dict()))
    assert list(data) == ["sections", "highlights", "condition", "window"]
    assert [s["key"] for s in data["sections"]] == SECTION_KEYS
    worries = data["sections"][4]
    assert worries["title"] == "困ったこと・悩んでいること"
    assert worries["items"] == [{
        "ref_type": "note", "ref_id": "n", "text": "worry n", "kind": "worry", "topic": "health",
        "weight": "small", "carried_count": 0, "written_at": "2025-06-29T09:00:00Z", "owner": None,
        "due": None, "done": False, "system_code": None}]
    assert data["sections"][1]["items"][0]["due"] == "2025-07-01"
    assert data["sections"][8]["items"][0]["ref_id"] == 8
    assert data["highlights"] == []
    assert data["condition"]["scales"][0] == {
        "name": "mood", "mean": 4.0, "previous_mean": None, "days_logged": 1,
        "series": [{"day": "2025-06-29", "value": 4}]}
    assert data["window"] == {"start": "2025-06-02T10:00:00Z", "end": "2025-06-30T09:00:00Z"}


def test_closing_a_meeting_carries_pending_and_carry_over_items():
    statuses = {"a": "discussed", "b": "resolved", "c": "pending", "d": "carry_over"}
    assert close_outcomes(statuses) == {
        "a": ("discussed", 0), "b": ("resolved", 0), "c": ("carried", 1), "d": ("carried", 1)}


def test_closing_with_an_unknown_status_is_refused():
    with pytest.raises(ValueError):
        close_outcomes({"a": "maybe"})


def test_a_blank_scale_skips_that_day_but_the_day_still_counts():
    partial = AgendaCheckIn(NOW.date() - timedelta(days=1), 4, None, None)
    result = agenda(checkins=[partial, checkin(2, mood=2, body=2, sleep=2)])
    mood, body, _sleep = result.condition.scales
    assert (mood.mean, mood.days_logged) == (3.0, 2)
    assert (body.mean, body.days_logged, body.series) == (2.0, 1, ((NOW.date() - timedelta(days=2), 2),))
    assert highlight(result, "quiet") is None
