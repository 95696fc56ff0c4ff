"""File-system helpers shared by the stages that write output and keep caches."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def link_or_copy(source: Path, target: Path, symbolic: bool = False) -> None:
    """A hard link to ``source`` (cheap, same bytes), or a symbolic one (which may cross
    file systems; ``source`` absolute), or a copy where links are impossible."""
    try:
        if symbolic:
            target.symlink_to(source)
        else:
            os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def link_pages(site: Path, pages: Iterable[str], folder: Path) -> None:
    """Symbolic links to the pages ``pages`` of the output in ``site``, at the same paths
    below ``folder``, where Pagefind reads them (``folder`` may be on another file system)."""
    site = site.absolute()
    for page in pages:
        target = folder / page
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(site / page, target, symbolic=True)


def file_digest(path: Path | str) -> str:
    """The SHA-256 of a file's bytes, in hex: how an attachment is known (Attachment.digest)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` into a new file at ``path``, making its folder where it is missing.

    For the workers that render pages and make data files: the parent making the 11,635
    page folders of 10,000 resolutions one after another took 4-5 s of a cold build.
    """
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def tree_size(folder: Path | str) -> int:
    """The bytes of the files below ``folder``, links not followed: what a host publishes."""
    total = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                total += tree_size(entry.path)
            else:
                total += entry.stat(follow_symlinks=False).st_size
    return total


# What an unreadable, foreign, half-written or damaged pickle raises: the cache is then not
# used. Any error: random bytes unpickle to anything (MemoryError for a huge length,
# KeyError for an unknown memo, IndexError, OverflowError, …).
_UNPICKLING = (Exception,)
# The first bytes of a cache file: other bytes (a damaged file) are not unpickled at all,
# where CPython's unpickler may print an error of its own for them, even one caught.
_MAGIC = b"ratsinfo-cache\n"


def read_cache(path: Path, key: str) -> Any | None:
    """What ``write_cache`` stored at ``path`` under ``key``; None for another key or none.

    The key is read first, so a cache of other code is never unpickled whole.
    """
    try:
        with open(path, "rb") as handle:
            if handle.read(len(_MAGIC)) != _MAGIC:
                return None
            return pickle.load(handle) if pickle.load(handle) == key else None
    except _UNPICKLING:
        return None


def holds_key(path: Path, key: str) -> bool:
    """Whether ``path`` holds what ``write_cache`` stored under ``key`` (only the key read)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_MAGIC)) == _MAGIC and bool(pickle.load(handle) == key)
    except _UNPICKLING:
        return False


def write_cache(path: Path, key: str, value: Any) -> None:
    """Store ``value`` under ``key``, replacing the file in one step (from any process)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(_MAGIC)
        pickle.dump(key, handle)
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
