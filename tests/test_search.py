"""Search in a real browser: Pagefind under a sub-path, German words, filters, sort, URLs."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import tempfile
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

import ratsinfo_site.search as search_index
from ratsinfo_site.errors import ToolError
from tests.browser import open_filters, results, show_all, wait_for_results
from tests.helpers import Site, index_parts, serve

pytestmark = pytest.mark.browser


def search(page, base: str, query: str, extra: str = "") -> list[dict[str, str]]:
    page.goto(f"{base}suche/?q={quote(query)}{extra}")
    wait_for_results(page)
    show_all(page)
    return results(page)


def count(page) -> int:
    """The number of results the status line announces."""
    return int(re.match(r"(\d+) Treffer", page.inner_text("#search-status"))[1])


def titles(found: list[dict[str, str]]) -> list[str]:
    return [r["title"] for r in found]


SEED = "Integrationskonzept Kyffhäuserkreis 2020"


def test_typed_query_finds_the_seed_with_reference_and_date(page, sub_path_site):
    base, _ = sub_path_site
    page.goto(base + "suche/")
    page.fill("#search-field", "Integrationskonzept")
    page.press("#search-field", "Enter")
    status = wait_for_results(page)
    assert re.match(r"\d+ Treffer für „Integrationskonzept“", status)
    card = next(r for r in results(page) if r["title"] == SEED)
    assert "2021/7/014" in card["meta"] and "31.03.2021" in card["meta"]
    assert "q=Integrationskonzept" in page.url
    assert page.errors == []


@pytest.mark.parametrize("query", ["Integration", "Integrationskonzept", "Konzept",
                                   "integrationskonzepts"])
def test_word_starts_stems_and_later_compound_parts_find_the_seed(page, sub_path_site, query):
    base, _ = sub_path_site
    assert SEED in titles(search(page, base, query))


@pytest.mark.parametrize("label", ["Befangen", "Federführung", "Einreicher"])
def test_the_pages_labels_are_not_search_words(page, sub_path_site, label):
    """No text of the example says these words; the pages' labels (facts, vote lines)
    do, and every paper with votes or a department was a hit for them."""
    base, _ = sub_path_site
    assert search(page, base, label) == []


def test_a_fragment_that_is_not_a_word_finds_nothing(page, sub_path_site):
    base, _ = sub_path_site
    assert search(page, base, "zept") == []
    assert "Keine Treffer für „zept“" in page.inner_text("#search-status")


@pytest.mark.parametrize("query,expected", [
    ("Straße", "Sanierung der Kreisstraße K 12, Ortsdurchfahrt Clingen – Vergabe der "
               "Bauleistungen"),
    ("Strasse", "Sanierung der Kreisstraße K 12, Ortsdurchfahrt Clingen – Vergabe der "
                "Bauleistungen"),
    ("Grundstücke", "Grundsatzbeschluss zum Bau eines Radweges an der Kreisstraße K 9 zwischen "
                    "Bad Frankenhausen und Udersleben"),
    ("Grundstück", "Grundsatzbeschluss zum Bau eines Radweges an der Kreisstraße K 9 zwischen "
                   "Bad Frankenhausen und Udersleben"),
    ("Gebäude", "Breitbandausbau im Kyffhäuserkreis: Kofinanzierung des "
                "Gigabit-Förderprogramms („Graue Flecken“)"),
])
def test_umlauts_sharp_s_and_compound_heads_match(page, sub_path_site, query, expected):
    base, _ = sub_path_site
    assert expected in titles(search(page, base, query))


@pytest.mark.parametrize("written,typed", [
    ("Maßnahmen", "Massnahmen"), ("Maßnahmen", "MASSNAHMEN"), ("Förderung", "Foerderung"),
    ("Förderung", "Forderung"), ("Gebäude", "Gebaeude"), ("Gebäude", "Gebaude"),
    ("ÖPNV", "Oepnv"), ("große", "grosse"), ("große", "Große"),
])
def test_a_word_typed_without_umlaut_or_sharp_s_finds_what_the_word_does(page, sub_path_site,
                                                                          written, typed):
    """As the word is written and as a keyboard without umlauts types it: the same papers
    (the results of a part were dropped as a fallback where the word's first letters
    differ: "maßn" against "mass")."""
    base, _ = sub_path_site
    expected = titles(search(page, base, written))
    assert expected, written
    assert titles(search(page, base, typed)) == expected


def test_a_word_of_three_letters_finds_it_and_the_words_it_begins(page, site: Site, capsys):
    """"Bus" finds "Bus" and "Busstelle": a part's results were dropped as a fallback when
    a word of three letters was compared by its first four."""
    site.simple("a", "2021/1", "Neue Busstelle am Markt")
    site.simple("b", "2021/2", "Der Bus hält am Rathaus")
    site.simple("c", "2021/3", "Radweg an der Landstraße")
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        assert sorted(titles(search(page, base, "Bus"))) == ["Der Bus hält am Rathaus",
                                                             "Neue Busstelle am Markt"]
        assert titles(search(page, base, "Rad")) == ["Radweg an der Landstraße"]
    assert page.errors == []


def test_a_word_found_nowhere_finds_nothing_where_a_shorter_word_begins_its_stem(
        page, site: Site, capsys):
    """Where no indexed word begins a query word's stem, Pagefind takes the longest one that
    begins the stem (search.rs, find_word_extensions): "Grundstücksangelegenheit" found
    every paper with "Gründen" (stem "grund"), 1,354 of 10,000, as "grund" differs from
    "Gründen" where "grundstücks…" does. A word of the same stem is a hit ("Möglichkeiten":
    "möglich"), which the old comparison by letters dropped."""
    site.simple("a", "2021/1", "Vertagung", extra="topics: [Soziales]\n")
    site.write("content/resolutions/a.md", site.root.joinpath("content/resolutions/a.md")
               .read_text("utf-8") + "Aus wichtigen Gründen vertagt.\n")
    site.simple("b", "2021/2", "Das ist möglich")
    site.simple("c", "2021/3", "Radweg an der Landstraße")
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        assert search(page, base, "Grundstücksangelegenheit") == []
        assert "Keine Treffer" in page.inner_text("#search-status")
        assert titles(search(page, base, "Gründe")) == ["Vertagung"]
        assert titles(search(page, base, "Möglichkeiten")) == ["Das ist möglich"]
        assert titles(search(page, base, "Radwege")) == ["Radweg an der Landstraße"]
        assert titles(search(page, base, "Landstraßenbau")) == []  # "landstrass"
    assert page.errors == []


def test_a_part_is_not_dropped_for_a_result_found_in_a_field_or_a_capital_s_part(
        page, site: Site, capsys):
    """A part's results were dropped as a fallback when its newest result held the query
    word only in a metadata field (its outcome "angenommen", shown outside the indexed
    text) or as a part Pagefind splits at a capital ("ThürÖPNVG", "DigitalPakt"): on the
    10,000 archive "angenommen" showed 5,864 of 7,119 pages, "ÖPNV" 255 of 1,301."""
    decided = ("consultations:\n  - committee: Kreistag\n    date: {}\n"
               "    role: Entscheidung\n    result: einstimmig beschlossen\n")
    site.resolution("new", 'reference: "2021/3"\ntitle: "Nahverkehrsplan"\ndate: 2021-03-01\n'
                    "public: true\n" + decided.format("2021-03-10"),
                    "Nach dem ThürÖPNVG und dem DigitalPakt zuständig.\n")
    site.resolution("old", 'reference: "2020/1"\ntitle: "Busse"\ndate: 2020-02-01\n'
                    "public: true\n" + decided.format("2020-02-10"),
                    "Der ÖPNV wird gestärkt, der Pakt angenommen.\n")
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        assert sorted(titles(search(page, base, "angenommen"))) == ["Busse", "Nahverkehrsplan"]
        assert sorted(titles(search(page, base, "ÖPNV"))) == ["Busse", "Nahverkehrsplan"]
        assert sorted(titles(search(page, base, "Pakt"))) == ["Busse", "Nahverkehrsplan"]
        assert titles(search(page, base, "Grundstücksangelegenheit")) == []
    assert page.errors == []


def test_filter_counts_leave_out_the_index_parts_that_fall_back(
        page, site: Site, capsys, monkeypatch):
    """"Jagdzentrum" gave 11 results, and the filter box offered "Soziales (13)", which
    found none: the papers with "Jagd" of the parts without "Jagdzentrum" were counted."""
    import ratsinfo_site.parts as parts
    monkeypatch.setattr(parts, "MAX_PART_PAGES", 2)
    site.simple("a", "2021/1", "Jagdzentrum Hainleite", extra="topics: [Forst]\n")
    for n in range(3):
        site.resolution(f"j{n}", f'reference: "2019/{n}"\ntitle: "Jagd im Revier {n}"\n'
                        f"date: 2019-0{n + 1}-10\npublic: true\ntopics: [Soziales]\n")
    assert site.run("build", capsys=capsys).code == 0
    assert len(index_parts(site.public)) >= 2
    with serve(site.public) as base:
        assert titles(search(page, base, "Jagdzentrum")) == ["Jagdzentrum Hainleite"]
        open_filters(page)
        labels = page.eval_on_selector_all("#search-filters label", "ls => ls.map(l => "
                                           "l.textContent)")
        assert "Forst (1)" in labels and not any("Soziales" in label for label in labels)
        assert "2021 (1)" in labels and not any("2019" in label for label in labels)
        page.get_by_label("Forst (1)").check()
        page.wait_for_url(re.compile(r"thema=Forst"))
        assert wait_for_results(page).startswith("1 Treffer")
        assert titles(search(page, base, "Jagd")) == ["Jagdzentrum Hainleite"] + [
            f"Jagd im Revier {n}" for n in (2, 1, 0)]
    assert page.errors == []


def test_a_long_word_is_not_found_by_a_shorter_word_that_begins_it_in_another_part(
        page, site: Site, capsys, monkeypatch):
    """Where a part has no word that begins with a query word's stem, Pagefind takes the
    longest word that begins the stem: "Landrätin" (stem "landratin") showed the papers of
    "Landrat" of the parts without "Landrätin", 6,854 of the 10,000 archive for its 4,920,
    as a stem was only known to be at most 7 letters shorter than its word ("Steuertarif":
    300 for 37, "steuer"). Each query word's stem is now Pagefind's own."""
    import ratsinfo_site.parts as parts
    monkeypatch.setattr(parts, "MAX_PART_PAGES", 2)
    site.resolution("new", 'reference: "2021/1"\ntitle: "Wahl der Landrätin"\n'
                    "date: 2021-03-01\npublic: true\n", "Die Steuertarife bleiben.\n")
    for n in range(3):
        site.resolution(f"old{n}", f'reference: "2019/{n}"\ntitle: "Bericht des Landrats {n}"\n'
                        f"date: 2019-0{n + 1}-10\npublic: true\n", "Die Steuern steigen.\n")
    assert site.run("build", capsys=capsys).code == 0
    assert len(index_parts(site.public)) >= 2
    with serve(site.public) as base:
        assert titles(search(page, base, "Landrätin")) == ["Wahl der Landrätin"]
        assert titles(search(page, base, "Steuertarif")) == ["Wahl der Landrätin"]
        assert titles(search(page, base, "Landrat")) == ["Wahl der Landrätin"] + [
            f"Bericht des Landrats {n}" for n in (2, 1, 0)]
        assert len(search(page, base, "Steuer")) == 4
    assert page.errors == []


@pytest.mark.parametrize("query,expected", [
    ("2021/7/014", SEED),
    ("2021/7/039", "Abfallwirtschaftskonzept des Kyffhäuserkreises 2022–2026"),  # an alias
    ("A-2022/004", None),
    # as a citation gives it: the paper first, though other papers have its words too
    ("2021/7/014 Integrationskonzept", SEED),
    ("Beschlussvorlage Nr. 2021/7/014 Integrationskonzept Kyffhäuserkreis", SEED),
    # a paragraph pasted as the query: its runs of words are tried up to eight words long
    pytest.param("Der Kreistag beschloss am 31.03.2021 mit Beschlussvorlage Nr. 2021/7/014 "
                 + "die Verwaltung wird beauftragt, das Konzept umzusetzen " * 6, SEED,
                 id="pasted-paragraph"),
])
def test_a_reference_as_written_is_the_first_result(page, sub_path_site, query, expected):
    base, _ = sub_path_site
    found = search(page, base, query)
    assert found, query
    if expected:
        assert found[0]["title"] == expected
    assert found[0]["pinned"]
    assert query in found[0]["meta"] or expected


@pytest.mark.parametrize("query,expected", [
    ("Kreistag 31.03.2021", "Kreistag, 31.03.2021"),  # a session as papers name it
    ("kreistag, 31.03.2021", "Kreistag, 31.03.2021"),
    ("Integrationskonzept Kyffhäuserkreis 2020", SEED),  # a title typed out
    ("Kreistag am 31.03.2021", "Kreistag, 31.03.2021"),  # function words aside
    ("Fortschreibung Nahverkehrsplans Kyffhäuserkreis 2021–2025",
     "Fortschreibung des Nahverkehrsplans für den Kyffhäuserkreis 2021–2025"),
])
def test_a_title_typed_out_is_the_first_result(page, sub_path_site, query, expected):
    """The session "Kreistag, 31.03.2021" was the third result of "Kreistag 31.03.2021",
    after the papers decided there; a paper's whole title the fourth of its words."""
    base, _ = sub_path_site
    found = search(page, base, query)
    assert found[0]["title"] == expected and found[0]["pinned"], titles(found)
    assert len(found) > 1 and not any(f["pinned"] for f in found[1:])
    assert page.errors == []


def test_function_words_of_a_query_do_not_hide_a_session(page, sub_path_site):
    """Each word of a query must be on the pages it finds, and a session's page has no
    "am" or "des": "Kreistag am 31.03.2021" found the papers decided there, not the
    session. Function words are left out, but in a phrase, or where they are all."""
    base, _ = sub_path_site
    session = "Kreistag, 31.03.2021"
    assert session in titles(search(page, base, "Sitzung des Kreistages am 31.03.2021"))
    assert session not in titles(search(page, base, '"Kreistag am 31.03.2021"'))
    phrase = titles(search(page, base, '"Entlastung der Landrätin"'))
    assert "Feststellung der Jahresrechnung 2019 und Entlastung der Landrätin" in phrase
    assert len(phrase) < len(search(page, base, "Entlastung Landrätin"))
    assert count_of(page, base, "die") == count_of(page, base, '"die"') > 10
    assert page.errors == []


def count_of(page, base: str, query: str) -> int:
    search(page, base, query)
    return count(page)


def test_only_a_whole_title_is_a_direct_hit(page, sub_path_site):
    base, _ = sub_path_site
    for query in ("Kreistag", "31.03.2021", "Integrationskonzept", "die", "der Die"):
        assert not any(f["pinned"] for f in search(page, base, query)), query


@pytest.mark.parametrize("query,written", [
    ("2021 / 7 / 014", "2021/7/014"),
    ("2021 7 014", "2021/7/014"),
    ("A 2022/004", "A-2022/004"),
    ("Beschlussvorlage Nr. 2021/7/014", "2021/7/014"),
    ("Vorlage Nr. 2021/7/014", "2021/7/014"),
])
def test_a_reference_spaced_or_named_as_papers_name_it_finds_what_it_does_as_written(
        page, sub_path_site, query, written):
    """As a printed paper may space it, "7" or "A" is no word of the paper's page, and
    "Nr." (a label) neither: the paper was missing from the results, or nothing was found."""
    base, _ = sub_path_site
    found = search(page, base, query)
    assert found and found[0]["pinned"] and written in found[0]["meta"], query
    assert found == search(page, base, written)
    assert page.errors == []


def test_pdf_attachment_text_leads_to_the_resolution_that_lists_it(page, sub_path_site):
    base, _ = sub_path_site
    found = search(page, base, "Kreislaufwirtschaftsplan")
    assert titles(found) == ["Abfallwirtschaftskonzept des Kyffhäuserkreises 2022–2026"]


def test_filter_narrows_the_results_and_lives_in_the_url(page, sub_path_site):
    base, _ = sub_path_site
    search(page, base, "Kreis")
    before = count(page)
    open_filters(page)
    page.get_by_role("group", name="Treffer eingrenzen").get_by_label(
        re.compile(r"^Kreistag \(\d+\)$")).check()
    page.wait_for_url(re.compile(r"gremium=Kreistag"))
    wait_for_results(page)
    after = results(page)
    assert 0 < count(page) < before
    for card in after[:5]:
        page_html = page.context.request.get(base.split("/archiv/")[0] + card["href"]).text()
        assert "Kreistag" in page_html
    page.go_back()
    wait_for_results(page)
    assert "gremium=" not in page.url and count(page) == before
    assert not page.get_by_label(re.compile(r"^Kreistag \(\d+\)$")).is_checked()


def test_a_committee_filter_counts_a_paper_once_however_often_it_was_consulted(
        page, sub_path_site):
    """Two consultations in the Kreistag (2022/7/052): one paper, as ticking the filter
    gives (the count said 17 and ticking gave 15)."""
    base, _ = sub_path_site
    search(page, base, "Haushalt")
    open_filters(page)
    box = page.get_by_role("group", name="Treffer eingrenzen").get_by_label(
        re.compile(r"^Kreistag \(\d+\)$"))
    promised = int(re.search(r"\((\d+)\)", box.evaluate("e => e.labels[0].textContent"))[1])
    box.check()
    page.wait_for_url(re.compile(r"gremium=Kreistag"))
    wait_for_results(page)
    assert count(page) == promised


def test_a_second_value_of_one_filter_can_be_ticked_and_counts_what_it_adds(
        page, sub_path_site):
    """With 2022 ticked, 2021 showed 0 (counted together with 2022: no paper has both
    years) and was not offered at all; ticking it gives papers of either year."""
    base, _ = sub_path_site
    search(page, base, "Haushalt", "&jahr=2021")
    of_2021 = count(page)
    search(page, base, "Haushalt", "&jahr=2022")
    of_2022 = count(page)
    open_filters(page)
    box = page.get_by_role("group", name="Treffer eingrenzen").get_by_label(
        re.compile(r"^2021 \(\d+\)$"))
    assert box.evaluate("e => e.labels[0].textContent") == f"2021 ({of_2021})"
    box.check()
    page.wait_for_url(re.compile(r"jahr=2022&jahr=2021"))
    wait_for_results(page)
    assert count(page) == of_2021 + of_2022


@pytest.mark.parametrize("width", [375, 1280], ids=["phone", "desktop"])
def test_filter_counts_load_only_once_the_filter_box_is_opened(page, sub_path_site, width):
    base, _ = sub_path_site
    page.set_viewport_size({"width": width, "height": 800})  # the box starts closed
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    assert search(page, base, "Kreis")
    assert not any(url.endswith(".pf_filter") for url in requested)
    page.click("#search-filter-box summary")
    page.get_by_label(re.compile(r"^Kreistag \(\d+\)$")).wait_for()
    assert any(url.endswith(".pf_filter") for url in requested)


def test_a_value_ticked_far_down_the_filters_on_a_phone_shows_what_it_gives_at_hand(
        page, sub_path_site):
    """The values fill screens on a phone, the status line is above them: ticking one
    changed nothing in sight. The foot of the screen says how many results it gives, and
    leads to them."""
    base, _ = sub_path_site
    page.set_viewport_size({"width": 375, "height": 667})
    search(page, base, "Kreis")
    open_filters(page)
    box = page.locator("#search-filters input[type=checkbox]").last
    box.scroll_into_view_if_needed()
    box.check()
    page.wait_for_url(re.compile(r"&"))
    wait_for_results(page)
    foot = page.locator(".filter-result")
    assert page.inner_text("#search-filter-count") == f"{count(page)} Treffer"
    top = foot.bounding_box()["y"]
    assert top >= 0 and top + foot.bounding_box()["height"] <= 667  # on the screen
    assert page.evaluate("() => document.querySelector('#search-filters input:checked')"
                         ".getBoundingClientRect().bottom") <= top + 1  # not over the box
    foot.get_by_role("link", name="Zu den Treffern").click()
    assert page.locator("#search-results > li").first.bounding_box()["y"] < 667
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not foot.is_visible()  # beside the results, a desktop needs none


def test_sort_newest_first_by_default_and_oldest_first_on_request(page, sub_path_site):
    base, _ = sub_path_site

    def dates() -> list[str]:
        found = [re.search(r"(\d\d)\.(\d\d)\.(\d{4})", r["meta"]) for r in results(page)]
        return [f"{m[3]}-{m[2]}-{m[1]}" for m in found if m]

    search(page, base, "Kreistag")
    newest = dates()
    assert len(newest) > 3 and newest == sorted(newest, reverse=True)
    page.select_option("#search-sort", "asc")
    page.wait_for_url(re.compile(r"sort=asc"))
    wait_for_results(page)
    oldest = dates()
    assert oldest == sorted(oldest) and oldest[0] < newest[0]


@pytest.mark.parametrize("width", [375, 1280], ids=["phone", "desktop"])
def test_a_filter_value_the_index_does_not_know_is_shown_and_can_be_cleared(
        page, sub_path_site, width):
    """A shared address with a year without papers or a renamed topic: the filter was
    invisible, nothing said why nothing was found, and every new search kept it."""
    base, _ = sub_path_site
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{base}suche/?q=Haushalt&jahr=1999")
    page.wait_for_function("() => /gewählten Filtern/.test("
                           "document.getElementById('search-status').textContent)")
    assert page.inner_text("#search-status") == \
        "Keine Treffer für „Haushalt“ mit den gewählten Filtern."
    stale = page.get_by_label("1999 (0)")
    stale.wait_for()  # the filters come after the status line (every part is loaded first)
    assert stale.is_visible() and stale.is_checked()
    page.get_by_role("button", name="Alle Filter aufheben").click()
    page.wait_for_url(re.compile(r"\?q=Haushalt$"))
    assert count(page) > 0 if wait_for_results(page) else False


def test_opening_a_result_lands_on_the_resolution_page(page, sub_path_site):
    base, _ = sub_path_site
    search(page, base, "Kreislaufwirtschaftsplan")
    page.click("#search-results h3 a")
    page.wait_for_load_state()
    assert page.url.startswith(base + "beschluesse/")
    assert page.inner_text("h1") == "Abfallwirtschaftskonzept des Kyffhäuserkreises 2022–2026"


def test_header_search_box_on_any_page_opens_the_search(page, sub_path_site):
    base, _ = sub_path_site
    page.goto(base + "beschluesse/2021-7-014/")
    page.fill("#header-search-field", "Radwegekonzept")
    page.press("#header-search-field", "Enter")
    page.wait_for_url(re.compile(r"/archiv/suche/\?q=Radwegekonzept"))
    wait_for_results(page)
    assert results(page)


def test_sessions_are_their_own_result_type(page, sub_path_site):
    base, _ = sub_path_site
    found = search(page, base, "Sitzungssaal", "&art=Sitzung")
    assert found and all(r["meta"].startswith("Sitzung") for r in found)


def test_empty_query_shows_a_hint_not_a_browse_list(page, sub_path_site):
    base, _ = sub_path_site
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(base + "suche/?thema=Soziales")
    page.wait_for_function("() => document.getElementById('search-status').textContent")
    assert results(page) == []
    assert "Geben Sie einen Suchbegriff ein" in page.inner_text("#search-status")
    page.wait_for_load_state("networkidle")
    # only the word map's listing (a few KB), so that a query waits for less: no index
    assert [url.split("/pagefind/")[1] for url in requested if "/pagefind/" in url] == \
        ["words/index.json"]


def test_word_only_in_a_non_public_paper_finds_nothing(page, site: Site, capsys):
    site.simple("open", "2021/1", "Öffentliche Vorlage", extra="topics: [Umwelt]\n")
    site.resolution("secret", 'reference: "2021/2"\ntitle: "Xylokanarie"\ndate: 2021-01-01\n'
                    'public: false\n', "Die Xylokanarie singt im Verborgenen.\n")
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        assert search(page, base, "Xylokanarie") == []
        assert titles(search(page, base, "Vorlage")) == ["Öffentliche Vorlage"]


def test_an_archive_with_nothing_public_yet_builds_and_its_search_finds_nothing(
        page, site: Site, capsys):
    """A council's first build, before its first paper: the build failed (the template
    cache had no folder), and the search page, without any index part, said it could
    not be loaded, with a script error."""
    (site.root / "content").mkdir(parents=True, exist_ok=True)  # and nothing in it
    assert site.run("build", capsys=capsys).code == 0
    assert not (site.public / "pagefind").exists()
    with serve(site.public) as base:
        assert search(page, base, "Haushalt") == []
        assert page.inner_text("#search-status") == "Keine Treffer für „Haushalt“."
        page.goto(f"{base}suche/?q=Haushalt&thema=Umwelt")  # a filter in the address
        assert wait_for_results(page) == "Keine Treffer für „Haushalt“."
        assert page.is_hidden("#search-filter-box")
    assert page.errors == []


def test_a_word_with_soft_hyphens_is_found_by_its_spelling(page, site: Site, capsys):
    """Text copied from a PDF, Word or a web page keeps soft hyphens (U+00AD) and
    zero-width spaces, invisible: the index held "Zauber\u00adwort\u00adsatzung", which
    the word's spelling did not find."""
    site.simple("r", "2021/1", "Zauber\u00adwort\u00adsatzung")
    site.write("content/resolutions/r.md", site.root.joinpath(
        "content/resolutions/r.md").read_text("utf-8") + "Die Haus\u00adhalts\u00adsperre "
        "und die Kreis\u200bumlage\u2060erhöhung.\n")
    assert site.run("build", capsys=capsys).code == 0
    shown = site.page("beschluesse/2021-1/")
    assert "\u00ad" not in shown and "\u200b" not in shown and "\u2060" not in shown
    with serve(site.public) as base:
        for query in ("Zauberwortsatzung", "Haushaltssperre", "Kreisumlageerhöhung",
                      "Haus\u00adhalts\u00adsperre",  # copied from the same PDF
                      "\u200eKreis\u200bumlage\u2060erhöhung\u200f"):  # and a web page
            assert titles(search(page, base, query)) == ["Zauberwortsatzung"], ascii(query)
    assert page.errors == []


def test_a_quoted_phrase_is_found_where_the_page_also_has_its_word_without_umlaut(
        page, site: Site, capsys):
    """Pagefind lists "Grund" and "Gründen" as two forms of one word, and its phrase
    search took a page's lists of both as two query words: "wirtschaftlichen Gründen"
    missed each page that also has "Grund", in its text or as a compound's part
    ("Datengrundlage"): 1,358 of the 3,255 pages with it in the 10,000 archive."""
    body = "Variante 2 wird aus wirtschaftlichen Gründen nicht weiterverfolgt.\n"
    site.resolution("a", 'reference: "2021/1"\ntitle: "Radweg"\ndate: 2021-01-01\n'
                    "public: true\n", body)
    site.resolution("b", 'reference: "2021/2"\ntitle: "Schulbus"\ndate: 2021-02-01\n'
                    "public: true\n", "Aus diesem Grund wird geprüft. " + body)
    site.resolution("c", 'reference: "2021/3"\ntitle: "Datengrundlage Hallenbad"\n'
                    "date: 2021-03-01\npublic: true\n", body)
    site.resolution("d", 'reference: "2021/4"\ntitle: "Kita"\ndate: 2021-04-01\n'
                    "public: true\n", "Die wirtschaftlichen Folgen sind aus Gründen "
                    "der Vorsicht zu prüfen. Der Grund ist bekannt.\n")
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        found = titles(search(page, base, '"wirtschaftlichen Gründen"'))
        assert sorted(found) == ["Datengrundlage Hallenbad", "Radweg", "Schulbus"]
        assert count(page) == 3
        # the phrase's quotes within the status line's own, not „"wirtschaftlichen …"“
        assert page.inner_text("#search-status") == "3 Treffer für „‚wirtschaftlichen Gründen‘“"
        for quoted in ("„wirtschaftlichen Gründen“", "»wirtschaftlichen Gründen«",
                       "\u201cwirtschaftlichen Gründen\u201d"):  # as keyboards type them
            assert sorted(titles(search(page, base, quoted))) == sorted(found), quoted
        assert sorted(titles(search(page, base, "Gründen"))) == [
            "Datengrundlage Hallenbad", "Kita", "Radweg", "Schulbus"]
    assert page.errors == []


def test_an_amount_is_found_with_or_without_its_currency_sign(page, site: Site, capsys):
    """Pagefind's index has "25.000 €" and "3.000€" without the sign, but its search kept
    the sign as a word (it drops only punctuation): "25.000 €" found nothing. (A page
    joins an amount to its unit with a no-break space: searched as a plain one.)"""
    site.resolution("a", 'reference: "2021/1"\ntitle: "Radweg"\ndate: 2021-01-01\n'
                    "public: true\n", "Es werden Mittel von 25.000 € und 12,5 % der "
                    "Kosten für die Zauberwortbrücke bereitgestellt, netto 3.000€.\n")
    site.resolution("b", 'reference: "2021/2"\ntitle: "Schulbus"\ndate: 2021-02-01\n'
                    "public: true\n", "Es werden keine Mittel bereitgestellt.\n")
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        for query in ("25.000", "25.000 €", "€ 25.000", "3.000€", "3.000 €", "12,5 %",
                      '"Zauberwortbrücke bereitgestellt"'):
            assert titles(search(page, base, query)) == ["Radweg"], query
            assert page.inner_text("#search-status") == f"1 Treffer für „{query}“".replace(
                '„"Zauberwortbrücke bereitgestellt"“', "„‚Zauberwortbrücke bereitgestellt‘“")
    assert page.errors == []


def test_an_amount_is_found_whichever_way_its_currency_is_written(page, site: Site, capsys):
    """Papers write "40.000 €", "40.000 EUR" and "40.000 Euro"; a query had to spell it
    as the page did: "50.000 Euro" found nothing on the example's pages with
    "50.000 EUR", nor did the phrase "50.000 €" (its sign before the closing quote)."""
    site.resolution("a", 'reference: "2021/1"\ntitle: "Radweg"\ndate: 2021-01-01\n'
                    "public: true\n", "Ein Zuschuss von 40.000 EUR für den Steg.\n")
    site.resolution("b", 'reference: "2021/2"\ntitle: "Schulbus"\ndate: 2021-02-01\n'
                    "public: true\n", "Ein Zuschuss von 40.000 Euro für den Bus.\n")
    site.resolution("c", 'reference: "2021/3"\ntitle: "Kita"\ndate: 2021-03-01\n'
                    "public: true\n", "Ein Zuschuss von 40.000 € für die Kita, 9.000 Euro "
                    "Eigenanteil.\n")
    site.resolution("d", 'reference: "2021/4"\ntitle: "Hallenbad"\ndate: 2021-04-01\n'
                    "public: true\n", "Ein Zuschuss von 30.000 Euro für das Bad.\n")
    assert site.run("build", capsys=capsys).code == 0
    every = ["Kita", "Schulbus", "Radweg"]  # newest first
    with serve(site.public) as base:
        for query in ("40.000", "40.000 €", "40.000 EUR", "40.000 Euro", "40.000 euro",
                      '"40.000 €"', '"40.000 EUR"', '"Zuschuss von 40.000 Euro"',
                      "Zuschuss 40.000 Euro"):
            assert titles(search(page, base, query)) == every, query
        assert titles(search(page, base, "Euro")) == ["Hallenbad", "Kita", "Schulbus"]
        # a currency word inside a phrase stays: its words must follow one another
        assert titles(search(page, base, '"9.000 Euro Eigenanteil"')) == ["Kita"]
        assert titles(search(page, base, '"40.000 Euro für"')) == ["Schulbus"]
    assert page.errors == []


def test_an_excerpt_begins_with_a_word_not_with_a_separator(page, site: Site, capsys):
    """Pagefind's excerpt is a window of the page's words, and "·" between the facts of a
    page (type · reference) counts as one: results began "· Posten13 · …"."""
    for n in range(4):
        words = [f"Posten{n}x{i} ·" for i in range(60)]
        words.insert(20 + n, "Zauberwortquokka")
        site.resolution(f"r{n}", f'reference: "2021/{n + 1}"\ntitle: "Titel {n}"\n'
                        f"date: 2021-01-0{n + 1}\npublic: true\n", " ".join(words) + "\n")
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        assert len(search(page, base, "Zauberwortquokka")) == 4
        excerpts = page.eval_on_selector_all("#search-results .excerpt",
                                             "items => items.map(p => p.textContent)")
        assert len(excerpts) == 4 and all(e.startswith("Posten") for e in excerpts), excerpts
        assert all("Zauberwortquokka" in e for e in excerpts)
    assert page.errors == []


def test_decomposed_umlauts_are_found_as_typed(page, site: Site, capsys):
    """Text from a Mac or a PDF may write "ü" as "u" and a combining mark (Unicode NFD),
    which looks the same: the index held "Zuschu\u0308sse", which "Zuschüsse" as typed
    did not find (nor the other way round)."""
    site.simple("r", "2021/1", unicodedata.normalize("NFD", "Zuschüsse für Vereine"))
    site.simple("s", "2021/2", "Straßenbau", extra="""\
        topics: [Förderung]
        """)
    site.write("content/resolutions/s.md", site.root.joinpath("content/resolutions/s.md")
               .read_text("utf-8") + unicodedata.normalize("NFD", "Die Brücke über die Wipper.\n"))
    assert site.run("build", capsys=capsys).code == 0
    with serve(site.public) as base:
        for query in ("Zuschüsse", unicodedata.normalize("NFD", "Zuschüsse")):
            assert titles(search(page, base, query)) == ["Zuschüsse für Vereine"], ascii(query)
        for query in ("Brücke", unicodedata.normalize("NFD", "Brücke")):
            assert titles(search(page, base, query)) == ["Straßenbau"], ascii(query)
    assert page.errors == []


@pytest.fixture
def parted(site: Site, capsys, monkeypatch, tmp_path) -> Site:
    """An archive of 37 papers over four years, indexed in parts of at most 12 pages,
    their word indexes cut into chunks wherever 200 bytes are full (see chunks.py)."""
    import ratsinfo_site.chunks as chunks
    import ratsinfo_site.parts as parts
    import ratsinfo_site.word_map as word_map
    monkeypatch.setattr(parts, "MAX_PART_PAGES", 12)  # several parts for a small archive
    monkeypatch.setattr(chunks, "LEAF_BYTES", 200)
    monkeypatch.setattr(chunks, "SAFE_PREFIX", -1)
    monkeypatch.setattr(word_map, "CHUNK_BYTES", 300)  # the map in chunks of ~8 words
    staging = tmp_path / "staging"
    staging.mkdir()
    monkeypatch.setattr(search_index, "STAGING_ROOT", staging)
    for n in range(36):
        date = f"{2019 + n % 4}-{1 + n % 12:02d}-{1 + n % 27:02d}"
        site.resolution(f"r{n}", f'reference: "{date[:4]}/{n}"\ntitle: "Radwegeplanung {n}"'
                        f"\ndate: {date}\npublic: true\n")
    # kin words enough that a cut must fall among the words "radwegeplan" begins
    ends = ("abschnitt amt antrag arbeit bericht büro daten entwurf fragen gebiet gesetz "
            "gruppe konzept kosten leitfaden mittel netz ordnung phase programm prozess "
            "rahmen runde stelle stufe vertrag verfahren ziel zone")
    kin = " ".join(f"Radwegeplanungs{end}" for end in ends.split())
    site.resolution("rare", 'reference: "2020/99"\ntitle: "Sonderfall"\ndate: 2020-06-06\n'
                    "public: true\n", f"Der Radwegeplanungsbeirat tagt. {kin}\n")
    assert site.run("build", capsys=capsys).code == 0
    assert len(index_parts(site.public)) >= 4
    assert list(staging.iterdir()) == []  # each part's links to its pages are gone
    return site


def test_every_index_part_is_written_whole(parted):
    """A part whose entry or metadata file is cut short makes the browser's search fail."""
    from ratsinfo_site.chunks import metadata_file
    for part in index_parts(parted.public):
        assert gzip.decompress(metadata_file(part, "de").read_bytes()), part.name
        empty = [f.name for f in part.rglob("*") if f.is_file() and f.stat().st_size == 0]
        assert empty == [], part.name


def test_more_results_keeps_the_keyboard_focus_while_parts_load(page, parted):
    """Each press of "more" that loads the next index part leaves the focus on the button
    (not on the page, where the next Tab starts at the top); the last press moves it to
    the first new result."""
    with serve(parted.public) as base:
        page.goto(f"{base}suche/?q=Radwegeplanung")
        wait_for_results(page)
        page.focus("#search-more")
        presses = 0
        while page.is_visible("#search-more"):
            shown = page.locator("#search-results > li").count()
            page.keyboard.press("Enter")
            page.wait_for_function(
                f"() => document.querySelectorAll('#search-results > li').length > {shown}")
            presses += 1
            if page.is_visible("#search-more"):
                assert page.evaluate("() => document.activeElement.id") == "search-more"
        assert presses >= 3  # parts were loaded on the way
        focused = page.evaluate("() => document.activeElement.closest('li')?.textContent")
        assert focused and "Radwegeplanung" in focused
    assert page.errors == []


def test_a_double_click_on_more_shows_each_result_once(page, sub_path_site):
    """The results are known (one index part): two presses took the same batch."""
    base, _ = sub_path_site
    page.goto(f"{base}suche/?q=Kreistag")
    wait_for_results(page)
    assert count(page) > 30
    page.dblclick("#search-more")
    page.wait_for_function("() => document.querySelectorAll('#search-results > li')"
                           ".length >= 20")
    page.wait_for_timeout(500)  # a second batch, if the second click made one
    show_all(page)
    hrefs = [r["href"] for r in results(page)]
    assert len(hrefs) == len(set(hrefs)) == count(page)
    assert page.errors == []


def test_back_from_a_result_shows_the_results_as_they_were(page, sub_path_site):
    """Back from the 26th result (or a reload) showed the first ten again, at the top."""
    base, _ = sub_path_site
    page.goto(f"{base}suche/?q=Kreistag")
    wait_for_results(page)
    for shown in (20, 30):
        page.click("#search-more")
        page.wait_for_function(
            f"() => document.querySelectorAll('#search-results > li').length >= {shown}")
    link = page.locator("#search-results > li a").nth(25)
    link.scroll_into_view_if_needed()
    top, href = link.evaluate("a => a.getBoundingClientRect().top"), link.get_attribute("href")
    assert page.evaluate("window.scrollY") > 1000
    link.click()
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    page.go_back()
    page.wait_for_function("() => document.querySelectorAll('#search-results > li').length "
                           ">= 30 && window.scrollY > 1000")
    again = page.locator("#search-results > li a").nth(25)
    assert again.get_attribute("href") == href
    assert abs(again.evaluate("a => a.getBoundingClientRect().top") - top) < 2
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#search-results > li').length "
                           ">= 30")
    page.fill("#search-field", "Integration")  # a new search: its first ten
    page.press("#search-field", "Enter")
    page.wait_for_url(re.compile(r"q=Integration$"))
    wait_for_results(page)
    assert len(results(page)) == 10
    assert page.errors == []


def test_a_query_with_dollar_patterns_is_shown_as_typed(page, sub_path_site):
    base, _ = sub_path_site
    page.goto(f"{base}suche/?q={quote('Zzzqx $` $& $1')}")
    assert wait_for_results(page) == "Keine Treffer für „Zzzqx $` $& $1“."
    phrase = quote('Zzzqx "Zzzqy $1" "Zzzqz')  # a phrase, and a quote left open
    page.goto(f"{base}suche/?q={phrase}")
    assert wait_for_results(page) == "Keine Treffer für „Zzzqx ‚Zzzqy $1‘ \"Zzzqz“."


def dates(page) -> list[str]:
    """The dates of the result cards on screen, as ISO dates."""
    found = [re.search(r"(\d\d)\.(\d\d)\.(\d{4})", r["meta"]) for r in results(page)]
    return [f"{m[3]}-{m[2]}-{m[1]}" for m in found if m]


def test_results_from_several_index_parts_come_in_date_order(page, parted):
    with serve(parted.public) as base:
        search(page, base, "Radwegeplanung")
        newest = dates(page)
        assert count(page) == 37 and len(newest) == 37  # 36 titles and the Beirat, all shown
        assert newest == sorted(newest, reverse=True) and newest[0].startswith("2022")
        page.select_option("#search-sort", "asc")
        page.wait_for_url(re.compile(r"sort=asc"))
        wait_for_results(page)
        show_all(page)
        oldest = dates(page)
        assert count(page) == 37 and oldest == sorted(oldest) and oldest[0].startswith("2019")
        # only one part has this word; the others' prefix match "radwegeplanung" is no hit
        assert titles(search(page, base, "Radwegeplanungsbeirat")) == ["Sonderfall"]
        search(page, base, "Radwegeplan")  # the stem itself: found through its own chunk
        assert count(page) == 37
    # "radwegeplan" (the stem) and "radwegeplanungsbeirat" are in different chunks of a
    # part: the browser found both above through the chunk that holds every word the stem
    # begins, listed for the stem alone
    assert any(chunk[:2] == ["radwegeplan"] * 2 for chunk in chunk_lists(parted.public))


def chunk_lists(public) -> list[list[str]]:
    """Every index part's list of word index chunks: [from, to, name] each."""
    from ratsinfo_site.chunks import metadata_file, read_metadata
    return [chunk for part in index_parts(public)
            for chunk in read_metadata(metadata_file(part, "de"))[2]]


def parts_loaded(requested: list[str]) -> set[str]:
    """The index parts whose metadata the browser has downloaded."""
    return {url.split("/pagefind/")[1].split("/")[0] for url in requested
            if url.endswith(".pf_meta")}


def holding(public, start: str) -> set[str]:
    """The index parts whose word index (as Pagefind wrote it) has a word ``start`` begins."""
    from ratsinfo_site.chunks import index_words
    return {part.name for part in index_parts(public)
            if any(word.startswith(start) for word in index_words(part, "de"))}


def papers_in_parts(site: Site, capsys, monkeypatch, title: str) -> set[str]:
    """36 papers "<title>, Teil n" (references 2019/n to 2021/n) in parts of 12 pages;
    the names of the parts."""
    import ratsinfo_site.parts as parts
    monkeypatch.setattr(parts, "MAX_PART_PAGES", 12)  # several parts for a small archive
    for n in range(36):
        year = 2019 + n % 3
        site.resolution(f"r{n}", f'reference: "{year}/{n}"\ntitle: "{title}, Teil {n}"'
                        f"\ndate: {year}-0{1 + n % 9}-1{n % 9}\npublic: true\n")
    assert site.run("build", capsys=capsys).code == 0
    return {p.name for p in index_parts(site.public)}


def test_a_number_that_is_no_reference_is_answered_as_a_word_a_reference_where_it_is(
        page, site: Site, capsys, monkeypatch):
    """Every part was searched for any query with a digit (a reference may be anywhere):
    "Haushalt 2024" downloaded every part's index. Only a query that ends in words of a
    reference's form ("2021/7", "2021 / 7") is searched everywhere now: in every part
    whose index has it (see word_map.py)."""
    every = papers_in_parts(site, capsys, monkeypatch, "Haushalt 2024")
    assert len(every) >= 3
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with serve(site.public) as base:
        page.goto(f"{base}suche/?q={quote('Haushalt 2024')}")
        status = wait_for_results(page)
        assert re.match(r"Mindestens (\d+) Treffer", status), status
        assert 0 < len(parts_loaded(requested)) < len(every)
        requested.clear()
        found = search(page, base, "Teil 2019 / 3")
        assert found[0]["pinned"] and found[0]["title"] == "Haushalt 2024, Teil 3"
        # "20193", as Pagefind reads "2019/3", begins the references 2019/3, 2019/30 and
        # 2019/33: searched in the parts that have them, not in the others
        assert parts_loaded(requested) == holding(site.public, "20193") != every


def test_words_of_a_references_form_that_name_no_paper_are_answered_as_words(
        page, site: Site, capsys, monkeypatch):
    """A query with words of a reference's form was searched in every part that has its
    words, a paper named or not: "Haushaltssatzung für das Jahr 2024" (of the form of
    "OSR-Vorlage Nr. 171") downloaded 836 KB at 10,000 resolutions. Only where a paper's
    reference is found in it now."""
    every = papers_in_parts(site, capsys, monkeypatch, "Haushalt 2024 / 2025")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with serve(site.public) as base:
        page.goto(f"{base}suche/?q={quote('Haushalt 2024 / 2025')}")  # "2024 / 2025": 9-9
        assert wait_for_results(page).startswith("Mindestens")
        assert 0 < len(parts_loaded(requested)) < len(every)
        found = search(page, base, "Haushalt 2020 / 7")  # a reference, and pinned
        assert found[0]["pinned"] and found[0]["title"] == "Haushalt 2024 / 2025, Teil 7"
    assert page.errors == []


@pytest.mark.parametrize("sort,first_year", [("", "2022"), ("&sort=asc", "2019")])
def test_on_a_phone_a_common_word_is_answered_from_the_first_parts_in_order(
        page, parted, sort, first_year):
    page.set_viewport_size({"width": 375, "height": 800})  # the filter box starts closed
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    every = {p.name for p in index_parts(parted.public)}
    with serve(parted.public) as base:
        page.goto(f"{base}suche/?q=Radwegeplanung{sort}")
        status = wait_for_results(page)
        first = dates(page)
        assert len(first) == 10 and first[0].startswith(first_year)
        assert first == sorted(first, reverse=not sort)
        assert re.match(r"Mindestens (\d+) Treffer für „Radwegeplanung“", status)
        assert 10 <= int(re.search(r"\d+", status)[0]) < 37
        assert 0 < len(parts_loaded(requested)) < len(every)
        show_all(page)  # paging on searches the older (or newer) parts
        assert count(page) == 37 and parts_loaded(requested) == every
        assert dates(page) == sorted(dates(page), reverse=not sort)
        assert dates(page)[:10] == first
        assert page.errors == []


def test_opening_the_filter_box_searches_every_part_and_counts_exactly(page, parted):
    page.set_viewport_size({"width": 375, "height": 800})
    with serve(parted.public) as base:
        page.goto(f"{base}suche/?q=Radwegeplanung")
        assert wait_for_results(page).startswith("Mindestens")
        page.click("#search-filter-box summary")
        page.get_by_label("2019 (9)").wait_for()  # counts over the whole archive
        assert page.get_by_label("2020 (10)").is_visible()  # with the Beirat
        page.wait_for_function("() => /^37 Treffer/.test("
                               "document.getElementById('search-status').textContent)")
        assert len(results(page)) == 10 and page.locator("#search-more").is_visible()
        show_all(page)
        assert len(results(page)) == 37


def test_on_a_phone_a_filter_in_the_address_leaves_the_results_first(page, parted):
    """A shared address with a filter opened the filter box on a phone too: its values
    pushed the first result a screen down (1,200 pixels on the 10,000 archive), and its
    counts loaded every part. The box stays closed and says how many values are chosen;
    opened, it shows them ticked."""
    page.set_viewport_size({"width": 375, "height": 800})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with serve(parted.public) as base:
        page.goto(f"{base}suche/?q=Radwegeplanung&jahr=2022")
        wait_for_results(page)
        assert dates(page) and all(d.startswith("2022") for d in dates(page))
        assert page.inner_text("#search-filter-box summary") == \
            "Treffer eingrenzen (1 gewählt)"
        assert not page.eval_on_selector("#search-filter-box", "box => box.open")
        first = page.eval_on_selector("#search-results li", "li => li.getBoundingClientRect().top")
        assert first < 800  # on the first screen
        filters = len([url for url in requested if url.endswith(".pf_filter")])
        page.click("#search-filter-box summary")
        ticked = page.get_by_label(re.compile(r"^2022 \(\d+\)$"))
        ticked.wait_for()
        assert ticked.is_checked()
        # only the year's filter was loaded (to apply it), the others for their counts now
        assert len([url for url in requested if url.endswith(".pf_filter")]) > filters
        page.get_by_role("button", name="Alle Filter aufheben").click()
        page.wait_for_url(re.compile(r"\?q=Radwegeplanung$"))
        page.wait_for_function("() => document.querySelector('#search-filter-box summary')"
                               ".textContent === 'Treffer eingrenzen'")
    assert page.errors == []


def test_a_rare_word_is_searched_only_in_the_parts_that_have_it(page, parted):
    """A word of one paper made the browser load every part (340 KB on a phone at 10,000
    resolutions, over 300 KB with 12 parts); the map of which part holds which word
    (pagefind/words/) leaves out the parts that cannot answer."""
    every = {p.name for p in index_parts(parted.public)}
    assert len(list((parted.public / "pagefind" / "words").glob("*.json"))) > 4  # chunks
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with serve(parted.public) as base:
        assert titles(search(page, base, "Radwegeplanungsbeirat")) == ["Sonderfall"]
        assert parts_loaded(requested) == holding(parted.public, "radwegeplanungsbeirat")
        assert len(parts_loaded(requested)) == 1 < len(every)
        requested.clear()
        # a word that begins several chunks of the map: their listing names its parts
        listing = json.loads((parted.public / "pagefind/words/index.json").read_bytes())
        firsts = [first for first, _, _ in listing["chunks"]]
        assert any(a.startswith("radwegeplan") and b.startswith("radwegeplan")
                   for a, b in zip(firsts, firsts[1:], strict=False))
        search(page, base, "Radwegeplan", "&sort=asc")
        show_all(page)
        assert count(page) == 37 and parts_loaded(requested) == every
        requested.clear()
        page.goto(f"{base}suche/?q=Radwegeplanungsbeiratsmitglied")  # in no part
        assert wait_for_results(page) == "Keine Treffer für „Radwegeplanungsbeiratsmitglied“."
        assert not [url for url in requested if "/pagefind/2" in url]  # no part, no script
        assert page.errors == []


def test_the_filter_box_of_a_rare_word_loads_only_the_parts_that_have_it(page, parted):
    """Opening the filter box loaded every part and all its filter chunks (~500 KB at
    10,000 resolutions); a part that cannot answer has nothing to count."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with serve(parted.public) as base:
        page.goto(f"{base}suche/?q=Radwegeplanungsbeirat")
        wait_for_results(page)
        page.click("#search-filter-box summary")
        page.get_by_label("2020 (1)").wait_for()
        loaded = {url.split("/pagefind/")[1].split("/")[0] for url in requested
                  if url.endswith(".pf_filter")}
        assert loaded == parts_loaded(requested) == \
            holding(parted.public, "radwegeplanungsbeirat")
        assert len(loaded) == 1
        page.get_by_label("2020 (1)").check()  # a filter set: searched as before
        page.wait_for_url(re.compile(r"jahr=2020"))
        assert wait_for_results(page).startswith("1 Treffer")
    assert page.errors == []


@pytest.mark.parametrize("gone", ["listing", "chunk"])
def test_without_the_word_map_every_part_is_searched(page, parted, gone):
    """A map that cannot be read (none, or an old listing a browser kept whose chunks are
    gone) leaves the search as it was before the map: every part may answer."""
    every = {p.name for p in index_parts(parted.public)}
    words = parted.public / "pagefind" / "words"
    if gone == "listing":
        (words / "index.json").unlink()
    else:  # every chunk the word may be in
        for _, name, _ in json.loads((words / "index.json").read_bytes())["chunks"]:
            if "radwegeplanungsbeirat" in (words / f"{name}.json").read_text("utf-8"):
                (words / f"{name}.json").unlink()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with serve(parted.public) as base:
        assert titles(search(page, base, "Radwegeplanungsbeirat")) == ["Sonderfall"]
        assert parts_loaded(requested) == every
        assert [e for e in page.errors if "404" not in e] == []


def test_a_reference_in_the_oldest_part_is_found_and_pinned(page, parted):
    with serve(parted.public) as base:
        found = search(page, base, "2019/32")
        assert found[0]["pinned"] and found[0]["title"] == "Radwegeplanung 32"
        # and nothing else: the parts without it fell back to "2019" of the other papers
        # (a stemmer takes no digit off: "2021/7/014" showed 369 papers of the 10,000)
        assert titles(found) == ["Radwegeplanung 32"] and count(page) == 1


def test_without_a_folder_in_memory_the_pages_are_staged_in_the_temporary_folder(
        site: Site, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(search_index, "STAGING_ROOT", tmp_path / "not-there")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    site.simple("a", "2021/1", "Radwegeplanung")
    assert site.run("build", capsys=capsys).code == 0
    fragments = [gzip.decompress(f.read_bytes()).decode()
                 for f in (site.public / "pagefind").rglob("*.pf_fragment")]
    assert any('"url":"/beschluesse/2021-1/"' in f and "Radwegeplanung" in f
               for f in fragments)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # nothing left beside the site


def settle(output, scripts, seconds) -> None:
    """search._settle, in a thread of its own (this one runs the browser's event loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(search_index._settle(output, scripts, seconds))).result()


def test_a_part_is_not_settled_while_a_file_is_cut_short(tmp_path):
    """Pagefind's process may end only when each file of a part is whole (see _settle)."""
    whole = gzip.compress(b"pagefind_dcd" + b"x" * 5000)
    fragment = tmp_path / "fragment" / "de_1.pf_fragment"
    fragment.parent.mkdir()
    fragment.write_bytes(whole[:40])  # the rest still on its way
    (tmp_path / "pagefind-entry.json").write_text('{"version": "1"}', encoding="utf-8")
    (tmp_path / "pagefind.js").write_bytes(b"export{init};")
    scripts = {"pagefind.js": b"export{init};"}
    with pytest.raises(ToolError, match="1 files unfinished.*de_1.pf_fragment"):
        settle(tmp_path, scripts, 0.1)
    (tmp_path / "pagefind.js").write_bytes(b"expo")  # a script is compared with Pagefind's
    with pytest.raises(ToolError, match="2 files unfinished"):
        settle(tmp_path, scripts, 0.1)
    (tmp_path / "pagefind.js").write_bytes(b"export{init};")
    later = threading.Timer(0.3, fragment.write_bytes, [whole])
    later.start()
    started = time.monotonic()
    settle(tmp_path, scripts, 10)
    assert 0.25 < time.monotonic() - started < 5  # waited for the file, then went on
    later.join()
    (tmp_path / "pagefind-entry.json").write_text("", encoding="utf-8")
    with pytest.raises(ToolError, match="pagefind-entry.json"):
        settle(tmp_path, scripts, 0.1)


def test_pagefind_is_asked_for_its_scripts_once_then_they_come_from_the_cache(
        site: Site, capsys, monkeypatch):
    """Each part's scripts are checked against Pagefind's own (see _settle); asking for them
    costs a one-page index (0.3-0.5 s), which a build of one edit in a new process (each
    ``ratsinfo-site build``) takes from the cache folder instead."""
    asked = []
    real = search_index.IndexConfig

    def config(**kwargs):
        asked.append("output_path" not in kwargs)  # the parts' indexes name their folder
        return real(**kwargs)

    monkeypatch.setattr(search_index, "IndexConfig", config)

    def build_in_new_process() -> int:
        monkeypatch.setattr(search_index, "_known_scripts", {})
        asked.clear()
        assert site.run("build", capsys=capsys).code == 0
        return sum(asked)

    paper = site.simple("a", "2021/1", "Radwegeplanung")
    assert build_in_new_process() == 1
    cached = site.root / ".ratsinfo-cache" / search_index.SCRIPTS_CACHE
    [script] = (site.public / "pagefind").glob("*/pagefind.js")
    assert script.read_bytes() in cached.read_bytes()
    paper.write_text(paper.read_text("utf-8") + "Ein Satz mehr.\n", encoding="utf-8")
    assert build_in_new_process() == 0
    [script] = (site.public / "pagefind").glob("*/pagefind.js")
    fragments = [gzip.decompress(f.read_bytes()).decode()
                 for f in (site.public / "pagefind").rglob("*.pf_fragment")]
    assert any("Ein Satz mehr" in f for f in fragments)
    cached.write_bytes(b"not a pickle")  # damaged: asked again, and written anew
    paper.write_text(paper.read_text("utf-8") + "Noch einer.\n", encoding="utf-8")
    assert build_in_new_process() == 1
    assert script.read_bytes() in cached.read_bytes()


def test_a_part_writes_beside_another_only_when_memory_allows_both(monkeypatch):
    """Pagefind writes a part on about one core: a second part may write beside it when
    the memory a page took in the parts written so far says both fit in the budget."""
    from ratsinfo_site.parts import Part

    monkeypatch.setattr(search_index, "memory_mb", lambda pid="self", field="VmRSS": 100.0)
    monkeypatch.setattr(search_index, "MEMORY_BUDGET_MB", 1000)

    def part(name: str, pages: int) -> Part:
        return Part(name, tuple(f"{name}/{n}/index.html" for n in range(pages)))

    async def waits(turns, coming: Part) -> asyncio.Task:
        task = asyncio.create_task(turns.begin(coming))
        await asyncio.sleep(0.05)
        return task

    async def scenario() -> None:
        turns = search_index._Turns()
        a, b, c, d, e = (part("a", 1000), part("b", 900), part("c", 1000), part("d", 1000),
                         part("e", 900))
        await turns.begin(a)  # the first part writes at once
        second = await waits(turns, b)
        assert not second.done()  # nothing is known of the memory a page takes: b waits
        await turns.end(a, 410.0)  # 10 MB for the process, 0.4 MB a page
        await asyncio.sleep(0.05)
        assert second.done() and list(turns.writing) == ["b"]
        assert (await waits(turns, c)).done()  # 100 + 2 * 10 + 0.4 * (900 + 1000) <= 1000
        assert turns.writing == {"b": 900, "c": 1000}
        await turns.end(b, 460.0)  # 0.5 MB a page now
        await turns.end(c, 400.0)
        await turns.begin(d)
        fifth = await waits(turns, e)
        assert not fifth.done()  # 100 + 2 * 10 + 0.5 * (1000 + 900) > 1000: e waits
        await turns.end(d, None)  # its memory unknown: no part writes beside another again
        await asyncio.sleep(0.05)
        assert fifth.done() and list(turns.writing) == ["e"]
        assert not (await waits(turns, part("f", 1))).done()

    with ThreadPoolExecutor(max_workers=1) as pool:  # this thread may run the browser's loop
        pool.submit(asyncio.run, scenario()).result()


def test_a_part_that_cannot_be_indexed_fails_the_build_with_a_message_not_a_traceback(
        site: Site, capsys, monkeypatch):
    import errno

    import ratsinfo_site.parts as parts
    import ratsinfo_site.patch as patch
    monkeypatch.setattr(parts, "MAX_PART_PAGES", 2)
    monkeypatch.setattr(patch, "PATCH_PAGES", 0)  # each part indexed anew (test_patch.py)
    papers = [site.simple(f"r{n}", f"{2019 + n}/1", f"Radwegeplanung {n}") for n in range(6)]
    assert site.run("build", capsys=capsys).code == 0
    assert len(index_parts(site.public)) == 3
    before = {p: p.read_bytes() for p in site.public.rglob("*") if p.is_file()}
    real, staged = search_index._stage, []

    def stage(site_path, part, staging, language):
        staged.append(part.name)
        if len(staged) == 2:  # the second part under way
            raise OSError(errno.ENOSPC, "No space left on device", str(staging))
        real(site_path, part, staging, language)

    monkeypatch.setattr(search_index, "_stage", stage)
    for paper in papers:  # every part changes
        paper.write_text(paper.read_text("utf-8") + "Ein Satz mehr.\n", encoding="utf-8")
    run = site.run("build", capsys=capsys)
    assert run.code == 1 and "Traceback" not in run.err
    assert re.search(r"error: .*ratsinfo-search-.*: No space left on device", run.err)
    assert {p: p.read_bytes() for p in site.public.rglob("*") if p.is_file()} == before


def test_a_reference_s_form_is_its_runs_of_digits_letters_and_the_rest():
    """The forms the search page compares a query's last words with (search.js shapeOf
    applies the same rule): spacing and separators do not count, their places do."""
    from ratsinfo_site.pages import reference_shape
    assert [reference_shape(x) for x in (
        "2021/7/014", "2021 / 7 / 014", "BV 2023/015", "VO/2021/0123-1", "Nr. 12",
        "Drucksache 19/1234", "Ä-7")] == [
        "9-9-9", "9-9-9", "a-9-9", "a-9-9-9", "a-9", "a-9-9", "a-9"]
