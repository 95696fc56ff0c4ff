"""Accessibility in a real browser: axe-core on every page type, keyboard, focus, landmarks."""

from __future__ import annotations

import re

import pytest

from tests.browser import (
    PAGE_TYPES,
    axe_violations,
    open_filters,
    open_page_type,
    results,
    wait_for_results,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_axe_finds_no_wcag_violation(page, sub_path_site, name, scheme):
    base, _ = sub_path_site
    page.emulate_media(color_scheme=scheme)
    open_page_type(page, base, name)
    assert axe_violations(page) == []
    assert page.errors == []


@pytest.mark.parametrize("name", [n for n in PAGE_TYPES if n != "alias redirect"])
def test_every_page_has_lang_one_h1_a_main_landmark_and_a_working_skip_link(
        page, sub_path_site, name):
    base, _ = sub_path_site
    open_page_type(page, base, name)
    assert page.get_attribute("html", "lang") == "de"
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("header.site-header").count() == 1
    assert page.locator("footer.site-footer").count() == 1
    assert page.get_by_role("navigation", name="Hauptnavigation").count() == 1
    page.keyboard.press("Tab")
    skip = page.evaluate("() => document.activeElement.textContent")
    assert skip == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"
    assert page.url.endswith("#inhalt")


def test_redirect_page_has_lang_one_h1_and_a_main_landmark(page, sub_path_site):
    base, _ = sub_path_site
    open_page_type(page, base, "alias redirect")
    assert page.get_attribute("html", "lang") == "de"
    assert page.locator("h1").count() == 1 and page.locator("main").count() == 1
    link = page.locator("main a")
    assert link.get_attribute("href").endswith("/beschluesse/2022-7-052/")


def test_focus_is_visible_on_links_buttons_and_fields(page, sub_path_site):
    base, _ = sub_path_site
    page.goto(base + "beschluesse/2021-7-014/")
    seen = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        style = page.evaluate("""() => { const e = document.activeElement;
            const s = getComputedStyle(e);
            return {tag: e.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")
        assert style["style"] != "none" and style["width"] >= 2, style
        seen.add(style["tag"])
    assert {"A", "INPUT", "BUTTON"} <= seen


def focused(page) -> dict[str, str]:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, type: e.type || '', text: e.textContent.trim(),
                result: !!e.closest('#search-results')}; }""")


def test_keyboard_alone_searches_sorts_filters_and_opens_a_result(page, sub_path_site):
    base, _ = sub_path_site
    page.goto(base + "suche/")
    page.focus("#search-field")
    page.keyboard.type("Kreis")
    page.keyboard.press("Enter")
    wait_for_results(page)
    page.focus("#search-field")
    reached = []
    for _ in range(200):
        page.keyboard.press("Tab")
        now = focused(page)
        reached.append(now)
        if now["tag"] == "SUMMARY":  # the filter box, closed: Enter opens it
            page.keyboard.press("Enter")
            page.wait_for_selector("#search-filters input[type=checkbox]")
        if now["result"] and now["tag"] == "A":
            break
    kinds = [("sort" if r["id"] == "search-sort" else "checkbox" if r["type"] == "checkbox"
              else "filters" if r["tag"] == "SUMMARY"
              else "result" if r["result"] else "other") for r in reached]
    assert "sort" in kinds and "checkbox" in kinds and kinds[-1] == "result"
    assert (kinds.index("sort") < kinds.index("filters") < kinds.index("checkbox")
            < kinds.index("result"))
    # A filter works from the keyboard: Space ticks the first checkbox.
    page.focus("#search-filters input[type=checkbox]")
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"[?&](thema|gremium|jahr|art|ergebnis)="))
    wait_for_results(page)
    assert results(page)
    # Enter on a result link opens it.
    link = page.locator("#search-results h3 a").first
    href = link.get_attribute("href")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    assert page.locator("h1").count() == 1


def test_the_focus_stays_where_the_keyboard_works_in_the_search(page, sub_path_site):
    """Ticking a filter rebuilt the list, and the last "more" hid its button: the focus fell
    to the page itself, and the next Tab started over at the top."""
    base, _ = sub_path_site
    page.goto(base + "suche/?q=Kreis")
    wait_for_results(page)
    open_filters(page)
    box = page.locator("#search-filters input[type=checkbox]").nth(1)
    name, value = box.get_attribute("name"), box.get_attribute("value")
    box.focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(rf"[?&]{name}="))
    wait_for_results(page)
    page.wait_for_function("() => document.activeElement.type === 'checkbox'")
    assert page.evaluate("() => [document.activeElement.name, document.activeElement.value, "
                         "document.activeElement.checked]") == [name, value, True]
    page.get_by_role("button", name="Alle Filter aufheben").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q=Kreis$"))
    wait_for_results(page)
    page.wait_for_function("() => document.activeElement.tagName === 'SUMMARY'")
    more = page.locator("#search-more")
    assert more.is_visible()
    while more.is_visible():
        shown = page.locator("#search-results > li").count()
        more.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => document.querySelectorAll('#search-results > li')"
                               f".length > {shown}")
    page.wait_for_function("() => document.activeElement.closest('#search-results') !== null")
    page.keyboard.press("Tab")  # on through the new results, not from the top
    assert page.evaluate("() => document.activeElement.closest('#search-results') !== null")


def test_the_focus_goes_to_the_search_field_when_the_filter_box_goes(page, sub_path_site):
    """Unticking the last filter of a search without results hides the box: the focus
    fell to the page (the next Tab reached the footer)."""
    base, _ = sub_path_site
    page.goto(base + "suche/?q=xyzzyqq&jahr=2022")
    page.wait_for_function("() => /gewählten Filtern/.test("
                           "document.getElementById('search-status').textContent)")
    page.get_by_label("2022 (0)").focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"\?q=xyzzyqq$"))
    page.wait_for_function("() => document.getElementById('search-filter-box').hidden")
    page.wait_for_function("() => document.activeElement.id === 'search-field'")


def test_vote_charts_have_the_counts_as_text(page, sub_path_site):
    base, _ = sub_path_site
    for name in ("resolution", "session"):
        open_page_type(page, base, name)
        charts = page.locator(".vote-chart")
        assert charts.count() > 0
        for i in range(charts.count()):
            chart = charts.nth(i)
            assert chart.get_attribute("aria-hidden") == "true"
            text = chart.evaluate("c => c.parentElement.querySelector('.vote-text').textContent")
            assert re.search(r"Ja: \d+ · Nein: (\d+|nicht erfasst)", text), text


def test_search_status_and_results_are_announced(page, sub_path_site):
    base, _ = sub_path_site
    open_page_type(page, base, "search with results")
    status = page.locator("#search-status")
    assert status.get_attribute("role") == "status"
    assert re.match(r"\d+ Treffer für „Kreis“", status.inner_text())
    assert page.get_by_role("group", name="Treffer eingrenzen").count() == 1
    assert page.get_by_role("combobox", name="Sortierung").count() == 1
