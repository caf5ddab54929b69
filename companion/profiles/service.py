"""The profile's life over three years, every change kept with who, when, before and after.

Rules where the issue is silent:
- A correction (修正) changes the profile as it is; a job change (転職) keeps the earlier
  job as an `Employment` row and moves the current one on. The support period always
  counts from the first hire date (Q8), which only a correction changes.
- Leaving the job (離職) ends support on that day, with reason `left_job`.
- An end is recorded for a day that has come (today or before), not ahead of time. From
  then on the record is read-only (`access.refuse_if_ended`). Meetings still scheduled
  are cancelled, so no reminder calls the client to a meeting that will not happen.
- A manager may take back an end recorded by mistake; that is in the history too.
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from peewee import JOIN

from ..access import log_access
from ..clock import japan_day
from ..db import database, insert_rows
from ..errors import Refused
from ..models import (
    ClientProfile,
    Employment,
    Meeting,
    ProfileChange,
    StepCheck,
    SupporterRequest,
    User,
    today,
    utcnow,
)
from ..periods import (
    certificate_late,
    checklist_applies,
    support_period,
    transition_checklist,
)
from ..strengths.service import draft_handover
from .schemas import PROFILE_DATES, PROFILE_TEXT

EDITABLE = PROFILE_DATES[:1] + PROFILE_TEXT[:2] + PROFILE_DATES[1:] + PROFILE_TEXT[2:]


def profile_of(client):
    """The client's profile row (made empty if an older account has none)."""
    return ClientProfile.get_or_none(ClientProfile.user == client.id) or ClientProfile.create(
        user=client.id)


def as_text(value):
    """A profile value as the history keeps it."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def record(actor, client, event, changes):
    """Write the history rows for [(field, before, after)] and the access log's row."""
    now = utcnow()
    rows = [{"client": client.id, "actor": actor.id, "event": event, "field": field,
             "before": as_text(before), "after": as_text(after), "at": now}
            for field, before, after in changes]
    if rows:
        insert_rows(ProfileChange, rows)
        log_access(actor, client, "profile_change")


def first_day_of_current_job(profile):
    return profile.employer_since or profile.hire_date


def edit(actor, client, data):
    """Correct the profile; only what changed is written, each field a history row."""
    with database.atomic():
        profile = profile_of(client)
        changes = [(f, getattr(profile, f), data.get(f)) for f in EDITABLE
                   if as_text(getattr(profile, f)) != as_text(data.get(f))]
        for field, _before, after in changes:
            setattr(profile, field, after if after is not None or field in PROFILE_DATES else "")
        profile.save()
        first_job = Employment.select().where(Employment.client == client.id).order_by(
            Employment.ends_on).first()
        if first_job and "hire_date" in data and first_job.starts_on != data["hire_date"]:
            # The first job begins on the first hire date, whichever it is corrected to.
            if data["hire_date"] and data["hire_date"] > first_job.ends_on:
                raise Refused(422, fields={"hire_date": [_(
                    "はじめの仕事が終わった日(%(day)s)より前にしてください。",
                    day=first_job.ends_on.isoformat())]})
            first_job.starts_on = data["hire_date"]
            first_job.save()
        record(actor, client, "edit", changes)
    return [field for field, _b, _a in changes]


def change_job(actor, client, data):
    """A new employer from a day on; the job until then becomes an earlier one."""
    with database.atomic():
        profile = profile_of(client)
        since = first_day_of_current_job(profile)  # JobChangeSchema keeps the new day after it
        Employment.create(client=client.id, employer_name=profile.employer_name,
                          job_title=profile.job_title, starts_on=since,
                          ends_on=date.fromordinal(data["starts_on"].toordinal() - 1))
        changes = [("employer_name", profile.employer_name, data["employer_name"]),
                   ("job_title", profile.job_title, data.get("job_title", "")),
                   ("employer_since", profile.employer_since, data["starts_on"])]
        profile.employer_name = data["employer_name"]
        profile.job_title = data.get("job_title", "")
        profile.employer_since = data["starts_on"]
        profile.save()
        record(actor, client, "job_change", changes)


def _check_no_meeting_running(profile):
    if Meeting.select().where((Meeting.client == profile.user_id)
                              & (Meeting.state == "in_progress")).exists():
        raise Refused(409, _("面談中です。面談を終えてから、記録してください。"))


def _end(profile, day, reason, note, changes):
    """Close the record: the end's fields, and the meetings still ahead cancelled."""
    changes += [("support_ended_on", profile.support_ended_on, day),
                ("support_end_reason", profile.support_end_reason, reason),
                ("support_end_note", profile.support_end_note, note)]
    profile.support_ended_on, profile.support_end_reason = day, reason
    profile.support_end_note = note
    profile.save()
    Meeting.update(state="cancelled", cancelled_at=utcnow(), updated_at=utcnow(),
                   sequence=Meeting.sequence + 1).where(
        (Meeting.client == profile.user_id) & (Meeting.state == "scheduled")).execute()


def leave_job(actor, client, data):
    """離職: the day and why; support ends with it."""
    with database.atomic():
        profile = profile_of(client)
        _check_no_meeting_running(profile)
        changes = [("left_job_on", profile.left_job_on, data["left_on"]),
                   ("left_job_reason", profile.left_job_reason, data["reason"])]
        changes.append(("left_job_detail", profile.left_job_detail, data.get("detail", "")))
        profile.left_job_on, profile.left_job_reason = data["left_on"], data["reason"]
        profile.left_job_detail = data.get("detail", "")
        _end(profile, data["left_on"], "left_job", "", changes)
        record(actor, client, "left_job", changes)
        draft_handover(client, profile)
        handle_requests(actor, client, "ended")


def end_support(actor, client, data):
    """The manager records the end of support."""
    with database.atomic():
        profile = profile_of(client)
        _check_no_meeting_running(profile)
        changes = []
        _end(profile, data["ended_on"], data["reason"], data.get("note", ""), changes)
        record(actor, client, "support_end", changes)
        draft_handover(client, profile)
        handle_requests(actor, client, "ended")


def resume_support(actor, client):
    """Take back an end recorded by mistake (a leaving recorded with it too)."""
    with database.atomic():
        profile = profile_of(client)
        if profile.support_ended_on is None:
            raise Refused(409, _("支援は終わっていません。"))
        changes = [(f, getattr(profile, f), None) for f in (
            "support_ended_on", "support_end_reason", "support_end_note", "left_job_on",
            "left_job_reason", "left_job_detail") if getattr(profile, f)]
        for field, _before, _after in changes:
            setattr(profile, field, "" if field in ("support_end_note", "left_job_detail") else None)
        profile.save()
        record(actor, client, "support_resumed", changes)


def history(client):
    """The profile's changes, newest first, with who made them."""
    return list(ProfileChange.select(ProfileChange, User)
                .join(User, JOIN.LEFT_OUTER, on=(ProfileChange.actor == User.id),
                      attr="actor_user")
                .where(ProfileChange.client == client.id)
                .order_by(ProfileChange.at.desc(), ProfileChange.id.desc()))


def employments(client):
    """The earlier jobs, newest first."""
    return list(Employment.select().where(Employment.client == client.id)
                .order_by(Employment.ends_on.desc()))


def employer_on(profile, jobs, day):
    """(employer name, the first day of that job) on day: the earliest job not over by then
    (the first one for days before the hire), else the current one."""
    for job in sorted(jobs, key=lambda job: job.ends_on):
        if day <= job.ends_on:
            return job.employer_name, job.starts_on
    return profile.employer_name, first_day_of_current_job(profile)


# --- asking for another supporter ---------------------------------------------------------

def ask_for_other_supporter(client, reason):
    """The client's private wish; one open at a time (a second one adds to its reason)."""
    with database.atomic():
        open_one = SupporterRequest.get_or_none((SupporterRequest.client == client.id)
                                                & SupporterRequest.handled_at.is_null())
        if open_one:
            open_one.reason = "\n".join(part for part in (open_one.reason, reason) if part)
            open_one.save()
            return open_one
        return SupporterRequest.create(client=client.id, reason=reason)


def open_request(client):
    """The client's request still waiting for the manager, if any."""
    return SupporterRequest.get_or_none((SupporterRequest.client == client.id)
                                        & SupporterRequest.handled_at.is_null())


def office_requests(manager):
    """The office's requests still waiting, oldest first, with the client loaded."""
    return list(SupporterRequest.select(SupporterRequest, User)
                .join(User, on=(SupporterRequest.client == User.id))
                .where((User.office == manager.office_id) & SupporterRequest.handled_at.is_null())
                .order_by(SupporterRequest.created_at))


def handle_requests(manager, client, outcome):
    """Close the client's open requests: `reassigned` when another supporter took over."""
    return (SupporterRequest.update(handled_at=utcnow(), handled_by=manager.id, outcome=outcome)
            .where((SupporterRequest.client == client.id)
                   & SupporterRequest.handled_at.is_null()).execute())


# --- the move into support ------------------------------------------------------------------

@dataclass(frozen=True)
class Checklist:
    items: tuple
    late: bool  # the 受給者証 not applied for, and the 6th month has begun
    start: date  # when support proper begins


def ticked(client):
    return {row.key for row in StepCheck.select(StepCheck.key).where(StepCheck.client == client.id)}


def checklist(client, profile, day=None):
    """The STEP checklist for a client invited before month 7, else None."""
    day = day or today()
    if not profile or not profile.hire_date or profile.support_ended_on:
        return None
    invited_on = japan_day(client.created_at)
    if not checklist_applies(profile.hire_date, invited_on, day):
        return None
    done = ticked(client)
    return Checklist(transition_checklist(profile.hire_date, day, done),
                     certificate_late(profile.hire_date, day, done),
                     support_period(profile.hire_date).start)


def tick(actor, client, key, done):
    """Tick an item of the checklist, or take the tick back."""
    if done:
        StepCheck.insert(client=client.id, key=key, done_at=utcnow(), done_by=actor.id) \
            .on_conflict_ignore().execute()
    else:
        StepCheck.delete().where((StepCheck.client == client.id) & (StepCheck.key == key)).execute()
