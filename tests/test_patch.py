"""An edit's index part is patched for the pages that changed: the same index as a cold
build makes, or, where a patch cannot be sure of that, the part is indexed anew."""

from __future__ import annotations

import contextlib
import random
import re
from pathlib import Path

import pytest

from ratsinfo_site import search
from tests.helpers import checksums, copy_example, index_contents, index_parts
from tests.test_incremental import cold_copy, edit, run_build

PAPER = "content/resolutions/2022/2022-7-052.md"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "site").root
    run_build(root)
    return root


@pytest.fixture
def indexed_anew(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The parts Pagefind indexes whole."""
    names: list[str] = []
    index_part = search._index_part

    async def noted(site, part, *args, **kwargs):
        names.append(part.name)
        return await index_part(site, part, *args, **kwargs)

    monkeypatch.setattr(search, "_index_part", noted)
    return names


EDITS = {
    "a new word in the text": [(PAPER, "rechtzeitig vorzulegen.",
                                "rechtzeitig vorzulegen. Zauberwortquokka.")],
    "a title, on its sessions' pages too": [
        (PAPER, 'title: "Abfallwirtschaftskonzept', 'title: "Neues Grundabfallkonzept')],
    "a result (a filter's value)": [(PAPER, "result: angenommen\n    votes: {for: 31",
                                     "result: abgelehnt\n    votes: {for: 31")],
    "two papers, a word gone": [
        (PAPER, "Biotonne im gesamten", "Wertstofftonne im gesamten"),
        ("content/resolutions/2021/2021-7-014.md", "Vielfalt im Hinblick",
         "Öl-Vielfalt im Hinblick")],
}


@pytest.mark.parametrize("edits", EDITS.values(), ids=EDITS.keys())
def test_an_edit_patches_its_part_to_what_a_cold_build_indexes(
        example: Path, tmp_path: Path, indexed_anew: list[str], edits):
    before = index_contents(example / "public")
    for rel, old, new in edits:
        edit(example, rel, old, new)
    result = run_build(example)
    assert result.index_parts == 1 and indexed_anew == []  # changed, but not indexed anew
    patched = index_contents(example / "public")
    assert patched != before
    assert patched == index_contents(cold_copy(example, tmp_path) / "public")


def test_pages_new_to_the_part_are_patched_in_where_pagefind_sorts_them(
        example: Path, tmp_path: Path, indexed_anew: list[str]):
    edit(example, PAPER, "date: 2022-06-15", "date: 2022-06-16")  # a session of its own
    # a paper like one there, of the same date: both orders of the sort's tie count
    text = (example / PAPER).read_text("utf-8").replace('reference: "2022/7/052"',
                                                        'reference: "2022/7/952"')
    (example / "content/resolutions/2022/2022-7-952.md").write_text(
        text.replace("Abfallwirtschaftskonzept", "Wertstoffkonzept")
        .replace('aliases: ["2021/7/039"]\n', ""), "utf-8")
    run_build(example)
    assert indexed_anew == []
    indexed = index_contents(example / "public")
    cold = index_contents(cold_copy(example, tmp_path) / "public")
    if search._staging_root() is None:  # Pagefind orders equal dates as the disk lists them
        assert ties_as_sets(indexed) == ties_as_sets(cold)
        return
    assert indexed == cold
    [sort] = [part["sorts"]["date"] for part in indexed.values()]
    assert sort.index("/beschluesse/2022-7-952/") == sort.index("/beschluesse/2022-7-052/") - 1


def ties_as_sets(contents: dict[str, dict]) -> dict[str, dict]:
    """``index_contents`` with each sort's pages of one value as a set."""
    for part in contents.values():
        for name, urls in part["sorts"].items():
            value = {url: part["pages"][url][1]["meta"].get(name) for url in urls}
            part["sorts"][name] = [(v, {u for u in urls if value[u] == v})
                                   for v in dict.fromkeys(value[u] for u in urls)]
    return contents


def test_a_page_gone_from_the_part_has_it_indexed_anew(example: Path, tmp_path: Path,
                                                       indexed_anew: list[str]):
    edit(example, PAPER, "public: true", "public: false")  # its page goes
    run_build(example)
    assert indexed_anew == [p.name for p in index_parts(example / "public")]
    assert index_contents(example / "public") == \
        index_contents(cold_copy(example, tmp_path) / "public")


def test_a_changed_date_that_moves_a_page_in_the_sort_has_its_part_indexed_anew(
        example: Path, tmp_path: Path, indexed_anew: list[str]):
    edit(example, PAPER, "date: 2022-04-26", "date: 2021-02-11")
    run_build(example)
    assert indexed_anew == [p.name for p in index_parts(example / "public")]
    indexed = index_contents(example / "public")
    assert indexed == index_contents(cold_copy(example, tmp_path) / "public")
    sort = next(iter(indexed.values()))["sorts"]["date"]
    assert sort.index("/beschluesse/2022-7-052/") < sort.index("/beschluesse/2021-7-014/")


def test_a_published_page_that_is_not_what_the_index_holds_has_its_part_indexed_anew(
        example: Path, tmp_path: Path, indexed_anew: list[str]):
    page = example / "public/beschluesse/2022-7-052/index.html"
    html = page.read_text("utf-8").replace("Biotonne", "Komposttonne")
    page.unlink()  # (not the file the last build's cache may share)
    page.write_text(html, "utf-8")
    edit(example, PAPER, "rechtzeitig vorzulegen.", "rechtzeitig vorzulegen. Quokka.")
    run_build(example)
    assert indexed_anew == [p.name for p in index_parts(example / "public")]
    indexed = index_contents(example / "public")
    assert indexed == index_contents(cold_copy(example, tmp_path) / "public")
    assert not any(w.startswith("komposttonn") for p in indexed.values() for w in p["words"])


def test_a_patch_that_cannot_be_written_fails_the_build_with_a_message(
        example: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    import errno

    from ratsinfo_site import patch
    from ratsinfo_site.cli import main

    before = checksums(example / "public")

    def full_disk(site: Path, pages, folder: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(folder))

    monkeypatch.setattr(patch, "link_pages", full_disk)
    edit(example, PAPER, "rechtzeitig vorzulegen.", "rechtzeitig vorzulegen. Quokka.")
    with contextlib.chdir(example):
        assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert re.search(r"error: .*ratsinfo-patch-.*: No space left on device", err)
    assert checksums(example / "public") == before


def test_edits_in_a_row_keep_the_patched_part_as_a_cold_build_indexes_it(
        example: Path, tmp_path: Path, indexed_anew: list[str]):
    """Edits of every kind, one build after another, each part patched from the last
    patched one: words added and taken out (umlauts, compounds, amounts), lines swapped,
    titles, results, types and topics changed."""
    rng = random.Random(7)
    words = ["Zauberwort", "Gründen", "Ölpreis", "Straßenbau", "der", "2024", "50.000 €",
             "Kyffhäuserkreis", "Schulen", "Fachwerkhaus"]
    papers = sorted((example / "content/resolutions").rglob("*.md"))
    fields = [("result: angenommen", "result: abgelehnt"), ("topics: [", "topics: [Neuthema, "),
              ("type: Beschlussvorlage", "type: Mitteilungsvorlage")]
    for _ in range(5):
        for paper in rng.sample(papers, 2):
            text = paper.read_text("utf-8")
            front, body = text.split("\n---\n", 1)
            lines = body.split("\n")
            at = rng.randrange(len(lines))
            kind = rng.choice(["add", "drop", "swap", "field"])
            if kind == "add":
                lines.insert(at, " ".join(rng.choices(words, k=rng.randint(1, 6))) + ".")
            elif kind == "drop":
                del lines[at]
            elif kind == "swap":
                other = rng.randrange(len(lines))
                lines[at], lines[other] = lines[other], lines[at]
            else:
                old, new = rng.choice([f for f in fields if f[0] in front] or [("", "")])
                front = front.replace(old, new, 1)
            paper.write_text(front + "\n---\n" + "\n".join(lines), "utf-8")
        indexed_anew.clear()
        run_build(example)
        assert indexed_anew == []
        assert index_contents(example / "public") == \
            index_contents(cold_copy(example, tmp_path) / "public")
