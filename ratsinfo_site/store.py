"""The long texts of resolutions kept on disk, not in memory, while a build runs.

A resolution's record holds a handle of a few bytes for its text, decision and body; the
text is read back when a page or an export needs it. So the memory of the build does not
grow with the words of the archive, and the record cache stays small. Files are named by
the digest of their text, so equal texts share one file and writers never collide.
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

    __slots__ = ("path", "length")

    def __init__(self, path: str, length: int):
        self.path = path
        self.length = length

    def __str__(self) -> str:
        with open(self.path, encoding="utf-8") as handle:
            return handle.read()

    def __bool__(self) -> bool:
        return self.length > 0

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.path == self.path  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self.path)

    def __repr__(self) -> str:  # the path names the digest of the text
        return f"{type(self).__name__}({Path(self.path).name!r})"

    def __getstate__(self) -> tuple[str, int]:
        return self.path, self.length

    def __setstate__(self, state: tuple[str, int]) -> None:
        self.path, self.length = state

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
    """A folder of texts named by their digest."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _put(self, text: str) -> tuple[str, int]:
        data = text.encode("utf-8")
        name = hashlib.sha256(data).hexdigest()
        path = self.folder / name[:2] / f"{name}.txt"
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return str(path), len(text)

    def text(self, text: str) -> StoredText:
        return StoredText(*self._put(text))

    def markup(self, html: str) -> StoredMarkup:
        return StoredMarkup(*self._put(str(html)))

    def prune(self, keep: set[str]) -> None:
        """Remove the texts no record names any more (edited or deleted files)."""
        for path in self.folder.glob("*/*.txt"):
            if str(path) not in keep:
                path.unlink(missing_ok=True)


@functools.cache
def temporary_store() -> TextStore:
    """A store for this process only (builds without a cache), removed when it ends."""
    folder = Path(tempfile.mkdtemp(prefix="ratsinfo-texts-"))
    atexit.register(lambda: shutil.rmtree(folder, ignore_errors=True))
    return TextStore(folder)
