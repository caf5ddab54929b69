"""Companion: jot worries and wins, compile the monthly 作戦会議 agenda."""
import os
from datetime import timedelta

from flask import Flask

from . import config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config=None):
    """Create and configure the Flask application."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    from .security import Request
    app.request_class = Request
    instance = os.environ.get("COMPANION_INSTANCE_PATH")
    if instance:
        app.instance_path = os.path.abspath(instance)
    os.makedirs(app.instance_path, exist_ok=True)

    app.config.update(config.defaults())
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.instance_secret(app.instance_path)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(
            app.instance_path, "companion.sqlite3")
    secure = app.config["SECURE_COOKIES"]
    app.config.update(
        MAX_CONTENT_LENGTH=64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_DURATION=timedelta(days=30),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=timedelta(days=30),
        WTF_CSRF_HEADERS=["X-CSRF-Token", "X-CSRFToken"],
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["RATELIMIT_STORAGE_URI"])
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from . import (
        access, auth, blueprints, cli, db, errors, filters, furigana, i18n, labels, security,
    )
    for extension in (db, i18n, security, errors, auth, access, labels, filters, furigana, cli):
        extension.init_app(app)
    for blueprint in blueprints.TOP_LEVEL:
        app.register_blueprint(blueprint)
    return app
