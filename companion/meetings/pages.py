"""The supporter's screens: caseload, a client's meetings, and the meeting page itself."""
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import labels
from ..access import (
    action_item_or_404, agenda_item_or_404, client_or_404, log_access, meeting_or_404,
    roles_required,
)
from ..agenda import carried_statuses
from ..chart import condition_chart, daily_rows
from ..clock import local, to_utc
from ..errors import on_refusal
from ..fields import form_load
from ..models import STAFF, Meeting, today, utcnow
from . import service
from .agenda_view import agenda_for
from .schemas import (
    ActionItemSchema, AgendaItemChangeSchema, MeetingChangeSchema, MeetingFormSchema,
    TalkingPointSchema,
)

bp = Blueprint("meetings", __name__)


@bp.record_once
def _labels(state):
    """The meeting words every template may use."""
    state.app.jinja_env.globals.update(
        MODES=labels.MODES, MEETING_STATES=labels.MEETING_STATES, ITEM_STATUSES=labels.ITEM_STATUSES,
        ACTION_STATUSES=labels.ACTION_STATUSES, STATUS_LABELS=labels.STATUS_LABELS,
        OWNERS=labels.OWNERS, japan_today=today, carried_statuses=carried_statuses, condition_chart=condition_chart, daily_rows=daily_rows)


def caseload_page():
    """The supporter's start page: their clients, most in need of attention first."""
    from ..caseload import caseload_page as flagged
    return flagged()


@bp.get("/caseload")
@roles_required(*STAFF)
def caseload():
    """The caseload, for managers too (their whole office)."""
    return caseload_page()


def schedule_form(meeting=None):
    """The schedule form's values: the meeting's, or next week at 10:00."""
    if meeting is None:
        return {"date": (today() + timedelta(days=7)).isoformat(),
                "time": "10:00", "mode": "in_person"}
    moment = local(meeting.scheduled_at)
    return {"date": moment.date().isoformat(), "time": moment.strftime("%H:%M"),
            "mode": meeting.mode}


@bp.route("/clients/<int:client_id>/meetings", methods=["GET", "POST"])
@roles_required(*STAFF)
def client_meetings(client_id):
    """A client's meetings, and the form that schedules the next one."""
    client = client_or_404(current_user, client_id)
    log_access(current_user, client, "meeting")
    form, errors, status = schedule_form(), {}, 200
    if request.method == "POST":
        data, errors = form_load(MeetingFormSchema(), request.form)
        if not errors:
            meeting = service.schedule(current_user, client, to_utc(data["date"], data["time"]),
                                        data["mode"])
            flash(_("面談の予定を入れました。"))
            return redirect(url_for(".show", meeting_id=meeting.id))
        form, status = request.form.to_dict(), 422
    rows = Meeting.select().where(Meeting.client == client.id).order_by(Meeting.scheduled_at.desc())
    return render_template("meetings/client_meetings.html", client=client, meetings=rows,
                           form=form, errors=errors), status


def render_meeting(meeting, status=200, errors=None, form=None):
    """The meeting page: the agenda (live or frozen), actions, summary and the controls."""
    agenda = agenda_for(meeting.client, meeting)
    log_access(current_user, meeting.client, "meeting", meeting.id)
    staff = current_user.role in STAFF
    if meeting.state == "in_progress" and staff:
        mode = "running"
    elif meeting.state in ("in_progress", "closed"):
        mode = "record"
    else:
        mode = "live"
    actions = service.actions_of(meeting)
    items = [i for s in agenda["sections"] for i in s["items"]]
    return render_template(
        "meetings/show.html", meeting=meeting, client=meeting.client, agenda=agenda, mode=mode,
        staff=staff, actions=actions, errors=errors or {}, form=form or {},
        untouched=mode == "running" and service.untouched(meeting),
        linked=service.decided_from(meeting, actions) if not agenda["live"] else {},
        item_texts={i["id"]: i["text"] for i in items if i["id"]},
        pending=[i for i in items if i["status"] == "pending"], total=len(items),
        carry=[i for i in items if not i["system_code"]
               and i["status"] in carried_statuses(i["ref_type"])],
        elapsed=int((utcnow() - meeting.started_at).total_seconds() // 60)
        if meeting.started_at else 0), status


@bp.get("/meetings/<int:meeting_id>")
@roles_required("client", *STAFF)
def show(meeting_id):
    """The meeting page; the client reads it, staff run it."""
    return render_meeting(meeting_or_404(current_user, meeting_id))


def back(meeting, anchor=None):
    """Post/redirect/get back to the meeting page."""
    return redirect(url_for(".show", meeting_id=meeting.id, _anchor=anchor))


def attempt(meeting, change, done, anchor=None):
    """Make a change; a refusal (409) comes back to the meeting page as a message."""
    on_refusal(url_for(".show", meeting_id=meeting.id, _anchor=anchor))
    change()
    flash(done)
    return back(meeting, anchor)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(meeting_id):
    """Move a meeting to another day, time or way of meeting."""
    meeting = meeting_or_404(current_user, meeting_id)
    log_access(current_user, meeting.client, "meeting", meeting.id)
    form, errors, status = schedule_form(meeting), {}, 200
    if request.method == "POST":
        data, errors = form_load(MeetingFormSchema(), request.form)
        if not errors:
            change = {"scheduled_at": to_utc(data["date"], data["time"]), "mode": data["mode"]}
            return attempt(meeting, lambda: service.change(meeting, change),
                           _("面談の日時を変えました。"))
        form, status = request.form.to_dict(), 422
    return render_template("meetings/edit.html", meeting=meeting, form=form,
                           errors=errors), status


@bp.post("/meetings/<int:meeting_id>/cancel")
@roles_required(*STAFF)
def cancel(meeting_id):
    """Call the meeting off."""
    meeting = meeting_or_404(current_user, meeting_id)
    return attempt(meeting, lambda: service.cancel(meeting), _("面談を中止にしました。"))


@bp.post("/meetings/<int:meeting_id>/start")
@roles_required(*STAFF)
def start(meeting_id):
    """Freeze the agenda and begin; before the scheduled day, ask first."""
    meeting = meeting_or_404(current_user, meeting_id)
    early = meeting.state == "scheduled" and service.is_early(meeting)
    if early and request.form.get("confirm_early") != "1":
        log_access(current_user, meeting.client, "meeting", meeting.id)
        return render_template("meetings/confirm_start.html", meeting=meeting,
                               client=meeting.client)
    return attempt(meeting, lambda: service.start(meeting, current_user, early=early),
                   _("面談を始めました。話すことリストを固定しました。"))


@bp.post("/meetings/<int:meeting_id>/unstart")
@roles_required(*STAFF)
def unstart(meeting_id):
    """Put a meeting started by mistake back to scheduled."""
    meeting = meeting_or_404(current_user, meeting_id)
    return attempt(meeting, lambda: service.unstart(meeting),
                   _("面談を予定にもどしました。話すことリストは、また変わるようになりました。"))


@bp.post("/actions/<int:action_id>")
@roles_required(*STAFF)
def change_action(action_id):
    """Change an action's words in its meeting, or take it back (delete)."""
    action = action_item_or_404(current_user, action_id)
    meeting = meeting_or_404(current_user, action.meeting_id) if action.meeting_id else None
    if meeting is None:
        abort(404)
    if request.form.get("delete") == "1":
        return attempt(meeting, lambda: service.delete_action(action),
                       _("やることを消しました。"), "actions")
    data, errors = form_load(ActionItemSchema(), request.form)
    if errors:
        flash(" ".join(errors.values()), "error")
        return back(meeting, f"action-{action.id}")
    return attempt(meeting, lambda: service.edit_action(action, data),
                   _("やることをなおしました。"), f"action-{action.id}")


@bp.post("/actions/<int:action_id>/done")
@roles_required("client", *STAFF)
def tick_action(action_id):
    """できた (or not yet) between meetings: from the client's Home or the client page."""
    action = action_item_or_404(current_user, action_id)
    done = request.form.get("done") == "1"
    back_to = (url_for("pages.home", _anchor="actions") if current_user.role == "client"
               else url_for("clients.show", client_id=action.client_id, _anchor="actions"))
    on_refusal(back_to)
    service.tick_action(action, done, by_client=current_user.role == "client")
    flash(_("「できた」にしました。") if done else _("「まだ」にもどしました。"))
    return redirect(back_to)


@bp.post("/agenda-items/<int:item_id>")
@roles_required(*STAFF)
def record_item(item_id):
    """Save one item's status and outcome."""
    item = agenda_item_or_404(current_user, item_id)
    data, errors = form_load(AgendaItemChangeSchema(), request.form)
    if errors:
        flash(" ".join(errors.values()), "error")
        return back(item.meeting, f"item-{item.id}")
    if "outcome" not in data:
        data["outcome"] = ""  # an emptied box clears the outcome
    return attempt(item.meeting, lambda: service.record(item, data), _("保存しました。"),
                   f"item-{item.id}")


@bp.post("/meetings/<int:meeting_id>/actions")
@roles_required(*STAFF)
def add_action(meeting_id):
    """Add a 次までにやること."""
    meeting = meeting_or_404(current_user, meeting_id)
    data, errors = form_load(ActionItemSchema(), request.form)
    if errors:
        return render_meeting(meeting, 422, {"action_" + k: v for k, v in errors.items()},
                              request.form.to_dict())
    return attempt(meeting, lambda: service.add_action(meeting, data),
                   _("次までにやることを足しました。"), "actions")


@bp.post("/meetings/<int:meeting_id>/points")
@roles_required(*STAFF)
def add_point(meeting_id):
    """Add a supporter's talking point."""
    meeting = meeting_or_404(current_user, meeting_id)
    data, errors = form_load(TalkingPointSchema(), request.form)
    if errors:
        return render_meeting(meeting, 422, {"point_" + k: v for k, v in errors.items()},
                              request.form.to_dict())
    return attempt(meeting, lambda: service.add_point(meeting, current_user, data["text"],
                                                               data.get("from_item_id")),
                   _("話したいことを足しました。"), "section-supporter_points")


@bp.post("/meetings/<int:meeting_id>/summary")
@roles_required(*STAFF)
def summary(meeting_id):
    """Save the supporter's summary."""
    meeting = meeting_or_404(current_user, meeting_id)
    data, errors = form_load(MeetingChangeSchema(only=("summary",)), request.form)
    if errors:
        return render_meeting(meeting, 422, {"summary": errors.get("summary", "")},
                              request.form.to_dict())
    change = {"summary": data.get("summary", "")}
    return attempt(meeting, lambda: service.change(meeting, change), _("まとめを保存しました。"),
                   "summary")


@bp.post("/meetings/<int:meeting_id>/close")
@roles_required(*STAFF)
def close(meeting_id):
    """Close the meeting: what is left carries over to the next one."""
    meeting = meeting_or_404(current_user, meeting_id)
    return attempt(meeting, lambda: service.close(meeting),
                   _("面談を終えました。残ったことは次の面談にもちこします。"))
