"""The notes API: list, create (idempotent by id), read, change and delete."""
from flask import Blueprint, jsonify, request
from flask_login import current_user

from ..access import log_access, note_or_404, notes_for, requested_client, roles_required
from ..api import load
from ..openapi import doc
from .schemas import NoteQuerySchema, NoteSchema
from .service import create_note, delete_note, filtered, update_note

bp = Blueprint("notes", __name__)


def dump(note):
    """A note as JSON, with the client's id."""
    return NoteSchema().dump(note) | {"starred": note.starred_at is not None}


@bp.get("/notes")
@doc("List notes", query=NoteQuerySchema, response=NoteSchema, many=True)
@roles_required("client", "supporter", "manager")
def list_notes():
    """Notes of oneself, or the shared notes of a client one supports."""
    args = load(NoteQuerySchema(), request.args.to_dict())
    client = requested_client(current_user, args)
    notes = list(filtered(notes_for(current_user, client), args))
    log_access(current_user, client, "notes")
    return jsonify([dump(n) for n in notes])


@bp.post("/notes")
@doc("Create a note (idempotent by id)", body=NoteSchema, response=NoteSchema, status=201)
@roles_required("client")
def create():
    """Create a note; the same id and content again answers 200 and stores nothing new."""
    data = load(NoteSchema(partial=("starred", "agenda_choice")))
    note, created = create_note(current_user, data)
    return jsonify(dump(note)), 201 if created else 200


@bp.get("/notes/<note_id>")
@doc("Read a note", response=NoteSchema)
@roles_required("client", "supporter", "manager")
def read(note_id):
    """One note."""
    note = note_or_404(current_user, note_id)
    log_access(current_user, note.client, "note", note.id)
    return jsonify(dump(note))


@bp.patch("/notes/<note_id>")
@doc("Change a note", body=NoteSchema(partial=True), response=NoteSchema)
@roles_required("client")
def update(note_id):
    """Change one's own note."""
    note = note_or_404(current_user, note_id)
    data = load(NoteSchema(partial=True))
    return jsonify(dump(update_note(note, data)))


@bp.delete("/notes/<note_id>")
@doc("Delete a note", status=204, empty=True)
@roles_required("client")
def delete(note_id):
    """Delete one's own note."""
    delete_note(note_or_404(current_user, note_id))
    return "", 204

