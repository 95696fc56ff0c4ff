"""Playwright with Debian's chromium (never a downloaded browser)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def launch() -> Iterator:
    """A headless chromium, closed at the end."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_for_results(page) -> str:
    """Wait until the search page has answered; returns its status line."""
    page.wait_for_function(
        "() => /Treffer|result/.test(document.getElementById('search-status').textContent)"
        " && !/läuft|Searching/.test(document.getElementById('search-status').textContent)")
    return page.inner_text("#search-status")


def open_filters(page) -> None:
    """Open the filter box (it starts closed) and wait for its filters and their counts.

    Opened as a click on its summary would, without moving the focus (the keyboard and
    the mouse open it in tests of their own)."""
    page.evaluate("() => { document.getElementById('search-filter-box').open = true; }")
    page.wait_for_selector("#search-filters input[type=checkbox]", state="attached")


def show_all(page) -> None:
    """Press "more" until every result is on screen, as a reader paging through would."""
    more = page.locator("#search-more")
    while more.is_visible():
        shown = page.locator("#search-results > li").count()
        more.click()
        page.wait_for_function(
            f"() => document.querySelectorAll('#search-results > li').length > {shown}"
            " || document.getElementById('search-more').hidden")


def results(page) -> list[dict[str, str]]:
    """The result cards on screen: title, facts line, link."""
    return page.eval_on_selector_all(
        "#search-results > li", """items => items.map(li => ({
            title: li.querySelector('h3').textContent,
            meta: li.querySelector('.meta').textContent,
            href: li.querySelector('h3 a').getAttribute('href'),
            pinned: li.classList.contains('pinned')}))""")


# One address of each page type in the German example archive (relative to the base URL).
PAGE_TYPES = {
    "home": "",
    "resolution": "beschluesse/2021-7-014/",
    "resolution with table and attachments": "beschluesse/2022-7-050/",
    "resolution with a table in its decision": "beschluesse/2023-7-097/",
    "withdrawn resolution": "beschluesse/2023-7-083/",
    "session": "sitzungen/2021-03-31-kreistag/",
    "committee": "gremien/kreistag/",
    "topic": "themen/integration/",
    "year": "jahre/2021/",
    "resolution list": "beschluesse/",
    "session list": "sitzungen/",
    "committee list": "gremien/",
    "topic list": "themen/",
    "year list": "jahre/",
    "search with results": "suche/?q=Kreis",
    "404": "404.html",
    "alias redirect": "beschluesse/2021-7-039/",
    "accessibility statement": "barrierefreiheit/",
    "leichte sprache": "leichte-sprache/",
    "imprint": "impressum/",
    "privacy": "datenschutz/",
}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def open_page_type(page, base: str, name: str) -> None:
    """Open one page type; search waits for its results and filters, a redirect stays put."""
    url = base + PAGE_TYPES[name]
    if name == "alias redirect":
        # Without its script and meta refresh, so that the redirect page itself is looked at.
        def without_refresh(route):
            response = route.fetch()
            body = re.sub(r'<meta http-equiv="refresh"[^>]*>|<script>location[^<]*</script>', "",
                          response.text())
            route.fulfill(response=response, body=body)
        page.route(url, without_refresh)
    page.goto(url)
    if name == "search with results":
        wait_for_results(page)
        open_filters(page)  # so that its filters are checked too


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA (and best-practice) violations on the open page, one line each."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run scripts/install-test-tools.sh")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""tags => axe.run(document, {
        runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']}: "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            for v in found["violations"]]
