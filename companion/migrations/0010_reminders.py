"""Reminders: each device's push subscription, what each person chose, and every reminder sent.

A meeting also counts its changes (SEQUENCE), so a calendar app shows a moved or cancelled
meeting as it is now.
"""
from peewee import *

# Callable defaults (timestamps) are set by the application, not the schema.


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class PushSubscription(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        endpoint_hash = CharField(max_length=64, unique=True)
        endpoint = TextField()
        p256dh = CharField(max_length=200)
        auth = CharField(max_length=100)
        created_at = DateTimeField()
        last_sent_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'push_subscription'

    class ReminderSetting(Model):
        user = ForeignKeyField(User, unique=True, on_delete='CASCADE')
        before_meeting = BooleanField(default=False)
        meeting_day = BooleanField(default=False)
        daily_checkin = BooleanField(default=False)
        checkin_time = CharField(max_length=5, default='18:00')
        quiet_spell = BooleanField(default=False)
        supporter_day = BooleanField(default=False)
        reports_due = BooleanField(default=False)
        quiet_from = CharField(max_length=5, default='21:00')
        quiet_until = CharField(max_length=5, default='08:00')
        feed_key = CharField(max_length=32, null=True, unique=True)
        offer_answered = BooleanField(default=False)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'reminder_setting'

    class ReminderDelivery(Model):
        subscription = ForeignKeyField(PushSubscription, on_delete='CASCADE')
        key = CharField(max_length=80)
        kind = CharField(max_length=20)
        state = CharField(max_length=10, default='sending')
        attempts = IntegerField(default=1)
        payload = TextField(default='')
        expires_at = DateTimeField()
        next_try_at = DateTimeField(null=True)
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        error = CharField(max_length=200, default='')

        class Meta:
            database = db
            table_name = 'reminder_delivery'
            indexes = ((('subscription', 'key'), True), (('state', 'next_try_at'), False))

    db.create_tables([PushSubscription, ReminderSetting, ReminderDelivery])
    migrator.migrate(migrator.add_column('meeting', 'sequence', IntegerField(default=0)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('meeting', 'sequence'))
    for table in ('reminder_delivery', 'reminder_setting', 'push_subscription'):
        migrator.migrate(migrator.drop_table(table))
