"""Atomic output: everything goes to a working folder that replaces ``public/`` at the end.

The working folder is the output before last (the *spare*, ``.public.spare``) when its
manifest is trusted: only what changed since then is written into it, and it is swapped
in whole as before. Files it shares with ``public/`` (hard links) are never written into:
a changed file is unlinked first, so the live output stays as it was until the swap.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import multiprocessing
import os
import shutil
import signal
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from ratsinfo_site.errors import BuildError, Problem
from ratsinfo_site.files import link_or_copy

SPARE = "spare"  # .public.spare: the output before last, reused by the next build


@contextlib.contextmanager
def build_lock(cache_dir: Path, shown: str) -> Iterator[None]:
    """One build of a site at a time: two at once (a second terminal, ``build`` beside
    ``serve``) each took the other's working folder for a stale one and deleted it, and
    shared one cache. The lock is the kernel's (flock): a build killed holds it no longer.
    ``shown`` names the output folder in the error."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / "build.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError([Problem(shown, 1, "another build of this site is running: "
                                      "try again when it has ended")]) from None
        yield


class OutputWriter:
    """Writes each path once into a working folder beside the output folder.

    ``spare`` maps every file of the spare folder (the search index aside, which
    search.py keeps in order) to its digest (see Manifest.outputs) when the spare may be
    reused.
    """

    def __init__(self, final: Path, spare: dict[str, str | None] | None = None,
                 clone: Path | None = None):
        self.final = final
        self.path = final.parent / f".{final.name}.tmp-{os.getpid()}"
        self.spare_path = final.parent / f".{final.name}.{SPARE}"
        self._spare = spare
        self._clone = clone  # holds the files of ``spare`` instead of the spare folder
        self._written: set[str] = set()
        self._folders: set[str] = set()  # made already: no mkdir call per file
        self._existing: set[str] = set()  # files in the reused spare

    def __enter__(self) -> OutputWriter:
        return self.open()

    def __exit__(self, kind: type | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.finish()
        else:
            self.abandon()

    def open(self) -> OutputWriter:
        """Make the working folder (the reused spare when there is one).

        The writer may then go to another process (it pickles): the one that ends the build
        calls ``finish`` or ``abandon``.
        """
        self.final.parent.mkdir(parents=True, exist_ok=True)
        recover(self.final)
        reused = self._clone or self.spare_path
        for stale in self.final.parent.glob(f".{self.final.name}.*-*"):
            if stale != reused:
                shutil.rmtree(stale, ignore_errors=True)
        if self._clone is not None or self._spare is None:
            self._discard_spare()
        if self._spare is not None and reused.is_dir():
            os.replace(reused, self.path)
            self._existing = set(filter(_inside, self._spare))  # the cache is not trusted
            self._folders = {rel[:i] for rel in self._existing
                             for i, c in enumerate(rel) if c == "/"}
        else:
            self._spare = None
            self.path.mkdir()
        return self

    def _discard_spare(self) -> None:
        """The spare folder is not to be used: removed in the background."""
        if self.spare_path.exists():
            old = self.final.parent / f".{self.final.name}.old-{os.getpid()}-spare"
            os.replace(self.spare_path, old)
            _remove_later(old)

    def finish(self) -> None:
        """The working folder becomes the output."""
        self._sweep()
        self._swap()

    def abandon(self) -> None:
        """The build failed: the working folder goes, the output stays as it was."""
        shutil.rmtree(self.path, ignore_errors=True)

    def target(self, rel: str, folder: bool = True) -> Path:
        """Reserve ``rel`` (each path is written once) and return where it goes; its
        folder is made unless ``folder`` is false (the file is then written with
        files.write_file, in the worker that makes it).

        The check is by name: the folder is ours and only this writer makes folders and
        files in it (hard links and copies, never symlinks), so nothing can lead outside.
        A file the spare holds there is removed first (it may share its bytes with
        ``public/``).
        """
        self._reserve(rel)
        path = self.path / rel
        if rel in self._existing:
            path.unlink(missing_ok=True)
            self._existing.discard(rel)
        parent = rel.rpartition("/")[0]
        if folder and parent and parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(parent)
        return path

    def _reserve(self, rel: str) -> None:
        if rel in self._written:
            raise ValueError(f"output path written twice: {rel}")
        if not _inside(rel):
            raise ValueError(f"output path outside the output folder: {rel}")
        self._written.add(rel)

    @property
    def spare_kept(self) -> bool:
        """Whether the working folder is the reused spare."""
        return self._spare is not None

    def keep(self, rel: str, digest: str) -> bool:
        """Keep the spare's file at ``rel`` when it was made from the same (``digest``)."""
        if self._spare is None or self._spare.get(rel) != digest or rel not in self._existing:
            return False
        self._reserve(rel)
        self._existing.discard(rel)
        return True

    def copy(self, rel: str, source: Path) -> None:
        shutil.copyfile(source, self.target(rel))

    def link(self, rel: str, source: Path) -> None:
        """Take an unchanged file over from the previous output (a hard link, else a copy)."""
        link_or_copy(source, self.target(rel))

    def _sweep(self) -> None:
        """Remove what the spare held and this build did not write, and emptied folders."""
        emptied = set()
        for rel in self._existing:
            (self.path / rel).unlink(missing_ok=True)
            emptied.add(rel.rpartition("/")[0])
        for folder in sorted(emptied, key=lambda f: -f.count("/")):
            while folder:
                try:
                    (self.path / folder).rmdir()
                except OSError:  # not empty
                    break
                folder = folder.rpartition("/")[0]

    def _swap(self) -> None:
        """The working folder becomes ``public/``; the old output is kept as the spare."""
        if self.final.exists() and _exchange(self.path, self.final):
            os.replace(self.path, self.spare_path)  # the working name now holds the old output
            return
        old = self.final.parent / f".{self.final.name}.old-{os.getpid()}-last"
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(self.path, self.final)
        if old.exists():
            os.replace(old, self.spare_path)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) in this thread to the end of the block, where it comes.

    For a step that makes what only its result can undo: a process started, and its
    result not yet assigned to the name a handler cleans up with. (Where signals cannot
    be held, Windows, there is no fork and so no such process.)
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


class OutputClone:
    """A hard-link copy of the listed outputs of ``final``, made beside it by a forked
    process.

    A rebuild without a spare (the first after a cold build; a CI runner) works in it as
    in a spare: its unchanged files are in place before rendering starts, instead of being
    linked one by one after reading, which the clone overlaps. A process, not a thread:
    a thread's links waited for the interpreter lock that reading holds (reading took
    2.2 s instead of 1.5 at 10,000 resolutions). ``start`` gives None where there is no
    fork.
    """

    def __init__(self, final: Path, files: Iterable[str], folders: Iterable[str]):
        self.path = final.parent / f".{final.name}.clone-{os.getpid()}"
        self._maker = multiprocessing.get_context("fork").Process(
            target=_clone, args=(str(final), str(self.path), list(files), list(folders),
                                 os.getpid()))
        self._maker.start()

    @classmethod
    def start(cls, final: Path, files: Iterable[str], folders: Iterable[str]
              ) -> OutputClone | None:
        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        return cls(final, files, folders)

    def result(self) -> Path | None:
        """The finished clone, or None (nothing is left then)."""
        self._maker.join()
        if self._maker.exitcode != 0:
            shutil.rmtree(self.path, ignore_errors=True)
            return None
        return self.path

    def discard(self) -> None:
        self._maker.terminate()
        self._maker.join()
        shutil.rmtree(self.path, ignore_errors=True)


def _clone(source: str, target: str, files: list[str], folders: list[str],
           parent: int) -> None:
    """Link ``files`` and what ``folders`` hold from ``source`` into a new ``target``;
    exits 1 where that fails (a file gone from the output, or no hard links here), and
    stops when the build that started it has ended."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's (no traceback)
    made: set[str] = set()
    try:
        os.mkdir(target)
        below = [rel for folder in filter(_inside, folders)
                 for rel in _files_below(source, folder)]
        for n, rel in enumerate([*filter(_inside, files), *below]):
            if n % 1024 == 0 and os.getppid() != parent:
                os._exit(1)  # the build was killed: its next one removes the folder
            folder = rel.rpartition("/")[0]
            if folder and folder not in made:
                os.makedirs(os.path.join(target, folder), exist_ok=True)
                made.add(folder)
            os.link(os.path.join(source, rel), os.path.join(target, rel))
    except OSError:
        os._exit(1)


def _files_below(source: str, folder: str) -> Iterator[str]:
    """The files below ``source/folder``, as paths relative to ``source``."""
    for dirpath, _, names in os.walk(os.path.join(source, folder)):
        rel = os.path.relpath(dirpath, source).replace(os.sep, "/")
        yield from (f"{rel}/{name}" for name in names)


def _inside(rel: str) -> bool:
    """Whether a relative path names a place inside the folder, by its name alone."""
    return not rel.startswith("/") and "\0" not in rel and \
        not any(p in ("", ".", "..") for p in rel.split("/"))


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
