"""A static OParl 1.1 export of the public archive: JSON files under ``oparl/v1/``.

Papers, meetings and organizations each get a file and paged lists; consultations,
agenda items, locations and files are embedded (ids with a fragment of their file).
OParl has no place for votes, signatures, finance or the statement of facts.

``created`` and ``modified``, which OParl requires of every object with a file of its own,
are the dates the archive knows, as the Atom feeds' ``updated`` (feeds.last_changed): a
paper's date and the latest of its consultations, never the time of a build (the same
input gives the same bytes).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from ratsinfo_site.archive import Archive, Committee, Session
from ratsinfo_site.config import SiteConfig
from ratsinfo_site.export import json_bytes
from ratsinfo_site.feeds import EPOCH, last_changes
from ratsinfo_site.fingerprint import DataFile
from ratsinfo_site.i18n import Catalogue
from ratsinfo_site.model import Consultation, Resolution
from ratsinfo_site.slugs import slugify
from ratsinfo_site.urls import Urls

ROOT = "oparl/v1/"
SCHEMA = "https://schema.oparl.org/1.1/"
PER_PAGE = 100
ZONE = ZoneInfo("Europe/Berlin")  # OParl times need an offset; German councils keep this one
DECIDED = {"accepted", "rejected", "noted"}  # outcomes of a consultation that decided
Json = dict[str, Any]


def _compact(obj: Json) -> Json:
    """Optional properties without data are left out, as the spec recommends."""
    return {k: v for k, v in obj.items() if v not in (None, "", [], {})}


def _stamps(first: dt.date, last: dt.date) -> Json:
    """``created`` and ``modified``: midnight in Berlin of the first and the last date."""
    return {"created": _time(first, ""), "modified": _time(max(first, last), "")}


def _time(day: dt.date, clock: str) -> str:
    """``2021-03-31T17:00:00+02:00``; a session without a known time starts at 00:00."""
    hour, minute = (int(p) for p in (clock or "00:00").split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).isoformat()


class _Export:
    """Ids and objects of one archive; every id is an address inside the site."""

    def __init__(self, archive: Archive, urls: Urls, t: Catalogue, config: SiteConfig):
        self.archive, self.urls, self.t, self.config = archive, urls, t, config
        self.changed = last_changes(archive.resolutions)
        self.session_changed = {s.slug: max([s.date, *(
            self.changed[item.resolution.reference] for item in s.items)])
            for s in archive.sessions}  # a later consultation changes the paper's text
        self.consultations: dict[tuple[str, Consultation], str] = {}
        self.items: dict[tuple[str, Consultation], str] = {}
        for r in archive.resolutions:
            for c in r.consultations:
                self.consultations[(r.reference, c)] = \
                    f"{self.paper_id(r)}#consultation-{c.item_key}"
        for s in archive.sessions:
            for n, item in enumerate(s.items, 1):
                key = (item.resolution.reference, item.consultation)
                self.items[key] = f"{self.meeting_id(s.slug)}#agendaitem-{n}"

    def url(self, rel: str) -> str:
        return self.urls.absolute(rel) or self.urls.href(rel)

    def paper_id(self, r: Resolution) -> str:
        return self.url(f"{ROOT}paper/{r.slug}.json")

    def meeting_id(self, slug: str) -> str:
        return self.url(f"{ROOT}meeting/{slug}.json")

    def organization_id(self, name: str) -> str:
        return self.url(f"{ROOT}organization/{slugify(name)}.json")

    def paper(self, r: Resolution) -> Json:
        """A Paper with its consultations and attachments embedded."""
        pid = self.paper_id(r)
        files = [_compact({
            "id": f"{pid}#file-{n}", "type": f"{SCHEMA}File", "name": a.title,
            "fileName": PurePosixPath(a.file).name,
            "mimeType": mimetypes.guess_type(a.file)[0], "size": a.size,
            "accessUrl": self.url(self.urls.file(a)), "paper": [pid],
        }) for n, a in enumerate(r.attachments, 1)]
        consultations = [_compact({
            "id": self.consultations[(r.reference, c)], "type": f"{SCHEMA}Consultation",
            "paper": pid, "agendaItem": self.items.get((r.reference, c)),
            "meeting": self.meeting_id(c.anchor_key),
            "organization": [self.organization_id(c.committee)], "role": c.role,
        }) for c in r.consultations]
        return _compact({
            "id": pid, "type": f"{SCHEMA}Paper", "body": self.url(f"{ROOT}body.json"),
            "name": r.title, "reference": r.reference, "date": r.date.isoformat(),
            "paperType": r.type,
            "relatedPaper": [self.paper_id(x) for x in self.archive.related.get(r.reference, ())],
            "auxiliaryFile": files, "consultation": consultations, "keyword": list(r.topics),
            "web": self.url(self.urls.of(r)), **_stamps(r.date, self.changed[r.reference]),
        })

    def meeting(self, s: Session) -> Json:
        """A Meeting with its public agenda items (and their results) embedded."""
        mid, info = self.meeting_id(s.slug), s.info
        items = []
        for n, item in enumerate(s.items, 1):
            r, c = item.resolution, item.consultation
            # The paper's decision text is what the last public consultation decided: not
            # what an advising committee recommended, nor what was deferred or referred (a
            # decision in a closed session after it left no public consultation behind).
            decided = r.consultations[-1] is c and c.outcome in DECIDED
            items.append(_compact({
                "id": self.items[(r.reference, c)], "type": f"{SCHEMA}AgendaItem",
                "meeting": mid, "number": c.agenda_item, "order": n - 1, "name": r.title,
                "public": True, "consultation": self.consultations[(r.reference, c)],
                "result": c.result,
                "resolutionText": r.decision.striptags() if decided else "",
            }))
        location = _compact({"id": f"{mid}#location", "type": f"{SCHEMA}Location",
                             "description": info.location}) if info and info.location else {}
        return _compact({
            "id": mid, "type": f"{SCHEMA}Meeting", "name": info.title if info else "",
            "start": _time(s.date, info.start if info else ""),
            "end": _time(info.end_date, info.end) if info and info.end else "",
            "location": location, "organization": [self.organization_id(s.committee)],
            "agendaItem": items, "web": self.url(self.urls.of(s)),
            **_stamps(s.date, self.session_changed[s.slug]),
        })

    def organization(self, c: Committee) -> Json:
        return _compact({
            "id": self.organization_id(c.name), "type": f"{SCHEMA}Organization",
            "body": self.url(f"{ROOT}body.json"), "name": c.name, "shortName": c.short,
            "organizationType": "Gremium", "web": self.url(self.urls.of(c)),
            **self.committee_stamps(c),
        })

    def committee_stamps(self, c: Committee) -> Json:
        """Its first session and the latest change of one (a committee without sessions:
        the archive's)."""
        sessions = c.sessions or self.archive.sessions
        if not sessions:
            return self.archive_stamps()
        return _stamps(min(s.date for s in sessions),
                       max(self.session_changed[s.slug] for s in sessions))

    def archive_stamps(self) -> Json:
        """The oldest date of the archive and its latest change (system and body)."""
        dates = [r.date for r in self.archive.resolutions] + [s.date for s in self.archive.sessions]
        changed = [*self.changed.values(), *dates]
        return _stamps(min(dates, default=EPOCH), max(changed, default=EPOCH))

    def entry(self) -> list[tuple[str, Json]]:
        """System and the body."""
        name = self.config.body or self.config.title or "Ratsinformation"
        system = _compact({
            "id": self.url(f"{ROOT}system.json"), "type": f"{SCHEMA}System",
            "oparlVersion": SCHEMA, "body": self.url(f"{ROOT}bodies.json"),
            "name": self.config.title or name, "website": self.url(""), **self.archive_stamps(),
        })
        body = {  # the required lists are there even when empty
            "id": self.url(f"{ROOT}body.json"), "type": f"{SCHEMA}Body",
            "system": system["id"], "name": name, "website": self.url(""),
            **{key: self.url(f"{ROOT}{key}s.json")
               for key in ("organization", "person", "meeting", "paper")},
            "legislativeTerm": [], "web": self.url(""), **self.archive_stamps(),
        }
        return [(f"{ROOT}system.json", system), (f"{ROOT}body.json", body)]

    def pages(self, stem: str, things: Sequence[Any], make: Callable[[Any], Json],
              inputs: Callable[[Any], Any]) -> list[DataFile]:
        """An external list in pages of PER_PAGE: ``papers.json``, ``papers-2.json``, …

        A page is made again only when one of its objects (or the number of them) changed.
        """
        chunks = [things[i:i + PER_PAGE] for i in range(0, len(things), PER_PAGE)] or [[]]
        rels = [f"{ROOT}{stem}.json" if n == 1 else f"{ROOT}{stem}-{n}.json"
                for n in range(1, len(chunks) + 1)]
        found = []
        for n, (rel, chunk) in enumerate(zip(rels, chunks, strict=True)):
            links = {"first": rels[0], "prev": rels[n - 1] if n else None, "self": rel,
                     "next": rels[n + 1] if n + 1 < len(rels) else None, "last": rels[-1]}
            page = {
                "pagination": {"totalElements": len(things), "elementsPerPage": PER_PAGE,
                               "currentPage": n + 1, "totalPages": len(chunks)},
                "links": {k: self.url(v) for k, v in links.items() if v},
            }
            found.append(DataFile(rel, (page, [inputs(x) for x in chunk]),
                                  partial(_list_page, page, chunk, make)))
        return found

    def paper_inputs(self, r: Resolution) -> Any:
        """What a Paper is made from: the resolution, its links and its agenda items' ids."""
        return (r, self.archive.related.get(r.reference, ()),
                [self.items.get((r.reference, c)) for c in r.consultations])


def _object_file(make: Callable[[Any], Json], thing: Any) -> bytes:
    return json_bytes(make(thing))


def _list_page(page: Json, chunk: Sequence[Any], make: Callable[[Any], Json]) -> bytes:
    return json_bytes({"data": [make(x) for x in chunk], **page})


def oparl_files(archive: Archive, urls: Urls, t: Catalogue,
                config: SiteConfig) -> list[DataFile]:
    """Every file of the OParl export (site-relative path, UTF-8 JSON), in a fixed order."""
    export = _Export(archive, urls, t, config)
    entry = export.entry()
    files = [DataFile(rel, obj, partial(json_bytes, obj)) for rel, obj in entry]
    body = entry[-1][1]
    files += export.pages("bodies", [body], lambda body: body, lambda body: body)
    for name, things, make, inputs, slug in (
        ("paper", archive.resolutions, export.paper, export.paper_inputs, lambda r: r.slug),
        ("meeting", archive.sessions, export.meeting, lambda s: s, lambda s: s.slug),
        ("organization", archive.committees, export.organization,
         lambda c: (c.name, c.short, c.slug, export.committee_stamps(c)), lambda c: c.slug),
    ):
        files += [DataFile(f"{ROOT}{name}/{slug(x)}.json", inputs(x),
                           partial(_object_file, make, x)) for x in things]
        files += export.pages(f"{name}s", things, make, inputs)
    # an old number (alias) keeps its address, with the same object
    files += [DataFile(f"{ROOT}paper/{slugify(a.reference)}.json", export.paper_inputs(r),
                       partial(_object_file, export.paper, r))
              for r in archive.resolutions for a in r.aliases]
    files += export.pages("persons", [], lambda x: x, lambda x: x)
    return files
