"""Meetings, their frozen agenda items, action items and talking points."""
from peewee import *

# Callable defaults (timestamps, ids) are set by the application, not the schema.


def up(migrator, db):
    class Note(Model):
        id = CharField(primary_key=True, max_length=36)
        class Meta:
            database = db
            table_name = 'note'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Meeting(Model):
        client = ForeignKeyField(User, on_delete='CASCADE')
        supporter = ForeignKeyField(User, null=True, on_delete='SET NULL')
        scheduled_at = DateTimeField()
        mode = CharField(max_length=20, default='in_person')
        state = CharField(max_length=12, default='scheduled')
        started_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)
        cancelled_at = DateTimeField(null=True)
        summary = TextField(default='')
        snapshot = TextField(default='')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'meeting'
            indexes = ((('client', 'scheduled_at'), False),)
    db.create_tables([Meeting])

    class ActionItem(Model):
        client = ForeignKeyField(User, on_delete='CASCADE')
        meeting = ForeignKeyField(Meeting, null=True, on_delete='SET NULL')
        text = TextField()
        owner = CharField(max_length=10)
        due = DateField(null=True)
        done_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'action_item'
    db.create_tables([ActionItem])

    class TalkingPoint(Model):
        client = ForeignKeyField(User, on_delete='CASCADE')
        author = ForeignKeyField(User, null=True, on_delete='SET NULL')
        meeting = ForeignKeyField(Meeting, null=True, on_delete='SET NULL')
        system_code = CharField(null=True, max_length=40)
        text = TextField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'talking_point'
    db.create_tables([TalkingPoint])

    class AgendaItem(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        section = CharField(max_length=20)
        position = IntegerField()
        ref_type = CharField(max_length=10)
        note = ForeignKeyField(Note, null=True, on_delete='SET NULL')
        action = ForeignKeyField(ActionItem, null=True, on_delete='SET NULL')
        point = ForeignKeyField(TalkingPoint, null=True, on_delete='SET NULL')
        text = TextField()
        kind = CharField(null=True, max_length=20)
        topic = CharField(null=True, max_length=20)
        weight = CharField(null=True, max_length=10)
        carried_count = IntegerField(default=0)
        written_at = DateTimeField(null=True)
        owner = CharField(null=True, max_length=10)
        due = DateField(null=True)
        done = BooleanField(default=False)
        system_code = CharField(null=True, max_length=40)
        status = CharField(max_length=12, default='pending')
        outcome = TextField(default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'agenda_item'
            indexes = ((('meeting', 'position'), False),)
    db.create_tables([AgendaItem])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('agenda_item'))
    migrator.migrate(migrator.drop_table('talking_point'))
    migrator.migrate(migrator.drop_table('action_item'))
    migrator.migrate(migrator.drop_table('meeting'))

