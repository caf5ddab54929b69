"""Notes: creating them idempotently, changing, deleting and restoring them, and which a list shows."""
from flask_babel import gettext as _
from peewee import IntegrityError

from ..access import canonical_id
from ..clock import month_bounds
from ..db import database
from ..errors import Refused
from ..models import Note, utcnow
from ..reports.service import sharing_locked
from .schemas import WEIGHT_FOR_WORRIES_ONLY

CONTENT = ("kind", "topic", "weight", "body", "visibility", "share_with_employer", "written_at")
MAX_STARS = 3


def prepare(data, creating):
    """Fill the defaults a new note gets and normalise what came in."""
    if creating:
        data.setdefault("share_with_employer", data["kind"] == "for_employer")
        if data["kind"] == "worry":
            data["weight"] = data.get("weight") or "small"
    if data.get("kind") and data["kind"] != "worry":
        data["weight"] = None
    if "id" in data:
        data["id"] = str(data["id"])
    return data


def same_content(note, data):
    """True when a retried create carries what is already stored."""
    for key in CONTENT:
        if key not in data:
            continue
        sent = data[key]
        if key == "written_at":
            sent = min(sent, note.received_at)  # as it was clamped when stored
        if getattr(note, key) != sent:
            return False
    return True


def create_note(client, data):
    """Store a note once: return (note, created). A known id with other content is a conflict."""
    data = prepare(dict(data), creating=True)
    data.pop("starred", None)
    if "id" in data:
        existing = Note.get_or_none(Note.id == data["id"])
        if existing is not None:
            if existing.client_id == client.id and existing.deleted_at is None \
                    and same_content(existing, data):
                return existing, False
            raise Refused(409, _("このIDのメモは、ちがう内容でもう保存されています。"))
    now = utcnow()
    sent = dict(data)
    # A phone whose clock runs ahead can't date a note in the future: it would miss the agenda.
    data["written_at"] = min(data.get("written_at", now), now)
    try:
        with database.atomic():
            return Note.create(client=client.id, received_at=now, updated_at=now, **data), True
    except IntegrityError:
        # A simultaneous retry of the same note won the race for its id.
        existing = Note.get_or_none(Note.id == data.get("id"))
        if existing is not None and existing.client_id == client.id and same_content(existing, sent):
            return existing, False
        raise Refused(409, _("このIDのメモは、ちがう内容でもう保存されています。"))


def update_note(note, data):
    """Apply a client's change to their own note."""
    if data.get("weight") and data.get("kind", note.kind) != "worry":
        # The schema can't see the stored kind: a PATCH of weight alone is checked here.
        raise Refused(422, fields={"weight": [str(WEIGHT_FOR_WORRIES_ONLY)]})
    if data.get("share_with_employer", note.share_with_employer) != note.share_with_employer:
        if sharing_locked(note):
            raise Refused(409, _("このメモは、会社にわたしたレポートに入っています。会社に伝えるかどうかは、もう変えられません。"))
    data = prepare(dict(data), creating=False)
    data.pop("id", None)
    starred = data.pop("starred", None)
    if "kind" in data and data["kind"] == "worry" and not (data.get("weight") or note.weight):
        data["weight"] = "small"
    if starred is True and note.starred_at is None:
        stars = (Note.select().where((Note.client == note.client_id) & Note.starred_at.is_null(False)
                                     & Note.deleted_at.is_null() & Note.state.in_(("open", "carried")))
                 .count())
        if stars >= MAX_STARS:
            raise Refused(409, _("いちばん話したいことは3つまでです。"))
        note.starred_at = utcnow()
    elif starred is False:
        note.starred_at = None
    for key, value in data.items():
        setattr(note, key, value)
    note.updated_at = utcnow()
    note.save()
    return note


def delete_note(note):
    """Take a note out of every list; a meeting's frozen copy stays in its record."""
    note.deleted_at = utcnow()
    note.starred_at = None
    note.save()


def restore_note(note_id, client):
    """Undo a deletion by the client who made it."""
    note = Note.get_or_none((Note.id == canonical_id(note_id)) & (Note.client == client.id)
                            & Note.deleted_at.is_null(False))
    if note is not None:
        note.deleted_at = None
        note.save()
    return note


def filtered(query, args):
    """Apply the list filters to a note query."""
    if args.get("kind"):
        query = query.where(Note.kind == args["kind"])
    if args.get("topic"):
        query = query.where(Note.topic == args["topic"])
    if args.get("state"):
        query = query.where(Note.state == args["state"])
    if args.get("month"):
        start, end = month_bounds(args["month"])
        query = query.where((Note.written_at >= start) & (Note.written_at < end))
    return query.order_by(Note.written_at.desc())
