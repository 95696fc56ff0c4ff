"""Arbitrary front matter never crashes the build: it builds, or says path:line: why.

Hypothesis writes random mappings (known keys with values of any type, unknown keys,
random unicode) and random YAML-ish text; ``ratsinfo check`` and ``ratsinfo build`` must
exit with 0, or with 1 and nothing but ``path:line: message`` lines, never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ratsinfo_site.cli import main
from ratsinfo_site.model import SESSION_KEYS, VOTE_KEYS

REPORT = re.compile(r"^(?P<path>[^\n:]+):(?P<line>\d+): (?:warning: )?\S.*$")
SUMMARY = re.compile(r"^(?:Build|Check) failed: \d+ error\(s\)")

# Line breaks inside values are left out here: messages quote values as they are, so one
# would split a report in two (a known bug, see "a key with a line break" in
# tests/test_bad_input.py).
BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=BREAKS),
               max_size=40)
tricky = st.sampled_from([
    "", " ", "yes", "no", "~", "null", "true", "2021/7/014", "2021-7-014", "7.10", "2021-02-30",
    "17:00", "25:99", "---", "<script>alert(1)</script>", "{{ 7*7 }}", "../../etc/passwd",
    "Kreistag", "Soziales", "angenommen", "abgelehnt", "withdrawn", "accepted", "\u202e",
    "ä" * 300, "a b", "#", "|", ">", "&a", "*a", "!!python/object:os.system",
])
scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True), text, tricky,
    st.dates(min_value=dt.date(1, 1, 1)), st.datetimes(),
)
anything = st.recursive(
    scalar, lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.one_of(text, tricky, st.sampled_from(sorted(VOTE_KEYS))), inner,
                      max_size=4), max_leaves=12)
date = st.one_of(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
                 anything)
word = st.one_of(st.sampled_from(["Kreistag", "Kreisausschuss", "Soziales", "Haushalt"]),
                 text, anything)
consultation = st.fixed_dictionaries({"committee": word, "date": date}, optional={
    "role": word, "agenda_item": st.one_of(st.integers(0, 30), word), "result": word,
    "outcome": word, "public": st.one_of(st.booleans(), anything),
    "votes": st.one_of(st.dictionaries(st.sampled_from(sorted(VOTE_KEYS)),
                                       st.one_of(st.integers(-3, 90), anything), max_size=4),
                       anything),
    "unanimous": st.one_of(st.booleans(), anything),
    **{key: anything for key in ("ergebnis", "yes")},
})
resolution = st.fixed_dictionaries(
    {"reference": st.one_of(st.sampled_from(["2021/1", "2021/2", "2021-1"]), text, anything),
     "title": word, "date": date, "public": st.one_of(st.booleans(), anything)},
    optional={
        "status": st.one_of(st.just("withdrawn"), anything), "type": word,
        "topics": st.one_of(st.lists(word, max_size=3), anything), "submitter": word,
        "department": word, "resolution": word,
        "consultations": st.one_of(st.lists(consultation, max_size=3), anything),
        "finance": st.one_of(word, st.dictionaries(text, anything, max_size=3)),
        "signed": st.one_of(st.fixed_dictionaries({}, optional={
            "place": word, "date": date, "name": word, "role": word}), anything),
        "issued": date,
        "attachments": st.one_of(st.lists(st.fixed_dictionaries({}, optional={
            "title": word, "file": st.one_of(st.just("plan.pdf"), text, anything)}),
            max_size=2), anything),
        "related": st.one_of(st.lists(st.sampled_from(["2021/1", "2021/2", "1999/1"]),
                                      max_size=2), anything),
        "aliases": st.one_of(st.lists(st.one_of(st.just("OSR 171"), text), max_size=2),
                             anything),
        "details": st.one_of(st.dictionaries(text, anything, max_size=3), anything),
        "titel": anything,
    })
# Front matter of the right types (the values still random): most of these build.
name = st.one_of(st.sampled_from(["Kreistag", "Kreisausschuss", "Soziales", "Haushalt"]),
                 text.filter(str.strip))
day = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))
good_consultation = st.fixed_dictionaries({"committee": name, "date": day}, optional={
    "role": name, "agenda_item": st.one_of(st.integers(0, 30), name),
    "result": st.one_of(st.sampled_from(["angenommen", "abgelehnt", "vertagt",
                                         "zur Kenntnis genommen"]), name),
    "public": st.booleans(), "unanimous": st.booleans(),
    "votes": st.dictionaries(st.sampled_from(sorted(VOTE_KEYS)), st.integers(0, 90),
                             max_size=4)})
good_resolution = st.fixed_dictionaries(
    {"reference": st.one_of(st.sampled_from(["2021/1", "2021/2", "A-7"]), name),
     "title": name, "date": day, "public": st.booleans()},
    optional={
        "status": st.just("withdrawn"), "type": name, "topics": st.lists(name, max_size=3),
        "submitter": name, "department": name, "resolution": st.one_of(name, tricky),
        "consultations": st.lists(good_consultation, max_size=3),
        "finance": st.one_of(name, st.dictionaries(name, st.one_of(name, st.integers()),
                                                   max_size=3)),
        "signed": st.fixed_dictionaries({}, optional={"place": name, "date": day,
                                                      "name": name, "role": name}),
        "issued": day, "attachments": st.lists(st.fixed_dictionaries(
            {"file": st.just("plan.pdf")}, optional={"title": name}), max_size=2),
        "aliases": st.lists(st.sampled_from(["OSR 171", "B-9"]), max_size=2, unique=True),
        "details": st.dictionaries(name, st.one_of(name, st.integers(), day), max_size=3),
    })
session = st.fixed_dictionaries({"committee": word, "date": date}, optional={
    key: anything for key in sorted(SESSION_KEYS - {"committee", "date"})})

# YAML-ish text, written as it is (everything else is dumped as YAML): the characters YAML
# gives meaning to, and some words.
yamlish = st.lists(st.sampled_from([
    ":", " ", "  ", "\n", "\t", "-", "[", "]", "{", "}", ",", "&a", "*a", "!", "|", ">", "'",
    '"', "#", "%", "@", "`", "?", "reference", "title", "date", "public", "true", "2021-01-01",
    "ä", "\u00a0", "x",
]), max_size=60).map(lambda parts: ("raw", "".join(parts)))


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True


def dump(data: object) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


def run(root: Path, *args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.chdir(root), contextlib.redirect_stderr(err), \
            contextlib.redirect_stdout(io.StringIO()):
        code = main(list(args))
    return code, err.getvalue()


def assert_reported_well(root: Path, code: int, err: str) -> None:
    assert code in (0, 1), err
    assert "Traceback" not in err
    for line in err.splitlines():
        if code == 1 and SUMMARY.match(line):
            continue
        match = REPORT.match(line)
        assert match, f"not a path:line: message report: {line!r}"
        if match["path"] != "site.toml":
            length = (root / match["path"]).read_text("utf-8", "replace").count("\n") + 1
            assert 1 <= int(match["line"]) <= length, line


# A site: the resolution under test, maybe a second paper and a session file. Half the
# sites are of the right types throughout (they mostly build), half anything at all.
well_typed = st.tuples(good_resolution, st.one_of(st.none(), good_resolution.map(
    lambda other: {**other, "reference": "2099/9"})), st.none())
any_types = st.tuples(st.one_of(resolution, anything, yamlish),
                      st.one_of(st.none(), resolution), st.one_of(st.none(), session))


@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(site=st.one_of(well_typed, any_types), body=st.one_of(text, tricky),
       build=st.sampled_from([True, False, False]))
def test_any_front_matter_builds_or_is_reported_as_path_and_line(site, body, build):
    """``check`` on every site; ``build`` too on a third of those that pass (bounds the time:
    a build renders every page and runs Pagefind)."""
    front, other, session_front = site
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files = root / "content" / "files"
        files.mkdir(parents=True)
        (files / "plan.pdf").write_bytes(b"%PDF-1.4 Plan")
        written = {"resolutions/a.md": front, "resolutions/b.md": other,
                   "sessions/s.md": session_front}
        for rel, data in written.items():
            if data is None:
                continue
            path = root / "content" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            yaml_text = data[1] if isinstance(data, tuple) else dump(data)
            path.write_text(f"---\n{yaml_text}\n---\n\n{body}\n", encoding="utf-8")
        code, err = run(root, "check")
        assert_reported_well(root, code, err)
        event(f"check exit status {code}, built: {build and code == 0}")
        if code == 0 and build:
            code, err = run(root, "build", "--base-url", "https://example.org/a/")
            assert_reported_well(root, code, err)
            assert code == 0, err
            assert (root / "public" / "index.html").is_file()
