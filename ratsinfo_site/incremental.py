"""What the last build wrote, and from what: unchanged outputs are taken over, not rebuilt."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ratsinfo_site import __version__
from ratsinfo_site.config import SiteConfig
from ratsinfo_site.errors import Problem
from ratsinfo_site.sources import Source, code_digest

MANIFEST = "outputs.json"
SPARE = "spare.json"  # the manifest of the output before last (see write.py)
INPUTS = "inputs.json"  # the inputs' digest and the summary alone: a no-op build reads only it


def site_digest(config: SiteConfig) -> str:
    """Everything every page depends on: code, templates, a site's layouts, settings.

    Pagefind's version counts too: a changed part is re-indexed on top of the last
    build's files, which must come from the same Pagefind.
    """
    settings = (repr(dataclasses.replace(config, problems=())), __version__,
                pagefind_binary()[1], _text_pages(config.content_dir))
    return code_digest(config.layouts_dir) + repr(settings)


def _text_pages(content_dir: Path) -> list[str]:
    """The site's own text pages (imprint, privacy …): every footer links those there are,
    so one added or removed changes every page."""
    folder = content_dir / "pages"
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def pagefind_binary() -> tuple[str | None, str]:
    """The Pagefind binary a build runs, and its fingerprint: path, size, and the version
    of the package that installed it (its time where none did: a fresh CI runner installs
    the same version anew, which must not make every build a cold one).

    Chosen as ``pagefind.service.get_executable`` chooses it (``PAGEFIND_BINARY_PATH``,
    then the packages ``pagefind_bin_extended`` and ``pagefind_bin``, then the PATH), but
    found without importing them or importlib.metadata (~40 ms of a build with nothing to
    do).
    """
    candidates = [os.environ["PAGEFIND_BINARY_PATH"]] if "PAGEFIND_BINARY_PATH" in os.environ \
        else [*_packaged("pagefind_bin_extended"), *_packaged("pagefind_bin"),
              shutil.which("pagefind_extended") or shutil.which("pagefind") or ""]
    for path in filter(None, candidates):
        with contextlib.suppress(OSError):
            stat = os.stat(path)
            return path, f"{path}:{stat.st_size}:{_installed_version(path) or stat.st_mtime_ns}"
    return None, ""


def _installed_version(binary: str) -> str:
    """``pagefind_bin-1.5.2`` for a binary in a package's folder, from the name of the
    package's metadata folder beside it ("" for a binary of no package)."""
    package = Path(binary).parent
    found = sorted(package.parent.glob(f"{package.name}-*.dist-info"))
    return found[-1].name.removesuffix(".dist-info") if found else ""


def _packaged(package: str) -> list[str]:
    """The binaries a ``pagefind_bin`` package may hold, in the order it tries them."""
    spec = importlib.util.find_spec(package)
    folders = (spec.submodule_search_locations or []) if spec else []
    return [os.path.join(folder, name) for folder in folders
            for name in ("pagefind_extended", "pagefind")]


def inputs_digest(site: str, sources: list[Source], content_dir: Path,
                  unread: Sequence[Problem] = ()) -> str:
    """Everything a build reads, by name, size and time, and the files it does not read
    (each a warning): equal digests, nothing to do."""
    h = hashlib.sha256(site.encode())
    h.update(repr(unread).encode())
    for source in sources:
        h.update(f"{source.shown}\0{source.size}\0{source.mtime_ns}\n".encode())
    # attachments, and text pages such as content/pages/impressum.md
    for folder in (content_dir / "files", content_dir / "pages"):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            stat = path.stat()
            h.update(os.fsencode(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n"))
    h.update(_git_head(content_dir).encode())  # the change history shown on the pages
    return h.hexdigest()


def _git_head(folder: Path) -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


@dataclass
class Manifest:
    """Output paths with the digest of what each was made from; index parts likewise."""

    output_dir: Path
    site: str
    files: dict[str, str] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)
    copies: list[str] = field(default_factory=list)  # copied as they are (assets, attachments)
    contents: dict[str, str] = field(default_factory=dict)  # each page's bytes, as a digest
    inputs: str = ""  # digest of everything the build read (see inputs_digest)
    summary: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, cache_dir: Path | None, output_dir: Path, site: str) -> Manifest:
        """The last build's manifest; an empty one when it was for other code or output."""
        return cls._of(_read(cache_dir, MANIFEST, output_dir, site), output_dir, site)

    @classmethod
    def take_spare(cls, cache_dir: Path | None, output_dir: Path, site: str) -> Manifest | None:
        """The manifest of the output before last, which the build is about to change.

        Its file is removed first: a build killed while changing the spare leaves none, and
        the next one builds in a new folder instead.
        """
        data = _read(cache_dir, SPARE, output_dir, site)
        if cache_dir is not None:
            (cache_dir / SPARE).unlink(missing_ok=True)
        return cls._of(data, output_dir, site) if data.get("files") else None

    @staticmethod
    def spare_listed(cache_dir: Path | None) -> bool:
        """Whether a manifest of the output before last exists (see take_spare)."""
        return cache_dir is not None and (cache_dir / SPARE).is_file()

    @classmethod
    def _of(cls, data: dict[str, Any], output_dir: Path, site: str) -> Manifest:
        return cls(output_dir, site, dict(data.get("files", {})), dict(data.get("parts", {})),
                   list(data.get("copies", [])), dict(data.get("contents", {})))

    def _outputs_data(self) -> dict[str, Any]:
        """What ``_of`` reads back."""
        return {"files": self.files, "parts": self.parts, "copies": self.copies,
                "contents": self.contents}

    def outputs(self) -> dict[str, str | None]:
        """Every file of the output but the search index, with its digest (None: a copy)."""
        return {**dict.fromkeys(self.copies), **self.files}

    @staticmethod
    def last_inputs(cache_dir: Path | None, output_dir: Path, site: str
                    ) -> tuple[str, dict[str, Any]]:
        """The last build's inputs digest and summary ("", {} when there is none)."""
        data = _read(cache_dir, INPUTS, output_dir, site)
        return str(data.get("inputs", "")), dict(data.get("summary", {}))

    def reusable(self, rel: str, digest: str) -> Path | None:
        """The previous output file when it was made from the same inputs."""
        if self.files.get(rel) != digest:
            return None
        path = self.output_dir / rel
        return path if path.is_file() else None

    def reusable_part(self, name: str, digest: str, bundle: str) -> Path | None:
        if self.parts.get(name) != digest:
            return None
        path = self.output_dir / bundle / name
        return path if path.is_dir() else None

    def bundle(self, bundle: str) -> Path | None:
        """The last build's search bundle, when this manifest describes it."""
        path = self.output_dir / bundle
        return path if self.parts and path.is_dir() else None

    @staticmethod
    def forget(cache_dir: Path) -> None:
        """Remove what a cache says about the outputs: a build without it replaces them."""
        for name in (INPUTS, MANIFEST, SPARE):
            (cache_dir / name).unlink(missing_ok=True)

    def save(self, cache_dir: Path | None, spare: Manifest | None = None) -> None:
        """Write this manifest; ``spare`` is the last one, whose output is now the spare."""
        if cache_dir is None:
            return
        cache_dir.mkdir(parents=True, exist_ok=True)
        where = {"output_dir": str(self.output_dir), "site": self.site}
        head = {**where, "inputs": self.inputs, "summary": self.summary}
        files = [(MANIFEST, {**head, **self._outputs_data()}),
                 (INPUTS, head)]  # the short one last: it says "all done"
        if spare is not None and spare.files:  # loaded for this site (see _read)
            files.insert(0, (SPARE, {**where, **spare._outputs_data()}))
        for name, data in files:
            tmp = cache_dir / (name + ".tmp")
            tmp.write_text(json.dumps(data), "utf-8")
            os.replace(tmp, cache_dir / name)


def _read(cache_dir: Path | None, name: str, output_dir: Path, site: str) -> dict[str, Any]:
    """A file ``save`` wrote, when it describes ``output_dir`` built by this code; else {}."""
    if cache_dir is None or not output_dir.is_dir():
        return {}
    try:
        data = json.loads((cache_dir / name).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("output_dir") != str(output_dir) \
            or data.get("site") != site:
        return {}
    return data
