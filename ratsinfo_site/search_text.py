"""Text that makes a page findable beyond what it shows: compound parts, attachment text."""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from ratsinfo_site.compounds import (
    compound_parts,
    lexicon_ready,
    load_lexicon,
    unload_lexicon,
)
from ratsinfo_site.files import read_cache, write_cache
from ratsinfo_site.load import as_read
from ratsinfo_site.model import Resolution

MAX_ATTACHMENT_CHARS = 200_000  # read from one PDF: a 500-page plan is not read to its end
# What a resolution's attachments add to its page in the search index, all together. The
# index keeps the text a second time in the page's fragment, which the browser loads for
# each result it shows: the first ATTACHMENT_TEXT_CHARS as written (excerpts from it read
# as sentences), then only words not seen before, up to ATTACHMENT_INDEX_CHARS.
ATTACHMENT_TEXT_CHARS = 20_000
ATTACHMENT_INDEX_CHARS = 60_000


_cache_dir: Path | None = None  # set by prepare(): where extracted texts are kept
TEXTS = "attachment-text"  # in the build's cache folder: each PDF's text, by its digest


# A few texts in memory, for a file that several resolutions list (a session's minutes):
# each worker kept up to 4,096 texts of up to MAX_ATTACHMENT_CHARS, 0.8 G characters.
@lru_cache(maxsize=32)
def attachment_text(path: Path, digest: str) -> str:
    """The text of a PDF attachment ('' for other files or a PDF without text).

    Kept in the cache by ``digest``, of the file's bytes (``Attachment.digest``, taken when
    its resolution was read): a build that renders every page again (a changed template,
    a fresh checkout) does not read every PDF again.
    """
    if path.suffix.lower() != ".pdf":
        return ""
    if _cache_dir is None:
        return _pdf_text(path)
    stored = _cache_dir / TEXTS / f"{digest}.pickle"
    text = read_cache(stored, _extractor())
    if text is None:
        text = _pdf_text(path)
        write_cache(stored, _extractor(), text)
    return text


def prune_texts(cache_dir: Path | None, digests: set[str]) -> None:
    """Remove from the cache the texts of PDFs that no public resolution lists (each
    version of a replaced attachment stayed there, and the Pages workflow carries the
    cache from run to run)."""
    folder = cache_dir / TEXTS if cache_dir else None
    if folder is None or not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name.split(".")[0] not in digests:  # a text, or one left half-written
            path.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def _extractor() -> str:
    """What the texts in the cache were made with."""
    from pypdf import __version__

    return f"pypdf {__version__}, {MAX_ATTACHMENT_CHARS} characters, NFKC"


def _pdf_text(path: Path) -> str:
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    from pypdf import PdfReader  # imported here: only sites with PDFs pay for it

    parts: list[str] = []
    length = 0
    try:
        for page in PdfReader(path).pages:
            text = page.extract_text() or ""
            parts.append(text)
            length += len(text)
            if length > MAX_ATTACHMENT_CHARS:
                break
    except Exception:  # whatever the reader raises on a damaged or hostile file
        pass  # (RecursionError, AttributeError …): still published, just not searchable
    # NFKC: a ligature ("\ufb01" for "fi") and a decomposed "u\u0308" become the letters
    # a query is typed with; invisible characters go, as from the content files.
    text = as_read(" ".join(parts), "NFKC")
    return " ".join(text.split())[:MAX_ATTACHMENT_CHARS]


def hidden_terms(r: Resolution) -> str:
    """Compound parts and attachment text of a resolution, for the search index only."""
    attachments = " ".join(attachment_text(a.source, a.digest) for a in r.attachments)
    source = " ".join([r.title, str(r.text), str(r.decision), *(str(v) for _, v in r.details),
                       attachments])
    return " ".join([*compound_parts(source), bounded(attachments)])


def bounded(text: str) -> str:
    """``text`` up to ATTACHMENT_TEXT_CHARS, then its further words once each, in order."""
    if len(text) <= ATTACHMENT_TEXT_CHARS:
        return text
    cut = text.rfind(" ", 0, ATTACHMENT_TEXT_CHARS + 1)
    cut = cut if cut > 0 else ATTACHMENT_TEXT_CHARS
    kept, length = [text[:cut]], cut
    seen = set(kept[0].split())
    for word in text[cut:].split():
        if word in seen:
            continue
        if length + 1 + len(word) > ATTACHMENT_INDEX_CHARS:
            break
        seen.add(word)
        kept.append(word)
        length += 1 + len(word)
    return " ".join(kept)


LEXICON = "lexicon.pickle"  # in the build's cache folder


def prepare(cache_dir: Path | None = None) -> None:
    """Load what hidden_terms needs once, before the page renderers are forked."""
    global _cache_dir
    _cache_dir = cache_dir
    load_lexicon(cache_dir / LEXICON if cache_dir else None)


def prepare_meanwhile(cache_dir: Path | None) -> Callable[[], None]:
    """Where the word list is not in the cache yet (a cold build), make it there in a
    process of its own while this one goes on (about 2 s of one core, where the build
    works on one); returns what waits for that process, before ``prepare``.

    Without a cache folder, or without fork, ``prepare`` makes the list itself.
    """
    if cache_dir is None or lexicon_ready(cache_dir / LEXICON) or \
            "fork" not in multiprocessing.get_all_start_methods():
        return lambda: None
    cache_dir.mkdir(parents=True, exist_ok=True)
    maker = multiprocessing.get_context("fork").Process(target=_make_word_list,
                                                        args=(cache_dir / LEXICON,))
    maker.start()  # not a daemon: a build that fails meanwhile waits for it to end
    return maker.join


def _make_word_list(cache: Path) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's (no traceback)
    load_lexicon(cache)


def release(word_list: bool = True) -> None:
    """Free the texts kept and the compound splits remembered once the pages are rendered,
    and the word list prepare() loaded unless ``word_list`` is False."""
    attachment_text.cache_clear()
    unload_lexicon(words=word_list)
