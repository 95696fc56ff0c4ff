"""Bad input: every error of the format's Errors section names its file, line and field."""

from __future__ import annotations

import pytest

from tests.helpers import Site, checksums

GOOD = """\
reference: "2021/7/014"
title: "Integrationskonzept"
date: 2021-03-31
public: true
"""


@pytest.fixture
def built(site: Site, capsys) -> Site:
    """A site that built once, so ``public/`` holds a previous good output."""
    site.resolution("good", GOOD)
    assert site.run("build", capsys=capsys).code == 0
    return site


def fails_with(site: Site, capsys, *expected: str) -> str:
    """Build must fail, print each expected line, leave public/ as it was, show no traceback."""
    before = checksums(site.public)
    run = site.run("build", capsys=capsys)
    assert run.code == 1, run.err
    for line in expected:
        assert line in run.err.splitlines(), f"{line!r} not in:\n{run.err}"
    assert "Traceback" not in run.err
    assert checksums(site.public) == before
    assert not list(site.root.glob(".public.*")), "temporary output left behind"
    return run.err


CASES = {
    # name: (front matter of content/resolutions/bad.md, the expected report line)
    "missing public": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\n',
        "content/resolutions/bad.md:1: missing required key 'public'"),
    "missing title": (
        'reference: "2021/1"\ndate: 2021-01-01\npublic: true\n',
        "content/resolutions/bad.md:1: missing required key 'title'"),
    "missing reference": (
        'title: "T"\ndate: 2021-01-01\npublic: true\n',
        "content/resolutions/bad.md:1: missing required key 'reference'"),
    "public is text": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: "ja"\n',
        "content/resolutions/bad.md:5: 'public' must be true or false, not 'ja'"),
    "numeric reference": (
        'title: "T"\nreference: 2021.10\ndate: 2021-01-01\npublic: true\n',
        "content/resolutions/bad.md:3: 'reference' 2021.1 is read by YAML as a number: "
        "quote it (reference: \"...\")"),
    "impossible date": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-02-30\npublic: true\n',
        "content/resolutions/bad.md:4: impossible date '2021-02-30' "
        "(day is out of range for month)"),
    "date is not a date": (
        'reference: "2021/1"\ntitle: "T"\ndate: "31.03.2021"\npublic: true\n',
        "content/resolutions/bad.md:4: 'date' '31.03.2021' is not a date YYYY-MM-DD "
        "(or an impossible one)"),
    "negative vote": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: true\nconsultations:\n'
        '  - committee: Kreistag\n    date: 2021-01-02\n    votes: {for: -3, against: 1}\n',
        "content/resolutions/bad.md:9: 'consultations.votes.for' must not be negative (-3)"),
    "non-integer vote": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: true\nconsultations:\n'
        '  - committee: Kreistag\n    date: 2021-01-02\n    votes:\n      for: 2.5\n',
        "content/resolutions/bad.md:10: 'consultations.votes.for' must be a whole number, "
        "not 2.5"),
    "yes/no vote keys": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: true\nconsultations:\n'
        '  - committee: Kreistag\n    date: 2021-01-02\n    votes:\n      yes: 20\n',
        "content/resolutions/bad.md:10: unknown vote key 'yes' (YAML reads yes/no as "
        "true/false: use for/against); allowed: for, against, abstain, biased"),
    "consultation without committee": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: true\nconsultations:\n'
        '  - date: 2021-01-02\n',
        "content/resolutions/bad.md:7: missing required key 'consultations.committee'"),
    "float agenda item": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: true\nconsultations:\n'
        '  - committee: Kreistag\n    date: 2021-01-02\n    agenda_item: 7.10\n',
        "content/resolutions/bad.md:9: 'consultations.agenda_item' YAML reads this as the "
        "number 7.1: quote it (\"7.10\")"),
    "unknown outcome": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: true\nconsultations:\n'
        '  - committee: Kreistag\n    date: 2021-01-02\n    outcome: passed\n',
        "content/resolutions/bad.md:9: 'outcome' must be one of accepted, rejected, deferred, "
        "referred, withdrawn, noted, advised, other"),
    "broken yaml": (
        'reference: "2021/1"\ntitle: "T\ndate: 2021-01-01\npublic: true\n',
        "content/resolutions/bad.md:6: broken YAML: found unexpected end of stream"),
    "tab in yaml": (
        'reference: "2021/1"\ntitle: T\n\tdate: 2021-01-01\npublic: true\n',
        "content/resolutions/bad.md:4: broken YAML: found a tab character that violates "
        "indentation"),
    "yaml alias": (
        'reference: "2021/1"\ntitle: &t "T"\nsubmitter: *t\ndate: 2021-01-01\npublic: true\n',
        "content/resolutions/bad.md:4: YAML anchors and aliases (& and *) are not allowed in "
        "front matter"),
    "related names nothing": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: true\nrelated:\n'
        '  - "2021/7/014"\n  - "1999/0"\n',
        "content/resolutions/bad.md:8: related '1999/0' names no resolution"),
    "attachment missing": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: true\nattachments:\n'
        '  - {title: Plan, file: plan.pdf}\n',
        "content/resolutions/bad.md:7: attachment 'plan.pdf' not found in content/files/"),
    "attachment outside files": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: true\nattachments:\n'
        '  - title: Geheim\n    file: ../resolutions/good.md\n',
        "content/resolutions/bad.md:8: attachment '../resolutions/good.md' is outside "
        "content/files/"),
    "status unknown": (
        'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: true\nstatus: draft\n',
        "content/resolutions/bad.md:6: 'status' can only be 'withdrawn', not 'draft'"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_front_matter_is_reported_with_path_and_line(built: Site, capsys, name: str):
    front, expected = CASES[name]
    built.write("content/resolutions/bad.md", f"---\n{front}---\n\nText.\n")
    fails_with(built, capsys, expected)


ONE = 'reference: "2021/1"\ntitle: "T"\ndate: 2021-01-01\npublic: true\n'  # lines 2 to 5


@pytest.mark.parametrize("front, expected", [
    (ONE + "topics: {Soziales: Integration}\n",
     "content/resolutions/bad.md:6: 'topics' must be a list"),
    (ONE + "related: 2020\n", "content/resolutions/bad.md:6: 'related' must be text: YAML "
     "reads 2020 as a number; quote it"),
    (ONE + "details:\n  <<: {Klimarelevanz: keine}\n", "content/resolutions/bad.md:7: "
     "merge keys ('<<') are not part of the format: write out the keys meant"),
    (ONE + "<<: {submitter: Landrat}\n", "content/resolutions/bad.md:6: merge keys ('<<') "
     "are not part of the format: write out the keys meant"),
])
def test_one_mistake_in_front_matter_is_one_message(built: Site, capsys, front: str,
                                                     expected: str):
    """A mapping for a list was reported twice ("must be text" and "must be a list"), a
    merge key as an unreadable value and as the unknown key '<unparsed>'."""
    built.write("content/resolutions/bad.md", f"---\n{front}---\n\nText.\n")
    err = fails_with(built, capsys, expected)
    assert [line for line in err.splitlines() if line.startswith("content/")] == [expected]


def test_labels_yaml_reads_as_one_key_are_named_as_written(built: Site, capsys):
    """YAML reads 1 and true (or yes and on) as the same key: reported as "'True' appears
    twice", a label the file does not have."""
    built.write("content/resolutions/bad.md", f"---\n{ONE}details:\n  1: eins\n  true: wahr\n"
                "  Anhörung: ja\n  Anhörung: nein\n---\n\nText.\n")
    err = fails_with(built, capsys)
    assert [line for line in err.splitlines() if line.startswith("content/")] == [
        "content/resolutions/bad.md:8: 'true' is the same key to YAML as '1' (line 7): quote "
        "both to keep them apart",
        "content/resolutions/bad.md:10: 'Anhörung' appears twice"]


def test_file_that_is_not_utf8_is_named_with_its_line(built: Site, capsys):
    built.write("content/resolutions/bad.md",
                "---\nreference: \"2021/1\"\ntitle: \"Gr\xfcn\"\n".encode("latin-1"))
    fails_with(built, capsys, "content/resolutions/bad.md:3: not UTF-8 (byte 0xfc); "
               "save the file as UTF-8")


def test_duplicate_reference_names_both_files(built: Site, capsys):
    built.resolution("2022/copy", GOOD.replace("Integrationskonzept", "Kopie"))
    fails_with(built, capsys,
               "content/resolutions/2022/copy.md:2: duplicate reference '2021/7/014': also in "
               "content/resolutions/good.md:2",
               "content/resolutions/good.md:2: duplicate reference '2021/7/014': also in "
               "content/resolutions/2022/copy.md:2")


def test_references_with_equal_slugs_are_an_error_naming_both(built: Site, capsys):
    built.simple("other", "2021-7-014")
    err = fails_with(built, capsys)
    assert "content/resolutions/other.md:2: reference '2021-7-014' has the same address " \
        "'2021-7-014' as '2021/7/014' in content/resolutions/good.md:2" in err


def test_committees_with_equal_slugs_are_an_error_naming_both(built: Site, capsys):
    built.simple("a", "2021/2", extra="consultations:\n  - {committee: Kreistag, date: "
                 "2021-04-01}\n")
    built.simple("b", "2021/3", extra="consultations:\n  - {committee: KREISTAG, date: "
                 "2021-04-01}\n")
    err = fails_with(built, capsys)
    assert "committee 'KREISTAG' has the same address 'kreistag' as 'Kreistag'" in err
    assert "content/resolutions/a.md:7" in err and "content/resolutions/b.md:7" in err


def test_agenda_entry_naming_nothing_is_an_error(built: Site, capsys):
    built.write("content/sessions/kt.md", "---\ncommittee: Kreistag\ndate: 2021-03-31\n"
                "agenda:\n  - \"2021/7/014\"\n  - \"2021/99\"\n---\n")
    fails_with(built, capsys, "content/sessions/kt.md:6: agenda entry '2021/99' names no "
               "resolution")


def test_attachment_through_a_symlink_out_of_files_is_an_error(built: Site, capsys):
    secret = built.write("secret/intern.pdf", b"%PDF-1.4 intern")
    (built.root / "content" / "files").mkdir(parents=True)
    (built.root / "content" / "files" / "link.pdf").symlink_to(secret)
    built.simple("bad", "2021/1", extra="attachments:\n  - {title: A, file: link.pdf}\n")
    fails_with(built, capsys, "content/resolutions/bad.md:7: attachment 'link.pdf' is "
               "outside content/files/")


def test_all_problems_of_a_run_are_reported_at_once(built: Site, capsys):
    built.write("content/resolutions/a.md", "---\nreference: \"A/1\"\ntitle: T\n---\n")
    built.write("content/resolutions/b.md", "---\nreference: 3\ntitle: T\ndate: 2021-13-01\n"
                "public: true\n---\n")
    err = fails_with(built, capsys, "content/resolutions/a.md:1: missing required key 'date'",
                     "content/resolutions/a.md:1: missing required key 'public'")
    assert "content/resolutions/b.md:2: 'reference' 3 is read by YAML as a number" in err
    assert "content/resolutions/b.md:4: impossible date '2021-13-01'" in err
    assert "Build failed: 4 error(s)" in err


@pytest.mark.parametrize("text", ["", "Nur Text, keine Front Matter.\n", "---\nreference: x\n"])
def test_file_without_usable_front_matter_is_an_error(built: Site, capsys, text: str):
    built.write("content/resolutions/bad.md", text)
    err = fails_with(built, capsys)
    assert err.startswith("content/resolutions/bad.md:1: ")


def test_check_reports_like_build_and_writes_nothing(site: Site, capsys):
    site.resolution("bad", 'reference: "1"\ntitle: T\ndate: 2021-01-01\n')
    run = site.run("check", capsys=capsys)
    assert run.code == 1
    assert "content/resolutions/bad.md:1: missing required key 'public'" in run.err
    assert not site.public.exists()


# --- warnings: the build goes on -----------------------------------------------------

def test_unknown_key_warns_and_builds(site: Site, capsys):
    site.simple("r", "2021/1", extra="titel: Tippfehler\n")
    run = site.run("build", capsys=capsys)
    assert run.code == 0
    assert "content/resolutions/r.md:6: warning: unknown key 'titel' (ignored; a typo?)" \
        in run.err.splitlines()
    assert (site.public / "beschluesse" / "2021-1" / "index.html").is_file()


def test_result_without_outcome_warns_and_counts_as_other(site: Site, capsys):
    site.simple("r", "2021/1", extra="consultations:\n  - committee: Kreistag\n"
                "    date: 2021-04-01\n    result: erledigt durch Verwaltungshandeln\n")
    run = site.run("build", capsys=capsys)
    assert run.code == 0
    assert "content/resolutions/r.md:9: warning: result 'erledigt durch Verwaltungshandeln' " \
        "maps to no outcome: it counts as 'other' (set 'outcome' to say which)" in run.err


def test_an_attachment_over_100_mb_warns_at_its_line(site: Site, capsys):
    files = site.root / "content" / "files"
    files.mkdir(parents=True)
    for name, size in (("gross.zip", 101 * 2**20), ("genau.zip", 100 * 2**20)):
        with open(files / name, "wb") as handle:
            handle.truncate(size)  # sparse: no 100 MB written
    site.simple("r", "2021/1", extra="attachments:\n  - {title: Plan, file: genau.zip}\n"
                "  - title: Karte\n    file: gross.zip\n")
    run = site.run("check", capsys=capsys)
    assert run.code == 0
    warned = [line for line in run.err.splitlines() if "MB" in line]
    assert warned == ["content/resolutions/r.md:9: warning: attachment 'gross.zip' is 101.0 MB, "
                      "more than GitHub takes in one file (100 MB): the push or the Pages "
                      "deploy may fail; publish it elsewhere and link it"]


# --- harmless oddities build correctly -----------------------------------------------

def test_bom_crlf_and_front_matter_without_body_build(site: Site, capsys):
    text = "\ufeff---\r\nreference: \"2021/5\"\r\ntitle: \"Mit BOM\"\r\ndate: 2021-05-05\r\n" \
        "public: true\r\n---\r\n"
    site.write("content/resolutions/bom.md", text.encode("utf-8"))
    run = site.run("build", capsys=capsys)
    assert run.code == 0, run.err
    assert "Mit BOM" in site.page("beschluesse/2021-5/")


def test_error_in_crlf_file_has_the_right_line(site: Site, capsys):
    site.write("content/resolutions/bad.md",
               b"---\r\nreference: \"1\"\r\ntitle: T\r\ndate: 2021-02-29\r\n"
               b"public: true\r\n---\r\n")
    run = site.run("build", capsys=capsys)
    assert "content/resolutions/bad.md:4: impossible date '2021-02-29'" in run.err


def check_fails(site: Site, capsys) -> list[str]:
    """What a failing ``check`` says of the content (not that the test site's base_url
    has no host)."""
    run = site.run("check", capsys=capsys)
    assert run.code == 1, run.err
    return [line for line in run.err.splitlines() if "has no host" not in line]


def test_naming_a_resolution_whose_file_has_errors_is_no_broken_reference(site: Site, capsys):
    """Only the file's own error is reported: 'names no resolution' would be false."""
    site.resolution("r1", 'reference: "R/1"\ntitle: Eins\ndate: 2024-02-30\npublic: true\n')
    site.simple("r2", "R/2", extra='related: ["R/1", "R/9"]\n')
    site.write("content/sessions/s.md", "---\ncommittee: Kreistag\ndate: 2024-03-01\n"
               'agenda: ["R/1", "R/2"]\n---\n')
    assert check_fails(site, capsys) == [
        "content/resolutions/r1.md:4: impossible date '2024-02-30' (day is out of range for "
        "month)",
        "content/resolutions/r2.md:6: related 'R/9' names no resolution",
        "Check failed: 2 error(s)."]


def test_what_a_file_with_errors_names_is_checked_in_the_same_run(site: Site, capsys):
    """A related or agenda entry naming nothing in a file with another error was reported
    only in the next run, once that error was fixed; and an old number (alias) such a
    file gives was reported where another file names it as naming no resolution."""
    site.resolution("r1", 'reference: "R/1"\ntitle: Eins\ndate: 2024-02-30\npublic: true\n'
                    'aliases: ["ALT/1"]\nrelated: ["R/9"]\n')
    site.simple("r2", "R/2", extra='related: ["ALT/1"]\n')
    site.write("content/sessions/s.md", "---\ncommittee: Kreistag\ndate: 2024-03-01\n"
               'start: "25:00"\nagenda: ["R/2", "R/8"]\n---\n')
    assert check_fails(site, capsys) == [
        "content/resolutions/r1.md:4: impossible date '2024-02-30' (day is out of range for "
        "month)",
        "content/resolutions/r1.md:7: related 'R/9' names no resolution",
        "content/resolutions/r2.md:6: related 'ALT/1' is the old number of R/1: write 'R/1'",
        "content/sessions/s.md:4: 'start' must be a time HH:MM",
        "content/sessions/s.md:5: agenda entry 'R/8' names no resolution",
        "Check failed: 5 error(s)."]
