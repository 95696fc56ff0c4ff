"""Tests of the benchmark archive generator (benchmarks/generate.py)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
CONSULTATION_KEYS = {"committee", "date", "role", "agenda_item", "result", "outcome",
                     "public", "votes", "unanimous"}
VOTE_KEYS = {"for", "against", "abstain", "biased"}


def _load():
    spec = importlib.util.spec_from_file_location("ratsinfo_benchmark_generate", GENERATOR)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


gen = _load()


def _split(path: Path) -> tuple[dict, str, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    end = text.index("\n---\n", 4)
    raw = text[4:end]
    return yaml.safe_load(raw), raw, text[end + 5:]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site2000(tmp_path_factory):
    root = tmp_path_factory.mktemp("site2000")
    gen.generate(2000, root)
    res = {}
    for p in sorted((root / "content" / "resolutions").rglob("*.md")):
        fm, raw, body = _split(p)
        res[p] = (fm, raw, body)
    return root, res


def test_same_seed_gives_byte_identical_tree(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    gen.generate(200, a)
    gen.generate(200, b)
    ta, tb = _tree(a), _tree(b)
    assert len([k for k in ta if k.startswith("content/resolutions/")]) == 200
    assert ta == tb


def test_other_seed_gives_other_archive(tmp_path):
    gen.generate(50, tmp_path / "a", seed=1)
    gen.generate(50, tmp_path / "b", seed=2)
    assert _tree(tmp_path / "a") != _tree(tmp_path / "b")


def test_worker_processes_do_not_change_output(tmp_path):
    gen.generate(1200, tmp_path / "one", jobs=1)
    gen.generate(1200, tmp_path / "two", jobs=2)
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_regenerating_into_own_output_replaces_it(tmp_path):
    gen.generate(120, tmp_path)
    gen.generate(60, tmp_path)
    assert len(list((tmp_path / "content" / "resolutions").rglob("*.md"))) == 60


def test_refuses_foreign_non_empty_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit):
        gen.generate(10, tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_site_toml(site2000):
    import tomllib

    root, _ = site2000
    conf = tomllib.loads((root / "site.toml").read_text(encoding="utf-8"))
    assert conf["title"] and conf["body"]


def test_required_keys_and_unique_references(site2000):
    root, res = site2000
    assert len(res) == 2000
    refs = set()
    for path, (fm, raw, _) in res.items():
        assert isinstance(fm["reference"], str), path
        assert re.search(r'^reference: "\d{4}/\d{1,2}/\d{3,}"$', raw, re.M), path
        assert isinstance(fm["title"], str) and fm["title"].strip(), path
        assert type(fm["date"]) is dt.date, path
        assert isinstance(fm["public"], bool), path
        assert fm["reference"] not in refs, fm["reference"]
        refs.add(fm["reference"])
        # the file sits at resolutions/<year>/<slug>.md
        assert path.name == gen.slugify(fm["reference"]) + ".md"
        assert path.parent.name == str(fm["date"].year)
        assert path.stem == fm["reference"].replace("/", "-")


def test_consultations(site2000):
    _, res = site2000
    for path, (fm, raw, _) in res.items():
        cons = fm["consultations"]
        assert 1 <= len(cons) <= 4, path
        dates = [c["date"] for c in cons]
        assert dates == sorted(dates), path
        assert dates[0] >= fm["date"], path
        for c in cons:
            assert set(c) <= CONSULTATION_KEYS, (path, c)
            assert isinstance(c["committee"], str) and type(c["date"]) is dt.date
            assert isinstance(c.get("agenda_item", 1), int | str), path
            if "votes" in c:
                assert c["votes"] and set(c["votes"]) <= VOTE_KEYS, path
                assert all(type(v) is int and v >= 0 for v in c["votes"].values()), path
        # agenda items that are not integers are quoted (7.10 must not become 7.1)
        for item in re.findall(r"agenda_item: (.*)", raw):
            assert re.fullmatch(r'\d+|"\d+\.\d+"', item), (path, item)


def test_results_map_to_outcomes(site2000):
    rules = [
        ("zurückgezogen",), ("abgelehnt", "nicht beschlossen", "nicht zugestimmt",
                             "nicht angenommen"),
        ("vertagt", "zurückgestellt"), ("verwiesen",), ("Kenntnis",), ("vorberaten", "empfohlen"),
        ("beschlossen", "zugestimmt", "angenommen"),
    ]
    seen = Counter()
    for _, (fm, _, _) in site2000[1].items():
        for c in fm["consultations"]:
            hit = next((i for i, words in enumerate(rules)
                        if any(w in c["result"] for w in words)), None)
            assert hit is not None, c["result"]
            seen[hit] += 1
    assert all(seen[i] for i in range(len(rules))), seen


def test_related_and_agenda_references_exist(site2000):
    root, res = site2000
    by_ref = {fm["reference"]: fm for fm, _, _ in res.values()}
    n_related = 0
    for path, (fm, _, _) in res.items():
        for ref in fm.get("related", []):
            n_related += 1
            target = by_ref[ref]
            assert target["public"] is True, (path, ref)
            assert target["date"] <= fm["date"], (path, ref)
            assert ref != fm["reference"]
    assert n_related > 100
    sessions = {(c["committee"], c["date"]) for fm, _, _ in res.values()
                for c in fm["consultations"]}
    files = sorted((root / "content" / "sessions").rglob("*.md"))
    assert len(files) > 20
    for p in files:
        fm, _, _ = _split(p)
        assert (fm["committee"], fm["date"]) in sessions, p
        assert isinstance(fm["start"], str) and re.fullmatch(r"\d\d:\d\d", fm["start"])
        assert fm["agenda"], p
        for ref in fm["agenda"]:
            assert ref in by_ref, (p, ref)


def test_sessions_are_shared(site2000):
    _, res = site2000
    per_session = Counter((c["committee"], c["date"]) for fm, _, _ in res.values()
                          for c in fm["consultations"])
    sizes = sorted(per_session.values())
    median = sizes[len(sizes) // 2]
    assert 8 <= median <= 30, median


def test_committees_and_topics(site2000):
    root, res = site2000
    committees = {_split(p)[0]["name"] for p in (root / "content" / "committees").glob("*.md")}
    topics = {_split(p)[0]["name"] for p in (root / "content" / "topics").glob("*.md")}
    assert len(committees) >= 20
    assert len(topics) >= 40
    used_c = {c["committee"] for fm, _, _ in res.values() for c in fm["consultations"]}
    used_t = {t for fm, _, _ in res.values() for t in fm.get("topics", [])}
    assert used_c <= committees and len(used_c) >= 20
    assert used_t <= topics and len(used_t) >= 40
    assert {"Kreistag", "Kreisausschuss"} <= used_c
    assert any(c.startswith("Ortsteilrat ") for c in used_c)


def test_mix_of_papers(site2000):
    _, res = site2000
    fms = [fm for fm, _, _ in res.values()]
    nonpublic = sum(not fm["public"] for fm in fms)
    assert 0.01 * len(fms) <= nonpublic <= 0.03 * len(fms)
    types = Counter(fm.get("type", "Beschlussvorlage") for fm in fms)
    assert {"Beschlussvorlage", "Antrag", "Anfrage", "Informationsvorlage",
            "Mitteilungsvorlage", "Änderungsantrag"} <= set(types)
    assert {fm["date"].year for fm in fms} == set(range(gen.START_YEAR, gen.END_YEAR + 1))
    assert sum(fm.get("status") == "withdrawn" for fm in fms) >= 3
    assert sum(bool(fm.get("aliases")) for fm in fms) >= 10
    assert any(isinstance(fm.get("finance"), dict) for fm in fms)
    assert any(isinstance(fm.get("finance"), str) for fm in fms)
    assert any(c.get("public") is False for fm in fms if fm["public"]
               for c in fm["consultations"])
    assert any(c.get("unanimous") for fm in fms for c in fm["consultations"])
    assert any(fm.get("resolution") for fm in fms)
    # aliases never collide with each other or with a reference
    slugs = Counter(gen.slugify(a) for fm in fms for a in fm.get("aliases", []))
    slugs.update(gen.slugify(fm["reference"]) for fm in fms)
    assert max(slugs.values()) == 1


def test_size_and_vocabulary(site2000):
    _, res = site2000
    sizes = [p.stat().st_size for p in res]
    mean = sum(sizes) / len(sizes)
    assert 5500 <= mean <= 9000, mean
    words = Counter()
    for _, _, body in res.values():
        words.update(re.findall(r"[A-Za-zÄÖÜäöüß]{3,}", body))
    assert len(words) > 5000
    assert any("|" in body and "| ---" in body for _, _, body in res.values())  # tables
    assert any(re.search(r"^## ", body, re.M) for _, _, body in res.values())
    assert any(re.search(r"^- ", body, re.M) for _, _, body in res.values())
