"""``language = "en"``: every interface string, date, address, anchor and export in English."""

from __future__ import annotations

import json
import re
import tomllib
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from ratsinfo_site.i18n import catalogue
from tests.browser import open_filters, results, wait_for_results
from tests.helpers import REPO, Site, serve, text_of

GERMAN_WORDS = ("beschluesse", "sitzungen", "gremien", "themen", "jahre", "suche", "seite",
                "dateien", "barrierefreiheit", "leichte-sprache", "impressum", "datenschutz")


def test_english_build_has_english_addresses_and_no_german_ones(english_site: Site):
    public = english_site.public
    for path in ("resolutions/2021-7-014/index.html", "resolutions/index.html",
                 "sessions/2021-03-31-kreistag/index.html", "sessions/index.html",
                 "committees/kreistag/index.html", "committees/index.html",
                 "topics/integration/index.html", "topics/index.html", "years/2021/index.html",
                 "years/index.html", "search/index.html", "accessibility/index.html",
                 "easy-read/index.html", "imprint/index.html", "privacy/index.html",
                 "resolutions/2021-7-039/index.html", "404.html"):
        assert (public / path).is_file(), path
    for word in GERMAN_WORDS:
        assert not (public / word).exists(), word
    html = "\n".join(p.read_text("utf-8") for p in public.rglob("*.html"))
    for word in GERMAN_WORDS:
        assert not re.search(rf'(href|src)="[^"]*/{word}/', html), word


def test_english_resolution_page_has_english_anchors_dates_and_labels(english_site: Site):
    html = english_site.page("resolutions/2021-7-014/")
    for anchor in ("decision", "consultations", "statement", "cite", "citation",
                   "consultation-2021-03-31-kreistag", "content"):
        assert f'id="{anchor}"' in html, anchor
    for anchor in ("beschluss", "beratungsfolge", "sachverhalt", "zitieren", "zitat",
                   "beratung-2021-03-31-kreistag", "inhalt"):
        assert f'id="{anchor}"' not in html, anchor
    text = text_of(html)
    for label in ("Skip to content", "Date of paper", "31 March 2021", "Decision",
                  "Consultations", "For: 27 · Against: 6", "Statement of facts", "Cite",
                  "Accessibility statement", "Easy Read", "Legal notice", "Privacy"):
        assert label in text, label
    assert "31.03.2021" not in text_of(html.split('class="citation"')[0].split("<main")[0])
    assert '<html lang="en">' in html
    # the content stays German, and says so
    assert '<h1 lang="de" data-pagefind-meta="title">Integrationskonzept' in html


def test_english_session_page_has_an_english_long_date_and_agenda_anchor(english_site: Site):
    html = english_site.page("sessions/2021-03-31-kreistag/")
    assert "31 March 2021" in text_of(html) and 'id="agenda"' in html
    assert 'href="/resolutions/2021-7-014/#consultation-2021-03-31-kreistag"' in html


def test_english_exports_have_english_names_and_addresses(english_site: Site):
    public = english_site.public
    for path in ("api/resolutions.json", "api/resolutions.csv", "api/sessions.json",
                 "api/resolutions/2021-7-014.json", "sessions.ics"):
        assert (public / path).is_file(), path
    assert not (public / "sitzungen.ics").exists()
    assert not (public / "api/beschluesse.json").exists()
    listed = (public / "api/resolutions.json").read_text("utf-8")
    assert "/resolutions/2021-7-014/" in listed and "/beschluesse/" not in listed
    assert "/sessions/" in (public / "api/sessions.json").read_text("utf-8")


# --- no German interface word anywhere: an archive whose content is not German at all ---

LATIN = """\
reference: "2021/7/014"
title: "Lorem ipsum dolor"
date: 2021-03-31
public: true
type: "Motion"
topics: [Alpha, Beta]
submitter: "Lorem"
department: "Ipsum"
resolution: "Lorem ipsum **dolor** sit amet."
consultations:
  - {committee: Council, date: 2021-03-31, role: Vote, agenda_item: 7, outcome: accepted,
     votes: {for: 27, against: 6}}
  - {committee: Board, date: 2021-03-17, outcome: advised, unanimous: true,
     votes: {for: 6, against: 0, abstain: 1, biased: 0}}
finance: {Costs: "100 EUR"}
signed: {place: Lorem, date: 2021-03-31, name: Ipsum, role: Dolor}
issued: 2021-04-01
attachments: [{title: Lorem, file: a.pdf}]
related: ["2021/1"]
aliases: ["2020/9"]
details: {Lorem: Ipsum}
"""


@pytest.fixture(scope="module")
def latin_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Every interface element, English interface, content in Latin placeholder words."""
    import contextlib

    from ratsinfo_site.cli import main
    site = Site(tmp_path_factory.mktemp("latin") / "site")
    site.write("site.toml", 'language = "en"\ntitle = "Lorem Archive"\nbody = "Ipsum"\n'
               'base_url = "https://example.org/archive/"\n'
               'sign_language_url = "https://example.org/video"\n')
    site.resolution("full", LATIN, "## Lorem\n\nIpsum dolor.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    site.resolution("other", 'reference: "2021/1"\ntitle: "Sit amet"\ndate: 2021-01-05\n'
                    'public: true\nstatus: withdrawn\ntopics: [Alpha]\n', "Lorem.\n")
    site.write("content/files/a.pdf", b"%PDF-1.4 lorem")
    site.write("content/sessions/council.md", "---\ncommittee: Council\ndate: 2021-03-31\n"
               "number: 7\ntitle: Lorem\nstart: \"17:00\"\nend: \"19:00\"\nlocation: Ipsum\n"
               "---\n\nDolor sit.\n")
    site.write("content/committees/council.md", "---\nname: Council\nshort: C\n"
               "description: Lorem ipsum.\n---\n\nDolor.\n")
    site.write("content/topics/alpha.md", "---\nname: Alpha\ndescription: Lorem.\n---\n\nIpsum.\n")
    with contextlib.chdir(site.root):
        assert main(["build", "--quiet"]) == 0
    return site


class _Visible(HTMLParser):
    """Text and the attribute values a person meets (labels, titles, alternatives)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for key, value in attrs:
            if value and key in ("aria-label", "title", "placeholder", "alt", "content",
                                 "data-copied", "id", "href"):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def german_phrases() -> set[str]:
    """Each literal piece of a German interface string that English does not share."""
    de, en = catalogue("de"), catalogue("en")
    phrases = set()
    for key, text in de.messages.items():
        if text == en.messages[key]:
            continue
        for piece in re.split(r"\{[a-z_]+\}|[„“”:.,()…–·\[\]]", text):
            if len(piece.strip()) >= 2:
                phrases.add(piece.strip())
    phrases |= {o for k, o in de.outcomes.items() if o != en.outcomes[k]}
    phrases |= {m for m in de.months if m not in en.months}
    phrases |= {w for k, w in de.words.items() if w != en.words[k]}
    english = " ".join([*en.messages.values(), *en.words.values(), *en.months])
    return {p for p in phrases if p not in english}


def test_an_english_build_shows_no_german_interface_word(latin_site: Site):
    phrases = german_phrases()
    assert {"Beschlüsse", "Sitzung", "März", "beschluesse", "Zum Inhalt springen"} <= phrases
    found = []
    pages = sorted(latin_site.public.rglob("*.html"))
    assert len(pages) >= 15
    for page in pages:
        parser = _Visible()
        parser.feed(page.read_text("utf-8"))
        text = " | ".join(parser.parts)
        found += [f"{page.relative_to(latin_site.public)}: {phrase}" for phrase in phrases
                  if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)]
    assert found == []



def test_an_english_paginated_list_names_its_pages_in_english(site: Site, capsys, monkeypatch):
    monkeypatch.setattr("ratsinfo_site.pages.PER_PAGE", 1)
    site.write("site.toml", 'language = "en"\ntitle = "Lorem Archive"\n')
    for n in range(1, 11):
        site.resolution(f"r{n}", f'reference: "2021/{n}"\ntitle: "Lorem {n}"\n'
                        f"date: 2021-01-{n:02}\npublic: true\ntopics: [Alpha]\n")
    assert site.run("build", capsys=capsys).code == 0
    html = site.page("resolutions/page/5/")
    assert "<title>Resolutions – Page 5 of 10 – Lorem Archive</title>" in html
    assert '<h1>Resolutions <span class="subtitle">Page 5 of 10</span></h1>' in html
    # a heading in the content's language has the page in the interface's
    assert '<span class="subtitle" lang="en">Page 5 of 10</span></h1>' in site.page(
        "topics/alpha/page/5/")
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S)[0]
    assert 'aria-label="Pagination"' in nav and "Page 5 of 10: " in text_of(nav)
    assert "Previous page" in nav and "Next page" in nav and "…" in nav
    assert '<span class="visually-hidden">Page </span>5</a>' in nav
    parser = _Visible()
    parser.feed(html)
    text = " | ".join(parser.parts)
    assert [p for p in german_phrases()
            if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)] == []


def test_english_search_labels_and_script_carry_no_german(latin_site: Site):
    html = latin_site.page("search/")
    config = json.loads(re.search(r'id="search-config">(.*?)</script>', html, re.S)[1])
    labels = config["labels"]
    assert labels["results_count"] == "{count} results for “{query}”"
    assert labels["months"][2] == "March"
    assert [name for name, _ in config["filters"]] == ["Topic", "Committee", "Year", "Type",
                                                      "Result"]
    assert [param for _, param in config["filters"]] == ["topic", "committee", "year", "type",
                                                       "result"]
    script = (REPO / "ratsinfo_site/theme/static/search.js").read_text("utf-8")
    script += (REPO / "ratsinfo_site/theme/static/cite.js").read_text("utf-8")
    strings = re.findall(r'"([^"\n]*)"|`([^`\n]*)`', re.sub(r"//.*", "", script))
    german = [s for pair in strings for s in pair if re.search(r"[äöüß]|Treffer|Suche", s)]
    assert german == []


def test_every_english_message_differs_only_where_the_words_are_the_same():
    """en.toml has every key of de.toml, and no German text left in it."""
    de = tomllib.loads((REPO / "ratsinfo_site/locale/de.toml").read_text("utf-8"))
    en = tomllib.loads((REPO / "ratsinfo_site/locale/en.toml").read_text("utf-8"))
    for table in ("words", "messages", "outcomes", "months"):
        assert de[table].keys() == en[table].keys(), table
    names = r"Länder|Mauerstraße|schlichtungsstelle"  # German names in English sentences
    assert not [v for v in en["messages"].values() if re.search(r"[äöüß]", re.sub(names, "", v))]


@pytest.mark.browser
def test_search_works_in_english_in_the_browser(page, english_site: Site):
    with serve(english_site.public) as base:
        page.goto(base + "search/?q=" + quote("Integrationskonzept"))
        status = wait_for_results(page)
        assert re.match(r"\d+ results? for “Integrationskonzept”", status), status
        card = next(r for r in results(page)
                    if r["title"] == "Integrationskonzept Kyffhäuserkreis 2020")
        assert "31 March 2021" in card["meta"] and card["href"].startswith("/resolutions/")
        assert page.locator("#search-results h3 a").first.get_attribute("lang") == "de"
        open_filters(page)
        page.get_by_role("group", name="Narrow down").get_by_label(
            re.compile(r"^Kreistag \(\d+\)$")).check()
        page.wait_for_url(re.compile(r"committee=Kreistag"))
        wait_for_results(page)
        assert results(page)
        assert page.get_by_role("combobox", name="Sort").count() == 1
        page.click("#search-results h3 a")
        page.wait_for_load_state()
        assert "/resolutions/" in page.url or "/sessions/" in page.url
        assert page.errors == []


def test_one_result_is_announced_in_the_singular(page, english_site: Site):
    """"1 results for …" in the status line that a screen reader reads out."""
    with serve(english_site.public) as base:
        page.goto(base + "search/?q=" + quote("Kreislaufwirtschaftsplan"))
        assert wait_for_results(page) == "1 result for “Kreislaufwirtschaftsplan”"


def test_statement_pages_are_in_english(english_site: Site):
    text = text_of(english_site.page("accessibility/"))
    assert "Accessibility statement" in text and "Conciliation procedure" in text
    checked = tomllib.loads((english_site.root / "site.toml").read_text("utf-8"))[
        "accessibility_checked"]
    assert f"{checked.day} {catalogue('en').months[checked.month - 1]} {checked.year}" in text
    easy = english_site.page("easy-read/")
    assert "What is a council?" in text_of(easy)
    # the built-in Easy Read text is English; the site's own imprint is German
    assert '<article class="text-page text-easy-language">' in easy
    imprint = english_site.page("imprint/")
    assert '<article class="text-page text-imprint" lang="de">' in imprint


@pytest.mark.browser
def test_the_citation_gets_the_date_of_retrieval_in_english(page, english_site: Site):
    with serve(english_site.public) as base:
        page.goto(base + "resolutions/2021-7-014/")
        today = page.evaluate("() => new Date().toLocaleDateString('en-GB', "
                              "{day: 'numeric', month: 'long', year: 'numeric'})")
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", today)
        assert page.inner_text(".citation-text").endswith(f"/2021-7-014/ (retrieved {today})")
        assert page.errors == []


@pytest.mark.browser
def test_german_names_in_the_english_search_are_marked_german(page, english_site: Site):
    """WCAG 3.1.2: a topic, committee or paper type is the content's German word."""
    with serve(english_site.public) as base:
        page.goto(base + "search/?q=" + quote("Integrationskonzept"))
        wait_for_results(page)
        open_filters(page)
        box = page.get_by_role("group", name="Narrow down")
        langs = {name: box.locator("fieldset", has=page.locator("legend", has_text=name))
                 .locator("label span").first.get_attribute("lang")
                 for name in ("Topic", "Committee", "Type", "Year", "Result")}
        assert langs == {"Topic": "de", "Committee": "de", "Type": "de", "Year": None,
                         "Result": None}
        facts = page.locator("#search-results .meta").first
        assert facts.locator("span[lang=de]").first.inner_text() == "Beschlussvorlage"
    assert page.errors == []
