"""Offices, people, client profiles, assignments and invitations."""
from peewee import *

# Callable defaults (timestamps, ids) are set by the application, not the schema.


def up(migrator, db):
    class Office(Model):
        name = CharField(max_length=200)
        phone = CharField(max_length=40, default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'office'
    db.create_tables([Office])

    class User(Model):
        office = ForeignKeyField(Office, on_delete='RESTRICT')
        role = CharField(index=True, max_length=20)
        login = CharField(unique=True, max_length=80)
        display_name = CharField(max_length=100)
        password_hash = CharField(null=True)
        active = BooleanField(default=True)
        locale = CharField(max_length=5, default='ja')
        furigana = BooleanField(default=False)
        session_version = IntegerField(default=1)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class Assignment(Model):
        client = ForeignKeyField(User, on_delete='CASCADE')
        supporter = ForeignKeyField(User, on_delete='CASCADE')
        starts_on = DateField()
        ends_on = DateField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'assignment'
    db.create_tables([Assignment])

    class ClientProfile(Model):
        user = ForeignKeyField(User, unique=True, on_delete='CASCADE')
        hire_date = DateField(null=True)
        employer_name = CharField(max_length=200, default='')
        job_title = CharField(max_length=200, default='')
        certificate_valid_from = DateField(null=True)
        certificate_valid_to = DateField(null=True)
        office_phone = CharField(max_length=40, default='')
        class Meta:
            database = db
            table_name = 'client_profile'
    db.create_tables([ClientProfile])

    class Invitation(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        token_hash = CharField(unique=True, max_length=64)
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'invitation'
    db.create_tables([Invitation])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('invitation'))
    migrator.migrate(migrator.drop_table('client_profile'))
    migrator.migrate(migrator.drop_table('assignment'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('office'))
