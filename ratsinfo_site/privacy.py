"""Warnings about what a public archive should not hold: personal data, Git-tracked secrets."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ratsinfo_site.errors import Problem, warning
from ratsinfo_site.load import RawDocument, show_path

# --- what personal data looks like ---------------------------------------------------
# Each pattern starts with a plain character class, so the regex engine can skip ahead to
# candidates quickly (a leading look-behind would be tried at every position of the text).

# At most 64 characters before the "@" (RFC 5321's limit): unbounded, each position of a
# long word was scanned to its end for an "@" (a 1 MB word, then an "@": 50 minutes).
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")

# German numbers: +49 361 …, 0049 (0)361 …, (0361) …, 0361 / …, 0171-…; 7 to 15 digits.
# The first character is matched, then each form says which one it needs.
_PHONE = re.compile(r"""
    [+(0](?<![\w/.,+-][+(0])(?<!\d\ [+(0])       # not inside a longer number (an IBAN)
    (?:(?<=\+)\s?49\s?(?:\(0\)\s?)?[1-9]\d{1,4}   # +49 (0)361
      |(?<=0)049\s?(?:\(0\)\s?)?[1-9]\d{1,4}      # 0049 361
      |(?<=\()0[1-9]\d{1,4}\)                     # (0361)
      |(?<=0)[1-9]\d{1,4})                        # 0361
    (?P<sep>\ ?[/-]\ ?|\ )?
    \d(?:[\ -]?\d)*
    (?![\w/]|[.,]\d)
""", re.VERBOSE)
_MOBILE = ("015", "016", "017")
_YEAR = re.compile(r"19[5-9]\d|20\d\d")

_IBAN = re.compile(r"[A-Z][A-Z]\d\d(?<![A-Za-z0-9]....)(?: ?[A-Z0-9]){11,30}(?![a-z0-9])")
_IBAN_LENGTHS = {
    "DE": 22, "AT": 20, "CH": 21, "LI": 21, "NL": 18, "BE": 16, "LU": 20, "FR": 27, "IT": 27,
    "ES": 24, "PL": 28, "CZ": 24, "DK": 18, "GB": 22, "IE": 22, "SE": 24, "NO": 15, "FI": 18,
}

_MONTHS = ("Januar|Jänner|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|"
           "November|Dezember")
_BIRTH = re.compile(
    r"[gG](?<!\w[gG])(?:eb\.|eboren|eburtsdatum|eburtstag|eb\.-Dat(?:um|\.))\s*(?::\s*|am\s+)?"
    rf"(?:\d{{1,2}}\.\s?\d{{1,2}}\.\s?(?:19|20)?\d{{2}}(?!\d)|\d{{1,2}}\.\s?(?:{_MONTHS})\s+"
    r"\d{4}|(?:19|20)\d{2}-\d{2}-\d{2})")

_SUFFIXES = ("straße", "strasse", "str.", "weg", "gasse", "platz", "allee", "ring", "damm",
             "ufer", "chaussee", "steig", "stieg", "pfad", "markt", "graben", "anger", "wall",
             "promenade", "zeile")
_SUFFIX = "|".join(re.escape(s) for s in _SUFFIXES)
_CAP = r"[A-ZÄÖÜ][\wäöüß]*"
# Words before a street's last word: Lange, Alte Leipziger, Am, Sankt (not any noun).
_NAME_WORD = r"(?:[A-ZÄÖÜ][\wäöüß]*(?:e|er|es|en|em)|Am|Im|Zum|Zur|Beim|Alt|Neu|Sankt|St\.)"
_HOUSE = r"\d{1,3}[a-zA-Z]?(?:\s?[-–/]\s?\d{1,3}[a-zA-Z]?)?(?!\w|[.,]\d)"
_PREPOSITIONS = ("Am", "An der", "An den", "Auf dem", "Auf der", "Im", "In der", "In den", "Zum",
                 "Zur", "Unter den", "Hinter dem", "Hinter der", "Vor dem", "Bei der", "Beim")
_OF = ("Straße", "Strasse", "Platz", "Allee", "Weg", "Ring")
_STREET = re.compile(
    rf"(?<![\w-])(?:"
    # Hauptstraße 12, Lange Straße 7, Karl-Marx-Str. 3, Am Markt 3a, Markt 8
    rf"(?P<street>(?:{_NAME_WORD}[ -]){{0,2}}(?:[A-ZÄÖÜ][\wäöüß-]*?)?(?i:{_SUFFIX}))"
    # Straße der Einheit 3, Platz des Friedens 1
    rf"|(?:{'|'.join(_OF)}) (?:der|des|am|zum|zur) {_CAP}(?: {_CAP})?"
    # An der Wipper 5, Zum Sportplatz 1 (the noun must not be a word of the paper itself)
    rf"|(?:{'|'.join(_PREPOSITIONS)}) (?P<noun>{_CAP})"
    rf") ?{_HOUSE}")
_GAP = re.compile(r" (?=\d)")  # where a house number may follow its street
# Roads are numbered, not addressed: Bundesstraße 85 is no one's home.
_ROADS = ("bundes", "landes", "kreis", "staats", "gemeindeverbindungs", "autobahn")
# A street named by its suffix alone: Markt 8 is an address, Platz 1 a ranking.
_ALONE = {"markt", "anger", "graben", "wall", "damm", "ring"}
_NOT_PLACES = {
    "abschnitt", "absatz", "anhang", "anlage", "artikel", "bauabschnitt", "beschluss", "bereich",
    "buchstabe", "ende", "entgeltgruppe", "fall", "gruppe", "haushaltsjahr", "jahr", "kapitel",
    "los", "monat", "nummer", "paragraf", "paragraph", "phase", "punkt", "quartal", "rahmen",
    "satz", "seite", "sitzung", "stufe", "tagesordnungspunkt", "teil", "top", "vorlage",
    "ziffer", "zuge",
}


@dataclass(frozen=True)
class Finding:
    """One piece of text that looks like personal data."""

    kind: str
    text: str
    start: int


def _iban(candidate: str) -> str | None:
    """The valid IBAN at the start of ``candidate`` as written (with its spaces), or None.

    Known countries have a fixed length (a word after the IBAN is not part of it); for
    others the whole candidate must be the IBAN. The check digits must be right.
    """
    compact = candidate.replace(" ", "")
    length = _IBAN_LENGTHS.get(compact[:2], len(compact))
    iban = compact[:length]
    if len(iban) != length or not 15 <= length <= 34:
        return None
    if int("".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])) % 97 != 1:
        return None
    seen = 0
    for end, ch in enumerate(candidate, 1):
        seen += ch != " "
        if seen == length:
            return candidate[:end]
    return None


def _phone_ok(match: re.Match[str]) -> bool:
    number = match.group()
    if not 7 <= sum(ch.isdigit() for ch in number) <= 15:
        return False
    # "Drucksache 0282/2024": a paper's number and its year, not an area code and a line
    sep = match.group("sep") or ""
    if "/" in sep and _YEAR.fullmatch(number[match.end("sep") - match.start():]):
        return False
    # A 0-prefixed run without a separator may be any file number; mobile numbers excepted.
    plain = number.startswith("0") and not number.startswith("0049")
    return not plain or match.group("sep") is not None or number.startswith(_MOBILE)


def _street_ok(match: re.Match[str]) -> bool:
    street = match.group("street")
    if street is not None:
        words = street.lower().split()
        if words[-1].startswith(_ROADS) or (len(words) == 1 and words[0] in _SUFFIXES
                                            and words[0] not in _ALONE):
            return False
    noun = match.group("noun")
    return noun is None or noun.lower() not in _NOT_PLACES


def _may_be_street(words: list[str]) -> bool:
    """Whether the words before a number could end in a street name (cheap pre-check)."""
    if words[-1].lower().endswith(_SUFFIXES):
        return True
    two, three = " ".join(words[-2:-1]), " ".join(words[-3:-1])
    return two in _PREPOSITIONS or three in _PREPOSITIONS or (
        len(words) >= 3 and words[-3] in _OF)


def _streets(text: str) -> Iterator[re.Match[str]]:
    """Street addresses; the full pattern runs only near a number after a likely street."""
    seen: set[int] = set()
    for gap in _GAP.finditer(text):
        at = gap.start()
        words = text[max(0, at - 60):at].split()
        if not words or not _may_be_street(words):
            continue
        for m in _STREET.finditer(text, max(0, at - 60), at + 16):
            if m.start() <= at < m.end() and m.start() not in seen and _street_ok(m):
                seen.add(m.start())
                yield m


_NEEDED = re.compile(r"[\d@]")  # every pattern above needs a digit, an address its "@"


def _raw_findings(text: str) -> Iterator[Finding]:
    if not _NEEDED.search(text):
        return
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield Finding("e-mail address", m.group(), m.start())
    for m in _PHONE.finditer(text):
        if _phone_ok(m):
            yield Finding("phone number", m.group(), m.start())
    for m in _IBAN.finditer(text):
        if iban := _iban(m.group()):
            yield Finding("IBAN", iban, m.start())
    for m in _BIRTH.finditer(text):
        yield Finding("date of birth", m.group(), m.start())
    for m in _streets(text):
        yield Finding("street address", m.group(), m.start())


def _folded(text: str, kind: str) -> str:
    if kind in ("phone number", "IBAN"):
        return re.sub(r"[^0-9a-z]", "", text.casefold())
    return " ".join(text.casefold().split())


def _contains(outer: str, inner: str) -> bool:
    """``inner`` in ``outer``, not as a piece of a longer word or number."""
    if not inner:
        return False
    left = r"(?<!\w)" if inner[0].isalnum() else ""
    right = r"(?!\w)" if inner[-1].isalnum() else ""
    return re.search(left + re.escape(inner) + right, outer) is not None


def _allowed(finding: Finding, allow: Sequence[str]) -> bool:
    hit = _folded(finding.text, finding.kind)
    for entry in allow:
        known = _folded(entry, finding.kind)
        if finding.kind in ("phone number", "IBAN"):
            if known and (known == hit or (len(known) >= 7 and known in hit)):
                return True
        elif _contains(hit, known) or _contains(known, hit):
            return True
    return False


def find_personal_data(text: str, allow: Sequence[str] = ()) -> list[Finding]:
    """What in ``text`` looks like personal data, in text order; ``allow`` silences hits.

    An allow entry silences a hit that contains it or that it contains (``Markt 8`` silences
    ``Am Markt 8``); phone numbers and IBANs are compared by their digits and letters;
    ``@example.org`` allows every address of that domain.
    """
    return sorted({f for f in _raw_findings(text) if not _allowed(f, allow)},
                  key=lambda f: (f.start, f.kind))


# --- where public text stands ----------------------------------------------------------

_LABELLED = ("details", "finance")  # their labels are shown too


def _strings(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every text in a front-matter value with its key path; labels of mappings too."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            if len(path) == 1 and path[0] in _LABELLED and isinstance(key, str):
                yield (*path, key), key
            yield from _strings(item, (*path, key))


def _published_fields(kind: str, meta: dict[Any, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """The texts of a public document that reach the output (closed items do not)."""
    for key, value in meta.items():
        if kind == "resolutions" and key == "consultations" and isinstance(value, list):
            for i, item in enumerate(value):
                if not (isinstance(item, dict) and item.get("public") is False):
                    yield from _strings(item, (key, i))
        else:
            yield from _strings(value, (key,))


def is_published(kind: str, doc: RawDocument) -> bool:
    """Whether a document's text can reach the output: it is not ``public: false``."""
    public = doc.meta.get("public")
    return public is True if kind == "resolutions" else public is not False


@dataclass(frozen=True)
class PersonalData:
    """Text of a public document that looks like personal data, and where it stands."""

    path: str
    line: int
    kind: str
    text: str

    def problem(self) -> Problem:
        return warning(self.path, self.line, f"looks like personal data ({self.kind} "
                       f"'{self.text}') in public text: private persons must not be named; if "
                       f"it is an official address, add it to privacy_allow in site.toml")


class _Lines:
    """The exact line of a hit, from the file itself (read only when a hit needs it)."""

    def __init__(self, doc: RawDocument):
        self.doc = doc
        self._lines: list[str] | None = None

    def _has(self, number: int, needle: str) -> bool:
        if self._lines is None:
            try:
                raw = self.doc.path.read_bytes().decode("utf-8-sig", errors="replace")
            except OSError:
                raw = ""
            self._lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return 0 < number <= len(self._lines) and needle in self._lines[number - 1]

    def in_value(self, key_line: int, value: str, text: str) -> int:
        """A hit in a front-matter value: its key's line, or the line of a multi-line value."""
        if "\n" not in value.strip():
            return key_line
        needle = text.split("\n")[0][:20]
        return next((n for n in range(key_line, self.doc.body_line)
                     if self._has(n, needle)), key_line)

    def in_body(self, start: int, text: str) -> int:
        """A hit in the body; the line counted from the body's first line is checked against
        the file, as blank lines after the closing ``---`` may be counted one off."""
        guess = self.doc.body_line + self.doc.body.count("\n", 0, start)
        needle = text.split("\n")[0][:20]
        return next((n for n in (guess, guess + 1, guess - 1) if self._has(n, needle)), guess)


def personal_data(kind: str, doc: RawDocument) -> tuple[PersonalData, ...]:
    """What looks like personal data in a document's published text, before any allow-list.

    Only what can be published is read: resolutions with ``public: true`` (without their
    closed agenda items), sessions not marked ``public: false``, committees and topics.
    """
    if not is_published(kind, doc):
        return ()
    found = []
    lines = _Lines(doc)
    for path, value in _published_fields(kind, doc.meta):
        found += [PersonalData(doc.shown, lines.in_value(doc.line(*path), value, f.text), f.kind,
                               " ".join(f.text.split())) for f in find_personal_data(value)]
    found += [PersonalData(doc.shown, lines.in_body(f.start, f.text), f.kind,
                           " ".join(f.text.split())) for f in find_personal_data(doc.body)]
    return tuple(found)


def privacy_report(found: Iterable[PersonalData], allow: Sequence[str] = ()) -> list[Problem]:
    """The warnings for what was found, less what the allow-list (``privacy_allow``) names."""
    return [item.problem() for item in found
            if not _allowed(Finding(item.kind, item.text, 0), allow)]


def privacy_warnings(docs: Mapping[str, Sequence[RawDocument]],
                     allow: Sequence[str] = ()) -> list[Problem]:
    """Warnings with file and line for personal data in the public text of ``docs``."""
    return privacy_report((item for kind, documents in docs.items() for doc in documents
                           for item in personal_data(kind, doc)), allow)


# --- non-public files in Git -----------------------------------------------------------

def non_public_paths(records: Mapping[str, Sequence[Any]], root: Path) -> list[Path]:
    """Files that must not be published: ``public: false`` resolutions and sessions, and
    attachments that only non-public resolutions list."""
    paths = [root / r.source for kind in ("resolutions", "sessions")
             for r in records.get(kind, ()) if not r.public]
    listed: dict[Path, bool] = {}
    for r in records.get("resolutions", ()):
        for a in r.attachments:
            listed[a.source] = listed.get(a.source, False) or r.public
    return paths + sorted(path for path, public in listed.items() if not public)


def tracked_non_public(paths: Sequence[Path], root: Path) -> list[Problem]:
    """A warning for each of ``paths`` that Git tracks (one ``git ls-files`` call).

    A public repository publishes every tracked file, whatever the build leaves out.
    Nothing is reported when ``root`` is not in a Git work tree or git is missing.
    """
    if not paths:
        return []
    specs = [":(literal)" + show_path(Path(p).absolute(), root.absolute()) for p in paths]
    try:
        listed = subprocess.run(["git", "-c", "core.quotePath=false", "ls-files", "-z", "--",
                                 *specs], cwd=root, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    tracked = {(root / name).resolve() for name in listed.decode("utf-8", "replace").split("\0")
               if name}
    return [warning(show_path(Path(p).absolute(), root.absolute()), 1, "this non-public file is "
                    "tracked by Git: a public repository publishes it, whatever the build "
                    "leaves out (keep the repository private, or 'git rm --cached' the file "
                    "and list it in .gitignore)")
            for p in paths if Path(p).resolve() in tracked]
