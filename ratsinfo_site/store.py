"""The long texts of resolutions kept on disk, not in memory, while a build runs.

A resolution's record holds a handle of a few bytes for its text, decision and body; the
text is read back when a page or an export needs it. So the memory of the build does not
grow with the words of the archive, and the record cache stays small. There is one file
per source file, named by the digests of the source and of the code (see ``TextStore``).
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from markupsafe import Markup


class StoredText:
    """Plain text (e.g. Markdown source) on disk: ``str()`` reads it, never marked safe."""

    __slots__ = ("path", "start", "end")

    def __init__(self, path: str, start: int, end: int):
        self.path, self.start, self.end = path, start, end

    def __str__(self) -> str:
        with open(self.path, "rb") as handle:
            handle.seek(self.start)
            return handle.read(self.end - self.start).decode("utf-8")

    def __bool__(self) -> bool:
        return self.end > self.start

    def _key(self) -> tuple[str, int, int]:
        return self.path, self.start, self.end

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._key() == self._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:  # the file's name is a digest of what it was made from
        return f"{type(self).__name__}({Path(self.path).name!r}, {self.start}, {self.end})"

    def __getstate__(self) -> tuple[str, int, int]:
        return self._key()

    def __setstate__(self, state: tuple[str, int, int]) -> None:
        self.path, self.start, self.end = state

    def exists(self) -> bool:
        return os.path.isfile(self.path)


class StoredMarkup(StoredText):
    """Sanitised HTML on disk: Jinja2 prints it as markup, like ``Markup``."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)

    def striptags(self) -> str:
        return Markup(str(self)).striptags()


class TextStore:
    """A folder with one file per source file: the texts made from it, one after another.

    A file's name is a digest of the source's digest and of ``salt`` (the code's digest),
    so a name always stands for the same bytes and an existing file is never written again.
    """

    def __init__(self, folder: Path, salt: str = ""):
        self.folder = folder
        self.salt = salt

    def put(self, digest: str, *texts: str) -> list[tuple[str, int, int]]:
        """Store the texts made from the source with ``digest``; (path, start, end) of each."""
        name = hashlib.sha256(f"{self.salt}:{digest}".encode()).hexdigest()[:40]
        path = self.folder / f"{name}.txt"
        data = [str(text).encode("utf-8") for text in texts]
        try:  # a file cut short or overwritten (a damaged cache) is written again
            whole = path.stat().st_size == sum(map(len, data))
        except OSError:
            whole = False
        if not whole:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(b"".join(data))
            os.replace(tmp, path)
        places, start = [], 0
        for chunk in data:
            places.append((str(path), start, start + len(chunk)))
            start += len(chunk)
        return places

    def prune(self, keep: set[str]) -> None:
        """Remove the files no record names any more (edited or deleted sources)."""
        for path in self.folder.glob("*.txt"):
            if str(path) not in keep:
                path.unlink(missing_ok=True)


@functools.cache
def temporary_store(salt: str = "") -> TextStore:
    """A store for this process only (builds without a cache), removed when it ends."""
    folder = Path(tempfile.mkdtemp(prefix="ratsinfo-texts-"))
    atexit.register(lambda: shutil.rmtree(folder, ignore_errors=True))
    return TextStore(folder, salt)
