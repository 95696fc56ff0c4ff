"""The archive: public resolutions grouped into sessions, committees, topics and years.

Non-public resolutions, closed agenda items and non-public sessions are dropped here;
nothing after this stage can see them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from markupsafe import Markup

from ratsinfo_site.errors import Problem, warning
from ratsinfo_site.model import (
    Consultation,
    Description,
    FailedRef,
    Ref,
    Resolution,
    SessionFile,
)
from ratsinfo_site.slugs import name_key, slugify

T = TypeVar("T")
K = TypeVar("K")


@functools.lru_cache(maxsize=1 << 17)  # a reference is sorted in many lists of a build
def natural_key(text: str) -> tuple:
    """Sort ``TOP 10`` after ``TOP 9`` and ``2021/7/014`` after ``2021/7/2``."""
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text))


@dataclass(frozen=True)
class SessionItem:
    """One public agenda item: a resolution as consulted in this session."""

    resolution: Resolution
    consultation: Consultation


@dataclass(frozen=True)
class Session:
    """A session (Sitzung): a committee meeting on one date."""

    committee: str
    date: dt.date
    slug: str
    info: SessionFile | None
    items: tuple[SessionItem, ...]

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def resolution_count(self) -> int:
        """How many resolutions its public items consult (one may be on it twice)."""
        return len({item.resolution.reference for item in self.items})

    @property
    def when(self) -> tuple[dt.date, str]:
        """Its date and start (``HH:MM``, "" when unknown): two sessions of one day in the
        order they met."""
        return self.date, self.info.start if self.info else ""


@dataclass(frozen=True)
class Committee:
    """A committee (Gremium) with its public sessions."""

    name: str
    slug: str
    short: str
    description: str
    body: Markup
    sessions: tuple[Session, ...]
    resolutions: tuple[Resolution, ...]
    info: Description | None = None  # its file, if any


@dataclass(frozen=True)
class Topic:
    """A topic (Thema) with its public resolutions."""

    name: str
    slug: str
    description: str
    body: Markup
    resolutions: tuple[Resolution, ...]
    info: Description | None = None  # its file, if any


@dataclass(frozen=True)
class Year:
    """A calendar year: resolutions by their date, sessions by theirs."""

    year: int
    resolutions: tuple[Resolution, ...]
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class Archive:
    """Everything that is published, in display order (newest first)."""

    resolutions: tuple[Resolution, ...]
    sessions: tuple[Session, ...]
    committees: tuple[Committee, ...]
    topics: tuple[Topic, ...]
    years: tuple[Year, ...]
    referenced_by: dict[str, tuple[Resolution, ...]] = field(default_factory=dict)
    related: dict[str, tuple[Resolution, ...]] = field(default_factory=dict)


def _newest_first(resolutions: Iterable[Resolution]) -> tuple[Resolution, ...]:
    return tuple(sorted(resolutions, key=lambda r: (r.date, natural_key(r.reference)),
                        reverse=True))


# A slug is a folder name of the output (at most 255 bytes), and a session's adds its date.
MAX_SLUG = 150


def _check_unique(named: Iterable[tuple[str, str, int, str]], what: str) -> list[Problem]:
    """Report equal, empty and too long slugs: ``named`` yields (slug, path, line, name)."""
    first: dict[str, tuple[str, int, str]] = {}
    problems = []
    for slug, path, line, name in named:
        if not slug:
            problems.append(Problem(path, line, f"{what} '{name}' gives an empty address "
                                    "(slug)"))
            continue
        if len(slug) > MAX_SLUG:
            problems.append(Problem(path, line, f"{what} '{name[:40]}…' gives an address of "
                                    f"{len(slug)} characters, more than a folder name can "
                                    f"hold (at most {MAX_SLUG}): shorten it"))
            continue
        if slug in first and first[slug][2] != name:
            other_path, other_line, other = first[slug]
            problems.append(Problem(path, line, f"{what} '{name}' has the same address "
                                    f"'{slug}' as '{other}' in {other_path}:{other_line}"))
            problems.append(Problem(other_path, other_line, f"{what} '{other}' has the same "
                                    f"address '{slug}' as '{name}' in {path}:{line}"))
        elif slug in first and what == "reference":
            problems.append(Problem(path, line, f"duplicate reference '{name}': also in "
                                    f"{first[slug][0]}:{first[slug][1]}"))
            problems.append(Problem(first[slug][0], first[slug][1], f"duplicate reference "
                                    f"'{name}': also in {path}:{line}"))
        else:
            first.setdefault(slug, (path, line, name))
    return problems


def _check_described_once(files: Iterable[tuple[object, str, int, str]], what: str
                          ) -> list[Problem]:
    """Report a thing that two files describe: ``files`` yields (key, path, line, name).

    Which file's description would win is not for the order of files to decide.
    """
    first: dict[object, tuple[str, int]] = {}
    problems = []
    for key, path, line, name in files:
        if key not in first:
            first[key] = (path, line)
            continue
        other_path, other_line = first[key]
        for here, there in (((path, line), first[key]), ((other_path, other_line), (path, line))):
            problems.append(Problem(*here, f"{what} '{name}' is described in two files, here "
                                    f"and in {there[0]}:{there[1]}: keep one"))
    return problems


def _check_named(files: list[Description], named: set[str], published: set[str], what: str,
                 by: str) -> list[Problem]:
    """A warning for each description of a committee or topic that nothing names and whose
    name is close to a published one: a typo, most likely ("Kreisauschuss"), which gave a
    page of its own, empty, beside the one meant. A committee that has no items (an
    Ältestenrat) is described without a word."""
    problems = []
    for d in files:
        if d.name in named:
            continue
        close = difflib.get_close_matches(d.name, sorted(published), n=1, cutoff=0.85)
        if close:
            problems.append(warning(d.source, d.line, f"{what} '{d.name}' is named by {by}: "
                                    f"is '{close[0]}' meant?"))
    return problems


def _check_references(resolutions: list[Resolution], sessions: list[SessionFile],
                      failed: Sequence[FailedRef]) -> list[Problem]:
    problems = _check_unique(
        [(r.slug, r.source, r.line, r.reference) for r in resolutions]
        + [(slugify(f.reference), f.source, f.line, f.reference) for f in failed if f.reference]
        + [(slugify(a.reference), r.source, a.line, a.reference)
           for r in (*resolutions, *failed) for a in r.aliases], "reference")
    known = {r.reference for r in resolutions} | {f.reference for f in failed if f.reference} \
        | {a.reference for f in failed if not f.reference for a in f.aliases}
    renumbered = {a.reference: r.reference for r in (*resolutions, *failed) if r.reference
                  for a in r.aliases}

    def unknown(what: str, reference: str) -> str:
        if reference in renumbered:  # its old number: the address redirects, the list not
            return (f"{what} '{reference}' is the old number of {renumbered[reference]}: "
                    f"write '{renumbered[reference]}'")
        return f"{what} '{reference}' names no resolution"

    for r in resolutions:
        problems += [Problem(r.source, ref.line, unknown("related", ref.reference))
                     for ref in r.related if ref.reference not in known]
    for s in sessions:
        problems += [Problem(s.source, ref.line, unknown("agenda entry", ref.reference))
                     for ref in s.agenda if ref.reference not in known]
    for f in failed:  # a file with errors: what it names is checked all the same
        problems += [Problem(f.source, ref.line, unknown(f.what, ref.reference))
                     for ref in f.names if ref.reference not in known]
    return problems


def _agenda_places(agenda: Iterable[Ref]) -> dict[str, list[int]]:
    """Where each paper stands on a session file's agenda: once per item of it."""
    places: dict[str, list[int]] = defaultdict(list)
    for i, ref in enumerate(agenda):
        places[ref.reference].append(i)
    return places


def _place(places: dict[str, list[int]], item: SessionItem) -> int:
    """An item's place on the agenda: a paper's second item (deferred, then decided) at
    its second entry; one the agenda does not name after all that it names."""
    at = places.get(item.resolution.reference)
    if not at:
        return sum(map(len, places.values()))
    return at[min(item.consultation.repeat, len(at)) - 1]


def _sessions(resolutions: tuple[Resolution, ...], files: list[SessionFile]) -> list[Session]:
    by_key: dict[tuple[str, dt.date], list] = defaultdict(list)
    for r in resolutions:
        for c in r.consultations:
            by_key[(c.committee, c.date)].append(SessionItem(r, c))
    info = {(s.committee, s.date): s for s in files if s.public}
    sessions = []
    for key in sorted(set(by_key) | set(info), key=lambda k: name_key(k[0])):
        session_file = info.get(key)
        places = _agenda_places(session_file.agenda if session_file else ())
        items = sorted(by_key[key], key=lambda it: (
            _place(places, it), natural_key(it.consultation.agenda_item or "\uffff"),
            natural_key(it.resolution.reference)))
        sessions.append(Session(key[0], key[1], f"{key[1].isoformat()}-{slugify(key[0])}",
                                session_file, tuple(items)))
    # Newest first; the sort is stable, so sessions of one day without a start time stay
    # in the order of their committees' names.
    sessions.sort(key=lambda s: s.when, reverse=True)
    return sessions


def _publish(r: Resolution, closed: set[tuple[str, dt.date]], public_refs: set[str]) -> Resolution:
    """The resolution as published: closed items and links to non-public papers gone;
    further items of one session numbered among those left (a number counting a closed
    item would tell of it)."""
    seen: Counter[str] = Counter()
    consultations = []
    for c in r.consultations:
        if c.public and (slugify(c.committee), c.date) not in closed:
            seen[c.anchor_key] += 1
            repeat = seen[c.anchor_key]
            consultations.append(c if c.repeat == repeat else replace(c, repeat=repeat))
    related = tuple(ref for ref in r.related if ref.reference in public_refs)
    if len(consultations) == len(r.consultations) and len(related) == len(r.related) and \
            all(map(operator.is_, consultations, r.consultations)):
        return r  # most papers: as read (copies took 0.3 s at 10,000)
    return replace(r, consultations=tuple(consultations), related=related)


def _grouped(things: Iterable[T], key: Callable[[T], K]) -> dict[K, tuple[T, ...]]:
    """``things`` by ``key``, each group in the order given (one pass, not one per group)."""
    groups: dict[K, list[T]] = defaultdict(list)
    for thing in things:
        groups[key(thing)].append(thing)
    return {k: tuple(v) for k, v in groups.items()}


def _year(thing: Resolution | Session) -> int:
    return thing.year


def build_archive(resolutions: list[Resolution], session_files: list[SessionFile],
                  committee_files: list[Description], topic_files: list[Description],
                  failed: Sequence[FailedRef] = ()) -> tuple[Archive, list[Problem]]:
    """Group the public records; report broken references and names whose addresses collide.

    ``failed`` holds the references of resolution files with errors: naming one is no
    broken reference (that file's own errors are reported), giving one twice is.
    """
    problems = _check_references(resolutions, session_files, failed)
    problems += _check_described_once((((slugify(s.committee), s.date), s.source, s.line,
                                        f"{s.committee} {s.date.isoformat()}")
                                       for s in session_files), "session")
    for files, what in ((committee_files, "committee"), (topic_files, "topic")):
        problems += _check_described_once(((d.name, d.source, d.line, d.name) for d in files),
                                          what)
    public_refs = {r.reference for r in resolutions if r.public}
    # by the session's address: "Bauausschuss" and "BAUAUSSCHUSS" on one date are one session
    closed = {(slugify(s.committee), s.date) for s in session_files if not s.public}
    published = _newest_first(_publish(r, closed, public_refs) for r in resolutions if r.public)
    sessions = _sessions(published, session_files)

    committee_names: dict[str, tuple[str, int]] = {}
    for r in published:
        for c in r.consultations:
            committee_names.setdefault(c.committee, (r.source, c.line))
    for s in sessions:
        if s.info:
            committee_names.setdefault(s.committee, (s.info.source, s.info.line))
    problems += _check_named(committee_files, {c.committee for r in resolutions
                                               for c in r.consultations}
                             | {s.committee for s in session_files}, set(committee_names),
                             "committee", "no consultation or session")
    problems += _check_named(topic_files, {t for r in resolutions for t in r.topics},
                             {t for r in published for t in r.topics}, "topic", "no resolution")
    for d in committee_files:
        committee_names[d.name] = (d.source, d.line)
    topic_names: dict[str, tuple[str, int]] = {}
    for r in published:
        for t in r.topics:
            topic_names.setdefault(t, (r.source, r.topics_line))
    for d in topic_files:
        topic_names[d.name] = (d.source, d.line)
    problems += _check_unique([(slugify(n), p, ln, n) for n, (p, ln) in committee_names.items()],
                              "committee")
    problems += _check_unique([(slugify(n), p, ln, n) for n, (p, ln) in topic_names.items()],
                              "topic")

    committees = []
    committee_info = {d.name: d for d in committee_files}
    sessions_of = _grouped(sessions, lambda s: s.committee)
    for name in sorted(committee_names, key=name_key):
        d = committee_info.get(name)
        own = sessions_of.get(name, ())
        seen = {it.resolution.reference: it.resolution for s in own for it in s.items}
        committees.append(Committee(name, slugify(name), d.short if d else "",
                                    d.description if d else "", d.body if d else Markup(""),
                                    own, _newest_first(seen.values()), d))
    topic_info = {d.name: d for d in topic_files}
    by_topic: dict[str, list[Resolution]] = defaultdict(list)
    for r in published:
        for t in r.topics:
            by_topic[t].append(r)
    topics = [Topic(name, slugify(name), topic_info[name].description if name in topic_info
                    else "", topic_info[name].body if name in topic_info else Markup(""),
                    tuple(by_topic[name]), topic_info.get(name))
              for name in sorted(topic_names, key=name_key)]
    resolutions_in, sessions_in = _grouped(published, _year), _grouped(sessions, _year)
    years = [Year(y, resolutions_in.get(y, ()), sessions_in.get(y, ()))
             for y in sorted(resolutions_in.keys() | sessions_in.keys(), reverse=True)]
    by_ref = {r.reference: r for r in published}
    referenced_by: dict[str, list[Resolution]] = defaultdict(list)
    for r in published:
        for ref in r.related:
            referenced_by[ref.reference].append(r)
    archive = Archive(
        resolutions=published, sessions=tuple(sessions), committees=tuple(committees),
        topics=tuple(topics), years=tuple(years),
        referenced_by={k: tuple(v) for k, v in referenced_by.items()},
        related={r.reference: tuple(by_ref[x.reference] for x in r.related) for r in published},
    )
    return archive, problems
