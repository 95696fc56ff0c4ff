"""What a citizen sees: phone width, dark mode, no JavaScript, nothing loaded from elsewhere.

Set RATSINFO_SHOTS=/tmp/shots to keep a screenshot of every page type (desktop 1280 and
phone 320 px wide, light and dark) for a look by eye.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser import (
    PAGE_TYPES,
    axe_violations,
    open_filters,
    open_page_type,
    results,
    wait_for_results,
)
from tests.helpers import Site, serve

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("RATSINFO_SHOTS")
PHONE = 320


@pytest.fixture(scope="module")
def phone(browser):
    """A phone-sized tab as WCAG's reflow criterion (1.4.10) measures it: 320 CSS pixels
    wide (× 640, touch, device scale 2): tested at 375, the header's search form, which
    needed 331, went unnoticed."""
    context = browser.new_context(viewport={"width": PHONE, "height": 640}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def shoot(page, name: str, size: str, scheme: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"\W+", "-", name)
        page.screenshot(path=f"{SHOTS}/{slug}-{size}-{scheme}.png", full_page=True)


def test_headings_hyphenate_long_compounds_where_the_browser_can(phone, sub_path_site):
    """A title's compound broke at any letter on a phone, without a hyphen; with hyphens
    on, a browser that knows German breaks it at a syllable and marks the break."""
    base, _ = sub_path_site
    open_page_type(phone, base, "resolution")
    styles = phone.evaluate("() => [...document.querySelectorAll('main h1, main h2, main h3')]"
                            ".map(h => getComputedStyle(h).hyphens)")
    assert styles and set(styles) == {"auto"}, styles


def test_vote_charts_keep_their_bars_in_forced_colours(page, sub_path_site):
    """Windows' high contrast mode painted every bar in the page's colour: empty boxes."""
    base, _ = sub_path_site
    page.emulate_media(forced_colors="active")
    open_page_type(page, base, "resolution")
    colours = page.evaluate("() => [...document.querySelectorAll('.vote-chart .bar')]"
                            ".map(b => getComputedStyle(b).backgroundColor)")
    canvas = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert colours and canvas not in colours, (canvas, colours)


def overflowing(page) -> list[str]:
    """Elements whose right edge leaves the screen (outside a scroll box of their own)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const out = [];
        for (const e of document.querySelectorAll('body *')) {
            const r = e.getBoundingClientRect();
            if (!r.width || r.right <= width + 0.5) continue;
            let box = e.parentElement, scrolls = false;
            for (; box; box = box.parentElement) {
                const s = getComputedStyle(box);
                if (['auto', 'scroll'].includes(s.overflowX)) { scrolls = true; break; }
                if (s.position === 'absolute' && box.classList.contains('visually-hidden')) {
                    scrolls = true; break; }
            }
            if (!scrolls && !e.classList.contains('visually-hidden')
                && !e.closest('.skip-link'))
                out.push(`${e.tagName}.${e.className}: ${Math.round(r.right)} > ${width}`);
        }
        return out; }""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_phone_width_has_no_horizontal_scrolling(phone, sub_path_site, name, scheme):
    base, _ = sub_path_site
    phone.emulate_media(color_scheme=scheme)
    open_page_type(phone, base, name)
    widths = phone.evaluate("""() => [document.documentElement.scrollWidth,
                                       document.documentElement.clientWidth]""")
    assert widths[0] <= widths[1] == PHONE
    assert overflowing(phone) == []
    shoot(phone, name, "phone", scheme)


@pytest.mark.parametrize("name", ["home", "resolution", "search with results", "404"])
def test_a_search_fields_example_fits_in_it_on_a_phone(phone, sub_path_site, name):
    """"Suchbegriff, z. B. Integration" showed as "Suchbegriff, z. B. In" at 320 px; the
    field's label says what it is for, the example alone fits."""
    base, _ = sub_path_site
    open_page_type(phone, base, name)
    fields = phone.evaluate("""() => [...document.querySelectorAll('input[type=search]')]
        .filter(field => field.offsetParent !== null).map(field => {
            const style = getComputedStyle(field);
            const text = document.createElement('canvas').getContext('2d');
            text.font = style.font;
            return [field.id, text.measureText(field.placeholder).width,
                    field.clientWidth - parseFloat(style.paddingLeft)
                    - parseFloat(style.paddingRight)]; })""")
    assert fields and all(0 < width <= room for _, width, room in fields), fields


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_desktop_width_has_no_horizontal_scrolling(browser, sub_path_site, scheme):
    base, _ = sub_path_site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    for name in PAGE_TYPES:
        open_page_type(page, base, name)
        assert page.evaluate("""() => document.documentElement.scrollWidth
                                      <= document.documentElement.clientWidth"""), name
        shoot(page, name, "desktop", scheme)
    context.close()


@pytest.mark.parametrize("name", ["resolution with table and attachments",
                                  "resolution with a table in its decision"])
def test_tables_in_the_text_fit_a_phone(phone, sub_path_site, name):
    base, _ = sub_path_site
    open_page_type(phone, base, name)
    tables = phone.eval_on_selector_all("main table", """items => items.map(t =>
        [t.scrollWidth, t.clientWidth, t.getBoundingClientRect().right, t.tabIndex])""")
    assert tables
    for scroll, client, right, tab_index in tables:
        # within the screen; wider content (amounts keep their line) scrolls in the box,
        # which the keyboard reaches
        assert right <= PHONE and (scroll <= client or tab_index == 0)


@pytest.mark.parametrize("name", ["resolution", "session"])
def test_votes_and_agenda_stay_readable_on_a_phone(phone, sub_path_site, name):
    base, _ = sub_path_site
    open_page_type(phone, base, name)
    boxes = phone.eval_on_selector_all(
        ".vote-text, .facts dd, .facts dt, .agenda-item h3, .consultation h3, .vote-chart",
        """items => items.map(e => { const r = e.getBoundingClientRect();
            return {tag: e.tagName, left: r.left, right: r.right, width: r.width,
                    size: parseFloat(getComputedStyle(e).fontSize)}; })""")
    assert len(boxes) > 5
    for box in boxes:
        assert box["left"] >= 0 and box["right"] <= PHONE, box
        assert box["size"] >= 14, box
        # text gets most of the width; only the short labels (dt) may be narrow
        assert box["width"] >= (24 if box["tag"] == "DT" else 150), box


def colours(page) -> tuple[float, float]:
    """Relative luminance of the page background and of the body text."""
    return tuple(page.evaluate("""() => {
        const lum = (c) => { const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number)
            .map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const s = getComputedStyle(document.body);
        return [lum(s.backgroundColor), lum(s.color)]; }"""))


def test_dark_mode_follows_the_system_setting(page, sub_path_site):
    base, _ = sub_path_site
    page.goto(base + "beschluesse/2021-7-014/")
    light_bg, light_fg = colours(page)
    page.emulate_media(color_scheme="dark")
    dark_bg, dark_fg = colours(page)
    assert light_bg > 0.9 and light_fg < 0.05
    assert dark_bg < 0.05 and dark_fg > 0.7
    assert page.evaluate("() => getComputedStyle(document.documentElement).colorScheme") \
        == "light dark"


@pytest.fixture(scope="module")
def no_js(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", [n for n in PAGE_TYPES if n != "search with results"])
def test_every_page_works_without_javascript(no_js, sub_path_site, name):
    base, _ = sub_path_site
    no_js.goto(base + PAGE_TYPES[name])
    if name == "alias redirect":  # the meta refresh needs no script
        no_js.wait_for_url(re.compile(r"/beschluesse/2022-7-052/$"))
    assert no_js.locator("h1").count() == 1 and no_js.inner_text("h1").strip()
    assert no_js.locator("footer .legal-links a").count() >= 2


def test_an_alias_address_with_a_section_leads_to_that_section(page, no_js, sub_path_site):
    """A citation of a section under a paper's old number still reaches the section (the
    refresh alone drops the #anchor; without script it is all there is)."""
    base, _ = sub_path_site
    page.goto(base + PAGE_TYPES["alias redirect"] + "#beratungsfolge")
    page.wait_for_url(re.compile(r"/beschluesse/2022-7-052/#beratungsfolge$"))
    assert page.evaluate("document.querySelector(':target').id") == "beratungsfolge"
    no_js.goto(base + PAGE_TYPES["alias redirect"] + "#beratungsfolge")
    no_js.wait_for_url(re.compile(r"/beschluesse/2022-7-052/(#beratungsfolge)?$"))


def test_the_search_page_without_javascript_links_the_lists_it_names(no_js, sub_path_site):
    """Its notice says the lists by committee, topic and year have every paper: each one
    a link there, and each link works."""
    base, _ = sub_path_site
    no_js.goto(base + "suche/?q=Haushalt")
    names = [no_js.locator("main a", has_text=name).first for name in ("Gremien", "Themen",
                                                                         "Jahre")]
    assert all(link.is_visible() for link in names)
    names[1].click()
    no_js.wait_for_url(re.compile(r"/themen/$"))
    assert no_js.inner_text("h1") == "Themen"


def test_navigation_and_citation_work_without_javascript(no_js, sub_path_site):
    base, _ = sub_path_site
    no_js.goto(base)
    no_js.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Sitzungen").click()
    assert no_js.inner_text("h1") == "Sitzungen"
    no_js.locator(".session-list a").first.click()
    no_js.locator(".agenda-item h3 a").first.click()
    citation = no_js.inner_text(".citation-text")
    assert "Kyffhäuserkreis:" in citation and "https://example.github.io/archiv/" in citation
    assert not no_js.locator(".copy-button").is_visible()  # the copy button needs script
    no_js.goto(base + "suche/")
    assert "Die Volltextsuche braucht JavaScript" in no_js.inner_text("main")
    assert not no_js.locator("#search-app").is_visible()


def test_the_copy_button_copies_the_citation_with_todays_date(browser, sub_path_site):
    """What lands in the clipboard is the citation as shown, its date of retrieval today's
    (not "…"), and a status line tells a screen reader it was copied."""
    base, _ = sub_path_site
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    try:
        tab.goto(base + "beschluesse/2021-7-014/")
        today = tab.evaluate("() => new Date().toLocaleDateString('de-DE', "
                             "{day: '2-digit', month: '2-digit', year: 'numeric'})")
        shown = tab.inner_text(".citation-text")
        assert shown.endswith(f"beschluesse/2021-7-014/ (abgerufen am {today})")
        tab.get_by_role("button", name="Zitat kopieren").click()
        tab.wait_for_function("() => document.querySelector('[data-copy-status]')"
                              ".textContent === 'Zitat kopiert'")
        copied = tab.evaluate("() => navigator.clipboard.readText()")
        assert copied == shown and "…" not in copied
        assert tab.get_by_role("status").filter(has_text="Zitat kopiert").count() == 1
    finally:
        context.close()


def test_a_site_built_without_its_host_cites_the_address_the_reader_sees(page, site: Site,
                                                                          capsys):
    site.simple("r", "2021/7/014", "Integrationskonzept")
    assert site.run("build", capsys=capsys).code == 0  # base_url "/": no host known
    with serve(site.public) as base:
        page.goto(base + "beschluesse/2021-7-014/")
        citation = page.inner_text(".citation-text")
        assert f"„Integrationskonzept“. {base}beschluesse/2021-7-014/ (abgerufen am " in citation
    assert page.errors == []


def test_printed_pages_show_search_results_and_closed_lists(page, sub_path_site):
    """On paper: a search's status line and results (the controls go), the content of a
    closed <details> (a year's sessions, a paper's change history), and no path after
    each link within the archive."""
    base, _ = sub_path_site
    page.goto(base + "suche/?q=Schule")
    wait_for_results(page)
    page.emulate_media(media="print")
    assert page.is_visible("#search-status")
    assert page.locator("#search-results > li").first.is_visible()
    assert not page.is_visible("#search-sort") and not page.is_visible("#search-filter-box")
    page.goto(base + "jahre/2021/")
    assert page.locator("details.year-sessions li").first.is_visible()
    after = page.eval_on_selector("main a[href^='/']",
                                  "a => getComputedStyle(a, '::after').content")
    assert after in ("none", "normal")


def test_no_page_type_loads_anything_from_elsewhere(page, sub_path_site):
    base, _ = sub_path_site
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for name in PAGE_TYPES:
        open_page_type(page, base, name)
    assert requested
    elsewhere = [url for url in requested
                 if not url.startswith(origin + "/") and not url.startswith("data:")]
    assert elsewhere == []
    assert any("/pagefind/" in url for url in requested)
    assert page.errors == []


def test_long_compound_words_and_references_fit_a_phone(phone, site: Site, capsys):
    """German compounds run long: a title of one 64-letter word made the search page
    719 px wide at 320 (its results sat in a grid column that grew to the longest word),
    a long reference or committee the facts of a page (569), a topic the home page's
    chips (595) and the search's filter box (621)."""
    word = "Kreisentwicklungsplanungsfortschreibungsgrundsatzbeschlussvorlage"
    reference = "DS/2024/0001/ÄA-001/Fraktion-BÜNDNIS90DIEGRÜNEN/Haushaltsbegleitgesetz"
    site.simple("r", reference, word, extra=f"""\
        topics: [{word}thema]
        consultations:
          - {{committee: Sonderausschuss {word}, date: 2024-03-05, agenda_item: "Ö 12.3.4.5"}}
        """)
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        phone.goto(f"{base}suche/?q={word}")
        wait_for_results(phone)
        assert word in [r["title"] for r in results(phone)]  # and its session
        widths = phone.evaluate("""() => [document.documentElement.scrollWidth,
                                           document.documentElement.clientWidth]""")
        assert widths[0] <= widths[1] == PHONE
        assert overflowing(phone) == []
        open_filters(phone)  # the topic and the committee as filter labels (621 px)
        assert phone.locator(f"details.filters label:has-text('{word}thema')").count() == 1
        assert overflowing(phone) == []
        for path in ("", "beschluesse/ds-2024-0001-aea-001-fraktion-buendnis90diegruenen-"
                     "haushaltsbegleitgesetz/", "beschluesse/", "jahre/2024/", "themen/",
                     f"sitzungen/2024-03-05-sonderausschuss-{word.lower()}/", "gremien/"):
            phone.goto(f"{base}{path}")
            assert phone.title() and overflowing(phone) == [], path


def test_amounts_in_a_table_keep_their_line_on_a_phone(phone, site: Site, capsys):
    """A cell's words break anywhere, so that a table fits a phone, and so did its numbers:
    "110.400,00 €" showed as "110.4⏎00,00 €" (a helper counted 1,097 of 1,472 numbers
    broken in the 10,000 archive). A number keeps its line; a table that then needs more
    than the screen scrolls in its box, which a keyboard can focus, and the page does not."""
    site.simple("r", "2024/1", "Schulbau")
    row = "| Erweiterung der Grundschule Nordhausen | 110.400,00 € | 3.585.900,00 € | {} |\n"
    site.write("content/resolutions/r.md", site.root.joinpath("content/resolutions/r.md")
               .read_text("utf-8") + "\n\n| Maßnahme | 2024 | 2025 | 2026 |\n"
               "|---|--:|--:|--:|\n" + "".join(row.format(f"{n}.250.000,00 €")
                                                for n in (12, 7, 140)))
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        phone.goto(f"{base}beschluesse/2024-1/")
        numbers = phone.eval_on_selector_all("main table .num", """items => items.map(n =>
            [n.textContent, n.getClientRects().length])""")
        assert len(numbers) == 12 and all(lines == 1 for _, lines in numbers), numbers
        # and the words beside them stay readable: not a letter a line (29 lines)
        lines = phone.eval_on_selector("main tbody td", """td => {
            const range = document.createRange(); range.selectNodeContents(td);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size }""")
        assert lines <= 8  # "Erweiterung der Grundschule Nordhausen"
        assert "3.585.900,00\u00a0€" in [text for text, _ in numbers]  # with its unit
        assert phone.evaluate("""() => document.documentElement.scrollWidth
                                       <= document.documentElement.clientWidth""")
        scrolls = phone.eval_on_selector("main table", "t => t.scrollWidth > t.clientWidth")
        assert scrolls  # four columns of amounts need more than 320 pixels
        phone.focus("main table")
        assert phone.evaluate("document.activeElement.tagName") == "TABLE"
        phone.keyboard.press("ArrowRight")
        phone.wait_for_function("document.querySelector('main table').scrollLeft > 0")
        assert axe_violations(phone) == []


def test_an_amount_keeps_its_currency_sign_and_a_share_its_percent_sign_on_a_phone(
        phone, site: Site, capsys):
    """The number kept its line, its unit did not: "136.200,00⏎€" in every row of a cost
    table (and so could "12,5⏎%"), where the text has a plain space between them."""
    site.simple("r", "2024/1", "Waldnovelle")
    rows = "".join(f"| {what} | {amount} | {share} % | Kredit |\n" for what, amount, share in (
        ("Waldnovelle", "136.200,00 €", "12,5"),
        ("Rettungsdienstmaßnahme", "25.400,00 €", "3,25"),
        ("Gigabitanlage", "47.400,00 €", "100")))
    # and in running text, where the line may break anywhere else
    text = " ".join(f"Posten {n} kostet {n * 1111:_} € oder {n * 7:_} Euro, {n},5 % davon "
                    f"{n * 3:_} EUR." for n in range(1, 40)).replace("_", ".")
    site.write("content/resolutions/r.md", site.root.joinpath("content/resolutions/r.md")
               .read_text("utf-8") + "\n\n| Position | Kosten | Anteil | Finanzierung |\n"
               "|---|--:|--:|---|\n" + rows + "\n" + text + "\n")
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        phone.goto(f"{base}beschluesse/2024-1/")
        cells = phone.eval_on_selector_all("main td", """cells => cells
            .filter(td => /[€%]/.test(td.textContent)).map(td => {
                const range = document.createRange(); range.selectNodeContents(td);
                return [td.textContent, new Set([...range.getClientRects()]
                    .map(r => Math.round(r.top))).size] })""")
        assert len(cells) == 6 and all(lines == 1 for _, lines in cells), cells
        amounts = phone.evaluate(r"""() => {
            const text = [...document.querySelectorAll('main p')]
                .find(p => p.textContent.startsWith('Posten 1 ')).firstChild;
            return [...text.data.matchAll(/\d[\d.,]*\s(€|%|EUR|Euro)/g)].map(m => {
                const range = document.createRange();
                range.setStart(text, m.index); range.setEnd(text, m.index + m[0].length);
                return [m[0], new Set([...range.getClientRects()]
                    .map(r => Math.round(r.top))).size] }) }""")
        assert len(amounts) == 4 * 39 and all(lines == 1 for _, lines in amounts), [
            amount for amount in amounts if amount[1] > 1]


def test_a_long_list_has_its_next_page_a_few_tab_presses_away_and_short_on_a_phone(
        phone, browser, site: Site, capsys, monkeypatch):
    """Every page number was a link: 98 of them on a list of 98 pages, 209 Tab presses from
    the top of /beschluesse/ to "Nächste Seite" and a block 762 px tall on a phone."""
    monkeypatch.setattr("ratsinfo_site.pages.PER_PAGE", 2)
    for n in range(1, 61):  # 30 pages
        site.simple(f"r{n}", f"2021/{n}", f"Beschluss {n}")
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        phone.goto(f"{base}beschluesse/seite/15/")
        assert overflowing(phone) == []
        boxes = phone.evaluate("""() => [...document.querySelectorAll('.pagination a')]
            .map(a => { const r = a.getBoundingClientRect(); return [r.width, r.height]; })""")
        assert len(boxes) == 2 + 5 and min(min(box) for box in boxes) >= 36  # WCAG 2.5.8: 24
        height = phone.evaluate("document.querySelector('.pagination').offsetHeight")
        assert height < 200, height  # the page, previous and next, one row of numbers
        shoot(phone, "pagination", "phone", "light")
        assert axe_violations(phone) == []
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        tab = context.new_page()
        tab.goto(f"{base}beschluesse/seite/15/")
        shoot(tab, "pagination", "desktop", "light")
        presses = []
        for _ in range(40):
            tab.keyboard.press("Tab")
            presses.append(tab.evaluate(
                "document.activeElement.textContent.replace(/[←→]/g, '').trim()"))
            if presses[-1] == "Nächste Seite":
                break
        context.close()
    # skip link, site name, search field and button, 6 sections, then previous and next
    # above the list: as few on a page of 100 entries (111 presses with them only below)
    assert presses[-3:] == ["Suche", "Vorherige Seite", "Nächste Seite"], presses
    assert len(presses) == 4 + 6 + 2


def test_a_wide_table_fits_a_desktop_without_a_scroll_box(browser, site: Site, capsys):
    """A table of six columns was wider than the text column on a desktop, so it
    scrolled in a box of its own, which a keyboard cannot reach in every browser (axe:
    scrollable-region-focusable, serious). Its words break instead, as on a phone."""
    site.simple("r", "2024/1", "Ansätze")
    row = " | ".join(["Haushaltsstelle 1.2345.6789.0000", "Zuschüsse an Träger der freien "
                      "Jugendhilfe", *["130.000,00 EUR"] * 3, "+3,7 %"])
    site.write("content/resolutions/r.md", site.root.joinpath("content/resolutions/r.md")
               .read_text("utf-8") + "\n\n| A | B | 2024 | 2025 | 2026 | Veränderung |\n"
               "|---|---|---|---|---|---|\n" + f"| {row} |\n" * 3)
    assert site.run("build", capsys=capsys).code == 0
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    with serve(site.public) as base:
        page.goto(f"{base}beschluesse/2024-1/")
        tables = page.eval_on_selector_all("main table", """items => items.map(t =>
            [t.scrollWidth, t.clientWidth])""")
        assert tables and all(scroll <= client for scroll, client in tables), tables
        assert axe_violations(page) == []
    context.close()
