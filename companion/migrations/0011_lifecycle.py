"""Three years as they go: profile history, earlier jobs, a change of supporter asked for,
the move into support ticked off, leaving work and the end of support.
"""
from peewee import *

# Callable defaults (timestamps) are set by the application, not the schema.

PROFILE_COLUMNS = (
    ('employer_since', lambda: DateField(null=True)),
    ('left_job_on', lambda: DateField(null=True)),
    ('left_job_reason', lambda: CharField(max_length=20, null=True)),
    ('left_job_detail', lambda: CharField(max_length=200, default='')),
    ('support_ended_on', lambda: DateField(null=True)),
    ('support_end_reason', lambda: CharField(max_length=20, null=True)),
    ('support_end_note', lambda: CharField(max_length=200, default='')),
)


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class ProfileChange(Model):
        client = ForeignKeyField(User, on_delete='CASCADE')
        actor = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
        event = CharField(max_length=20, default='edit')
        field = CharField(max_length=40)
        before = TextField(default='')
        after = TextField(default='')
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'profile_change'
            indexes = ((('client', 'at'), False),)

    class Employment(Model):
        client = ForeignKeyField(User, on_delete='CASCADE')
        employer_name = CharField(max_length=200, default='')
        job_title = CharField(max_length=200, default='')
        starts_on = DateField(null=True)
        ends_on = DateField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'employment'

    class SupporterRequest(Model):
        client = ForeignKeyField(User, on_delete='CASCADE')
        reason = TextField(default='')
        created_at = DateTimeField()
        handled_at = DateTimeField(null=True)
        handled_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
        outcome = CharField(max_length=20, null=True)

        class Meta:
            database = db
            table_name = 'supporter_request'

    class StepCheck(Model):
        client = ForeignKeyField(User, on_delete='CASCADE')
        key = CharField(max_length=30)
        done_at = DateTimeField()
        done_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')

        class Meta:
            database = db
            table_name = 'step_check'
            indexes = ((('client', 'key'), True),)

    db.create_tables([ProfileChange, Employment, SupporterRequest, StepCheck])
    migrator.migrate(*(migrator.add_column('client_profile', name, make())
                       for name, make in PROFILE_COLUMNS))


def down(migrator, db):
    migrator.migrate(*(migrator.drop_column('client_profile', name)
                       for name, _make in reversed(PROFILE_COLUMNS)))
    for table in ('step_check', 'supporter_request', 'employment', 'profile_change'):
        migrator.migrate(migrator.drop_table(table))
