"""The client's screens: Home, Write and My notes, as plain forms that work without JavaScript."""
import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from peewee import fn

from ..access import note_or_404, roles_required, support_ended
from ..checkins import low_stretch, recent, todays
from ..clock import local, month_bounds
from ..errors import on_refusal
from ..fields import form_load
from ..labels import EXAMPLES
from ..meetings.service import next_meeting, open_actions
from ..models import NOTE_KINDS, ClientProfile, Note, Office, ReminderSetting, today
from .schemas import NoteSchema
from .service import create_note, delete_note, restore_note, update_note

bp = Blueprint("notes", __name__)


def client_home():
    """Home: the next meeting, the two big buttons and today's check-in (after the end of
    support: the way to the record instead)."""
    from ..profiles.service import checklist
    profile = ClientProfile.get_or_none(ClientProfile.user == current_user.id)
    return render_template("notes/home.html", checkin=todays(current_user),
                           ended=profile.support_ended_on if profile else None,
                           steps=checklist(current_user, profile),
                           reminder_offer=reminder_offer(current_user),
                           meeting=next_meeting(current_user), actions=open_actions(current_user),
                           today_iso=today().isoformat(),
                           low=low_stretch([c.mood for c in recent(current_user, 14)]))


def reminder_offer(user):
    """True once the client has saved a note and has never answered the reminder offer."""
    answered = ReminderSetting.select().where(
        (ReminderSetting.user == user.id) & ReminderSetting.offer_answered)
    return bool(Note.select(Note.id).where(
        (Note.client == user.id) & ~fn.EXISTS(answered)).limit(1).count())


def note_form(note=None):
    """The form's values from the request, else the note, else the defaults."""
    kind = request.args.get("kind")
    if note is not None:
        return {"id": note.id, "kind": note.kind, "topic": note.topic or "",
                "weight": note.weight or "small", "body": note.body,
                "visibility": note.visibility, "share_with_employer": note.share_with_employer}
    kind = kind if kind in NOTE_KINDS else "worry"
    # Home's 「すぐ相談したい」 opens Write with urgent already chosen.
    weight = "urgent" if kind == "worry" and request.args.get("weight") == "urgent" else "small"
    return {"id": str(uuid.uuid4()), "kind": kind, "topic": "", "weight": weight, "body": "",
            "visibility": "shared", "share_with_employer": kind == "for_employer"}


def posted_form():
    """What the person sent, to show again with the errors."""
    form = request.form
    return {"id": form.get("id", ""), "kind": form.get("kind", "worry"),
            "topic": form.get("topic", ""), "weight": form.get("weight", "small"),
            "body": form.get("body", ""),
            "visibility": "private" if form.get("private") == "on" else "shared",
            "share_with_employer": form.get("share_with_employer") == "on"}


def load_note_form(partial=False):
    """Validate the Write form with the API's schema.

    A browser sends every input, so some mean less than they say: the weight radios
    count only for a worry, 「えらばない」 clears the topic, and blank text is an error.
    """
    form = request.form.copy()
    form["share_with_employer"] = "true" if form.get("share_with_employer") == "on" else "false"
    form["visibility"] = "private" if form.get("private") == "on" else "shared"
    if form.get("kind") != "worry":
        form.pop("weight", None)
    data, errors = form_load(NoteSchema(partial=partial), form, keep_blank=("body",))
    if data is not None and partial and request.form.get("topic") == "":
        data["topic"] = None
    return data, errors


@bp.route("/notes/new", methods=["GET", "POST"])
@roles_required("client")
def write():
    """Write a note: kind preselected, text, optional topic and weight."""
    if support_ended(current_user.id):
        # Read-only after the end (a POST was refused before it came here).
        return render_template("notes/ended.html", ended=support_ended(current_user.id))
    if request.method == "POST":
        data, errors = load_note_form()
        if not errors:
            on_refusal(url_for(".write"))
            note, _created = create_note(current_user, data)
            if note.is_urgent:
                return redirect(url_for(".urgent", note_id=note.id))
            flash(_("保存しました。支援員との面談で使えます。"))
            return redirect(url_for("pages.home"))
        return render_template("notes/write.html", form=posted_form(), errors=errors,
                               examples=EXAMPLES, editing=False, phone=office_phone()), 422
    # The phone is on the page so that an urgent worry saved offline can still show it.
    return render_template("notes/write.html", form=note_form(), errors={},
                           examples=EXAMPLES, editing=False, phone=office_phone())


def office_phone():
    """The number the signed-in client calls when something can't wait."""
    profile = ClientProfile.get_or_none(ClientProfile.user == current_user.id)
    return (profile and profile.office_phone) or Office.get_by_id(current_user.office_id).phone


@bp.get("/notes/<note_id>/urgent")
@roles_required("client")
def urgent(note_id):
    """After an urgent worry: who to call, and that the supporter has been told."""
    note = note_or_404(current_user, note_id)
    return render_template("notes/urgent.html", note=note, phone=office_phone())


@bp.get("/notes")
@roles_required("client")
def index():
    """My notes, month by month, newest first."""
    stamps = (Note.select(Note.written_at).where((Note.client == current_user.id)
                                                 & Note.deleted_at.is_null()).tuples())
    months = {}
    for (written,) in stamps:
        key = local(written).strftime("%Y-%m")
        months[key] = months.get(key, 0) + 1
    months = sorted(months.items(), reverse=True)
    month = request.args.get("month")
    if month not in dict(months):
        month = months[0][0] if months else None
    notes = []
    if month:
        start, end = month_bounds(month)
        notes = (Note.select().where((Note.client == current_user.id) & Note.deleted_at.is_null()
                                     & (Note.written_at >= start) & (Note.written_at < end))
                 .order_by(Note.written_at.desc()))
    return render_template("notes/index.html", months=months, month=month, notes=notes,
                           deleted=session.pop("deleted_note", None))


@bp.route("/notes/<note_id>/edit", methods=["GET", "POST"])
@roles_required("client")
def edit(note_id):
    """Change a note's text, kind, topic or weight."""
    note = note_or_404(current_user, note_id)
    if request.method == "POST":
        data, errors = load_note_form(partial=True)
        if not errors:
            data.pop("id", None)
            on_refusal(url_for(".edit", note_id=note.id))  # employer sharing locked by a report
            update_note(note, data)
            flash(_("なおしました。"))
            return redirect(url_for(".index"))
        return render_template("notes/write.html", form=posted_form() | {"id": note.id},
                               errors=errors, examples=EXAMPLES, editing=True, note=note), 422
    return render_template("notes/write.html", form=note_form(note), errors={},
                           examples=EXAMPLES, editing=True, note=note)


@bp.post("/notes/<note_id>/toggle/<what>")
@roles_required("client")
def toggle(note_id, what):
    """Switch private/shared or employer sharing with one tap."""
    note = note_or_404(current_user, note_id)
    on_refusal(url_for(".index", month=request.form.get("month"), _anchor=f"note-{note.id}"))
    if what == "private":
        update_note(note, {"visibility": "shared" if note.visibility == "private" else "private"})
        flash(_("支援員に見せないメモにしました。") if note.visibility == "private"
              else _("支援員に見せるメモにしました。"))
    elif what == "employer":
        # Refused once the note is in a report the client approved.
        update_note(note, {"share_with_employer": not note.share_with_employer})
        flash(_("会社に伝えてもよいメモにしました。") if note.share_with_employer
              else _("会社には伝えないメモにしました。"))
    else:
        abort(404)
    return redirect(url_for(".index", month=request.form.get("month"), _anchor=f"note-{note.id}"))


@bp.route("/notes/<note_id>/delete", methods=["GET", "POST"])
@roles_required("client")
def delete(note_id):
    """Ask first, then delete; the next page offers to undo."""
    note = note_or_404(current_user, note_id)
    if request.method == "POST":
        delete_note(note)
        session["deleted_note"] = note.id
        return redirect(url_for(".index"))
    from ..reports.service import in_meeting_record
    return render_template("notes/delete.html", note=note,
                           in_record=note.state != "open" or in_meeting_record(note))


@bp.post("/notes/<note_id>/restore")
@roles_required("client")
def restore(note_id):
    """Undo the last deletion."""
    session.pop("deleted_note", None)
    if restore_note(note_id, current_user):
        flash(_("もとにもどしました。"))
    return redirect(url_for(".index"))
