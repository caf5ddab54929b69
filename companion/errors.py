"""One JSON error shape for the API, friendly pages for people."""
import math
import time
from urllib.parse import urlsplit

from flask import flash, g, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large",
    422: "validation_error", 429: "rate_limited", 500: "server_error",
}


def messages():
    """What each status says to a person, in their language."""
    return {
        400: _("リクエストの形が正しくありません。"),
        401: _("ログインしてください。"),
        403: _("この操作はできません。"),
        404: _("ページが見つかりません。"),
        405: _("この方法では使えません。"),
        409: _("ほかの内容とぶつかりました。もう一度読み込んでください。"),
        413: _("送る内容が大きすぎます。"),
        422: _("入力を確かめてください。"),
        429: _("回数が多すぎます。少し時間をおいてから、もう一度ためしてください。"),
        500: _("うまく動きませんでした。少し時間をおいてから、もう一度ためしてください。"),
    }


class Refused(Exception):
    """The domain says no: a state that forbids the change (409), input it can't take (422),
    something that isn't there for this person (404). One handler answers it everywhere:
    the API's JSON shape under /api, and for a page the message in view (see init_app)."""

    def __init__(self, status, message=None, fields=None):
        super().__init__(status)
        self.status, self.message, self.fields = status, message, fields


def on_refusal(url):
    """Where a page's form goes back to, with the reason on top, when the domain refuses it."""
    g.refused_back = url


def wants_json():
    """API callers get JSON; browsers get a page."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


def api_error(status, message=None, fields=None, code=None):
    """A JSON error response in the one shape every caller can rely on."""
    body = {"code": code or CODES.get(status, "bad_request"),
            "message": message or messages().get(status, messages()[400])}
    if fields:
        body["fields"] = fields
    return jsonify(error=body), status


def error_response(status, message=None):
    """Answer an error the way the caller prefers."""
    if wants_json():
        return api_error(status, message)
    return render_template("error.html", status=status,
                           message=message or messages().get(status, messages()[400])), status


def init_app(app):
    """Register the handlers that turn every error into one of the two shapes."""

    @app.errorhandler(Refused)
    def _refused(exc):
        if wants_json():
            return api_error(exc.status, exc.message, exc.fields)
        message = exc.message or " ".join(
            str(m) for messages_ in (exc.fields or {}).values() for m in messages_) or None
        back = g.get("refused_back")
        if back is None and request.referrer and urlsplit(request.referrer).netloc == request.host:
            back = request.referrer
        if request.method == "POST" and back and exc.status in (403, 409, 422):
            # A form the domain refused: back to the page it was sent from, the reason on top.
            flash(message or messages()[exc.status], "error")
            return redirect(back)
        return error_response(exc.status, message)

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return error_response(400, _("画面が古くなりました。読み込み直してから、もう一度ためしてください。"))

    @app.errorhandler(429)
    def _too_many(exc):
        from .security import limiter
        limit = limiter.current_limit
        minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60)) if limit else 15
        return error_response(429, _("回数が多すぎます。%(minutes)d分ほどしてから、もう一度ためしてください。",
                                     minutes=minutes))

    @app.errorhandler(HTTPException)
    def _http(exc):
        status = exc.code or 500
        response = error_response(status)
        if status == 405 and exc.get_response().headers.get("Allow"):
            resp, code = response if isinstance(response, tuple) else (response, status)
            return resp, code, {"Allow": exc.get_response().headers["Allow"]}
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)
