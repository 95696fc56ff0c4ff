"""Resolutions' long texts live on disk during a build: handles in memory, text on demand."""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
from pathlib import Path

import jinja2
from markupsafe import Markup

from ratsinfo_site.build import CACHE, build
from ratsinfo_site.config import load_config
from ratsinfo_site.make import read_archive
from ratsinfo_site.read import RecordCache
from ratsinfo_site.sources import code_digest
from ratsinfo_site.store import StoredMarkup, StoredText, TextStore
from tests.helpers import copy_example


def test_handles_print_as_markup_or_as_escaped_text(tmp_path: Path):
    store = TextStore(tmp_path, "code-1")
    places = store.put("source-digest", Markup("<p>Beschluss</p>"), "<b>*Text*</b>", "")
    html, source, empty = StoredMarkup(*places[0]), StoredText(*places[1]), StoredText(*places[2])
    env = jinja2.Environment(autoescape=True)
    out = env.from_string("{{ html }}|{{ source }}|{% if empty %}x{% endif %}").render(
        html=html, source=source, empty=empty)
    assert out == "<p>Beschluss</p>|&lt;b&gt;*Text*&lt;/b&gt;|"
    assert str(Markup(html)) == "<p>Beschluss</p>" and html.striptags() == "Beschluss"
    assert pickle.loads(pickle.dumps(html)) == html
    assert len(list(tmp_path.iterdir())) == 1  # one file per source file
    # other code may render the same source differently: another file
    assert TextStore(tmp_path, "code-2").put("source-digest", "x")[0][0] != html.path


def test_records_keep_handles_and_a_small_cache(tmp_path: Path):
    root = copy_example(tmp_path / "site").root
    with contextlib.chdir(root):
        config = load_config()
    archive, _ = read_archive(config, root / CACHE)
    seed = next(r for r in archive.resolutions if r.reference == "2021/7/014")
    assert isinstance(seed.body, StoredMarkup) and isinstance(seed.text, StoredText)
    assert "Integrationskonzept" in str(seed.text)
    cache = sum(p.stat().st_size for p in (root / CACHE / "records").glob("*.pickle"))
    texts = sum(p.stat().st_size for p in (root / CACHE / "texts").glob("*.txt"))
    assert cache < texts  # the cache holds names, the texts folder the words


def test_a_lost_texts_folder_is_read_anew(tmp_path: Path):
    root = copy_example(tmp_path / "site").root
    with contextlib.chdir(root):
        build(load_config())
        page = (root / "public/beschluesse/2021-7-014/index.html").read_bytes()
        shutil.rmtree(root / CACHE / "texts")
        other = root / "content/resolutions/2022/2022-7-072.md"
        os.utime(other, ns=(other.stat().st_atime_ns, other.stat().st_mtime_ns + 10**9))
        build(load_config())  # one file touched: the cache is consulted, its texts are gone
        archive, _ = read_archive(load_config(), root / CACHE)
    seed = next(r for r in archive.resolutions if r.reference == "2021/7/014")
    assert "Integrationskonzept" in str(seed.body)  # parsed again, not a dangling name
    assert (root / "public/beschluesse/2021-7-014/index.html").read_bytes() == page


def test_a_rebuild_after_one_edit_rewrites_only_the_cache_file_that_holds_it(tmp_path: Path):
    root = copy_example(tmp_path / "site").root
    edited = root / "content/resolutions/2022/2022-7-072.md"
    extra = root / "content/resolutions/2022/2022-9-999.md"
    extra.write_text(edited.read_text(encoding="utf-8").replace("2022/7/072", "2022/9/999"),
                     encoding="utf-8")
    with contextlib.chdir(root):
        build(load_config())
        shards = sorted((root / CACHE / "records").glob("*.pickle"))
        before = {p.name: p.stat().st_ino for p in shards}  # a rewritten file: a new inode
        assert len(shards) > 5  # the example's files spread over many
        edited.write_text(edited.read_text(encoding="utf-8") + "\nNachtrag.\n",
                          encoding="utf-8")
        build(load_config())
        after = {p.name: p.stat().st_ino for p in shards}
        assert len([name for name in before if before[name] != after[name]]) == 1
        extra.unlink()
        build(load_config())
        archive, _ = read_archive(load_config(), root / CACHE)
    keys = RecordCache(root / CACHE, code_digest()).entries
    assert any(key.endswith("2022-7-072.md") for key in keys)
    assert not any(key.endswith("2022-9-999.md") for key in keys)  # its entry is gone
    assert "Nachtrag" in str(next(r for r in archive.resolutions
                                  if r.reference == "2022/7/072").text)


def test_a_damaged_cache_is_built_past_without_a_traceback(tmp_path: Path, capsys):
    """Random bytes in the cache's files (a disk fault, a broken CI cache) raised
    MemoryError from the record cache, a traceback; a damaged text file was taken as the
    text of a page ("template error ... UnicodeDecodeError") until --no-cache."""
    from ratsinfo_site.cli import main
    site = copy_example(tmp_path / "site")
    root = site.root
    edited = root / "content/resolutions/2021/2021-7-014.md"
    with contextlib.chdir(root):
        assert main(["build", "--quiet"]) == 0
        fresh = (root / "public/beschluesse/2021-7-015/index.html").read_bytes()
        # a pickle op that claims 2**60 bytes (MemoryError), then what a broken file holds
        for n, path in enumerate(p for p in sorted((root / CACHE).rglob("*"))
                                 if p.is_file() and p.name != "build.lock"):
            path.write_bytes(b"\x80\x04\x8e" + b"\xff" * 7 + b"\x0f" if n % 2 else
                             bytes(range(256))[n % 200:])
        edited.write_text(edited.read_text(encoding="utf-8") + "\nNachtrag.\n",
                          encoding="utf-8")
        capsys.readouterr()
        assert main(["build", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Error" not in err, err
    assert "Nachtrag" in (root / "public/beschluesse/2021-7-014/index.html").read_text("utf-8")
    assert (root / "public/beschluesse/2021-7-015/index.html").read_bytes() == fresh
