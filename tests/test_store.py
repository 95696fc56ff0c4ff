"""Resolutions' long texts live on disk during a build: handles in memory, text on demand."""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
from pathlib import Path

import jinja2
from markupsafe import Markup

from ratsinfo_site.build import CACHE, build, read_archive
from ratsinfo_site.config import load_config
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
    cache = (root / CACHE / "records.pickle").stat().st_size
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
