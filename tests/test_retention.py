"""Records last: closed meetings and reports stay 5 years; a client's note can go, its record stays."""
from datetime import timedelta

import pytest

from companion import db
from companion.models import (
    AgendaItem, Meeting, MonthlyReport, RecordRetained, today, utcnow,
)
from companion.periods import add_months
from conftest import held, write

SIX_YEARS = timedelta(days=6 * 366)


def months_ago(n):
    return add_months(today(), -n).strftime("%Y-%m")


def test_a_closed_meeting_cannot_be_deleted_for_five_years(people):
    note = write(people["client"], "話したこと")
    meeting = held(people["client"], people["supporter"], [(note, "discussed", "決めたこと")])
    with db.database.connection_context():
        with pytest.raises(RecordRetained):
            meeting.delete_instance()
        with pytest.raises(RecordRetained):
            Meeting.delete().where(Meeting.id == meeting.id).execute()
        with pytest.raises(RecordRetained):
            Meeting.delete().execute()
        with pytest.raises(RecordRetained):
            AgendaItem.delete().where(AgendaItem.meeting == meeting.id).execute()
        assert Meeting.select().count() == 1 and AgendaItem.select().count() == 1


def test_a_record_older_than_five_years_may_go(people):
    old = held(people["client"], people["supporter"], when=utcnow() - SIX_YEARS)
    with db.database.connection_context():
        assert old.delete_instance() == 1


def test_a_delete_reaching_one_recent_record_removes_nothing(people):
    held(people["client"], people["supporter"], when=utcnow() - SIX_YEARS)
    held(people["client"], people["supporter"])
    with db.database.connection_context():
        with pytest.raises(RecordRetained):
            Meeting.delete().where(Meeting.client == people["client"].id).execute()
        assert Meeting.select().count() == 2


def test_a_meeting_that_never_took_place_may_be_deleted(people):
    with db.database.connection_context():
        for state in ("scheduled", "cancelled"):
            meeting = Meeting.create(client=people["client"], scheduled_at=utcnow(), state=state)
            assert meeting.delete_instance() == 1


@pytest.mark.parametrize("month, kept", [(months_ago(0), True), (months_ago(59), True),
                                         (months_ago(61), False)])
def test_reports_are_kept_five_years_from_their_month(people, month, kept):
    with db.database.connection_context():
        report = MonthlyReport.create(client=people["client"], month=month, status="approved")
        if kept:
            with pytest.raises(RecordRetained):
                report.delete_instance()
            with pytest.raises(RecordRetained):
                MonthlyReport.delete().where(MonthlyReport.client == people["client"].id).execute()
            assert MonthlyReport.select().count() == 1
        else:
            assert report.delete_instance() == 1


def test_no_route_deletes_a_meeting_or_a_report(app):
    deleting = sorted(rule.rule for rule in app.url_map.iter_rules() if "DELETE" in rule.methods)
    # An action item may be taken back while its meeting runs: it is no record yet. A
    # device's push subscription is no record either.
    assert deleting == ["/api/v1/actions/<action_id>", "/api/v1/notes/<note_id>",
                        "/api/v1/push/subscriptions", "/api/v1/session"]


def test_a_deleted_note_leaves_my_lists_but_stays_in_the_meeting_record(people, login):
    note = write(people["client"], "上司の指示が分かりにくい")
    meeting = held(people["client"], people["supporter"], [(note, "discussed", "メモでもらう")])
    with db.database.connection_context():
        note.state = "open"  # even before closing updates the note, the record is there
        note.save()
    me = login("client")
    warning = me.client.get(f"/notes/{note.id}/delete").get_data(as_text=True)
    assert "消しても、面談の記録には、そのときの内容が残ります" in warning
    assert me.delete(f"/api/v1/notes/{note.id}").status_code == 204
    assert note.id not in {n["id"] for n in me.client.get("/api/v1/notes").get_json()}
    assert "上司の指示が分かりにくい" not in me.client.get("/notes").get_data(as_text=True)
    record = me.client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "上司の指示が分かりにくい" in record and "メモでもらう" in record
    staff = login("supporter").client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "上司の指示が分かりにくい" in staff


def test_deleting_a_note_never_in_a_meeting_says_nothing_about_records(people, login):
    note = write(people["client"], "まだ話していない")
    page = login("client").client.get(f"/notes/{note.id}/delete").get_data(as_text=True)
    assert "面談の記録" not in page
