"""Atomic output: everything goes to a temporary folder that replaces ``public/`` at the end."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from pathlib import Path
from types import TracebackType

from ratsinfo_site.files import link_or_copy


class OutputWriter:
    """Writes each path once into a temporary folder beside the output folder."""

    def __init__(self, final: Path):
        self.final = final
        self.path = final.parent / f".{final.name}.tmp-{os.getpid()}"
        self._written: set[str] = set()
        self._folders: set[str] = set()  # made already: no mkdir call per file

    def __enter__(self) -> OutputWriter:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        recover(self.final)
        for stale in self.final.parent.glob(f".{self.final.name}.*-*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.path.mkdir()
        return self

    def __exit__(self, kind: type | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self._swap()
        else:
            shutil.rmtree(self.path, ignore_errors=True)

    def target(self, rel: str) -> Path:
        """Reserve ``rel`` (each path is written once) and return where it goes.

        The check is by name: the folder is new and only this writer makes folders and
        files in it (hard links and copies, never symlinks), so nothing can lead outside.
        """
        if rel in self._written:
            raise ValueError(f"output path written twice: {rel}")
        parts = rel.split("/")
        if rel.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\0" in rel:
            raise ValueError(f"output path outside the output folder: {rel}")
        self._written.add(rel)
        folder = "/".join(parts[:-1])
        if folder and folder not in self._folders:
            (self.path / folder).mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        return self.path / rel

    def data(self, rel: str, content: bytes) -> None:
        self.target(rel).write_bytes(content)

    def copy(self, rel: str, source: Path) -> None:
        shutil.copyfile(source, self.target(rel))

    def link(self, rel: str, source: Path) -> None:
        """Take an unchanged file over from the previous output (a hard link, else a copy)."""
        link_or_copy(source, self.target(rel))

    def _swap(self) -> None:
        old = self.final.parent / f".{self.final.name}.old-{os.getpid()}"
        if self.final.exists() and _exchange(self.path, self.final):
            os.replace(self.path, old)  # the temporary name now holds the old output
            _remove_later(old)
            return
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(self.path, self.final)
        _remove_later(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported.

    With it there is no moment without an output folder, even if the build is killed.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def recover(final: Path) -> None:
    """After a build killed between two renames: bring the previous output back."""
    if final.exists():
        return
    olds = sorted(final.parent.glob(f".{final.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if olds:
        os.replace(olds[-1], final)


def _remove_later(folder: Path) -> None:
    """Delete the old output in a detached process: the new one is already in place.

    Deleting tens of thousands of files takes seconds that a rebuild need not wait for;
    a leftover (e.g. after a power cut) is removed by the next build's clean-up.
    """
    if not folder.exists():
        return
    try:
        subprocess.Popen(["rm", "-rf", "--", str(folder)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
