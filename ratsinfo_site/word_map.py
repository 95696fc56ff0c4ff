"""Which index parts hold each word, so that a browser searches only the parts that can
answer a query (theme/static/search.js, ``answering``).

A part that has no word a query word's stem begins gives no results for it (Pagefind
falls back to other words there, and the search page drops those, see ``isFallback``);
yet a rare word or a paper's reference made the browser load every part, its metadata
and a word chunk each: 340 KB for a reference at 10,000 resolutions, over 1 MB at 50,000.
The map lists every word of the parts' word indexes, as Pagefind indexed them (stemmed,
lower case, without diacritics), with the parts that hold it; sorted and cut into
chunks, with a listing of the chunks: each chunk's first word, file name, and the parts
any of its words is in. A query word's stem begins a run of neighbouring words: the
chunks wholly inside the run are answered by the listing, at most two from their file.
Words sort by their UTF-16 code units, as the browser compares strings.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

from ratsinfo_site.chunks import index_words, metadata_file
from ratsinfo_site.files import link_or_copy, read_cache, write_cache

FOLDER = "words"  # below the search bundle: pagefind/words/
LISTING = "index.json"
CHUNK_BYTES = 16_000  # a chunk's JSON, uncompressed: ~4 KB as a server compresses it
CACHE = "part-words.pickle"  # each part's words, by its metadata file's name
CACHE_KEY = "part-words 2"
MAP_CACHE = "word-map.pickle"  # the digest of the last map's listing, by its parts' words
ALL = "*"  # a word in every part the map knows


def part_words(bundle: Path, names: Iterable[str], language: str,
               known: dict[str, str], cache_dir: Path | None) -> dict[str, str]:
    """Each part's words, one a line (the parts whose words cannot be read left out):
    from ``known`` (part → words, as chunks.split_part found them), the cache (by the
    name of the part's metadata file, which changes with its words), or read from its
    files. (One string a part: the 50,000 archive's parts have 2 million words, which
    as objects of their own took 120 MB.)"""
    cached_path = cache_dir / CACHE if cache_dir else None
    cached = (read_cache(cached_path, CACHE_KEY) if cached_path else None) or {}
    kept: dict[str, str] = {}
    found: dict[str, str] = {}
    for name in names:
        folder = bundle / name
        try:
            meta = metadata_file(folder, language).name
        except (OSError, ValueError, KeyError, TypeError):
            continue
        listed = known.get(name) or cached.get(meta)
        if listed is None and (read := index_words(folder, language)) is not None:
            listed = "\n".join(read)
        if listed is not None:
            found[name] = kept[meta] = listed
    if cached_path and kept != cached:
        write_cache(cached_path, CACHE_KEY, kept)
    return found


def _utf16(word: str) -> bytes:
    return word.encode("utf-16-be", "surrogatepass")


def write_word_map(bundle: Path, parts: dict[str, str], previous: Path | None = None,
                   cache_dir: Path | None = None) -> None:
    """Write the map of ``parts`` (part name → its words, one a line) into
    ``bundle/words/``, anew; or, where ``previous`` (the last build's bundle) holds the
    map of the very same words (as ``cache_dir`` says), link its files: most edits add
    no word to their part (0.4 s at 10,000 resolutions)."""
    made_from = _digest(parts)
    folder = bundle / FOLDER
    shutil.rmtree(folder, ignore_errors=True)  # of the output before last: unlinked
    kept = read_cache(cache_dir / MAP_CACHE, made_from) if cache_dir else None
    old = previous / FOLDER if previous else None
    if kept and old and (old / LISTING).is_file() and _digest((old / LISTING).read_bytes()) == kept:
        folder.mkdir(parents=True)
        for path in old.iterdir():
            link_or_copy(path, folder / path.name)
        return
    listing = _write_map(folder, parts)
    if cache_dir:
        write_cache(cache_dir / MAP_CACHE, made_from, _digest(listing))


def _digest(value: dict[str, str] | bytes) -> str:
    h = hashlib.sha256()
    for piece in ([value] if isinstance(value, bytes) else
                  (f"{name}\0{words}\0".encode() for name, words in value.items())):
        h.update(piece)
    return h.hexdigest()


def _write_map(folder: Path, parts: dict[str, str]) -> bytes:
    """Write the map of ``parts`` into the empty ``folder``; returns its listing's bytes."""
    names = list(parts)
    holders: dict[str, int] = {}  # word → its parts, a bit each
    for index, name in enumerate(names):
        bit = 1 << index
        for word in parts[name].split("\n"):
            holders[word] = holders.get(word, 0) | bit
    every = (1 << len(names)) - 1

    @functools.cache
    def code(mask: int) -> str:
        """The parts of ``mask``: ALL, or their numbers in the listing's list."""
        return ALL if mask == every else ",".join(
            str(i) for i in range(len(names)) if mask >> i & 1)

    chunks: list[tuple[list[list[str]], int]] = []
    entries: list[list[str]] = []
    size = within = 0
    for word in sorted(holders, key=_utf16):
        if size >= CHUNK_BYTES:
            chunks.append((entries, within))
            entries, size, within = [], 0, 0
        mask = holders[word]
        entries.append([word, code(mask)])
        within |= mask
        size += len(word) + 8
    if entries:
        chunks.append((entries, within))
    folder.mkdir(parents=True)
    listing = []
    # the parts' names count: a listing of one build never reads another's chunk
    salt = json.dumps(names).encode()
    for entries, within in chunks:
        data = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode()
        name = hashlib.sha256(salt + data).hexdigest()[:12]
        (folder / f"{name}.json").write_bytes(data)
        listing.append([entries[0][0], name, code(within)])
    data = json.dumps({"parts": names, "chunks": listing}, ensure_ascii=False,
                      separators=(",", ":")).encode()
    (folder / LISTING).write_bytes(data)
    return data
