"""Text that makes a page findable beyond what it shows: compound parts, attachment text."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from ratsinfo_site.compounds import compound_parts, load_lexicon
from ratsinfo_site.model import Resolution

MAX_ATTACHMENT_CHARS = 200_000  # keeps a page with a 500-page PDF from growing to megabytes


@lru_cache(maxsize=4096)
def attachment_text(path: Path, size: int, mtime_ns: int) -> str:
    """The text of a PDF attachment ('' for other files or a PDF without text)."""
    if path.suffix.lower() != ".pdf":
        return ""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    from pypdf import PdfReader  # imported here: only sites with PDFs pay for it
    from pypdf.errors import PyPdfError

    parts: list[str] = []
    length = 0
    try:
        for page in PdfReader(path).pages:
            text = page.extract_text() or ""
            parts.append(text)
            length += len(text)
            if length > MAX_ATTACHMENT_CHARS:
                break
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        pass  # an unreadable PDF is still published, just not searchable
    return " ".join(" ".join(parts).split())[:MAX_ATTACHMENT_CHARS]


def hidden_terms(r: Resolution) -> str:
    """Compound parts and attachment text of a resolution, for the search index only."""
    attachments = [attachment_text(a.source, a.size, a.source.stat().st_mtime_ns)
                   for a in r.attachments]
    source = " ".join([r.title, str(r.text), str(r.decision), *(str(v) for _, v in r.details),
                       *attachments])
    return " ".join([*compound_parts(source), *attachments])


def prepare(cache_dir: Path | None = None) -> None:
    """Load what hidden_terms needs once, before the page renderers are forked."""
    load_lexicon(cache_dir / "lexicon.pickle" if cache_dir else None)
