"""Plain-text Beschlussvorlagen (as a council information system prints them) to content files."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ratsinfo_site.errors import Problem, warning
from ratsinfo_site.importers.writer import Flow, Output, document
from ratsinfo_site.slugs import slugify

# Headings (lower case, without the colon) and the part of the paper they start.
SECTIONS = {
    "betreff": "title", "beschluss": "resolution", "beschlussvorschlag": "resolution",
    "beschlusstext": "resolution", "beratungen": "consultations",
    "beratungsfolge": "consultations", "finanzielle auswirkungen": "finance",
    "stellungnahme der kreiskämmerei": "statement", "stellungnahme der kämmerei": "statement",
    "einreicher": "submitter", "einreicherin": "submitter", "federführung": "department",
    "federführend": "department", "dienststelle": "department", "sachverhalt": "body",
    "begründung": "body", "sachverhalt/begründung": "body", "sachverhalt und begründung": "body",
    "ausgefertigt am": "issued",
}
# The items of the "Finanzielle Auswirkungen" form; a filled-in one has its value after it.
FINANCE_LABELS = sorted((
    "Abstimmung mit Kreiskämmerei", "Abstimmung mit Kämmerei",
    "Gesamtkosten der Maßnahme (Beschaffungs-/Herstellungskosten)", "Gesamtkosten der Maßnahme",
    "Einnahmen", "Finanzierung", "Eigenanteil (Eigen- und Fremdmittel)",
    "Objektbezogene Einnahmen (Zuschüsse/Beiträge)", "Veranschlagung", "HH-Jahr",
    "Überplanmäßige Ausgabe", "Außerplanmäßige Ausgabe", "HH-Stelle", "Jährliche Folgekosten",
), key=len, reverse=True)
VOTE_WORDS = {"ja": "for", "nein": "against", "enth": "abstain", "bef": "biased"}

_DATE = r"\d{1,2}\.\s?\d{1,2}\.\s?\d{4}"
_HEADER = re.compile(r"^(?P<type>\S.*?)\s+(?:Nr\.|Nummer)\s*:?\s*(?P<ref>\S.*)?$")
_HEADING = re.compile(r"^(?P<label>[^:\t]{3,40}?)\s*(?::\s*(?P<rest>.*))?$")
_PUBLIC = re.compile(r"^(?P<not>nicht[\s-]?)?öffentlich$", re.IGNORECASE)
_SIGNED = re.compile(rf"^(?P<place>[^\W\d][^,]*?),\s*(?:den\s+)?(?P<date>{_DATE})$")
_ROW = re.compile(rf"^(?P<committee>\S.*?)[\t ]+(?P<date>{_DATE})(?:[\t ]+(?P<votes>.*))?$")
_VOTE = re.compile(r"\b(ja|nein|enth|bef)[a-zäöü.]*\s*:?\s*(\d+)", re.IGNORECASE)

Line = tuple[int, str]


@dataclass
class _Paper:
    """The parts of one text, line by line, and what was said about them."""

    shown: str
    header: Line | None = None
    public: Line | None = None
    sections: dict[str, list[Line]] = field(default_factory=dict)
    starts: dict[str, int] = field(default_factory=dict)
    signed: Line | None = None
    signer: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.problems.append(warning(self.shown, line, message))

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.shown, line, message))

    def text(self, key: str) -> list[Line]:
        return self.sections.get(key, [])


def _date(paper: _Paper, line: int, text: str) -> dt.date | None:
    day, month, year = (int(p) for p in re.split(r"\.\s?", text.strip())[:3])
    try:
        return dt.date(year, month, day)
    except ValueError:
        paper.warn(line, f"'{text}' is not a possible date: left out")
        return None


def _heading(line: str) -> tuple[str, str, str] | None:
    """(section, label, text after the colon) when the line starts a part of the paper."""
    match = _HEADING.match(line)
    key = SECTIONS.get(match["label"].lower()) if match else None
    return (key, match["label"], (match["rest"] or "").strip()) if key and match else None


def _split(paper: _Paper, lines: list[str]) -> None:
    """Sort the lines into the parts of the paper (header, sections, signature)."""
    current: str | None = None
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            if current in paper.sections:
                paper.sections[current].append((number, ""))
        elif paper.header is None and current is None and _HEADER.match(line):
            paper.header = (number, line)
        elif heading := _heading(line):
            key, label, rest = heading
            if key in paper.sections and key != "body":
                paper.warn(number, f"a second '{label}': its text is added to the first")
            paper.starts.setdefault(key, number)
            part = paper.sections.setdefault(key, [])
            if key == "body" and part:  # "Begründung" after "Sachverhalt": keep its heading
                part += [(number, ""), (number, f"**{label}**"), (number, "")]
            if rest:
                part.append((number, rest))
            current = ("signer" if paper.signed else None) if key == "issued" else key
        elif paper.public is None and current not in ("body", "resolution") \
                and _PUBLIC.match(line):
            paper.public = (number, line)
        elif current in ("body", "resolution", None) and _SIGNED.match(line):
            paper.signed, current = (number, line), "signer"
        elif current == "signer":
            paper.signer.append((number, line))
        elif current:
            paper.sections[current].append((number, line))
        else:
            paper.warn(number, f"line not recognised, not imported: '{line[:60]}'")


def _paragraphs(lines: list[Line]) -> str:
    """Lines as Markdown paragraphs; a line that Markdown would take as markup is escaped."""
    blocks, block = [], []
    for _, line in [*lines, (0, "")]:
        if line:
            block.append("\\" + line if line[0] in "#>" else line)
        elif block:
            blocks.append("\n".join(block))
            block = []
    return "\n\n".join(blocks)


def _consultations(paper: _Paper) -> list[dict[str, Any]]:
    """The Beratungen table: committee, date and votes (Ja/Nein/Enth/Bef) per row."""
    found: list[dict[str, Any]] = []
    pending = ""
    for number, line in paper.text("consultations"):
        if not line or (line.lower().startswith("gremi") and "datum" in line.lower()):
            continue
        row = _ROW.match(line)
        if not row:
            paper.warn(number, f"'{line[:60]}' is no row 'Gremium, Datum, Abstimmung': taken "
                       f"as the start of the next row's committee")
            pending = f"{pending} {line}".strip()
            continue
        date = _date(paper, number, row["date"])
        committee, pending = f"{pending} {row['committee']}".strip(), ""
        if date is None:
            continue
        item: dict[str, Any] = {"committee": committee, "date": date}
        votes_text = row["votes"] or ""
        counts = {VOTE_WORDS[w.lower()]: int(n)
                  for w, n in _VOTE.findall(votes_text)}
        rest = _VOTE.sub("", votes_text).strip(" ,;·/")
        if rest:
            item["result"] = rest
            paper.warn(number, f"'{rest}' beside the votes is taken as the result")
        if counts:
            item["votes"] = Flow(counts)
        if "einstimmig" in rest.lower():
            item["unanimous"] = True
        found.append(item)
    if pending:
        paper.warn(paper.starts["consultations"], f"'{pending}' has no date: not imported")
    return found


def _finance(paper: _Paper) -> str | dict[str, str] | None:
    """Filled-in items of the "Finanzielle Auswirkungen" form as label → value."""
    items: dict[str, str] = {}
    first = ""
    for number, raw in paper.text("finance"):
        line = re.sub(r"^\d+\.\s*", "", raw)
        label = next((lab for lab in FINANCE_LABELS if line.lower().startswith(lab.lower())
                      and line[len(lab):len(lab) + 1] in ("", " ", "\t", ":")), None)
        if label:
            value = line[len(label):].strip(" \t:")
            if value:
                items[label] = value
        elif parts := re.split(r"\t+|:\s+|\s{2,}", line, maxsplit=1)[1:]:
            items[line[: len(line) - len(parts[0])].strip(" \t:")] = parts[0].strip()
            paper.warn(number, f"finance item '{line[:60]}' is not on the usual form: "
                       f"imported as written")
        elif line and number == paper.starts["finance"]:
            first = line
        elif line:
            paper.warn(number, f"finance line '{line[:60]}' has no value: not imported")
    statement = " ".join(line for _, line in paper.text("statement") if line)
    if statement:
        items["Stellungnahme der Kreiskämmerei"] = statement
    if first and not items:
        return first
    return {"Finanzielle Auswirkungen": first, **items} if first else items or None


def _signature(paper: _Paper) -> dict[str, Any] | None:
    if paper.signed is None:
        paper.warn(1, "no signature line 'Ort, den TT.MM.JJJJ' found: 'signed' is left out")
        return None
    number, line = paper.signed
    match = _SIGNED.match(line)
    if match is None:  # pragma: no cover - _split only keeps matching lines
        return None
    signed: dict[str, Any] = {"place": match["place"].strip()}
    if date := _date(paper, number, match["date"]):
        signed["date"] = date
    names = [text for _, text in paper.signer]
    if names:
        signed["name"] = names[0]
    if len(names) > 1:
        signed["role"] = names[1]
    if len(names) != 2:
        paper.warn(number, "expected the signer's name and role on two lines after the "
                   f"signature, found {len(names)}" + (": the others are not imported"
                                                       if len(names) > 2 else ""))
    return signed


def _issued(paper: _Paper) -> dt.date | None:
    texts = [(n, line) for n, line in paper.text("issued") if line]
    if not texts:
        return None
    number, line = texts[0]
    match = re.search(_DATE, line)
    if not match:
        paper.warn(number, f"'Ausgefertigt am: {line}' holds no date: not imported")
        return None
    return _date(paper, number, match.group())


def _lines(path: Path, paper: _Paper) -> list[str] | None:
    """The text's lines; None (with an error) when it cannot be read as text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        paper.error(1, f"cannot read: {exc.strerror or exc}")
        return None
    if b"\0" in data[:4096] or data.startswith(b"%PDF"):
        paper.error(1, "not a plain-text file (a PDF or other binary?): save it as text first")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        paper.warn(1, "not UTF-8: read as Windows-1252; check the umlauts")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _header(paper: _Paper) -> tuple[str, str]:
    """Type and reference from the line ``Beschlussvorlage Nr.: 2021/7/014``."""
    match = _HEADER.match(paper.header[1]) if paper.header else None
    if not match or not match["ref"]:
        paper.error(paper.header[0] if paper.header else 1, "no line '<Art> Nr.: "
                    "<Vorlagennummer>' (as 'Beschlussvorlage Nr.: 2021/7/014'): no reference, "
                    "not imported")
        return "", ""
    return match["type"].strip(), match["ref"].strip()


def _joined(paper: _Paper, key: str) -> str:
    return " ".join(line for _, line in paper.text(key) if line)


def _date_of_paper(paper: _Paper, meta: dict[str, Any]) -> dt.date | None:
    """The text has no paper date: the signature date, else the decision's (with a warning)."""
    for source, date in (("signature date", meta.get("signed", {}).get("date")),
                         ("date of the last consultation", max(
                             (c["date"] for c in meta.get("consultations", [])), default=None)),
                         ("'Ausgefertigt am' date", meta.get("issued"))):
        if date:
            paper.warn(paper.signed[0] if paper.signed and source.startswith("sig") else 1,
                       f"the text has no paper date: 'date' is the {source} "
                       f"({date.isoformat()}); correct it if the paper is older")
            return date
    paper.error(1, "no date at all (no signature, consultation or 'Ausgefertigt am' date)")
    return None


def _meta(paper: _Paper) -> dict[str, Any]:
    """The front matter, in the order of the content format's example."""
    kind, reference = _header(paper)
    meta: dict[str, Any] = {"reference": reference, "title": _joined(paper, "title"),
                            "type": kind}
    if not meta["title"]:
        paper.error(paper.starts.get("title", 1), "no 'Betreff:' (title): not imported")
    if paper.public is None:
        paper.warn(1, "no line 'öffentlich' or 'nichtöffentlich': imported as public: false "
                   "(not published); check it and set 'public'")
    public = paper.public is not None and not paper.public[1].lower().startswith("nicht")
    for key, label, value in (
        ("submitter", "Einreicher:", _joined(paper, "submitter")),
        ("department", "", _joined(paper, "department")),
        ("resolution", "Beschluss:", _paragraphs(paper.text("resolution"))),
        ("consultations", "Beratungen:", _consultations(paper)),
        ("finance", "Finanzielle Auswirkungen", _finance(paper) if "finance" in paper.sections
         or "statement" in paper.sections else None),
        ("signed", "", _signature(paper)),
        ("issued", "Ausgefertigt am:", _issued(paper)),
    ):
        if value:
            meta[key] = value
        elif label and key not in paper.sections:
            paper.warn(1, f"no '{label}' in the text: '{key}' is left out")
    date = _date_of_paper(paper, meta)
    return {**{k: meta[k] for k in ("reference", "title", "type")}, "date": date,
            "public": public, **{k: v for k, v in meta.items() if k not in ("reference",
                                                                            "title", "type")}}


def convert(path: Path, shown: str) -> tuple[Output | None, list[Problem]]:
    """One text file to one resolution file; None when the text has errors."""
    paper = _Paper(shown)
    lines = _lines(path, paper)
    if lines is None:
        return None, paper.problems
    _split(paper, lines)
    meta = _meta(paper)
    if "body" not in paper.sections:
        paper.warn(1, "no 'Sachverhalt:' in the text: the file has no body")
    if any(not p.warning for p in paper.problems):
        return None, paper.problems
    source = "signature" if meta["date"] == meta.get("signed", {}).get("date") else "decision"
    results = any("result" in c for c in meta.get("consultations", []))
    missing, keys = ("roles", "'role'") if results else ("roles or results", "'role' and 'result'")
    comments = [
        f"Imported by 'ratsinfo import-text' from {path.name}.",
        f"The text names no topics and no {missing} of the consultations:",
        f"add 'topics', and {keys} to each consultation, where known.",
        f"'date' is the {source} date (the text has no paper date): check it.",
    ]
    rel = f"resolutions/{meta['date'].year}/{slugify(meta['reference'])}.md"
    text = document(meta, _paragraphs(paper.text("body")), comments)
    return Output(rel, (shown, paper.header[0] if paper.header else 1), text=text), \
        paper.problems
