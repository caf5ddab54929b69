"""The portable record's consent, kept at the office it leaves and at the one it comes to."""
from peewee import *

# Callable defaults (timestamps) are set by the application, not the schema.


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class RecordTransfer(Model):
        client = ForeignKeyField(User, backref='+', on_delete='CASCADE')
        direction = CharField(max_length=10)
        include_private = BooleanField(default=False)
        other_office = CharField(max_length=200, default='')
        consent_at = DateTimeField()
        actor = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
        at = DateTimeField()

        class Meta:
            database = db
            table_name = 'record_transfer'

    db.create_tables([RecordTransfer])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('record_transfer'))
