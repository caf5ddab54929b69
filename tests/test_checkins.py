"""Today's condition: one check-in per client per day, from the API and from the taps on Home."""
import re
from datetime import timedelta

import pytest

from companion.models import AccessLog, CheckIn, today
import conftest
from conftest import Auth, in_english



def day(offset=0):
    """Today in Japan plus offset days, as YYYY-MM-DD."""
    return (today() + timedelta(days=offset)).isoformat()


def field_errors(response):
    """The per-field messages of a 422 answer."""
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "validation_error"
    return response.get_json()["error"]["fields"]


def test_put_twice_on_one_day_keeps_one_checkin_with_the_new_values(people, auth):
    auth.login("client")
    first = auth.put(f"/api/v1/checkins/{day()}", json={"mood": 2, "body": 3, "sleep": 4})
    assert first.status_code == 200
    assert first.get_json() == {"day": day(), "mood": 2, "body": 3, "sleep": 4, "comment": ""}
    again = auth.put(f"/api/v1/checkins/{day()}", json={"mood": 5, "comment": "よく眠れた"})
    assert again.get_json() == {"day": day(), "mood": 5, "body": 3, "sleep": 4,
                                "comment": "よく眠れた"}
    assert CheckIn.select().count() == 1


def test_one_tap_changes_one_scale_and_keeps_the_others(people, auth):
    auth.login("client")
    auth.put(f"/api/v1/checkins/{day()}", json={"mood": 2, "body": 3})
    assert auth.put(f"/api/v1/checkins/{day()}", json={"sleep": 1}).get_json()[
        "mood"] == 2
    row = CheckIn.get()
    assert (row.mood, row.body, row.sleep) == (2, 3, 1)


def test_each_day_has_its_own_checkin_and_the_range_comes_back_in_order(people, auth, client):
    auth.login("client")
    for offset, mood in ((-40, 1), (-10, 2), (-2, 3), (0, 4)):
        auth.put(f"/api/v1/checkins/{day(offset)}", json={"mood": mood})
    assert CheckIn.select().count() == 4
    recent = client.get("/api/v1/checkins").get_json()
    assert [(c["day"], c["mood"]) for c in recent] == [(day(-10), 2), (day(-2), 3), (day(), 4)]
    ranged = client.get(f"/api/v1/checkins?from={day(-45)}&to={day(-5)}").get_json()
    assert [c["day"] for c in ranged] == [day(-40), day(-10)]


def test_another_clients_checkins_are_their_own(people, login_as):
    login_as("client").put(f"/api/v1/checkins/{day()}", json={"mood": 2})
    other = login_as("other_client")
    other.put(f"/api/v1/checkins/{day()}", json={"mood": 5})
    assert [c["mood"] for c in other.client.get("/api/v1/checkins").get_json()] == [5]
    mine = CheckIn.get(CheckIn.client == people["client"].id)
    assert mine.mood == 2


# (what is sent, day, field, Japanese, English)
CHECKIN_RULES = [
    pytest.param({"mood": 6}, "mood", "1から5までで選んでください。",
                 "Please choose from 1 to 5.", id="value-6"),
    pytest.param({"sleep": 0}, "sleep", "1から5までで選んでください。",
                 "Please choose from 1 to 5.", id="value-0"),
    pytest.param({"body": "good"}, "body", "形が正しくありません。",
                 "Not in the right form.", id="not-a-number"),
    pytest.param({}, "mood", "どれか1つを選んでください。",
                 "Please choose at least one.", id="nothing-chosen"),
    pytest.param({"mood": None, "body": None}, "mood", "どれか1つを選んでください。",
                 "Please choose at least one.", id="only-nulls"),
    pytest.param({"mood": 3, "comment": "あ" * 201}, "comment", "200文字以内にしてください。",
                 "Please use at most 200 characters.", id="comment-too-long"),
    pytest.param({"mood": 3, "note": "x"}, "note", "この項目は使えません。",
                 "This field is not allowed.", id="unknown-field"),
]


@pytest.mark.parametrize("sent, field, japanese, english", CHECKIN_RULES)
def test_invalid_checkin_is_refused_in_japanese_and_nothing_saved(people, auth, sent, field,
                                                                  japanese, english):
    auth.login("client")
    assert field_errors(auth.put(f"/api/v1/checkins/{day()}", json=sent))[field] == [japanese]
    assert CheckIn.select().count() == 0


@pytest.mark.parametrize("sent, field, japanese, english", CHECKIN_RULES)
def test_invalid_checkin_is_refused_in_english(people, auth, sent, field, japanese, english):
    in_english(people, "client")
    auth.login("client")
    assert field_errors(auth.put(f"/api/v1/checkins/{day()}", json=sent))[field] == [english]


def test_future_day_is_refused_in_both_languages(people, login_as):
    japanese = login_as("client")
    assert field_errors(japanese.put(f"/api/v1/checkins/{day(2)}", json={"mood": 3})) == {
        "day": ["未来の日には記録できません。"]}
    in_english(people, "other_client")
    english = login_as("other_client")
    assert field_errors(english.put(f"/api/v1/checkins/{day(2)}", json={"mood": 3})) == {
        "day": ["You cannot record a day in the future."]}
    assert CheckIn.select().count() == 0


@pytest.mark.parametrize("bad", ["yesterday", "2025-02-30", "20250501", "2025-W18-4"])
def test_a_day_that_is_not_yyyy_mm_dd_is_not_found(people, auth, bad):
    auth.login("client")
    response = auth.put(f"/api/v1/checkins/{bad}", json={"mood": 3})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert CheckIn.select().count() == 0


def test_bad_range_is_refused_in_both_languages(people, login_as):
    japanese = login_as("client")
    assert field_errors(japanese.client.get("/api/v1/checkins?from=2025-13-01")) == {
        "from": ["日付の形が正しくありません。"]}
    in_english(people, "other_client")
    english = login_as("other_client")
    assert field_errors(english.client.get("/api/v1/checkins?to=soon")) == {
        "to": ["Not a valid date."]}


# --- who may see -----------------------------------------------------------------------

@pytest.mark.parametrize("intruder", ["other_client", "other_supporter", "manager_b",
                                      "supporter_b", "client_b"])
def test_others_get_404_on_a_clients_checkins(people, login_as, intruder):
    login_as("client").put(f"/api/v1/checkins/{day()}", json={"mood": 2})
    response = login_as(intruder).client.get(f"/api/v1/checkins?client_id={people['client'].id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert AccessLog.select().count() == 0


@pytest.mark.parametrize("staff", ["supporter", "manager", "other_supporter", "manager_b"])
def test_staff_cannot_record_a_checkin(people, login_as, staff):
    response = login_as(staff).put(f"/api/v1/checkins/{day()}", json={"mood": 3})
    assert response.status_code == 404
    assert CheckIn.select().count() == 0


@pytest.mark.parametrize("staff, what", [("supporter", "checkins"), ("manager", "checkins")])
def test_staff_read_checkins_of_their_client_and_the_read_is_logged(people, login_as, staff,
                                                                    what):
    me = login_as("client")
    me.put(f"/api/v1/checkins/{day()}", json={"mood": 2, "comment": "ねむい"})
    rows = login_as(staff).client.get(
        f"/api/v1/checkins?client_id={people['client'].id}").get_json()
    assert [(r["mood"], r["comment"]) for r in rows] == [(2, "ねむい")]
    log = AccessLog.get()
    assert (log.actor_id, log.client_id, log.what) == (people[staff].id, people["client"].id, what)
    page = me.client.get("/settings/access-log").get_data(as_text=True)
    assert people[staff].display_name in page and "今日の調子" in page


def test_clients_own_checkin_reads_are_not_logged(people, auth, client):
    auth.login("client")
    client.get("/api/v1/checkins")
    assert AccessLog.select().count() == 0


def test_staff_must_say_which_client(people, login_as):
    response = login_as("supporter").client.get("/api/v1/checkins")
    assert field_errors(response) == {"client_id": ["この項目を入れてください。"]}


# --- the taps on Home ------------------------------------------------------------------

def test_a_tap_on_home_saves_at_once_without_javascript(people, auth, client):
    auth.login("client")
    response = auth.form("/checkin", {"mood": "4"}, page="/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/#checkin")
    assert CheckIn.get().mood == 4 and CheckIn.get().day == today()
    home = client.get("/").get_data(as_text=True)
    assert 'name="mood" value="4" class="tap" aria-pressed="true"' in home
    assert "今日の調子は保存されています。" in home


def test_taps_on_two_rows_fill_one_checkin(people, auth):
    auth.login("client")
    auth.form("/checkin", {"mood": "4"}, page="/")
    auth.form("/checkin", {"sleep": "2"}, page="/")
    assert CheckIn.select().count() == 1
    assert (CheckIn.get().mood, CheckIn.get().sleep) == (4, 2)


def test_a_tampered_tap_saves_nothing_and_says_why(people, auth, client):
    auth.login("client")
    auth.form("/checkin", {"mood": "6"}, page="/")
    assert CheckIn.select().count() == 0
    assert "1から5までで選んでください。" in client.get("/").get_data(as_text=True)


def test_home_shows_three_rows_of_five_taps(people, auth, client):
    auth.login("client")
    home = client.get("/").get_data(as_text=True)
    for scale in ("mood", "body", "sleep"):
        for n in range(1, 6):
            assert f'name="{scale}" value="{n}"' in home
    assert "気分" in home and "体調" in home and "睡眠" in home


def test_two_taps_at_the_same_moment_keep_one_checkin(app, people):
    import threading
    browsers = []
    for _ in range(4):
        browser = Auth(app.test_client())
        browser.login("client")
        browsers.append(browser)
    start = threading.Barrier(len(browsers))
    statuses = []

    def tap(browser, scale):
        start.wait()
        statuses.append(browser.put(f"/api/v1/checkins/{day()}", json={scale: 3}).status_code)

    threads = [threading.Thread(target=tap, args=(b, s))
               for b, s in zip(browsers, ("mood", "body", "sleep", "mood"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 4
    assert CheckIn.select().count() == 1
    row = CheckIn.get()
    assert (row.mood, row.body, row.sleep) == (3, 3, 3)


def test_home_levels_have_faces_and_words_and_a_comment_box(people, login_as):
    me = login_as("client")
    html = me.client.get("/").get_data(as_text=True)
    assert html.count('class="face"') == 15
    for word in ("とてもつらい", "つらい", "ふつう", "よい", "とてもよい"):
        assert f'<span class="tap-word">{word}</span>' in html
    assert 'aria-label="気分: 1 とてもつらい"' in html
    assert 'id="checkin-comment"' in html
    me.client.post("/checkin", data={"csrf_token": conftest.form_token(html), "comment": "少しねむい"})
    assert "少しねむい" in me.client.get("/").get_data(as_text=True)


def test_a_stretch_of_hard_days_is_met_gently_and_the_30_days_read_in_words(people, login_as):
    me = login_as("client")
    for back, mood in ((4, 4), (3, 2), (2, 1), (1, 2)):
        me.put(f"/api/v1/checkins/{(today() - timedelta(days=back)).isoformat()}",
               json={"mood": mood, "comment": "ねむい" if back == 1 else ""})
    gentle = "つらい日が 続いて いますね。面談で 話して みませんか。"
    assert gentle in me.client.get("/").get_data(as_text=True)
    days = me.client.get("/checkin").get_data(as_text=True)
    assert gentle in days and "記録した日は 4日 です。" in days
    assert "よい日 1日 · ふつうの日 0日 · つらい日 3日" in days
    assert "気分: とてもつらい" in days and "ねむい" in days
    words = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", days[days.index("<main"):], flags=re.S))
    assert not re.search(r"\d\.\d", words)  # never a decimal
    me.put(f"/api/v1/checkins/{today().isoformat()}", json={"mood": 4})
    assert gentle not in me.client.get("/").get_data(as_text=True)


def test_low_stretch_counts_only_logged_days():
    from companion.checkins import low_stretch
    assert low_stretch([2, None, 1, None, 2]) is True
    assert low_stretch([1, 2]) is False
    assert low_stretch([2, 2, 3]) is False
