"""The manager's view of the office: the access log, the history of assignments, wishes
for another supporter and the 就労定着率."""
import csv
import io
from fractions import Fraction

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from peewee import JOIN

from . import settle_rate
from .access import office_people, record_access, roles_required
from .clock import day_bounds
from .db import database
from .fields import form_load
from .models import AccessLog, Assignment, ClientProfile, RateTier, User, today, utcnow
from .schemas import AccessLogQuerySchema, RateTiersSchema

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


# --- the office's 就労定着率 ---------------------------------------------------------------

def rate_people(office_id):
    """The office's clients with a hire date, as settle_rate.Person: two queries."""
    from .periods import support_period
    rows = (ClientProfile.select(ClientProfile, User)
            .join(User, on=(ClientProfile.user == User.id), attr="person")
            .where((User.office == office_id) & (User.role == "client")
                   & ClientProfile.hire_date.is_null(False)))
    people = []
    for profile in rows:
        period = support_period(profile.hire_date)
        until = min(profile.support_ended_on or period.end, period.end)
        people.append(settle_rate.Person(profile.user_id, profile.person.display_name,
                                         period.start, until, profile.left_job_on))
    return people


def tiers():
    return [settle_rate.Tier(Fraction(t.lower_permille, 1000), t.label)
            for t in RateTier.select().order_by(RateTier.position)]


def office_rates():
    found = settle_rate.office_rates(rate_people(current_user.office_id), today(), tiers())
    # The page lists who counts: each listed client once a day in their access log.
    listed = {c.person.id for r in (found["official"], found["projection"]) for c in r.counted}
    record_access([(current_user.id, client_id) for client_id in sorted(listed)],
                  "settle_rate", count=False)
    return found


@bp.get("/settle-rate")
@roles_required("manager")
def settle_rate_page():
    """The 就労定着率: the figure that counts, its tier, this year's projection, the trend."""
    return render_template("admin/settle_rate.html", rates=office_rates(),
                           tiers=RateTier.select().order_by(RateTier.position), errors={})


@bp.get("/settle-rate.csv")
@roles_required("manager")
def settle_rate_csv():
    """The same figures for the office's paperwork: the years, then who counted."""
    from .export import cell
    rates = office_rates()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("年度"), _("期間のはじめ"), _("期間のおわり"), _("数えた日"), _("利用者数"),
                     _("定着者数"), _("就労定着率(%)"), _("区分"), _("見込み")])
    for r in rates["trend"] + [rates["projection"]]:
        writer.writerow([cell(v) for v in (
            r.fiscal_year, r.window[0], r.window[1], r.as_of, r.users, r.in_work,
            percent(r.share), r.tier.label if r.tier else "", _("見込み") if r.projection else "")])
    writer.writerow([])
    writer.writerow([_("年度"), _("名前"), _("利用のはじめ"), _("利用のおわり"), _("仕事をやめた日"),
                     _("定着")])
    for r in (rates["official"], rates["projection"]):
        for c in r.counted:
            writer.writerow([cell(v) for v in (
                r.fiscal_year, c.person.name, c.person.used_from, c.person.used_until,
                c.person.left_job_on, _("はい") if c.in_work else _("いいえ"))])
    name = f"settle-rate-{today().isoformat()}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


def percent(share):
    """A share as a percentage with one decimal, or blank."""
    return "" if share is None else f"{float(share) * 100:.1f}"


@bp.post("/settle-rate/tiers")
@roles_required("manager")
def save_tiers():
    """Correct the tiers when the rules change: each a lower bound (%) and a label."""
    rows = list(RateTier.select().order_by(RateTier.position))
    data, errors = form_load(RateTiersSchema(len(rows)), request.form)
    if errors:
        return render_template("admin/settle_rate.html", rates=office_rates(), tiers=rows,
                               errors=errors, form=request.form), 422
    with database.atomic():
        for row, (lower, label) in zip(rows, zip(data["lower"], data["label"])):
            row.lower_permille, row.label, row.updated_at = round(lower * 10), label, utcnow()
            row.save()
    flash(_("区分の表を保存しました。"))
    return redirect(url_for(".settle_rate_page"))
