"""Languages: Japanese first, English complete; the choice lives on the account."""
from flask import has_request_context, request, session
from flask_babel import Babel
from flask_login import current_user

LANGUAGES = {"ja": "日本語", "en": "English"}
DEFAULT = "ja"


def select_locale():
    """The signed-in person's language, else the one picked on this device, else Japanese."""
    if not has_request_context():
        return DEFAULT
    if current_user and current_user.is_authenticated:
        return current_user.locale if current_user.locale in LANGUAGES else DEFAULT
    chosen = request.args.get("lang") or session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT


def init_app(app):
    """Attach Flask-Babel and remember a language chosen before logging in."""
    Babel(app, locale_selector=select_locale, default_locale=DEFAULT,
          default_timezone="Asia/Tokyo")

    @app.before_request
    def _remember_language():
        lang = request.args.get("lang")
        if lang in LANGUAGES and request.endpoint != "static":
            session["lang"] = lang

    @app.context_processor
    def _languages():
        from flask_babel import get_locale
        return {"languages": LANGUAGES, "current_locale": str(get_locale())}
