"""Password links made by staff for an account that has a password: short-lived and reported."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('invitation', 'purpose', CharField(max_length=10, default='invite')),
        migrator.add_column('user', 'reset_used_at', DateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('user', 'reset_used_at'),
        migrator.drop_column('invitation', 'purpose'),
    )
