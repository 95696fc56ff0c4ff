"""A part's word index cut again into small chunks: every word still finds every word it
begins, nothing is lost, and a layout this code does not know is left alone."""

from __future__ import annotations

import contextlib
import gzip
import shutil
from pathlib import Path

import cbor2
import pytest

import ratsinfo_site.chunks as chunks
import ratsinfo_site.search as search
from ratsinfo_site.cli import main
from tests.helpers import copy_example, index_parts


def build(root: Path) -> None:
    with contextlib.chdir(root):
        assert main(["build", "--quiet"]) == 0


@pytest.fixture(scope="module")
def pagefind_part(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example archive's index part as Pagefind wrote it (not cut again)."""
    site = copy_example(tmp_path_factory.mktemp("chunks") / "site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "split_part", lambda folder, language: False)
        build(site.root)
    parts = index_parts(site.public)
    assert len(parts) == 1
    return parts[0]


Words = list[tuple[str, bytes]]


def read(part: Path) -> tuple[list, dict[str, Words]]:
    """The part's metadata, and the words (with their bytes) of each of its chunks."""
    meta = chunks.read_metadata(chunks.metadata_file(part, "de"))
    by_chunk = {}
    for _, _, name in meta[2]:
        data = gzip.decompress((part / "index" / f"{name}.pf_index").read_bytes())
        assert data.startswith(chunks.MAGIC)
        words = chunks.words(data[len(chunks.MAGIC):])
        assert cbor2.loads(data[len(chunks.MAGIC):]) == [[cbor2.loads(b) for _, b in words]]
        by_chunk[name] = words
    return meta, by_chunk


def words_of(by_chunk: dict[str, Words], names: list[str]) -> Words:
    return [entry for name in names for entry in by_chunk[name]]


def chosen(meta: list, term: str) -> str | None:
    """The chunk the browser loads for one query term, as Pagefind's search does
    (pagefind_web, try_request_indexes: the first chunk whose range holds the term)."""
    for start, last, name in meta[2]:
        if start <= term <= last:
            return name
    return None


@pytest.fixture(params=[chunks.SAFE_PREFIX, -1], ids=["as-built", "cut-anywhere"])
def cut(pagefind_part: Path, tmp_path: Path, monkeypatch, request) -> Path:
    """The part cut again into leaves of 600 bytes: many cuts, some inside a word's family
    (all the more where a leaf is cut wherever it is full)."""
    monkeypatch.setattr(chunks, "LEAF_BYTES", 600)
    monkeypatch.setattr(chunks, "SAFE_PREFIX", request.param)
    part = tmp_path / "part"
    shutil.copytree(pagefind_part, part)
    assert chunks.split_part(part, "de")
    return part


def test_every_query_word_finds_every_word_it_begins(pagefind_part: Path, cut: Path):
    meta_before, before = read(pagefind_part)
    meta, by_chunk = read(cut)
    vocabulary = [word for word, _ in words_of(before, [n for _, _, n in meta_before[2]])]
    assert len(meta[2]) > 50  # cut into many chunks (Pagefind wrote a handful)
    groups = [name for start, last, name in meta[2] if start == last]
    assert groups  # some words' families were cut apart: they have a chunk of their own
    # a query word of three letters or more: an indexed word or only the start of some
    # ("Fachwerk" of Fachwerkhaus and Fachwerkscheune)
    queries = {word[:n] for word in vocabulary for n in range(3, len(word) + 1)}
    for query in sorted(queries):
        family = {w for w in vocabulary if w.startswith(query)}
        name = chosen(meta, query)
        assert name is not None and family <= {w for w, _ in by_chunk[name]}, query


def test_a_full_leaf_is_cut_where_its_neighbours_share_the_shortest_start(monkeypatch):
    monkeypatch.setattr(chunks, "LEAF_BYTES", 10)
    names = ["schulamt", "schulbau", "schule", "schulhaus", "schulhof", "schulhofs",
             "schuljahr", "schwimmbad", "schwimmhalle", "schwimmhallen"]
    entries = [(name, b"x" * 4) for name in names]
    cut = chunks.leaves(entries)
    # full after "schule" (12 bytes), but its neighbours share "schul": the leaf grows to
    # twice the size and is cut where neighbours share least, after "schule", not inside
    # "schulhof…" (where a cut anywhere fell); the next leaf after "schuljahr" ("sch")
    assert cut == [(0, 3), (3, 7), (7, 10)]
    assert list(chunks.groups(names, cut)) == ["sch", "schu", "schul"]


def test_no_word_is_lost_or_changed_and_the_rest_of_the_metadata_stays(
        pagefind_part: Path, cut: Path):
    meta_before, before = read(pagefind_part)
    meta, after = read(cut)
    words = [(word, chunks.one_list_a_page(data))
             for word, data in words_of(before, [name for _, _, name in meta_before[2]])]
    names = [name for _, _, name in meta[2]]
    # first the families (a word's chunk of its own), then the leaves: every word once,
    # in order, byte for byte as Pagefind wrote it (but for the pages listed under two of
    # a word's forms, see the next test)
    leaves = next(k for k in range(len(names)) if words_of(after, names[k:]) == words)
    assert leaves > 0
    for start, last, name in meta[2][:leaves]:
        assert start == last
        assert after[name] == [entry for entry in words if entry[0].startswith(start)]
    for i in (0, 3, 4, 5):  # version, filters, sorts, meta fields
        assert meta[i] == meta_before[i]
    named = {f"{name}.pf_index" for _, _, name in meta[2]}
    assert {p.name for p in (cut / "index").iterdir()} == named  # Pagefind's are gone
    assert len(list(cut.glob("*.pf_meta"))) == 1
    # every page keeps its word count and its fragment's bytes, under a new name
    assert [count for _, count in meta[1]] == [count for _, count in meta_before[1]]
    for (name, _), (old, _) in zip(meta[1], meta_before[1], strict=True):
        assert fragment(cut, name) == fragment(pagefind_part, old)
    assert {p.name for p in (cut / "fragment").iterdir()} == \
        {f"{name}.pf_fragment" for name, _ in meta[1]}


def test_a_page_is_listed_under_one_form_of_a_word_with_all_its_positions(
        pagefind_part: Path):
    """Pagefind's phrase search takes each list a page is in as one query word's: a page
    under "Grund" and "Gründen" was not found for "wirtschaftlichen Gründen" (see
    test_search). Such a page's positions are joined, none lost; other words stay."""
    meta, before = read(pagefind_part)
    joined = 0
    for word, data in words_of(before, [name for _, _, name in meta[2]]):
        after = chunks.one_list_a_page(data)
        if after == data:
            continue
        joined += 1
        old, new = cbor2.loads(data), cbor2.loads(after)
        assert new[0] == word
        assert positions(new) == positions(old), word
        listed = [page for lst in lists(new) for page in chunks.decode_pages(lst)]
        assert len(listed) == len(set(listed)), word  # each page in one list
        assert [v[0] for v in new[2]] == [v[0] for v in old[2] if v[0] in
                                          {form for form, pages in new[2]}]
        assert chunks.words(b"\x81\x81" + after) == [(word, after)]  # as Pagefind's
    assert joined  # the example archive has such pages ("Grund" and "Gründe", …)


def lists(entry: list) -> list[list]:
    return [entry[1], *(pages for _, pages in entry[2])]


def positions(entry: list) -> set[tuple]:
    """Every (page, weight, position) and (page, field, position) of a word's forms."""
    found = set()
    for lst in lists(entry):
        for page, (locs, fields) in chunks.decode_pages(lst).items():
            found |= {(page, "w", *p) for p in locs} | {(page, "f", *p) for p in fields}
    return found


def fragment(part: Path, name: str) -> bytes:
    return (part / "fragment" / f"{name}.pf_fragment").read_bytes()


def test_the_metadata_names_pages_shortly_and_anew_when_anything_changes(
        pagefind_part: Path, cut: Path, tmp_path: Path):
    meta_before, _ = read(pagefind_part)
    meta, _ = read(cut)
    assert max(len(name) for name, _ in meta[1]) < 14  # "de-" + 8 hex + page number
    # the page list, which every search of the part loads: Pagefind's names (7 random
    # hex digits a page) against one token and a counter
    assert packed(meta[1]) < 0.7 * packed(meta_before[1])
    # the same part with one page's word count changed: every name is new
    changed = tmp_path / "changed"
    shutil.copytree(pagefind_part, changed)
    meta_before[1][-1][1] += 1
    path = chunks.metadata_file(changed, "de")
    path.write_bytes(gzip.compress(chunks.MAGIC + cbor2.dumps(meta_before)))
    assert chunks.split_part(changed, "de")
    again, _ = read(changed)
    assert not {n for n, _ in again[1]} & {n for n, _ in meta[1]}
    assert not {n for *_, n in again[2]} & {n for *_, n in meta[2]}


def packed(value: object) -> int:
    return len(gzip.compress(cbor2.dumps(value), chunks.META_LEVEL))


def test_a_fragment_gets_its_pagefind_name_back(pagefind_part: Path):
    """What the next build seeds Pagefind with: under the very names it would write."""
    files = sorted((pagefind_part / "fragment").iterdir())
    assert len(files) > 20
    for path in files:
        assert chunks.pagefind_name(path.read_bytes(), "de") == path.name.split(".")[0]


def test_a_word_index_in_an_unknown_layout_is_left_as_pagefind_wrote_it(
        pagefind_part: Path, tmp_path: Path):
    part = tmp_path / "part"
    shutil.copytree(pagefind_part, part)
    first = sorted((part / "index").iterdir())[0]
    data = gzip.decompress(first.read_bytes())
    first.write_bytes(gzip.compress(data[:-3]))  # cut short: the last word is incomplete
    files = {p: p.read_bytes() for p in part.rglob("*") if p.is_file()}
    assert not chunks.split_part(part, "de")
    assert {p: p.read_bytes() for p in part.rglob("*") if p.is_file()} == files


def test_a_search_part_loads_small_chunks(tmp_path: Path):
    """The example archive as built: the chunks a query word loads are small."""
    site = copy_example(tmp_path / "site")
    build(site.root)
    part = index_parts(site.public)[0]
    meta, _ = read(part)
    sizes = sorted((part / "index" / f"{name}.pf_index").stat().st_size
                   for _, _, name in meta[2])
    assert sizes[len(sizes) // 2] < 10_000  # Pagefind's own: ~30 KB a chunk at 1,000 pages
    assert chosen(meta, "integrationskonzept") is not None


def test_a_name_two_fragments_would_share_is_not_seeded(pagefind_part: Path, tmp_path: Path,
                                                        monkeypatch):
    """Pagefind lengthens one of two names that begin alike; seeded under the short one,
    a fragment would stand in for the other page's, which Pagefind then does not write."""
    files = sorted((pagefind_part / "fragment").iterdir())
    alike = {files[0].read_bytes(), files[1].read_bytes()}
    named = chunks.pagefind_name
    monkeypatch.setattr(search, "pagefind_name", lambda data, language:
                        "de_0000000" if data in alike else named(data, language))
    search._seed(pagefind_part, tmp_path / "out", "de")
    seeded = sorted(p.name for p in (tmp_path / "out" / "fragment").iterdir())
    assert seeded == [p.name for p in files[2:]]
