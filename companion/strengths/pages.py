"""わたしの強みと配慮: the client's own page and sheet, the supporter's view with proposals,
and the hand-over the client approves line by line once support has ended."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import client_or_404, log_access, roles_required
from ..errors import Refused
from ..fields import form_load
from ..models import STAFF, ClientProfile, HandOver, Office
from ..periods import support_period
from . import core, service
from .schemas import (
    ChangeSchema,
    DecideSchema,
    EntrySchema,
    ProposalSchema,
    SheetQuerySchema,
    SuggestionSchema,
)

bp = Blueprint("strengths", __name__)


@bp.app_context_processor
def _hand_over():
    def hand_over_of_mine():
        """Whether the signed-in client has a hand-over to look at (read only when asked)."""
        return (current_user.is_authenticated and current_user.role == "client"
                and HandOver.select().where(HandOver.client == current_user.id).exists())
    return {"hand_over_of_mine": hand_over_of_mine}


def loaded(schema, keep=(), source=None):
    """The form (or the query: source) as schema loads it; a refusal (422) names what to mend."""
    data, errors = form_load(schema, request.form if source is None else source, keep_blank=keep)
    if errors:
        raise Refused(422, fields={k: [v] for k, v in errors.items()})
    return data


def mine_page(errors=None, status=200):
    return render_template("strengths/mine.html", **service.page(current_user),
                           errors=errors or {}, form=request.form if errors else {}), status


@bp.get("/my-strengths")
@roles_required("client")
def mine():
    """わたしの強みと配慮: my entries, the ones proposed to me, and what the app suggests."""
    return mine_page()


@bp.post("/my-strengths")
@roles_required("client")
def add():
    """An entry of my own, in my words: on the page at once."""
    data, errors = form_load(EntrySchema(), request.form, keep_blank=("text",))
    if errors:
        return mine_page(errors, 422)
    service.add(current_user, data)
    flash(_("のせました。"))
    return redirect(url_for(".mine", _anchor="part-" + data["part"]))


@bp.post("/my-strengths/suggestions")
@roles_required("client")
def suggestion():
    """Take a suggestion (as it is, or as I changed it), or turn it down."""
    data = loaded(SuggestionSchema())
    entry = service.take_suggestion(current_user, data)
    flash(_("のせました。") if entry.state == "accepted" else _("のせないことにしました。"))
    return redirect(url_for(".mine", _anchor="suggestions"))


@bp.post("/my-strengths/<int:entry_id>")
@roles_required("client")
def change(entry_id):
    """Yes or no to a proposal; or change, share or remove an entry of mine."""
    data = loaded(ChangeSchema(), keep=("text",))
    entry = service.change(current_user, entry_id, data)
    flash({"accept": _("のせました。"), "decline": _("のせないことにしました。"),
           "save": _("保存しました。"), "remove": _("ページから外しました。")}[data["action"]])
    return redirect(url_for(".mine", _anchor=f"part-{entry.part}"))


def sheet(client, which):
    entries = service.entries(client)
    shown = (core.for_employer(entries) if which == "employer"
             else [{"part": e.part, "text": e.text} for e in core.on_page(entries)])
    profile = ClientProfile.get_or_none(ClientProfile.user == client.id)
    return render_template("strengths/sheet.html", client=client, entries=shown, which=which,
                           profile=profile, office=Office.get_or_none(Office.id == client.office_id))


def which():
    return loaded(SheetQuerySchema(), source=request.args)["which"]


@bp.get("/my-strengths/sheet")
@roles_required("client")
def my_sheet():
    """The A4 sheet: for the employer (only what I marked), or all of it for me."""
    return sheet(current_user, which())


# --- the supporter's view -----------------------------------------------------------------

@bp.get("/clients/<int:client_id>/strengths")
@roles_required(*STAFF)
def staff_page(client_id):
    """The client's entries as they agreed to them, and the proposals still waiting."""
    client = client_or_404(current_user, client_id)
    log_access(current_user, client, "strengths")
    found = service.page(client, suggest=False)
    return render_template("strengths/staff.html", client=client, entries=found["entries"],
                           proposals=found["proposals"], errors={}, form={})


@bp.post("/clients/<int:client_id>/strengths")
@roles_required(*STAFF)
def propose(client_id):
    """Propose an entry: the client sees it and decides."""
    client = client_or_404(current_user, client_id)
    data = loaded(ProposalSchema(), keep=("text",))
    service.propose(current_user, client, data)
    flash(_("本人に提案しました。本人が「のせる」をえらぶと、ページにのります。"))
    return redirect(url_for(".staff_page", client_id=client.id, _anchor="proposals"))


@bp.get("/clients/<int:client_id>/strengths/sheet")
@roles_required(*STAFF)
def staff_sheet(client_id):
    """The sheet for the employer, with only what the client marked."""
    client = client_or_404(current_user, client_id)
    log_access(current_user, client, "strengths")
    return sheet(client, "employer")


# --- the hand-over ------------------------------------------------------------------------

def period_of(client):
    profile = ClientProfile.get_or_none(ClientProfile.user == client.id)
    return support_period(profile.hire_date) if profile and profile.hire_date else None


@bp.get("/my-handover")
@roles_required("client")
def my_handover():
    """The hand-over drafted when my support ended: I choose, line by line, what is passed on."""
    hand_over = service.handover_of(current_user)
    if hand_over is None:
        raise Refused(404)
    return render_template("strengths/handover.html", client=current_user, hand_over=hand_over)


@bp.post("/my-handover/items/<int:item_id>")
@roles_required("client")
def decide(item_id):
    data = loaded(DecideSchema())
    service.decide(current_user, item_id, data["passed"] == "1")
    return redirect(url_for(".my_handover", _anchor=f"line-{item_id}"))


@bp.post("/my-handover/approve")
@roles_required("client")
def approve():
    """I approve the hand-over as I decided it: now it can be printed for the next place."""
    service.approve_handover(current_user)
    flash(_("承認しました。印刷して、次の支援先にわたせます。"))
    return redirect(url_for(".my_handover"))


def printed(client):
    hand_over = service.printable_handover(client)
    return render_template("strengths/handover_print.html", client=client, hand_over=hand_over,
                           office=Office.get_or_none(Office.id == client.office_id))


@bp.get("/my-handover/print")
@roles_required("client")
def my_handover_print():
    """The approved hand-over, only the lines I passed on, as an A4 document."""
    return printed(current_user)


@bp.get("/clients/<int:client_id>/handover")
@roles_required(*STAFF)
def staff_handover(client_id):
    """The office's view: where the client is with it, and once approved the document."""
    client = client_or_404(current_user, client_id)
    log_access(current_user, client, "hand_over")
    hand_over = service.handover_of(client)
    if hand_over is not None and hand_over.approved_at is not None:
        return printed(client)
    return render_template("strengths/handover_staff.html", client=client, hand_over=hand_over)
