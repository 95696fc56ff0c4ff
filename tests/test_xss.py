"""Hostile input: script in any field never runs, on any page or in search results.

Every vector of tests/data/xss_vectors.py goes into every field that reaches a page. Each
page is checked twice: its markup (no handler attribute, no foreign script, no script
address, JSON in <script> intact) and in Debian's chromium (no dialog, no flag, no error).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.data.xss_vectors import EVALUATED, MARKDOWN_ONLY, VECTORS
from tests.helpers import Site, serve

HOST = "https://example.org/archiv/"
PREFIX = "/archiv/"
DAY = dt.date(2021, 1, 1)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True  # the format refuses anchors and aliases


def front_matter(meta: dict) -> str:
    return yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=1_000_000)


def write_file(site: Site, rel: str, meta: dict, body: str) -> None:
    site.write(rel, f"---\n{front_matter(meta)}---\n\n{body}\n")


def write_hostile_archive(site: Site) -> None:
    """One paper, session, committee and topic per vector, the vector in every field."""
    site.write("content/files/plan.pdf", b"%PDF-1.4 Plan\n")
    for i, v in enumerate(VECTORS):
        n = f"{i:02d}"
        date = DAY + dt.timedelta(days=i)
        committee, topic = f"Gremium{n} {v}", f"Thema{n} {v}"
        write_file(site, f"content/resolutions/x{n}.md", {
            "reference": f"X/{n}", "title": f"T{n} {v}", "date": date, "public": True,
            "type": f"Typ{n} {v}", "topics": [topic], "submitter": v, "department": v,
            "resolution": v,
            "consultations": [{"committee": committee, "date": date, "role": v,
                               "agenda_item": v, "result": f"angenommen {v}",
                               "votes": {"for": 3, "against": 1}}],
            "finance": {f"L{n} {v}": v} if i % 2 else v,
            "details": {f"D{n} {v}": v},
            "signed": {"place": v, "date": date, "name": v, "role": v},
            "attachments": [{"title": v, "file": "plan.pdf"}],
            "aliases": [f"ALIAS-{n} {v}"],
            "related": [f"X/{i - 1:02d}"] if i else [],
        }, v)
        write_file(site, f"content/sessions/s{n}.md", {
            "committee": committee, "date": date, "number": v, "title": v, "location": v,
            "start": "17:00",
        }, v)
        write_file(site, f"content/committees/c{n}.md",
                   {"name": committee, "short": v, "description": v}, v)
        write_file(site, f"content/topics/t{n}.md", {"name": topic, "description": v}, v)
    for i, v in enumerate(MARKDOWN_ONLY):
        write_file(site, f"content/resolutions/m{i}.md", {
            "reference": f"M/{i}", "title": f"Markdown {i}", "date": DAY, "public": True,
            "resolution": v}, v)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = Site(tmp_path_factory.mktemp("xss") / "site")
    write_hostile_archive(site)
    from ratsinfo_site.cli import main
    with contextlib.chdir(site.root):
        assert main(["build", "--quiet", "--base-url", HOST]) == 0
    return site


def html_pages(site: Site) -> list[Path]:
    return sorted(p.relative_to(site.public) for p in site.public.rglob("*.html"))


# --- the markup ------------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc",
                  "poster", "background", "cite", "ping", "srcset"}
DANGEROUS = re.compile(r"^(?:javascript|vbscript|data):")
FOREIGN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "svg",
                "math", "template", "style", "img", "video", "audio", "source", "marquee",
                "textarea"}


class Markup(HTMLParser):
    """Collects what could run: scripts, handler attributes, addresses, foreign elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.json_scripts: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in FOREIGN_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            squashed = re.sub(r"[\s\x00-\x1f]+", "", value or "").lower()
            if name in URL_ATTRIBUTES and DANGEROUS.match(squashed) and not (
                    tag == "link" and found.get("rel") == "icon" and value == "data:,"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style" and not re.fullmatch(r"width: [\d.]+%", value or ""):
                self.problems.append(f"<{tag} style={value!r}>")
        refresh = tag == "meta" and found.get("http-equiv", "").lower() == "refresh"
        if refresh and not re.fullmatch(rf"0; url={PREFIX}[\w/-]+", found.get("content") or ""):
            self.problems.append(f"<meta refresh {found.get('content')!r}>")
        if tag == "script":
            self._script, self._data = found, []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._data.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self._script is None:
            return
        kind, src = self._script.get("type"), self._script.get("src")
        data = "".join(self._data)
        # an alias's redirect, keeping the #section: to an address of the site, nothing else
        redirect = not self._script and re.fullmatch(
            rf'location\.replace\("{PREFIX}[\w/-]+" \+ location\.hash\);', data)
        if kind in ("application/ld+json", "application/json") and not src:
            self.json_scripts.append(data)
        elif not redirect and not (src and re.fullmatch(rf"{PREFIX}assets/[\w.-]+\.js", src)
                                   and not data.strip()):
            self.problems.append(f"<script {self._script}>{data[:60]}")
        self._script = None


def check_markup(text: str) -> list[str]:
    parser = Markup()
    parser.feed(text)
    parser.close()
    problems = parser.problems
    for data in parser.json_scripts:
        try:
            json.loads(data)  # a "</script>" in a value would have cut it short
        except ValueError as exc:
            problems.append(f"JSON in <script> broken: {exc}: {data[:80]}")
    return problems


def test_every_vector_reached_the_output(hostile: Site):
    assert len(VECTORS) + len(MARKDOWN_ONLY) >= 50
    pages = html_pages(hostile)
    assert len(pages) > 5 * len(VECTORS)
    page = hostile.page("beschluesse/x-00/")
    assert "T00 &lt;script&gt;alert(window.__xss=1)&lt;/script&gt;" in page
    for kind in ("beschluesse", "sitzungen", "gremien", "themen"):
        assert len(list((hostile.public / kind).iterdir())) > len(VECTORS) / 2, kind


def test_no_page_holds_markup_that_could_run(hostile: Site):
    problems = {}
    for rel in html_pages(hostile):
        found = check_markup((hostile.public / rel).read_text("utf-8"))
        if found:
            problems[str(rel)] = found
    assert problems == {}


def test_template_like_text_is_shown_as_written_never_evaluated(hostile: Site):
    pages = [(hostile.public / rel).read_text("utf-8") for rel in html_pages(hostile)]
    assert any("{{ 7*191 }}" in page for page in pages)
    assert not any(EVALUATED in page for page in pages)


def test_json_ld_survives_a_script_end_tag_in_a_value(hostile: Site):
    number = next(i for i, v in enumerate(VECTORS) if v.startswith("</script><img"))
    page = hostile.page(f"beschluesse/x-{number:02d}/")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page,
                                re.S)[1])
    assert data["name"].startswith("T") and "</script><img" in data["name"]
    assert "</script><img" not in page.split('type="application/ld+json">', 1)[1].split(
        "</script>", 1)[0]


def test_feed_entries_hold_no_markup_that_could_run(hostile: Site):
    feed = (hostile.public / "feed.xml").read_text("utf-8")
    as_html = re.findall(r'<(\w+) type="html"[^>]*>(.*?)</\1>', feed, re.S)
    assert len(as_html) >= len(VECTORS) / 2  # the feed carries the papers' HTML
    for _, content in as_html:  # type="text" is shown as text by every reader
        assert check_markup(html.unescape(content)) == [], content[:200]
    assert not re.search(r'<\w+ type="xhtml"', feed)


# --- in the browser --------------------------------------------------------------------

def settle(page) -> None:
    """Let queued events (toggle, animation begin, focus) fire before looking."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))")


def ran(page) -> list[str]:
    """What an injected script would have left behind."""
    flag = page.evaluate("() => window.__xss")
    return ([f"window.__xss = {flag}"] if flag is not None else []) + \
        [f"dialog: {d}" for d in page.dialogs] + [f"error: {e}" for e in page.errors]


@pytest.mark.browser
def test_no_injected_script_runs_on_any_page(hostile: Site, page):
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    failures = {}
    with serve(hostile.public, PREFIX) as base:
        for rel in html_pages(hostile):
            address = base + rel.as_posix().removesuffix("index.html")
            refresh = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"',
                                (hostile.public / rel).read_text("utf-8"))
            page.goto(address, wait_until="load")
            if refresh:  # an alias address: the old address forwards to the paper
                page.wait_for_url(base.removesuffix(PREFIX) + html.unescape(refresh[1]))
                page.wait_for_load_state("load")
            settle(page)
            if found := ran(page) + [f"console: {m}" for m in messages]:
                failures[str(rel)] = found
            page.dialogs.clear()
            page.errors.clear()
            messages.clear()
    assert failures == {}


@pytest.mark.browser
@pytest.mark.parametrize("query", [
    "alert", "xss", "script", "javascript", "T00",
    "angenommen", "Gremium",  # hits beside the payloads, not inside: the excerpt shows them whole
    "<script>alert(window.__xss=1)</script>", "\"><img src=x onerror=alert(window.__xss=1)>"])
def test_search_results_and_filters_run_no_injected_script(hostile: Site, page, query: str):
    from urllib.parse import quote

    from tests.browser import open_filters, wait_for_results
    with serve(hostile.public, PREFIX) as base:
        page.goto(f"{base}suche/?q={quote(query)}")
        wait_for_results(page)
        more = page.locator("#search-more, #mehr")
        while more.count() and more.first.is_visible():
            shown = page.locator("#search-results > li, #treffer > li").count()
            more.first.click()
            page.wait_for_function(
                f"() => document.querySelectorAll('#search-results > li, #treffer > li')"
                f".length > {shown}")
        if page.locator("#search-filter-box").is_visible():
            open_filters(page)  # filter values taken from hostile front matter
        settle(page)
        assert ran(page) == []
        cards = page.locator("#search-results > li, #treffer > li").count()
        if query in ("alert", "xss", "script", "javascript", "angenommen", "Gremium"):
            assert cards > len(VECTORS) / 2  # excerpts of hostile text are on screen
        assert page.evaluate("() => document.querySelectorAll("
                             "'#search-results script, #search-results img, "
                             "#search-filters script, #search-filters img').length") == 0


@pytest.mark.browser
def test_search_excerpts_show_markup_characters_as_written(hostile: Site, page):
    from tests.browser import wait_for_results
    with serve(hostile.public, PREFIX) as base:
        page.goto(f"{base}suche/?q=angenommen")
        wait_for_results(page)
        excerpts = page.eval_on_selector_all("#search-results .excerpt",
                                             "found => found.map(e => e.textContent)")
    assert any("<script>" in text for text in excerpts)
    assert not any("&lt;" in text or "&amp;" in text for text in excerpts)
