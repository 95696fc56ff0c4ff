"""Change history of content files, from Git when the content is in a repository."""

from __future__ import annotations

import subprocess
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ratsinfo_site.load import readable

SEPARATOR = "\x1e"


@dataclass(frozen=True)
class Change:
    """One commit that touched a file."""

    commit: str
    date: str
    message: str


def read_history(folder: Path, published: Callable[[Path], bool] = lambda path: True
                 ) -> dict[Path, tuple[Change, ...]]:
    """Every file below ``folder`` with the commits that touched it, newest first.

    One ``git log`` for the whole folder (not one per file); renames are followed. A commit
    that also touched a file that is not ``published`` keeps its date but not its message:
    a message may speak of a non-public paper. Returns an empty mapping when ``folder`` is
    not in a Git work tree or git is missing.
    """
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder,
                             capture_output=True, text=True, check=True).stdout.strip()
        # bytes: a file name or a message need not be UTF-8 (names decode as Python's
        # paths do, so that they match the files; messages get U+FFFD for what is not)
        log = subprocess.run(
            ["git", "-c", "core.quotePath=false", "log", "-M", "--name-status", "--date=short",
             f"--format={SEPARATOR}%H%x1f%ad%x1f%s", "--", "."],
            cwd=folder, capture_output=True, check=True).stdout.decode(errors="surrogateescape")
    except (OSError, subprocess.CalledProcessError):
        return {}
    root = Path(top)
    history: dict[str, list[Change]] = defaultdict(list)
    current_name: dict[str, str] = {}  # a path in an older commit → its name today
    for block in log.split(SEPARATOR)[1:]:
        header, _, files = block.partition("\n")
        commit, date, message = header.split("\x1f", 2)
        message = readable(message)
        touched = []
        for line in files.splitlines():
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            status, old = parts[0], parts[1]
            new = parts[2] if status.startswith(("R", "C")) and len(parts) > 2 else old
            today = current_name.get(new, new)
            touched.append((today, old))
            if status.startswith("R"):
                current_name[old] = today
        if not all(published((root / name).resolve()) for pair in touched for name in pair):
            message = ""
        change = Change(commit[:12], date, message)
        for today, _ in touched:
            history[today].append(change)
    return {(root / name).resolve(): tuple(changes) for name, changes in history.items()}
