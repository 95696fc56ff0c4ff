"""What an output was made from, as a short digest: equal digests, equal output.

A page's digest covers its kind, address and every object its template gets. Records
count by the digest of their source file (plus what the archive changed in them), so
a digest is cheap even for a list page of a hundred resolutions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from ratsinfo_site.model import Consultation, Description, Resolution, SessionFile


class Deferred(NamedTuple):
    """A costly part of a page's objects, computed only when the page is rendered."""

    function: Callable[..., Any]
    argument: Any

    def resolve(self) -> Any:
        return self.function(self.argument)


_PLAIN = frozenset({str, int, float, bool, type(None), dt.date})
_SHARED = 8  # tuples this long are remembered (see Fingerprints._digest)


class DataFile(NamedTuple):
    """A data file (feed, export), made only when what it is made from changed.

    ``inputs`` holds everything ``make`` reads besides the site's settings, in a form
    ``Fingerprints`` can digest (records count by their digest).
    """

    path: str
    inputs: Any
    make: Callable[[], bytes]


class Fingerprints:
    """Digests of page objects, remembered per object for the length of one build."""

    def __init__(self, site: str):
        self.site = site.encode()
        self._memo: dict[int, bytes] = {}
        self._keep: list[Any] = []  # memo keys are ids: keep the objects alive

    def of(self, *values: Any) -> str:
        """The digest of ``values`` within this site."""
        h = hashlib.sha256(self.site)
        for value in values:
            h.update(self._digest(value))
        return h.hexdigest()[:32]

    def _digest(self, value: Any) -> bytes:
        kind = type(value)
        if kind is str:  # most values: the bytes of the plain case below, made faster
            return b"str:" + value.encode() + b"\x00"
        known = self._memo.get(id(value))  # (ids of objects kept alive: never another's)
        if known is not None:
            return known
        if kind is tuple or kind is list or (isinstance(value, list | tuple)
                                             and not isinstance(value, Deferred)):
            # a long tuple is mostly one that many pages share (a committee's sessions)
            key = id(value) if kind is tuple and len(value) >= _SHARED else None
            h = hashlib.sha1(b"[")
            for item in value:
                h.update(self._digest(item))
            if key is not None:
                self._memo[key] = h.digest()
                self._keep.append(value)
            return h.digest()
        if kind in _PLAIN or isinstance(value, str | int | float | dt.date | Path):
            return f"{kind.__name__}:{value!s}\x00".encode()
        if isinstance(value, Deferred):
            name = f"{value.function.__module__}.{value.function.__qualname__}".encode()
            return hashlib.sha1(name + self._digest(value.argument)).digest()
        if isinstance(value, dict):
            try:  # JSON-like data (e.g. JSON-LD) at C speed
                return b"J" + hashlib.sha1(json.dumps(value, sort_keys=True).encode()).digest()
            except TypeError:
                pass
            h = hashlib.sha1(b"{")
            for key in sorted(value, key=repr):
                h.update(self._digest(key) + self._digest(value[key]))
            return h.digest()
        if dataclasses.is_dataclass(value):
            self._memo[id(value)] = known = self._record(value)
            self._keep.append(value)
            return known
        raise TypeError(f"cannot fingerprint {type(value).__name__}")

    def _record(self, value: Any) -> bytes:
        if isinstance(value, Resolution):
            # the source file, and what publishing changed: closed items and links dropped
            return hashlib.sha1(b"R" + value.digest.encode() + repr(
                (value.consultations, value.related, value.attachments)).encode()).digest()
        if isinstance(value, SessionFile | Description):
            return hashlib.sha1(b"F" + value.digest.encode()).digest()
        if isinstance(value, Consultation):  # plain values only: its repr says it all
            return hashlib.sha1(b"C" + repr(value).encode()).digest()
        h = hashlib.sha1(type(value).__name__.encode())
        for f in dataclasses.fields(value):
            h.update(self._digest(getattr(value, f.name)))
        return h.digest()


def page_digest(prints: Fingerprints, page: Any) -> str:
    """The digest of one page: what it shows and how."""
    return prints.of(page.kind, page.url, page.title, page.section, page.variant,
                     page.description, page.context)
