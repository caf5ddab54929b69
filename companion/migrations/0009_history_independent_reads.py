"""Indexes that keep a client's years out of every agenda read.

A note kept out of a meeting (「今回は話さない」) stays open for good, and closed meetings
pile up month after month; with these the agenda, the meeting page and Prepare find the
open notes, the last closed meeting, the unsettled actions and the points not yet raised
by index range, at any age of the record.
"""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_index('note', ('client_id', 'state', 'agenda_choice'), False),
        migrator.add_index('meeting', ('client_id', 'state', 'started_at'), False),
        migrator.add_index('action_item', ('client_id', 'settled_at'), False),
        migrator.add_index('talking_point', ('client_id', 'meeting_id'), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('talking_point', 'talking_point_client_id_meeting_id'),
        migrator.drop_index('action_item', 'action_item_client_id_settled_at'),
        migrator.drop_index('meeting', 'meeting_client_id_state_started_at'),
        migrator.drop_index('note', 'note_client_id_state_agenda_choice'),
    )
