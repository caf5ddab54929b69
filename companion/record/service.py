"""The portable record: written from one client's rows, read into a new account elsewhere.

Rules where the issue is silent:
- The file holds the client's own record: profile, earlier jobs, notes (private ones only
  when the client says so), check-ins, the meetings that are over with their frozen
  items, actions, reports (with the employer copy as approved) and わたしの強みと配慮.
  Meetings still ahead, the access log, push devices and the hand-over stay behind.
- Importing makes a new client account at the importing office, with every date kept:
  the support period still counts from the first hire date (Q8). An end of support
  recorded at the old office is not carried over: support goes on at the new one.
- Nothing links the two offices: the file is all that moves, carried by the client, and
  each end writes its own row of consent (RecordTransfer).
"""
import json
from datetime import timedelta

from flask_babel import gettext as _
from marshmallow import ValidationError
from peewee import JOIN

from ..db import database, insert_rows
from ..models import (
    ActionItem,
    AgendaItem,
    Assignment,
    CheckIn,
    ClientProfile,
    Employment,
    Meeting,
    MonthlyReport,
    Note,
    Office,
    ProfileChange,
    RecordTransfer,
    Strength,
    User,
    new_uuid,
    utcnow,
)
from .schemas import FORMAT, MEETING_STATES, VERSION, RecordSchema

PROFILE = ("hire_date", "employer_name", "job_title", "employer_since", "certificate_valid_from",
           "certificate_valid_to", "left_job_on", "left_job_reason", "left_job_detail",
           "support_ended_on", "support_end_reason", "support_end_note")
# What an import leaves behind of the profile: the old office's end of support.
NOT_CARRIED = ("support_ended_on", "support_end_reason", "support_end_note")
NOTE = ("kind", "topic", "weight", "body", "visibility", "share_with_employer", "agenda_choice",
        "starred_at", "written_at", "updated_at", "state", "carried_count")
ITEM = ("section", "position", "ref_type", "text", "kind", "topic", "weight", "carried_count",
        "written_at", "owner", "due", "done", "system_code", "status", "outcome")
MEETING = ("scheduled_at", "mode", "state", "started_at", "closed_at", "cancelled_at", "summary")
ACTION = ("text", "owner", "due", "done_at", "settled_at", "created_at")
REPORT = ("month", "status", "comment_for_client", "comment_for_employer", "finalised_at",
          "approved_at", "change_request")
STRENGTH = ("part", "text", "state", "share_with_employer", "accepted_at", "created_at")


def pick(row, names):
    return {name: getattr(row, name) for name in names}


# --- writing ------------------------------------------------------------------------------

def document(client, include_private):
    """The client's record as RecordSchema dumps it, in a fixed order (oldest first)."""
    profile = ClientProfile.get_or_none(ClientProfile.user == client.id)
    notes = (Note.select().where((Note.client == client.id) & Note.deleted_at.is_null())
             .order_by(Note.written_at, Note.id))
    if not include_private:
        notes = notes.where(Note.visibility == "shared")
    notes = list(notes)
    note_refs = {n.id for n in notes}
    supporter = User.alias()
    meetings = list(Meeting.select(Meeting, supporter.display_name.alias("supporter_name"))
                    .join(supporter, JOIN.LEFT_OUTER, on=(Meeting.supporter == supporter.id))
                    .where((Meeting.client == client.id) & Meeting.state.in_(MEETING_STATES))
                    .order_by(Meeting.scheduled_at, Meeting.id).objects())
    meeting_refs = {m.id for m in meetings}
    items = {}
    for item in (AgendaItem.select().where(AgendaItem.meeting.in_(list(meeting_refs)))
                 .order_by(AgendaItem.position, AgendaItem.id)):
        items.setdefault(item.meeting_id, []).append(item)
    item_refs = {i.id for rows in items.values() for i in rows}
    actions = [a for a in ActionItem.select().where(ActionItem.client == client.id)
               .order_by(ActionItem.created_at, ActionItem.id)
               if a.meeting_id is None or a.meeting_id in meeting_refs]
    action_refs = {a.id for a in actions}

    def known(value, refs):
        return str(value) if value is not None and value in refs else None

    def source(text):
        kind, _colon, ref = (text or "").partition(":")
        ok = (kind == "note" and ref in note_refs) or (
            kind == "item" and ref.isdigit() and int(ref) in item_refs)
        return text if ok else None

    return RecordSchema().dump({
        "format": FORMAT, "version": VERSION, "exported_at": utcnow(),
        "office": Office.get_by_id(client.office_id).name,
        "consent": {"given_at": utcnow(), "include_private": include_private},
        "client": {"display_name": client.display_name},
        "profile": pick(profile, PROFILE) if profile else {},
        "employments": [pick(e, ("employer_name", "job_title", "starts_on", "ends_on"))
                        for e in Employment.select().where(Employment.client == client.id)
                        .order_by(Employment.ends_on, Employment.id)],
        "notes": [{"ref": n.id, **pick(n, NOTE)} for n in notes],
        "checkins": [pick(c, ("day", "mood", "body", "sleep", "comment"))
                     for c in CheckIn.select().where(CheckIn.client == client.id)
                     .order_by(CheckIn.day)],
        "meetings": [{
            "ref": str(m.id), **pick(m, MEETING), "supporter": m.supporter_name,
            "snapshot": json.loads(m.snapshot) if m.snapshot else None,
            "items": [{"ref": str(i.id), **pick(i, ITEM), "note": known(i.note_id, note_refs),
                       "action": known(i.action_id, action_refs)}
                      for i in items.get(m.id, [])],
        } for m in meetings],
        "actions": [{"ref": str(a.id), **pick(a, ACTION), "meeting": known(a.meeting_id, meeting_refs),
                     "from_item": known(a.from_item_id, item_refs)} for a in actions],
        "reports": [{**pick(r, REPORT),
                     "employer_copy": json.loads(r.employer_copy) if r.employer_copy else None}
                    for r in MonthlyReport.select().where(MonthlyReport.client == client.id)
                    .order_by(MonthlyReport.month)],
        "strengths": [{**pick(s, STRENGTH), "source": source(s.source)}
                      for s in Strength.select().where(Strength.client == client.id)
                      .order_by(Strength.id)],
    })


def take_out(client, include_private):
    """The client's yes, recorded, and the file it is given for."""
    doc = document(client, include_private)
    RecordTransfer.create(client=client.id, direction="export", include_private=include_private,
                          consent_at=utcnow(), actor=client.id, at=utcnow())
    return doc


# --- reading ------------------------------------------------------------------------------

class BrokenRecord(ValueError):
    """A file that is not a record this version can read: the message says what to do."""


def broken(detail=None):
    return BrokenRecord(detail or _("ファイルの中身が正しくありません。Companionで書き出した「持ち出し用のファイル」を、そのまま選んでください。"))


def parse(raw):
    """The file's bytes as a checked record, or a refusal that says what is wrong."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise broken() from None
    if not isinstance(doc, dict):
        raise broken()
    if doc.get("format") == FORMAT and doc.get("version") != VERSION:
        raise broken(_("このファイルの形式(バージョン%(found)s)は、まだ読めません。", found=doc.get("version")))
    try:
        data = RecordSchema().load(doc)
    except ValidationError as exc:
        where = next(iter(exc.messages), "")
        raise broken(_("ファイルの中身が正しくありません(%(where)s)。", where=where)) from None
    check_references(data)
    return data


def check_references(data):
    """Every ref names one thing of the file, and every link a thing the file holds."""
    notes = [n["ref"] for n in data["notes"]]
    meetings = [m["ref"] for m in data["meetings"]]
    items = [i["ref"] for m in data["meetings"] for i in m["items"]]
    actions = [a["ref"] for a in data["actions"]]
    for refs in (notes, meetings, items, actions):
        if len(set(refs)) != len(refs):
            raise broken()
    links = ([(i["note"], notes) for m in data["meetings"] for i in m["items"]]
             + [(i["action"], actions) for m in data["meetings"] for i in m["items"]]
             + [(a["meeting"], meetings) for a in data["actions"]]
             + [(a["from_item"], items) for a in data["actions"]])
    if any(ref is not None and ref not in set(refs) for ref, refs in links):
        raise broken()
    months = [r["month"] for r in data["reports"]]
    if len(set(months)) != len(months):
        raise broken()


def blank_snapshot(meeting):
    """What a closed meeting's page needs when the file has no snapshot of its start."""
    end = meeting["started_at"] or meeting["scheduled_at"]
    return json.dumps({"highlights": [],
                       "condition": [[s, None, None, 0, []] for s in ("mood", "body", "sleep")],
                       "window": [(end - timedelta(days=30)).isoformat(), end.isoformat()]})


def bring_in(actor, data, login, display_name, supporter):
    """A new client of actor's office, made from the record: one transaction, all or nothing."""
    now = utcnow()
    with database.atomic():
        client = User.create(office=actor.office_id, role="client", login=login,
                             display_name=display_name, locale=actor.locale)
        ClientProfile.create(user=client, **{k: v for k, v in data["profile"].items()
                                             if k not in NOT_CARRIED})
        if supporter is not None:
            Assignment.create(client=client, supporter=supporter)
        insert_rows(Employment, [{"client": client.id, **e} for e in data["employments"]])
        note_ids = {n["ref"]: new_uuid() for n in data["notes"]}
        insert_rows(Note, [{"id": note_ids[n["ref"]], "client": client.id, "received_at": now,
                            **{k: n[k] for k in NOTE},
                            "updated_at": n["updated_at"] or n["written_at"]}
                           for n in data["notes"]])
        insert_rows(CheckIn, [{"client": client.id, "updated_at": now, **c}
                              for c in data["checkins"]])
        meeting_ids, item_ids, action_links = {}, {}, []
        for m in data["meetings"]:
            meeting = Meeting.create(
                client=client.id, supporter=None, created_at=now, updated_at=now,
                snapshot=json.dumps(m["snapshot"]) if m["snapshot"] else (
                    blank_snapshot(m) if m["state"] == "closed" else ""),
                **{k: m[k] for k in MEETING})
            meeting_ids[m["ref"]] = meeting.id
            for i in m["items"]:
                item = AgendaItem.create(meeting=meeting.id, note=note_ids.get(i["note"]),
                                         updated_at=now, **{k: i[k] for k in ITEM})
                item_ids[i["ref"]] = item.id
                if i["action"] is not None:
                    action_links.append((item.id, i["action"]))
        action_ids = {}
        for a in data["actions"]:
            action = ActionItem.create(client=client.id, meeting=meeting_ids.get(a["meeting"]),
                                       from_item=item_ids.get(a["from_item"]),
                                       **{k: a[k] for k in ACTION})
            action_ids[a["ref"]] = action.id
        for item_id, ref in action_links:
            AgendaItem.update(action=action_ids[ref]).where(AgendaItem.id == item_id).execute()
        insert_rows(MonthlyReport, [{
            "client": client.id, "created_at": now, "updated_at": now,
            "employer_copy": json.dumps(r["employer_copy"], ensure_ascii=False)
            if r["employer_copy"] is not None else "", **{k: r[k] for k in REPORT}}
            for r in data["reports"]])

        def source(text):
            kind, _colon, ref = (text or "").partition(":")
            found = {"note": note_ids, "item": item_ids}.get(kind, {}).get(ref)
            return f"{kind}:{found}" if found is not None else None
        insert_rows(Strength, [{"client": client.id, "updated_at": now, "source": source(s["source"]),
                                **{k: s[k] for k in STRENGTH}} for s in data["strengths"]])
        RecordTransfer.create(client=client.id, direction="import", actor=actor.id, at=now,
                              include_private=data["consent"]["include_private"],
                              other_office=data["office"], consent_at=data["consent"]["given_at"])
        ProfileChange.create(client=client.id, actor=actor.id, event="imported",
                             field="other_office", after=data["office"], at=now)
    return client
