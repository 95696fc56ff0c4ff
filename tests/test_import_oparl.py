"""``ratsinfo import-oparl``: OParl 1.0/1.1 JSON to resolution, session and committee files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ratsinfo_site.load import read_document
from ratsinfo_site.model import parse_resolution
from tests.helpers import REPO, Site, text_of

FIXTURES = REPO / "tests" / "data" / "oparl"
RADWEG = "content/resolutions/2023/2023-5-001.md"
GEWERBE = "content/resolutions/2023/2023-5-003.md"


def fixtures(site: Site) -> Path:
    """A copy of the OParl fixtures beside the site, to change for one test."""
    folder = site.root.parent / "oparl"
    shutil.copytree(FIXTURES, folder)
    return folder


def edit(path: Path, change) -> None:
    """Change a JSON file in place through ``change(data)``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def load(path: Path):
    """A resolution file (``content/resolutions/<year>/x.md``) through the build's loader."""
    files = path.parents[2] / "files"
    record, problems = parse_resolution(read_document(path, path.name), files)
    assert record is not None, [str(p) for p in problems]
    return record


@pytest.fixture
def imported(site: Site, capsys) -> tuple[Site, str]:
    """The fixtures imported into an empty site and built; the stderr of the import."""
    run = site.run("import-oparl", str(FIXTURES), capsys=capsys)
    assert run.code == 0, run.err
    built = site.run("build", capsys=capsys)
    assert built.code == 0, built.err
    return site, run.err


def test_imported_fixtures_build_into_resolutions_sessions_and_committees(imported):
    site, _ = imported
    written = sorted(p.relative_to(site.root / "content").as_posix()
                     for p in (site.root / "content").rglob("*.md"))
    assert written == [
        "committees/ausschuss-fuer-bau-vergabe-und-umwelt.md", "committees/kreistag.md",
        "resolutions/2023/101.md", "resolutions/2023/2023-5-001.md",
        "resolutions/2023/2023-5-003.md",
        "sessions/2023-02-15-ausschuss-fuer-bau-vergabe-und-umwelt.md",
        "sessions/2023-03-08-kreistag.md",
    ]


def test_resolution_page_shows_paper_and_consultations(imported):
    site, _ = imported
    page = text_of(site.page("beschluesse/2023-5-001/"))
    for fact in ("2023/5/001", "Neubau des Radwegs Musterstadt–Beispieldorf", "Beschlussvorlage",
                 "Ausschuss für Bau, Vergabe und Umwelt", "15.02.2023", "Vorberatung",
                 "einstimmig empfohlen", "Kreistag", "08.03.2023", "Entscheidung",
                 "beschlossen", "Der Kreistag beschließt den Neubau des Radwegs", "Verkehr"):
        assert fact in page, fact
    record = load(site.root / RADWEG)
    assert [(c.committee, c.date.isoformat(), c.role, c.agenda_item, c.result)
            for c in record.consultations] == [
        ("Ausschuss für Bau, Vergabe und Umwelt", "2023-02-15", "Vorberatung", "4.1",
         "einstimmig empfohlen"),
        ("Kreistag", "2023-03-08", "Entscheidung", "6", "beschlossen")]


def test_session_page_shows_time_place_and_agenda_order(imported):
    site, _ = imported
    html = site.page("sitzungen/2023-03-08-kreistag/")
    page = text_of(html)
    for fact in ("5. Sitzung des Kreistages", "18:00–21:15",
                 "Großer Sitzungssaal, Markt 1, 12345 Musterstadt"):
        assert fact in page, fact
    assert html.index("2023/5/001") < html.index("Bericht zur Haushaltslage 2023")
    committee = text_of(site.page("gremien/ausschuss-fuer-bau-vergabe-und-umwelt/"))
    assert "BVU" in committee


def test_closed_agenda_item_is_a_closed_consultation_of_a_public_paper(imported):
    site, _ = imported
    record = load(site.root / GEWERBE)
    assert record.public is True
    assert [(c.committee, c.public) for c in record.consultations] == [
        ("Ausschuss für Bau, Vergabe und Umwelt", True), ("Kreistag", False)]
    assert "Erweiterung des Gewerbegebiets Nord" in text_of(site.page("beschluesse/2023-5-003/"))
    assert "Gewerbegebiet" not in site.page("sitzungen/2023-03-08-kreistag/")
    assert "beratung-2023-03-08-kreistag" not in site.page("beschluesse/2023-5-003/")


def test_paper_without_reference_gets_one_from_its_id_with_a_warning(imported):
    site, err = imported
    assert f"{(FIXTURES / 'papers.json').as_posix()}:4: warning: paper without a reference: " \
        f"'101' is taken from its OParl id" in err
    assert "Bericht zur Haushaltslage 2023" in text_of(site.page("beschluesse/101/"))


def test_remote_files_go_to_details_with_a_warning(imported):
    site, err = imported
    assert "warning: file 'Lageplan Radweg' is not here, only at " \
        "https://oparl.example.org/files/501.pdf" in err
    record = load(site.root / RADWEG)
    assert record.attachments == ()
    details = dict(record.details)
    assert 'href="https://oparl.example.org/files/501.pdf"' in details["Lageplan Radweg"]


def test_paper_whose_every_consultation_is_closed_is_not_public(site: Site, capsys):
    folder = fixtures(site)

    def close(data):
        data["data"][0]["agendaItem"][2]["public"] = False
    edit(folder / "meetings-page-1.json", close)
    assert site.run("import-oparl", str(folder), capsys=capsys).code == 0
    assert load(site.root / GEWERBE).public is False
    assert site.run("build", capsys=capsys).code == 0
    for path in site.public.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            assert "Gewerbegebiet" not in path.read_text(encoding="utf-8"), path


def test_the_decision_text_of_a_closed_agenda_item_is_never_imported(site: Site, capsys):
    """The paper stays public (another item is), so its ``resolution`` would be published."""
    folder = fixtures(site)

    def secret(data):
        data["data"][0]["agendaItem"][2]["resolutionText"] = "Verkauf an die Geheimbau GmbH."
    edit(folder / "meetings-page-2.json", secret)
    run = site.run("import-oparl", str(folder), capsys=capsys)
    assert run.code == 0, run.err
    assert "consultation/5: the decision text of its closed (non-public) agenda item is " \
        "left out" in run.err
    assert load(site.root / GEWERBE).public is True
    assert site.run("build", capsys=capsys).code == 0
    leaks = [path for path in site.root.rglob("*") if path.is_file()
             and b"Geheimbau" in path.read_bytes() and folder not in path.parents]
    assert leaks == []


def test_file_beside_the_json_becomes_an_attachment(site: Site, capsys):
    folder = fixtures(site)
    (folder / "lageplan-radweg.pdf").write_bytes(b"%PDF-1.4 Lageplan")
    run = site.run("import-oparl", str(folder), capsys=capsys)
    assert run.code == 0
    assert "Lageplan Radweg' is not here" not in run.err
    record = load(site.root / RADWEG)
    assert [(a.title, a.file) for a in record.attachments] == [
        ("Lageplan Radweg", "2023/2023-5-001/lageplan-radweg.pdf")]
    assert site.run("build", capsys=capsys).code == 0
    assert "Lageplan Radweg" in site.page("beschluesse/2023-5-001/")


def test_a_file_outside_the_input_folder_is_never_attached(site: Site, capsys):
    folder = fixtures(site)
    (site.root.parent / "secret.pdf").write_bytes(b"%PDF-1.4 private")

    def point_outside(data):
        data["auxiliaryFile"][0].update(fileName="../secret.pdf", accessUrl="/../secret.pdf")
    edit(folder / "paper-100.json", point_outside)
    assert site.run("import-oparl", str(folder), capsys=capsys).code == 0
    assert load(site.root / RADWEG).attachments == ()
    assert not list((site.root / "content").rglob("secret*"))


def test_oparl_1_0_objects_in_a_bare_list_are_read(site: Site, capsys):
    objects = [json.loads((FIXTURES / "paper-100.json").read_text(encoding="utf-8")),
               *json.loads((FIXTURES / "organizations.json").read_text("utf-8"))["data"]]
    for name in ("meetings-page-1.json", "meetings-page-2.json"):
        objects += json.loads((FIXTURES / name).read_text(encoding="utf-8"))["data"]
    text = json.dumps(objects).replace("schema.oparl.org/1.1/", "schema.oparl.org/1.0/")
    path = site.write("oparl-1.0.json", text)
    assert site.run("import-oparl", str(path), capsys=capsys).code == 0
    assert len(load(site.root / RADWEG).consultations) == 2


def test_fields_without_a_place_are_reported_once_per_field(site: Site, capsys):
    folder = fixtures(site)

    def add_people(data):
        for paper in data["data"]:
            paper["originatorPerson"] = ["https://oparl.example.org/person/1"]
    edit(folder / "papers.json", add_people)
    run = site.run("import-oparl", str(folder), capsys=capsys)
    assert run.code == 0
    lines = [line for line in run.err.splitlines() if "originatorPerson" in line]
    assert len(lines) == 1
    assert "Paper field 'originatorPerson' (2 object(s)) has no place" in lines[0]


def test_broken_json_is_an_error_with_its_line_and_nothing_is_written(site: Site, capsys):
    folder = fixtures(site)
    (folder / "broken.json").write_text('{\n  "id": "x",\n  oops\n}\n', encoding="utf-8")
    run = site.run("import-oparl", str(folder), capsys=capsys)
    assert run.code == 1
    assert f"{(folder / 'broken.json').as_posix()}:3: broken JSON" in run.err
    assert not (site.root / "content" / "sessions").exists()


def test_an_out_folder_that_is_a_file_is_an_error_without_a_traceback(site: Site, capsys):
    site.write("notes.txt", "Notizen")
    run = site.run("import-oparl", str(FIXTURES), "--out", str(site.root / "notes.txt"),
                   capsys=capsys)
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.startswith(f"error: {site.root / 'notes.txt'}: File exists"), run.err
    assert (site.root / "notes.txt").read_text("utf-8") == "Notizen"


def test_refusing_to_overwrite_without_force(site: Site, capsys):
    assert site.run("import-oparl", str(FIXTURES), capsys=capsys).code == 0
    target = site.root / "content/committees/kreistag.md"
    target.write_text("---\nname: Kreistag\n---\nHand written.\n", encoding="utf-8")
    run = site.run("import-oparl", str(FIXTURES), capsys=capsys)
    assert run.code == 1
    assert "kreistag.md:1: exists already: not overwritten (--force replaces it)" in run.err
    assert "Hand written." in target.read_text(encoding="utf-8")
    assert site.run("import-oparl", str(FIXTURES), "--force", capsys=capsys).code == 0
    assert "Hand written." not in target.read_text(encoding="utf-8")


def test_a_reference_too_long_for_a_file_name_is_an_error_and_nothing_is_written(
        site: Site, capsys):
    """The file name comes from the reference: 300 characters stopped the import with
    OSError (File name too long), a traceback."""
    folder = fixtures(site)
    edit(folder / "paper-100.json", lambda data: data.update(reference="2023/" * 60))
    run = site.run("import-oparl", str(folder), capsys=capsys)
    assert run.code == 1 and "Traceback" not in run.err
    assert f"would write a file name of 302 characters ('{'2023-' * 8}…'), more than a file " \
           "system holds" in run.err
    assert not (site.root / "content" / "resolutions").exists() or not any(
        (site.root / "content" / "resolutions").rglob("*.md"))


ODD_VALUES = [[["nested"]], {"id": ["x"], "type": "https://schema.oparl.org/1.1/Paper"},
              {"no": "id"}, 7, None, True, "https://[x/broken", ""]


def test_odd_values_in_any_field_are_reported_or_ignored_never_a_crash(tmp_path: Path):
    """Every field of every fixture object, in turn, holds a value of the wrong shape (a
    list in a list, an embedded object with a list for its id, a number, a broken URL):
    the converter reports or skips it, and never raises."""
    from ratsinfo_site.importers import oparl
    originals = {path.name: json.loads(path.read_text("utf-8"))
                 for path in sorted(FIXTURES.glob("*.json"))}

    def objects(value):
        if isinstance(value, dict):
            if "type" in value:
                yield value
            for item in value.values():
                yield from objects(item)
        elif isinstance(value, list):
            for item in value:
                yield from objects(item)

    tried = 0
    for name, data in originals.items():
        for n, obj in enumerate(objects(data)):
            for field in [k for k in obj if k not in ("type",)]:
                for odd in ODD_VALUES:
                    changed = json.loads(json.dumps(data))
                    target = list(objects(changed))[n]
                    target[field] = odd
                    folder = tmp_path / f"case{tried}"
                    folder.mkdir()
                    for other, content in originals.items():
                        (folder / other).write_text(json.dumps(
                            changed if other == name else content), encoding="utf-8")
                    outputs, problems = oparl.convert([folder])  # raises on a crash
                    assert all(p.path and p.line >= 1 for p in problems)
                    tried += 1
    assert tried > 500
