"""Actions and talking points decided from an agenda item remember which one.

During a meeting the supporter adds them right where the conversation is; the link lets the
meeting page show them under that item. It is empty for everything added before.
"""
from peewee import *


def up(migrator, db):
    class AgendaItem(Model):
        class Meta:
            database = db
            table_name = 'agenda_item'

    migrator.migrate(
        migrator.add_column('action_item', 'from_item_id',
                            ForeignKeyField(AgendaItem, null=True, on_delete='SET NULL',
                                            field=AgendaItem.id)),
        migrator.add_column('talking_point', 'from_item_id',
                            ForeignKeyField(AgendaItem, null=True, on_delete='SET NULL',
                                            field=AgendaItem.id)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('talking_point', 'talking_point_from_item_id'),
        migrator.drop_index('action_item', 'action_item_from_item_id'),
        migrator.drop_column('talking_point', 'from_item_id'),
        migrator.drop_column('action_item', 'from_item_id'),
    )
