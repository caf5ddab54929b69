"""The tiers of the 就労定着率 as data: the seven of the R6 fee rules, which an office can
correct when the rules change.
"""
from datetime import datetime

from peewee import *

TIERS = (
    (950, '9割5分以上'),
    (900, '9割以上9割5分未満'),
    (800, '8割以上9割未満'),
    (700, '7割以上8割未満'),
    (500, '5割以上7割未満'),
    (300, '3割以上5割未満'),
    (0, '3割未満'),
)


def up(migrator, db):
    class RateTier(Model):
        position = IntegerField(unique=True)
        lower_permille = IntegerField()
        label = CharField(max_length=60)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'rate_tier'

    db.create_tables([RateTier])
    now = datetime.utcnow()
    RateTier.insert_many([{'position': n, 'lower_permille': lower, 'label': label,
                           'updated_at': now} for n, (lower, label) in enumerate(TIERS, 1)]).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_table('rate_tier'))
