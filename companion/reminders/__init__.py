"""Reminders: Web Push at the right moments (plan.py, sender.py, push.py) and the calendar feed."""
