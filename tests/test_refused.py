"""The domain's one error: JSON under /api, the friendly page or a message for people."""
from flask import Blueprint, flash

from companion.errors import Refused, on_refusal


def routes(app):
    """A page and an API route that the domain refuses, added before the first request."""
    pages = Blueprint("refusing", __name__)

    @pages.route("/refusing", methods=["GET", "POST"])
    def refusing():
        on_refusal("/settings")
        raise Refused(409, "この面談は、いま進行中ではありません。")

    @pages.get("/refusing/fields")
    def refusing_fields():
        raise Refused(422, fields={"text": ["この項目を入れてください。"]})

    @pages.get("/api/v1/refusing")
    def refusing_api():
        flash("never shown")
        raise Refused(409, "この面談は、いま進行中ではありません。")
    app.register_blueprint(pages)


def test_a_page_that_the_domain_refuses_answers_the_friendly_page_or_goes_back(app, client):
    routes(app)
    page = client.get("/refusing")
    assert page.status_code == 409 and page.mimetype == "text/html"
    assert "この面談は、いま進行中ではありません。" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)
    fields = client.get("/refusing/fields")
    assert fields.status_code == 422 and "この項目を入れてください。" in fields.get_data(as_text=True)
    # A form goes back where its view said, with the reason on top.
    sent = client.post("/refusing", data={}, headers={"Referer": "http://localhost/elsewhere"})
    assert sent.status_code in (302, 400)  # 400 only when CSRF stops it first


def test_a_refused_form_goes_back_with_the_reason(app, client):
    routes(app)
    app.config["WTF_CSRF_ENABLED"] = False
    sent = client.post("/refusing")
    assert sent.status_code == 302 and sent.headers["Location"] == "/settings"
    with client.session_transaction() as session:
        assert ("error", "この面談は、いま進行中ではありません。") in session["_flashes"]


def test_the_api_answers_the_one_json_shape(app, client):
    routes(app)
    answer = client.get("/api/v1/refusing")
    assert answer.status_code == 409
    assert answer.get_json() == {"error": {"code": "conflict",
                                           "message": "この面談は、いま進行中ではありません。"}}


def test_no_view_catches_the_domain_error_itself():
    import pathlib
    import re
    package = pathlib.Path(__file__).parent.parent / "companion"
    catching = [f"{path.name}:{n}" for path in package.rglob("*.py")
                for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if re.search(r"except\s*\(?[^:]*\bRefused\b", line)]
    assert catching == []
