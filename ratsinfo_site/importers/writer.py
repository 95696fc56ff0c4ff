"""Write imported content: Markdown with YAML front matter, all or nothing, no silent overwrite."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ratsinfo_site.errors import Problem, errors_in
from ratsinfo_site.load import read_document
from ratsinfo_site.model import (
    COMMITTEE_KEYS,
    parse_description,
    parse_resolution,
    parse_session,
)


@dataclass(frozen=True)
class Output:
    """One file to write below the content folder: text, or a copy of ``source``."""

    rel: str
    origin: tuple[str, int]
    text: str | None = None
    source: Path | None = None


@dataclass(frozen=True)
class ImportResult:
    """What an import found and wrote (paths relative to the content folder)."""

    problems: tuple[Problem, ...]
    written: tuple[str, ...]


class Flow(dict):
    """A mapping written on one line: ``votes: {for: 9, against: 0}``."""


class _Block(str):
    """Text of several lines, written as a literal block (``|``)."""


class _Quoted(str):
    """One line of text, always double-quoted (``reference: "2021/7/014"``)."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the loader refuses anchors and aliases


_Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:str", str(v), style='"'))
_Dumper.add_representer(_Block, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:str", str(v), style="|"))
_Dumper.add_representer(Flow, lambda d, v: d.represent_mapping(
    "tag:yaml.org,2002:map", dict(v), flow_style=True))


def _prepared(value: Any) -> Any:
    """Every text value quoted (or a block), so YAML never reads it as a number or date."""
    if isinstance(value, Flow):
        return Flow({k: _prepared(v) for k, v in value.items()})
    if isinstance(value, dict):
        return {k: _prepared(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_prepared(v) for v in value]
    if isinstance(value, str):
        lines = [line.rstrip() for line in value.strip("\n").split("\n")]
        return _Block("\n".join(lines) + "\n") if len(lines) > 1 else _Quoted(lines[0])
    return value


def document(meta: dict[str, Any], body: str = "", comments: Sequence[str] = ()) -> str:
    """A content file: ``---``, comment lines, the front matter, ``---``, the body."""
    front = yaml.dump(_prepared(meta), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                      width=float("inf"), default_flow_style=False)
    notes = "".join(f"# {line}\n".replace("# \n", "#\n") for line in comments)
    text = f"---\n{notes}{front}---\n"
    return f"{text}\n{body.strip()}\n" if body.strip() else text


def _readback(path: Path, shown: str, kind: str, files_dir: Path) -> list[Problem]:
    """What the build will say about a written file (its errors and warnings)."""
    doc = read_document(path, shown)
    if kind == "resolutions":
        return parse_resolution(doc, files_dir)[1]
    if kind == "sessions":
        return parse_session(doc)[1]
    if kind == "committees":
        return parse_description(doc, COMMITTEE_KEYS)[1]
    return list(doc.problems)


MAX_NAME_BYTES = 255  # of one file name, on the common file systems


def write_outputs(out_dir: Path, outputs: Sequence[Output], force: bool,
                  problems: Sequence[Problem] = ()) -> ImportResult:
    """Write every output, or none when there is an error (an existing file without force)."""
    found = list(problems)
    seen: dict[str, tuple[str, int]] = {}
    for o in outputs:
        if o.rel in seen:
            other = "{}:{}".format(*seen[o.rel])
            found.append(Problem(*o.origin, f"would write {o.rel} twice (also from {other}): "
                                 f"give each a different reference or name"))
        seen[o.rel] = o.origin
        name = o.rel.rsplit("/", 1)[-1]
        if len(name.encode()) > MAX_NAME_BYTES:
            found.append(Problem(*o.origin, f"would write a file name of {len(name):,} "
                                 f"characters ('{name[:40]}…'), more than a file system "
                                 "holds: shorten the reference, name or file name"))
            continue
        target = out_dir / o.rel
        if target.exists() and not force:
            found.append(Problem(str(target), 1, "exists already: not overwritten "
                                 "(--force replaces it)"))
    if errors_in(found):
        return ImportResult(tuple(found), ())
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".import-{os.getpid()}"
    try:
        for o in outputs:
            path = staging / o.rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if o.source is not None:
                shutil.copyfile(o.source, path)
            else:
                path.write_text(o.text or "", encoding="utf-8", newline="\n")
        for o in outputs:
            if o.rel.endswith(".md"):
                found += _readback(staging / o.rel, str(out_dir / o.rel),
                                   o.rel.split("/", 1)[0], staging / "files")
        if errors_in(found):
            return ImportResult(tuple(found), ())
        for o in outputs:
            (out_dir / o.rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / o.rel, out_dir / o.rel)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ImportResult(tuple(found), tuple(o.rel for o in outputs))

