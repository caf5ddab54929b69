"""What staff write on a profile, and what a client asks for: one schema per form."""
from marshmallow import ValidationError, validates, validates_schema

from ..fields import PROFILE_DAY, BaseSchema, _l, choice, day_field, not_blank, text
from ..models import END_REASONS, LEAVE_REASONS, STEP_KEYS, today

PROFILE_TEXT = ("employer_name", "job_title", "office_phone")
PROFILE_DATES = ("hire_date", "certificate_valid_from", "certificate_valid_to")


class OfProfile(BaseSchema):
    """A form about one profile: its dates bound what may be entered."""

    def __init__(self, profile=None, **kwargs):
        super().__init__(**kwargs)
        self.profile = profile

    def since(self):
        """The first day of the current job (the hire date unless the job changed)."""
        return self.profile and (self.profile.employer_since or self.profile.hire_date)

    def until_today(self, value):
        if value > today():
            raise ValidationError(str(_l("今日までの日付にしてください。")))

    def after_hire(self, value):
        hire = self.profile and self.profile.hire_date
        if hire and value < hire:
            raise ValidationError(str(_l("就職日(%(day)s)より後にしてください。"))
                                  % {"day": hire.isoformat()})


class ProfileSchema(OfProfile):
    """The profile's fields; every date through the one profile window."""
    hire_date = day_field(PROFILE_DAY, allow_none=True)
    employer_name = text(200)
    job_title = text(200)
    certificate_valid_from = day_field(PROFILE_DAY, allow_none=True)
    certificate_valid_to = day_field(PROFILE_DAY, allow_none=True)
    office_phone = text(40)

    @validates_schema
    def _certificate_in_order(self, data, **kwargs):
        start, end = data.get("certificate_valid_from"), data.get("certificate_valid_to")
        if start and end and end < start:
            raise ValidationError(str(_l("おわりの日は、はじめの日より後にしてください。")),
                                  "certificate_valid_to")

    @validates("hire_date")
    def _before_the_current_job(self, value, **kwargs):
        since = self.profile and self.profile.employer_since
        if value and since and value >= since:
            raise ValidationError(str(_l("今の会社で働きはじめた日(%(day)s)より前にしてください。"))
                                  % {"day": since.isoformat()})


class JobChangeSchema(OfProfile):
    """A new employer from a day on: after the current job began, and not ahead of today."""
    starts_on = day_field(PROFILE_DAY, required=True)
    employer_name = text(200, required=True, checks=(not_blank,))
    job_title = text(200)

    @validates("starts_on")
    def _after_the_current_job(self, value, **kwargs):
        since = self.since()
        if not since:
            raise ValidationError(str(_l("先に就職日を入れてください。")))
        if value <= since:
            raise ValidationError(str(_l("今の仕事をはじめた日(%(day)s)より後にしてください。"))
                                  % {"day": since.isoformat()})
        self.until_today(value)


def ending(day_key, reasons, words_key, of_this_job=False):
    """A schema for a day that ends something (since the hire, or since the current job
    began, up to today), its reason and a few words: leaving the job and the end of support
    are made alike."""

    class Ending(OfProfile):
        @validates_schema
        def _a_day_that_has_come(self, data, **kwargs):
            value = data.get(day_key)
            if value:
                try:
                    self.after_hire(value)
                    since = self.since() if of_this_job else None
                    if since and value < since:
                        raise ValidationError(str(_l("今の仕事をはじめた日(%(day)s)より後にしてください。"))
                                              % {"day": since.isoformat()})
                    self.until_today(value)
                except ValidationError as error:
                    raise ValidationError(error.messages, day_key) from None

    return Ending.from_dict({day_key: day_field(PROFILE_DAY, required=True),
                             "reason": choice(reasons, required=True),
                             words_key: text(200)}, name=f"Ending{day_key}")


# 離職: the day and the reason (the article's three, or another); it ends support.
LeavingSchema = ending("left_on", LEAVE_REASONS, "detail", of_this_job=True)
# The end of support as the manager records it (leaving the job is recorded as such).
SupportEndSchema = ending("ended_on", tuple(r for r in END_REASONS if r != "left_job"), "note")


class SupporterRequestSchema(BaseSchema):
    """A client's wish for another supporter; the reason is optional."""
    reason = text(500)


class HandleRequestSchema(BaseSchema):
    outcome = choice(("kept",), required=True)


class StepSchema(BaseSchema):
    key = choice(STEP_KEYS, required=True)
    done = choice(("1", "0"), required=True)
