"""The installable app as the server serves it: manifest, service worker, shell marks, furigana."""
import gzip
import json
import os
import struct

import pytest

from companion import ROOT
from companion.furigana import add_ruby, annotate
from companion.models import User


def png_size(path):
    """Width and height from a PNG's header."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_manifest_makes_the_app_installable_in_japanese(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["lang"] == "ja" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["name"] and manifest["short_name"]
    assert manifest["theme_color"] == "#2f6f5e" and manifest["background_color"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    shortcuts = {s["name"]: s["url"] for s in manifest["shortcuts"]}
    assert shortcuts == {"こまった": "/notes/new?kind=worry", "できた": "/notes/new?kind=win"}


@pytest.mark.parametrize("name, size", [("icon-192.png", 192), ("icon-512.png", 512),
                                         ("icon-maskable-512.png", 512)])
def test_icons_are_real_pngs_of_their_size(client, name, size):
    assert png_size(os.path.join(ROOT, "static", "icons", name)) == (size, size)
    assert client.get(f"/static/icons/{name}").status_code == 200


def test_service_worker_is_served_from_the_root_and_always_revalidated(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    script = response.get_data(as_text=True)
    config = json.loads(script.split("\n", 1)[0][len("const CONFIG = "):-1])
    assert len(config["version"]) == 12
    assert "/static/style.css" in config["assets"] and "/static/write.js" in config["assets"]
    # The pages the worker may keep are Home and Write only: never one holding notes,
    # agendas or reports.
    shell = json.loads(script.split("const SHELL_PATHS = ", 1)[1].split(";", 1)[0])
    assert shell == ["/", "/notes/new"]


def test_offline_page_needs_no_login(client):
    response = client.get("/offline")
    assert response.status_code == 200
    assert "電波" in response.get_data(as_text=True)


def test_home_and_write_are_marked_as_the_clients_offline_shell(people, auth, client):
    auth.login("client")
    for url in ("/", "/notes/new?kind=win"):
        response = client.get(url)
        assert response.headers["X-Companion-Shell"] == "1"
        assert response.headers["X-Companion-User"] == str(people["client"].id)
    assert "X-Companion-Shell" not in client.get("/notes").headers
    assert "X-Companion-Shell" not in client.get("/api/v1/notes").headers


def test_a_page_showing_a_one_time_message_is_not_kept(people, auth, client):
    auth.login("client")
    auth.form("/notes/new", {"kind": "win", "body": "できた"})
    response = client.get("/")
    assert "保存しました" in response.get_data(as_text=True)
    assert "X-Companion-Shell" not in response.headers
    assert client.get("/").headers["X-Companion-Shell"] == "1"


def test_staff_pages_are_never_a_shell(people, auth, client):
    auth.login("supporter")
    response = client.get("/")
    assert "X-Companion-Shell" not in response.headers
    assert response.headers["X-Companion-User"] == str(people["supporter"].id)


def test_pages_carry_the_words_the_scripts_say(people, auth, client):
    auth.login("client")
    page = client.get("/").get_data(as_text=True)
    assert 'id="pwa-status" class="status-line pwa-status" role="status"' in page
    assert 'data-queued="未送信で保存しました(電波がもどったら送ります)。"' in page
    assert 'src="/static/app.js"' in page
    write = client.get("/notes/new").get_data(as_text=True)
    assert 'data-phone="03-1111-2222"' in write and 'name="body"' in write
    settings = client.get("/settings").get_data(as_text=True)
    assert 'id="logout-warning"' in settings and 'id="logout-form"' in settings


def test_ruby_reads_words_over_their_kanji_and_leaves_markup_alone():
    html = add_ruby("<html><head><title>面談</title></head><body>"
                    "<p class=\"x\" title=\"面談\">&lt;b&gt;面談&lt;/b&gt;の支援員が決めた</p>"
                    "<textarea>面談</textarea><svg><text>面談</text></svg>"
                    "<select><option>面談</option></select></body></html>")
    assert "<title>面談</title>" in html and 'title="面談"' in html
    assert ("&lt;b&gt;<ruby>面談<rp>(</rp><rt>めんだん</rt><rp>)</rp></ruby>&lt;/b&gt;の"
            "<ruby>支援員<rp>(</rp><rt>しえんいん</rt><rp>)</rp></ruby>が"
            "<ruby>決<rp>(</rp><rt>き</rt><rp>)</rp></ruby>めた") in html
    assert "<textarea>面談</textarea>" in html and "<text>面談</text>" in html
    assert "<option>面談</option>" in html


def test_furigana_setting_puts_ruby_on_the_client_screens(people, auth, client):
    auth.login("client")
    assert "<ruby>" not in client.get("/").get_data(as_text=True)
    User.update(furigana=True).where(User.id == people["client"].id).execute()
    home = client.get("/").get_data(as_text=True)
    assert "<ruby>面談<rp>(</rp><rt>めんだん</rt>" in home
    assert "<ruby>体調<rp>(</rp><rt>たいちょう</rt>" in home
    write = client.get("/notes/new").get_data(as_text=True)
    assert "<ruby>保存<rp>(</rp><rt>ほぞん</rt>" in write
    # Never inside an attribute.
    assert '="<ruby>' not in write
    # What the scripts say comes with its ruby, escaped, for them to insert as markup.
    assert '&lt;ruby&gt;保存&lt;rp&gt;(&lt;/rp&gt;&lt;rt&gt;ほぞん' in write
    assert 'data-saved="&lt;span class=&#34;furi&#34;&gt;' in write
    assert 'data-furigana="1"' in write


def test_ruby_puts_the_reading_over_the_kanji_only():
    assert annotate("困った") == '<span class="furi"><ruby>困<rp>(</rp><rt>こま</rt><rp>)</rp></ruby>った</span>'
    assert "<ruby>何<rp>(</rp><rt>なに</rt><rp>)</rp></ruby>もない" in annotate("何もない")
    # Dates read as days are read: 2日 is ふつか, (水) is すい.
    assert ("<ruby>2日<rp>(</rp><rt>ふつか</rt><rp>)</rp></ruby>(<ruby>水<rp>(</rp><rt>すい</rt>"
            in annotate("12月2日(水)"))
    assert "<ruby>1日<rp>(</rp><rt>ついたち</rt>" in annotate("12月1日(火)")
    assert "<ruby>1日<rp>(</rp><rt>いちにち</rt>" in annotate("よい日 1日")


def test_stylesheet_and_scripts_are_gzipped_and_still_revalidate(client):
    plain = client.get("/static/style.css")
    zipped = client.get("/static/style.css", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.data) < len(plain.data) / 2
    assert gzip.decompress(zipped.data) == plain.data
    etag = zipped.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/static/style.css", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304


def test_pages_with_secrets_are_never_compressed(people, auth, client):
    auth.login("client")
    response = client.get("/notes/new", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
