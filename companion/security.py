"""Protection on every response: CSRF, login rate limits and security headers."""
import flask
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import BadRequest

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[],
                  headers_enabled=True)

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])


def init_app(app):
    """Turn on CSRF protection, the rate limiter and the headers."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    csrf.init_app(app)
    limiter.init_app(app)

    @app.after_request
    def _headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "same-origin"
        h["X-Frame-Options"] = "DENY"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.endpoint in ("static", "pwa.service_worker", "pwa.manifest"):
            h["Cache-Control"] = "no-cache"
        else:
            # Pages and API answers may hold personal notes: never store them.
            h["Cache-Control"] = "no-store"
            h["Pragma"] = "no-cache"
        if app.config["SESSION_COOKIE_SECURE"]:
            h["Strict-Transport-Security"] = "max-age=31536000"
        return response


# endpoint → the largest body it takes: a portable record is one client's years of notes.
LARGE_BODIES = {"record.bring_in": 16 * 1024 * 1024}


class Request(flask.Request):
    """The request, with JSON that can't break a handler: too deep, or text UTF-8 can't hold.

    json.loads raises RecursionError (not ValueError) on deeply nested brackets, and
    accepts lone surrogates ("\\ud800") that no database or page can encode. Both are
    answered 400 in the one error shape, as malformed JSON is.

    A body is at most MAX_CONTENT_LENGTH (64 KiB), but for the few routes that take a file
    (LARGE_BODIES): read before CSRF protection parses the form, so it holds there too.
    """

    @property
    def max_content_length(self):
        larger = LARGE_BODIES.get(self.endpoint or "")
        return larger or super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value):
        flask.Request.max_content_length.fset(self, value)

    def get_json(self, force=False, silent=False, cache=True):
        try:
            data = super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            data, broken = None, True
        else:
            broken = not encodable(data)
        if broken:
            if silent:
                return None
            raise BadRequest("malformed JSON")
        return data


def encodable(data):
    """True when every string in a parsed JSON value (keys too) can be written as UTF-8."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return True
