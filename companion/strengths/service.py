"""わたしの強みと配慮 as rows: the client's yes to each entry, a supporter's proposals, the
employer's share; and the hand-over, drafted when support ends and approved line by line."""
from flask_babel import gettext as _
from peewee import JOIN, IntegrityError

from ..db import database, insert_rows
from ..errors import Refused
from ..models import (
    ActionItem,
    AgendaItem,
    ClientProfile,
    HandOver,
    HandOverItem,
    Meeting,
    MonthlyReport,
    Note,
    ProfileChange,
    Strength,
    User,
    utcnow,
)
from ..periods import support_period
from . import core


def plain(rows):
    """Stored entries as core's plain data."""
    return [core.Entry(s.id, s.part, s.text, s.state, s.share_with_employer, s.source)
            for s in rows]


def entries(client):
    """Every stored entry of client's, as core's plain data (the page and its history)."""
    return plain(Strength.select().where(Strength.client == client.id).order_by(Strength.id))


def sources(client):
    """What the client shared that the app could suggest from: their shared, undeleted
    できたこと, and the outcomes of the worries their meetings resolved."""
    wins = (Note.select(Note.id, Note.body, Note.written_at)
            .where((Note.client == client.id) & (Note.kind == "win")
                   & (Note.visibility == "shared") & Note.deleted_at.is_null())
            .order_by(Note.written_at.desc()).limit(core.MOST_SUGGESTIONS * 4))
    found = [core.Source(f"note:{n.id}", "strength", n.body, at=n.written_at) for n in wins]
    resolved = (AgendaItem.select(AgendaItem.id, AgendaItem.text, AgendaItem.outcome,
                                  Meeting.closed_at)
                .join(Meeting, on=(AgendaItem.meeting == Meeting.id))
                .where((Meeting.client == client.id) & (Meeting.state == "closed")
                       & (AgendaItem.status == "resolved") & (AgendaItem.outcome != "")
                       & (AgendaItem.kind == "worry"))
                .order_by(Meeting.closed_at.desc()).limit(core.MOST_SUGGESTIONS * 4))
    found += [core.Source(f"item:{i.id}", "accommodation", i.outcome, i.text,
                          i.meeting.closed_at) for i in resolved]
    return found


def page(client, suggest=True):
    """What the page shows: the entries on it, the proposals waiting, and (for the client)
    the suggestions."""
    stored = list(Strength.select(Strength, User)
                  .join(User, JOIN.LEFT_OUTER, on=(Strength.proposed_by == User.id),
                        attr="proposer")
                  .where(Strength.client == client.id).order_by(Strength.id))
    found = plain(stored)
    accepted = {e.id for e in core.on_page(found)}
    return {"entries": [s for s in stored if s.id in accepted],
            "proposals": [s for s in stored if s.state == "proposed"],
            "suggestions": core.suggestions(sources(client), found) if suggest else []}


def employer_entries(client):
    """The entries the client marked for the employer, as the copies and the sheet hold them."""
    return core.for_employer(entries(client))


def _own(client, entry_id, state=None):
    """One of client's entries (in state), else 404."""
    query = Strength.select().where((Strength.client == client.id) & (Strength.id == entry_id))
    if state:
        query = query.where(Strength.state == state)
    entry = query.first()
    if entry is None:
        raise Refused(404)
    return entry


def _insert(client, **values):
    """A new entry; a second tap on the same suggestion answers with the first one."""
    now = utcnow()
    try:
        with database.atomic():
            return Strength.create(client=client.id, created_at=now, updated_at=now, **values)
    except IntegrityError:
        return Strength.get((Strength.client == client.id) & (Strength.source == values["source"]))


def add(client, data):
    """The client writes an entry of their own: on the page at once."""
    return _insert(client, part=data["part"], text=data["text"].strip(), state="accepted",
                   accepted_at=utcnow(), share_with_employer=data.get("share_with_employer", False))


def take_suggestion(client, data):
    """The client takes a suggestion (as it is or as they changed it), or turns it down."""
    offered = {s.key: s for s in core.suggestions(sources(client), entries(client))}
    source = offered.get(data["source"])
    if source is None:
        existing = Strength.get_or_none((Strength.client == client.id)
                                        & (Strength.source == data["source"]))
        if existing is not None:
            return existing  # taken a moment ago: the same answer again
        raise Refused(404)
    if data["action"] == "dismiss":
        return _insert(client, part=source.part, text=source.text, state="declined",
                       source=source.key)
    return _insert(client, part=data.get("part", source.part),
                   text=(data.get("text") or source.text).strip(), state="accepted",
                   source=source.key, accepted_at=utcnow(),
                   share_with_employer=data.get("share_with_employer", False))


def change(client, entry_id, data):
    """The client's answer to a proposal (yes, possibly changed, or no), or a change to an
    entry on the page: its words, its part, whether it goes to the employer, or its removal."""
    action = data["action"]
    entry = _own(client, entry_id, "proposed" if action in ("accept", "decline") else "accepted")
    now = utcnow()
    if action in ("decline", "remove"):
        entry.state, entry.share_with_employer = "declined", False
    else:
        entry.part = data.get("part", entry.part)
        entry.text = data.get("text", entry.text).strip()
        entry.share_with_employer = data.get("share_with_employer", False)
        if action == "accept":
            entry.state, entry.accepted_at = "accepted", now
    entry.updated_at = now
    entry.save()
    return entry


def propose(actor, client, data):
    """A supporter proposes an entry: it waits for the client's yes."""
    return _insert(client, part=data["part"], text=data["text"].strip(), state="proposed",
                   proposed_by=actor.id)


# --- the hand-over ---------------------------------------------------------------------

def draft_handover(client, profile):
    """Draft the hand-over as support ends (again, if it was ended before and taken back)."""
    open_actions = (ActionItem.select(ActionItem.text, ActionItem.owner, ActionItem.due)
                    .where((ActionItem.client == client.id) & ActionItem.done_at.is_null()
                           & ActionItem.settled_at.is_null())
                    .order_by(ActionItem.created_at, ActionItem.id))
    reports = (MonthlyReport.select(MonthlyReport.month, MonthlyReport.comment_for_client)
               .where((MonthlyReport.client == client.id)
                      & MonthlyReport.status.in_(("finalised", "approved")))
               .order_by(MonthlyReport.month.desc()).limit(3))
    lines = core.handover_items(
        entries(client), [core.OpenAction(a.text, a.owner, a.due) for a in open_actions],
        [core.MonthReport(r.month, r.comment_for_client) for r in reports])
    period = support_period(profile.hire_date) if profile.hire_date else None
    HandOver.delete().where(HandOver.client == client.id).execute()
    hand_over = HandOver.create(client=client.id, support_start=period.start if period else None,
                                support_end=profile.support_ended_on,
                                end_reason=profile.support_end_reason, drafted_at=utcnow())
    insert_rows(HandOverItem, [{"hand_over": hand_over.id, "position": n, "section": section,
                                "month": month, "text": text}
                               for n, (section, month, text) in enumerate(lines)])
    return hand_over


def handover_of(client):
    """The client's hand-over with its items in order, or None."""
    hand_over = HandOver.get_or_none(HandOver.client == client.id)
    if hand_over is not None:
        hand_over.lines = list(HandOverItem.select().where(HandOverItem.hand_over == hand_over.id)
                               .order_by(HandOverItem.position))
    return hand_over


def _handover_or_404(client):
    hand_over = handover_of(client)
    if hand_over is None:
        raise Refused(404)
    return hand_over


def decide(client, item_id, passed):
    """The client's choice on one line: passed on, or left out. Fixed once approved."""
    hand_over = _handover_or_404(client)
    if hand_over.approved_at is not None:
        raise Refused(409, _("もう決めてあります。変えたいときは、事業所に相談してください。"))
    if not (HandOverItem.update(passed=passed)
            .where((HandOverItem.id == item_id) & (HandOverItem.hand_over == hand_over.id))
            .execute()):
        raise Refused(404)


def approve_handover(client):
    """The client approves the hand-over as decided: from now on it can be printed."""
    hand_over = _handover_or_404(client)
    if hand_over.approved_at is not None:
        return hand_over  # a double tap
    if any(line.passed is None for line in hand_over.lines):
        raise Refused(409, _("まだ決めていない項目があります。ひとつずつ「わたす」か「わたさない」を選んでください。"))
    with database.atomic():
        if HandOver.update(approved_at=utcnow()).where(
                (HandOver.id == hand_over.id) & HandOver.approved_at.is_null()).execute():
            # Recorded in the profile's history, where the office reads the end of support.
            passed = sum(1 for line in hand_over.lines if line.passed)
            ProfileChange.create(client=client.id, actor=client.id, event="handover",
                                 field="hand_over", after=f"{passed}/{len(hand_over.lines)}",
                                 at=utcnow())
    return handover_of(client)


def printable_handover(client):
    """The approved hand-over with only the lines the client passed on; 409 before approval."""
    hand_over = _handover_or_404(client)
    if hand_over.approved_at is None:
        raise Refused(409, _("本人がひとつずつ確かめて承認するまで、印刷やダウンロードはできません。"))
    hand_over.lines = [line for line in hand_over.lines if line.passed]
    hand_over.profile = ClientProfile.get_or_none(ClientProfile.user == client.id)
    return hand_over
