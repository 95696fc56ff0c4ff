"""One index part's word index in small chunks: what a browser downloads per query word.

Pagefind cuts a part's word index (its words, sorted, each with the pages and positions
where it occurs) into chunks of about 20,000 positions, ~30 KB compressed at 1,000 pages,
and the browser loads one chunk per query word and part searched. Which chunk: the first
in the metadata's list whose range (from, to) holds the word; the word's extensions are
found only in that chunk ("Integration" finds "Integrationskonzept" when both are in it),
and Pagefind's own cuts fall anywhere ("schulb" | "schule"), so that a word's extensions
may lie in two chunks and one of them is never searched.

``split_part`` cuts the part's words again, after Pagefind has written them: into leaves
of about ``LEAF_BYTES``, cut between two words that share at most ``SAFE_PREFIX``
characters, or, once a leaf has grown to twice that, where two neighbours share the
shortest start. Each start of at least ``GROUP_MIN`` characters whose words a cut still
separates gets a chunk of its own with all of them, listed first and found only by that
very query word: a word ("Schulhof") or only the start of compounds ("Fachwerk" of
Fachwerkhaus and Fachwerkscheune). So every query word of three letters or more finds
every indexed word it begins, and a search loads ~7 KB a word and part instead of ~30.
The words' bytes are copied as Pagefind encoded them (CBOR, read only as far as needed to
find where each word starts and ends); where the files are not as expected, the part is
left as Pagefind wrote it. Only a word whose page Pagefind lists under two of its forms
("Grund" and "Gründen") is written anew, the page under one (see ``one_list_a_page``):
else a quoted phrase does not find that page.

The part's page fragments and word chunks are also renamed (see ``_fragment_names``):
the metadata, which the browser loads for every part it searches, gets a third smaller.
``pagefind_name`` gives a fragment its Pagefind name back, to seed the next build.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import os
import re
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import cbor2

MAGIC = b"pagefind_dcd"  # the first bytes of every uncompressed Pagefind file
LEAF_BYTES = 12_000  # uncompressed: ~7 KB compressed
SAFE_PREFIX = 2
GROUP_MIN = 3
AFTER_ALL = "\U0010ffff"  # the last character: "ab" + AFTER_ALL sorts after every "ab…"
LEVEL = 4  # gzip for the word chunks: level 6 took twice the time for 3 % less
META_LEVEL = 9  # for the metadata, which every search of the part loads
TOKEN = 8  # hex digits of the part's token, which begins its files' new names

# After a word's text, everything up to the next text (a variant of the word, or the next
# word) is integers and array heads: its pages, each [page, [positions], [positions in
# metadata fields]], and its variants' list. Each such item tells its own length by its
# first byte, so one expression skips them all, and stops at the next text's head,
# having taken the head of the list that holds that text: 0x82 [variant, pages] or
# 0x83 [word, pages, variants].
_ITEMS = re.compile(rb"(?:[\x00-\x17\x20-\x37\x80-\x97]|[\x18\x38\x98].|[\x19\x39\x99]..|"
                    rb"[\x1a\x3a\x9a]....|[\x1b\x3b]........)*+", re.S)


class _Unknown(ValueError):
    """The files are not laid out as this module knows them."""


# What reading a part's files raises where they are not as this module knows them.
UNREADABLE = (OSError, ValueError, KeyError, TypeError, IndexError, EOFError,
              cbor2.CBORDecodeError)


def _head(data: bytes, pos: int, major: int) -> tuple[int, int]:
    """The argument of the CBOR head at ``pos`` (of major type ``major``), and what follows."""
    if pos >= len(data) or data[pos] >> 5 != major:
        raise _Unknown(f"major type {major} expected at {pos}")
    info = data[pos] & 31
    if info < 24:
        return info, pos + 1
    if info > 27:
        raise _Unknown(f"length {info} at {pos}")
    size = 1 << (info - 24)
    return int.from_bytes(data[pos + 1:pos + 1 + size], "big"), pos + 1 + size


def _text(data: bytes, pos: int) -> tuple[str, int]:
    size, pos = _head(data, pos, 3)
    return data[pos:pos + size].decode(), pos + size


def _array_head(count: int) -> bytes:
    if count < 24:
        return bytes([0x80 + count])
    for info, size in ((24, 1), (25, 2), (26, 4)):
        if count < 1 << (8 * size):
            return bytes([0x80 + info]) + count.to_bytes(size, "big")
    raise _Unknown(f"{count} words")


def words(chunk: bytes) -> list[tuple[str, bytes]]:
    """The words of an uncompressed word index chunk (after MAGIC), each with its bytes."""
    return [(word, data) for word, data, _ in word_entries(chunk)]


def word_entries(chunk: bytes) -> list[tuple[str, bytes, bool]]:
    """``words``, each with whether the word has variants (forms listed with their own
    pages, "gründen" of "grund")."""
    count, pos = _head(chunk, 0, 4)
    if count != 1:
        raise _Unknown("a word index holds one list")
    count, pos = _head(chunk, pos, 4)
    found: list[tuple[str, bytes, bool]] = []
    if not count:
        return found
    if chunk[pos:pos + 1] != b"\x83":
        raise _Unknown(f"a word expected at {pos}")
    start, word, pos, varied = pos, None, pos + 1, False
    while True:
        text, pos = _text(chunk, pos)
        word = word if word is not None else text
        if (after := _ITEMS.match(chunk, pos).end()) == pos:  # not even the pages' head
            raise _Unknown(f"pages expected at {pos}")
        pos = after
        if pos == len(chunk) or chunk[pos - 1] == 0x83:  # the next word begins
            end = pos if pos == len(chunk) else pos - 1
            found.append((word, chunk[start:end], varied))
            if pos == len(chunk):
                break
            start, word, varied = end, None, False
        elif chunk[pos - 1] == 0x82:  # a variant of the word ("getätigt") begins
            varied = True
        else:
            raise _Unknown(f"a word or a variant expected at {pos}")
    if len(found) != count:
        raise _Unknown(f"{count} words announced, {len(found)} found")
    return found


def one_list_a_page(entry: bytes) -> bytes:
    """A word's entry (its bytes in a word index) where each page is listed once: in the
    word's own list of pages or in one of its variants' ("gründen" of "grund").

    Pagefind lists a page under each form of the word it has: "Grund" in the word's own
    list, "Gründen" in the variant's. Its phrase search (pagefind_web, search.rs,
    exact_term) takes a page's lists of all forms of all query words as one list per
    query word, so that "wirtschaftlichen Gründen" was not found on a page that also has
    "Grund": it looked for "Gründen" one word after "Grund". Such a page's positions of
    the word are joined in the first list that has the page (its weights and metadata
    field positions with them); an entry without such a page keeps its bytes.
    """
    size, pos = _head(entry, 1, 3)  # the word's text, after the entry's array head
    if _ITEMS.match(entry, pos + size).end() == len(entry):
        return entry  # no variant: nothing follows the pages but integers and array heads
    word, pages, variants = cbor2.loads(entry)
    ids = [_page_numbers(pages), *(_page_numbers(variant[1]) for variant in variants)]
    if sum(map(len, ids)) == len(set().union(*ids)):
        return entry  # each page in one list (most words with variants)
    lists = [decode_pages(pages), *(decode_pages(variant[1]) for variant in variants)]
    first: dict[int, list] = {}  # page → its positions in the first list that has it
    joined = False
    for listed in lists:
        for page in list(listed):
            if page not in first:
                first[page] = listed[page]
                continue
            for kind, found in enumerate(listed.pop(page)):
                first[page][kind] = sorted({*first[page][kind], *found})
            joined = True
    if not joined:
        return entry
    kept = [[variant[0], encode_pages(listed)]
            for variant, listed in zip(variants, lists[1:], strict=True) if listed]
    return cbor2.dumps([word, encode_pages(lists[0]), kept])


def _page_numbers(pages: list) -> list[int]:
    """The pages of a word's list (Pagefind gives each as the difference to the last)."""
    return list(itertools.accumulate(item[0] for item in pages))


def decode_pages(pages: list) -> dict[int, list]:
    """A word's pages as Pagefind encodes them ([page delta, positions, metadata field
    positions] each, with weights or fields as negative numbers among delta-coded
    positions): page → [[(weight, position) …], [(field, position) …]]."""
    found, page = {}, 0
    for item in pages:
        page += item[0]
        found[page] = [_marked(item[1], 25), _marked(item[2] if len(item) > 2 else [], 0)]
    return found


def _marked(numbers: list[int], start: int) -> list[tuple[int, int]]:
    """Pagefind's position list: a negative number -n - 1 sets the weight (or the metadata
    field) n of the positions that follow, the first of them counted from 0 again."""
    found, mark, last = [], start, 0
    for number in numbers:
        if number < 0:
            mark, last = -number - 1, 0
        else:
            last += number
            found.append((mark, last))
    return found


def encode_pages(pages: dict[int, list]) -> list:
    """``decode_pages`` encoded again as Pagefind writes it (pagefind/src/index/mod.rs,
    positions_to_packed_page and meta_positions_to_packed)."""
    items, previous = [], 0
    for page in sorted(pages):
        positions, fields = pages[page]
        locs: list[int] = []
        weight, last = 25, 0  # the usual weight first, then each other weight's positions
        for mark, at in sorted(positions, key=lambda p: (p[0] != 25 and p[0], p[1])):
            locs += [-mark - 1, at] if mark != weight else [at - last]
            weight, last = mark, at
        meta: list[int] = []
        field = None
        for mark, at in sorted(fields):
            meta += [-mark - 1, at] if mark != field else [at - last]
            field, last = mark, at
        items.append([page - previous, locs, meta])
        previous = page
    return items


def _common(a: str, b: str) -> int:
    """The length of the start that ``a`` and ``b`` share."""
    return len(os.path.commonprefix((a, b)))


def leaves(entries: list[tuple[str, bytes]]) -> list[tuple[int, int]]:
    """Cut the sorted words into leaves ``[start, end)`` (see the module's docstring)."""
    cuts, start, size = [], 0, 0
    best: tuple[int, int] | None = None  # the leaf's best cut so far: (shared, end)
    for i in range(len(entries) - 1):
        size += len(entries[i][1])
        if size < LEAF_BYTES:
            continue
        shared = _common(entries[i][0], entries[i + 1][0])
        if best is None or shared < best[0]:
            best = (shared, i + 1)
        if shared <= SAFE_PREFIX or size >= 2 * LEAF_BYTES:
            end = best[1]
            cuts.append((start, end))
            start, best = end, None
            size = sum(len(entry) for _, entry in entries[end:i + 1])
    if entries:
        cuts.append((start, len(entries)))
    return cuts


def groups(names: list[str], cut: list[tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """The starts of words that two leaves share, each with the range of the words it
    begins: a word ("schulhof") or only the start of some ("schulh", "schu")."""
    found: dict[str, tuple[int, int]] = {}
    for _, end in cut[:-1]:
        shared = names[end - 1][:_common(names[end - 1], names[end])]
        for length in range(GROUP_MIN, len(shared) + 1):
            word = shared[:length]
            if word not in found:
                first = bisect_left(names, word)
                found[word] = (first, bisect_left(names, word + AFTER_ALL, first))
    return dict(sorted(found.items()))


def _pack(data: bytes, level: int = LEVEL) -> bytes:
    return gzip.compress(MAGIC + data, level, mtime=0)


def _unpack(path: Path) -> bytes:
    return unpacked(path.read_bytes(), path.name)


def unpacked(packed: bytes, name: str) -> bytes:
    """The bytes of a Pagefind file after its MAGIC, given as it is stored (gzip)."""
    data = gzip.decompress(packed)
    if not data.startswith(MAGIC):
        raise _Unknown(f"{name} is not a Pagefind file")
    return data[len(MAGIC):]


def file_name(language: str, data: bytes) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[:7]}"  # 7 as Pagefind's


ENTRY = "pagefind-entry.json"  # names the part's metadata file, per language


def metadata_file(folder: Path, language: str, entry: dict | None = None) -> Path:
    """The metadata file of the part in ``folder``, as its entry file (read unless given)
    names it."""
    if entry is None:
        entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
    return folder / f"pagefind.{entry['languages'][language]['hash']}.pf_meta"


def read_metadata(path: Path) -> list:
    """A part's metadata: [version, pages, word index chunks [from, to, name], filters,
    sorts, metadata fields]."""
    return cbor2.loads(_unpack(path))


def chunk_files(folder: Path, meta: list) -> list[Path]:
    """The word index chunks a part's metadata lists, in its order."""
    return [folder / "index" / f"{name}.pf_index" for _, _, name in meta[2]]


def index_words(folder: Path, language: str) -> tuple[str, ...] | None:
    """The sorted words of the word index of the part in ``folder``; None where its files
    are not as this module knows them."""
    try:
        meta = read_metadata(metadata_file(folder, language))
        found = {word for path in chunk_files(folder, meta) for word, _ in words(_unpack(path))}
    except UNREADABLE:
        return None
    return tuple(sorted(found))


def split_part(folder: Path, language: str) -> tuple[str, ...] | None:
    """Cut the word index of the part in ``folder`` again; returns its words (sorted), or
    None where it was left alone."""
    entry_path = folder / ENTRY
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        old_meta = metadata_file(folder, language, entry)
        meta = read_metadata(old_meta)
        old_chunks = chunk_files(folder, meta)
        entries = [word for path in old_chunks for word in word_entries(_unpack(path))]
    except UNREADABLE:
        return None
    names = [word for word, _, _ in entries]
    if not entries or names != sorted(names) or len(set(names)) != len(names):
        return None
    try:  # (a word without variants has each page once)
        entries = [(word, one_list_a_page(data) if varied else data)
                   for word, data, varied in entries]
    except (ValueError, TypeError, IndexError, cbor2.CBORDecodeError):
        return None
    if not write_words(folder, language, entry, meta, entries, [*old_chunks, old_meta]):
        return None
    return tuple(names)


def write_words(folder: Path, language: str, entry: dict, meta: list,
                entries: list[tuple[str, bytes]], replaced: Sequence[Path] = (),
                packed: dict[bytes, bytes] | None = None) -> bool:
    """Write the part in ``folder``: its words ``entries`` (sorted, each once) cut into
    chunks, its metadata ``meta`` (read from ``replaced``, its pages named as their
    fragments are) and its entry file; its fragments are renamed. False where the
    fragments are not as the metadata names them (nothing written then).

    ``packed`` holds the compressed bytes of chunks as a build before wrote them, by their
    uncompressed bytes: a chunk that came out the same is not compressed again.
    """
    names = [word for word, _ in entries]
    cut = leaves(entries)
    listed = []
    for word, (first, end) in groups(names, cut).items():
        listed.append((word, word, range(first, end)))
    for first, end in cut:
        # The shortest range that holds every word the leaf's words begin: from the start
        # of its first word that sorts after the leaf before (as Pagefind) up to past its
        # last word, before the start of the next leaf.
        start, last = names[first], names[end - 1]
        if first:
            start = start[:_common(names[first - 1], start) + 1]
        if end < len(names) and (shared := _common(last, names[end])) < len(last):
            last = last[:shared + 1] + AFTER_ALL
        listed.append((start, last, range(first, end)))
    datas = [b"\x81" + _array_head(len(members)) + b"".join(entries[i][1] for i in members)
             for _, _, members in listed]
    try:
        pages = _fragment_names(folder, meta[1], language, datas)
    except (ValueError, TypeError):
        return False
    packed = packed or {}
    files: dict[str, bytes] = {}
    chunks = []
    for i, (data, (start, last, _)) in enumerate(zip(datas, listed, strict=True)):
        name = f"{pages.token}{i:x}"
        files[f"index/{name}.pf_index"] = packed.get(data) or _pack(data)
        chunks.append([start, last, name])
    meta[1] = [[pages.new[name], count] for name, count in meta[1]]
    meta[2] = chunks
    data = cbor2.dumps(meta)
    meta_name = file_name(language, data)
    for path in replaced:
        path.unlink()
    for old, new in pages.new.items():
        os.replace(folder / "fragment" / f"{old}.pf_fragment",
                   folder / "fragment" / f"{new}.pf_fragment")
    (folder / "index").mkdir(exist_ok=True)
    for name, data_packed in files.items():
        (folder / name).write_bytes(data_packed)
    (folder / f"pagefind.{meta_name}.pf_meta").write_bytes(_pack(data, META_LEVEL))
    entry["languages"][language]["hash"] = meta_name
    (folder / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                                encoding="utf-8")
    return True


class _Names(NamedTuple):
    token: str  # the start of every new name: changes with any page or word of the part
    new: dict[str, str]  # Pagefind's name of a page's fragment → its new name


def _fragment_names(folder: Path, pages: list, language: str, chunks: list[bytes]) -> _Names:
    """Short names for the part's page fragments and word chunks: one token, then a number.

    The metadata lists every page's fragment by name and word count, ~7.7 bytes a page
    compressed with Pagefind's names (a digest's first 7 hex digits each), ~3.9 with a
    common start and a counter. The token is a digest of every page's name (Pagefind's,
    or the last build's in a patched part, see patch.py) and every word chunk, so a file
    changed by a build gets a name never used before (browsers may keep files, and
    Pagefind's names were as safe).
    """
    digest = hashlib.sha256(cbor2.dumps(pages))
    for data in chunks:
        digest.update(data)
    token = f"{language}-{digest.hexdigest()[:TOKEN]}"
    new: dict[str, str] = {}
    for number, (name, _) in enumerate(pages):
        if name not in new:  # identical pages share their fragment
            if not (folder / "fragment" / f"{name}.pf_fragment").is_file():
                raise _Unknown(f"no fragment {name}")
            new[name] = f"{token}{number:x}"
    return _Names(token, new)


def pagefind_name(fragment: bytes, language: str) -> str:
    """The name Pagefind gives a page fragment of these (compressed) bytes, unless two of
    a part's pages share its first 7 characters (Pagefind then lengthens one of them)."""
    data = unpacked(fragment, "a fragment")
    # Pagefind writes each byte of the SHA-1 digest as hex without a leading zero
    digest = "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())
    return f"{language}_{digest[:7]}"
