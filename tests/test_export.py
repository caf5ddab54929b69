"""Export: a client takes away exactly their own data, as JSON or as CSV files Excel opens."""
import csv
import io
import zipfile
from datetime import timedelta

import pytest
from hypothesis import given, strategies as st

from companion import db, export
from companion.models import CheckIn, Note, User, today, utcnow
from companion.reports import service as reports
from companion.schemas import ExportSchema
from conftest import count_queries, held, write


@pytest.fixture
def two_clients(people, login):
    """sato and another client of the same office, each with notes, check-ins, a meeting and a report."""
    found = {}
    for name, other in (("client", "other_supporter"), ("other_client", "supporter")):
        person = people[name]
        staff = people["supporter"] if name == "client" else people["other_supporter"]
        shared = write(person, f"{name}の困ったこと", share_with_employer=True)
        private = write(person, f"{name}のひみつ", visibility="private")
        gone = write(person, f"{name}の消したメモ")
        with db.database.connection_context():
            Note.update(deleted_at=utcnow()).where(Note.id == gone.id).execute()
            CheckIn.create(client=person, day=today() - timedelta(days=1), mood=4, body=3, sleep=2,
                           comment=f"{name}のひとこと")
        meeting = held(person, staff, [(shared, "discussed", f"{name}の結果")],
                       actions=[(f"{name}のやること", "client")])
        month = reports.month_of(meeting.closed_at)
        auth = login("supporter" if name == "client" else "other_supporter")
        auth.post(f"/api/v1/clients/{person.id}/reports/{month}/finalise",
                  json={"comment_for_client": f"{name}へのコメント"})
        found[name] = {"shared": shared, "private": private, "gone": gone, "meeting": meeting}
    return found


def test_json_export_holds_exactly_my_data(people, login, two_clients):
    me = login("client")
    response = me.client.get("/api/v1/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="companion-client-{today():%Y%m%d}.json"')
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert set(data) == {"exported_at", "profile", "notes", "checkins", "meetings", "reports"}
    assert data["profile"]["login"] == "client" and data["profile"]["display_name"] == "佐藤 みのり"
    mine = two_clients["client"]
    assert {n["id"] for n in data["notes"]} == {mine["shared"].id, mine["private"].id}
    assert [c["comment"] for c in data["checkins"]] == ["clientのひとこと"]
    [meeting] = data["meetings"]
    assert meeting["id"] == mine["meeting"].id
    assert [i["outcome"] for i in meeting["agenda_items"]] == ["clientの結果"]
    assert [a["text"] for a in meeting["actions"]] == ["clientのやること"]
    [report] = data["reports"]
    assert report["copy"] == "client" and report["comment_for_client"] == "clientへのコメント"
    text = response.get_data(as_text=True)
    assert "other_client" not in text and "消したメモ" not in text


@pytest.mark.parametrize("who, status", [("supporter", 404), ("manager", 404), (None, 401)])
def test_only_a_client_exports_and_only_their_own(people, login, client, who, status):
    browser = login(who).client if who else client
    for path in ("/api/v1/export", "/api/v1/export.csv"):
        assert browser.get(path).status_code == status


def read_zip(response):
    """{file name: (raw text, rows)} of a zipped CSV export."""
    files = {}
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8")
            files[name] = (text, list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")))))
    return files


def test_csv_export_is_a_zip_of_excel_ready_files_with_only_my_data(people, login, two_clients):
    me = login("client")
    response = me.client.get("/api/v1/export.csv")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="companion-client-{today():%Y%m%d}.zip"')
    files = read_zip(response)
    assert set(files) == {"profile.csv", "notes.csv", "checkins.csv", "meetings.csv",
                          "agenda_items.csv", "actions.csv", "reports.csv"}
    assert all(text.startswith("\ufeff") for text, _rows in files.values())
    notes = files["notes.csv"][1]
    assert sorted(n["body"] for n in notes) == ["clientのひみつ", "clientの困ったこと"]
    assert [r["outcome"] for r in files["agenda_items.csv"][1]] == ["clientの結果"]
    assert files["agenda_items.csv"][1][0]["meeting_id"] == str(two_clients["client"]["meeting"].id)
    assert [r["text"] for r in files["actions.csv"][1]] == ["clientのやること"]
    assert [r["comment_for_client"] for r in files["reports.csv"][1]] == ["clientへのコメント"]
    assert {"field": "display_name", "value": "佐藤 みのり"} in files["profile.csv"][1]
    everything = "".join(text for text, _rows in files.values())
    assert "other_client" not in everything


def test_csv_cells_never_become_spreadsheet_formulas(people, login):
    write(people["client"], "=HYPERLINK(\"http://example.com\")")
    files = read_zip(login("client").client.get("/api/v1/export.csv"))
    assert files["notes.csv"][1][0]["body"] == "'=HYPERLINK(\"http://example.com\")"


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of two rows (one meeting) and a chunk for every piece: a short record reads
    and sends as a long one does."""
    monkeypatch.setattr(export, "BATCH", 2, raising=False)
    monkeypatch.setattr(export, "MEETINGS", 1, raising=False)
    monkeypatch.setattr(export, "CHUNK", 1, raising=False)


def test_streamed_json_is_the_document_jsonify_gave(app, people, login, two_clients, small_batches,
                                                    monkeypatch):
    for n in range(5):
        write(people["client"], f"メモ{n}", days_ago=n + 2)
    exported_at = utcnow().replace(2024, 1, 2)  # one moment for both documents
    monkeypatch.setattr(export, "utcnow", lambda: exported_at)
    response = login("client").client.get("/api/v1/export")
    data = response.get_json()
    with app.test_request_context(), db.database.connection_context():
        client = User.get_by_id(people["client"].id)
        whole = {"exported_at": export.utcnow(), "profile": export.profile(client),
                 **{key: list(rows(client)) for key, rows in export.LISTS.items()}}
        sent = app.json.response(ExportSchema().dump(whole)).get_data()
    assert response.get_data() == sent
    assert [n["body"] for n in data["notes"]] == (
        [f"メモ{n}" for n in range(4, -1, -1)] + ["clientの困ったこと", "clientのひみつ"])
    assert [i["outcome"] for m in data["meetings"] for i in m["agenda_items"]] == ["clientの結果"]


@pytest.mark.parametrize("path", ["/api/v1/export", "/api/v1/export.csv"])
def test_exports_are_sent_while_the_notes_are_still_being_read(people, login, small_batches, path):
    """Not built whole before sending: the first bytes go before the last notes are read."""
    for n in range(7):
        write(people["client"], f"メモ{n}", days_ago=n + 1)
    me = login("client")
    table = f'FROM "{Note._meta.table_name}"'
    with count_queries() as seen:
        response = me.client.get(path, buffered=False)
        chunks = iter(response.response)
        next(chunks)
        before = sum(table in query for query in seen)
        rest = b"".join(chunks)
        response.close()
        read = sum(table in query for query in seen)
    assert rest and before < read and read >= 4
    # Every connection the body held is given back, on PostgreSQL to the pool.
    assert db.database.is_closed()
    assert not getattr(db.database.obj, "_in_use", {})


def test_settings_offer_both_exports_to_a_client(people, login):
    html = login("client").client.get("/settings").get_data(as_text=True)
    assert "/api/v1/export.csv" in html and 'href="/api/v1/export"' in html
    assert "/api/v1/export" not in login("supporter").client.get("/settings").get_data(as_text=True)


FORMULA_STARTS = ["=1+1", "+1", "-1", "@SUM(A1)", "＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1",
                  "\u22121", " =1", "\u3000=1", "\t=1", "\r=1", "\n=1", "\u200b=1", "\ufeff=1",
                  "\u202e=1", "\u2028=1", "\u00a0=1"]


@pytest.mark.parametrize("text", FORMULA_STARTS)
def test_a_cell_that_a_spreadsheet_could_read_as_a_formula_is_neutralised(text):
    from companion.export import cell
    assert cell(text) == "'" + text


@pytest.mark.parametrize("text", ["上司の指示", "1日", "(笑)", "a=b", "メモ-1", ""])
def test_ordinary_text_is_left_as_it_is(text):
    from companion.export import cell
    assert cell(text) == text


@given(st.text())
def test_no_exported_cell_starts_like_a_formula_whatever_unicode_comes_first(text):
    """Judged by Python's own notions, not the code's tables: a cell left unquoted starts with
    a printable, non-space character that does not fold (NFKC) to = + - @ nor is the minus sign."""
    import unicodedata

    from companion.export import cell
    written = cell(text)
    if written.startswith("'") and written[1:] == text:
        return
    assert written == text
    if text:
        first = text[0]
        assert first.isprintable() and not first.isspace()
        assert not unicodedata.normalize("NFKC", first).startswith(("=", "+", "-", "@"))
        assert first != "\u2212"
