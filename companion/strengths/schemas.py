"""What the client and the supporter write on わたしの強みと配慮, and the hand-over's choices."""
from marshmallow import fields

from ..fields import BaseSchema, choice, messages, not_blank, text
from . import core


def words(required=False):
    return text(core.LONGEST, required=required, checks=[not_blank])


def consent():
    return fields.Boolean(load_default=False, error_messages=messages())


class EntrySchema(BaseSchema):
    """An entry as its writer gives it: which part, in their words, and (the client's
    choice only) whether it may go to the employer."""
    part = choice(core.PARTS, required=True)
    text = words(required=True)
    share_with_employer = consent()


class ProposalSchema(BaseSchema):
    """A supporter's proposal: the client decides the rest."""
    part = choice(core.PARTS, required=True)
    text = words(required=True)


class SuggestionSchema(BaseSchema):
    """The client's answer to a suggestion: take it (as changed), or not."""
    source = text(60, required=True)
    action = choice(("accept", "dismiss"), required=True)
    part = choice(core.PARTS)
    text = words()
    share_with_employer = consent()


class ChangeSchema(BaseSchema):
    """Yes or no to a proposal, or a change to an entry on the page."""
    action = choice(("accept", "decline", "save", "remove"), required=True)
    part = choice(core.PARTS)
    text = words()
    share_with_employer = consent()


class DecideSchema(BaseSchema):
    """One line of the hand-over: passed on (1) or left out (0)."""
    passed = choice(("1", "0"), required=True)


class SheetQuerySchema(BaseSchema):
    """Which sheet: the employer's (only what the client marked) or all of it."""
    which = choice(("employer", "all"), load_default="employer")
