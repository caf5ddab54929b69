"""WCAG 2.2 AA in Chromium: axe-core finds nothing, and no page scrolls sideways at 320 px.

To check a new page, add a line to PAGES: who looks at it, its path (with {client} or
{meeting} for the ids made below), and a name. Pages whose route does not exist yet are left out.
"""

import pytest


from .conftest import AXE_OPTIONS, existing_pages, log_in, open_page

pytestmark = pytest.mark.browser

WIDTHS = (320, 1280)


def visit_all(app, browser, live, world, check):
    """Log in as each person once and run check(page, name, width) on each of their pages."""
    problems = []
    for who in (None, "client", "supporter", "manager", "other-client"):
        pages = [p for p in existing_pages(app) if p[0] == who]
        if not pages:
            continue
        context = browser.new_context(base_url=live.url, locale="ja-JP")
        page = context.new_page()
        if who:
            log_in(page, who)
        for _who, path, name in pages:
            if "{meeting}" in path and world["meeting"] is None:
                continue
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                problem = open_page(page, path, name, world)
                problems += [problem] if problem else check(page, name, width)
        context.close()
    return problems


def test_axe_finds_no_wcag22_aa_violation_on_any_page(app, browser, live, world):
    from axe_playwright_python.sync_playwright import Axe
    axe = Axe()

    def check(page, name, width):
        results = axe.run(page, options=AXE_OPTIONS).response
        return [f"{name} @{width}px: {v['id']} — {v['help']} — "
                + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                            for n in v["nodes"][:5])
                for v in results["violations"]]
    problems = visit_all(app, browser, live, world, check)
    assert problems == [], "\n".join(problems)


def test_no_page_scrolls_sideways_at_320px_even_with_text_at_200_percent(app, browser, live, world):
    def check(page, name, width):
        found = []
        if width != 320:
            return found
        if page.evaluate("document.documentElement.scrollWidth > innerWidth"):
            found.append(f"{name}: scrolls sideways at 320 px")
        # 200% text on a 640 px window is 320 CSS px of 16 px text, as a zoomed phone shows it.
        page.set_viewport_size({"width": 640, "height": 800})
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        if page.evaluate("document.documentElement.scrollWidth > innerWidth"):
            found.append(f"{name}: scrolls sideways with text at 200%")
        page.evaluate("document.documentElement.style.fontSize = ''")
        return found
    problems = visit_all(app, browser, live, world, check)
    assert problems == [], "\n".join(problems)


def test_keyboard_focus_is_never_hidden_under_the_sticky_bar(browser, live, people):
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 500})
    page = context.new_page()
    log_in(page, "client")
    for path in ("/", "/settings"):
        page.goto(path)
        for _ in range(40):
            page.keyboard.press("Tab")
            hidden = page.evaluate("""() => {
                const el = document.activeElement, bar = document.querySelector('.top');
                if (!el || bar.contains(el) || getComputedStyle(bar).position !== 'sticky') return false;
                return el.getBoundingClientRect().top < bar.getBoundingClientRect().bottom;
            }""")
            focused = page.evaluate("document.activeElement.outerHTML")[:120]
            assert not hidden, f"{path}: focus under the bar on {focused}"
    context.close()


TARGETS = ("button, a.button, .nav a, .brand, .chip, summary, label.check, .kind-option, select, "
           "input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea")


def test_every_control_is_at_least_44_px_square(app, browser, live, world):
    def check(page, name, width):
        small = page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
            .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([el, r]) => r.width < 43.5 || r.height < 43.5)
            .map(([el, r]) => `${el.tagName.toLowerCase()}.${el.className} `
                 + `"${el.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`)
            """, TARGETS)
        return [f"{name} @{width}px: {s}" for s in small]
    problems = visit_all(app, browser, live, world, check)
    assert problems == [], "\n".join(problems)
