"""Reminders by Web Push: what is sent, to whom and when, at most once per device.

Every message goes to a local push service (conftest.PushService) that decrypts it and
checks its VAPID signature, as a real one would.
"""
import os
import subprocess
import sys
from datetime import time, timedelta

import pytest

import conftest
from companion import db
from companion.clock import to_utc
from companion.models import (
    CheckIn, Meeting, MonthlyReport, PushSubscription, ReminderDelivery, ReminderSetting, today,
)
from companion.reminders import plan, sender
from conftest import held, write

DAY = today() + timedelta(days=10)  # the meeting's day, in Japan
MEETING_AT = to_utc(DAY, time(14, 0))


def at(day, hour, minute=0):
    """A Japan day and time as stored UTC."""
    return to_utc(day, time(hour, minute))


def turn_on(auth, **fields):
    """Tick switches in Settings, as the person does."""
    data = {"checkin_time": "18:00", "quiet_from": "21:00", "quiet_until": "08:00"}
    data.update({k: ("on" if v is True else v) for k, v in fields.items()})
    response = auth.form("/settings/reminders", data, page="/settings")
    assert response.status_code == 302, response.get_data(as_text=True)


def subscribe(auth, push_service, name):
    response = auth.post("/api/v1/push/subscriptions", json=push_service.device(name))
    assert response.status_code == 201, response.get_json()


def run(app, now):
    with app.app_context(), db.database.connection_context():
        return sender.run(now)


@pytest.fixture
def sato(app, people, login, push_service):
    """The client with reminders before the meeting and on its day, on one phone."""
    auth = login("client")
    turn_on(auth, before_meeting=True, meeting_day=True)
    subscribe(auth, push_service, "phone")
    with db.database.connection_context():
        meeting = Meeting.create(client=people["client"], supporter=people["supporter"],
                                 scheduled_at=MEETING_AT)
    return auth, meeting


def test_everything_starts_off_and_nothing_is_sent(app, people, login, push_service):
    auth = login("client")
    subscribe(auth, push_service, "phone")
    with db.database.connection_context():
        Meeting.create(client=people["client"], supporter=people["supporter"], scheduled_at=MEETING_AT)
        assert ReminderSetting.select().count() == 0
    for moment in (at(DAY - timedelta(days=3), 9), at(DAY, 9)):
        assert run(app, moment).sent == 0
    assert push_service.received == []


def test_three_days_before_the_client_is_asked_to_choose_what_to_talk_about(app, sato, push_service):
    result = run(app, at(DAY - timedelta(days=3), 8, 5))
    assert result.sent == 1
    [message] = push_service.payloads("phone")
    assert message["title"] == "面談の じゅんび"
    assert f"{DAY.month}月{DAY.day}日" in message["body"]
    assert message["body"].endswith("に 面談が あります。話したいことを えらびましょう")
    assert message["url"] == "/prepare"
    # Still worth it for the rest of that day: the push service may hold it until then.
    assert 0 < push_service.received[0]["ttl"] <= 16 * 3600
    # Sent once: the next runs that day find it recorded.
    for minutes in (10, 60, 300):
        assert run(app, at(DAY - timedelta(days=3), 8, 5) + timedelta(minutes=minutes)).sent == 0
    assert len(push_service.received) == 1


def test_on_the_morning_of_the_meeting_day_and_not_after_it_began(app, sato, push_service):
    assert run(app, at(DAY, 7, 59)).sent == 0  # quiet hours until 08:00
    assert run(app, at(DAY, 8, 0)).sent == 1
    [message] = push_service.payloads()
    assert message["title"] == "今日は 面談の日です"
    assert "14:00から 面談です" in message["body"] and message["url"] == "/prepare"
    with db.database.connection_context():
        ReminderDelivery.delete().execute()
    assert run(app, at(DAY, 14, 1)).sent == 0  # the meeting has begun: too late to prepare


def test_quiet_hours_hold_a_reminder_back_until_they_end(app, sato, push_service, login):
    auth, _meeting = sato
    turn_on(auth, before_meeting=True, meeting_day=True, quiet_from="22:00", quiet_until="09:30")
    notice = DAY - timedelta(days=3)
    assert run(app, at(notice, 9, 0)).sent == 0
    assert run(app, at(notice, 9, 29)).sent == 0
    assert run(app, at(notice, 9, 30)).sent == 1
    # Quiet hours over midnight: 22:00 the evening before is quiet, 21:59 is not.
    assert not plan.quiet(at(notice, 21, 59), sender.prefs_of(ReminderSetting(quiet_from="22:00", quiet_until="09:30")))
    assert plan.quiet(at(notice, 22, 0), sender.prefs_of(ReminderSetting(quiet_from="22:00", quiet_until="09:30")))
    assert plan.quiet(at(notice, 3, 0), sender.prefs_of(ReminderSetting(quiet_from="22:00", quiet_until="09:30")))


def test_after_downtime_a_stale_reminder_is_skipped_and_a_timely_one_is_sent(app, sato, push_service):
    # The sender was down from two days before "3 days before" until the day before.
    assert run(app, at(DAY - timedelta(days=1), 10)).sent == 0
    assert push_service.received == []
    assert run(app, at(DAY, 11)).sent == 1  # the meeting-day one is still timely
    assert push_service.payloads()[0]["title"] == "今日は 面談の日です"


def test_a_moved_meeting_is_reminded_again_for_its_new_day(app, sato, push_service, people, login):
    _auth, meeting = sato
    assert run(app, at(DAY - timedelta(days=3), 9)).sent == 1
    moved = DAY + timedelta(days=2)
    staff = login("supporter")
    response = staff.patch(f"/api/v1/meetings/{meeting.id}",
                           json={"scheduled_at": at(moved, 14).isoformat() + "Z"})
    assert response.status_code == 200, response.get_json()
    assert run(app, at(moved - timedelta(days=3), 9)).sent == 1
    assert str(moved.day) in push_service.payloads()[1]["body"]


def test_each_device_gets_it_once_and_logging_out_of_one_stops_only_that_one(
        app, sato, push_service, login, people):
    _auth, _meeting = sato
    tablet = login("client")
    subscribe(tablet, push_service, "tablet")
    assert run(app, at(DAY - timedelta(days=3), 9)).sent == 2
    assert sorted(r["device"] for r in push_service.received) == ["phone", "tablet"]
    assert tablet.logout().status_code == 302
    with db.database.connection_context():
        assert [s.endpoint.rsplit("/", 1)[-1] for s in PushSubscription.select()] == ["phone"]
    assert run(app, at(DAY, 9)).sent == 1
    assert push_service.received[-1]["device"] == "phone"


def test_a_device_the_push_service_no_longer_knows_is_dropped(app, sato, push_service, login):
    tablet = login("client")
    subscribe(tablet, push_service, "tablet")
    push_service.answers["phone"] = [410]
    push_service.answers["tablet"] = [404]
    result = run(app, at(DAY - timedelta(days=3), 9))
    assert (result.sent, result.gone) == (0, 2)
    with db.database.connection_context():
        assert PushSubscription.select().count() == 0
        assert ReminderDelivery.select().count() == 0


def test_a_5xx_is_retried_while_timely_then_recorded_as_failed(app, sato, push_service):
    notice = DAY - timedelta(days=3)
    push_service.answers["phone"] = [503, 500]
    first = at(notice, 9)
    assert run(app, first).retried == 1
    with db.database.connection_context():
        delivery = ReminderDelivery.get()
        assert (delivery.state, delivery.attempts) == ("retry", 1) and "503" in delivery.error
    assert run(app, first + timedelta(seconds=30)).sent == 0  # not yet time to try again
    assert run(app, first + timedelta(minutes=1)).retried == 1  # second failure (500)
    assert run(app, first + timedelta(minutes=7)).sent == 1  # third try arrives
    assert len(push_service.payloads()) == 1
    with db.database.connection_context():
        delivery = ReminderDelivery.get()
        assert (delivery.state, delivery.attempts) == ("sent", 3)
    # A service that keeps failing: retried until the reminder is stale, then failed.
    with db.database.connection_context():
        ReminderDelivery.delete().execute()
    push_service.answers["phone"] = [500] * 20
    moment = at(notice, 20, 58)
    run(app, moment)
    run(app, moment + timedelta(minutes=1))  # second try, 500 again
    result = run(app, moment + timedelta(minutes=6))  # 21:04 is quiet: it waits
    assert result.sent == result.retried == 0
    result = run(app, at(notice + timedelta(days=1), 9))  # the next morning: too late
    with db.database.connection_context():
        delivery = ReminderDelivery.get()
        assert delivery.state == "failed" and delivery.attempts == 2


def test_no_notification_holds_a_note_worry_or_report(app, people, login, push_service):
    secret = "上司にどなられた秘密"
    auth = login("client")
    turn_on(auth, before_meeting=True, meeting_day=True, daily_checkin=True, quiet_spell=True)
    subscribe(auth, push_service, "phone")
    staff = login("supporter")
    turn_on(staff, supporter_day=True, reports_due=True)
    subscribe(staff, push_service, "work-phone")
    with db.database.connection_context():
        write(people["client"], secret, days_ago=20)
        write(people["client"], secret + "(できた)", kind="win", days_ago=20)
        MonthlyReport.create(client=people["client"], month=today().strftime("%Y-%m"),
                             comment_for_client=secret, comment_for_employer=secret)
        Meeting.create(client=people["client"], supporter=people["supporter"], scheduled_at=MEETING_AT,
                       summary=secret)
    for moment in (at(DAY - timedelta(days=3), 9), at(DAY, 9), at(DAY, 18, 30),
                   at(DAY - timedelta(days=7), 9)):
        run(app, moment)
    assert len(push_service.received) >= 4
    for message in push_service.received:
        assert secret not in str(message["payload"])
        assert "秘密" not in str(message["payload"])


def test_the_supporter_gets_the_days_meetings_with_links_to_their_agendas(app, people, login, push_service):
    staff = login("supporter")
    turn_on(staff, supporter_day=True)
    subscribe(staff, push_service, "work-phone")
    with db.database.connection_context():
        first = Meeting.create(client=people["client"], supporter=people["supporter"],
                               scheduled_at=at(DAY, 10))
        second = Meeting.create(client=people["client"], supporter=people["supporter"],
                                scheduled_at=at(DAY, 15, 30))
        Meeting.create(client=people["other_client"], supporter=people["other_supporter"],
                       scheduled_at=at(DAY, 11))  # someone else's
        Meeting.create(client=people["client"], supporter=people["supporter"],
                       scheduled_at=at(DAY, 12), state="cancelled")
    assert run(app, at(DAY - timedelta(days=1), 9)).sent == 0
    assert run(app, at(DAY, 8, 1)).sent == 1
    [message] = push_service.payloads()
    assert message["title"] == "今日の面談: 2件"
    assert message["body"] == "10:00、15:30"
    assert [a["url"] for a in message["actions"]] == [f"/meetings/{first.id}", f"/meetings/{second.id}"]
    assert people["client"].display_name not in str(message)  # a lock screen is not private


def test_from_the_5th_the_supporter_hears_of_last_months_reports_not_finalised(
        app, people, login, push_service):
    staff = login("supporter")
    turn_on(staff, reports_due=True)
    subscribe(staff, push_service, "work-phone")
    month_start = (today().replace(day=1) + timedelta(days=40)).replace(day=1)  # a month ahead
    last_month_day = month_start - timedelta(days=10)
    with db.database.connection_context():
        held(people["client"], people["supporter"], when=at(last_month_day, 10))
        held(people["other_client"], people["other_supporter"], when=at(last_month_day, 10))
    assert run(app, at(month_start.replace(day=4), 9)).sent == 0
    assert run(app, at(month_start.replace(day=5), 9)).sent == 1
    [message] = push_service.payloads()
    assert message["title"] == "支援レポート" and "1件" in message["body"]
    assert "10日まで" in message["body"]
    assert run(app, at(month_start.replace(day=6), 9)).sent == 0  # once a month
    # Finalised: a supporter who only turned it on now hears nothing.
    with db.database.connection_context():
        ReminderDelivery.delete().execute()
        MonthlyReport.create(client=people["client"], month=last_month_day.strftime("%Y-%m"),
                             status="finalised")
    assert run(app, at(month_start.replace(day=7), 9)).sent == 0
    assert run(app, at(month_start.replace(day=11), 9)).sent == 0


def test_daily_checkin_only_if_chosen_at_its_time_and_not_once_done(app, people, login, push_service):
    auth = login("client")
    turn_on(auth, daily_checkin=True, checkin_time="19:30")
    subscribe(auth, push_service, "phone")
    assert run(app, at(DAY, 19, 29)).sent == 0
    assert run(app, at(DAY, 19, 35)).sent == 1
    assert push_service.payloads()[0]["title"] == "今日の調子"
    assert run(app, at(DAY, 20, 0)).sent == 0  # once a day
    with db.database.connection_context():
        CheckIn.create(client=people["client"], day=DAY + timedelta(days=1), mood=3)
    assert run(app, at(DAY + timedelta(days=1), 19, 45)).sent == 0  # already checked in
    assert run(app, at(DAY + timedelta(days=2), 23, 0)).sent == 0  # past its window, and quiet


def test_a_gentle_word_after_14_quiet_days_at_most_once_a_month(app, people, login, push_service):
    auth = login("client")
    turn_on(auth, quiet_spell=True)
    subscribe(auth, push_service, "phone")
    with db.database.connection_context():
        note = write(people["client"], "メモ", days_ago=0)
    written = conftest.utcnow()
    from companion.clock import japan_day
    day = japan_day(written)
    assert run(app, at(day + timedelta(days=13), 9)).sent == 0
    assert run(app, at(day + timedelta(days=14), 9)).sent == 1
    [message] = push_service.payloads()
    assert "メモ" in message["title"] and message["url"] == "/notes/new"
    assert "日" not in message["body"]  # no count of the days missed
    assert run(app, at(day + timedelta(days=15), 9)).sent <= (1 if (day + timedelta(days=15)).month
                                                               != (day + timedelta(days=14)).month else 0)
    assert note.body == "メモ"


def test_a_subscription_must_point_at_a_known_push_service(app, login, push_service):
    auth = login("client")
    for endpoint in ("https://evil.example/push/1", "http://10.0.0.8/push", "ftp://127.0.0.1/x",
                     "http://127.0.0.1.evil.example/x"):
        data = push_service.device("x") | {"endpoint": endpoint}
        response = auth.post("/api/v1/push/subscriptions", json=data)
        assert response.status_code == 422, endpoint
        assert "endpoint" in response.get_json()["error"]["fields"]
    with db.database.connection_context():
        assert PushSubscription.select().count() == 0
    assert auth.client.post("/api/v1/push/subscriptions", json=push_service.device("y")).status_code == 400


def test_settings_refuse_a_bad_time_and_save_nothing(app, login, people):
    auth = login("client")
    response = auth.form("/settings/reminders", {"before_meeting": "on", "checkin_time": "25:00",
                                                  "quiet_from": "21:00", "quiet_until": "08:00"},
                         page="/settings")
    assert response.status_code == 302
    page = auth.client.get("/settings").get_data(as_text=True)
    assert "時刻は 18:00 のように書いてください。" in page
    with db.database.connection_context():
        assert ReminderSetting.select().where(ReminderSetting.before_meeting).count() == 0


def test_the_offer_after_the_first_note_is_shown_once(app, login, people):
    auth = login("client")
    home = auth.client.get("/").get_data(as_text=True)
    assert "おしらせを受けとりますか" not in home
    with db.database.connection_context():
        write(people["client"], "はじめてのメモ")
    home = auth.client.get("/").get_data(as_text=True)
    assert "おしらせを受けとりますか" in home
    response = auth.form("/settings/reminders/offer", {"answer": "yes"}, page="/")
    assert response.headers["Location"].endswith("/settings#reminders")
    assert "おしらせを受けとりますか" not in auth.client.get("/").get_data(as_text=True)
    with db.database.connection_context():
        setting = ReminderSetting.get()
        assert not setting.before_meeting  # answering is not turning anything on


@pytest.mark.skipif(os.name != "posix", reason="runs two processes")
def test_two_senders_at_once_send_each_reminder_once_per_device(app, people, login, push_service, tmp_path):
    """Two `companion remind` processes, started together against the same database."""
    devices = [f"d{n}" for n in range(12)]
    auth = login("client")
    turn_on(auth, before_meeting=True, meeting_day=True)
    for name in devices:
        subscribe(auth, push_service, name)
    with db.database.connection_context():
        Meeting.create(client=people["client"], supporter=people["supporter"], scheduled_at=MEETING_AT)
    env = {**os.environ, "COMPANION_DATABASE_URL": app.config["DATABASE_URL"],
           "COMPANION_SECRET_KEY": app.config["SECRET_KEY"],
           "COMPANION_INSTANCE_PATH": app.instance_path, "COMPANION_PUSH_SERVICES": "127.0.0.1"}
    moment = (at(DAY, 9) + timedelta(hours=9)).isoformat() + "+09:00"
    command = [sys.executable, "-m", "companion.cli", "remind", "--at", moment]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    arrived = sorted(r["device"] for r in push_service.received)
    assert arrived == sorted(devices), outputs
    sent = [int(out.split("sent ")[1].split(",")[0]) for out, _err in outputs]
    assert sum(sent) == len(devices), outputs
    with db.database.connection_context():
        assert ReminderDelivery.select().where(ReminderDelivery.state == "sent").count() == len(devices)


def test_a_run_costs_the_same_queries_for_3_people_or_30_when_nothing_is_due(app, people, push_service):
    """Gathering what the rules read is a fixed number of statements; only sends add writes."""
    from companion.models import User
    from conftest import make_user

    def add(n):
        with db.database.connection_context():
            for i in range(n):
                client = make_user(people["office_a"], "client", f"c{User.select().count()}",
                                   supporter=people["supporter"])
                ReminderSetting.create(user=client, before_meeting=True, meeting_day=True,
                                       daily_checkin=True, quiet_spell=True)
                device = push_service.device(f"{client.login}-phone")
                PushSubscription.create(user=client, endpoint_hash=client.login,
                                        endpoint=device["endpoint"], **device["keys"])
                write(client, "メモ", days_ago=1)

    def cost():
        with conftest.count_queries() as seen:
            result = run(app, at(DAY, 12))  # no meeting, 12:00 is before the check-in time
        assert result.sent == 0
        # SQL statements only: on PostgreSQL the pool logs its connections to "peewee" too.
        return len([line for line in seen if line.startswith("(")])

    add(3)
    few = cost()
    add(27)
    assert cost() == few, "queries grew with the number of people"
    assert few <= 8, few


def test_settings_know_which_devices_are_this_persons(app, login, push_service):
    import hashlib
    sato, other = login("client"), login("other_client")
    mine, theirs = push_service.device("mine"), push_service.device("theirs")
    assert sato.post("/api/v1/push/subscriptions", json=mine).status_code == 201
    assert other.post("/api/v1/push/subscriptions", json=theirs).status_code == 201
    page = sato.client.get("/settings").get_data(as_text=True)
    digest = lambda device: hashlib.sha256(device["endpoint"].encode()).hexdigest()  # noqa: E731
    assert f'data-mine="{digest(mine)}"' in page
    assert digest(theirs) not in page
    # The same browser subscribed again by someone else (a shared device) is theirs now.
    assert other.post("/api/v1/push/subscriptions", json=mine).status_code == 201
    assert digest(mine) not in sato.client.get("/settings").get_data(as_text=True)


def test_nothing_more_reaches_a_deactivated_account(app, sato, push_service, people):
    push_service.answers["phone"] = [503]
    first = at(DAY - timedelta(days=3), 9)
    assert run(app, first).retried == 1
    with db.database.connection_context():
        people["client"].active = False
        people["client"].save()
    assert run(app, first + timedelta(minutes=2)).sent == 0
    assert run(app, at(DAY, 9)).sent == 0
    assert push_service.payloads() == []
