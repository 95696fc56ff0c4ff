"""``ratsinfo new``: a valid resolution file to fill in, public only when someone says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratsinfo_site.load import as_value, read_document
from ratsinfo_site.model import parse_resolution
from ratsinfo_site.new import resolution_text
from ratsinfo_site.slugs import slugify
from tests.helpers import Site, checksums

REFERENCE = '2024/3/001: "Neu" #1'
TITLE = "Straße – 'Neubau' der K 12: {Abschnitt} & [Brücke] # nicht öffentlich?"


def parsed(path: Path):
    """The record and problems the build gets from a file."""
    return parse_resolution(read_document(path, path.name), path.parent / "files")


def test_new_writes_a_valid_non_public_resolution_and_prints_its_path(site: Site, capsys):
    result = site.run("new", "--reference", REFERENCE, "--title", TITLE, "--committee",
                      "Kreistag", "--date", "2024-05-02", "--type", "Antrag", capsys=capsys)
    assert result.code == 0, result.err
    rel = "content/resolutions/2024/2024-3-001-neu-1.md"
    assert result.out.strip() == rel
    path = site.root / rel
    record, problems = parsed(path)
    assert problems == []
    assert (record.reference, record.title, record.type) == (REFERENCE, TITLE, "Antrag")
    assert record.date == dt.date(2024, 5, 2) and record.public is False
    [consultation] = record.consultations
    assert (consultation.committee, consultation.date, consultation.role) == (
        "Kreistag", dt.date(2024, 5, 2), "")
    lines = path.read_text("utf-8").splitlines()
    public = lines.index("public: false")
    assert "true" in lines[public - 1] and lines[public - 1].startswith("#")


def test_a_new_file_builds_and_publishes_nothing_until_it_is_switched_to_public(site: Site,
                                                                                capsys):
    site.simple("2021/a", "2021/7/014")
    assert site.run("new", "--reference", "2024/3/001", "--title", "Geheimer Neubau",
                    "--committee", "Kreisausschuss", capsys=capsys).code == 0
    result = site.run("build", capsys=capsys)
    assert result.code == 0, result.err
    assert "error" not in result.err
    for rel in checksums(site.public):
        text = (site.public / rel).read_bytes()
        assert b"Geheimer Neubau" not in text and b"2024-3-001" not in text, rel
        assert b"Kreisausschuss" not in text, rel
    [path] = (site.root / "content/resolutions").glob("*/2024-3-001.md")
    path.write_text(path.read_text("utf-8").replace("public: false", "public: true"), "utf-8")
    assert site.run("build", capsys=capsys).code == 0
    assert "Geheimer Neubau" in site.page("beschluesse/2024-3-001/")


def test_the_date_is_today_unless_given(site: Site, capsys):
    before = dt.date.today()
    result = site.run("new", "--reference", "A-1", "--title", "Heute", capsys=capsys)
    after = dt.date.today()
    assert result.code == 0, result.err
    path = site.root / result.out.strip()
    record, _ = parsed(path)
    assert record.date in (before, after)
    assert path.parent.name == str(record.date.year)


def test_an_existing_file_is_not_overwritten(site: Site, capsys):
    args = ("new", "--reference", "2024/3/001", "--title", "Erste Fassung", "--date",
            "2024-01-02")
    assert site.run(*args, capsys=capsys).code == 0
    path = site.root / "content/resolutions/2024/2024-3-001.md"
    before = path.read_bytes()
    result = site.run(*args[:4], "Zweite Fassung", *args[5:], capsys=capsys)
    assert result.code == 1
    assert "content/resolutions/2024/2024-3-001.md:1: exists already" in result.err
    assert path.read_bytes() == before


@pytest.mark.parametrize(("front", "given", "line"), [
    ('reference: "2024/3/001"', "2024/3/001", 2),  # the same reference, another file
    ('reference: "2024/3/001"', "2024-3-001", 2),  # the same address
    ('reference: "B-7"\naliases: ["2024/3/001"]', "2024/3/001", 3),  # an earlier number
])
def test_a_reference_that_exists_anywhere_in_the_archive_is_refused(site: Site, capsys,
                                                                      front, given, line):
    site.resolution("2019/alt", f"{front}\ntitle: Alt\ndate: 2019-01-01\npublic: true")
    result = site.run("new", "--reference", given, "--title", "Neu", "--date", "2024-01-02",
                      capsys=capsys)
    assert result.code == 1
    assert f"content/resolutions/2019/alt.md:{line}: " in result.err
    assert not (site.root / "content/resolutions/2024").exists()


def test_a_committee_spelled_another_way_than_in_the_archive_is_refused(site: Site, capsys):
    site.simple("2021/a", "2021/7/014", extra="consultations:\n  - committee: Kreistag\n"
                "    date: 2021-03-31\n")
    result = site.run("new", "--reference", "2024/1", "--title", "Neu", "--committee",
                      "KREISTAG", capsys=capsys)
    assert result.code == 1
    assert "content/resolutions/2021/a.md:7: committee 'Kreistag'" in result.err


@pytest.mark.parametrize("args", [
    ("--reference", "///", "--title", "x"),
    ("--reference", "1", "--title", "  "),
    ("--reference", "1", "--title", "x", "--date", "2024-02-30"),
    ("--title", "x"),
])
def test_unusable_arguments_are_refused_before_anything_is_written(site: Site, capsys, args):
    with pytest.raises(SystemExit) as exit_:
        site.run("new", *args, capsys=capsys)
    assert exit_.value.code == 2
    assert not any((site.root / "content/resolutions").iterdir())


def test_new_honours_config_and_content_folders(site: Site, capsys, tmp_path: Path):
    elsewhere = tmp_path / "woanders"
    result = site.run("new", "--reference", "X 1", "--title", "Anderswo", "--date",
                      "2023-12-31", "--content", str(elsewhere), capsys=capsys)
    assert result.code == 0, result.err
    assert (elsewhere / "resolutions/2023/x-1.md").is_file()


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40) \
    .map(str.strip).filter(lambda text: bool(slugify(text)))


@settings(max_examples=150, deadline=None)
@given(reference=_TEXT, title=_TEXT, committee=_TEXT)
def test_any_reference_title_and_committee_survive_the_yaml(tmp_path_factory, reference,
                                                            title, committee):
    path = tmp_path_factory.mktemp("new") / "x.md"
    path.write_text(resolution_text(reference, title, dt.date(2024, 1, 2), committee),
                    encoding="utf-8", newline="\n")
    record, problems = parsed(path)
    assert [p for p in problems if not p.warning] == []

    def read(text: str) -> str:  # as the loader reads a value (load.as_value: invisible
        # and control characters dropped, letters composed), then the space either side
        return as_value(text).strip()

    assert (record.reference, record.title) == (read(reference), read(title))
    assert record.consultations[0].committee == read(committee)
