"""The content files of a site as found on disk, and the digest of the code that reads them.

Light on purpose: a build with nothing to do needs only these (see build.py).
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from ratsinfo_site.errors import BuildError, Problem, warning
from ratsinfo_site.load import KINDS, document_entries, readable, show_path

PACKAGE = Path(__file__).parent


@dataclass(frozen=True)
class Source:
    """One content file as found on disk."""

    kind: str
    file: str  # its path as found (a Path is made only for the files read)
    shown: str
    size: int
    mtime_ns: int

    @property
    def path(self) -> Path:
        return Path(self.file)


def _folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(os.fsencode(path.relative_to(folder).as_posix()))
                digest.update(path.read_bytes())
    return digest.hexdigest()


# The package does not change while it runs: read once per process, not once per use.
_package_digest = functools.cache(lambda: _folder_digest(PACKAGE))


def code_digest(*folders: Path) -> str:
    """A digest of the package's code, templates and catalogues (and of given folders)."""
    if not folders:
        return _package_digest()
    return hashlib.sha256("".join([_package_digest(), *map(_folder_digest, folders)])
                          .encode()).hexdigest()


def _undecodable(name: str) -> bool:
    """Whether a path holds bytes that are not UTF-8 (kept as surrogates by Python)."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return True
    return False


def find_sources(content_dir: Path, root: Path, unread: list[Problem] | None = None
                 ) -> list[Source]:
    """Every content file, by kind, in a stable order; a warning for each other file in
    the content folders (a resolution saved as "x.MD" would vanish unsaid) goes to
    ``unread`` where it is given.

    A content file that is no plain file (a pipe or a device, which reading would wait on
    or read without end; a link to nothing) or whose name is not UTF-8 (it could be neither
    shown nor written into the outputs) is left out, with an error in ``unread``, so that
    the build reports it with the problems of the other files; without ``unread``, and
    when there is no content folder, BuildError is raised.
    """
    if not content_dir.is_dir():  # a typo would publish an empty archive over the last one
        raise BuildError([Problem(show_path(content_dir, root), 1, "content folder not found "
                                  "(content_dir in site.toml, or --content)")])
    found, irregular, others = [], [], []
    prefix = f"{root}{os.sep}"
    for kind in KINDS:
        for entry in document_entries(content_dir / kind, others):
            name = entry.path
            shown = name[len(prefix):].replace(os.sep, "/") if name.startswith(prefix) \
                else show_path(Path(name), root)  # e.g. content outside the site root
            try:
                stat = entry.stat()
            except OSError as exc:
                what = "a link to nothing" if entry.is_symlink() else exc.strerror
                irregular.append(Problem(readable(shown), 1, f"cannot be read ({what})"))
                continue
            if not S_ISREG(stat.st_mode):
                irregular.append(Problem(readable(shown), 1, "not a plain file (a pipe, a device "
                                         "or a link to one): content must be plain files"))
            elif not name.isascii() and _undecodable(name):
                irregular.append(Problem(readable(shown), 1, "the file name is not UTF-8: "
                                         "rename it"))
            else:
                found.append(Source(kind, name, shown, stat.st_size, stat.st_mtime_ns))
    if unread is None:
        if irregular:
            raise BuildError(irregular)
        return found
    unread += irregular
    unread += [warning(readable(show_path(Path(other), root)), 1,
                       "not read: content files end in '.md'") for other in others]
    return found
