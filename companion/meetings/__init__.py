"""Meetings: the live agenda, the meeting itself, its actions, its API, its pages and Prepare."""
