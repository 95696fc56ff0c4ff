"""OParl 1.0/1.1 JSON (Paper, Consultation, AgendaItem, Meeting, Organization, File) to content."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ratsinfo_site.errors import Problem, warning
from ratsinfo_site.importers.writer import Output, document
from ratsinfo_site.slugs import slugify

# Fields that carry no facts (or only link objects); never reported as left out.
COMMON = {"id", "type", "body", "created", "modified", "web", "deleted", "license"}
# Fields with a place in the content format; any other filled-in field is reported once.
USED = {
    "Paper": {"name", "reference", "date", "paperType", "consultation", "mainFile",
              "auxiliaryFile", "keyword", "relatedPaper", "superordinatedPaper",
              "subordinatedPaper"},
    "Consultation": {"paper", "agendaItem", "meeting", "organization", "role", "authoritative"},
    "AgendaItem": {"meeting", "number", "order", "name", "public", "consultation", "result",
                   "resolutionText"},
    "Meeting": {"name", "start", "end", "location", "organization", "agendaItem", "cancelled",
                "meetingState", "invitation", "resultsProtocol", "verbatimProtocol",
                "auxiliaryFile"},
    "Organization": {"name", "shortName", "organizationType", "classification", "website",
                     "meeting", "consultation"},
}
QUIET = {"System", "Body", "LegislativeTerm", "Location", "File"}
MEETING_FILES = (("invitation", "Einladung"), ("resultsProtocol", "Ergebnisprotokoll"),
                 ("verbatimProtocol", "Wortprotokoll"), ("auxiliaryFile", "Anlage"))
Where = tuple[str, int]


def kind_of(obj: Any) -> str:
    """``Paper`` for ``https://schema.oparl.org/1.1/Paper`` (1.0 and 1.1 alike)."""
    kind = obj.get("type") if isinstance(obj, dict) else None
    return kind.rstrip("/").rsplit("/", 1)[-1] if isinstance(kind, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value in (None, "") else [value]


def _oid(ref: Any) -> str | None:
    """The id a reference names: an id, or an embedded object's; None for anything else
    (a list where an id belongs, a number …)."""
    ref = ref.get("id") if isinstance(ref, dict) else ref
    return ref if isinstance(ref, str) else None


def _split(url: str) -> Any:
    """``urlsplit``, which raises on a malformed address (``https://[x/…``): then a path."""
    try:
        return urlsplit(url)
    except ValueError:
        return urlsplit("")._replace(path=url)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _day(value: Any) -> dt.date | None:
    """The date part of an OParl date or date-time, as written (no time-zone shift)."""
    try:
        return dt.date.fromisoformat(_text(value)[:10])
    except ValueError:
        return None


def _clock(value: Any) -> str:
    """``HH:MM`` of a date-time; midnight counts as no time (exports write it for unknown)."""
    match = re.match(r"\d{4}-\d\d-\d\dT(\d\d:\d\d)", _text(value))
    return match[1] if match and match[1] != "00:00" else ""


def _id_lines(text: str) -> dict[str, int]:
    """The line of each ``"id": "…"`` in a JSON text, in one pass."""
    found: dict[str, int] = {}
    line, last = 1, 0
    for match in re.finditer(r'"id"\s*:\s*("(?:[^"\\]|\\.)*")', text):
        line, last = line + text.count("\n", last, match.start()), match.start()
        found.setdefault(json.loads(match[1]), line)
    return found


class Index:
    """Every OParl object of the input by id (embedded ones too), merged across files."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.where: dict[str, Where] = {}
        self.roots: dict[str, tuple[Path, Path]] = {}  # id → (input root, folder of its file)
        self.item_of: dict[str, str] = {}  # consultation id → its agenda item id
        self.children: dict[str, list[str]] = {}  # paper or meeting id → consultations, items
        self.problems: list[Problem] = []
        self.seen = 0  # objects read so far, merged ones included

    def read(self, paths: Sequence[Path]) -> None:
        """Read files and folders of ``*.json``; unreadable input is an error."""
        for given in paths:
            root = given if given.is_dir() else given.parent
            files = sorted(p for p in given.rglob("*.json") if not any(
                part.startswith(".") for part in p.relative_to(given).parts)) \
                if given.is_dir() else [given]
            if not files:
                self.problems.append(Problem(given.as_posix(), 1, "folder holds no .json file"))
            for path in files:
                self._read_file(path, root, explicit=not given.is_dir())
        for oid, obj in self.objects.items():  # the links back, once everything is merged
            up = {"Consultation": ("paper",), "AgendaItem": ("meeting",)}.get(kind_of(obj), ())
            for key in up:
                if target := _oid(obj.get(key)):
                    self.children.setdefault(target, []).append(oid)
            if kind_of(obj) == "AgendaItem" and (target := _oid(obj.get("consultation"))):
                self.item_of.setdefault(target, oid)

    def _read_file(self, path: Path, root: Path, explicit: bool) -> None:
        shown = path.as_posix()
        try:
            text = path.read_text(encoding="utf-8-sig")
            data = json.loads(text)
        except (OSError, UnicodeDecodeError) as exc:
            message = f"cannot read: {exc.strerror or exc}" if isinstance(exc, OSError) \
                else "not UTF-8: OParl JSON must be UTF-8"
            self.problems.append(Problem(shown, 1, message))
            return
        except json.JSONDecodeError as exc:
            self.problems.append(Problem(shown, exc.lineno, f"broken JSON: {exc.msg}"))
            return
        before = self.seen
        self._walk(data, (shown, _id_lines(text), root, path.parent), None)
        if explicit and self.seen == before:
            self.problems.append(warning(shown, 1, "no OParl object (with id and type) here"))

    def _walk(self, value: Any, source: tuple[str, dict[str, int], Path, Path],
              parent: tuple[str, str] | None) -> None:
        if isinstance(value, list):
            for item in value:
                self._walk(item, source, parent)
            return
        if not isinstance(value, dict):
            return
        kind, oid = kind_of(value), value.get("id")
        if not kind or not isinstance(oid, str):
            for item in value.values():
                self._walk(item, source, parent)
            return
        if parent and (kind, parent[0]) == ("Consultation", "Paper"):
            value.setdefault("paper", parent[1])
        if parent and (kind, parent[0]) == ("AgendaItem", "Meeting"):
            value.setdefault("meeting", parent[1])
        self.seen += 1
        if oid in self.objects:
            for key, item in value.items():
                self.objects[oid].setdefault(key, item)
        else:
            self.objects[oid] = value
            shown, lines, root, folder = source
            self.where[oid], self.roots[oid] = (shown, lines.get(oid, 1)), (root, folder)
        for key, item in value.items():
            if key not in ("id", "type"):
                self._walk(item, source, (kind, oid))

    def get(self, ref: Any) -> dict[str, Any] | None:
        """The object a reference (an id, or an embedded object) names."""
        oid = _oid(ref)  # an embedded object with an id was indexed as it was read
        return self.objects.get(oid) if oid else None

    def of_kind(self, kind: str) -> Iterator[dict[str, Any]]:
        return (o for o in self.objects.values() if kind_of(o) == kind)


class Converter:
    """OParl objects to content files, collecting what has no place as warnings."""

    def __init__(self, index: Index):
        self.ix = index
        self.outputs: list[Output] = []
        self.problems: list[Problem] = list(index.problems)
        self.left_out: dict[tuple[str, str], list[Any]] = {}
        self.references: dict[str, str] = {}  # paper id → reference, for agenda and related
        self.named: set[str] = set()  # organizations a meeting or consultation names

    def warn(self, obj: dict[str, Any] | str | None, message: str) -> None:
        self.problems.append(warning(*self.ix.where.get(_oid(obj) or "", ("oparl", 1)), message))

    def _leave_out(self, kind: str, field: str, obj: dict[str, Any]) -> None:
        entry = self.left_out.setdefault((kind, field), [0, obj.get("id")])
        entry[0] += 1

    def _note_fields(self, obj: dict[str, Any]) -> None:
        kind = kind_of(obj)
        for field, value in obj.items():
            if value not in (None, "", [], {}) and field not in COMMON | USED.get(kind, set()):
                self._leave_out(kind, f"'{field}'", obj)

    def organization(self, refs: Any, owner: dict[str, Any]) -> str:
        """The committee name of the first (leading) organization."""
        for ref in _list(refs)[:1]:
            org = self.ix.get(ref)
            if org is None:
                self.warn(owner, f"organization {ref} is not in the input")
            elif not _text(org.get("name")):
                self.warn(org, "organization without a name")
            else:
                self.named.add(org.get("id", ""))
                return _text(org["name"])
        return ""

    def convert(self) -> None:
        """Papers first (agendas and links name them), then meetings and organizations."""
        for kind in sorted({kind_of(o) for o in self.ix.objects.values()}):
            if kind not in USED and kind not in QUIET:
                count = sum(1 for _ in self.ix.of_kind(kind))
                first = next(self.ix.of_kind(kind))
                self.warn(first, f"{count} {kind} object(s): the content format has no place "
                          f"for them, not imported")
        papers = [p for p in self.ix.of_kind("Paper") if not self._deleted(p)]
        for paper in papers:
            self.references[paper["id"]] = self._reference(paper)
        for paper in papers:  # a paper that fails is an error: then nothing is written
            self._paper(paper)
        for meeting in self.ix.of_kind("Meeting"):
            if not self._deleted(meeting):
                self._meeting(meeting)
        for org in self.ix.of_kind("Organization"):
            if not self._deleted(org):
                self._organization(org)
        for (kind, field), (count, oid) in sorted(self.left_out.items()):
            self.warn(oid, f"{count} {kind} object(s) marked deleted: not imported"
                      if field == "deleted" else f"{kind} field {field} ({count} object(s)) has "
                      f"no place in the content format: not imported")

    def _deleted(self, obj: dict[str, Any]) -> bool:
        if obj.get("deleted") is True:
            self._leave_out(kind_of(obj), "deleted", obj)
            return True
        return False

    # --- papers ---------------------------------------------------------------------------

    def _reference(self, paper: dict[str, Any]) -> str:
        if reference := _text(paper.get("reference")):
            return reference
        tail = _split(paper["id"]).path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
        reference = tail or paper["id"]
        self.warn(paper, f"paper without a reference: '{reference}' is taken from its OParl id; "
                  f"set the real Vorlagennummer")
        return reference

    def _consultation(self, c: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The content format's consultation, and the agenda item it was found on."""
        self._note_fields(c)
        item = self.ix.get(c.get("agendaItem")) or self.ix.get(self.ix.item_of.get(c["id"]))
        if item:
            self._note_fields(item)
        meeting = self.ix.get(c.get("meeting")) or self.ix.get((item or {}).get("meeting"))
        committee = self.organization(c.get("organization") or (meeting or {}).get(
            "organization"), c)
        date = _day((meeting or {}).get("start")) or _day((item or {}).get("start"))
        if not committee or not date:
            self.warn(c, f"consultation {c['id']} has no {'committee' if date else 'date'} "
                      f"(no organization or meeting start in the input): left out")
            return None
        found: dict[str, Any] = {"committee": committee, "date": date}
        item = item or {}
        for key, value in (("role", _text(c.get("role"))),
                           ("agenda_item", _text(item.get("number")).rstrip(".")),
                           ("result", _text(item.get("result")))):
            if value:
                found[key] = value
        if item.get("public") is False:
            found["public"] = False
        return found, item

    def _consultations(self, paper: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
        """Consultations in date order, and the decision text (AgendaItem.resolutionText)."""
        refs = [*_list(paper.get("consultation")), *self.ix.children.get(paper["id"], [])]
        found, decided, seen = [], "", set()
        for ref in refs:
            c = self.ix.get(ref)
            if c is None:
                self.warn(paper, f"consultation {ref} is not in the input: left out")
            elif c["id"] not in seen and not self._deleted(c):
                seen.add(c["id"])
                if pair := self._consultation(c):
                    found.append(pair[0])
                    text = _text(pair[1].get("resolutionText"))
                    if text and pair[0].get("public") is False:  # never into a public paper
                        self.warn(c, f"consultation {c['id']}: the decision text of its "
                                  "closed (non-public) agenda item is left out")
                    elif text and (c.get("authoritative") or not decided):
                        decided = text
        return sorted(found, key=lambda c: c["date"]), decided

    def _paper(self, paper: dict[str, Any]) -> None:
        """One resolution file; an error when the paper cannot be one."""
        self._note_fields(paper)
        reference = self.references[paper["id"]]
        consultations, decided = self._consultations(paper)
        date = _day(paper.get("date"))
        if date is None and consultations:
            date = consultations[-1]["date"]
            self.warn(paper, f"paper '{reference}' has no date: the date of its last "
                      f"consultation ({date}) is taken")
        if date is None:
            self.problems.append(Problem(*self.ix.where[paper["id"]], f"paper '{reference}' "
                                         f"has no date and no dated consultation: not imported"))
            return
        title = _text(paper.get("name"))
        if not title:
            self.warn(paper, f"paper '{reference}' has no name: its reference is the title")
        slug = slugify(reference)
        meta: dict[str, Any] = {
            "reference": reference, "title": title or reference, "date": date,
            "public": not consultations or any(c.get("public", True) for c in consultations),
            "type": _text(paper.get("paperType")),
            "topics": [k for k in _list(paper.get("keyword")) if _text(k)],
            "resolution": decided, "consultations": consultations,
        }
        attachments, details = self._files(paper, f"{date.year}/{slug}")
        meta.update(attachments=attachments, related=self._related(paper), details=details)
        meta = {k: v for k, v in meta.items() if v not in ("", [], {}, None)}
        comments = [f"Imported by 'ratsinfo import-oparl' from {paper['id']}."]
        self.outputs.append(Output(f"resolutions/{date.year}/{slug}.md",
                                   self.ix.where[paper["id"]], text=document(meta, "", comments)))

    def _related(self, paper: dict[str, Any]) -> list[str]:
        found = []
        for key in ("relatedPaper", "superordinatedPaper", "subordinatedPaper"):
            for ref in _list(paper.get(key)):
                oid = _oid(ref)
                if oid in self.references:
                    found.append(self.references[oid])
                else:
                    self.warn(paper, f"{key} {oid} is not in the import: left out")
        return list(dict.fromkeys(found))

    def _files(self, paper: dict[str, Any], folder: str) -> tuple[list[dict], dict[str, str]]:
        """Attachments for files that are here; title → URL in details for remote ones."""
        attachments: list[dict[str, str]] = []
        details: dict[str, str] = {}
        for ref in [paper.get("mainFile"), *_list(paper.get("auxiliaryFile"))]:
            file = self.ix.get(ref)
            if file is None:
                if ref:
                    self.warn(paper, f"file {ref} is not in the input: left out")
                continue
            title = _text(file.get("name")) or _text(file.get("fileName")) or "Datei"
            local = self._local(file)
            url = _text(file.get("accessUrl")) or _text(file.get("downloadUrl"))
            if local:
                rel = f"{folder}/{slugify(local.stem) or 'datei'}{local.suffix.lower()}"
                if all(a["file"] != rel for a in attachments):
                    attachments.append({"title": title, "file": rel})
                    self.outputs.append(Output(f"files/{rel}", self.ix.where.get(
                        file["id"], ("oparl", 1)), source=local))
                continue
            label = next(f"{title} ({n})" if n > 1 else title for n in range(1, 999)
                         if (f"{title} ({n})" if n > 1 else title) not in details)
            details[label] = f"<{url}>" if url.startswith(("http://", "https://")) else url
            self.warn(file, f"file '{title}' is not here, only at {url or 'no URL'}: its title "
                      f"and URL go to 'details' (put the file beside the JSON to attach it)")
        return attachments, details

    def _local(self, file: dict[str, Any]) -> Path | None:
        """The file on this machine: below the input folder, never outside it."""
        root, folder = self.ix.roots.get(_oid(file) or "", (None, None))
        if root is None or folder is None:
            return None
        names = [_split(_text(file.get(k))) for k in ("accessUrl", "downloadUrl")]
        candidates = [folder / n for n in (_text(file.get("fileName")),) if n]
        candidates += [folder / "files" / c.name for c in candidates]
        for url in names:
            if url.scheme or url.netloc or not url.path:
                continue
            parts = [p for p in unquote(url.path).split("/") if p]
            if any(p.startswith(".") for p in parts):
                continue
            base = folder if not url.path.startswith("/") else root
            candidates += [base.joinpath(*parts[k:]) for k in range(len(parts))]
        top = root.resolve()
        return next((c for c in candidates if c.is_file() and c.resolve().is_relative_to(top)),
                    None)

    # --- meetings and organizations -------------------------------------------------------

    def _agenda(self, meeting: dict[str, Any]) -> list[str]:
        """References of the public items, in the meeting's order."""
        refs = [r for r in map(_oid, _list(meeting.get("agendaItem"))) if r]
        refs = list(dict.fromkeys([*refs, *self.ix.children.get(meeting["id"], [])]))
        items = [(i, o) for i, ref in enumerate(refs) if (o := self.ix.get(ref))]
        found = []
        for _, item in sorted(items, key=lambda p: (
                p[1]["order"] if isinstance(p[1].get("order"), int) else p[0], p[0])):
            paper = _oid((self.ix.get(item.get("consultation")) or {}).get("paper"))
            if item.get("public") is not False and paper in self.references:
                found.append(self.references[paper])
        return list(dict.fromkeys(found))

    def _location(self, meeting: dict[str, Any]) -> str:
        place = self.ix.get(meeting.get("location"))
        if place is None:
            return ""
        street = ", ".join(_text(place.get(k)) for k in ("room", "streetAddress") if place.get(k))
        town = " ".join(_text(place.get(k)) for k in ("postalCode", "locality") if place.get(k))
        return _text(place.get("description")) or ", ".join(p for p in (street, town) if p)

    def _meeting(self, meeting: dict[str, Any]) -> None:
        """One session file: committee, date, times, place, agenda order, file links."""
        self._note_fields(meeting)
        committee = self.organization(meeting.get("organization"), meeting)
        date = _day(meeting.get("start"))
        if not committee or not date:
            what = "date" if committee else "committee"
            self.warn(meeting, f"meeting {meeting['id']} has no {what}: no session file")
            return
        name = _text(meeting.get("name"))
        number = re.match(r"(\d+)\.\s", name)
        meta: dict[str, Any] = {
            "committee": committee, "date": date, "number": number[1] if number else "",
            "title": name, "start": _clock(meeting.get("start")),
            "end": _clock(meeting.get("end")), "location": self._location(meeting),
            "agenda": self._agenda(meeting),
        }
        lines = []
        if meeting.get("cancelled") is True:
            lines.append("Die Sitzung wurde abgesagt.\n")
            self.warn(meeting, "meeting is cancelled: imported with a note saying so")
        for key, label in MEETING_FILES:
            for ref in _list(meeting.get(key)):
                file = self.ix.get(ref) or {}
                url = _text(file.get("accessUrl")) or _text(file.get("downloadUrl"))
                if url:
                    lines.append(f"- [{_text(file.get('name')) or label}](<{url}>)")
        meta = {k: v for k, v in meta.items() if v not in ("", [], None)}
        self.outputs.append(Output(f"sessions/{date.isoformat()}-{slugify(committee)}.md",
                                   self.ix.where[meeting["id"]],
                                   text=document(meta, "\n".join(lines), [
                                       f"Imported by 'ratsinfo import-oparl' from "
                                       f"{meeting['id']}."])))

    def _organization(self, org: dict[str, Any]) -> None:
        """A committee file for each committee (Gremium) or organization a meeting names."""
        name, kind = _text(org.get("name")), _text(org.get("organizationType"))
        if org["id"] not in self.named and kind not in ("", "Gremium"):
            self.warn(org, f"organization '{name}' is a {kind}, not a committee: not imported")
            return
        if not name:
            self.warn(org, "organization without a name: not imported")
            return
        self._note_fields(org)
        meta = {"name": name, "short": _text(org.get("shortName"))}
        website = _text(org.get("website"))
        self.outputs.append(Output(
            f"committees/{slugify(name)}.md", self.ix.where[org["id"]],
            text=document({k: v for k, v in meta.items() if v}, f"<{website}>" if website
                          else "", [f"Imported by 'ratsinfo import-oparl' from {org['id']}."])))


def convert(paths: Sequence[Path]) -> tuple[list[Output], list[Problem]]:
    """Read OParl JSON files and folders; the content files to write, and the problems."""
    index = Index()
    index.read(paths)
    converter = Converter(index)
    converter.convert()
    return converter.outputs, converter.problems
