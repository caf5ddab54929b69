"""わたしの強みと配慮 and the hand-over drafted at the end of support."""
from peewee import *

# Callable defaults (timestamps) are set by the application, not the schema.


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Strength(Model):
        client = ForeignKeyField(User, on_delete='CASCADE')
        part = CharField(max_length=20)
        text = CharField(max_length=200)
        state = CharField(max_length=10, default='accepted')
        source = CharField(max_length=60, null=True)
        proposed_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
        share_with_employer = BooleanField(default=False)
        accepted_at = DateTimeField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'strength'
            indexes = ((('client', 'state'), False), (('client', 'source'), True))

    class HandOver(Model):
        client = ForeignKeyField(User, backref='+', on_delete='CASCADE', unique=True)
        support_start = DateField(null=True)
        support_end = DateField()
        end_reason = CharField(max_length=20, null=True)
        drafted_at = DateTimeField()
        approved_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'hand_over'

    class HandOverItem(Model):
        hand_over = ForeignKeyField(HandOver, on_delete='CASCADE')
        position = IntegerField()
        section = CharField(max_length=20)
        month = CharField(max_length=7, default='')
        text = TextField()
        passed = BooleanField(null=True)

        class Meta:
            database = db
            table_name = 'hand_over_item'
            indexes = ((('hand_over', 'position'), True),)

    db.create_tables([Strength, HandOver, HandOverItem])


def down(migrator, db):
    for table in ('hand_over_item', 'hand_over', 'strength'):
        migrator.migrate(migrator.drop_table(table))
