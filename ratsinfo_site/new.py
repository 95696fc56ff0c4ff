"""``ratsinfo new``: a resolution file to fill in, not public until someone says so."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from ratsinfo_site.config import SiteConfig
from ratsinfo_site.errors import BuildError, Problem, errors_in
from ratsinfo_site.load import RawDocument, find_documents, read_document, show_path
from ratsinfo_site.model import DEFAULT_TYPE, parse_resolution
from ratsinfo_site.slugs import slugify


def _scalar(value: str | dt.date | bool) -> str:
    """One YAML value: text always double-quoted, so YAML never reads it as a number or date."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return yaml.safe_dump(value, default_style='"', allow_unicode=True,
                          width=float("inf")).rstrip("\n")


def resolution_text(reference: str, title: str, date: dt.date, committee: str | None = None,
                    kind: str | None = None) -> str:
    """The new file: front matter with ``public: false`` and comments on what to do next."""
    lines = [
        "---",
        "# Written by 'ratsinfo new'. Every key is described in docs/content-format.md.",
        f"reference: {_scalar(reference)}",
        f"title: {_scalar(title)}",
        f"type: {_scalar(kind or DEFAULT_TYPE)}",
        f"date: {_scalar(date)}",
        "# Not published while this is false: no page, list entry, search entry or export.",
        "# Switch it to true when the paper may be published.",
        f"public: {_scalar(False)}",
    ]
    if committee:
        lines += [
            "# Beratungsfolge: add role, agenda_item, result and votes when they are known.",
            "consultations:",
            f"  - committee: {_scalar(committee)}",
            f"    date: {_scalar(date)}",
            f"    role: {_scalar('')}",
        ]
    lines += [
        "# The statement of facts (Sachverhalt / Begründung) goes below the closing ---,",
        "# in Markdown.",
        "---",
        "",
    ]
    return "\n".join(lines)


def _names(doc: RawDocument) -> Iterator[tuple[str, int, str]]:
    """The reference and aliases of a resolution file: (kind, line, value)."""
    reference = doc.meta.get("reference")
    if isinstance(reference, str | int | float) and not isinstance(reference, bool):
        yield "reference", doc.line("reference"), str(reference)
    aliases = doc.meta.get("aliases")
    for i, alias in enumerate(aliases if isinstance(aliases, list) else [aliases]):
        if isinstance(alias, str):
            yield "alias", doc.line("aliases", i), alias


def _committees(docs: dict[str, list[RawDocument]]) -> Iterator[tuple[str, str, int]]:
    """Every committee name the archive spells out: (name, path, line)."""
    for doc in docs["resolutions"]:
        consultations = doc.meta.get("consultations")
        for i, c in enumerate(consultations if isinstance(consultations, list) else []):
            if isinstance(c, dict) and isinstance(c.get("committee"), str):
                yield c["committee"].strip(), doc.shown, doc.line("consultations", i, "committee")
    for kind, key in (("sessions", "committee"), ("committees", "name")):
        for doc in docs[kind]:
            if isinstance(doc.meta.get(key), str):
                yield doc.meta[key].strip(), doc.shown, doc.line(key)


def _clashes(config: SiteConfig, reference: str, committee: str | None) -> list[Problem]:
    """A reference (or alias) with the same address, or a committee spelled another way."""
    docs = {kind: [read_document(p, show_path(p, config.root))
                   for p in find_documents(config.content_dir / kind)]
            for kind in ("resolutions", "sessions", "committees")}
    slug = slugify(reference)
    found = [Problem(doc.shown, line, f"{kind} '{value}' exists already" if value == reference
                     else f"{kind} '{value}' has the address '{slug}' that '{reference}' "
                     f"would get")
             for doc in docs["resolutions"] for kind, line, value in _names(doc)
             if slugify(value) == slug]
    if committee:
        for name, path, line in _committees(docs):
            if name != committee and slugify(name) == slugify(committee):
                found.append(Problem(path, line, f"committee '{name}' is written this way "
                                     f"here: use the same spelling instead of '{committee}'"))
                break
    return found


def _readback(config: SiteConfig, text: str, shown: str) -> list[Problem]:
    """What the build will say about the file, checked before it is written."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "new.md")
        path.write_text(text, encoding="utf-8", newline="\n")
        return parse_resolution(read_document(path, shown), config.content_dir / "files")[1]


def new_resolution(config: SiteConfig, reference: str, title: str, date: dt.date | None = None,
                   committee: str | None = None, kind: str | None = None) -> Path:
    """Write ``content/resolutions/<year>/<slug>.md`` (date: today by default); BuildError
    when it cannot."""
    date = date or dt.date.today()
    target = config.content_dir / "resolutions" / str(date.year) / f"{slugify(reference)}.md"
    shown = show_path(target, config.root)
    if target.exists():
        raise BuildError([Problem(shown, 1, "exists already: not overwritten")])
    text = resolution_text(reference, title, date, committee, kind)
    problems = _clashes(config, reference, committee) + _readback(config, text, shown)
    if errors_in(problems):
        raise BuildError(problems)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:  # written by someone else in the meantime
        raise BuildError([Problem(shown, 1, "exists already: not overwritten")]) from None
    return target
