"""Japanese first, English complete: every string has its English, and the page says its language."""
import io
import os

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from companion import ROOT
from companion.models import User

PO = os.path.join(ROOT, "companion", "translations", "en", "LC_MESSAGES", "messages.po")
MO = PO[:-2] + "mo"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_strings():
    """Every translatable string in the code and templates, as extracted by Babel."""
    found = set()
    for folder, method in (("companion", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _ctx in extract_from_dir(
                os.path.join(ROOT, folder), [(pattern, method)], keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_has_an_english_translation():
    with open(PO, "rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and m.string}
    missing = sorted(source_strings() - translated)
    assert missing == [], "no English for: " + ", ".join(missing[:20])


def test_compiled_catalog_matches_its_source():
    with open(PO, "rb") as fh:
        catalog = read_po(fh)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    with open(MO, "rb") as fh:
        assert fh.read() == compiled.getvalue(), "run: pybabel compile -d companion/translations"


def test_login_page_is_japanese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="ja">' in page and "ログイン" in page


def test_language_chosen_before_login_is_english(client):
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page


def test_account_language_drives_every_page(people, auth, client):
    User.update(locale="en").where(User.id == people["client"].id).execute()
    auth.login("client")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Today's condition" in page and "今日の調子" not in page


def test_settings_change_the_language_on_the_account(people, auth, client):
    auth.login("client")
    response = auth.form("/settings", {"locale": "en"})
    assert response.status_code == 302
    assert User.get_by_id(people["client"].id).locale == "en"
    assert '<html lang="en">' in client.get("/settings").get_data(as_text=True)


def test_api_errors_speak_the_account_language(people, auth, client):
    User.update(locale="en").where(User.id == people["client"].id).execute()
    auth.login("client")
    response = auth.post("/api/v1/notes", json={"kind": "worry", "body": "   "})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["body"] == ["Please write something."]
