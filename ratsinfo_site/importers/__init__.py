"""Importers: other formats (plain-text papers, OParl JSON) to content files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ratsinfo_site.errors import Problem
from ratsinfo_site.importers import oparl, text
from ratsinfo_site.importers.writer import ImportResult, Output, write_outputs

__all__ = ["ImportResult", "import_oparl", "import_text"]


def _shown(path: Path) -> str:
    return path.as_posix()


def import_text(paths: Sequence[Path], out: Path, force: bool = False) -> ImportResult:
    """Plain-text Beschlussvorlagen (files, or folders of ``*.txt``) to resolution files."""
    outputs: list[Output] = []
    problems: list[Problem] = []
    for given in paths:
        files = sorted(given.rglob("*.txt")) if given.is_dir() else [given]
        if not files:
            problems.append(Problem(_shown(given), 1, "folder holds no .txt file"))
        for path in files:
            output, found = text.convert(path, _shown(path))
            problems += found
            if output:
                outputs.append(output)
    return write_outputs(out, outputs, force, problems)


def import_oparl(paths: Sequence[Path], out: Path, force: bool = False) -> ImportResult:
    """OParl 1.0/1.1 JSON (files, or folders of ``*.json``) to resolution, session and
    committee files."""
    outputs, problems = oparl.convert(paths)
    return write_outputs(out, outputs, force, problems)
