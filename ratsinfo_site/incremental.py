"""What the last build wrote, and from what: unchanged outputs are taken over, not rebuilt."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ratsinfo_site import __version__
from ratsinfo_site.config import SiteConfig
from ratsinfo_site.read import code_digest

MANIFEST = "outputs.json"


def site_digest(config: SiteConfig, extra: str = "") -> str:
    """Everything every page depends on: code, templates, a site's layouts, settings."""
    settings = (config.title, config.body, config.base_url, config.language,
                str(config.output_dir), __version__, extra)
    return code_digest(config.layouts_dir) + repr(settings)


@dataclass
class Manifest:
    """Output paths with the digest of what each was made from; index parts likewise."""

    output_dir: Path
    site: str
    files: dict[str, str] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, cache_dir: Path | None, output_dir: Path, site: str) -> Manifest:
        """The last build's manifest; an empty one when it was for other code or output."""
        empty = cls(output_dir, site)
        if cache_dir is None or not output_dir.is_dir():
            return empty
        try:
            data = json.loads((cache_dir / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return empty
        if data.get("output_dir") != str(output_dir) or data.get("site") != site:
            return empty
        return cls(output_dir, site, dict(data.get("files", {})), dict(data.get("parts", {})))

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

    def save(self, cache_dir: Path | None) -> None:
        if cache_dir is None:
            return
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps({"output_dir": str(self.output_dir), "site": self.site,
                                   "files": self.files, "parts": self.parts}), "utf-8")
        os.replace(tmp, cache_dir / MANIFEST)
