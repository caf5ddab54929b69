"""The client's export: everything of theirs as JSON, or as CSV files in a zip that Excel opens."""
import csv
import io
import unicodedata
import zipfile
from functools import partial

from flask import Blueprint, Response, current_app, stream_with_context
from flask_login import current_user
from peewee import JOIN

from .access import roles_required
from .db import database
from .meetings.agenda_view import item_view
from .models import (
    ActionItem, AgendaItem, CheckIn, ClientProfile, Meeting, MonthlyReport, Note, User, today,
    utcnow,
)
from .openapi import doc
from .periods import support_period
from .reports.service import client_copy
from .schemas import ExportMeetingSchema, ExportSchema


bp = Blueprint("export", __name__)  # under /api/v1

# file: (where the rows are in the JSON export, columns); nested rows carry their meeting_id.
TABLES = {
    "notes.csv": ("notes", ("id", "written_at", "kind", "topic", "weight", "body", "visibility",
                            "share_with_employer", "agenda_choice", "starred", "state",
                            "carried_count", "received_at", "updated_at")),
    "checkins.csv": ("checkins", ("day", "mood", "body", "sleep", "comment")),
    "meetings.csv": ("meetings", ("id", "scheduled_at", "mode", "state", "started_at",
                                  "closed_at", "cancelled_at", "supporter", "summary")),
    "agenda_items.csv": ("agenda_items", ("meeting_id", "id", "section", "ref_type", "kind",
                                          "topic", "weight", "text", "status", "outcome",
                                          "carried_count", "written_at", "owner", "due", "done")),
    "actions.csv": ("actions", ("meeting_id", "id", "text", "owner", "due", "done", "done_at",
                                "created_at")),
    "reports.csv": ("reports", ("month", "status", "finalised_at", "approved_at",
                                "comment_for_client", "comment_for_employer", "change_request")),
}
# A cell starting with one of these is a formula to a spreadsheet (CSV injection), also in
# their fullwidth and small forms (NFKC folds ＝＋－＠﹦ to them) and the minus sign.
FORMULA = ("=", "+", "-", "@", "\u2212")
# Spreadsheets may skip or trim these before reading a formula: separators (spaces, line and
# paragraph separators) and the "other" characters: controls (tab, CR), format characters
# (zero-width space, BOM, bidi marks), and private or unassigned ones a newer Unicode may
# make format characters. Quoting such a cell costs nothing.
SKIPPED = ("Z", "C")
# Rows read at once (meetings come with their agenda items: fewer), and the bytes sent at once.
BATCH = 500
MEETINGS = 50
CHUNK = 64 * 1024


def batches(query, order, size=None):
    """query's rows in order (its last field unique) as lists of at most size (BATCH): each
    batch starts after the last row of the one before (a keyset), none rereads the others."""
    size, last = size or BATCH, None
    while True:
        rows = list((query if last is None else query.where(after(order, last)))
                    .order_by(*order).limit(size))
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = rows[-1]


def after(order, row):
    """The condition "comes after row" in the order of the fields order."""
    field, *rest = order
    value = getattr(row, field.name)
    return (field > value) | ((field == value) & after(rest, row)) if rest else field > value


def rows(query, order):
    """query's rows one by one, read a batch at a time."""
    for batch in batches(query, order):
        yield from batch


def profile(client):
    """The client's profile and support period, as ProfileExportSchema dumps it."""
    found = ClientProfile.get_or_none(ClientProfile.user == client.id)
    period = support_period(found.hire_date) if found and found.hire_date else None
    return {
        "login": client.login, "display_name": client.display_name,
        **({k: getattr(found, k) for k in (
            "hire_date", "employer_name", "job_title", "certificate_valid_from",
            "certificate_valid_to", "office_phone", "employer_since", "left_job_on",
            "left_job_reason", "support_ended_on", "support_end_reason")} if found else {}),
        "support_start": period.start if period else None,
        "support_end": period.end if period else None}


def notes(client):
    """The client's notes, oldest first; deleted ones are left out."""
    query = Note.select().where((Note.client == client.id) & Note.deleted_at.is_null())
    for note in rows(query, (Note.written_at, Note.id)):
        note.starred = note.starred_at is not None
        yield note


def checkins(client):
    """The client's check-ins, day by day."""
    return rows(CheckIn.select().where(CheckIn.client == client.id), (CheckIn.day,))


def meetings(client):
    """The client's meetings, each with its frozen agenda items and the actions decided."""
    supporter = User.alias()
    query = (Meeting.select(Meeting, supporter)
             .join(supporter, JOIN.LEFT_OUTER, on=(Meeting.supporter == supporter.id))
             .where(Meeting.client == client.id))
    for batch in batches(query, (Meeting.scheduled_at, Meeting.id), MEETINGS):
        ids = [meeting.id for meeting in batch]
        items, actions = {}, {}
        for row in (AgendaItem.select().where(AgendaItem.meeting.in_(ids))
                    .order_by(AgendaItem.position, AgendaItem.id)):
            items.setdefault(row.meeting_id, []).append(item_view(row))
        for action in (ActionItem.select()
                       .where((ActionItem.client == client.id) & ActionItem.meeting.in_(ids))
                       .order_by(ActionItem.id)):
            actions.setdefault(action.meeting_id, []).append(action)
        for meeting in batch:
            meeting.agenda_items = items.get(meeting.id, [])
            meeting.actions = actions.get(meeting.id, [])
            yield meeting


def monthly_reports(client):
    """The client's copy of each monthly report, oldest month first."""
    query = MonthlyReport.select().where(MonthlyReport.client == client.id)
    for report in rows(query, (MonthlyReport.month,)):
        yield client_copy(client, report)


# The lists of the export, each read a batch at a time: never all of a long record at once.
# Batches are separate queries (see streamed): a meeting rescheduled while the export is
# being sent may be in it twice or not at all.
LISTS = {"notes": notes, "checkins": checkins, "meetings": meetings, "reports": monthly_reports}


def dumped(client, key):
    """The export's list key, one row at a time as ExportSchema dumps it."""
    schema = ExportSchema().fields[key].inner.schema
    return (schema.dump(row) for row in LISTS[key](client))


def json_pieces(client):
    """The JSON export as it is written: the bytes jsonify gives the whole document."""
    dumps = partial(current_app.json.dumps, separators=(",", ":"))
    schema = ExportSchema()
    head = schema.dump({"exported_at": utcnow(), "profile": profile(client)})
    keys = sorted(schema.fields) if getattr(current_app.json, "sort_keys", False) else schema.fields
    yield "{"
    for n, key in enumerate(keys):
        yield ("," if n else "") + dumps(key) + ":"
        if key in head:
            yield dumps(head[key])
            continue
        yield "["
        for i, row in enumerate(dumped(client, key)):
            yield ("," if i else "") + dumps(row)
        yield "]"
    yield "}\n"


def cell(value):
    """A value as spreadsheet text: blanks for null, true/false, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def looks_like_formula(text):
    """True when a spreadsheet could read text as a formula, whatever Unicode it starts with."""
    if not text:
        return False
    first = text[0]
    return (unicodedata.category(first).startswith(SKIPPED)
            or unicodedata.normalize("NFKC", first).startswith(FORMULA))


def csv_lines(rows, columns):
    """Rows as CSV lines after a header that starts with a BOM, so Excel reads UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(values):
        out.seek(0)
        out.truncate()
        writer.writerow(values)
        return out.getvalue()
    yield "\ufeff" + line(columns)
    for row in rows:
        yield line([cell(row.get(c)) for c in columns])


def csv_rows(client, key):
    """The rows of one CSV file: a list of the JSON export, the meetings' agenda items and
    actions each carrying its meeting_id, the meetings with their supporter's name."""
    if key in ("agenda_items", "actions"):
        schema = ExportMeetingSchema(only=("id", key))
        return ({"meeting_id": m["id"], **row}
                for m in map(schema.dump, meetings(client)) for row in m[key])
    if key == "meetings":
        return ({**m, "supporter": (m.get("supporter") or {}).get("display_name")}
                for m in dumped(client, key))
    return dumped(client, key)


class Pipe:
    """A file that is only written to, its bytes taken away as they come: a zip written to it
    is sent as it grows (zipfile writes to a stream it can't seek with data descriptors)."""

    def __init__(self):
        self.chunks = []

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def zip_pieces(client):
    """The CSV export as it is written: a zip, each file in it written row by row."""
    pipe = Pipe()
    head = ExportSchema().dump({"profile": profile(client)})["profile"]
    files = {"profile.csv": ([{"field": k, "value": v} for k, v in head.items()],
                             ("field", "value"))}
    files.update((name, (csv_rows(client, key), columns))
                 for name, (key, columns) in TABLES.items())
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (rows, columns) in files.items():
            with archive.open(name, "w") as entry:
                for line in csv_lines(rows, columns):
                    entry.write(line.encode("utf-8"))
                    yield pipe.take()
    yield pipe.take()


def streamed(pieces):
    """pieces as the answer's body, sent in chunks of about CHUNK bytes while written.

    Flask tears the request down (closing its connection) when the view returns and again
    when the body is sent: the body holds a connection of its own until its last piece.
    No transaction spans the pieces: the database may close it between them, as when a
    test client leaves a body unread and sends the next request from the same thread.
    """
    def body():
        with database.connection_context():
            kept, size = [], 0
            for piece in pieces:
                data = piece.encode("utf-8") if isinstance(piece, str) else piece
                kept.append(data)
                size += len(data)
                if size >= CHUNK:
                    yield b"".join(kept)
                    kept, size = [], 0
            yield b"".join(kept)
    return stream_with_context(body())


def attachment(response, extension):
    """Name the download: companion-LOGIN-YYYYMMDD.ext."""
    name = f"companion-{current_user.login}-{today():%Y%m%d}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/export")
@doc("Everything of mine as JSON: profile, notes, check-ins, meetings, reports",
     response=ExportSchema)
@roles_required("client")
def export_json():
    """The client's own data, private notes included, as one JSON file, sent as it is written."""
    client = current_user._get_current_object()
    return attachment(Response(streamed(json_pieces(client)), mimetype="application/json"), "json")


@bp.get("/export.csv")
@doc("Everything of mine as CSV files (UTF-8 with BOM) in a zip")
@roles_required("client")
def export_csv():
    """The same data as the JSON export, one CSV file per kind of record, zipped as it is sent."""
    client = current_user._get_current_object()
    return attachment(Response(streamed(zip_pieces(client)), mimetype="application/zip"), "zip")
