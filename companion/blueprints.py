"""The app's blueprints: the pages of each feature, and the JSON API with each feature's
routes as a child blueprint under /api/v1. Nested once, when this module is first imported."""
from . import accounts, admin, api, auth, caseload, checkins, clients, export, pages, pwa
from .meetings import api as meetings_api, pages as meetings_pages, prepare
from .notes import api as notes_api, pages as notes_pages
from .profiles import pages as profiles_pages
from .record import pages as record_pages
from .reminders import api as reminders_api, pages as reminders_pages
from .reports import api as reports_api, pages as reports_pages
from .strengths import pages as strengths_pages

for feature_api in (notes_api.bp, meetings_api.bp, reports_api.bp, caseload.bp, checkins.api_bp,
                    export.bp, reminders_api.bp):
    api.bp.register_blueprint(feature_api)

TOP_LEVEL = tuple(module.bp for module in (
    pages, auth, accounts, admin, checkins, clients, notes_pages, meetings_pages, prepare,
    reports_pages, reminders_pages, profiles_pages, strengths_pages, record_pages, pwa, api))
