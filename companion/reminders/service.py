"""A person's reminder choices: read with their defaults (all off), and saved."""
from ..models import ReminderSetting, utcnow


def setting_of(user, create=False):
    """The person's ReminderSetting; an unsaved one, all off, until they choose something."""
    setting = ReminderSetting.get_or_none(ReminderSetting.user == user.id)
    if setting is None:
        setting = ReminderSetting(user=user.id)
        if create:
            setting.save()
    return setting


def save(setting, data):
    for key, value in data.items():
        setattr(setting, key, value)
    setting.updated_at = utcnow()
    setting.save()
    return setting
