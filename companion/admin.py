"""The manager's view of the office: the access log and the history of assignments."""
from flask import Blueprint, render_template, request
from flask_login import current_user
from peewee import JOIN

from .access import office_people, record_access, roles_required
from .clock import day_bounds
from .fields import form_load
from .models import AccessLog, Assignment, User
from .schemas import AccessLogQuerySchema

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE = 200


@bp.get("/access-log")
@roles_required("manager")
def access_log():
    """Who opened which client's data, filtered by person, client and dates (Japan time)."""
    Actor, Client = User.alias(), User.alias()
    query = (AccessLog.select(AccessLog, Actor, Client)
             .join(Actor, on=(AccessLog.actor == Actor.id))
             .switch(AccessLog).join(Client, on=(AccessLog.client == Client.id))
             .where(Client.office == current_user.office_id))
    args, errors = form_load(AccessLogQuerySchema(), request.args)
    if errors:
        args = {}
    start, end = args.get("from_"), args.get("to")
    if args.get("actor"):
        query = query.where(AccessLog.actor == args["actor"])
    if args.get("client"):
        query = query.where(AccessLog.client == args["client"])
    # Dates are days in Japan; the log is in UTC.
    if start:
        query = query.where(AccessLog.at >= day_bounds(start, start)[0])
    if end:
        query = query.where(AccessLog.at < day_bounds(end, end)[1])
    # A filter that can't be read shows nothing rather than everything.
    rows = [] if errors else list(query.order_by(AccessLog.at.desc()).limit(PAGE + 1))
    return render_template(
        "admin/access_log.html", rows=rows[:PAGE], more=len(rows) > PAGE,
        staff=office_people(current_user).where(User.role != "client"),
        clients=office_people(current_user, "client"),
        args=request.args, errors=errors), 422 if errors else 200


@bp.get("/assignments")
@roles_required("manager")
def assignments():
    """Every assignment of the office's clients, current and past."""
    Supporter = User.alias()
    rows = (Assignment.select(Assignment, User, Supporter)
            .join(User, on=(Assignment.client == User.id))
            .switch(Assignment).join(Supporter, JOIN.INNER, on=(Assignment.supporter == Supporter.id))
            .where(User.office == current_user.office_id)
            .order_by(User.display_name, Assignment.starts_on.desc()))
    return render_template("admin/assignments.html", rows=rows)


@bp.get("/requests")
@roles_required("manager")
def requests():
    """Clients who asked for another supporter: read here by the manager only."""
    from .profiles.service import office_requests
    waiting = office_requests(current_user)
    record_access([(current_user.id, r.client_id) for r in waiting], "supporter_request",
                  count=False)
    return render_template("admin/requests.html", requests=waiting)
