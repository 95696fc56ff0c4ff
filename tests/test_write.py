"""The output writer: every path once, nothing outside the new folder, swapped in whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from ratsinfo_site.files import write_file
from ratsinfo_site.write import OutputWriter


@pytest.mark.parametrize("rel", ["../x.html", "/etc/passwd", "a/../../x", "a//b", "./x",
                                 "a/./b", "a\0b"])
def test_paths_outside_the_output_are_refused(tmp_path: Path, rel: str):
    with pytest.raises(ValueError, match="outside"), OutputWriter(tmp_path / "public") as out:
        out.target(rel)
    assert not (tmp_path / "x.html").exists()


def test_each_path_once_and_folders_made(tmp_path: Path):
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "old.html").write_text("old")
    with OutputWriter(tmp_path / "public") as out:
        out.target("a/b/c.json").write_bytes(b"1")
        out.target("a/b/d.json").write_bytes(b"2")
        out.target("e.txt").write_bytes(b"3")
        with pytest.raises(ValueError, match="twice"):
            out.target("a/b/c.json")
    files = sorted(str(p.relative_to(tmp_path / "public"))
                   for p in (tmp_path / "public").rglob("*") if p.is_file())
    assert files == ["a/b/c.json", "a/b/d.json", "e.txt"]
    assert (tmp_path / "public" / "a" / "b" / "c.json").read_bytes() == b"1"


def test_a_page_written_by_a_worker_makes_its_own_folder(tmp_path: Path):
    """The writer leaves a page's folder to the worker that renders it (folder=False):
    made one after another in the parent, the 11,635 page folders of 10,000 resolutions
    took 4-5 s of a cold build."""
    out = OutputWriter(tmp_path / "public").open()
    target = out.target("beschluesse/2021-7-014/index.html", folder=False)
    assert not target.parent.exists()
    write_file(target, b"<p>Beschluss</p>")
    write_file(out.target("beschluesse/2021-7-015/index.html", folder=False), b"<p>B</p>")
    out.finish()
    assert (tmp_path / "public/beschluesse/2021-7-014/index.html").read_bytes() == \
        b"<p>Beschluss</p>"
    assert (tmp_path / "public/beschluesse/2021-7-015/index.html").read_bytes() == b"<p>B</p>"
