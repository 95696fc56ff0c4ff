"""Privacy lint: personal data in public text, and non-public files that Git would publish."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from ratsinfo_site import privacy
from ratsinfo_site.load import KINDS, RawDocument, find_documents, read_document, show_path
from ratsinfo_site.privacy import find_personal_data, privacy_warnings, tracked_non_public
from tests.helpers import Site

PERSONAL = [
    # (text, kind, what must be reported)
    ("Rückfragen an max.mustermann@web.de bis Freitag", "e-mail address",
     "max.mustermann@web.de"),
    ("Tel. 0361 123456", "phone number", "0361 123456"),
    ("Telefon (03632) 74 11 23", "phone number", "(03632) 74 11 23"),
    ("mobil 0171-1234567", "phone number", "0171-1234567"),
    ("erreichbar unter 01711234567", "phone number", "01711234567"),
    ("+49 361 57 3811-000", "phone number", "+49 361 57 3811-000"),
    ("0049 (0)3632 741-0", "phone number", "0049 (0)3632 741-0"),
    ("0361/1234567", "phone number", "0361/1234567"),
    ("IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX", "IBAN",
     "DE89 3704 0044 0532 0130 00"),
    ("Konto DE89370400440532013000.", "IBAN", "DE89370400440532013000"),
    ("AT61 1904 3002 3457 3201", "IBAN", "AT61 1904 3002 3457 3201"),
    ("Herr Müller, geb. 12.03.1980, beantragt", "date of birth", "geb. 12.03.1980"),
    ("geboren am 12. März 1980 in Erfurt", "date of birth", "geboren am 12. März 1980"),
    ("Geburtsdatum: 1980-03-12", "date of birth", "Geburtsdatum: 1980-03-12"),
    ("wohnhaft Hauptstraße 12, 99706 Sondershausen", "street address", "Hauptstraße 12"),
    ("Grundstück Am Markt 3a", "street address", "Am Markt 3a"),
    ("Lange Straße 7", "street address", "Lange Straße 7"),
    ("Karl-Marx-Str. 3", "street address", "Karl-Marx-Str. 3"),
    ("Bahnhofstr. 5b", "street address", "Bahnhofstr. 5b"),
    ("Straße der Einheit 3", "street address", "Straße der Einheit 3"),
    ("An der Wipper 5", "street address", "An der Wipper 5"),
    ("Weinbergweg 12-14", "street address", "Weinbergweg 12-14"),
    ("Goetheplatz 1", "street address", "Goetheplatz 1"),
]

NOT_PERSONAL = [
    "Beschluss vom 12.03.2021",
    "am 31.03.2021 um 17:00 Uhr",
    "2021-03-31",
    "Vorlage 2021/7/014",
    "OSR-Vorlage Nr. 171",
    "Drucksache 7/1234",
    "Vorlage 0282/2024",  # a paper's number and year, not an area code and a line
    "siehe Drucksache 01234/2019 und 0815/1998",
    "Kosten 1.250.000 €",
    "Kosten: 3.200,50 EUR",
    "0,5 Mio. Euro",
    "§ 27 Abs. 2 ThürKO",
    "Art. 28 Abs. 2 GG",
    "99706 Sondershausen",
    "06567 Bad Frankenhausen",
    "Kreisstraße K 12",
    "Bundesstraße 85",
    "Landesstraße 1030",
    "Platz 1 im Ranking",
    "Im Jahr 2021",
    "Zur Anlage 1",
    "im Abschnitt 3 der Satzung",
    "In der Sitzung 5",
    "Zum TOP 5",
    "TOP 7.2",
    "1,5 km",
    "2020-2024",
    "08:00-12:00 Uhr",
    "Aktenzeichen 0361123456",
    "DE89 3704 0044 0532 0130 01",  # not an IBAN: the check digits are wrong
]


@pytest.mark.parametrize("text,kind,found", PERSONAL, ids=[p[0] for p in PERSONAL])
def test_personal_data_of_each_kind_is_found(text: str, kind: str, found: str):
    assert [(f.kind, f.text) for f in find_personal_data(text)] == [(kind, found)]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_dates_references_amounts_paragraphs_and_postal_codes_are_not_personal_data(text: str):
    assert find_personal_data(text) == []


@pytest.mark.parametrize("allow,text", [
    ("Markt 8", "Landratsamt, Markt 8, 99706 Sondershausen"),
    ("Markt 8", "Sitzungssaal Am Markt 8"),
    ("Markt 8, 99706 Sondershausen", "Markt 8"),
    ("poststelle@kyffhaeuser.de", "Poststelle@Kyffhaeuser.de"),
    ("@kyffhaeuser.de", "schreiben Sie an kreistagsbuero@kyffhaeuser.de"),
    ("03632 741-0", "Telefon 03632/7410"),
    ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
])
def test_allow_list_silences_official_addresses(allow: str, text: str):
    assert find_personal_data(text) != []
    assert find_personal_data(text, [allow]) == []


@pytest.mark.parametrize("allow,text", [
    ("Markt 8", "Markt 80"),
    ("Markt 8", "Hauptstraße 8"),
    ("poststelle@kyffhaeuser.de", "max@web.de"),
    ("03632 741-0", "0361 123456"),
])
def test_allow_list_silences_nothing_else(allow: str, text: str):
    assert find_personal_data(text, [allow]) != []


def documents(site: Site) -> dict[str, list[RawDocument]]:
    """Every content file of a site, read as the build reads it."""
    content = site.root / "content"
    return {kind: [read_document(path, show_path(path, site.root))
                   for path in find_documents(content / kind)] for kind in KINDS}


RESOLUTION = """\
reference: "2021/1"
title: "Bauantrag"
date: 2021-03-31
public: true
submitter: "Max Muster, Hauptstraße 12"
resolution: |
  Der Kreistag beschließt den Bauantrag.
  Rückfragen an max.muster@web.de.
details:
  Telefon 0361 123456: werktags
  Anhörung: "Ortsteilrat Am Markt 3a"
finance:
  Einzahlung: "auf DE89 3704 0044 0532 0130 00"
consultations:
  - committee: Kreistag
    date: 2021-04-01
    role: "Anhörung An der Wipper 5"
  - committee: Kreisausschuss
    date: 2021-03-01
    public: false
    role: "geb. 12.03.1980"
"""
BODY = """\
Sachverhalt.

Herr Muster, geb. 12.03.1980, wohnt seit 2010 im Ort.
"""


def test_each_hit_is_reported_at_the_line_of_its_key_or_body_line(site: Site):
    site.resolution("r", RESOLUTION, BODY)
    found = {(p.path, p.line, p.message.split("'")[1]) for p in privacy_warnings(documents(site))}
    shown = "content/resolutions/r.md"
    assert found == {
        (shown, 6, "Hauptstraße 12"),
        (shown, 9, "max.muster@web.de"),
        (shown, 11, "0361 123456"),
        (shown, 12, "Am Markt 3a"),
        (shown, 14, "DE89 3704 0044 0532 0130 00"),
        (shown, 18, "An der Wipper 5"),
        (shown, 27, "geb. 12.03.1980"),  # the closed item's role (line 22) is never published
    }
    assert all(p.warning for p in privacy_warnings(documents(site)))


def test_non_public_papers_and_sessions_are_not_linted(site: Site):
    site.simple("secret", "2021/2", extra='submitter: "Hauptstraße 12"\n', public=False)
    site.write("content/sessions/closed.md", "---\ncommittee: Kreistag\ndate: 2021-03-01\n"
               "public: false\nlocation: Hauptstraße 12\n---\nTel. 0361 123456\n")
    assert privacy_warnings(documents(site)) == []


def test_public_sessions_committees_and_topics_are_linted(site: Site):
    site.write("content/sessions/kt.md", "---\ncommittee: Kreistag\ndate: 2021-03-01\n"
               "location: Gasthaus Hauptstraße 12\n---\nProtokoll: Tel. 0361 123456\n")
    site.write("content/committees/kt.md", "---\nname: Kreistag\ndescription: "
               "Vorsitz max@web.de\n---\n")
    site.write("content/topics/bau.md", "---\nname: Bauen\n---\n\nAnsprechpartner wohnt "
               "Lange Straße 7.\n")
    found = {(p.path, p.line) for p in privacy_warnings(documents(site))}
    assert found == {("content/sessions/kt.md", 4), ("content/sessions/kt.md", 6),
                     ("content/committees/kt.md", 3), ("content/topics/bau.md", 5)}


# --- through the command line --------------------------------------------------------

def test_build_and_check_warn_with_path_and_line_and_still_build(site: Site, capsys):
    site.simple("r", "2021/1", extra='submitter: "Max Muster, Hauptstraße 12"\n')
    for command in ("check", "build"):
        run = site.run(command, capsys=capsys)
        assert run.code == 0, run.err
        assert "content/resolutions/r.md:6: warning: looks like personal data (street address " \
            "'Hauptstraße 12') in public text: private persons must not be named; if it is an " \
            "official address, add it to privacy_allow in site.toml" in run.err.splitlines()
    assert (site.public / "beschluesse" / "2021-1" / "index.html").is_file()


def test_a_long_word_before_an_at_sign_is_checked_in_seconds(site: Site, capsys):
    """Each position of a long word was scanned to its end for an "@": a body of one word
    of 200,000 letters and an "@" took two minutes to check, of 1 MB most of an hour."""
    site.write("content/resolutions/r.md", "---\nreference: \"2021/1\"\ntitle: Lang\n"
               "date: 2021-01-01\npublic: true\n---\n\n" + "a" * 200_000 + "@ und "
               + "b." * 100_000 + "\n\nKontakt: max.muster@web.de\n")
    started = time.monotonic()
    run = site.run("check", capsys=capsys)
    assert run.code == 0, run.err
    assert time.monotonic() - started < 30
    assert "content/resolutions/r.md:10: warning: looks like personal data (e-mail address " \
        "'max.muster@web.de')" in run.err


def test_privacy_allow_in_site_toml_silences_official_addresses(site: Site, capsys):
    site.write("site.toml", 'privacy_allow = ["poststelle@kyffhaeuser.de", "Markt 8"]\n')
    site.simple("r", "2021/1", extra='submitter: "Landratsamt, Markt 8, '
                'poststelle@kyffhaeuser.de"\n')
    run = site.run("check", capsys=capsys)
    assert run.code == 0 and "personal data" not in run.err


def test_privacy_allow_must_be_a_list_of_strings(site: Site, capsys):
    site.write("site.toml", 'title = "Archiv"\nprivacy_allow = "Markt 8"\n')
    site.simple("r", "2021/1")
    run = site.run("check", capsys=capsys)
    assert run.code == 1
    assert "site.toml:2: 'privacy_allow' must be a list of strings" in run.err.splitlines()


def test_example_archive_has_no_privacy_warnings(example_site: Site, capsys):
    run = example_site.run("check", capsys=capsys)
    assert run.code == 0 and "personal data" not in run.err, run.err


# --- Git -------------------------------------------------------------------------------

def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                    "-c", "init.defaultBranch=main", *args], cwd=root, check=True,
                   capture_output=True)


@pytest.fixture
def repo(site: Site) -> Site:
    """A site in a Git work tree: a public, a non-public and an ignored non-public paper."""
    site.simple("open", "2021/1")
    site.simple("secret", "2021/2", public=False, extra="attachments:\n"
                "  - {title: Entwurf, file: entwurf.pdf}\n")
    site.simple("ignored", "2021/3", public=False)
    site.write("content/files/entwurf.pdf", b"%PDF-1.4 Entwurf")
    site.write(".gitignore", "content/resolutions/ignored.md\n/public/\n")
    git(site.root, "init", "-q")
    git(site.root, "add", "-A")
    git(site.root, "commit", "-q", "-m", "Beschlüsse")
    return site


def test_non_public_files_tracked_by_git_are_reported(repo: Site):
    paths = [repo.root / "content/resolutions/secret.md",
             repo.root / "content/resolutions/ignored.md",
             repo.root / "content/files/entwurf.pdf"]
    problems = tracked_non_public(paths, repo.root)
    assert [(p.path, p.line, p.warning) for p in problems] == [
        ("content/resolutions/secret.md", 1, True), ("content/files/entwurf.pdf", 1, True)]
    assert "tracked by Git: a public repository publishes it" in problems[0].message


def test_git_is_asked_once_for_all_files(repo: Site, monkeypatch):
    calls = []
    real = subprocess.run

    def spy(args, *rest, **kwargs):
        calls.append(args)
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(privacy.subprocess, "run", spy)
    paths = [repo.root / f"content/resolutions/{n}.md" for n in ("secret", "ignored", "open")]
    assert len(tracked_non_public(paths, repo.root)) == 2
    assert len(calls) == 1 and "ls-files" in calls[0]


def test_outside_a_git_work_tree_nothing_is_reported(site: Site):
    site.simple("secret", "2021/2", public=False)
    assert tracked_non_public([site.root / "content/resolutions/secret.md"], site.root) == []
    assert tracked_non_public([], site.root) == []


def test_check_and_build_warn_about_tracked_non_public_files(repo: Site, capsys):
    expected = ["content/files/entwurf.pdf:1: warning: this non-public file is tracked by Git: "
                "a public repository publishes it, whatever the build leaves out (keep the "
                "repository private, or 'git rm --cached' the file and list it in .gitignore)",
                "content/resolutions/secret.md:1: warning: this non-public file is tracked by "
                "Git: a public repository publishes it, whatever the build leaves out (keep the "
                "repository private, or 'git rm --cached' the file and list it in .gitignore)"]
    for command in ("check", "build"):
        run = repo.run(command, capsys=capsys)
        assert run.code == 0, run.err
        assert [line for line in run.err.splitlines() if "tracked by Git" in line] == expected
