"""Every output page: its address, its templates (most specific first) and its objects."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ratsinfo_site.archive import Archive
from ratsinfo_site.config import SiteConfig
from ratsinfo_site.history import Change
from ratsinfo_site.i18n import Catalogue
from ratsinfo_site.meta import citation, description, json_ld
from ratsinfo_site.model import Resolution, Votes
from ratsinfo_site.search_text import hidden_terms
from ratsinfo_site.slugs import slugify
from ratsinfo_site.urls import Urls

PER_PAGE = 100
LATEST = 10


@dataclass(frozen=True)
class Pagination:
    """One page of a long list, with links to its neighbours."""

    items: tuple[Any, ...]
    number: int
    count: int
    total: int
    links: tuple[tuple[int, str], ...]

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


def paginate(items: Sequence[Any], first_url: str, page_url) -> Iterator[Pagination]:
    """Split ``items`` into pages; ``page_url(n)`` gives the address of page n > 1."""
    count = max(1, -(-len(items) // PER_PAGE))
    links = tuple((n, first_url if n == 1 else page_url(n)) for n in range(1, count + 1))
    for n in range(1, count + 1):
        yield Pagination(tuple(items[(n - 1) * PER_PAGE: n * PER_PAGE]), n, count,
                         len(items), links)


def _listed(urls: Urls, kind: str, title: str, items: Sequence[Any], url: str, section: str,
            extra: dict[str, Any] | None = None) -> Iterator[Page]:
    """The pages of one paginated list: ``url``, then ``url/seite/2/``, …"""
    for p in paginate(items, url, lambda n: f"{url}{urls.words['page']}/{n}/"):
        yield Page(p.links[p.number - 1][1], kind, title, section,
                   {**(extra or {}), "pagination": p})


SEARCH_LABELS = (
    "results_count", "results_none", "results_hint", "searching", "search_failed",
    "direct_hit", "filters_reset",
)
FILTERS = ("filter_topic", "filter_committee", "filter_year", "filter_type", "filter_outcome")


def search_config(urls: Urls, t: Catalogue) -> dict[str, Any]:
    """What the search page's script needs: bundle path, filter names, labels."""
    m = t.messages
    return {
        "bundle": urls.href("pagefind/"),
        "base": urls.base_path,
        "language": t.language,
        "filters": [[m[key], slugify(m[key])] for key in FILTERS],
        "yearFilter": m["filter_year"],
        "labels": {**{key: m[key] for key in SEARCH_LABELS}, "months": list(t.months)},
    }


def resolution_pages(r: Resolution, archive: Archive, urls: Urls, t: Catalogue,
                     site: SiteConfig, history: dict[Path, tuple[Change, ...]]) -> list[Page]:
    """The page of one resolution, and a redirect at the address of each alias."""
    page = Page(urls.of(r), "resolution", f"{r.reference}: {r.title}", "resolutions", {
        "resolution": r, "related": archive.related.get(r.reference, ()),
        "referenced_by": archive.referenced_by.get(r.reference, ()),
        "search_terms": hidden_terms(r),
        "citation": citation(r, urls, t, site),
        "json_ld": json_ld(r, urls, t, site),
        "changes": history.get((site.root / r.source).resolve(), ()),
    }, variant=slugify(r.type), description=description(r, t))
    redirects = [Page(urls.resolution(a.reference), "redirect", f"{a.reference}: {r.title}",
                      "resolutions", {"target": urls.of(r), "resolution": r})
                 for a in r.aliases]
    return [page, *redirects]


def build_pages(archive: Archive, urls: Urls, t: Catalogue, site: SiteConfig,
                history: dict[Path, tuple[Change, ...]] | None = None) -> list[Page]:
    """All pages of the site, in a fixed order."""
    m = t.messages
    pages = [Page("", "home", m["home"], "home", {
        "latest_resolutions": archive.resolutions[:LATEST],
        "latest_sessions": archive.sessions[:LATEST],
    }, description=m["archive_intro"])]
    pages += _listed(urls, "resolution_list", m["resolutions"], archive.resolutions,
                     urls.listing("resolutions"), "resolutions")
    for r in archive.resolutions:
        pages += resolution_pages(r, archive, urls, t, site, history or {})
    pages += _listed(urls, "session_list", m["sessions"], archive.sessions,
                     urls.listing("sessions"), "sessions")
    for s in archive.sessions:
        title = f"{s.committee}, {t.date(s.date)}"
        pages.append(Page(urls.of(s), "session", title, "sessions", {"session": s}))
    pages.append(Page(urls.listing("committees"), "committee_list", m["committees"],
                      "committees"))
    for c in archive.committees:
        pages += _listed(urls, "committee", c.name, c.sessions, urls.of(c), "committees",
                         {"committee": c})
    pages.append(Page(urls.listing("topics"), "topic_list", m["topics"], "topics"))
    for topic in archive.topics:
        pages += _listed(urls, "topic", topic.name, topic.resolutions, urls.of(topic), "topics",
                         {"topic": topic})
    pages.append(Page(urls.listing("years"), "year_list", m["years"], "years"))
    for y in archive.years:
        pages += _listed(urls, "year", str(y.year), y.resolutions, urls.of(y), "years", {"year": y})
    pages.append(Page(urls.search(), "search", m["search"], "search",
                      {"search_config": search_config(urls, t)}))
    pages.append(Page("404.html", "404", m["not_found_title"], ""))
    return pages
