"""The map of which search index part holds which word (word_map.py)."""

from __future__ import annotations

import json

from ratsinfo_site import word_map
from ratsinfo_site.files import write_cache
from ratsinfo_site.word_map import part_words, write_word_map
from tests.helpers import copy_example, index_parts

WORDS = {
    "2019-01-2019-12": ("haus", "hausbau", "rathaus", "zebra", "über"),
    "2020-01-2020-12": ("haus", "haushalt", "weg", "𝔘nicode"),
    "2021-01-2021-06": ("haus", "weg", "\uffffende"),
}
PARTS = {name: "\n".join(words) for name, words in WORDS.items()}  # as part_words gives


def read_map(bundle) -> tuple[list, dict[str, set[str]]]:
    """The listing's chunks, and every word of the chunks with the names of its parts."""
    listing = json.loads((bundle / "words" / "index.json").read_text("utf-8"))
    names = listing["parts"]
    found: dict[str, set[str]] = {}
    for first, name, code in listing["chunks"]:
        chunk = json.loads((bundle / "words" / f"{name}.json").read_text("utf-8"))
        assert chunk[0][0] == first
        holders = set()
        for word, parts in chunk:
            found[word] = set(names) if parts == "*" else {names[int(i)] for i in parts.split(",")}
            holders |= found[word]
        # the listing names every part any word of the chunk is in
        assert (set(names) if code == "*" else {names[int(i)] for i in code.split(",")}) \
            == holders
    return listing["chunks"], found


def test_each_word_is_listed_once_with_every_part_that_holds_it(tmp_path, monkeypatch):
    monkeypatch.setattr(word_map, "CHUNK_BYTES", 20)  # a chunk of one or two words
    write_word_map(tmp_path, PARTS)
    chunks, found = read_map(tmp_path)
    assert found == {word: {name for name, words in WORDS.items() if word in words}
                     for words in WORDS.values() for word in words}
    assert found["haus"] == set(PARTS) and found["zebra"] == {"2019-01-2019-12"}
    assert len(chunks) > 3
    # in the browser's order of strings (UTF-16 code units): "𝔘" (a surrogate pair)
    # before "\uffff", which code points would sort the other way round
    order = [word for word in found]
    assert order == sorted(order, key=lambda w: w.encode("utf-16-be"))
    assert order.index("𝔘nicode") < order.index("\uffffende")


def test_the_map_is_written_anew_and_names_its_chunks_by_their_content(tmp_path):
    write_word_map(tmp_path, PARTS)
    first = {p.name: p.read_bytes() for p in (tmp_path / "words").iterdir()}
    write_word_map(tmp_path, PARTS)
    assert {p.name: p.read_bytes() for p in (tmp_path / "words").iterdir()} == first
    fewer = dict(list(PARTS.items())[:2])
    write_word_map(tmp_path, fewer)  # a part gone: no chunk of the map before is left
    assert not set(first) - {"index.json"} & {p.name for p in (tmp_path / "words").iterdir()}
    assert read_map(tmp_path)[1]["weg"] == {"2020-01-2020-12"}


def test_the_map_of_the_same_words_is_taken_over_from_the_last_build(tmp_path):
    last, bundle, cache = tmp_path / "last", tmp_path / "new", tmp_path / "cache"
    write_word_map(last, PARTS, None, cache)
    files = {p.name: p.stat().st_ino for p in (last / "words").iterdir()}
    write_word_map(bundle, dict(PARTS), last, cache)
    assert {p.name: p.stat().st_ino for p in (bundle / "words").iterdir()} == files
    more = {**PARTS, "2021-01-2021-06": PARTS["2021-01-2021-06"] + "\nzauberwort"}
    write_word_map(last, more, bundle, cache)  # a word more: made anew
    assert read_map(last)[1]["zauberwort"] == {"2021-01-2021-06"}
    assert not {p.stat().st_ino for p in (last / "words").iterdir()} & set(files.values())
    (last / "words" / "index.json").write_text("{}")  # not the map the cache describes
    write_word_map(bundle, more, last, cache)
    assert read_map(bundle)[1]["zauberwort"] == {"2021-01-2021-06"}


def test_a_build_maps_the_words_pagefind_indexed_and_keeps_them_for_the_next(
        tmp_path, capsys):
    site = copy_example(tmp_path)
    assert site.run("build", capsys=capsys).code == 0
    bundle = site.public / "pagefind"
    [part] = index_parts(site.public)
    _, found = read_map(bundle)
    from ratsinfo_site.chunks import index_words
    assert set(found) == set(index_words(part, "de"))
    assert "integrationskonzept" in found
    # the next build reads each part's words from the cache, not from the part's files
    cache = site.root / ".ratsinfo-cache" / word_map.CACHE
    assert cache.is_file()
    words = part_words(bundle, [part.name], "de", {}, site.root / ".ratsinfo-cache")
    assert words[part.name].split("\n") == sorted(found)
    meta = next(part.glob("*.pf_meta")).name
    write_cache(cache, word_map.CACHE_KEY, {meta: "aus\ndem\ncache"})
    assert part_words(bundle, [part.name], "de", {}, site.root / ".ratsinfo-cache") == \
        {part.name: "aus\ndem\ncache"}
