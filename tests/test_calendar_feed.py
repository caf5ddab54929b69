"""The secret calendar feed: valid iCalendar for two parsers, right names, no notes, revocable."""
import re
from datetime import timedelta

import icalendar
import vobject

from companion import db
from companion.models import AccessLog, Meeting, utcnow
from conftest import Auth, schedule, write


def feed_url(auth, action="on"):
    """Turn the feed on (or renew it) in Settings; the URL shown there, as a path."""
    response = auth.form("/settings/calendar", {"action": action}, page="/settings")
    assert response.status_code == 302
    page = auth.client.get("/settings").get_data(as_text=True)
    url = re.search(r'id="feed-url" type="url" value="([^"]+)"', page)
    return url.group(1).replace("http://localhost", "") if url else None


def events(auth, url):
    response = auth.client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.get_data()
    parsed = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    # A second, independent parser reads the same events.
    second = vobject.readOne(body.decode())
    assert {e.uid.value for e in second.vevent_list} == set(parsed)
    return parsed, body.decode()


def test_the_clients_feed_names_the_supporter_and_holds_no_note(app, people, login):
    staff = login("supporter")
    meeting = schedule(staff, people["client"], days=5, mode="online")
    with db.database.connection_context():
        write(people["client"], "秘密のこまりごと")
    sato = login("client")
    url = feed_url(sato)
    assert url.startswith("/calendar/") and url.endswith(".ics")
    found, text = events(Auth(app.test_client()), url)  # the calendar app has no login
    [event] = found.values()
    assert str(event["UID"]).startswith(f"meeting-{meeting['id']}@")
    assert str(event["SUMMARY"]) == "面談(支援員: supporter さん)"
    assert "オンライン" in str(event["DESCRIPTION"]) and "事業所A" in str(event["LOCATION"])
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert "秘密" not in text


def test_a_moved_meeting_keeps_its_uid_and_counts_up_and_a_cancelled_one_says_so(people, login):
    staff = login("supporter")
    meeting = schedule(staff, people["client"], days=5)
    sato = login("client")
    url = feed_url(sato)
    before, _ = events(sato, url)
    moved = (utcnow() + timedelta(days=8)).replace(microsecond=0).isoformat() + "Z"
    assert staff.patch(f"/api/v1/meetings/{meeting['id']}", json={"scheduled_at": moved}).status_code == 200
    after, _ = events(sato, url)
    assert list(after) == list(before)
    [event] = after.values()
    assert int(event["SEQUENCE"]) == 1
    start = event.decoded("DTSTART").replace(tzinfo=None)
    assert abs((start - (utcnow() + timedelta(days=8))).total_seconds()) < 60
    # Changing only the summary is not a change for the calendar.
    assert staff.patch(f"/api/v1/meetings/{meeting['id']}", json={"summary": "メモ"}).status_code == 200
    assert int(list(events(sato, url)[0].values())[0]["SEQUENCE"]) == 1
    assert staff.post(f"/api/v1/meetings/{meeting['id']}/cancel").status_code == 200
    [event] = events(sato, url)[0].values()
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 2)


def test_a_supporters_feed_names_each_client_and_is_in_their_access_log(people, login):
    staff = login("supporter")
    schedule(staff, people["client"], days=2)
    with db.database.connection_context():
        Meeting.create(client=people["other_client"], supporter=people["other_supporter"],
                       scheduled_at=utcnow() + timedelta(days=2))
    url = feed_url(staff)
    found, _ = events(staff, url)
    assert [str(e["SUMMARY"]) for e in found.values()] == ["面談: 佐藤 みのり さん"]
    with db.database.connection_context():
        rows = list(AccessLog.select().where(AccessLog.what == "calendar"))
        assert [(r.actor_id, r.client_id) for r in rows] == [(people["supporter"].id, people["client"].id)]


def test_a_renewed_or_stopped_feed_answers_404(people, login):
    sato = login("client")
    first = feed_url(sato)
    assert sato.client.get(first).status_code == 200
    second = feed_url(sato, "renew")
    assert second != first
    assert sato.client.get(first).status_code == 404
    assert sato.client.get(second).status_code == 200
    assert feed_url(sato, "off") is None
    assert sato.client.get(second).status_code == 404
    # A forged token (a right-looking key with a wrong signature) opens nothing either.
    token = second.split("/")[-1][:-4]
    assert sato.client.get(f"/calendar/{token[:32]}{'0' * 32}.ics").status_code == 404
    assert sato.client.get("/calendar/nothing.ics").status_code == 404
