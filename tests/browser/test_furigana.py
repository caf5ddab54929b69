"""With furigana on, every kanji a client can see on any of their pages has its reading."""
import pytest

from companion import db
from companion.models import User

from .conftest import existing_pages, log_in, open_page, shot

pytestmark = pytest.mark.browser

# The visible text of the page body whose kanji have no ruby; what can't hold ruby is left out.
BARE_KANJI = """() => {
  const kanji = /[\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff々〆ヵヶ]+/;
  const skip = "title, script, style, textarea, option, select, svg, ruby, template";
  const bare = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const found = node.textContent.match(kanji);
    const parent = node.parentElement;
    if (!found || parent.closest(skip)) continue;
    if (!parent.checkVisibility({ visibilityProperty: true })) continue;
    bare.push(`${found[0]} (${node.textContent.trim().slice(0, 30)})`);
  }
  return bare;
}"""


def test_every_client_page_has_ruby_over_every_visible_kanji(app, browser, live, people, world):
    with db.database.connection_context():
        User.update(furigana=True).where(User.id == people["client"].id).execute()
    context = browser.new_context(base_url=live.url, locale="ja-JP",
                                  viewport={"width": 375, "height": 740})
    page = context.new_page()
    log_in(page, "client")
    problems = []
    pages = [p for p in existing_pages(app) if p[0] == "client"]
    pages.append(("client", "/notes/new?kind=worry&weight=urgent", "write-urgent"))
    for _who, path, name in pages:
        problem = open_page(page, path, name, world)
        if problem:
            problems.append(problem)
            continue
        # Open what is folded, so that its text is checked too.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        problems += [f"{name}: {bare}" for bare in page.evaluate(BARE_KANJI)]
        shot(page, f"furigana-{name}")
    assert problems == [], "\n".join(problems)
    # What the scripts say comes with ruby too.
    page.goto("/notes/new?kind=win")
    page.fill("#body", "  ")
    page.evaluate("document.getElementById('body').removeAttribute('required')")
    page.click("button.save")
    page.locator("#body-error ruby").first.wait_for()
    context.close()
