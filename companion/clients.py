"""What staff see of a client, and the client's own log of who looked."""
from datetime import timedelta

from flask import Blueprint, render_template
from flask_login import current_user

from .access import client_or_404, log_access, notes_for, roles_required
from .models import STAFF, AccessLog, CheckIn, ClientProfile, Note, User, today

bp = Blueprint("clients", __name__)


@bp.get("/clients/<int:client_id>")
@roles_required(*STAFF)
def show(client_id):
    """A client's profile, shared notes and recent check-ins, read-only."""
    client = client_or_404(current_user, client_id)
    notes = notes_for(current_user, client).order_by(Note.written_at.desc()).limit(200)
    checkins = (CheckIn.select().where((CheckIn.client == client.id)
                                       & (CheckIn.day >= today() - timedelta(days=30)))
                .order_by(CheckIn.day.desc()))
    profile = ClientProfile.get_or_none(ClientProfile.user == client.id)
    log_access(current_user, client, "client_page")
    from .meetings.service import next_meeting, open_actions
    from .periods import support_period
    from .reports.service import summaries
    from .timeline import timeline
    period = timeline(support_period(profile.hire_date), today(), profile.certificate_valid_from,
                      profile.certificate_valid_to) if profile and profile.hire_date else None
    from .profiles.service import checklist
    return render_template("clients/show.html", client=client, notes=notes,
                           steps=checklist(client, profile),
                           checkins=checkins, profile=profile, meeting=next_meeting(client),
                           timeline=period, reports=summaries(client)[:12],
                           actions=open_actions(client),
                           this_month=today().strftime("%Y-%m"))


@bp.get("/settings/access-log")
@roles_required("client")
def access_log():
    """Who on the staff opened my notes, and when."""
    rows = (AccessLog.select(AccessLog, User).join(User, on=(AccessLog.actor == User.id))
            .where(AccessLog.client == current_user.id).order_by(AccessLog.at.desc()).limit(200))
    return render_template("clients/access_log.html", rows=rows)
