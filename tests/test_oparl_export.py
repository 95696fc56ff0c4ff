"""The static OParl export under ``oparl/v1/``, and a round trip through ``import-oparl``."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ratsinfo_site.config import SiteConfig, load_config
from ratsinfo_site.i18n import catalogue
from ratsinfo_site.make import read_archive
from ratsinfo_site.oparl_export import oparl_files
from ratsinfo_site.urls import Urls
from tests.helpers import REPO, Site, text_of


def config_of(site: Site, **changes: Any) -> SiteConfig:
    with contextlib.chdir(site.root):
        return dataclasses.replace(load_config(), **changes)


def export(config: SiteConfig) -> dict[str, bytes]:
    """The export of a site as {path: bytes}."""
    archive, _ = read_archive(config)
    t = catalogue(config.language)
    files = oparl_files(archive, Urls.for_site(config, t), t, config)
    return {f.path: f.make() for f in files}


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def ids(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if "id" in value:
            yield value["id"]
        for item in value.values():
            yield from ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from ids(item)


@pytest.fixture(scope="module")
def exported(example_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example archive's export, written into a folder (as the site would hold it)."""
    folder = tmp_path_factory.mktemp("export")
    for rel, data in export(config_of(example_site)).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


def test_export_is_the_same_bytes_every_time(example_site: Site):
    assert export(config_of(example_site)) == export(config_of(example_site))


def test_every_address_in_the_export_resolves_within_the_site(example_site: Site, exported):
    files = {p.relative_to(exported).as_posix(): json.loads(p.read_text("utf-8"))
             for p in exported.rglob("*.json")}
    assert {"oparl/v1/system.json", "oparl/v1/body.json", "oparl/v1/papers.json",
            "oparl/v1/meetings.json", "oparl/v1/organizations.json"} <= set(files)
    for rel, data in files.items():
        for link in strings(data):
            if not link.startswith("/"):
                continue
            path, _, fragment = link[1:].partition("#")
            if path.startswith("oparl/"):
                assert path in files, (rel, link)
                assert not fragment or link in set(ids(files[path])), (rel, link)
            else:
                target = example_site.public / path
                assert (target / "index.html" if link.endswith("/") else target).is_file(), link


def test_export_follows_the_shape_of_oparl_1_1(exported):
    system = json.loads((exported / "oparl/v1/system.json").read_text("utf-8"))
    assert system["type"] == "https://schema.oparl.org/1.1/System"
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    body = json.loads((exported / "oparl/v1/body.json").read_text("utf-8"))
    for key in ("id", "type", "name", "organization", "person", "meeting", "paper",
                "legislativeTerm"):  # required by the spec
        assert key in body, key
    paper = json.loads((exported / "oparl/v1/paper/2021-7-014.json").read_text("utf-8"))
    assert (paper["reference"], paper["date"], paper["paperType"]) == (
        "2021/7/014", "2021-03-31", "Beschlussvorlage")
    assert [c["role"] for c in paper["consultation"]] == ["Vorberatung", "Vorberatung",
                                                          "Entscheidung"]
    meeting = json.loads((exported / "oparl/v1/meeting/2021-03-31-kreistag.json")
                         .read_text("utf-8"))
    assert meeting["start"] == "2021-03-31T17:00:00+02:00"
    assert [i["order"] for i in meeting["agendaItem"]] == list(range(len(meeting["agendaItem"])))
    listing = json.loads((exported / "oparl/v1/papers.json").read_text("utf-8"))
    assert set(listing) == {"data", "pagination", "links"}


def test_every_object_with_a_file_of_its_own_says_when_it_was_created_and_modified(exported):
    """OParl 1.1 requires both of every object not embedded in another: sync clients
    fetch again what was modified since their last visit."""
    import datetime as dt

    objects = []
    for path in sorted(exported.rglob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        objects += data["data"] if "pagination" in data else [data]
    assert len(objects) > 100
    for obj in objects:
        created = dt.datetime.fromisoformat(obj["created"])
        modified = dt.datetime.fromisoformat(obj["modified"])
        assert created.tzinfo is not None and created <= modified, obj["id"]
    paper = json.loads((exported / "oparl/v1/paper/2021-7-014.json").read_text("utf-8"))
    assert (paper["created"], paper["modified"]) == ("2021-03-31T00:00:00+02:00",
                                                     "2021-04-01T00:00:00+02:00")  # issued
    body = json.loads((exported / "oparl/v1/body.json").read_text("utf-8"))
    papers = [o for o in objects if o["type"].endswith("/Paper")]
    assert body["modified"] == max(p["modified"] for p in papers)


def test_ids_are_absolute_when_the_site_has_a_host(example_site: Site):
    files = export(config_of(example_site, base_url="https://example.github.io/archiv/"))
    system = json.loads(files["oparl/v1/system.json"])
    assert system["id"] == "https://example.github.io/archiv/oparl/v1/system.json"
    paper = json.loads(files["oparl/v1/paper/2021-7-014.json"])
    assert all(i.startswith("https://example.github.io/archiv/") for i in ids(paper))


def test_nothing_non_public_is_exported(site: Site):
    site.simple("offen", "2021/1", extra="""\
        consultations:
          - {committee: Kreistag, date: 2021-03-31, result: angenommen}
          - {committee: Geheimrat, date: 2021-04-01, public: false, result: Geheimergebnis}
        """)
    site.simple("geheim", "2021/2", title="Geheimsache", public=False)
    data = b"".join(export(config_of(site)).values()).decode("utf-8")
    assert "Geheim" not in data
    assert "2021/2" not in data and "Kreistag" in data


def test_the_decision_text_goes_only_to_the_item_that_decided(site: Site):
    """An advising committee's item, or a deferred one, did not resolve the paper's text
    (its decision may have come in a closed session)."""
    site.simple("advised", "2021/1", extra="""\
        resolution: Der Hauptausschuss stimmt der Ausgabe zu.
        consultations:
          - {committee: Finanzausschuss, date: 2021-03-01, result: empfohlen}
          - {committee: Hauptausschuss, date: 2021-03-08, result: beschlossen, public: false}
        """)
    site.simple("decided", "2021/2", extra="""\
        resolution: Der Kreistag beschließt den Radweg.
        consultations:
          - {committee: Finanzausschuss, date: 2021-03-01, result: vertagt}
          - {committee: Kreistag, date: 2021-03-31, result: beschlossen}
        """)
    files = export(config_of(site))
    texts = {item["consultation"].rsplit("/", 1)[1]: item.get("resolutionText")
             for path, data in files.items() if path.startswith("oparl/v1/meeting/")
             for item in json.loads(data)["agendaItem"]}
    assert texts == {"2021-1.json#consultation-2021-03-01-finanzausschuss": None,
                     "2021-2.json#consultation-2021-03-01-finanzausschuss": None,
                     "2021-2.json#consultation-2021-03-31-kreistag":
                         "Der Kreistag beschließt den Radweg."}


def test_a_meeting_past_midnight_ends_on_the_next_day(site: Site):
    site.write("content/sessions/haushalt.md", "---\ncommittee: Stadtrat\ndate: 2024-01-04\n"
               'start: "17:00"\nend: "00:45"\n---\n')
    site.simple("r", "2024/1", extra="""\
        consultations:
          - {committee: Stadtrat, date: 2024-01-04, result: beschlossen}
        """)
    meeting = json.loads(export(config_of(site))["oparl/v1/meeting/2024-01-04-stadtrat.json"])
    assert (meeting["start"], meeting["end"]) == ("2024-01-04T17:00:00+01:00",
                                                  "2024-01-05T00:45:00+01:00")


def test_long_lists_are_paged_by_one_hundred(site: Site):
    for n in range(150):
        site.simple(f"r{n}", f"2021/{n}")
    files = export(config_of(site))
    first = json.loads(files["oparl/v1/papers.json"])
    second = json.loads(files["oparl/v1/papers-2.json"])
    assert (len(first["data"]), len(second["data"])) == (100, 50)
    assert first["pagination"]["totalElements"] == 150
    assert first["links"]["next"] == second["links"]["self"] == "/oparl/v1/papers-2.json"
    assert "next" not in second["links"]


def test_round_trip_keeps_facts_on_every_resolution_page(example_site: Site, exported,
                                                         tmp_path, capsys):
    site = Site(tmp_path / "again")
    run = site.run("import-oparl", str(exported / "oparl"), capsys=capsys)
    assert run.code == 0, run.err
    assert site.run("build", capsys=capsys).code == 0
    before, _ = read_archive(config_of(example_site))
    after, _ = read_archive(config_of(site))
    again = {r.reference: r for r in after.resolutions}
    assert set(again) == {r.reference for r in before.resolutions}
    t = catalogue("de")
    urls = Urls("/", None, t.words)

    def facts(r):
        return (r.reference, r.title, r.date, r.type, [
            (c.committee, c.date, c.role, c.result) for c in r.consultations])
    for r in before.resolutions:
        assert facts(again[r.reference]) == facts(r)
        page = text_of(site.page(urls.resolution(r.reference)))
        for fact in (r.reference, r.title, r.type, t.date(r.date),
                     *(x for c in r.consultations for x in (c.committee, t.date(c.date),
                                                            c.role, c.result))):
            assert fact in page, (r.reference, fact)


def test_built_site_carries_the_export_once_wired(example_site: Site):
    built = example_site.public / "oparl" / "v1"
    if not built.is_dir():
        pytest.skip("build.py does not write the OParl export (yet)")
    files = export(config_of(example_site))
    assert {rel: (example_site.public / rel).read_bytes() for rel in files} == files


def test_docs_say_what_oparl_has_no_place_for():
    text = (REPO / "docs" / "import.md").read_text(encoding="utf-8")
    for word in ("votes", "signature", "oparl/v1/system.json"):
        assert word in text, word
