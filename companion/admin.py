"""The manager's view of the office: the access log and the history of assignments."""
from datetime import datetime

from flask import Blueprint, render_template, request
from flask_login import current_user
from peewee import JOIN

from .access import roles_required, small_id
from .clock import day_bounds
from .models import AccessLog, Assignment, User

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE = 200


def office_people(role=None):
    """People of the manager's office, optionally of one role."""
    query = User.select().where(User.office == current_user.office_id)
    if role:
        query = query.where(User.role == role)
    return query.order_by(User.display_name)


def parse_day(name):
    """A YYYY-MM-DD query argument as a date, or None when absent or malformed."""
    try:
        day = datetime.strptime(request.args.get(name, ""), "%Y-%m-%d")
    except ValueError:
        return None
    # Outside these years the day arithmetic would overflow; no log is that old or new.
    return day if 2000 <= day.year <= 2100 else None


@bp.get("/access-log")
@roles_required("manager")
def access_log():
    """Who opened which client's data, filtered by person, client and dates (Japan time)."""
    Actor, Client = User.alias(), User.alias()
    query = (AccessLog.select(AccessLog, Actor, Client)
             .join(Actor, on=(AccessLog.actor == Actor.id))
             .switch(AccessLog).join(Client, on=(AccessLog.client == Client.id))
             .where(Client.office == current_user.office_id))
    actor_id = small_id(request.args.get("actor"))
    client_id = small_id(request.args.get("client"))
    start, end = parse_day("from"), parse_day("to")
    if actor_id:
        query = query.where(AccessLog.actor == actor_id)
    if client_id:
        query = query.where(AccessLog.client == client_id)
    # Dates are days in Japan; the log is in UTC.
    if start:
        query = query.where(AccessLog.at >= day_bounds(start, start)[0])
    if end:
        query = query.where(AccessLog.at < day_bounds(end, end)[1])
    rows = list(query.order_by(AccessLog.at.desc()).limit(PAGE + 1))
    return render_template(
        "admin/access_log.html", rows=rows[:PAGE], more=len(rows) > PAGE,
        staff=office_people().where(User.role != "client"), clients=office_people("client"),
        args=request.args)


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
