"""The address of every page and file, and where it is written in the output."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from ratsinfo_site.archive import Committee, Session, Topic, Year
from ratsinfo_site.model import Attachment, Consultation, Resolution
from ratsinfo_site.slugs import slugify

if TYPE_CHECKING:
    from ratsinfo_site.config import SiteConfig
    from ratsinfo_site.i18n import Catalogue


@dataclass(frozen=True)
class Urls:
    """Site-relative addresses (``beschluesse/2021-7-014/``) and their links."""

    base_path: str
    host: str | None
    words: dict[str, str]

    @classmethod
    def for_site(cls, config: SiteConfig, t: Catalogue) -> Urls:
        """The addresses of a site: under its base path, on its host, in its language."""
        return cls(config.base_path, config.host, t.words)

    def listing(self, kind: str, number: int = 1) -> str:
        """A list page: ``beschluesse/``, ``beschluesse/seite/2/``."""
        first = f"{self.words[kind]}/"
        return first if number == 1 else f"{first}{self.words['page']}/{number}/"

    def resolution(self, reference: str) -> str:
        return f"{self.words['resolutions']}/{slugify(reference)}/"

    def session_of(self, c: Consultation) -> str:
        """The session page a consultation belongs to."""
        return f"{self.words['sessions']}/{c.anchor_key}/"

    def consultation_anchor(self, c: Consultation) -> str:
        """``beratung-2021-03-31-kreistag``; ``…-2`` for a further item of that session."""
        return f"{self.words['consultation']}-{c.item_key}"

    def committee(self, name: str) -> str:
        return f"{self.words['committees']}/{slugify(name)}/"

    def topic(self, name: str) -> str:
        return f"{self.words['topics']}/{slugify(name)}/"

    def year(self, year: int) -> str:
        return f"{self.words['years']}/{year}/"

    def file(self, attachment: Attachment) -> str:
        """An attachment's address: its name quoted whole, for it may hold ``#``, ``?`` or
        ``%``, which the address of a page keeps as they are (see href)."""
        return f"{self.words['files']}/{quote(attachment.file, safe='/')}"

    def file_path(self, attachment: Attachment) -> str:
        """Where an attachment is written: its name as it is (the server decodes the address)."""
        return f"{self.words['files']}/{attachment.file}"

    def search(self) -> str:
        return f"{self.words['search']}/"

    def of(self, thing: object) -> str:
        """The address of any published thing."""
        match thing:
            case Resolution():
                return self.resolution(thing.reference)
            case Session():
                return f"{self.words['sessions']}/{thing.slug}/"
            case Committee():
                return self.committee(thing.name)
            case Topic():
                return self.topic(thing.name)
            case Year():
                return self.year(thing.year)
            case Attachment():
                return self.file(thing)
        raise TypeError(f"no address for {type(thing).__name__}")

    def href(self, path: str) -> str:
        """A link that works under the base path (GitHub Pages project sites)."""
        return self.base_path + _quoted(path)

    def absolute(self, path: str) -> str | None:
        """The full URL, or None when ``base_url`` names no host."""
        return self.host + self.href(path) if self.host else None


@functools.lru_cache(maxsize=1 << 16)  # a page links the same addresses as many others
def _quoted(path: str) -> str:
    return quote(path, safe="/#?=&%-._~")


def output_path(path: str) -> str:
    """The file a site-relative address is written to."""
    return path + "index.html" if path == "" or path.endswith("/") else path
