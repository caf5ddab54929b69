"""The client's export: everything of theirs as JSON, or as CSV files in a zip that Excel opens."""
import csv
import io
import unicodedata
import zipfile

from flask import Response, jsonify
from flask_login import current_user
from peewee import JOIN

from .access import roles_required
from .api import bp as api
from .meetings.agenda_view import item_view
from .models import (
    ActionItem, AgendaItem, CheckIn, ClientProfile, Meeting, MonthlyReport, Note, User, today,
    utcnow,
)
from .openapi import doc
from .periods import support_period
from .reports.service import client_copy
from .schemas import ExportSchema

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


def gather(client):
    """Everything of client's, as objects ExportSchema dumps; deleted notes are left out."""
    profile = ClientProfile.get_or_none(ClientProfile.user == client.id)
    period = support_period(profile.hire_date) if profile and profile.hire_date else None
    notes = list(Note.select().where((Note.client == client.id) & Note.deleted_at.is_null())
                 .order_by(Note.written_at, Note.id))
    for note in notes:
        note.starred = note.starred_at is not None
    supporter = User.alias()
    meetings = list(Meeting.select(Meeting, supporter)
                    .join(supporter, JOIN.LEFT_OUTER, on=(Meeting.supporter == supporter.id))
                    .where(Meeting.client == client.id).order_by(Meeting.scheduled_at, Meeting.id))
    items, actions = {}, {}
    for row in (AgendaItem.select().join(Meeting, on=(AgendaItem.meeting == Meeting.id))
                .where(Meeting.client == client.id).order_by(AgendaItem.position, AgendaItem.id)):
        items.setdefault(row.meeting_id, []).append(item_view(row))
    for action in (ActionItem.select().where(ActionItem.client == client.id)
                   .order_by(ActionItem.id)):
        actions.setdefault(action.meeting_id, []).append(action)
    for meeting in meetings:
        meeting.agenda_items = items.get(meeting.id, [])
        meeting.actions = actions.get(meeting.id, [])
    reports = MonthlyReport.select().where(MonthlyReport.client == client.id).order_by(
        MonthlyReport.month)
    return {
        "exported_at": utcnow(),
        "profile": {
            "login": client.login, "display_name": client.display_name,
            **({k: getattr(profile, k) for k in (
                "hire_date", "employer_name", "job_title", "certificate_valid_from",
                "certificate_valid_to", "office_phone")} if profile else {}),
            "support_start": period.start if period else None,
            "support_end": period.end if period else None},
        "notes": notes,
        "checkins": list(CheckIn.select().where(CheckIn.client == client.id).order_by(CheckIn.day)),
        "meetings": meetings,
        "reports": [client_copy(client, report) for report in reports],
    }


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


def csv_text(rows, columns):
    """Rows as CSV with a header, starting with a BOM so Excel reads UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return "\ufeff" + out.getvalue()


def tables(data):
    """The JSON export as CSV files: {file name: text}."""
    flat = dict(data)
    flat["agenda_items"] = [{"meeting_id": m["id"], **i} for m in data["meetings"]
                            for i in m["agenda_items"]]
    flat["actions"] = [{"meeting_id": m["id"], **a} for m in data["meetings"] for a in m["actions"]]
    flat["meetings"] = [{**m, "supporter": (m.get("supporter") or {}).get("display_name")}
                        for m in data["meetings"]]
    files = {"profile.csv": csv_text([{"field": k, "value": v} for k, v in data["profile"].items()],
                                     ("field", "value"))}
    for name, (key, columns) in TABLES.items():
        files[name] = csv_text(flat[key], columns)
    return files


def attachment(response, extension):
    """Name the download: companion-LOGIN-YYYYMMDD.ext."""
    name = f"companion-{current_user.login}-{today():%Y%m%d}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@api.get("/export")
@doc("Everything of mine as JSON: profile, notes, check-ins, meetings, reports",
     response=ExportSchema)
@roles_required("client")
def export_json():
    """The client's own data, private notes included, as one JSON file."""
    return attachment(jsonify(ExportSchema().dump(gather(current_user))), "json")


@api.get("/export.csv")
@doc("Everything of mine as CSV files (UTF-8 with BOM) in a zip")
@roles_required("client")
def export_csv():
    """The same data as the JSON export, one CSV file per kind of record, zipped."""
    data = ExportSchema().dump(gather(current_user))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in tables(data).items():
            archive.writestr(name, text.encode("utf-8"))
    return attachment(Response(buffer.getvalue(), mimetype="application/zip"), "zip")
