"""Playwright with Debian's chromium (never a downloaded browser)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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
        "() => /Treffer|results/.test(document.getElementById('suchstatus').textContent)"
        " && !/läuft|Searching/.test(document.getElementById('suchstatus').textContent)")
    return page.inner_text("#suchstatus")


def results(page) -> list[dict[str, str]]:
    """The result cards on screen: title, facts line, link."""
    return page.eval_on_selector_all(
        "#treffer > li", """items => items.map(li => ({
            title: li.querySelector('h3').textContent,
            meta: li.querySelector('.meta').textContent,
            href: li.querySelector('h3 a').getAttribute('href'),
            pinned: li.classList.contains('pinned')}))""")
