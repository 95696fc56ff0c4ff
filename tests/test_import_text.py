"""``ratsinfo import-text``: plain-text Beschlussvorlagen to resolution files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ratsinfo_site.load import read_document
from ratsinfo_site.model import Resolution, parse_resolution
from tests.helpers import REPO, Site, text_of

SEED_TEXT = REPO / "tests" / "data" / "beschlussvorlage-2021-7-014.txt"
SEED_MD = REPO / "content" / "resolutions" / "2021" / "2021-7-014.md"
IMPORTED = "content/resolutions/2021/2021-7-014.md"


def load(path: Path) -> Resolution:
    """A resolution file through the build's own loader; it must have no errors."""
    record, problems = parse_resolution(read_document(path, path.name), path.parent / "files")
    assert record is not None, [str(p) for p in problems]
    return record


def words(html: object) -> str:
    """Rendered text without tags and with white space folded (hard wraps do not count)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(html))).strip()


def seed_text(site: Site, change: dict[str, str] | None = None, encoding: str = "utf-8") -> Path:
    """The seed text in the site root, with some lines replaced."""
    text = SEED_TEXT.read_text(encoding="utf-8")
    for old, new in (change or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return site.write("vorlage.txt", text.encode(encoding))


@pytest.fixture
def imported(site: Site, capsys) -> tuple[Site, str]:
    """The seed text imported into an empty site; the stderr of the import."""
    run = site.run("import-text", str(SEED_TEXT), capsys=capsys)
    assert run.code == 0, run.err
    return site, run.err


def test_imported_seed_has_every_fact_of_the_hand_written_example(imported):
    site, _ = imported
    got, want = load(site.root / IMPORTED), load(SEED_MD)
    for field in ("reference", "slug", "title", "date", "year", "public", "type", "submitter",
                  "finance", "signed", "issued", "withdrawn", "attachments", "related"):
        assert getattr(got, field) == getattr(want, field), field
    assert words(got.decision) == words(want.decision)
    assert words(got.body) == words(want.body)
    assert got.body.count("<p>") == want.body.count("<p>") == 7  # paragraphs kept
    assert [(c.committee, c.date, c.votes, c.public) for c in got.consultations] == \
        [(c.committee, c.date, c.votes, c.public) for c in want.consultations]


def test_what_the_text_does_not_hold_stays_empty_and_a_comment_says_so(imported):
    site, _ = imported
    got = load(site.root / IMPORTED)
    assert got.topics == ()
    assert all(c.role == "" and c.result == "" and c.outcome is None for c in got.consultations)
    head = (site.root / IMPORTED).read_text(encoding="utf-8").split("\n---\n")[0]
    assert "# The text names no topics and no roles or results" in head


def test_paper_date_is_the_signature_date_with_a_warning(imported):
    _, err = imported
    assert f"{SEED_TEXT.as_posix()}:56: warning: the text has no paper date: 'date' is the " \
        f"signature date (2021-03-31)" in err


def test_reference_and_dates_are_written_so_yaml_reads_them_right(site: Site, capsys):
    path = seed_text(site, {"2021/7/014": "2021.10"})
    assert site.run("import-text", str(path), capsys=capsys).code == 0
    written = site.root / "content/resolutions/2021/2021-10.md"
    assert 'reference: "2021.10"' in written.read_text(encoding="utf-8")
    assert load(written).reference == "2021.10"
    assert load(written).issued.isoformat() == "2021-04-01"


def test_imported_seed_builds_and_its_page_shows_the_facts(imported, capsys):
    site, _ = imported
    run = site.run("build", capsys=capsys)
    assert run.code == 0, run.err
    page = text_of(site.page("beschluesse/2021-7-014/"))
    for fact in ("Integrationskonzept Kyffhäuserkreis 2020", "2021/7/014", "Beschlussvorlage",
                 "Ausschuss für Soziales, Familie, Gesundheit, Gleichstellung und "
                 "Ausländerfragen", "Ja: 27 · Nein: 6 · Enthaltung: 0 · Befangen: 0",
                 "Die Landrätin, Frau Hochwind-Schneider", "Abstimmung mit Kreiskämmerei",
                 "nicht erforderlich", "Sondershausen, den 31.03.2021", "Landrätin",
                 "Ausgefertigt am: 01.04.2021", "Die Herausforderungen der Grundversorgung"):
        assert fact in page, fact


def test_nichtoeffentlich_imports_as_not_public(site: Site, capsys):
    path = seed_text(site, {"\nöffentlich\n": "\nnichtöffentlich\n"})
    assert site.run("import-text", str(path), capsys=capsys).code == 0
    assert load(site.root / IMPORTED).public is False


def test_unknown_and_missing_parts_are_warnings_with_path_and_line(site: Site, capsys):
    path = seed_text(site, {
        "Betreff:": "Eine Zeile ohne Platz\n\nBetreff:",
        "Einreicher: Die Landrätin, Frau Hochwind-Schneider\n": "",
        "\nöffentlich\n": "\n\n",
        "HH-Jahr\n": "HH-Jahr\t2021\nIrgendwas\n",
    })
    run = site.run("import-text", str(path), capsys=capsys)
    assert run.code == 0
    shown = path.as_posix()
    assert f"{shown}:7: warning: line not recognised, not imported: 'Eine Zeile ohne Platz'" \
        in run.err
    assert f"{shown}:1: warning: no 'Einreicher:' in the text" in run.err
    assert f"{shown}:1: warning: no line 'öffentlich' or 'nichtöffentlich': imported as " \
        f"public: false" in run.err
    assert f"{shown}:34: warning: finance line 'Irgendwas' has no value" in run.err
    got = load(site.root / IMPORTED)
    assert got.public is False and got.submitter == ""
    assert dict(got.finance)["HH-Jahr"] == "2021"


def test_windows_text_with_a_wrapped_committee_and_a_result_is_read(site: Site, capsys):
    path = seed_text(site, {
        "Gesundheit, Gleichstellung": "Gesundheit,\nGleichstellung",
        "17.03.2021\tJa: 6 Nein: 1 Enth: 0 Bef: 0": "17.03.2021\teinstimmig beschlossen",
    }, encoding="cp1252")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    run = site.run("import-text", str(path), capsys=capsys)
    assert run.code == 0, run.err
    assert "not UTF-8: read as Windows-1252" in run.err
    got = load(site.root / IMPORTED)
    assert got.title == "Integrationskonzept Kyffhäuserkreis 2020"
    first, second = got.consultations[:2]
    assert first.committee.endswith("Gesundheit, Gleichstellung und Ausländerfragen")
    assert (second.result, second.unanimous, second.outcome, second.votes) == \
        ("einstimmig beschlossen", True, "accepted", None)


@pytest.mark.parametrize("content", [None, b"%PDF-1.7\n\x00\x01binary"])
def test_unreadable_input_is_an_error_and_nothing_is_written(site: Site, capsys, content):
    path = site.root / "vorlage.txt"
    if content is not None:
        path.write_bytes(content)
    good = str(SEED_TEXT)
    run = site.run("import-text", good, str(path), capsys=capsys)
    assert run.code == 1
    assert f"{path.as_posix()}:1: " in run.err
    assert not (site.root / IMPORTED).exists()


def test_a_text_without_a_reference_is_an_error(site: Site, capsys):
    path = seed_text(site, {"Beschlussvorlage Nr.: 2021/7/014": "Beschlussvorlage"})
    run = site.run("import-text", str(path), capsys=capsys)
    assert run.code == 1
    assert f"{path.as_posix()}:1: no line '<Art> Nr.: <Vorlagennummer>'" in run.err


def test_a_letterhead_above_the_first_line_is_a_warning_only(site: Site, capsys):
    path = seed_text(site, {"Beschlussvorlage Nr.:": "Landratsamt\n\nBeschlussvorlage Nr.:"})
    run = site.run("import-text", str(path), capsys=capsys)
    assert run.code == 0
    assert f"{path.as_posix()}:3: warning: line not recognised, not imported: 'Landratsamt'" \
        in run.err
    assert load(site.root / IMPORTED).reference == "2021/7/014"


def test_refusing_to_overwrite_without_force(imported, capsys):
    site, _ = imported
    target = site.root / IMPORTED
    target.write_text("hand edited", encoding="utf-8")
    run = site.run("import-text", str(SEED_TEXT), capsys=capsys)
    assert run.code == 1
    assert "exists already: not overwritten (--force replaces it)" in run.err
    assert target.read_text(encoding="utf-8") == "hand edited"
    assert site.run("import-text", str(SEED_TEXT), "--force", capsys=capsys).code == 0
    assert load(target).reference == "2021/7/014"


def test_out_names_the_content_folder(site: Site, capsys):
    run = site.run("import-text", str(SEED_TEXT), "--out", "elsewhere", capsys=capsys)
    assert run.code == 0
    assert (site.root / "elsewhere/resolutions/2021/2021-7-014.md").is_file()
    assert "1 file(s) written to elsewhere" in run.out


def test_the_import_goes_into_the_content_folder_site_toml_names(site: Site, capsys):
    """Into the folder the build reads (it went to content/, which the build never read)."""
    site.write("site.toml", 'content_dir = "inhalt"\n')
    run = site.run("import-text", str(SEED_TEXT), capsys=capsys)
    assert run.code == 0, run.err
    assert run.out.strip() == "1 file(s) written to inhalt"
    assert list((site.root / "inhalt" / "resolutions").rglob("*.md"))
    assert not list((site.root / "content").rglob("*.md"))
    assert site.run("build", capsys=capsys).code == 0
    assert (site.public / "beschluesse" / "2021-7-014" / "index.html").is_file()
