"""Today's condition (今日の調子): one check-in per client per day."""
import re
from datetime import date, timedelta

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from . import labels
from .access import log_access, requested_client, roles_required
from .api import load
from .errors import Refused
from .fields import form_load
from .models import CheckIn, today, utcnow
from .openapi import doc
from .schemas import CheckInQuerySchema, CheckInSchema

bp = Blueprint("checkins", __name__)
api_bp = Blueprint("checkins", __name__)  # its API, under /api/v1
SCALES = ("mood", "body", "sleep")


def save_checkin(client, day, data):
    """Create or update the client's check-in for day with the values given."""
    values = {getattr(CheckIn, k): v for k, v in data.items() if k in (*SCALES, "comment")}
    values[CheckIn.updated_at] = utcnow()
    # One statement, so two taps at the same moment (or two app processes) can't both insert.
    (CheckIn.insert({CheckIn.client: client.id, CheckIn.day: day, **values})
     .on_conflict(conflict_target=[CheckIn.client, CheckIn.day], update=values).execute())
    return CheckIn.get((CheckIn.client == client.id) & (CheckIn.day == day))


def parse_day(text):
    """A YYYY-MM-DD path segment as a date, not in the future; else 404."""
    # date.fromisoformat also takes 20250501 and 2025-W18-4: only the one form is a day's URL.
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise Refused(404)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Refused(404)
    if day > today() + timedelta(days=1):
        raise Refused(422, fields={"day": [_("未来の日には記録できません。")]})
    return day


@api_bp.put("/checkins/<day>")
@doc("Record the check-in of a day", body=CheckInSchema, response=CheckInSchema)
@roles_required("client")
def put_checkin(day):
    """Record (or change) the check-in of one day."""
    checkin = save_checkin(current_user, parse_day(day), load(CheckInSchema()))
    return jsonify(CheckInSchema().dump(checkin))


@api_bp.get("/checkins")
@doc("Check-ins in a date range", query=CheckInQuerySchema, response=CheckInSchema, many=True)
@roles_required("client", "supporter", "manager")
def list_checkins():
    """Check-ins in a date range (the last 31 days by default)."""
    args = load(CheckInQuerySchema(), request.args.to_dict())
    client = requested_client(current_user, args)
    end = args.get("to") or today()
    start = args.get("from_") or end - timedelta(days=30)
    rows = (CheckIn.select().where((CheckIn.client == client.id) & (CheckIn.day >= start)
                                   & (CheckIn.day <= end)).order_by(CheckIn.day))
    log_access(current_user, client, "checkins")
    return jsonify(CheckInSchema(many=True).dump(list(rows)))


@bp.post("/checkin")
@roles_required("client")
def tap():
    """A tap on Home saves today's value at once; works without JavaScript."""
    data, errors = form_load(CheckInSchema(), request.form)
    if errors:
        flash(" ".join(errors.values()), "error")
    else:
        save_checkin(current_user, today(), data)
    return redirect(url_for("pages.home", _anchor="checkin"))


LOW = 2       # a level of 1 or 2 is a hard day
STRETCH = 3   # this many hard days in a row, among the days logged, is a stretch


def low_stretch(moods):
    """True when the last STRETCH logged moods (oldest first, None for unlogged) are all hard."""
    logged = [m for m in moods if m is not None]
    return len(logged) >= STRETCH and all(m <= LOW for m in logged[-STRETCH:])


def recent(client, days=30):
    """The client's check-ins of the last `days` days (Japan), oldest first."""
    start = today() - timedelta(days=days - 1)
    return list(CheckIn.select().where((CheckIn.client == client.id) & (CheckIn.day >= start))
                .order_by(CheckIn.day))


def in_words(rows):
    """Per scale, how many logged days were hard (1-2), so-so (3) and good (4-5)."""
    counts = {}
    for scale in ("mood", "body", "sleep"):
        values = [getattr(r, scale) for r in rows if getattr(r, scale) is not None]
        counts[scale] = {"hard": sum(v <= LOW for v in values), "middle": values.count(3),
                         "good": sum(v >= 4 for v in values), "days": len(values)}
    return counts


@bp.get("/checkin")
@roles_required("client")
def days():
    """The client's own last 30 days: in words and as the chart the meeting shows."""
    rows = recent(current_user)
    end = today()
    start = end - timedelta(days=29)
    scales = [{"name": scale, "label": str(labels.SCALES[scale]), "mean": None,
               "previous_mean": None, "days_logged": sum(getattr(r, scale) is not None for r in rows),
               "series": [{"day": r.day, "value": getattr(r, scale)} for r in rows
                          if getattr(r, scale) is not None]}
              for scale in ("mood", "body", "sleep")]
    return render_template("notes/checkin_days.html", rows=rows, counts=in_words(rows),
                           scales=scales, first_day=start, last_day=end,
                           low=low_stretch([r.mood for r in rows]))


def todays(client):
    """The client's check-in for today, or None."""
    return CheckIn.get_or_none((CheckIn.client == client.id) & (CheckIn.day == today()))
