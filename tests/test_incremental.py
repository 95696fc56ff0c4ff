"""Incremental builds: only what depends on a change is rebuilt; the result equals a cold one."""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

import ratsinfo_site.build as build_module
from ratsinfo_site import make, parts, write
from ratsinfo_site.build import build
from ratsinfo_site.config import load_config
from ratsinfo_site.errors import BuildError, Problem
from tests.helpers import REPO, checksums, copy_example, index_contents, serve


def run_build(root: Path, use_cache: bool = True):
    with contextlib.chdir(root):
        return build(load_config(), use_cache=use_cache)


def site_files(folder: Path) -> dict[str, str]:
    """Every output file but Pagefind's own bundle (not byte-stable between runs); the map
    of which index part holds which word (pagefind/words/) is the build's own."""
    return {k: v for k, v in checksums(folder).items()
            if not k.startswith("pagefind/") or k.startswith("pagefind/words/")}


@pytest.fixture(autouse=True, params=["in this process", "in a child process"])
def render_process(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test twice: a small build reads and renders in this process, a large one in a
    child process that hands the open output back (build.LARGE_BUILD)."""
    child = request.param == "in a child process"
    monkeypatch.setattr(build_module, "LARGE_BUILD", 1 if child else 10**9)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "site").root
    run_build(root)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def cold_copy(root: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "cold"
    shutil.rmtree(copy, ignore_errors=True)  # (the cold copy of an edit before)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("public", ".public.*",
                                                             ".ratsinfo-cache"))
    run_build(copy, use_cache=False)
    return copy


def test_a_rebuild_without_changes_renders_nothing(example: Path):
    before = site_files(example / "public")
    result = run_build(example)
    assert result.rendered == 0 and result.index_parts == 0
    assert site_files(example / "public") == before


def test_a_file_that_is_not_read_is_named_although_nothing_else_changed(example: Path):
    """A resolution saved as "x.MD" is not read: the build that follows says so, where it
    found nothing to do and showed the last build's warnings."""
    (example / "content/resolutions/2024-1.MD").write_text("---\n---\n", encoding="utf-8")
    result = run_build(example)
    assert [str(w) for w in result.warnings if "not read" in w.message] == [
        "content/resolutions/2024-1.MD:1: warning: not read: content files end in '.md'"]
    (example / "content/resolutions/2024-1.MD").unlink()
    assert not [w for w in run_build(example).warnings if "not read" in w.message]


NO_OP = ("import sys; from ratsinfo_site.cli import main; code = main(['build', '--quiet']); "
         "print(code, sorted({'ratsinfo_site.make', 'jinja2', 'markdown', 'pagefind'} "
         "& set(sys.modules)))")


def build_in_new_process(root: Path) -> str:
    """Exit code and which of the stages' modules a build in a new process loaded."""
    done = subprocess.run([sys.executable, "-c", NO_OP], cwd=root, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, check=True)
    return done.stdout.split("\n")[-2]


def test_a_rebuild_without_changes_loads_none_of_the_stages(example: Path):
    """The command line starts fast when there is nothing to do: it reads the content
    files' names, sizes and times, and none of the modules that render (0.2 s to load)."""
    assert build_in_new_process(example) == "0 []"
    touched = example / "content/resolutions/2022/2022-7-072.md"
    touched.write_text(touched.read_text(encoding="utf-8") + "Ein Satz.\n", encoding="utf-8")
    assert build_in_new_process(example) == \
        "0 ['jinja2', 'markdown', 'pagefind', 'ratsinfo_site.make']"


def test_another_pagefind_binary_reindexes_every_part(example: Path, tmp_path, monkeypatch):
    """A changed part is indexed on top of the last build's fragments, which must come
    from the same Pagefind: the no-op check fingerprints the binary Pagefind's own package
    would run, however it was chosen (here ``PAGEFIND_BINARY_PATH``)."""
    from pagefind.service import get_executable

    from ratsinfo_site.incremental import pagefind_binary

    assert pagefind_binary()[0] == str(get_executable())
    other = tmp_path / "bin" / "pagefind"
    other.parent.mkdir()
    shutil.copy2(get_executable(), other)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(other))
    assert pagefind_binary()[0] == str(get_executable()) == str(other)
    parts = len(list((example / "public/pagefind").glob("*/pagefind-entry.json")))
    assert run_build(example).index_parts == parts > 0
    assert run_build(example).index_parts == 0


def test_the_same_pagefind_installed_anew_keeps_the_build_incremental(
        example: Path, tmp_path, monkeypatch):
    """A fresh CI runner installs the same pagefind_bin again (a new file time): that is
    no other Pagefind, and the kept cache must still serve (it made every run cold)."""
    import os

    from pagefind.service import get_executable

    packages = tmp_path / "site-packages"
    (packages / "pagefind_bin-1.5.2.dist-info").mkdir(parents=True)
    binary = packages / "pagefind_bin" / "pagefind"
    binary.parent.mkdir()
    shutil.copy2(get_executable(), binary)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(binary))
    run_build(example)
    later = binary.stat().st_mtime_ns + 3_600 * 10**9
    os.utime(binary, ns=(later, later))  # installed again, an hour later
    result = run_build(example)
    assert (result.rendered, result.index_parts) == (0, 0)


def test_editing_one_resolution_rebuilds_only_what_depends_on_it(example: Path, tmp_path):
    seen = {p.stat().st_ino for p in (example / "public/pagefind").glob("*/fragment/*")}
    # 2022/7/072 is named by no other paper: only 2022 pages show it
    edit(example, "content/resolutions/2022/2022-7-072.md", "\n---\n",
         "\n---\n\nErgänzung: Zauberwortquokka.\n")
    result = run_build(example)
    assert 0 < result.rendered < result.pages / 2
    assert result.index_parts == 1  # the 2022 part; 2021 and 2023 are taken over
    assert "Zauberwortquokka" in (example / "public/beschluesse/2022-7-072/index.html").read_text()
    cold = cold_copy(example, tmp_path) / "public"
    assert site_files(example / "public") == site_files(cold)
    # the changed part holds what a cold build's holds, and no file of the last one over
    assert index_contents(example / "public") == index_contents(cold)
    # and Pagefind wrote only the edited page's fragment: the others are the last build's
    written = [p for p in (example / "public/pagefind").glob("*/fragment/*")
               if p.stat().st_ino not in seen]
    assert len(written) == 1
    assert "Zauberwortquokka" in gzip.decompress(written[0].read_bytes()).decode()


def test_a_part_whose_pages_show_the_same_is_not_indexed_again(tmp_path, monkeypatch):
    """A sentence added to 2022/7/043 changes the inputs of the page of 2021/7/014, which
    lists the papers that name it, but not what that page shows: only the 2022 part is
    indexed again (the 10,000 benchmark's edit re-indexed two parts of about 1,000 pages
    for one so)."""
    monkeypatch.setattr(parts, "MAX_PART_PAGES", 20)  # parts of a few months each
    example = copy_example(tmp_path / "site").root
    assert run_build(example).index_parts == 4
    named = example / "public/beschluesse/2021-7-014/index.html"
    before = named.read_bytes()
    edit(example, "content/resolutions/2022/2022-7-043.md", "\n---\n",
         "\n---\n\nErgänzung: Zauberwortquokka.\n")
    result = run_build(example)
    assert result.rendered > 3  # the paper, its session, lists and the paper it names
    assert named.read_bytes() == before
    assert result.index_parts == 1
    assert site_files(example / "public") == site_files(cold_copy(example, tmp_path) / "public")
    edit(example, "content/resolutions/2021/2021-7-014.md", "\n---\n",
         "\n---\n\nErgänzung: noch ein Satz.\n")  # a page of 2021 that changes
    assert run_build(example).index_parts == 1


class Overlap:
    """Whether the search index was being made while the data files were: the data files
    wait (up to ``seconds``) for the index to begin, and the moments go to a file (a
    large build makes both in a child process)."""

    def __init__(self, log: Path, monkeypatch: pytest.MonkeyPatch, seconds: float,
                 fail: bool = False):
        self.log, self.seconds, self.fail = log, seconds, fail
        self.begun = threading.Event()
        index, data = make.build_search_index, make._write_data
        monkeypatch.setattr(make, "build_search_index", self._noted("index", index))
        monkeypatch.setattr(make, "_write_data", self._noted("data", data))

    def _noted(self, name: str, function):
        def noted(*args, **kwargs):
            if name == "index":
                self.note("index begins")
                self.begun.set()
            else:
                self.note("data begins")
                self.note("data saw the index begin" if self.begun.wait(self.seconds)
                          else "data saw no index begin")
                if self.fail:
                    raise BuildError([Problem("x.md", 1, "the data files failed")])
            try:
                return function(*args, **kwargs)
            finally:
                self.note(f"{name} ends")
        return noted

    def note(self, moment: str) -> None:
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(moment + "\n")

    def moments(self) -> list[str]:
        return self.log.read_text("utf-8").splitlines() if self.log.exists() else []


def test_an_edit_is_indexed_while_the_data_files_are_made(example: Path, tmp_path,
                                                          monkeypatch):
    """Its part of the search index (4 s at 10,000 resolutions) beside the data files
    (1.5 s), not after them; the output as a cold build's."""
    overlap = Overlap(tmp_path / "moments.txt", monkeypatch, 60)
    edit(example, "content/resolutions/2022/2022-7-072.md", "\n---\n",
         "\n---\n\nErgänzung: Zauberwortquokka.\n")
    result = run_build(example)
    assert "data saw the index begin" in overlap.moments()
    assert result.index_parts == 1
    cold = cold_copy(example, tmp_path) / "public"
    assert site_files(example / "public") == site_files(cold)
    assert index_contents(example / "public") == index_contents(cold)


def test_an_edit_is_indexed_after_the_data_files_where_memory_is_short(
        example: Path, tmp_path, monkeypatch):
    monkeypatch.setattr(make, "MEMORY_BUDGET_MB", 1)
    overlap = Overlap(tmp_path / "moments.txt", monkeypatch, 0.5)
    edit(example, "content/resolutions/2022/2022-7-072.md", "\n---\n",
         "\n---\n\nErgänzung: Zauberwortquokka.\n")
    assert run_build(example).index_parts == 1
    assert overlap.moments() == ["data begins", "data saw no index begin", "data ends",
                                 "index begins", "index ends"]


@pytest.mark.parametrize("own,others,indexing,meanwhile", [
    (581, 60, 263, False),  # an edit of 50,000 resolutions: the child, the build, one part
    (300, 50, 430, True),
])
def test_an_edit_is_indexed_beside_the_data_files_only_where_they_fit_as_they_grow(
        example: Path, tmp_path, monkeypatch, own, others, indexing, meanwhile):
    """Making the data files grew the process from 581 to 803 MB at 50,000 resolutions:
    with Pagefind and the process waiting for it beside, the build took 1,001 MB."""
    monkeypatch.setattr(make, "memory_mb", lambda *args: own)
    monkeypatch.setattr(make, "others_mb", lambda: others)
    monkeypatch.setattr(make, "indexing_mb", lambda parts: indexing)
    overlap = Overlap(tmp_path / "moments.txt", monkeypatch, 60 if meanwhile else 0.5)
    edit(example, "content/resolutions/2022/2022-7-072.md", "\n---\n",
         "\n---\n\nErgänzung: Zauberwortquokka.\n")
    assert run_build(example).index_parts == 1
    assert ("data saw the index begin" in overlap.moments()) is meanwhile


def test_data_files_failing_while_the_index_is_made_leave_the_output_as_it_was(
        example: Path, tmp_path, monkeypatch):
    """The build waits for the index to end before it removes its working folder."""
    live = checksums(example / "public")
    overlap = Overlap(tmp_path / "moments.txt", monkeypatch, 60, fail=True)
    edit(example, "content/resolutions/2022/2022-7-072.md", "\n---\n",
         "\n---\n\nErgänzung: Zauberwortquokka.\n")
    with pytest.raises(BuildError, match="the data files failed"):
        run_build(example)
    assert overlap.moments()[-1] == "index ends"
    assert "data saw the index begin" in overlap.moments()
    assert checksums(example / "public") == live
    assert not list(example.glob(".public.*"))  # its working folder is gone
    monkeypatch.undo()
    run_build(example)
    assert site_files(example / "public") == site_files(cold_copy(example, tmp_path) / "public")


def test_a_new_title_remakes_the_data_files_that_show_it(tmp_path):
    root = copy_example(tmp_path / "site").root
    config = root / "site.toml"  # with a host: the Atom feeds are made too
    config.write_text(config.read_text("utf-8").replace('base_url = "/"',
                                                        'base_url = "https://example.org/a/"'))
    first = run_build(root)
    calendar = (root / "public/sitzungen.ics").stat().st_ino
    body_only = 'Ergänzung: nur im Text.'
    edit(root, "content/resolutions/2022/2022-7-072.md", "\n---\n", f"\n---\n\n{body_only}\n")
    second = run_build(root)
    # its own JSON, the lists of all papers, its OParl paper and list page; not the calendar
    assert 0 < second.data_made < first.data_made / 4
    assert (root / "public/sitzungen.ics").stat().st_ino == calendar  # taken over
    edit(root, "content/resolutions/2022/2022-7-072.md", "title: \"", "title: \"Neu: ")
    third = run_build(root)
    assert third.data_made > second.data_made  # feeds, calendar, sessions, OParl meetings
    assert (root / "public/sitzungen.ics").stat().st_ino != calendar
    assert b"Neu: " in (root / "public/feed.xml").read_bytes()
    assert site_files(root / "public") == site_files(cold_copy(root, tmp_path) / "public")


def test_a_fresh_checkout_of_the_same_files_renders_nothing(example: Path, tmp_path,
                                                            monkeypatch):
    """Every file a new time, the same bytes (a CI checkout): attachments too are known by
    their bytes, not their times (the pages listing one were all rendered again, and
    their files were all read again: a tenth of a cold build for each such file)."""
    import ratsinfo_site.read as read
    assert list((example / "content" / "files").rglob("*.pdf"))  # the example has some
    later = time.time() + 60
    for path in example.rglob("*"):
        if path.is_file() and not path.is_relative_to(example / "public") and \
                not path.is_relative_to(example / ".ratsinfo-cache"):
            os.utime(path, (later, later))
    parsed = tmp_path / "parsed.txt"  # by any process: the build may read in a child

    def parse_source(source, *args):
        with open(parsed, "a", encoding="utf-8") as log:
            log.write(source.shown + "\n")
        return real(source, *args)

    real = read.parse_source
    monkeypatch.setattr(read, "parse_source", parse_source)
    result = run_build(example)
    assert (result.rendered, result.data_made, result.index_parts) == (0, 0, 0)
    assert not parsed.exists() or parsed.read_text() == ""
    # the next build knows the files by their new times: nothing to do at all
    assert run_build(example).timings == {}


def test_a_fresh_checkout_with_the_cached_output_rebuilds_only_the_edit(example: Path,
                                                                       tmp_path):
    """What the Pages workflow does: a new checkout (every file new, same bytes), with
    .ratsinfo-cache and public/ restored from actions/cache."""
    later = time.time() + 60
    for path in example.rglob("*"):
        if path.is_file() and not path.is_relative_to(example / "public") and \
                not path.is_relative_to(example / ".ratsinfo-cache"):
            path.write_bytes(path.read_bytes())
            os.utime(path, (later, later))
    edit(example, "content/resolutions/2022/2022-7-072.md", "\n---\n",
         "\n---\n\nErgänzung: Zauberwortquokka.\n")
    result = run_build(example)
    assert 0 < result.rendered < result.pages / 2
    assert result.index_parts == 1
    assert site_files(example / "public") == site_files(cold_copy(example, tmp_path) / "public")


def test_the_pages_workflow_keeps_the_cache_and_the_last_output():
    workflow = yaml.safe_load((REPO / ".github/workflows/pages.yml").read_text("utf-8"))
    cache = next(step for step in workflow["jobs"]["build"]["steps"]
                 if step.get("uses", "").startswith("actions/cache@"))
    assert set(cache["with"]["path"].split()) == {".ratsinfo-cache", "public"}


@pytest.mark.parametrize("variable, pyproject, installed", [
    ("", True, "install ."),  # ratsinfo-site's own repository: the example archive
    ("ratsinfo-site @ git+https://example.org/r.git@v1", False,
     "install ratsinfo-site @ git+https://example.org/r.git@v1"),  # a council's repository
    ("", False, None),  # a council's repository that names nothing: a clear error
])
def test_the_pages_workflow_installs_ratsinfo_site_in_any_repository(
        tmp_path, variable: str, pyproject: bool, installed: str | None):
    """A council's own repository has site.toml and content/, not the generator's code:
    the workflow's 'pip install .' failed there."""
    import subprocess
    workflow = yaml.safe_load((REPO / ".github/workflows/pages.yml").read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    python = next(step for step in steps if step.get("uses", "").startswith("actions/setup-"))
    assert python["with"]["cache-dependency-path"] == ".github/workflows/pages.yml"
    install = next(step for step in steps if step.get("name") == "Install ratsinfo-site")
    repository = tmp_path / "repo"
    (repository / "content").mkdir(parents=True)
    if pyproject:
        (repository / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    fake = tmp_path / "bin" / "pip"  # records what would be installed
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$*" > {tmp_path}/pip-args\n')
    fake.chmod(0o755)
    run = subprocess.run(["bash", "-e", "-c", install["run"]], cwd=repository,
                         capture_output=True, text=True,
                         env={"PATH": f"{fake.parent}:/usr/bin:/bin", "RATSINFO_SITE": variable})
    if installed is None:
        assert run.returncode == 1 and "RATSINFO_SITE" in run.stdout
        assert not (tmp_path / "pip-args").exists()
    else:
        assert run.returncode == 0, run.stderr
        assert (tmp_path / "pip-args").read_text().strip() == installed


def test_the_output_before_last_is_reused_without_touching_the_live_output(example: Path,
                                                                         tmp_path):
    """From the third build on, the output before last (.public.spare) is brought up to
    date and swapped in; files it shares with public/ are replaced, never written into."""
    first = (example / "public").stat().st_ino
    edit(example, "content/resolutions/2022/2022-7-072.md", "\n---\n",
         "\n---\n\nErgänzung: Zauberwortquokka.\n")
    run_build(example)
    spare = example / ".public.spare"
    assert spare.is_dir()
    live = checksums(example / "public")
    (example / "content/resolutions/2023/2023-7-097.md").unlink()  # a page goes
    edit(example, "content/resolutions/2021/2021-7-014.md", "Vielfalt im Hinblick",
         "Zauberwortwombat und Vielfalt im Hinblick")
    third = run_build(example)
    assert 0 < third.rendered < third.pages / 2
    assert (example / "public").stat().st_ino == first  # the first output's folder, reused
    assert checksums(spare) == live  # the last output, untouched, is now the spare
    public = example / "public"
    assert not (public / "beschluesse/2023-7-097").exists()
    assert "Zauberwortwombat" in (public / "beschluesse/2021-7-014/index.html").read_text()
    assert "Zauberwortquokka" in (public / "beschluesse/2022-7-072/index.html").read_text()
    cold = cold_copy(example, tmp_path) / "public"
    assert site_files(public) == site_files(cold)
    assert index_contents(public) == index_contents(cold)
    assert sorted(p.relative_to(public) for p in public.rglob("*") if p.is_dir()) == \
        sorted(p.relative_to(cold) for p in cold.rglob("*") if p.is_dir())  # no empty folder


class RecordedClone(write.OutputClone):
    """The build's copy of the live output, noting what it gave in a file (a large build
    reads and renders in a child process)."""

    log: Path

    def result(self) -> Path | None:
        done = super().result()
        with open(RecordedClone.log, "a", encoding="utf-8") as handle:
            handle.write(f"{done}\n")
        return done

    @classmethod
    def results(cls) -> list[str]:
        return cls.log.read_text("utf-8").splitlines() if cls.log.exists() else []


def test_the_first_rebuild_works_in_a_copy_of_the_live_output(example: Path, tmp_path,
                                                               monkeypatch):
    """Without an output before last, the live output is copied (hard links) while the
    content is read, and the build works in the copy as in a spare."""
    monkeypatch.setattr(make, "OutputClone", RecordedClone)
    RecordedClone.log = tmp_path / "clones.txt"
    live = checksums(example / "public")
    page = "beschluesse/2021-7-014/index.html"
    unchanged = (example / "public" / page).stat().st_ino
    edit(example, "content/resolutions/2022/2022-7-072.md", "\n---\n",
         "\n---\n\nErgänzung: Zauberwortquokka.\n")
    result = run_build(example)
    assert len(RecordedClone.results()) == 1 and RecordedClone.results()[0] != "None"
    assert 0 < result.rendered < result.pages / 2
    public = example / "public"
    assert "Zauberwortquokka" in (public / "beschluesse/2022-7-072/index.html").read_text()
    assert (public / page).stat().st_ino == unchanged  # linked, not written
    assert checksums(example / ".public.spare") == live  # the old output, untouched
    assert not list(example.glob(".public.clone-*"))
    cold = cold_copy(example, tmp_path) / "public"
    assert site_files(public) == site_files(cold)
    assert index_contents(public) == index_contents(cold)


def test_a_file_gone_from_the_live_output_makes_the_copy_give_way(example: Path, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setattr(make, "OutputClone", RecordedClone)
    RecordedClone.log = tmp_path / "clones.txt"
    (example / "public/beschluesse/2021-7-014/index.html").unlink()  # by hand
    edit(example, "content/resolutions/2022/2022-7-072.md", "\n---\n", "\n---\n\nNeu.\n")
    run_build(example)
    assert RecordedClone.results() == ["None"]  # not used: the build makes a new folder
    assert not list(example.glob(".public.clone-*"))
    public = example / "public"
    assert (public / "beschluesse/2021-7-014/index.html").is_file()
    assert site_files(public) == site_files(cold_copy(example, tmp_path) / "public")


def test_a_failed_rebuild_leaves_no_copy_of_the_output(example: Path):
    live = checksums(example / "public")
    edit(example, "content/resolutions/2022/2022-7-072.md", "\n---\n",
         "\ndate: kein Datum\n---\n")
    with pytest.raises(BuildError):
        run_build(example)
    assert not list(example.glob(".public.clone-*"))
    assert checksums(example / "public") == live


def test_a_spare_without_its_manifest_is_not_trusted(example: Path, tmp_path):
    edit(example, "content/resolutions/2021/2021-7-014.md", "Vielfalt im Hinblick",
         "Vielfalt, auch im Hinblick")
    run_build(example)  # the first output is now the spare
    (example / ".ratsinfo-cache/spare.json").unlink()  # e.g. a build killed while using it
    spare = example / ".public.spare"
    (spare / "beschluesse/2021-7-014/index.html").unlink()
    (spare / "fremd.html").write_text("nicht von uns")
    edit(example, "content/resolutions/2022/2022-7-072.md", "\n---\n", "\n---\n\nNeu.\n")
    run_build(example)
    public = example / "public"
    assert not (public / "fremd.html").exists()
    assert site_files(public) == site_files(cold_copy(example, tmp_path) / "public")


def test_a_build_without_the_cache_leaves_no_stale_manifest(example: Path, tmp_path):
    """--no-cache replaces public/: what the cache said about the old output must go."""
    rel = "content/resolutions/2022/2022-7-072.md"
    original = (example / rel).read_text("utf-8")
    edit(example, rel, "\n---\n", "\n---\n\nErgänzung: Zauberwortquokka.\n")
    run_build(example)  # the first output is now the spare
    run_build(example, use_cache=False)
    (example / rel).write_text(original, "utf-8")  # back to what the cache last saw
    run_build(example)
    page = (example / "public/beschluesse/2022-7-072/index.html").read_text("utf-8")
    assert "Zauberwortquokka" not in page
    assert site_files(example / "public") == site_files(cold_copy(example, tmp_path) / "public")


def test_removing_a_resolution_removes_its_page(example: Path, tmp_path):
    (example / "content/resolutions/2023/2023-7-097.md").unlink()
    run_build(example)
    assert not (example / "public/beschluesse/2023-7-097").exists()
    assert site_files(example / "public") == site_files(cold_copy(example, tmp_path) / "public")


def test_a_changed_template_rebuilds_every_page(example: Path, tmp_path):
    footer = example / "layouts" / "footer.html"
    footer.write_text(footer.read_text("utf-8") + "<p>Neu im Fuß</p>\n", "utf-8")
    result = run_build(example)
    assert result.rendered == result.pages
    assert "Neu im Fuß" in (example / "public/beschluesse/2021-7-014/index.html").read_text()
    assert site_files(example / "public") == site_files(cold_copy(example, tmp_path) / "public")


def test_a_changed_attachment_is_published_anew(example: Path, tmp_path):
    pdf = example / "content/files/2022/breitband-foerdergebiete.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% ergaenzt\n")
    run_build(example)
    assert (example / "public/dateien/2022/breitband-foerdergebiete.pdf").read_bytes() == \
        pdf.read_bytes()
    assert site_files(example / "public") == site_files(cold_copy(example, tmp_path) / "public")


def test_an_attachment_replaced_by_one_of_the_same_size_gives_its_text_anew(example: Path,
                                                                            tmp_path):
    """Its page kept the old file's words for the search (the digest knew the size only)."""
    from tests.test_leaks import text_pdf

    pdf = example / "content/files/2021/anlage-test.pdf"
    pdf.write_bytes(text_pdf("Zauberwort Quittenbaum"))
    edit(example, "content/resolutions/2021/2021-7-014.md", "\nissued:",
         "\nattachments:\n  - {title: Testanlage, file: 2021/anlage-test.pdf}\nissued:")
    run_build(example)
    page = example / "public/beschluesse/2021-7-014/index.html"
    assert "Quittenbaum" in page.read_text("utf-8")
    pdf.write_bytes(text_pdf("Zauberwort Kirschbaum1"))  # the same size
    run_build(example)
    assert "Kirschbaum1" in page.read_text("utf-8")
    assert site_files(example / "public") == site_files(cold_copy(example, tmp_path) / "public")


def test_adding_or_removing_a_text_page_changes_every_footer(example: Path, tmp_path):
    """The imprint removed: a hundred pages kept a footer link to a page no longer there."""
    imprint = example / "content/pages/impressum.md"
    text = imprint.read_text("utf-8")
    imprint.unlink()
    run_build(example)
    assert 'href="/impressum/"' not in (example / "public/index.html").read_text("utf-8")
    assert site_files(example / "public") == site_files(cold_copy(example, tmp_path) / "public")
    shutil.rmtree(tmp_path / "cold")
    imprint.write_text(text, "utf-8")
    run_build(example)
    assert site_files(example / "public") == site_files(cold_copy(example, tmp_path) / "public")


def test_a_build_ended_between_the_swap_and_the_cache_leaves_no_stale_cache(
        example: Path, tmp_path, monkeypatch):
    """Killed there (a power cut, the OOM killer), the cache described the output before
    and the next build trusted it: after undoing the edit, the page kept the edit."""
    import ratsinfo_site.write as write_module

    rel = "content/resolutions/2022/2022-7-052.md"
    original = (example / rel).read_text("utf-8")
    edit(example, rel, "title: ", "title: Geänderter Titel S1 ")
    finish = write_module.OutputWriter.finish

    def finish_then_die(self):
        finish(self)
        raise KeyboardInterrupt  # as if the process ended here

    monkeypatch.setattr(write_module.OutputWriter, "finish", finish_then_die)
    with pytest.raises(KeyboardInterrupt):
        run_build(example)
    monkeypatch.setattr(write_module.OutputWriter, "finish", finish)
    (example / rel).write_text(original, "utf-8")
    run_build(example)
    assert "Geänderter Titel" not in \
        (example / "public/beschluesse/2022-7-052/index.html").read_text("utf-8")
    assert site_files(example / "public") == site_files(cold_copy(example, tmp_path) / "public")


@pytest.mark.browser
def test_search_finds_the_edit_after_an_incremental_build(example: Path, page):
    from tests.browser import results, wait_for_results
    edit(example, "content/resolutions/2021/2021-7-014.md", "Vielfalt im Hinblick",
         "Zauberwortquokka und Vielfalt im Hinblick")
    run_build(example)
    with serve(example / "public") as base:
        page.goto(base + "suche/?q=Zauberwortquokka")
        wait_for_results(page)
        assert [r["title"] for r in results(page)] == ["Integrationskonzept Kyffhäuserkreis 2020"]
        page.goto(base + "suche/?q=Integrationskonzept")
        wait_for_results(page)
        assert results(page)
