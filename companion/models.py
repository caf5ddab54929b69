"""The peewee models: offices, people, assignments and what they record."""
import uuid
from datetime import datetime

from flask_login import UserMixin
from peewee import (
    BooleanField, CharField, DateField, DateTimeField, DeferredForeignKey, ForeignKeyField,
    IntegerField, Model, ModelDelete, TextField,
)

from .clock import today, utcnow  # noqa: F401 (the models' clock, imported from here too)
from .db import database

ROLES = ("client", "supporter", "manager")
STAFF = ("supporter", "manager")  # the roles that support clients; the rest is the client
LOCALES = ("ja", "en")


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Office(BaseModel):
    name = CharField(max_length=200)
    phone = CharField(max_length=40, default="")
    created_at = DateTimeField(default=utcnow)


class User(UserMixin, BaseModel):
    office = ForeignKeyField(Office, backref="users", on_delete="RESTRICT")
    role = CharField(max_length=20, index=True)
    login = CharField(max_length=80, unique=True)
    display_name = CharField(max_length=100)
    password_hash = CharField(max_length=255, null=True)
    active = BooleanField(default=True)
    locale = CharField(max_length=5, default="ja")
    furigana = BooleanField(default=False)
    # Bumped by logout, a password change and deactivation: every cookie
    # that carries an older number stops working.
    session_version = IntegerField(default=1)
    # When a password link made by staff was last used; cleared once the person has seen it.
    reset_used_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    def get_id(self):
        """The id Flask-Login keeps in the session and remember cookie."""
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self):
        return self.active


class ClientProfile(BaseModel):
    user = ForeignKeyField(User, unique=True, backref="profiles", on_delete="CASCADE")
    hire_date = DateField(null=True)
    employer_name = CharField(max_length=200, default="")
    job_title = CharField(max_length=200, default="")
    certificate_valid_from = DateField(null=True)
    certificate_valid_to = DateField(null=True)
    office_phone = CharField(max_length=40, default="")
    # Since when the current employer (a job change moves it); null means since hire_date.
    employer_since = DateField(null=True)
    # 離職: the day the job ended and why; it ends support too.
    left_job_on = DateField(null=True)
    left_job_reason = CharField(max_length=20, null=True)
    left_job_detail = CharField(max_length=200, default="")
    # The end of support as the manager recorded it: the last day and why. Once set, the
    # record is read-only (the client still reads and exports it).
    support_ended_on = DateField(null=True)
    support_end_reason = CharField(max_length=20, null=True)
    support_end_note = CharField(max_length=200, default="")


class Assignment(BaseModel):
    client = ForeignKeyField(User, backref="supporter_assignments", on_delete="CASCADE")
    supporter = ForeignKeyField(User, backref="client_assignments", on_delete="CASCADE")
    starts_on = DateField(default=today)
    ends_on = DateField(null=True)
    created_at = DateTimeField(default=utcnow)


class Invitation(BaseModel):
    user = ForeignKeyField(User, backref="invitations", on_delete="CASCADE")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    # "invite" for a new account (days), "reset" for one that has a password (30 minutes).
    purpose = CharField(max_length=10, default="invite")


def new_uuid():
    """A random UUID as text, the form note ids travel in."""
    return str(uuid.uuid4())


LEAVE_REASONS = ("relationships", "mismatch", "health", "other")
END_REASONS = ("stable", "three_years", "left_job", "moved_office")
STEP_KEYS = ("choose_office", "meet_consultant", "doc_plan", "doc_application",
             "doc_employment", "doc_other", "apply_certificate", "contract_start")


class ProfileChange(BaseModel):
    """One change to a client's profile: who, when, which field, before and after (as text)."""
    client = ForeignKeyField(User, backref="profile_changes", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    # edit · job_change · left_job · support_end · support_resumed
    event = CharField(max_length=20, default="edit")
    field = CharField(max_length=40)
    before = TextField(default="")
    after = TextField(default="")
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "at"), False),)


class Employment(BaseModel):
    """An earlier job of a client's: the current one lives on the profile."""
    client = ForeignKeyField(User, backref="employments", on_delete="CASCADE")
    employer_name = CharField(max_length=200, default="")
    job_title = CharField(max_length=200, default="")
    starts_on = DateField(null=True)
    ends_on = DateField()
    created_at = DateTimeField(default=utcnow)


class SupporterRequest(BaseModel):
    """A client's private wish for another supporter: only the office's manager reads it."""
    client = ForeignKeyField(User, backref="supporter_requests", on_delete="CASCADE")
    reason = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    handled_at = DateTimeField(null=True)
    handled_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    # reassigned (someone else took over) · kept (talked it over, no change) · ended (support did)
    outcome = CharField(max_length=20, null=True)


class StepCheck(BaseModel):
    """One ticked item of the move into support (STEP 1–4 and its documents)."""
    client = ForeignKeyField(User, backref="step_checks", on_delete="CASCADE")
    key = CharField(max_length=30)
    done_at = DateTimeField(default=utcnow)
    done_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = ((("client", "key"), True),)


ACCOUNT_MODELS = [Office, User, ClientProfile, Assignment, Invitation]
PROFILE_MODELS = [ProfileChange, Employment, SupporterRequest, StepCheck]


NOTE_KINDS = ("worry", "win", "goal", "challenge", "for_employer")
NOTE_TOPICS = ("workload", "relationships", "health", "career", "other")
NOTE_WEIGHTS = ("small", "medium", "urgent")
VISIBILITIES = ("shared", "private")
AGENDA_CHOICES = ("raise", "keep_private", "sorted")
NOTE_STATES = ("open", "discussed", "resolved", "carried")


class Note(BaseModel):
    id = CharField(max_length=36, primary_key=True, default=new_uuid)
    client = ForeignKeyField(User, backref="notes", on_delete="CASCADE")
    kind = CharField(max_length=20)
    topic = CharField(max_length=20, null=True)
    weight = CharField(max_length=10, null=True)
    body = TextField()
    visibility = CharField(max_length=10, default="shared")
    share_with_employer = BooleanField(default=False)
    agenda_choice = CharField(max_length=20, default="raise")
    starred_at = DateTimeField(null=True)
    written_at = DateTimeField()
    received_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    state = CharField(max_length=10, default="open")
    carried_count = IntegerField(default=0)
    deleted_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("client", "written_at"), False), (("client", "state", "agenda_choice"), False))

    @property
    def is_urgent(self):
        return self.kind == "worry" and self.weight == "urgent"


class CheckIn(BaseModel):
    client = ForeignKeyField(User, backref="checkins", on_delete="CASCADE")
    day = DateField()
    mood = IntegerField(null=True)
    body = IntegerField(null=True)
    sleep = IntegerField(null=True)
    comment = CharField(max_length=200, default="")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "day"), True),)


class AccessLog(BaseModel):
    """Who opened what of whose, one row per viewer, client, thing and Japan day (DESIGN §2)."""
    actor = ForeignKeyField(User, on_delete="CASCADE")
    client = ForeignKeyField(User, backref="access_logs", on_delete="CASCADE")
    what = CharField(max_length=40)
    target = CharField(max_length=64, default="")
    day = DateField(default=today)
    count = IntegerField(default=1)
    first_at = DateTimeField(default=utcnow)
    at = DateTimeField(default=utcnow, index=True)  # the last time

    class Meta:
        indexes = ((("actor", "client", "what", "target", "day"), True),)


NOTE_MODELS = [Note, CheckIn, AccessLog]


RETENTION_YEARS = 5


class RecordRetained(Exception):
    """A delete that would remove a service record still inside its retention period."""


def retention_cutoff(day=None):
    """The first day inside the retention period: records from then on must be kept."""
    from .periods import add_months
    return add_months(day or today(), -12 * RETENTION_YEARS)


class RetainedDelete(ModelDelete):
    """A DELETE that refuses, before removing anything, when it would reach a retained record."""

    def _execute(self, database):
        kept = self.model.retained()
        if self._where is not None:
            kept = kept.where(self._where)
        if kept.exists():
            raise RecordRetained(
                f"{self.model.__name__}: service records are kept {RETENTION_YEARS} years")
        return super()._execute(database)


class Retained:
    """Service records (DESIGN §2): delete queries and delete_instance refuse recent ones."""

    @classmethod
    def delete(cls):
        return RetainedDelete(cls)


MEETING_MODES = ("in_person", "online", "workplace_visit", "three_party")
MEETING_STATES = ("scheduled", "in_progress", "closed", "cancelled")
ITEM_STATUSES = ("pending", "discussed", "resolved", "carry_over")
# Under 前回決めたこと an action is reviewed with statuses of its own: できた, つづける, やめる.
ACTION_STATUSES = ("pending", "done", "continue", "dropped")
ACTION_OWNERS = ("client", "supporter", "employer")


class Meeting(Retained, BaseModel):
    client = ForeignKeyField(User, backref="meetings", on_delete="CASCADE")
    supporter = ForeignKeyField(User, null=True, backref="held_meetings", on_delete="SET NULL")
    scheduled_at = DateTimeField()
    mode = CharField(max_length=20, default="in_person")
    state = CharField(max_length=12, default="scheduled")
    started_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)
    cancelled_at = DateTimeField(null=True)
    summary = TextField(default="")
    # Raised whenever the time, the mode or the state changes: calendar apps keep the newest.
    sequence = IntegerField(default=0)
    # Highlights and condition as they were at the start (JSON): the record must not
    # change when check-ins or notes change later.
    snapshot = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "scheduled_at"), False), (("client", "state", "started_at"), False))

    @classmethod
    def retained(cls):
        """Closed meetings younger than the retention period."""
        since = datetime.combine(retention_cutoff(), datetime.min.time())
        return cls.select().where((cls.state == "closed") & (cls.closed_at >= since))


class ActionItem(BaseModel):
    client = ForeignKeyField(User, backref="action_items", on_delete="CASCADE")
    meeting = ForeignKeyField(Meeting, null=True, backref="actions", on_delete="SET NULL")
    text = TextField()
    owner = CharField(max_length=10)
    due = DateField(null=True)
    done_at = DateTimeField(null=True)
    # When a meeting closed it for good: できた (done) or やめる (settled, never done).
    # It leaves later agendas and can no longer be ticked.
    settled_at = DateTimeField(null=True)
    # The agenda item it was decided from, when it was added from one during the meeting.
    from_item = DeferredForeignKey("AgendaItem", null=True, on_delete="SET NULL", index=True)
    created_at = DateTimeField(default=utcnow)

    @property
    def done(self):
        return self.done_at is not None

    @property
    def dropped(self):
        return self.settled_at is not None and self.done_at is None

    def overdue(self, day=None):
        """True when its due day (Japan) has passed and it is neither done nor dropped."""
        return (self.due is not None and not self.done and not self.dropped
                and self.due < (day or today()))

    class Meta:
        indexes = ((("client", "settled_at"), False),)


class TalkingPoint(BaseModel):
    client = ForeignKeyField(User, backref="talking_points", on_delete="CASCADE")
    author = ForeignKeyField(User, null=True, on_delete="SET NULL")
    # Null until a meeting starts with it on the agenda; back to null when carried over.
    meeting = ForeignKeyField(Meeting, null=True, backref="talking_points", on_delete="SET NULL")
    system_code = CharField(max_length=40, null=True)
    text = TextField()
    # The agenda item it came up from, when raised from one during the meeting.
    from_item = DeferredForeignKey("AgendaItem", null=True, on_delete="SET NULL", index=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "meeting"), False),)


class AgendaItem(Retained, BaseModel):
    """One line of a started meeting's agenda, with a copy of what it said then."""
    meeting = ForeignKeyField(Meeting, backref="agenda_items", on_delete="CASCADE")
    section = CharField(max_length=20)
    position = IntegerField()
    ref_type = CharField(max_length=10)
    note = ForeignKeyField(Note, null=True, on_delete="SET NULL")
    action = ForeignKeyField(ActionItem, null=True, on_delete="SET NULL")
    point = ForeignKeyField(TalkingPoint, null=True, on_delete="SET NULL")
    text = TextField()
    kind = CharField(max_length=20, null=True)
    topic = CharField(max_length=20, null=True)
    weight = CharField(max_length=10, null=True)
    carried_count = IntegerField(default=0)
    written_at = DateTimeField(null=True)
    owner = CharField(max_length=10, null=True)
    due = DateField(null=True)
    done = BooleanField(default=False)
    system_code = CharField(max_length=40, null=True)
    status = CharField(max_length=12, default="pending")
    outcome = TextField(default="")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("meeting", "position"), False),)

    @classmethod
    def retained(cls):
        """The items of retained meetings: the frozen record of what was said."""
        return cls.select().join(Meeting, on=(cls.meeting == Meeting.id)).where(
            Meeting.id.in_(Meeting.retained().select(Meeting.id)))


MEETING_MODELS = [Meeting, ActionItem, TalkingPoint, AgendaItem]


REPORT_STATES = ("draft", "finalised", "approved")


class MonthlyReport(Retained, BaseModel):
    """The 支援レポート of one client for one month (Japan time), and the client's consent."""
    client = ForeignKeyField(User, backref="reports", on_delete="RESTRICT")
    month = CharField(max_length=7)
    status = CharField(max_length=10, default="draft")
    comment_for_client = TextField(default="")
    comment_for_employer = TextField(default="")
    finalised_at = DateTimeField(null=True)
    finalised_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    approved_at = DateTimeField(null=True)
    change_request = TextField(default="")
    change_requested_at = DateTimeField(null=True)
    # The employer copy as the client approved it (JSON): later changes never reach it.
    employer_copy = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "month"), True),)

    @classmethod
    def retained(cls):
        """Reports of the months inside the retention period."""
        return cls.select().where(cls.month >= retention_cutoff().strftime("%Y-%m"))


REPORT_MODELS = [MonthlyReport]


REMINDER_KINDS = ("before_meeting", "meeting_day", "daily_checkin", "quiet_spell",
                  "supporter_day", "reports_due")
DELIVERY_STATES = ("sending", "sent", "retry", "failed", "gone")


class PushSubscription(BaseModel):
    """One device's Web Push subscription: the push service's address and its keys."""
    user = ForeignKeyField(User, backref="push_subscriptions", on_delete="CASCADE")
    # Endpoints can be long; the unique lookup is on their SHA-256.
    endpoint_hash = CharField(max_length=64, unique=True)
    endpoint = TextField()
    p256dh = CharField(max_length=200)
    auth = CharField(max_length=100)
    created_at = DateTimeField(default=utcnow)
    last_sent_at = DateTimeField(null=True)


class ReminderSetting(BaseModel):
    """What a person chose to be reminded of: everything starts off."""
    user = ForeignKeyField(User, unique=True, backref="reminder_settings", on_delete="CASCADE")
    before_meeting = BooleanField(default=False)
    meeting_day = BooleanField(default=False)
    daily_checkin = BooleanField(default=False)
    checkin_time = CharField(max_length=5, default="18:00")
    quiet_spell = BooleanField(default=False)
    supporter_day = BooleanField(default=False)
    reports_due = BooleanField(default=False)
    quiet_from = CharField(max_length=5, default="21:00")
    quiet_until = CharField(max_length=5, default="08:00")
    # The secret calendar feed: its id, signed with the app's secret into the URL; null when off.
    feed_key = CharField(max_length=32, null=True, unique=True)
    # The one-line offer after the first saved note, once answered, is not shown again.
    offer_answered = BooleanField(default=False)
    updated_at = DateTimeField(default=utcnow)


class ReminderDelivery(BaseModel):
    """One reminder to one device: the unique pair is what makes it at most once."""
    subscription = ForeignKeyField(PushSubscription, backref="deliveries", on_delete="CASCADE")
    key = CharField(max_length=80)
    kind = CharField(max_length=20)
    state = CharField(max_length=10, default="sending")
    attempts = IntegerField(default=1)
    payload = TextField(default="")
    # Until when it is still worth sending: a retry after this is recorded as failed.
    expires_at = DateTimeField()
    next_try_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    error = CharField(max_length=200, default="")

    class Meta:
        indexes = ((("subscription", "key"), True), (("state", "next_try_at"), False))


REMINDER_MODELS = [PushSubscription, ReminderSetting, ReminderDelivery]


class RateTier(BaseModel):
    """One tier of the 就労定着率 the fee depends on: data, so an office can correct it
    when the rules change (seeded with the seven tiers of the R6 rules)."""
    position = IntegerField(unique=True)
    # The share it starts at, in thousandths (950 = 9割5分); the last tier starts at 0.
    lower_permille = IntegerField()
    label = CharField(max_length=60)
    updated_at = DateTimeField(default=utcnow)


STRENGTH_PARTS = ("strength", "accommodation")
# proposed: a supporter's suggestion waiting for the client · accepted: on the page, by the
# client's yes · declined: the client said no, or removed it (kept so it is not suggested again)
STRENGTH_STATES = ("proposed", "accepted", "declined")


class Strength(BaseModel):
    """One entry of the client's わたしの強みと配慮: what I do well, or what helps me work."""
    client = ForeignKeyField(User, backref="strengths", on_delete="CASCADE")
    part = CharField(max_length=20)
    text = CharField(max_length=200)
    state = CharField(max_length=10, default="accepted")
    # What the app suggested it from ("note:<id>", "item:<id>"): never suggested twice.
    source = CharField(max_length=60, null=True)
    proposed_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    # The client's consent, entry by entry, that it may go to the employer.
    share_with_employer = BooleanField(default=False)
    accepted_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("client", "state"), False), (("client", "source"), True))


HANDOVER_SECTIONS = ("strength", "accommodation", "action", "report")


class HandOver(BaseModel):
    """The summary drafted when support ends, for the organisation the client goes on to.
    Nothing of it is printed before the client has decided on every item and approved it."""
    client = ForeignKeyField(User, backref="+", on_delete="CASCADE", unique=True)
    support_start = DateField(null=True)
    support_end = DateField()
    end_reason = CharField(max_length=20, null=True)
    drafted_at = DateTimeField(default=utcnow)
    approved_at = DateTimeField(null=True)


class HandOverItem(BaseModel):
    """One line of the hand-over; `passed` is the client's choice: None until they decide."""
    hand_over = ForeignKeyField(HandOver, backref="items", on_delete="CASCADE")
    position = IntegerField()
    section = CharField(max_length=20)
    month = CharField(max_length=7, default="")  # a report's YYYY-MM
    text = TextField()
    passed = BooleanField(null=True)

    class Meta:
        indexes = ((("hand_over", "position"), True),)


STRENGTH_MODELS = [Strength, HandOver, HandOverItem]


class RecordTransfer(BaseModel):
    """The client's consent to a portable record, at either end: taken out here (export),
    or brought in from another office (import), with what the file held."""
    client = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    direction = CharField(max_length=10)  # export · import
    include_private = BooleanField(default=False)
    # The other office, by name, for an import; the client's yes as the file says it.
    other_office = CharField(max_length=200, default="")
    consent_at = DateTimeField()
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    at = DateTimeField(default=utcnow)
