"""Validated, frozen records of resolutions, consultations, sessions, committees, topics."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from markupsafe import Markup

from ratsinfo_site.errors import Problem, warning
from ratsinfo_site.files import file_digest
from ratsinfo_site.load import UNPARSED, RawDocument, WrittenFloat, as_value
from ratsinfo_site.markup import (
    IMAGE,
    TooComplex,
    local_links,
    plain_text,
    render_inline,
    render_markdown,
)
from ratsinfo_site.slugs import slugify
from ratsinfo_site.store import StoredMarkup, StoredText

OUTCOMES = (
    "accepted", "rejected", "deferred", "referred", "withdrawn", "noted", "advised", "other",
)
_OUTCOME_RULES = (
    ("withdrawn", ("zurückgezogen",)),
    ("rejected", ("abgelehnt", "nicht beschlossen", "nicht zugestimmt", "nicht angenommen")),
    ("deferred", ("vertagt", "zurückgestellt")),
    ("referred", ("verwiesen",)),
    ("noted", ("kenntnis",)),
    ("advised", ("vorberaten", "empfohlen")),
    ("accepted", ("beschlossen", "zugestimmt", "angenommen")),
)
VOTE_KEYS = ("for", "against", "abstain", "biased")


def outcome_of(result: str) -> str | None:
    """The outcome category a result's wording maps to, or None when none matches."""
    # words as read: "nicht angenommen" with a no-break space (copied from minutes) or a
    # line break between them is still "nicht angenommen", never "angenommen"
    lowered = " ".join(result.lower().split())
    for outcome, words in _OUTCOME_RULES:
        if any(word in lowered for word in words):
            return outcome
    return None


class Ref(NamedTuple):
    """A reference to a resolution, with the line it was written on."""

    reference: str
    line: int


class FailedRef(NamedTuple):
    """What a file with errors gives or names, so that the archive checks it all the same:
    its reference (a resolution's, "" for a session) and where it gives it, its aliases,
    and the references it names (``what``: a resolution's related, a session's agenda)."""

    reference: str
    source: str
    line: int
    aliases: tuple[Ref, ...] = ()
    names: tuple[Ref, ...] = ()
    what: str = "related"


class Link(NamedTuple):
    """A link in a text to an address of this site (``plan.pdf``, ``/themen/``), and the
    line it is on: the archive checks that it leads somewhere."""

    href: str
    line: int


@dataclass(frozen=True)
class Votes:
    """Ja, Nein, Enthaltung, Befangen; None where the minutes recorded nothing."""

    yes: int | None
    no: int | None
    abstain: int | None
    biased: int | None

    @property
    def complete(self) -> bool:
        """Whether Ja, Nein and Enthaltung were all recorded: only then are shares known."""
        return None not in (self.yes, self.no, self.abstain)


@dataclass(frozen=True)
class Consultation:
    """One item on one session's agenda (Beratung)."""

    committee: str
    date: dt.date
    role: str
    agenda_item: str
    result: str
    outcome: str | None
    public: bool
    votes: Votes | None
    unanimous: bool | None  # None: not stated (not the same as false)
    line: int
    # 2, 3 … for a further item of the same session in the same paper, counted among the
    # published items (see archive._publish): its anchor gets the number
    repeat: int = 1

    @property
    def anchor_key(self) -> str:
        """Date and committee slug: stays put when other consultations are added."""
        return f"{self.date.isoformat()}-{slugify(self.committee)}"

    @property
    def item_key(self) -> str:
        """``anchor_key``, with ``-2``, ``-3`` … for a further item of that session."""
        return self.anchor_key + (f"-{self.repeat}" if self.repeat > 1 else "")


@dataclass(frozen=True)
class Attachment:
    """A file from ``content/files/`` listed by a resolution."""

    title: str
    file: str
    source: Path
    size: int
    # of its bytes: a file replaced by one of the same size is read again, and a fresh
    # checkout (every file a new time, the same bytes) renders no page again; the key of
    # its text in the PDF text cache (see search_text.attachment_text)
    digest: str


@dataclass(frozen=True)
class Signature:
    """Place, date, name and role under the paper."""

    place: str
    date: dt.date | None
    name: str
    role: str


@dataclass(frozen=True)
class Resolution:
    """One paper (Vorlage/Beschluss) with everything the format can say about it."""

    source: str
    line: int
    reference: str
    slug: str
    title: str
    date: dt.date
    public: bool
    withdrawn: bool
    type: str
    topics: tuple[str, ...]
    submitter: str
    department: str
    decision: Markup | StoredMarkup  # a handle of the text on disk, once read (store.py)
    consultations: tuple[Consultation, ...]
    finance: Markup | tuple[tuple[str, Markup], ...]
    signed: Signature | None
    issued: dt.date | None
    attachments: tuple[Attachment, ...]
    related: tuple[Ref, ...]
    aliases: tuple[Ref, ...]
    details: tuple[tuple[str, Markup], ...]
    body: Markup | StoredMarkup
    text: str | StoredText  # the Markdown source of the body
    lead: str  # the start of the decision (or else the body) as plain text, for summaries
    digest: str  # of the source file: what a cached page or index part was built from
    links: tuple[Link, ...] = ()  # in its texts, to addresses of this site
    topics_line: int = 0  # of its key 'topics', where a topic's problems are reported

    @property
    def year(self) -> int:
        """The resolution's year: the year of its date."""
        return self.date.year

    @property
    def outcome(self) -> str:
        """Outcome of the last consultation by date; ``open`` without any."""
        if not self.consultations or self.consultations[-1].outcome is None:
            return "open"
        return self.consultations[-1].outcome

    @property
    def references(self) -> tuple[str, ...]:
        """Its reference and its old numbers (aliases): each an address of the paper."""
        return (self.reference, *(a.reference for a in self.aliases))

    @property
    def committees(self) -> tuple[str, ...]:
        """The committees of its consultations, each once, in the order of consultation."""
        return tuple(dict.fromkeys(c.committee for c in self.consultations))


@dataclass(frozen=True)
class SessionFile:
    """What a session file adds to the session (committee, date)."""

    source: str
    line: int
    committee: str
    date: dt.date
    number: str
    title: str
    start: str
    end: str
    location: str
    public: bool
    agenda: tuple[Ref, ...]
    body: Markup
    digest: str
    links: tuple[Link, ...] = ()  # in its text, to addresses of this site

    @property
    def end_date(self) -> dt.date:
        """The day it ends: the next one when it ends before it starts (17:00 to 00:45)."""
        late = bool(self.start and self.end) and self.end < self.start  # both HH:MM
        return self.date + dt.timedelta(days=1) if late else self.date


@dataclass(frozen=True)
class Description:
    """A committee or topic file: its name and what to say about it."""

    source: str
    line: int
    name: str
    short: str
    description: str
    body: Markup
    digest: str
    links: tuple[Link, ...] = ()  # in its text, to addresses of this site


# --- reading typed values --------------------------------------------------------------

_Check = Callable[[Any], tuple[Any, str | None]]


def _text(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str):
        return as_value(value).strip(), None
    if isinstance(value, bool) or value is None:
        return None, "must be text"
    if isinstance(value, int | float | dt.date):
        kind = "date" if isinstance(value, dt.date) else "number"
        return None, f"must be text: YAML reads {value} as a {kind}; quote it"
    return None, "must be text"


# Years a council's dates can have: wide for old archives, and a typo such as 0202 or
# 9999 is caught (feeds and calendars count days and years beyond a date).
YEARS = range(1000, 3000)


def _date(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, dt.datetime):
        return None, "must be a date YYYY-MM-DD without a time"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return None, f"'{value}' is not a date YYYY-MM-DD (or an impossible one)"
    if isinstance(value, dt.date):
        if value.year not in YEARS:
            return None, (f"{value.isoformat()} is not in the years {YEARS[0]} to "
                          f"{YEARS[-1]} (a typo?)")
        return value, None
    return None, "must be a date YYYY-MM-DD"


def _bool(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool):
        return value, None
    return None, f"must be true or false, not {value!r}"


def _count(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str) and value.isdigit():
        if value.startswith("0") and value != "0":  # 010, kept as written (see load.py)
            return None, f"must be a whole number without leading zeros, not {value!r}"
        return None, f"must be a whole number, not the text {value!r}: write it without quotes"
    if isinstance(value, bool) or not isinstance(value, int):
        return None, f"must be a whole number, not {value!r}"
    if value < 0:
        return None, f"must not be negative ({value})"
    return value, None


def _agenda_item(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool):
        return None, "must be text or a whole number"
    if isinstance(value, float):
        return None, f"YAML reads this as the number {value!r}: quote it (\"7.10\")"
    if isinstance(value, int):
        return (str(value), None) if value >= 0 else (None, f"must not be negative ({value})")
    return _text(value)


_HOUR_MINUTE = re.compile(r"(\d{1,2}):(\d{2})(?::00)?")  # 17:00, read as text (see load.py)


def _clock(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str) and (match := _HOUR_MINUTE.fullmatch(value.strip())):
        hour, minute = int(match[1]), int(match[2])
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}", None
    return None, "must be a time HH:MM"


class _Fields:
    """Reads one document's front matter, collecting problems with their lines."""

    def __init__(self, doc: RawDocument, known: set[str]):
        self.doc = doc
        self.problems: list[Problem] = list(doc.problems)
        self.links: list[Link] = []  # in the texts rendered, to addresses of this site
        self.unknown_keys((), doc.meta, known)

    def unknown_keys(self, path: tuple[Any, ...], raw: dict[Any, Any], known: Iterable[str],
                     where: str = "") -> None:
        """Warn of keys not in ``known``; one that is a known key in other letters
        (``Public: false``) is an error: ignored, it would publish a closed item."""
        for key in raw:
            if key in known:
                continue
            meant = next((k for k in known if str(key).strip().lower() == k), None)
            if meant:
                self.error((*path, key), f"key '{self.written_key(path, key)}'{where} must "
                           f"be written '{meant}' (as written it would be ignored)")
            else:
                self.warn((*path, key), f"unknown key '{self.written_key(path, key)}'{where} "
                          "(ignored; a typo?)")

    def written_key(self, path: tuple[Any, ...], key: Any) -> Any:
        """A key as the file spells it where YAML reads it as true or false: ``yes``, not
        ``True``."""
        return self.doc.written_keys.get((*path, key), key)

    def error(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(self.doc.shown, self.doc.line(*path), message))

    def warn(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(warning(self.doc.shown, self.doc.line(*path), message))

    def value(self, path: tuple[Any, ...], check: _Check, required: bool = False,
              default: Any = None, where: dict[Any, Any] | None = None) -> Any:
        """The checked value at ``path``; problems are recorded, never raised."""
        mapping = self.doc.meta if where is None else where
        name = path[-1]
        label = ".".join(str(p) for p in path if not isinstance(p, int)) or str(name)
        if name in mapping and mapping[name] is None and check is _bool:
            # "public:" left empty: neither yes nor no (a closed item must never pass as open)
            self.error(path, f"'{label}' is empty: write true or false")
            return default
        if name not in mapping or mapping[name] is None:
            if required:
                self.error(path[:-1] or (), f"missing required key '{label}'")
            return default
        raw = mapping[name]
        if raw is UNPARSED:
            return default
        value, message = check(raw)
        if message:
            self.error(path, f"'{label}' {message}")
            return default
        if required and value == "":  # "" or spaces: a page without a title, a link to nothing
            self.error(path, f"'{label}' is empty")
            return default
        return value

    def items(self, path: tuple[Any, ...], where: dict[Any, Any] | None = None) -> list[Any]:
        """A list value (a single value counts as a list of one)."""
        mapping = self.doc.meta if where is None else where
        value = mapping.get(path[-1])
        if value is None or value is UNPARSED:
            return []
        return value if isinstance(value, list) else [value]

    def mapping(self, path: tuple[Any, ...], where: dict[Any, Any] | None = None) -> dict | None:
        mapping = self.doc.meta if where is None else where
        value = mapping.get(path[-1])
        if value is None or value is UNPARSED:
            return None
        if not isinstance(value, dict):
            self.error(path, f"'{path[-1]}' must be a mapping of keys to values")
            return None
        return value

    def texts(self, path: tuple[Any, ...]) -> tuple[Ref, ...]:
        """A list of texts (topics, related, aliases); one text with commas is likely
        meant as several."""
        single = self.doc.meta.get(path[-1])
        if isinstance(single, dict):  # one message, not also one for its items as texts
            self.error(path, f"'{path[-1]}' must be a list")
            return ()
        if isinstance(single, str) and "," in single:
            listed = ", ".join(part.strip() for part in single.split(","))
            self.warn(path, f"'{path[-1]}' is one text with a comma: for several, write a "
                      f"list in brackets, [{listed}]")
        found = []
        for i, item in enumerate(self.items(path)):
            value = self.value((*path, i), _text, where={i: item})
            if value:
                found.append(Ref(value, self.doc.line(*path, i)))
        return tuple(found)

    def markdown(self, path: tuple[Any, ...]) -> Markup:
        return self.rendered(self.value(path, _text, default="") or "", self.doc.line(*path),
                             in_value=path)

    def rendered(self, text: str, line: int, shift_headings: int = 2,
                 in_value: tuple[Any, ...] = (), inline: bool = False) -> Markup:
        """Markdown to HTML; text Markdown cannot render is an error at its line (the
        body's line, or the key's for the text of a value at the path ``in_value``, whose
        footnotes are then named by it)."""
        notes = "-".join(slugify(str(key)) for key in in_value)
        try:
            html = render_inline(text, notes) if inline else render_markdown(
                text, shift_headings=shift_headings, notes=notes)
        except TooComplex as e:
            self.problems.append(Problem(self.doc.shown, line + (0 if in_value else e.line - 1),
                                         str(e)))
            return Markup("")
        for href in local_links(html):
            at = text.find(href)  # as written, or else the text's first line
            self.links.append(Link(href, line if in_value or at < 0
                                   else line + text.count("\n", 0, at)))
        if image := IMAGE.search(text):
            self.problems.append(warning(
                self.doc.shown, line if in_value else line + text.count("\n", 0, image.start()),
                "an image in the text is not shown (pages show no images from texts): list "
                "its file under 'attachments', where it is linked"))
        return html


# --- the records -------------------------------------------------------------------------

RESOLUTION_KEYS = {
    "reference", "title", "date", "public", "status", "type", "topics", "submitter",
    "department", "resolution", "consultations", "finance", "signed", "issued", "attachments",
    "related", "aliases", "details",
}
CONSULTATION_KEYS = {
    "committee", "date", "role", "agenda_item", "result", "outcome", "public", "votes",
    "unanimous",
}
SESSION_KEYS = {
    "committee", "date", "number", "title", "start", "end", "location", "public", "agenda",
}
COMMITTEE_KEYS = {"name", "short", "description"}
TOPIC_KEYS = {"name", "description"}
DEFAULT_TYPE = "Beschlussvorlage"
LEAD_LENGTH = 240  # characters of plain text kept for descriptions (meta.py cuts at 200)


def named_reference(doc: RawDocument) -> str:
    """The reference a resolution file gives, read as a valid file's is ("" for none)."""
    value, message = _text(doc.meta.get("reference") if doc.meta else None)
    return "" if message else value


def listed_references(doc: RawDocument, key: str) -> tuple[Ref, ...]:
    """The references a file with errors lists under ``key`` (aliases, related, agenda),
    read as a valid file's are; their own problems are reported by the file's check."""
    return _Fields(doc, set()).texts((key,)) if doc.meta else ()


def _reference(fields: _Fields, path: tuple[Any, ...], value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        fields.error(path, f"'reference' {value!r} is read by YAML as a number: quote it "
                     f"(reference: \"...\")")
        return None
    return fields.value(path, _text, required=True)


def _consultation(fields: _Fields, i: int, raw: Any) -> Consultation | None:
    path = ("consultations", i)
    if not isinstance(raw, dict):
        fields.error(path, "a consultation must be a mapping (committee, date, …)")
        return None
    fields.unknown_keys(path, raw, CONSULTATION_KEYS, " in consultation")

    def get(key: str, check: _Check, required: bool = False, default: Any = None) -> Any:
        return fields.value((*path, key), check, required, default, where=raw)

    committee, date = get("committee", _text, True), get("date", _date, True)
    result = get("result", _text, default="")
    outcome = get("outcome", _text)
    if outcome is not None and outcome not in OUTCOMES:
        fields.error((*path, "outcome"), f"'outcome' must be one of {', '.join(OUTCOMES)}")
    if outcome is None and result:
        outcome = outcome_of(result)
        if outcome is None:
            fields.warn((*path, "result"), f"result '{result}' maps to no outcome: it counts "
                        f"as 'other' (set 'outcome' to say which)")
            outcome = "other"
    votes = None
    if (counts := fields.mapping((*path, "votes"), where=raw)) is not None:
        for key in counts:
            if key not in VOTE_KEYS:
                hint = " (YAML reads yes/no as true/false: use for/against)" \
                    if isinstance(key, bool) else ""
                fields.error((*path, "votes", key), f"unknown vote key "
                             f"'{fields.written_key((*path, 'votes'), key)}'{hint}; "
                             f"allowed: {', '.join(VOTE_KEYS)}")
        values = [fields.value((*path, "votes", k), _count, where=counts) for k in VOTE_KEYS]
        votes = Votes(*values) if any(v is not None for v in values) else None  # {}: none
    unanimous = get("unanimous", _bool)
    if unanimous and votes and votes.no:
        fields.warn((*path, "unanimous"), f"'unanimous' is true, but {votes.no} voted "
                    "against: one of the two is wrong (abstentions may be recorded, "
                    "votes against not)")
    consultation = Consultation(  # every key checked, whatever else is wrong
        committee=committee, date=date, role=get("role", _text, default=""),
        agenda_item=get("agenda_item", _agenda_item, default=""), result=result,
        outcome=outcome if outcome in OUTCOMES else None, public=get("public", _bool,
                                                                     default=True),
        votes=votes, unanimous=unanimous, line=fields.doc.line(*path),
    )
    return consultation if committee and date else None


def _labelled(fields: _Fields, key: str) -> tuple[tuple[str, Markup], ...]:
    mapping = fields.mapping((key,)) or {}
    pairs = []
    for label, value in mapping.items():
        if isinstance(value, dict | list):
            fields.error((key, label), f"'{key}.{label}' must be a single value")
            continue
        name = _shown(fields.written_key((key,), label)).strip()  # yes, not True
        if not name:
            fields.error((key, label), f"'{key}' has a value without a label")
            continue
        shown = fields.doc.written.get((key, label)) if isinstance(value, bool) else None
        pairs.append((name, fields.rendered(shown or _shown(value), fields.doc.line(key, label),
                                            in_value=(key, label), inline=True)))
    return tuple(pairs)


def _shown(value: Any) -> str:
    """A label or value of a mapping (YAML gives text, numbers, dates, nothing) as text."""
    if value is None:
        return ""
    if isinstance(value, WrittenFloat):
        return as_value(value.written)  # 1.000 as written, not 1.0
    return as_value(value.isoformat() if isinstance(value, dt.date) else str(value))


MB = 1 << 20  # as the pages show sizes (i18n.size)
ATTACHMENT_LIMIT = 100 * MB  # GitHub refuses a larger file in a push or a Pages site


def _attachments(fields: _Fields, files_dir: Path) -> tuple[Attachment, ...]:
    found = []
    base = files_dir.resolve()
    for i, raw in enumerate(fields.items(("attachments",))):
        path = ("attachments", i)
        if not isinstance(raw, dict):
            fields.error(path, "an attachment must be a mapping {title, file}")
            continue
        fields.unknown_keys(path, raw, ("title", "file"), " in attachment")
        file = fields.value((*path, "file"), _text, required=True, where=raw)
        if not file:
            continue
        title = fields.value((*path, "title"), _text, where=raw) or Path(file).name
        source = (files_dir / file).resolve()
        if not source.is_file():
            source = _spelled_on_disk(files_dir, file).resolve()
        if not source.is_relative_to(base) or Path(file).is_absolute():
            fields.error((*path, "file"), f"attachment '{file}' is outside content/files/")
        elif not source.is_file():
            fields.error((*path, "file"), f"attachment '{file}' not found in content/files/")
        else:
            rel = unicodedata.normalize("NFC", source.relative_to(base).as_posix())
            stat = source.stat()
            if stat.st_size > ATTACHMENT_LIMIT:
                fields.warn((*path, "file"), f"attachment '{file}' is "
                            f"{stat.st_size / MB:.1f} MB, more than GitHub takes in one file "
                            f"({ATTACHMENT_LIMIT // MB} MB): the push or the Pages deploy "
                            "may fail; publish it elsewhere and link it")
            found.append(Attachment(title, rel, source, stat.st_size, file_digest(source)))
    return tuple(found)


def _spelled_on_disk(folder: Path, file: str) -> Path:
    """``folder / file`` as the file system spells it where only the Unicode form of a
    name differs (copied from a Mac, "Ü" is "U" and a combining mark; front matter is read
    composed, see load.as_read); else as given."""
    path = folder
    for part in Path(file).parts:
        if not (path / part).exists():
            wanted = unicodedata.normalize("NFC", part)
            try:
                with os.scandir(path) as entries:
                    part = next((e.name for e in entries
                                 if unicodedata.normalize("NFC", e.name) == wanted), part)
            except OSError:  # not a folder: the file is not found
                pass
        path = path / part
    return path


def _signature(fields: _Fields) -> Signature | None:
    raw = fields.mapping(("signed",))
    if raw is None:
        return None
    fields.unknown_keys(("signed",), raw, ("place", "date", "name", "role"), " in 'signed'")

    def get(key: str, check: _Check) -> Any:
        return fields.value(("signed", key), check, where=raw, default="" if check is _text
                            else None)

    return Signature(get("place", _text), get("date", _date), get("name", _text),
                     get("role", _text))


def _once(refs: tuple[Ref, ...]) -> tuple[Ref, ...]:
    """Each text once, where first written: a topic or paper named twice is one (its
    list would show it, and count it, twice)."""
    first: dict[str, Ref] = {}
    for ref in refs:
        first.setdefault(ref.reference, ref)
    return tuple(first.values())


def parse_resolution(doc: RawDocument, files_dir: Path) -> tuple[Resolution | None, list[Problem]]:
    """Check one resolution file; the record is None when it has errors."""
    if doc.problems and not doc.meta:  # unreadable: nothing more to check
        return None, list(doc.problems)
    f = _Fields(doc, RESOLUTION_KEYS)
    meta = doc.meta
    reference = _reference(f, ("reference",), meta.get("reference"))
    title, date = f.value(("title",), _text, True), f.value(("date",), _date, True)
    public = f.value(("public",), _bool, True)
    status = f.value(("status",), _text)
    if status not in (None, "withdrawn"):
        f.error(("status",), f"'status' can only be 'withdrawn', not '{status}'")
    consultations = [c for i, raw in enumerate(f.items(("consultations",)))
                     if (c := _consultation(f, i, raw))]
    consultations.sort(key=lambda c: c.date)  # stable: ties stay as written
    finance_raw = meta.get("finance")
    finance = _labelled(f, "finance") if isinstance(finance_raw, dict) else f.markdown(("finance",))
    slug = slugify(reference or "")
    if reference and not slug:
        f.error(("reference",), f"reference '{reference}' gives an empty address (slug)")
    decision = f.markdown(("resolution",))
    body = f.rendered(doc.body, doc.body_line)
    lead = (plain_text(decision) or plain_text(body))[:LEAD_LENGTH]
    record = Resolution(
        source=doc.shown, line=doc.line("reference"), reference=reference or "", slug=slug,
        title=title or "", date=date or dt.date.min, public=bool(public),
        withdrawn=status == "withdrawn", type=f.value(("type",), _text) or DEFAULT_TYPE,
        topics=tuple(r.reference for r in _once(f.texts(("topics",)))),
        submitter=f.value(("submitter",), _text, default=""),
        department=f.value(("department",), _text, default=""),
        decision=decision, consultations=tuple(consultations),
        finance=finance, signed=_signature(f), issued=f.value(("issued",), _date),
        attachments=_attachments(f, files_dir), related=_once(f.texts(("related",))),
        aliases=f.texts(("aliases",)), details=_labelled(f, "details"),
        body=body, text=doc.body, lead=lead, digest=doc.digest, links=tuple(f.links),
        topics_line=doc.line("topics"),
    )
    ok = not any(not p.warning for p in f.problems)
    return (record if ok else None), f.problems


def parse_session(doc: RawDocument) -> tuple[SessionFile | None, list[Problem]]:
    """Check one session file."""
    if doc.problems and not doc.meta:  # unreadable: nothing more to check
        return None, list(doc.problems)
    f = _Fields(doc, SESSION_KEYS)
    number = f.value(("number",), _agenda_item, default="")
    body = f.rendered(doc.body, doc.body_line, shift_headings=1)
    record = SessionFile(
        source=doc.shown, line=1, committee=f.value(("committee",), _text, True) or "",
        date=f.value(("date",), _date, True) or dt.date.min, number=number,
        title=f.value(("title",), _text, default=""),
        start=f.value(("start",), _clock, default=""), end=f.value(("end",), _clock, default=""),
        location=f.value(("location",), _text, default=""),
        public=f.value(("public",), _bool, default=True), agenda=f.texts(("agenda",)),
        body=body, digest=doc.digest, links=tuple(f.links),
    )
    ok = not any(not p.warning for p in f.problems)
    return (record if ok else None), f.problems


def parse_description(doc: RawDocument, known: set[str]) -> tuple[Description | None,
                                                                  list[Problem]]:
    """Check one committee or topic file."""
    if doc.problems and not doc.meta:  # unreadable: nothing more to check
        return None, list(doc.problems)
    f = _Fields(doc, known)
    body = f.rendered(doc.body, doc.body_line, shift_headings=1)
    record = Description(
        source=doc.shown, line=doc.line("name"), name=f.value(("name",), _text, True) or "",
        short=f.value(("short",), _text, default="") if "short" in known else "",
        description=f.value(("description",), _text, default=""),
        body=body, digest=doc.digest, links=tuple(f.links),
    )
    ok = not any(not p.warning for p in f.problems)
    return (record if ok else None), f.problems
