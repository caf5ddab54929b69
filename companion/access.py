"""Authorization in one place: who may reach which client's data."""
import uuid
from functools import wraps

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from peewee import JOIN

from .db import insert_rows
from .errors import Refused
from .models import AccessLog, Assignment, ClientProfile, User, today, utcnow

WRITES = ("POST", "PUT", "PATCH", "DELETE")
# What still works once support has ended: signing in and out, a person's own settings,
# deleting one's own notes (a client may at any time), approving a report finalised before
# the end, and the account care a manager gives: a password link, stopping the account,
# closing a wish for another supporter, taking back an end recorded by mistake, and the
# client's choices on the hand-over.
OPEN_AFTER_END = frozenset({
    "auth.login", "auth.logout", "auth.accept_invitation", "auth.reset_notice",
    "auth.change_password", "api.session_create", "api.session_delete", "api.me_update",
    "pages.settings", "reminders.update", "reminders.answer_offer", "reminders.update_calendar",
    "api.push.subscribe", "api.push.unsubscribe",
    "notes.delete", "notes.restore", "api.notes.delete",
    "accounts.reissue", "accounts.set_active", "profiles.resume_support", "profiles.close_request",
    # The client's consent to a report finalised before the end: it can still go out.
    "reports.approve", "api.reports.approve_report",
    # The hand-over is drafted at the end: the client decides on it afterwards.
    "strengths.decide", "strengths.approve",
    # The record the client carries to the next office, with their consent written here.
    "record.take_out",
})


def active_assignment(on=None):
    """The peewee condition for an assignment in force on a day (today by default)."""
    day = on or today()
    return (Assignment.starts_on <= day) & (
        Assignment.ends_on.is_null() | (Assignment.ends_on >= day))


def visible_clients(user):
    """A query of the clients this person may see: themself, their assigned ones, or their office's."""
    query = User.select().where((User.role == "client") & (User.office == user.office_id))
    if user.role == "client":
        return query.where(User.id == user.id)
    if user.role == "supporter":
        return query.where(User.id.in_(
            Assignment.select(Assignment.client).where(
                (Assignment.supporter == user.id) & active_assignment())))
    if user.role == "manager":
        return query
    return query.where(False)


def client_or_404(user, client_id):
    """The client with client_id if user may see them; else 404, so existence is not revealed."""
    client = visible_clients(user).where(User.id == _int_or_404(client_id)).first()
    if client is None:
        abort(404)
    refuse_if_ended(client.id)
    return client


def support_ended(client_id):
    """The day support ended for client_id, or None while it goes on (read once per request)."""
    known = g.setdefault("companion_ended", {})
    if client_id not in known:
        found = (ClientProfile.select(ClientProfile.support_ended_on)
                 .where(ClientProfile.user == client_id).first())
        known[client_id] = found.support_ended_on if found else None
    return known[client_id]


def refuse_if_ended(client_id):
    """After the end of support the record is read-only, for the client and the staff alike."""
    if (request.method in WRITES and request.endpoint is not None
            and request.endpoint not in OPEN_AFTER_END and support_ended(client_id)):
        raise Refused(403, _("支援は終わりました。記録は、見ることだけできます。"))


def init_app(app):
    """A client whose support has ended writes nothing more (see OPEN_AFTER_END)."""

    @app.context_processor
    def _ended():
        def ended_on(client_id):
            return support_ended(getattr(client_id, "id", client_id))
        return {"ended_on": ended_on}

    @app.before_request
    def _read_only_after_end():
        if (request.method in WRITES and current_user.is_authenticated
                and current_user.role == "client"):
            refuse_if_ended(current_user.id)


def manageable(user):
    """The accounts this staff member may manage: the office's for a manager, own clients for a supporter."""
    if user.role == "manager":
        return User.select().where(User.office == user.office_id)
    return visible_clients(user)


def account_or_404(user, user_id):
    """The account with user_id if user may manage it, else 404."""
    number = small_id(user_id)
    account = manageable(user).where(User.id == number).first() if number else None
    if account is None:
        abort(404)
    if account.role == "client":
        refuse_if_ended(account.id)
    return account


def office_people(user, role=None):
    """People of user's office (of one role if given), by name: a manager's lists and choices."""
    query = User.select().where(User.office == user.office_id)
    if role:
        query = query.where(User.role == role)
    return query.order_by(User.display_name)


def requested_client(user, args):
    """The client an API list is about: oneself, or args' client_id for staff (404 if not theirs)."""
    if user.role == "client":
        if args.get("client_id") not in (None, user.id):
            raise Refused(404)
        return getattr(user, "_get_current_object", lambda: user)()  # the row, not the proxy
    if args.get("client_id") is None:
        raise Refused(422, fields={"client_id": [_("この項目を入れてください。")]})
    return client_or_404(user, args["client_id"])


def may_see(user, client):
    """True when user may see client's shared data."""
    return visible_clients(user).where(User.id == client.id).exists()


def roles_required(*roles):
    """Allow only the given roles; anyone else gets 404."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def current_supporters(client):
    """The supporters assigned to client today."""
    return (User.select().join(Assignment, JOIN.INNER, on=(Assignment.supporter == User.id))
            .where((Assignment.client == client.id) & active_assignment()))


def notes_for(user, client):
    """The notes of client that user may read: all their own, or only shared ones for staff."""
    from .models import Note
    query = Note.select().where((Note.client == client.id) & Note.deleted_at.is_null())
    if user.id != client.id:
        query = query.where(Note.visibility == "shared")
    return query


def canonical_id(note_id):
    """A note id in its stored form; anything that is not a UUID is simply not found."""
    try:
        return str(uuid.UUID(str(note_id)))
    except ValueError:
        abort(404)


def note_or_404(user, note_id):
    """A note user may read, else 404 (never revealing that it exists)."""
    from .models import Note
    note = Note.get_or_none((Note.id == canonical_id(note_id)) & Note.deleted_at.is_null())
    if note is None or note.client_id != user.id and (
            note.visibility != "shared" or not may_see(user, note.client)):
        abort(404)
    refuse_if_ended(note.client_id)
    return note


def log_access(actor, client, what, target="", always=False):
    """Record that staff opened a client's data; a client reading their own is not logged.

    One row per viewer, client, thing and Japan day: opening it again adds to its count
    and moves its last time. `always` also logs one's own (after a staff password link).
    """
    actor_id, client_id = (getattr(person, "id", person) for person in (actor, client))
    if actor_id != client_id or always:
        record_access([(actor_id, client_id)], what, target)


def record_access(pairs, what, target="", count=True):
    """Add (actor id, client id) reads of what to the log; a list view passes count=False,
    which records each listed client once a day."""
    now, day = utcnow(), today()
    target = str(target or "")
    if not count:
        # A list view opened again the same day changes nothing: this process remembers
        # what it has already written today and skips it (another process writes it at most
        # once more, which the unique key ignores).
        listed = current_app.extensions.setdefault("companion.listed", {"day": None})
        if listed["day"] != day:
            listed.update(day=day, seen=set())
        pairs = [pair for pair in pairs if (pair, what, target) not in listed["seen"]]
        if not pairs:
            return
    rows = [{"actor": actor, "client": client, "what": what, "target": target,
             "day": day, "count": 1, "first_at": now, "at": now} for actor, client in pairs]
    key = [AccessLog.actor, AccessLog.client, AccessLog.what, AccessLog.target, AccessLog.day]
    if count:
        conflict = lambda query: query.on_conflict(conflict_target=key, update={  # noqa: E731
            AccessLog.count: AccessLog.count + 1, AccessLog.at: now})
    else:
        conflict = lambda query: query.on_conflict_ignore()  # noqa: E731
    insert_rows(AccessLog, rows, conflict)
    if not count:
        listed["seen"].update((pair, what, target) for pair in pairs)


def small_id(value):
    """A form or query id as an int the database can hold, else None (nothing is found)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _int_or_404(value):
    """A path id as an int the database can hold; anything else is simply not found."""
    number = small_id(value)
    if number is None:
        abort(404)
    return number


def meeting_or_404(user, meeting_id):
    """A meeting of a client user may see (its client and supporter loaded), else 404.

    Staff who may see the client may also run its meetings: the assigned supporter
    and the office's manager. Views that change a meeting also require a staff role.
    """
    from .models import Meeting
    supporter = User.alias()
    meeting = (Meeting.select(Meeting, User, supporter)
               .join(User, on=(Meeting.client == User.id), attr="client").switch(Meeting)
               .join(supporter, JOIN.LEFT_OUTER, on=(Meeting.supporter == supporter.id),
                     attr="supporter")
               .where((Meeting.id == _int_or_404(meeting_id))
                      & User.id.in_(visible_clients(user).select(User.id)))
               .first())
    if meeting is None:
        abort(404)
    refuse_if_ended(meeting.client_id)
    return meeting


def agenda_item_or_404(user, item_id):
    """An agenda item of a meeting user may see (meeting and client loaded), else 404."""
    from .models import AgendaItem, Meeting
    item = (AgendaItem.select(AgendaItem, Meeting, User)
            .join(Meeting, on=(AgendaItem.meeting == Meeting.id))
            .join(User, on=(Meeting.client == User.id))
            .where((AgendaItem.id == _int_or_404(item_id))
                   & User.id.in_(visible_clients(user).select(User.id)))
            .first())
    if item is None:
        abort(404)
    refuse_if_ended(item.meeting.client_id)
    return item


def action_item_or_404(user, action_id):
    """An action item (次までにやること) of a client user may see, else 404."""
    from .models import ActionItem
    action = (ActionItem.select(ActionItem, User).join(User, on=(ActionItem.client == User.id))
              .where((ActionItem.id == _int_or_404(action_id))
                     & User.id.in_(visible_clients(user).select(User.id)))
              .first())
    if action is None:
        abort(404)
    refuse_if_ended(action.client_id)
    return action
