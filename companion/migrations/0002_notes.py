"""Notes, daily check-ins and the access log."""
from peewee import *

# Callable defaults (timestamps, ids) are set by the application, not the schema.


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class AccessLog(Model):
        actor = ForeignKeyField(User, on_delete='CASCADE')
        client = ForeignKeyField(User, on_delete='CASCADE')
        what = CharField(max_length=40)
        target = CharField(max_length=64, default='')
        at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'access_log'
    db.create_tables([AccessLog])

    class CheckIn(Model):
        client = ForeignKeyField(User, on_delete='CASCADE')
        day = DateField()
        mood = IntegerField(null=True)
        body = IntegerField(null=True)
        sleep = IntegerField(null=True)
        comment = CharField(max_length=200, default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'check_in'
            indexes = ((('client', 'day'), True),)
    db.create_tables([CheckIn])

    class Note(Model):
        id = CharField(primary_key=True, max_length=36)
        client = ForeignKeyField(User, on_delete='CASCADE')
        kind = CharField(max_length=20)
        topic = CharField(null=True, max_length=20)
        weight = CharField(null=True, max_length=10)
        body = TextField()
        visibility = CharField(max_length=10, default='shared')
        share_with_employer = BooleanField(default=False)
        agenda_choice = CharField(max_length=20, default='raise')
        starred_at = DateTimeField(null=True)
        written_at = DateTimeField()
        received_at = DateTimeField()
        updated_at = DateTimeField()
        state = CharField(max_length=10, default='open')
        carried_count = IntegerField(default=0)
        deleted_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'note'
            indexes = ((('client', 'written_at'), False),)
    db.create_tables([Note])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('note'))
    migrator.migrate(migrator.drop_table('check_in'))
    migrator.migrate(migrator.drop_table('access_log'))
