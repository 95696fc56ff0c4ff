"""Every output page: its address, its templates (most specific first) and its objects."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ratsinfo_site.archive import Archive
from ratsinfo_site.config import SiteConfig
from ratsinfo_site.errors import BuildError, Problem
from ratsinfo_site.fingerprint import Deferred
from ratsinfo_site.history import Change
from ratsinfo_site.i18n import Catalogue
from ratsinfo_site.load import NotUtf8, as_value, decoded, show_path
from ratsinfo_site.markup import TooComplex, render_inline, render_markdown
from ratsinfo_site.meta import SiteMeta, description
from ratsinfo_site.model import Resolution, Votes
from ratsinfo_site.parts import BITS, Part, plan_parts
from ratsinfo_site.search_text import hidden_terms
from ratsinfo_site.slugs import slugify
from ratsinfo_site.urls import Urls, output_path

PER_PAGE = 100
ALL_PAGES = 7  # a list of up to this many pages shows every page number
NEIGHBOURS = 1  # a longer one the first, the last, the current one and this many either side
LATEST = 10
CONTENT_LANGUAGE = "de"  # the content format is German, whatever the interface language


@dataclass(frozen=True)
class PageLink:
    """One entry of a pagination's list of page numbers; ``number`` None is a gap (…)."""

    number: int | None = None
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    """One page of a long list, with links to its neighbours."""

    items: tuple[Any, ...]
    number: int
    count: int
    total: int
    links: tuple[tuple[int, str], ...]
    window: tuple[PageLink, ...] = ()  # the page numbers shown: see page_window
    label: str = ""  # "Seite 2 von 98" on a page after the first, for its title and heading
    first_date: dt.date | None = None  # the earliest and latest date of the page's items
    last_date: dt.date | None = None

    @property
    def previous(self) -> str | None:
        return self.links[self.number - 2][1] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.links[self.number][1] if self.number < self.count else None


@dataclass(frozen=True)
class Page:
    """One HTML page to write."""

    url: str
    kind: str
    title: str
    section: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    variant: str = ""
    description: str = ""

    @property
    def templates(self) -> tuple[str, ...]:
        """Layout lookup: ``<kind>-<variant>.html`` first, then ``<kind>.html``."""
        if self.variant:
            return (f"{self.kind}-{self.variant}.html", f"{self.kind}.html")
        return (f"{self.kind}.html",)


@dataclass(frozen=True)
class VoteBar:
    """One bar of a vote chart: label, count (None = not recorded) and share in percent."""

    key: str
    label: str
    count: int | None
    percent: float


def vote_bars(votes: Votes | None, t: Catalogue) -> tuple[VoteBar, ...]:
    """The bars of a vote chart; shares are of the recorded votes."""
    if votes is None:
        return ()
    counts = (("for", votes.yes), ("against", votes.no), ("abstain", votes.abstain),
              ("biased", votes.biased))
    total = sum(c for _, c in counts if c) or 1
    return tuple(VoteBar(k, t.messages[f"votes_{k}"], c, round(100 * (c or 0) / total, 1))
                 for k, c in counts)


def page_window(number: int, count: int) -> tuple[int | None, ...]:
    """The page numbers a pagination shows on page ``number`` of ``count``, None for a gap.

    Every number of a list of up to ALL_PAGES pages; of a longer one the first, the last,
    the current page and NEIGHBOURS either side of it, a gap of one page shown as its number
    (a link takes no more room than "…")."""
    if count <= ALL_PAGES:
        return tuple(range(1, count + 1))
    shown = sorted({1, count} | {n for n in range(number - NEIGHBOURS, number + NEIGHBOURS + 1)
                                 if 1 <= n <= count})
    window: list[int | None] = []
    for n in shown:
        if window and n - window[-1] == 2:
            window.append(n - 1)
        elif window and n - window[-1] > 2:
            window.append(None)
        window.append(n)
    return tuple(window)


def _dates(items: Sequence[Any]) -> tuple[dt.date | None, dt.date | None]:
    dates = [d for d in (getattr(item, "date", None) for item in items)
             if isinstance(d, dt.date)]
    return (min(dates), max(dates)) if dates else (None, None)


def paginate(items: Sequence[Any], first_url: str, page_url,
             label: str = "") -> Iterator[Pagination]:
    """Split ``items`` into pages; ``page_url(n)`` gives the address of page n > 1, ``label``
    (``"Seite {page} von {pages}"``) names a page after the first."""
    count = max(1, -(-len(items) // PER_PAGE))
    links = tuple((n, first_url if n == 1 else page_url(n)) for n in range(1, count + 1))
    for n in range(1, count + 1):
        shown = tuple(items[(n - 1) * PER_PAGE: n * PER_PAGE])
        window = tuple(PageLink() if k is None else PageLink(k, links[k - 1][1], k == n)
                       for k in page_window(n, count))
        yield Pagination(shown, n, count, len(items), links, window,
                         label.format(page=n, pages=count) if n > 1 and label else "",
                         *_dates(shown))


def _listed(urls: Urls, t: Catalogue, kind: str, title: str, items: Sequence[Any], url: str,
            section: str, extra: dict[str, Any] | None = None) -> Iterator[Page]:
    """The pages of one paginated list: ``url``, then ``url/seite/2/``, …; the title of a
    page after the first says which it is ("Beschlüsse – Seite 2 von 98")."""
    for p in paginate(items, url, lambda n: f"{url}{urls.words['page']}/{n}/",
                      t.messages["page_of"]):
        yield Page(p.links[p.number - 1][1], kind, f"{title} – {p.label}" if p.label else title,
                   section, {**(extra or {}), "pagination": p})


SEARCH_LABELS = (
    "results_count", "results_count_one", "results_at_least", "results_none",
    "results_none_filtered", "quotes_inner",
    "results_hint", "searching",
    "search_failed", "direct_hit", "filters_reset", "filters_chosen", "filter_result",
    "filter_result_one", "filter_result_at_least",
)
FILTERS = ("filter_topic", "filter_committee", "filter_year", "filter_type", "filter_outcome")
# Words of the content's language that the search page leaves out of a query, but in a
# phrase or where it has no other word (search.js, searchWords): every word of a query
# must be on the pages it finds, and a session's short page has none of them.
FUNCTION_WORDS = (
    "der", "die", "das", "des", "dem", "den", "ein", "eine", "einer", "eines", "einem",
    "einen", "und", "oder", "sowie", "am", "im", "vom", "zum", "zur", "beim", "ins", "an",
    "auf", "aus", "bei", "mit", "nach", "von", "zu", "in", "für", "über", "unter", "vor",
    "durch", "gegen", "um", "bis", "als",
)


def reference_shape(text: str) -> str:
    """The form of a reference: each run of digits 9, of letters a, of anything else -
    ("2021/7/014" and "2021 / 7 / 014": 9-9-9; "BV 2023/015": a-9-9). The search page
    searches every index part only for a query with words of a reference's form
    (search.js, shapeOf: the same rule), so that "Haushalt 2024" costs what a word does."""
    kinds = ("9" if c in "0123456789" else "a" if c.isalpha() else "-" for c in text)
    return "".join(kind for kind, _ in itertools.groupby(kinds)).strip("-")


def search_config(urls: Urls, t: Catalogue, parts: list[Part],
                  references: Sequence[str] = ()) -> dict[str, Any]:
    """What the search page's script needs: index parts, filter names, labels, the forms
    of the archive's references and aliases (those with a digit), and the content
    language's function words."""
    m = t.messages
    return {
        # newest first; the page searches them in the order of its sort (see search.js)
        "parts": [{"path": urls.href(f"pagefind/{part.name}/"), "name": part.name,
                   "exponent": BITS * k} for k, part in reversed(list(enumerate(parts)))],
        "words": urls.href("pagefind/words/"),  # which part holds which word (word_map.py)
        "bits": BITS,
        "base": urls.base_path,
        "language": t.language,
        "contentLanguage": "" if t.language == CONTENT_LANGUAGE else CONTENT_LANGUAGE,
        "filters": [[m[key], slugify(m[key])] for key in FILTERS],
        "yearFilter": m["filter_year"],
        # filters whose values are the content's words (not the interface's)
        "contentFilters": [m[key] for key in ("filter_topic", "filter_committee", "filter_type")],
        "labels": {**{key: m[key] for key in SEARCH_LABELS}, "months": list(t.months)},
        "referenceShapes": sorted({shape for shape in map(reference_shape, references)
                                   if "9" in shape}),
        "functionWords": FUNCTION_WORDS,
    }


def resolution_pages(r: Resolution, archive: Archive, meta: SiteMeta,
                     history: dict[Path, tuple[Change, ...]]) -> list[Page]:
    """The page of one resolution, and a redirect at the address of each alias."""
    urls, t, site = meta.urls, meta.t, meta.site
    page = Page(urls.of(r), "resolution", f"{r.reference}: {r.title}", "resolutions", {
        "resolution": r, "related": archive.related.get(r.reference, ()),
        "referenced_by": archive.referenced_by.get(r.reference, ()),
        "search_terms": Deferred(hidden_terms, r),
        "citation": Deferred(meta.citation, r),
        "json_ld": Deferred(meta.json_ld, r),
        "changes": history.get((site.root / r.source).resolve(), ()) if history else (),
    }, variant=slugify(r.type), description=description(r, t))
    redirects = [Page(urls.resolution(a.reference), "redirect", f"{a.reference}: {r.title}",
                      "resolutions", {"target": urls.of(r), "resolution": r})
                 for a in r.aliases]
    return [page, *redirects]


def index_parts(archive: Archive, urls: Urls) -> list[Part]:
    """The parts of the search index: resolution and session pages by date."""
    dated = [(r.date, output_path(urls.of(r))) for r in archive.resolutions]
    dated += [(s.date, output_path(urls.of(s))) for s in archive.sessions]
    return plan_parts(dated)


def build_pages(archive: Archive, urls: Urls, t: Catalogue, site: SiteConfig,
                history: dict[Path, tuple[Change, ...]] | None = None) -> list[Page]:
    """All pages of the site, in a fixed order."""
    m = t.messages
    pages = [Page("", "home", m["home"], "home", {
        "latest_resolutions": archive.resolutions[:LATEST],
        "latest_sessions": archive.sessions[:LATEST], "archive": archive,
    }, description=m["archive_intro"])]
    pages += _listed(urls, t, "resolution_list", m["resolutions"], archive.resolutions,
                     urls.listing("resolutions"), "resolutions")
    meta = SiteMeta(urls, t, site)
    for r in archive.resolutions:
        pages += resolution_pages(r, archive, meta, history or {})
    pages += _listed(urls, t, "session_list", m["sessions"], archive.sessions,
                     urls.listing("sessions"), "sessions")
    for s in archive.sessions:
        title = f"{s.committee}, {t.date(s.date)}"
        pages.append(Page(urls.of(s), "session", title, "sessions", {"session": s}))
    pages.append(Page(urls.listing("committees"), "committee_list", m["committees"],
                      "committees", {"archive": archive}))
    for c in archive.committees:
        pages += _listed(urls, t, "committee", c.name, c.sessions, urls.of(c), "committees",
                         {"committee": c})
    pages.append(Page(urls.listing("topics"), "topic_list", m["topics"], "topics",
                      {"archive": archive}))
    for topic in archive.topics:
        pages += _listed(urls, t, "topic", topic.name, topic.resolutions, urls.of(topic), "topics",
                         {"topic": topic})
    pages.append(Page(urls.listing("years"), "year_list", m["years"], "years",
                      {"archive": archive}))
    for y in archive.years:
        pages += _listed(urls, t, "year", str(y.year), y.resolutions, urls.of(y), "years",
                         {"year": y})
    pages.append(Page(urls.search(), "search", m["search"], "search",
                      {"search_config": search_config(urls, t, index_parts(archive, urls), [
                          ref for r in archive.resolutions for ref in r.references])}))
    pages += statement_pages(site, urls, t)
    pages.append(Page("404.html", "404", m["not_found_title"], ""))
    return pages


# --- accessibility statement, Leichte Sprache, imprint, privacy -------------------------------

THEME_PAGES = Path(__file__).parent / "theme" / "pages"


def content_lang(t: Catalogue) -> Markup:
    """`` lang="de"`` for elements that hold content when the interface speaks another language
    (WCAG 3.1.2: screen readers then read German text with a German voice)."""
    return Markup("") if t.language == CONTENT_LANGUAGE else Markup(f' lang="{CONTENT_LANGUAGE}"')

# Pages a site writes as content/pages/<file>: (address word and message, file name).
TEXT_PAGES = (("easy_language", "leichte-sprache.md"), ("imprint", "impressum.md"),
              ("privacy", "datenschutz.md"))


@dataclass(frozen=True)
class Link:
    """A link of the footer's legal navigation; ``external`` ones leave the site."""

    label: str
    href: str
    external: bool = False


@dataclass(frozen=True)
class Statement:
    """What the Erklärung zur Barrierefreiheit says, from site.toml."""

    publisher: str
    address: str | None
    status: str
    checked: dt.date | None
    contact: Link | None
    imprint: Link | None
    enforcement: Markup
    sign_language_url: str


def _text_file(site: SiteConfig, key: str, name: str) -> Path | None:
    """A site's own text page; Leichte Sprache falls back to the built-in text."""
    if getattr(site, f"{key}_url", ""):
        return None
    own = site.content_dir / "pages" / name
    if own.is_file():
        return own
    return THEME_PAGES / f"{name[:-3]}.{site.language}.md" if key == "easy_language" else None


def _read_text_page(path: Path, site: SiteConfig) -> tuple[str, Markup]:
    """A Markdown page's heading (from a first line ``# Title``, else "") and its HTML."""
    # As a content file's text: with old Mac line ends (CR) the whole text was the heading,
    # and control characters made the page invalid HTML.
    try:
        text = as_value(decoded(path.read_bytes()))
    except NotUtf8 as exc:
        raise BuildError([Problem(show_path(path, site.root), exc.line, str(exc))]) from None
    first, _, rest = text.lstrip().partition("\n")
    titled = first.startswith("# ")
    try:
        return (first[2:].strip(), render_markdown(rest)) if titled else ("", render_markdown(text))
    except TooComplex as e:
        line = e.line + (text.count("\n", 0, len(text) - len(text.lstrip())) + 1 if titled else 0)
        raise BuildError([Problem(show_path(path, site.root), line, str(e))]) from None


def legal_links(site: SiteConfig, urls: Urls, t: Catalogue) -> tuple[Link, ...]:
    """Statement, Leichte Sprache, DGS video, imprint and privacy: in every footer."""
    m = t.messages
    links = [Link(m["accessibility_statement"], urls.href(urls.listing("accessibility")))]
    for key, name in TEXT_PAGES:
        if url := getattr(site, f"{key}_url", ""):
            links.append(Link(m[key], url, external=True))
        elif _text_file(site, key, name):
            links.append(Link(m[key], urls.href(urls.listing(key))))
        if key == "easy_language" and site.sign_language_url:
            links.append(Link(m["sign_language"], site.sign_language_url, external=True))
    return tuple(links)


def _contact(value: str) -> Link | None:
    """An e-mail address becomes a mailto: link; anything else is taken as a URL."""
    if not value:
        return None
    if value.startswith("mailto:"):
        return Link(value[len("mailto:"):], value)
    if "@" in value and "/" not in value:
        return Link(value, f"mailto:{value}")
    return Link(value, value, external=True)


def _site_text(site: SiteConfig, text: str, key: str) -> Markup:
    """One line of Markdown from site.toml; text Markdown cannot render is an error at
    its key."""
    try:
        return render_inline(text)
    except TooComplex as e:
        raise BuildError([Problem(*site.origin(key), f"'{key}': {e}")]) from None


def statement_pages(site: SiteConfig, urls: Urls, t: Catalogue) -> list[Page]:
    """The accessibility statement, and the text pages (Leichte Sprache, imprint, privacy)."""
    m = t.messages
    imprint = next((link for link in legal_links(site, urls, t) if link.label == m["imprint"]),
                   None)
    statement = Statement(
        publisher=site.body or site.title or m["site_title"], address=urls.absolute(""),
        status=site.accessibility_status,
        checked=dt.date.fromisoformat(site.accessibility_checked)
        if site.accessibility_checked else None,
        contact=_contact(site.accessibility_contact), imprint=imprint,
        enforcement=_site_text(site, site.enforcement_body or m["enforcement_default"],
                               "enforcement_body"),
        sign_language_url=site.sign_language_url)
    pages = [Page(urls.listing("accessibility"), "accessibility", m["accessibility_statement"],
                  "", {"statement": statement})]
    for key, path, title, text in text_pages(site):
        own = path.is_relative_to(site.content_dir)  # else the built-in Leichte Sprache
        pages.append(Page(urls.listing(key), "text", title or m[key], "",
                          {"text": text, "own": own}, variant=key.replace("_", "-")))
    return pages


def text_pages(site: SiteConfig) -> list[tuple[str, Path, str, Markup]]:
    """The text pages a site has, read: (key, file, heading, HTML); BuildError for those
    that cannot be read or rendered, all of them."""
    pages, problems = [], []
    for key, name in TEXT_PAGES:
        if path := _text_file(site, key, name):
            try:
                pages.append((key, path, *_read_text_page(path, site)))
            except BuildError as e:
                problems += e.problems
    if problems:
        raise BuildError(problems)
    return pages


def text_page_problems(site: SiteConfig) -> list[Problem]:
    """What is wrong in the text pages and the statement's text (``enforcement_body``),
    reported with the content's problems: else a broken imprint showed only once the
    content had none."""
    problems = []
    for check in (lambda: text_pages(site),
                  lambda: _site_text(site, site.enforcement_body, "enforcement_body")):
        try:
            check()
        except BuildError as e:
            problems += e.problems
    return problems
