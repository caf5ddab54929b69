"""The installable app: the manifest, the service worker and the offline page."""
import gzip
import hashlib
import json
import os

from flask import Blueprint, Response, current_app, get_flashed_messages, render_template, request
from flask_babel import get_locale, gettext as _
from flask_login import current_user

bp = Blueprint("pwa", __name__)

THEME = "#2f6f5e"
BACKGROUND = "#f7f5ef"
# What the service worker keeps for offline use. Pages holding notes, agendas or
# reports are never among them; Home and Write are added per person as they are visited.
# The 512 px icons are only read when installing, which needs the network anyway.
ASSETS = ("style.css", "app.js", "outbox.js", "sync.js", "write.js", "checkin.js",
          "icons/icon-192.png")
OFFLINE = "/offline"
# Pages the service worker may keep for the signed-in client and show offline.
SHELL = {"pages.home", "notes.write"}
# Files sent gzipped: they hold no secret, so compressing them can't leak one (BREACH).
PUBLIC = {"static", "pwa.service_worker", "pwa.manifest"}
COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript",
                "application/manifest+json", "image/svg+xml"}


def _icon(name, size, purpose="any"):
    return {"src": f"/static/icons/{name}", "sizes": f"{size}x{size}", "type": "image/png",
            "purpose": purpose}


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: name, icons, colours and the two shortcuts."""
    data = {
        "name": _("Companion — 面談の準備メモ"),
        "short_name": "Companion",
        "description": _("こまったことや、できたことを、いつでもメモしておけます。"),
        "lang": str(get_locale()),
        "dir": "ltr",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [_icon("icon-192.png", 192), _icon("icon-512.png", 512),
                  _icon("icon-maskable-512.png", 512, "maskable")],
        "shortcuts": [
            {"name": _("こまった"), "short_name": _("こまった"), "url": "/notes/new?kind=worry",
             "icons": [_icon("icon-192.png", 192)]},
            {"name": _("できた"), "short_name": _("できた"), "url": "/notes/new?kind=win",
             "icons": [_icon("icon-192.png", 192)]},
        ],
    }
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json")


def shell_version():
    """A digest of the worker and everything it caches: any change installs a new worker."""
    static = current_app.static_folder
    digest = hashlib.sha256()
    files = [os.path.join(static, "sw.js"), *(os.path.join(static, a) for a in ASSETS),
             os.path.join(current_app.template_folder, "pwa", "offline.html")]
    for path in files:
        with open(path, "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()[:12]


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the site root so that its scope is the whole app."""
    with open(os.path.join(current_app.static_folder, "sw.js"), encoding="utf-8") as fh:
        script = fh.read()
    config = {"version": shell_version(), "assets": ["/static/" + a for a in ASSETS],
              "offline": OFFLINE}
    body = f"const CONFIG = {json.dumps(config)};\n{script}"
    return Response(body, mimetype="text/javascript")


@bp.get("/offline")
def offline():
    """Shown by the service worker for a page that needs the network when there is none."""
    return render_template("pwa/offline.html")


@bp.after_app_request
def _mark_pages(response):
    """Tell the service worker whose page this is, and whether it may keep it for offline use."""
    if response.mimetype != "text/html" or request.method != "GET":
        return response
    if current_user.is_authenticated:
        response.headers["X-Companion-User"] = str(current_user.id)
        # A page showing a one-time message is not a shell: offline it would repeat it.
        if (request.endpoint in SHELL and response.status_code == 200
                and current_user.role == "client" and not get_flashed_messages()):
            response.headers["X-Companion-Shell"] = "1"
    return response


@bp.after_app_request
def _compress(response):
    """Gzip the stylesheet and scripts: Write's first visit stays a few tens of kilobytes."""
    if (request.endpoint not in PUBLIC or response.status_code != 200
            or response.mimetype not in COMPRESSIBLE or "Content-Encoding" in response.headers
            or "gzip" not in request.headers.get("Accept-Encoding", "")):
        return response
    response.direct_passthrough = False
    response.set_data(gzip.compress(response.get_data(), 6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    etag, _weak = response.get_etag()
    if etag:
        # Another encoding of the same file: a weak tag, which still revalidates to a 304.
        response.set_etag(etag, weak=True)
    return response
