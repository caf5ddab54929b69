"""Action items that live between meetings, and agenda items whose links a faulty bulk insert lost.

Until this migration, starting a meeting stored all its agenda items with one multi-row
INSERT whose columns came from the first row alone. When that row was an action, every
note item lost its `note_id`; when it was a note, the actions and points lost theirs.
Closing such a meeting then left discussed notes open, resolved actions undone and the
supporter's carried points stuck. Here each lost link is restored where the frozen copy
identifies its row without doubt, and what the close should have done is done now.

Action items get statuses of their own under 前回決めたこと (できた / つづける / やめる):
the old `resolved` becomes `done`, `discussed` and `carry_over` become `continue`.
"""
import logging

from peewee import *

log = logging.getLogger("companion.migrations")

NOTE_CLOSE = {"discussed": "discussed", "resolved": "resolved",
              "pending": "carried", "carry_over": "carried"}
ACTION_STATUS = {"resolved": "done", "discussed": "continue", "carry_over": "continue"}


def up(migrator, db):
    migrator.migrate(migrator.add_column('action_item', 'settled_at', DateTimeField(null=True)))
    repair(db)


def repair(db):
    """Restore the lost links, redo their closes, give actions their own statuses; the counts."""
    class Base(Model):
        class Meta:
            database = db

    class Meeting(Base):
        client_id = IntegerField()
        state = CharField()
        started_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)
        class Meta:
            table_name = 'meeting'

    class Note(Base):
        id = CharField(primary_key=True)
        client_id = IntegerField()
        kind = CharField()
        body = TextField()
        written_at = DateTimeField()
        state = CharField()
        carried_count = IntegerField()
        class Meta:
            table_name = 'note'

    class ActionItem(Base):
        client_id = IntegerField()
        text = TextField()
        owner = CharField()
        due = DateField(null=True)
        done_at = DateTimeField(null=True)
        settled_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            table_name = 'action_item'

    class TalkingPoint(Base):
        client_id = IntegerField()
        meeting_id = IntegerField(null=True)
        system_code = CharField(null=True)
        text = TextField()
        class Meta:
            table_name = 'talking_point'

    class AgendaItem(Base):
        meeting_id = IntegerField()
        ref_type = CharField()
        note_id = CharField(null=True)
        action_id = IntegerField(null=True)
        point_id = IntegerField(null=True)
        text = TextField()
        kind = CharField(null=True)
        written_at = DateTimeField(null=True)
        owner = CharField(null=True)
        due = DateField(null=True)
        system_code = CharField(null=True)
        status = CharField()
        class Meta:
            table_name = 'agenda_item'

    restored = relink(Meeting, Note, ActionItem, TalkingPoint, AgendaItem)
    redo_closes(restored, Meeting, Note, ActionItem, TalkingPoint, AgendaItem)
    for old, new in ACTION_STATUS.items():
        AgendaItem.update(status=new).where(
            (AgendaItem.ref_type == 'action') & (AgendaItem.status == old)).execute()
    # An action reviewed as done in a closed meeting is settled by that close.
    for row in (AgendaItem.select(AgendaItem.action_id, Meeting.closed_at)
                .join(Meeting, on=(AgendaItem.meeting_id == Meeting.id))
                .where((AgendaItem.ref_type == 'action') & (AgendaItem.status == 'done')
                       & (Meeting.state == 'closed') & AgendaItem.action_id.is_null(False))
                .dicts()):
        ActionItem.update(settled_at=row['closed_at']).where(
            (ActionItem.id == row['action_id']) & ActionItem.settled_at.is_null()).execute()
    log.info("restored agenda item links: %s", restored["counts"])
    return restored["counts"]


def down(migrator, db):
    # The restored links and the closes redone are kept: they were always meant to be.
    migrator.migrate(migrator.drop_column('action_item', 'settled_at'))


def relink(Meeting, Note, ActionItem, TalkingPoint, AgendaItem):
    """Give each linkless item the one row its frozen copy names; {'counts', 'items'}."""
    counts = {"note": 0, "action": 0, "point": 0, "left": 0}
    items = []
    lost = (AgendaItem.select(AgendaItem, Meeting.client_id, Meeting.started_at)
            .join(Meeting, on=(AgendaItem.meeting_id == Meeting.id))
            .where(((AgendaItem.ref_type == 'note') & AgendaItem.note_id.is_null())
                   | ((AgendaItem.ref_type == 'action') & AgendaItem.action_id.is_null())
                   | ((AgendaItem.ref_type == 'point') & AgendaItem.point_id.is_null())))
    for row in lost.dicts():
        found = None
        if row['ref_type'] == 'note':
            found = the_one(Note.select(Note.id).where(
                (Note.client_id == row['client_id']) & (Note.body == row['text'])
                & (Note.kind == row['kind']) & (Note.written_at == row['written_at'])))
            column = 'note_id'
        elif row['ref_type'] == 'action':
            due = ActionItem.due.is_null() if row['due'] is None else ActionItem.due == row['due']
            found = the_one(ActionItem.select(ActionItem.id).where(
                (ActionItem.client_id == row['client_id']) & (ActionItem.text == row['text'])
                & (ActionItem.owner == row['owner']) & due
                & (ActionItem.created_at <= row['started_at'])))
            column = 'action_id'
        else:
            query = TalkingPoint.select(TalkingPoint.id).where(
                TalkingPoint.client_id == row['client_id'])
            if row['system_code']:
                query = query.where((TalkingPoint.system_code == row['system_code'])
                                    & (TalkingPoint.meeting_id == row['meeting_id']))
            else:
                query = query.where(TalkingPoint.system_code.is_null()
                                    & (TalkingPoint.text == row['text']))
            found = the_one(query)
            column = 'point_id'
        if found is None:
            counts["left"] += 1
            continue
        AgendaItem.update(**{column: found}).where(AgendaItem.id == row['id']).execute()
        counts[row['ref_type']] += 1
        items.append((row['ref_type'], found))
    return {"counts": counts, "items": items}


def the_one(query):
    """The id of the only row query finds, else None: a guess would be worse than no link."""
    ids = [r.id for r in query.limit(2)]
    return ids[0] if len(ids) == 1 else None


def redo_closes(restored, Meeting, Note, ActionItem, TalkingPoint, AgendaItem):
    """Do now what closing the meetings did not do for the rows whose links were lost."""
    notes = {ref for kind, ref in restored["items"] if kind == "note"}
    actions = {ref for kind, ref in restored["items"] if kind == "action"}
    points = {ref for kind, ref in restored["items"] if kind == "point"}
    closed = (AgendaItem.select(AgendaItem.note_id, AgendaItem.action_id, AgendaItem.point_id,
                                AgendaItem.status, AgendaItem.system_code, Meeting.id.alias('mid'),
                                Meeting.closed_at)
              .join(Meeting, on=(AgendaItem.meeting_id == Meeting.id))
              .where(Meeting.state == 'closed').order_by(Meeting.closed_at, Meeting.id))
    history = {}
    for row in closed.dicts():
        if row['note_id'] in notes:
            history.setdefault(row['note_id'], []).append(row['status'])
        elif row['action_id'] in actions and row['status'] == 'resolved':
            ActionItem.update(done_at=row['closed_at']).where(
                (ActionItem.id == row['action_id']) & ActionItem.done_at.is_null()).execute()
        elif (row['point_id'] in points and not row['system_code']
              and row['status'] in ('pending', 'carry_over')):
            # Carried over: back to the list of points not yet raised (unless raised again since).
            TalkingPoint.update(meeting_id=None).where(
                (TalkingPoint.id == row['point_id']) & (TalkingPoint.meeting_id == row['mid'])).execute()
    for note_id, statuses in history.items():
        state, carried = 'open', 0
        for status in statuses:
            state = NOTE_CLOSE.get(status, state)
            if state in ('discussed', 'resolved'):
                break  # it should have left the agenda here
            carried += 1
        Note.update(state=state, carried_count=carried).where(Note.id == note_id).execute()
