"""The monthly 支援レポート and the client's approval of its employer copy."""
from peewee import *

# Callable defaults (timestamps) are set by the application, not the schema.


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class MonthlyReport(Model):
        client = ForeignKeyField(User, on_delete='RESTRICT')
        month = CharField(max_length=7)
        status = CharField(max_length=10, default='draft')
        comment_for_client = TextField(default='')
        comment_for_employer = TextField(default='')
        finalised_at = DateTimeField(null=True)
        finalised_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        approved_at = DateTimeField(null=True)
        change_request = TextField(default='')
        change_requested_at = DateTimeField(null=True)
        employer_copy = TextField(default='')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'monthly_report'
            indexes = ((('client', 'month'), True),)
    db.create_tables([MonthlyReport])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('monthly_report'))
