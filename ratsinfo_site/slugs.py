"""Slugs as the content format defines them."""

from __future__ import annotations

import functools
import re
import unicodedata

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_OTHER = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=1 << 16)  # the same names and references, page after page
def slugify(text: str) -> str:
    """``Nr. 171`` → ``nr-171``; ä→ae, ö→oe, ü→ue, ß→ss; other accents dropped."""
    text = unicodedata.normalize("NFC", str(text)).lower().translate(_GERMAN)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _OTHER.sub("-", text).strip("-")


def name_key(name: str) -> tuple[str, str]:
    """Sort names as a German index does (DIN 5007-1): Ä as A, ß as ss, case aside;
    ``Ältestenrat`` before ``Bauausschuss``, not after ``Zweckverband``."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", str(name)).casefold())
    return "".join(c for c in text if not unicodedata.combining(c)), name
