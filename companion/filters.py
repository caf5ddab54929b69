"""Template helpers: dates in Japan time, in the reader's language."""
from flask_babel import format_date, format_datetime, get_locale


def when(moment):
    """A stored UTC moment as the reader reads a date and time."""
    if moment is None:
        return ""
    fmt = "M月d日(E) H:mm" if str(get_locale()) == "ja" else "MMM d (E), H:mm"
    return format_datetime(moment, fmt)


def day(value):
    """A date as the reader reads it."""
    if value is None:
        return ""
    fmt = "y年M月d日(E)" if str(get_locale()) == "ja" else "EEE, MMM d, y"
    return format_date(value, fmt)


def month(value):
    """A YYYY-MM key as the reader reads a month."""
    year, mon = value.split("-")
    return f"{year}年{int(mon)}月" if str(get_locale()) == "ja" else f"{year}-{mon}"


def profile_value(text, field):
    """A value as the profile's history keeps it (text), as the reader reads it."""
    from datetime import date

    from .labels import END_REASONS, LEAVE_REASONS
    if not text:
        return "—"
    if field.endswith(("_date", "_from", "_to", "_on", "_since")):
        try:
            return day(date.fromisoformat(text))
        except ValueError:
            return text
    labels = {"left_job_reason": LEAVE_REASONS, "support_end_reason": END_REASONS}.get(field, {})
    return labels.get(text, text)


def init_app(app):
    """Register the filters."""
    from .clock import japan_day
    app.jinja_env.filters.update(when=when, day=day, month=month, profile_value=profile_value,
                                 japan_day=japan_day)
