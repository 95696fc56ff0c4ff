"""Atom feeds of the newest resolutions and an iCalendar of all public sessions.

Everything here is derived from the archive alone, never from the clock, so that the same
content gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import heapq
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ratsinfo_site.archive import Archive, Committee, Session, Topic
from ratsinfo_site.config import SiteConfig
from ratsinfo_site.fingerprint import DataFile
from ratsinfo_site.i18n import Catalogue
from ratsinfo_site.model import Resolution
from ratsinfo_site.slugs import slugify
from ratsinfo_site.urls import Urls

if TYPE_CHECKING:
    import icalendar

FEED_ENTRIES = 100  # the latest 100: a feed of 50,000 entries would be fetched over and over
FEED_FILE = "feed.xml"
TIMEZONE = ZoneInfo("Europe/Berlin")
EPOCH = dt.date(1970, 1, 1)  # an archive without a public paper yet
ATOM = "http://www.w3.org/2005/Atom"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def has_feeds(urls: Urls) -> bool:
    """Whether the site has Atom feeds: their addresses must be absolute, so only with a
    host in ``base_url``."""
    return bool(urls.host)


def feed_files(archive: Archive, urls: Urls, t: Catalogue,
               config: SiteConfig) -> list[DataFile]:
    """Atom feeds (only with a host in ``base_url``) and the sessions calendar."""
    files = []
    if has_feeds(urls):
        site = site_title(config, t)
        feeds = [(archive.resolutions, site, urls.listing("resolutions"), FEED_FILE)]
        groups = [(topic, "feed_topic") for topic in archive.topics] + [
            (committee, "feed_committee") for committee in archive.committees]
        for thing, key in groups:
            page = urls.of(thing)
            title = t.messages[key].format(site=site, name=thing.name)
            feeds.append((thing.resolutions, title, page, page + FEED_FILE))
        changed = last_changes(archive.resolutions)
        since = max(changed.values(), default=EPOCH)
        for resolutions, title, page, path in feeds:
            entries = latest(resolutions, changed)
            files.append(DataFile(path, (title, page, entries, since), partial(
                atom_feed, entries, urls, t, config, title, page, path, since)))
    files.append(DataFile(calendar_path(urls), _calendar_inputs(archive.sessions),
                          partial(session_calendar, archive.sessions, urls, t, config)))
    return files


class Subscription(NamedTuple):
    """A feed or calendar a page links to (in its head, for feed readers, and visibly)."""

    label: str
    href: str
    type: str


def subscriptions(urls: Urls, t: Catalogue) -> tuple[Subscription, ...]:
    """The newest resolutions' feed (with a host in ``base_url``) and the sessions' calendar."""
    found = [Subscription(t.messages["subscribe_feed"], urls.href(FEED_FILE),
                          "application/atom+xml")] if has_feeds(urls) else []
    found.append(Subscription(t.messages["subscribe_calendar"], urls.href(calendar_path(urls)),
                              "text/calendar"))
    return tuple(found)


def feed_of(thing: Topic | Committee, urls: Urls) -> str | None:
    """The address of a topic's or committee's feed (None without a host: no feeds)."""
    return urls.href(urls.of(thing) + FEED_FILE) if has_feeds(urls) else None


def site_title(config: SiteConfig, t: Catalogue) -> str:
    """The site's own title, or the interface's default one."""
    return config.title or t.messages["site_title"]


def calendar_path(urls: Urls) -> str:
    """``sitzungen.ics`` in German, ``sessions.ics`` in English."""
    return f"{urls.words['sessions']}.ics"


# --- Atom ------------------------------------------------------------------------------


def last_changed(r: Resolution) -> dt.date:
    """The latest date the archive knows for a resolution: paper, consultation or issue."""
    return max([r.date, *(c.date for c in r.consultations), *([r.issued] if r.issued else [])])


def last_changes(resolutions: Iterable[Resolution]) -> dict[str, dt.date]:
    """Each resolution's last_changed, by reference: found once for all feeds or exports."""
    return {r.reference: last_changed(r) for r in resolutions}


def latest(resolutions: Sequence[Resolution], changed: dict[str, dt.date]
           ) -> list[Resolution]:
    """The ``FEED_ENTRIES`` resolutions changed last (``changed``: each one's
    last_changed), latest first (of one day: in the archive's order): a paper filed in
    October and decided in December is news in December, when a feed of the newest papers
    had long dropped it."""
    return heapq.nlargest(FEED_ENTRIES, resolutions, key=lambda r: changed[r.reference])


def _timestamp(day: dt.date) -> str:
    """Midnight of a day in Berlin, as RFC 3339 (``2021-03-31T00:00:00+02:00``)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=TIMEZONE).isoformat()


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _summary(r: Resolution, t: Catalogue) -> str:
    """Type, date and where it stands, e.g. ``Beschlussvorlage · 31.03.2021 · Kreistag …``."""
    parts = [r.type, t.date(r.date)]
    if r.consultations:
        last = r.consultations[-1]
        result = last.result or (t.outcomes[last.outcome] if last.outcome else "")
        parts.append(f"{last.committee}, {t.date(last.date)}" + (f": {result}" if result else ""))
    if r.withdrawn:
        parts.append(t.messages["withdrawn"])
    return " · ".join(parts)


def _entry(feed: ET.Element, r: Resolution, urls: Urls, t: Catalogue) -> None:
    url = urls.absolute(urls.of(r)) or ""
    entry = _add(feed, "entry")
    _add(entry, "title", f"{r.reference}: {r.title}")
    _add(entry, "link", rel="alternate", type="text/html", href=url)
    _add(entry, "id", url)
    _add(entry, "published", _timestamp(r.date))
    _add(entry, "updated", _timestamp(last_changed(r)))
    if r.submitter:
        _add(_add(entry, "author"), "name", r.submitter)
    for topic in r.topics:
        _add(entry, "category", term=topic, scheme=urls.absolute(urls.listing("topics")) or "")
    _add(entry, "summary", _summary(r, t), type="text")
    html = str(r.decision or r.body)
    if html:
        # Links in the text are relative to the resolution's page.
        _add(entry, "content", html, type="html", **{_XML_BASE: url})


def atom_feed(entries: Sequence[Resolution], urls: Urls, t: Catalogue, config: SiteConfig,
              title: str, page: str, path: str, since: dt.date = EPOCH) -> bytes:
    """The Atom feed at ``path`` of ``entries`` (see ``latest``), linked to the HTML page
    ``page``; ``since``: the archive's last change, which a feed without entries gives as
    its own (a committee without public papers: not 1970)."""
    self_url = urls.absolute(path) or ""
    # Plain tag names with a literal default namespace: ElementTree's own namespace
    # handling cannot write unprefixed attributes beside a default namespace.
    feed = ET.Element("feed", {"xmlns": ATOM, _XML_LANG: t.language,
                               _XML_BASE: urls.absolute("") or ""})
    _add(feed, "id", self_url)
    _add(feed, "title", title)
    if config.body:
        _add(feed, "subtitle", config.body)
    newest = max((last_changed(r) for r in entries), default=since)
    _add(feed, "updated", _timestamp(newest))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=urls.absolute(page) or "")
    _add(_add(feed, "author"), "name", config.body or site_title(config, t))
    _add(feed, "generator", "ratsinfo-site")
    for r in entries:
        _entry(feed, r, urls, t)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


# --- iCalendar -------------------------------------------------------------------------


def _uid_domain(urls: Urls, config: SiteConfig, t: Catalogue) -> str:
    """The host and base path (``example.github.io/archiv``), or the site's name without one."""
    if urls.host:
        return urlsplit(urls.host).netloc + urls.base_path.rstrip("/")
    return slugify(config.body or site_title(config, t)) or "ratsinfo-site"


def _description(session: Session, urls: Urls, t: Catalogue) -> str:
    """The public agenda items, one a line, then the session page's address."""
    lines = []
    for item in session.items:
        c, r = item.consultation, item.resolution
        top = f"{t.messages['agenda_item']} {c.agenda_item}: " if c.agenda_item else "– "
        result = f" ({c.result})" if c.result else ""
        lines.append(f"{top}{r.reference} {r.title}{result}")
    text = f"{t.messages['agenda']}:\n" + "\n".join(lines) if lines \
        else t.messages["no_public_items"]
    url = urls.absolute(urls.of(session))
    return f"{text}\n\n{url}" if url else text


def _times(session: Session) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime | None]:
    """Start and end in Berlin time; a whole day when the session file gives no start."""
    info = session.info
    if not info or not info.start:
        return session.date, session.date + dt.timedelta(days=1)

    def at(day: dt.date, clock: str) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=TIMEZONE)

    start = at(session.date, info.start)
    end = at(info.end_date, info.end) if info.end else None
    return start, end if end and end > start else None


def _event(session: Session, urls: Urls, t: Catalogue, domain: str) -> icalendar.Event:
    import icalendar

    event = icalendar.Event()
    event.add("uid", f"{session.slug}@{domain}")
    # DTSTAMP must be a UTC time; the session date keeps it free of the build time.
    event.add("dtstamp", dt.datetime.combine(session.date, dt.time(0), tzinfo=dt.UTC))
    start, end = _times(session)
    event.add("dtstart", start)
    if end is not None:
        event.add("dtend", end)
    info = session.info
    event.add("summary", info.title if info and info.title else session.committee)
    if info and info.location:
        event.add("location", info.location)
    event.add("description", _description(session, urls, t))
    event.add("categories", [session.committee])
    if (url := urls.absolute(urls.of(session))) is not None:
        event.add("url", url)
    return event


def session_calendar(sessions: Sequence[Session], urls: Urls, t: Catalogue,
                     config: SiteConfig) -> bytes:
    """An iCalendar (RFC 5545) of the public sessions, oldest first."""
    import icalendar  # here: a build with nothing to do does not load it (0.05 s)

    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//ratsinfo-site//{t.language.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = t.messages["calendar_name"].format(site=site_title(config, t))
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TIMEZONE.key)
    domain = _uid_domain(urls, config, t)
    for session in sorted(sessions, key=lambda s: (s.when, s.slug)):
        calendar.add_component(_event(session, urls, t, domain))
    if sessions:
        years = [s.date.year for s in sessions]
        # Only the years the calendar spans, so the time zone stays short.
        calendar.add_missing_timezones(first_date=dt.date(min(years) - 1, 1, 1),
                                       last_date=dt.date(max(years) + 2, 1, 1))
    return calendar.to_ical()


def _calendar_inputs(sessions: Sequence[Session]) -> list[tuple[object, ...]]:
    """What the calendar shows of each session: a paper's text may change, it stays."""
    return [(s.slug, s.date, s.committee, s.info, [
        (i.consultation.agenda_item, i.resolution.reference, i.resolution.title,
         i.consultation.result) for i in s.items]) for s in sessions]
