"""The access log by one rule: one row per viewer, client, thing and Japan day, with a count."""
from datetime import timedelta

from peewee import *

JST = timedelta(hours=9)


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('access_log', 'day', DateField(null=True)),
        migrator.add_column('access_log', 'count', IntegerField(default=1)),
        migrator.add_column('access_log', 'first_at', DateTimeField(null=True)),
    )

    class AccessLog(Model):
        actor_id = IntegerField()
        client_id = IntegerField()
        what = CharField()
        target = CharField()
        day = DateField(null=True)
        count = IntegerField()
        first_at = DateTimeField(null=True)
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'access_log'

    merged = {}
    for row in AccessLog.select().order_by(AccessLog.at, AccessLog.id):
        key = (row.actor_id, row.client_id, row.what, row.target, (row.at + JST).date())
        if key in merged:
            keep = merged[key]
            keep.count += 1
            keep.at = row.at
            row.delete_instance()
        else:
            row.day, row.first_at = key[4], row.at
            merged[key] = row
    for row in merged.values():
        row.save()
    migrator.migrate(
        migrator.add_not_null('access_log', 'day'),
        migrator.add_not_null('access_log', 'first_at'),
        migrator.add_index('access_log', ('actor_id', 'client_id', 'what', 'target', 'day'), True),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('access_log', 'access_log_actor_id_client_id_what_target_day'),
        migrator.drop_column('access_log', 'first_at'),
        migrator.drop_column('access_log', 'count'),
        migrator.drop_column('access_log', 'day'),
    )
