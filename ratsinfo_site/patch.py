"""An index part patched for the few pages an edit changed, instead of indexed again.

Pagefind has no incremental mode: after one edit of a 10,000-resolution archive, indexing
its 1,000-page part again took 3 s of the edit's 8. Here Pagefind indexes only the
changed pages, each as the last build published it and as it is now, in two small
indexes. The part's words that either version has lose the page's old positions and get
its new ones, the page gets its new word count, filters and fragment, and the words are
cut into chunks again (chunks.write_words), a chunk that came out the same keeping its
compressed bytes.

A page new to the part (a new resolution, a new session) is numbered after the part's
pages and put into its sorts where Pagefind would (see ``_sorted_with``). A patch is given
up (None), and the part is indexed anew, where it cannot be sure to equal what Pagefind
would make: where the old version, indexed again, does not give the very fragment the
part holds for the page (a page it holds otherwise, or another Pagefind), where a page
went (Pagefind would number the rest anew), where a sort's value, read from the page's
metadata of that name (the theme gives both from one element), would change the sort, or
where a filter or metadata field new to the part or a part's files not as expected
would be needed.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import multiprocessing
import re
import shutil
import tempfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import cbor2
from pagefind.index import IndexConfig

from ratsinfo_site.chunks import (
    ENTRY,
    MAGIC,
    UNREADABLE,
    chunk_files,
    file_name,
    metadata_file,
    one_list_a_page,
    read_metadata,
    unpacked,
    word_entries,
    write_words,
)
from ratsinfo_site.files import link_or_copy, link_pages
from ratsinfo_site.pagefind_service import QuickService

PATCH_PAGES = 50  # a part with more changed pages than this is indexed anew
SENTINEL = "/pagefind-"  # the address of each part's sentinel page begins so (search.py)


@dataclass(frozen=True)
class _Small:
    """A small Pagefind index of some pages, decoded."""

    pages: dict[str, tuple[int, bytes, dict]]  # url → its number, fragment (packed), data
    words: dict[str, list]  # word → [word, pages, variants] as Pagefind encodes them
    fields: list[str]  # the metadata fields, as positions number them
    sorts: list[str]


_NONE = _Small({}, {}, [], [])  # the index of no page


def page_url(page: str) -> str:
    """The address Pagefind gives a page of the output (``a/b/index.html`` → ``/a/b/``)."""
    return "/" + page.removesuffix("index.html")


async def patch_part(old: Path, new: Path, pages: tuple[str, ...], changed: list[str],
                     old_site: Path, site: Path, language: str,
                     staging_root: str | None = None) -> tuple[str, ...] | None:
    """Write into ``new`` the part in ``old`` (of the last build, whose output is
    ``old_site``) with its ``changed`` pages (output paths, of its ``pages``) as they are
    in ``site`` now; returns the part's words (sorted), or None where it did not (see the
    module's docstring), leaving no ``new`` then."""
    existing = [page for page in changed if (old_site / page).is_file()]  # else: new
    with tempfile.TemporaryDirectory(prefix="ratsinfo-patch-", dir=staging_root) as staging:
        before, after = Path(staging, "before"), Path(staging, "after")
        link_pages(old_site, existing, before)
        link_pages(site, changed, after)
        async with QuickService() as service:
            files: list[list[dict] | None] = []
            for listed, folder in ((existing, before), (changed, after)):
                if not listed:
                    files.append(None)
                    continue
                index = await service.create_index(IndexConfig(force_language=language))
                await index.add_directory(str(folder))
                files.append(await index.get_files())
    try:
        was, now = (_small(found, language) if found else _NONE for found in files)
        found = await _in_own_process(old, new, pages, was, now, language)
    except (*UNREADABLE, zlib.error):
        found = None
    if found is None:
        shutil.rmtree(new, ignore_errors=True)
    return found


async def _in_own_process(*args: object) -> tuple[str, ...] | None:
    """``_patch(*args)`` in a process of its own, which the data files being made meanwhile
    in this one do not hold up on the interpreter lock (an edit of the 10,000 archive:
    a patch of 0.6 s took 1.7 s in a thread beside them; the edit took 4.72 s instead of
    5.20, medians of 3). Spawned, not forked: this process's other thread may hold a
    lock the copy would inherit."""
    try:
        with ProcessPoolExecutor(1, multiprocessing.get_context("spawn")) as pool:
            return await asyncio.get_running_loop().run_in_executor(pool, _patch, *args)
    except BrokenProcessPool:  # (a script that builds without a ``__main__`` guard)
        return await asyncio.to_thread(_patch, *args)


def _small(files: list[dict], language: str) -> _Small:
    by_path = {file["path"]: file["content"] for file in files}
    entry = json.loads(by_path[ENTRY])
    meta = cbor2.loads(unpacked(
        by_path[f"pagefind.{entry['languages'][language]['hash']}.pf_meta"], "metadata"))
    pages = {}
    for number, (name, _) in enumerate(meta[1]):
        packed = by_path[f"fragment/{name}.pf_fragment"]
        data = json.loads(unpacked(packed, name))
        pages[data["url"]] = (number, packed, data)
    words = {}
    for _, _, name in meta[2]:
        chunk = unpacked(by_path[f"index/{name}.pf_index"], name)
        words.update((word, cbor2.loads(data)) for word, data, _ in word_entries(chunk))
    return _Small(pages, words, list(meta[5]), sorted(sort for sort, _ in meta[4]))


_URL = re.compile(rb'\{"url":("(?:[^"\\]|\\.)*")')


def _url(packed: bytes) -> str:
    """The address of a page's fragment, from the start of its compressed bytes."""
    head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(packed, 4096)
    if not head.startswith(MAGIC) or not (found := _URL.match(head, len(MAGIC))):
        raise ValueError("a fragment without its address first")
    return json.loads(found.group(1))


def _patch(old: Path, new: Path, pages: tuple[str, ...], was: _Small, now: _Small,
           language: str) -> tuple[str, ...] | None:
    entry = json.loads((old / ENTRY).read_text(encoding="utf-8"))
    meta = read_metadata(metadata_file(old, language, entry))
    fields, sorts = list(meta[5]), [sort for sort, _ in meta[4]]
    fragments = {name: (old / "fragment" / f"{name}.pf_fragment").read_bytes()
                 for name, _ in meta[1]}
    numbers = {_url(fragments[name]): number for number, (name, _) in enumerate(meta[1])}
    own = {url for url in numbers if not url.startswith(SENTINEL)}
    added = set(now.pages) - own  # pages new to the part
    if (own | added != {page_url(page) for page in pages} or len(numbers) != len(meta[1])
            or set(was.pages) != set(now.pages) - added):
        return None  # a page went, or one of the part is not indexed
    if not set(now.sorts) <= set(sorts) or not set(now.fields) <= set(fields):
        return None
    placed: dict[int, int] = {}  # a changed page's number in ``now`` → its number in the part
    for url in sorted(added):  # after the part's pages
        placed[now.pages[url][0]] = len(meta[1])
        meta[1].append(["", 0])  # (named below)
    if added and not _sorted_with(meta, fragments, now, placed):
        return None
    for url, (number, _, data) in now.pages.items():
        if url in added:
            continue
        page = numbers[url]
        if unpacked(fragments[meta[1][page][0]], url) != unpacked(was.pages[url][1], url):
            return None  # the part holds another version of the page than the last output
        if any(sort not in data["meta"] or data["meta"][sort] != was.pages[url][2]["meta"].get(
                sort) for sort in sorts):
            return None
        placed[number] = page
    filters = _patched_filters(old, meta, placed, now, language)
    if filters is None:
        return None
    entries, packed = _old_entries(old, meta)
    field_of = [fields.index(name) for name in now.fields]
    if field_of != sorted(field_of):
        return None  # the positions' fields would have to be sorted anew
    for word in {*was.words, *now.words}:
        if _listed(was, word) == _listed(now, word):
            continue  # the changed pages have the word where they had it (most words)
        patched = _patched_word(word, entries.get(word), placed, now.words.get(word), field_of)
        if patched is None:
            entries.pop(word, None)
        else:
            entries[word] = patched
    new_fragments = {}
    for number, fragment, data in now.pages.values():
        name = f"{language}_new{placed[number]:x}"  # renamed by write_words
        meta[1][placed[number]] = [name, data["word_count"]]
        new_fragments[name] = fragment
    entry["languages"][language]["page_count"] = len(meta[1])
    _write_rest(old, new, meta, new_fragments, filters)
    words = sorted(entries.items())
    if not words or not write_words(new, language, entry, meta, words, packed=packed):
        return None
    return tuple(word for word, _ in words)


def _sorted_with(meta: list, fragments: dict[str, bytes], now: _Small,
                 placed: dict[int, int]) -> bool:
    """Put the pages new to the part (``placed``, numbered after its pages) into its sorts
    where Pagefind would: by their values (the page's metadata of the sort's name), equal
    values in the order of the pages' numbers. Pagefind numbers pages as it finds them in
    the folder search.py gathers them in, and in one in memory (/dev/shm: the newest
    first) that is in descending order of their addresses, the sentinel first; in a folder
    on disk the file system's order decides (equal values in no order a build could
    know). False where the order cannot be told: a page without the value, values
    Pagefind would compare as numbers."""
    pages: dict[int, tuple[str, dict]] = {}  # the part's number → address, metadata
    for number, (name, _) in enumerate(meta[1]):
        if name:
            data = json.loads(unpacked(fragments[name], name))
            pages[number] = (data["url"], data["meta"])
    for number, _, data in now.pages.values():
        if number in placed:
            pages[placed[number]] = (data["url"], data["meta"])
    for name, order in meta[4]:
        value = {page: found[name] for page, (_, found) in pages.items() if name in found}
        if any(page not in value and not pages[page][0].startswith(SENTINEL)
               for page in [*order, *placed.values()]) or all(map(_number, value.values())):
            return False
        for new in sorted(placed.values()):
            at = next((i for i, page in enumerate(order) if page in value and (
                value[page] > value[new] or (value[page] == value[new]
                                             and pages[page][0] < pages[new][0]))),
                      len(order))
            order.insert(at, new)
    return True


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _old_entries(old: Path, meta: list) -> tuple[dict[str, bytes], dict[bytes, bytes]]:
    """The part's words, each with its bytes, and its chunks' compressed bytes by their
    uncompressed ones."""
    entries: dict[str, bytes] = {}
    packed: dict[bytes, bytes] = {}
    for path in chunk_files(old, meta):
        data = path.read_bytes()
        chunk = unpacked(data, path.name)
        packed[chunk] = data
        entries.update((word, entry) for word, entry, _ in word_entries(chunk))
    return entries, packed


def _listed(small: _Small, word: str) -> list:
    """Where the pages of ``small`` have ``word``: its forms' lists of pages, each page by
    its address and the metadata fields by their names."""
    urls = {number: url for url, (number, _, _) in small.pages.items()}
    entry = small.words.get(word)
    found = []
    for form, items in [("", entry[1]), *entry[2]] if entry else ():
        page = 0
        for item in items:
            page += item[0]
            fields = [n if n >= 0 else small.fields[-n - 1] for n in item[2]] if item[2:] else []
            found.append((form, urls[page], item[1], fields))
    return found


def _patched_word(word: str, entry: bytes | None, placed: dict[int, int], now: list | None,
                  field_of: list[int]) -> bytes | None:
    """A word's entry without the changed pages' old positions and with their new ones;
    None where no page has the word then. Pages are changed in Pagefind's encoding
    (``[page delta, positions, metadata field positions]``): no other page's positions
    are decoded."""
    lists: dict[str, list] = {"": []}  # "": the word's own list, else a variant's form
    if entry is not None:
        _, own, variants = cbor2.loads(entry)
        lists = {"": own, **dict(variants)}
    added: dict[str, dict[int, list]] = {}
    if now is not None:
        for form, items in [("", now[1]), *now[2]]:
            page = 0
            for item in items:
                page += item[0]
                fields = [n if n >= 0 else -field_of[-n - 1] - 1
                          for n in (item[2] if len(item) > 2 else [])]
                added.setdefault(form, {})[placed[page]] = [item[1], fields]
    gone = set(placed.values())
    lists = {form: _relisted(lists.get(form, []), gone, added.get(form, {}))
             for form in {**lists, **added}}
    variants = [[form, items] for form, items in lists.items() if form and items]
    if not lists[""] and not variants:
        return None
    data = cbor2.dumps([word, lists[""], variants])
    return one_list_a_page(data) if variants else data


def _relisted(items: list, gone: set[int], added: dict[int, list]) -> list:
    """A word's list of pages (Pagefind's encoding) without ``gone`` pages and with the
    ``added`` ones (page → its positions and metadata field positions)."""
    pages, page = {}, 0
    for item in items:
        page += item[0]
        if page not in gone:
            pages[page] = item[1:]
    pages.update(added)
    relisted, last = [], 0
    for page in sorted(pages):
        relisted.append([page - last, *pages[page]])
        last = page
    return relisted


def _patched_filters(old: Path, meta: list, placed: dict[int, int], now: _Small,
                     language: str) -> dict[str, bytes] | None:
    """The part's filter files that the changed pages change: their new names → their
    bytes (uncompressed, after MAGIC); ``meta``'s list of filters names them. None where a
    filter would be new to the part or no page would have it."""
    known = dict(meta[3])
    values: dict[str, dict[str, list[int]]] = {}
    before: dict[str, bytes] = {}  # each filter's file as the part has it, uncompressed
    for name, hash_ in meta[3]:
        before[name] = unpacked((old / "filter" / f"{hash_}.pf_filter").read_bytes(), name)
        values[name] = {value: pages for value, pages in cbor2.loads(before[name])[1]}
    gone = set(placed.values())
    for by_value in values.values():
        for value, pages in by_value.items():
            by_value[value] = [page for page in pages if page not in gone]
    for number, _, data in now.pages.values():
        page = placed[number]
        for name, found in data["filters"].items():
            if name not in values:
                return None
            for value in found:
                by_value = values[name]
                by_value[value] = sorted({*by_value.get(value, []), page})
    written: dict[str, bytes] = {}
    for i, (name, _) in enumerate(meta[3]):
        by_value = {value: pages for value, pages in values[name].items() if pages}
        if not by_value:
            return None
        data = cbor2.dumps([name, [[value, pages] for value, pages in by_value.items()]])
        if data == before[name]:
            continue
        new_hash = file_name(language, data)
        if new_hash in known.values() or new_hash in written:
            return None
        written[new_hash] = data
        meta[3][i] = [name, new_hash]
    return written


def _write_rest(old: Path, new: Path, meta: list, fragments: dict[str, bytes],
                filters: dict[str, bytes]) -> None:
    """The part's files in ``new`` but its words, metadata and entry file: the old ones
    linked, the changed pages' fragments and the changed filters written."""
    (new / "fragment").mkdir(parents=True, exist_ok=True)
    (new / "filter").mkdir(exist_ok=True)
    for name, _ in meta[1]:
        if name not in fragments and not (new / "fragment" / f"{name}.pf_fragment").exists():
            link_or_copy(old / "fragment" / f"{name}.pf_fragment",
                         new / "fragment" / f"{name}.pf_fragment")
    for name, data in fragments.items():
        (new / "fragment" / f"{name}.pf_fragment").write_bytes(data)
    for _, hash_ in meta[3]:
        if hash_ in filters:
            (new / "filter" / f"{hash_}.pf_filter").write_bytes(
                gzip.compress(MAGIC + filters[hash_], 9, mtime=0))
        else:
            link_or_copy(old / "filter" / f"{hash_}.pf_filter",
                         new / "filter" / f"{hash_}.pf_filter")
    for path in old.iterdir():  # Pagefind's scripts
        if path.is_file() and path.name != ENTRY and not path.name.endswith(".pf_meta"):
            link_or_copy(path, new / path.name)
