"""The client's side of the 作戦会議: preparing the agenda, and their meetings."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import note_or_404, roles_required
from ..errors import on_refusal
from ..fields import form_load
from ..models import Note
from ..notes.schemas import NoteSchema
from ..notes.service import update_note
from .agenda_view import agenda_for
from .service import next_meeting

bp = Blueprint("prepare", __name__)
CHOICE_FIELDS = ("agenda_choice", "starred")
KEPT_SHOWN = 10


@bp.get("/prepare")
@roles_required("client")
def prepare():
    """The agenda exactly as the supporter will see it, with the client's three choices."""
    meeting = next_meeting(current_user)
    agenda = agenda_for(current_user, meeting)
    kept = (Note.select().where(
        (Note.client == current_user.id) & Note.deleted_at.is_null()
        & (Note.visibility == "shared") & (Note.agenda_choice == "keep_private")
        & Note.state.in_(("open", "carried"))))
    # The newest few, oldest of them first; years of them would bury the page (all of them
    # when asked for, to raise an old one again).
    limit = None if request.args.get("kept") == "all" else KEPT_SHOWN
    shown = list(kept.order_by(Note.written_at.desc(), Note.id.desc())
                 .limit(limit + 1 if limit else None))
    more = kept.count() - limit if limit and len(shown) > limit else 0
    stars = len(agenda["sections"][0]["items"])
    return render_template("prepare/prepare.html", meeting=meeting, agenda=agenda,
                           kept=shown[:limit][::-1], more_kept=more, stars=stars)


@bp.post("/prepare/notes/<note_id>")
@roles_required("client")
def choose(note_id):
    """Star or unstar a note, or choose raise / keep private / sorted itself."""
    note = note_or_404(current_user, note_id)
    back = url_for(".prepare", _anchor=f"note-{note.id}")
    change, errors = form_load(NoteSchema(only=CHOICE_FIELDS, partial=True), request.form)
    if errors:
        flash(" ".join(errors.values()), "error")
        return redirect(back)
    if change.get("agenda_choice") == "keep_private":
        change["starred"] = False  # a note not raised can't be the top priority
    if change:
        on_refusal(back)  # a fourth star, or a meeting already under way
        update_note(note, change)
        flash(message(change))
    return redirect(back)


def message(change):
    """What just happened, in plain words."""
    if change.get("agenda_choice") == "keep_private":
        return _("今回は話さないことにしました。")
    if change.get("agenda_choice") == "sorted":
        return _("「できたこと」に入れました。")
    if change.get("agenda_choice") == "raise":
        return _("面談で話すことにしました。")
    if change.get("starred"):
        return _("★をつけました。いちばん先に話します。")
    return _("★をはずしました。")


@bp.get("/meetings")
@roles_required("client")
def mine():
    """My meetings: Home shows the next one, Records the past ones."""
    return redirect(url_for("reports.records"))
