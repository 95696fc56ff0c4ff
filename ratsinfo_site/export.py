"""Open data and crawler files: JSON and CSV under ``api/``, ``sitemap.xml``, ``robots.txt``.

Only the archive is read, so nothing non-public can get in; the same content gives the
same bytes. The shape of every file is described in ``docs/exports.md`` and ``schemas/``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from ratsinfo_site.archive import Archive, Session
from ratsinfo_site.config import SiteConfig
from ratsinfo_site.fingerprint import DataFile
from ratsinfo_site.i18n import Catalogue
from ratsinfo_site.model import Consultation, Resolution, Votes
from ratsinfo_site.slugs import slugify
from ratsinfo_site.urls import Urls

API = "api"
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, as the sitemap protocol allows
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
CSV_COLUMNS = (
    "reference", "title", "date", "type", "outcome", "withdrawn", "committee", "session_date",
    "role", "agenda_item", "result", "consultation_outcome", "votes_for", "votes_against",
    "votes_abstain", "votes_biased", "unanimous", "url",
)
_SKIPPED_PAGES = {"404.html"}

Record = dict[str, Any]


def export_files(archive: Archive, urls: Urls, t: Catalogue, config: SiteConfig,
                 page_urls: Sequence[str]) -> list[DataFile]:
    """Every data file: per-resolution and list JSON, CSV, sessions JSON, sitemap, robots."""
    words = urls.words
    files = []
    for r in archive.resolutions:
        make = partial(_resolution_json, r, archive, urls)
        inputs = (r, archive.related.get(r.reference, ()),
                  archive.referenced_by.get(r.reference, ()))
        files.append(DataFile(resolution_path(urls, r), inputs, make))
        # JSON cannot redirect: an alias (an old number) keeps its address with the same data.
        files += [DataFile(f"{API}/{words['resolutions']}/{slugify(a.reference)}.json",
                           inputs, make) for a in r.aliases]
    files.append(DataFile(f"{API}/{words['resolutions']}.json", archive.resolutions,
                          lambda: json_list({**_site(urls, t, config),
                                             "count": len(archive.resolutions)}, "resolutions",
                                            (summary_record(r, urls)
                                             for r in archive.resolutions))))
    files.append(DataFile(f"{API}/{words['resolutions']}.csv", archive.resolutions,
                          lambda: resolutions_csv(archive.resolutions, urls)))
    files.append(DataFile(f"{API}/{words['sessions']}.json", archive.sessions,
                          lambda: json_list({**_site(urls, t, config),
                                             "count": len(archive.sessions)}, "sessions",
                                            (session_record(s, urls)
                                             for s in archive.sessions))))
    if urls.host:
        files += [DataFile(path, tuple(page_urls), make)
                  for path, make in sitemap_files(page_urls, urls)]
    files.append(DataFile("robots.txt", (), lambda: robots_txt(urls)))
    return files


def _resolution_json(r: Resolution, archive: Archive, urls: Urls) -> bytes:
    return json_bytes(resolution_record(r, archive, urls))


def resolution_path(urls: Urls, r: Resolution) -> str:
    """``api/beschluesse/2021-7-014.json``."""
    return f"{API}/{urls.words['resolutions']}/{r.slug}.json"


def _link(urls: Urls, path: str) -> str:
    """The full URL with a host; without one the site-relative link (base path included)."""
    return urls.absolute(path) or urls.href(path)


def json_bytes(data: Any) -> bytes:
    """Compact UTF-8 JSON and a newline, for every JSON file (the OParl ones too): Python's
    C encoder runs only without indent (4 × faster), and the files stay small (the lists
    can hold 50,000 resolutions)."""
    return (_dumps(data) + "\n").encode("utf-8")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_list(head: Record, key: str, items: Iterable[Record]) -> bytes:
    """``json_bytes({**head, key: list(items)})``, the same bytes, made one item at a time.

    Only each item's text is held, not every item's dicts at once: for 50,000 sessions
    those took some hundred MB, kept by the allocator for the rest of the build.
    """
    empty = json_bytes({**head, key: []})
    assert empty.endswith(b"[]}\n")  # ``key`` is the last key
    return b"".join([empty[:-3], b",".join(_dumps(item).encode("utf-8") for item in items),
                     b"]}\n"])


def _text(value: object) -> str | None:
    """Text, or None when empty (absent values are null throughout the exports)."""
    return str(value) if value else None


_COMMENT = re.compile(r"<!--.*?-->", re.S)  # one never closed is shown as text


def _source(text: object) -> str | None:
    """A text's Markdown source as published: without its HTML comments, which an office
    writes as notes to itself and which the page does not show."""
    return _text(_COMMENT.sub("", str(text)).strip())


def _site(urls: Urls, t: Catalogue, config: SiteConfig) -> Record:
    return {"title": config.title or t.messages["site_title"], "body": _text(config.body),
            "language": t.language, "url": _link(urls, "")}


# --- records -----------------------------------------------------------------------------


def votes_record(votes: Votes | None) -> Record | None:
    """Counts by key; a key the minutes did not record is null, never 0."""
    if votes is None:
        return None
    return {"for": votes.yes, "against": votes.no, "abstain": votes.abstain,
            "biased": votes.biased}


def _flag(value: bool | None) -> str:
    """A CSV cell for a yes/no value that may not be stated (empty then)."""
    return "" if value is None else "true" if value else "false"


def _outcome(c: Consultation) -> Record:
    """What a consultation decided: the part a session item and a resolution share."""
    return {"role": _text(c.role), "agenda_item": _text(c.agenda_item),
            "result": _text(c.result), "outcome": c.outcome,
            "votes": votes_record(c.votes), "unanimous": c.unanimous}


def consultation_record(c: Consultation, r: Resolution, urls: Urls) -> Record:
    """One consultation, with links to its session and to its place on the resolution page."""
    return {"committee": c.committee, "committee_url": _link(urls, urls.committee(c.committee)),
            "date": c.date.isoformat(), "session_url": _link(urls, urls.session_of(c)),
            "url": _link(urls, f"{urls.of(r)}#{urls.consultation_anchor(c)}"), **_outcome(c)}


def _refs(resolutions: Iterable[Resolution], urls: Urls) -> list[Record]:
    return [{"reference": r.reference, "title": r.title, "url": _link(urls, urls.of(r))}
            for r in resolutions]


def _finance(r: Resolution) -> tuple[str | None, list[Record]]:
    """The finance text as HTML, or its labelled items (the format allows either)."""
    if isinstance(r.finance, tuple):
        return None, [{"label": label, "html": str(html)} for label, html in r.finance]
    return _text(r.finance), []


def resolution_record(r: Resolution, archive: Archive, urls: Urls) -> Record:
    """Everything public the resolution page shows."""
    finance_html, finance_items = _finance(r)
    signed = None
    if r.signed:
        s = r.signed
        signed = {"place": _text(s.place), "date": s.date.isoformat() if s.date else None,
                  "name": _text(s.name), "role": _text(s.role)}
    return {
        "reference": r.reference, "slug": r.slug, "url": _link(urls, urls.of(r)),
        "title": r.title, "date": r.date.isoformat(), "year": r.year, "type": r.type,
        "withdrawn": r.withdrawn, "outcome": r.outcome, "topics": list(r.topics),
        "submitter": _text(r.submitter), "department": _text(r.department),
        "decision_html": _text(r.decision), "body_html": _text(r.body), "text": _source(r.text),
        "consultations": [consultation_record(c, r, urls) for c in r.consultations],
        "finance_html": finance_html, "finance_items": finance_items,
        "signed": signed, "issued": r.issued.isoformat() if r.issued else None,
        "attachments": [{"title": a.title, "file": a.file, "url": _link(urls, urls.of(a)),
                         "size": a.size} for a in r.attachments],
        "related": _refs(archive.related.get(r.reference, ()), urls),
        "referenced_by": _refs(archive.referenced_by.get(r.reference, ()), urls),
        "aliases": [a.reference for a in r.aliases],
        "details": [{"label": label, "html": str(html)} for label, html in r.details],
    }


def summary_record(r: Resolution, urls: Urls) -> Record:
    """A resolution in the list export: no texts, a link to its full record."""
    committees = list(dict.fromkeys(c.committee for c in r.consultations))
    return {
        "reference": r.reference, "slug": r.slug, "url": _link(urls, urls.of(r)),
        "json_url": _link(urls, resolution_path(urls, r)), "title": r.title,
        "date": r.date.isoformat(), "type": r.type, "withdrawn": r.withdrawn,
        "outcome": r.outcome, "topics": list(r.topics), "committees": committees,
        "submitter": _text(r.submitter), "department": _text(r.department),
        "aliases": [a.reference for a in r.aliases],
    }


def session_record(s: Session, urls: Urls) -> Record:
    """A session with what its file adds and its public agenda items in order."""
    info = s.info
    return {
        "slug": s.slug, "url": _link(urls, urls.of(s)), "committee": s.committee,
        "committee_url": _link(urls, urls.committee(s.committee)), "date": s.date.isoformat(),
        "number": _text(info.number) if info else None,
        "title": _text(info.title) if info else None,
        "start": _text(info.start) if info else None, "end": _text(info.end) if info else None,
        "location": _text(info.location) if info else None,
        "body_html": _text(info.body) if info else None,
        "items": [{"reference": it.resolution.reference, "title": it.resolution.title,
                   "url": _link(urls, urls.of(it.resolution)),
                   "json_url": _link(urls, resolution_path(urls, it.resolution)),
                   **_outcome(it.consultation)} for it in s.items],
    }


# --- CSV ---------------------------------------------------------------------------------


def _csv_row(r: Resolution, c: Consultation | None, url: str) -> list[str]:
    """One row; consultation cells stay empty without one, vote cells when not recorded."""
    row = [_cell(r.reference), _cell(r.title), r.date.isoformat(), _cell(r.type), r.outcome,
           "true" if r.withdrawn else "false"]
    if c is None:
        return [*row, *[""] * 11, url]
    votes = c.votes or Votes(None, None, None, None)
    counts = ["" if n is None else str(n) for n in (votes.yes, votes.no, votes.abstain,
                                                      votes.biased)]
    return [*row, _cell(c.committee), c.date.isoformat(), _cell(c.role), _cell(c.agenda_item),
            _cell(c.result), c.outcome or "", *counts, _flag(c.unanimous), url]


def _cell(text: str) -> str:
    """A text cell that a spreadsheet shows as text: one that begins like a formula
    (= + - @) gets an apostrophe before it, which Excel and LibreOffice do not show
    ("=HYPERLINK(…)" in a title would be a live link there; OWASP's advice)."""
    return f"'{text}" if text.startswith(("=", "+", "-", "@")) else text


def resolutions_csv(resolutions: Iterable[Resolution], urls: Urls) -> bytes:
    """One row per public consultation; UTF-8 with a byte-order mark so Excel reads umlauts."""
    out = io.BytesIO()  # encoded row by row: a StringIO of 50,000 rows took 157 MB at its peak
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in resolutions:
        url = _link(urls, urls.of(r))
        for c in r.consultations or (None,):
            writer.writerow(_csv_row(r, c, url))
    text.flush()
    text.detach()  # closing the wrapper would close ``out``
    return out.getvalue()


# --- crawlers ------------------------------------------------------------------------------


def _xml(tag: str, locs: Iterable[str]) -> bytes:
    """A ``urlset`` of pages or a ``sitemapindex`` of sitemaps."""
    root = ET.Element(tag, {"xmlns": SITEMAP_NS})
    child = "url" if tag == "urlset" else "sitemap"
    for loc in locs:
        ET.SubElement(ET.SubElement(root, child), "loc").text = loc
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def sitemap_files(page_urls: Sequence[str], urls: Urls
                  ) -> list[tuple[str, Callable[[], bytes]]]:
    """``sitemap.xml``; past 50,000 pages an index of ``sitemap-1.xml``, ``sitemap-2.xml``, …
    Each with what makes it, when its pages changed (0.3 s of XML at 10,000 resolutions)."""
    locs = [p for p in dict.fromkeys(page_urls) if p not in _SKIPPED_PAGES]
    parts = [locs[i:i + SITEMAP_LIMIT] for i in range(0, len(locs), SITEMAP_LIMIT)]
    if len(parts) <= 1:
        return [("sitemap.xml", partial(_urlset, locs, urls))]
    names = [f"sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    index = partial(_xml, "sitemapindex", [urls.absolute(name) or "" for name in names])
    return [("sitemap.xml", index),
            *((name, partial(_urlset, part, urls)) for name, part in zip(names, parts,
                                                                         strict=True))]


def _urlset(pages: Sequence[str], urls: Urls) -> bytes:
    return _xml("urlset", [urls.absolute(p) or "" for p in pages])


def robots_txt(urls: Urls) -> bytes:
    """Everything may be crawled; the sitemap is named only when its full URL is known."""
    text = "User-agent: *\nDisallow:\n"
    if (sitemap := urls.absolute("sitemap.xml")) is not None:
        text += f"\nSitemap: {sitemap}\n"
    return text.encode("utf-8")
