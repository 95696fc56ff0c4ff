"""JSON, CSV, sitemap and robots.txt: valid against the schemas, complete, nothing private."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from ratsinfo_site import export
from ratsinfo_site.urls import output_path
from tests.helpers import REPO, Site
from tests.test_feeds import BASE, Published, publish

SCHEMAS = REPO / "schemas"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CANARY = "zebrakanarie"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The example archive's exports for https://example.github.io/archiv/."""
    return publish(REPO, tmp_path_factory.mktemp("export"), BASE)


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))


def validate_all(published: Published) -> int:
    """Validate every JSON file against its schema; the number of files checked."""
    checked = 0
    for path, data in published.files.items():
        if path.endswith(".json"):
            name = "sessions" if path == "api/sitzungen.json" else "resolution"
            jsonschema.validate(json.loads(data), schema(name),
                                cls=jsonschema.Draft202012Validator,
                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
            checked += 1
    return checked


def csv_rows(published: Published) -> list[dict[str, str]]:
    text = published.files["api/beschluesse.csv"].decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def sitemap_locs(data: bytes) -> list[str]:
    return [loc.text or "" for loc in ET.fromstring(data).iter(f"{SITEMAP}loc")]


def test_every_json_export_matches_its_schema(example: Published, tmp_path):
    # one file per resolution and per alias (an old number keeps its data), two lists
    expected = sum(1 + len(r.aliases) for r in example.archive.resolutions) + 2
    assert validate_all(example) == expected
    assert validate_all(publish(REPO, tmp_path, "/")) == expected


def test_schemas_are_valid_and_share_their_common_definitions():
    resolution, sessions = schema("resolution"), schema("sessions")
    for s in (resolution, sessions):
        jsonschema.Draft202012Validator.check_schema(s)
    shared = set(resolution["$defs"]) & set(sessions["$defs"])
    assert {"votes", "decision", "url", "site"} <= shared
    assert all(resolution["$defs"][k] == sessions["$defs"][k] for k in shared)


def test_seed_json_holds_everything_its_page_shows(example: Published):
    seed = json.loads(example.files["api/beschluesse/2021-7-014.json"])
    assert seed["url"] == BASE + "beschluesse/2021-7-014/"
    assert seed["title"] == "Integrationskonzept Kyffhäuserkreis 2020"
    assert seed["topics"] == ["Integration", "Soziales"] and seed["outcome"] == "accepted"
    assert "Integrationskonzept Kyffhäuserkreis 2020" in seed["decision_html"]
    assert seed["text"].startswith("Die Herausforderungen der Grundversorgung")
    assert "<p>Die Herausforderungen" in seed["body_html"]
    assert seed["finance_items"] == [{"label": "Abstimmung mit Kreiskämmerei",
                                      "html": "nicht erforderlich"}]
    assert seed["signed"] == {"place": "Sondershausen", "date": "2021-03-31",
                              "name": "Hochwind-Schneider", "role": "Landrätin"}
    assert seed["issued"] == "2021-04-01" and seed["department"] is None
    council = seed["consultations"][-1]
    assert council["committee"] == "Kreistag" and council["role"] == "Entscheidung"
    assert council["votes"] == {"for": 27, "against": 6, "abstain": 0, "biased": 0}
    assert council["url"] == BASE + "beschluesse/2021-7-014/#beratung-2021-03-31-kreistag"
    assert council["session_url"] == BASE + "sitzungen/2021-03-31-kreistag/"
    assert list(seed) == list(schema("resolution")["$defs"]["resolution"]["properties"])


def test_attachments_related_and_aliases_are_exported_with_links(example: Published):
    records = [json.loads(data) for path, data in example.files.items()
               if path.startswith("api/beschluesse/")]
    attachments = [a for r in records for a in r["attachments"]]
    assert attachments and all(a["size"] > 0 for a in attachments)
    assert all(a["url"] == BASE + "dateien/" + a["file"] for a in attachments)
    assert any(r["related"] for r in records) and any(r["referenced_by"] for r in records)
    assert any(r["aliases"] for r in records)


def test_list_export_has_every_public_resolution_without_texts(example: Published):
    listing = json.loads(example.files["api/beschluesse.json"])
    assert listing["count"] == len(listing["resolutions"]) == len(example.archive.resolutions)
    first = listing["resolutions"][0]
    assert "body_html" not in first and "text" not in first
    assert first["json_url"] == BASE + f"api/beschluesse/{first['slug']}.json"
    assert b"\n" not in example.files["api/beschluesse.json"].rstrip()  # compact


def test_sessions_export_lists_public_items_in_agenda_order(example: Published):
    sessions = json.loads(example.files["api/sitzungen.json"])["sessions"]
    council = next(s for s in sessions if s["slug"] == "2021-03-31-kreistag")
    assert [i["reference"] for i in council["items"]] == ["2021/7/016", "2021/7/015",
                                                          "2021/7/014"]
    assert council["start"] == "17:00" and council["end"] == "20:45"
    assert council["location"].startswith("Sitzungssaal des Landratsamtes")
    assert not any("personalausschuss" in s["slug"] for s in sessions)  # public: false


def test_seed_has_three_csv_rows_with_votes_and_committees(example: Published):
    rows = [r for r in csv_rows(example) if r["reference"] == "2021/7/014"]
    assert [(r["votes_for"], r["votes_against"], r["votes_abstain"], r["votes_biased"])
            for r in rows] == [("9", "0", "0", "0"), ("6", "1", "0", "0"),
                               ("27", "6", "0", "0")]
    assert [r["committee"] for r in rows] == [
        "Ausschuss für Soziales, Familie, Gesundheit, Gleichstellung und Ausländerfragen",
        "Kreisausschuss", "Kreistag"]
    assert [r["session_date"] for r in rows] == ["2021-03-04", "2021-03-17", "2021-03-31"]
    assert {r["url"] for r in rows} == {BASE + "beschluesse/2021-7-014/"}
    assert rows[-1]["role"] == "Entscheidung" and rows[-1]["consultation_outcome"] == "accepted"


def test_csv_has_the_documented_columns_and_a_byte_order_mark(example: Published):
    data = example.files["api/beschluesse.csv"]
    assert data.startswith(b"\xef\xbb\xbfreference,title,date,")
    assert b"\r\n" in data
    assert list(csv_rows(example)[0]) == list(export.CSV_COLUMNS)


def test_votes_not_recorded_stay_empty_and_no_consultation_gives_one_row(site: Site, tmp_path):
    site.simple("partial", "2021/1", extra="""\
        consultations:
          - {committee: Kreistag, date: 2021-04-01, result: angenommen,
             votes: {for: 36, against: 11}}
          - {committee: Kreistag, date: 2021-05-01, result: vertagt, votes: {}}
        """)
    site.simple("none", "2021/2", "Ohne Beratung")
    published = publish(site.root, tmp_path, BASE)
    rows = csv_rows(published)
    partial = [r for r in rows if r["reference"] == "2021/1"]
    assert [(r["votes_for"], r["votes_against"], r["votes_abstain"], r["votes_biased"])
            for r in partial] == [("36", "11", "", ""), ("", "", "", "")]
    assert [r["outcome"] for r in partial] == ["deferred", "deferred"]
    alone = [r for r in rows if r["reference"] == "2021/2"]
    assert len(alone) == 1
    assert alone[0]["title"] == "Ohne Beratung" and alone[0]["outcome"] == "open"
    assert all(alone[0][k] == "" for k in export.CSV_COLUMNS[6:-1])
    record = json.loads(published.files["api/beschluesse/2021-1.json"])
    assert [c["votes"] for c in record["consultations"]] == [
        {"for": 36, "against": 11, "abstain": None, "biased": None}, None]
    assert validate_all(published) == 4


def test_unanimous_not_stated_is_null_not_false(site: Site, tmp_path):
    """The format's ``unanimous`` is optional: a file that does not say is not "not
    einstimmig" (its result may say einstimmig); as with vote counts, unknown is null."""
    site.simple("flags", "2021/1", extra="""\
        consultations:
          - {committee: Kreistag, date: 2021-04-01, result: einstimmig beschlossen}
          - {committee: Kreistag, date: 2021-05-01, result: angenommen, unanimous: false}
          - {committee: Kreistag, date: 2021-06-01, result: angenommen, unanimous: true}
        """)
    published = publish(site.root, tmp_path, BASE)
    assert [r["unanimous"] for r in csv_rows(published)] == ["", "false", "true"]
    record = json.loads(published.files["api/beschluesse/2021-1.json"])
    assert [c["unanimous"] for c in record["consultations"]] == [None, False, True]
    sessions = json.loads(published.files["api/sitzungen.json"])["sessions"]
    newest_first = [True, False, None]
    assert [i["unanimous"] for s in sessions for i in s["items"]] == newest_first
    assert validate_all(published) == 3


def test_amounts_and_codes_yaml_reads_as_floats_are_published_as_written(site: Site,
                                                                           tmp_path):
    """``1.000`` EUR is one thousand euro, ``5110.6550`` a budget code: never 1.0, 5110.655."""
    site.simple("money", "2021/1", extra="""\
        finance:
          Betrag: 1.000
          Haushaltsstelle: 5110.6550
          Anteil: 1.5e3
        details:
          Fläche ha: 1.20
        """)
    published = publish(site.root, tmp_path, BASE)
    record = json.loads(published.files["api/beschluesse/2021-1.json"])
    shown = {item["label"]: item["html"] for item in record["finance_items"]}
    assert shown == {"Betrag": "1.000", "Haushaltsstelle": "5110.6550", "Anteil": "1.5e3"}
    assert [(d["label"], d["html"]) for d in record["details"]] == [("Fläche ha", "1.20")]


def test_every_sitemap_url_is_a_page_of_the_built_site(example: Published,
                                                       example_site: Site):
    locs = sitemap_locs(example.files["sitemap.xml"])
    assert BASE in locs and BASE + "beschluesse/2021-7-014/" in locs
    assert len(locs) == len(set(locs)) > 60
    for loc in locs:
        assert loc.startswith(BASE) and not loc.endswith("404.html")
        path = output_path(loc.removeprefix(BASE))
        assert (example_site.public / path).is_file(), loc


def test_sitemap_past_the_limit_becomes_an_index(example: Published, monkeypatch):
    monkeypatch.setattr(export, "SITEMAP_LIMIT", 20)
    pages = sitemap_locs(example.files["sitemap.xml"])
    files = {path: make() for path, make in export.sitemap_files(
        [loc.removeprefix(BASE) for loc in pages], example.urls)}
    index = sitemap_locs(files["sitemap.xml"])
    assert index == [BASE + f"sitemap-{n}.xml" for n in range(1, len(files))]
    parts = [loc for n in range(1, len(files)) for loc in sitemap_locs(files[f"sitemap-{n}.xml"])]
    assert parts == pages


def test_robots_txt_names_the_sitemap_under_the_base_url(example: Published, tmp_path):
    robots = example.files["robots.txt"].decode()
    assert robots.startswith("User-agent: *\n")
    assert "Sitemap: https://example.github.io/archiv/sitemap.xml\n" in robots
    assert "Sitemap" not in publish(REPO, tmp_path, "/archiv/").files["robots.txt"].decode()


def test_without_a_host_no_sitemap_and_links_are_site_relative(tmp_path):
    published = publish(REPO, tmp_path, "/archiv/")
    assert "sitemap.xml" not in published.files and not (tmp_path / "sitemap.xml").exists()
    seed = json.loads(published.files["api/beschluesse/2021-7-014.json"])
    assert seed["url"] == "/archiv/beschluesse/2021-7-014/"
    rows = [r for r in csv_rows(published) if r["reference"] == "2021/7/014"]
    assert rows[0]["url"] == "/archiv/beschluesse/2021-7-014/"
    assert b"http" not in published.files["api/sitzungen.json"]


def _secret_site(site: Site) -> None:
    """A public resolution beside a non-public one that holds the canary in every field."""
    word = CANARY.capitalize()
    site.write(f"content/files/{CANARY}.pdf", b"%PDF-1.4 " + CANARY.encode())
    site.write(f"content/sessions/{CANARY}.md", f"""---
committee: Geheimausschuss {word}
date: 2021-05-05
title: Sitzung {word}
location: Raum {word}
start: "17:00"
public: false
---

Protokoll {word}.
""")
    site.simple("public", "2021/1", "Öffentlich", extra=f"""\
        consultations:
          - {{committee: Kreistag, date: 2021-04-01, result: angenommen}}
          - {{committee: Ausschuss {word}, date: 2021-04-02, result: {word} beschlossen,
             public: false, agenda_item: "{word}"}}
          - {{committee: Geheimausschuss {word}, date: 2021-05-05, result: angenommen}}
        """)
    site.resolution("secret", f"""\
        reference: "{word}/1"
        title: Titel {word}
        date: 2021-06-01
        public: false
        type: Art {word}
        topics: [Thema {word}]
        submitter: Einreicher {word}
        department: Amt {word}
        resolution: Beschluss {word}
        consultations:
          - {{committee: Gremium {word}, date: 2021-06-02, result: {word} angenommen,
             role: Rolle {word}, agenda_item: "{word}", votes: {{for: 1}}}}
        finance: {{Posten {word}: Wert {word}}}
        signed: {{place: Ort {word}, name: Name {word}, role: Rolle {word}}}
        attachments:
          - {{title: Anlage {word}, file: {CANARY}.pdf}}
        related: ["2021/1"]
        aliases: ["Alias {word}"]
        details: {{Angabe {word}: Wert {word}}}
        """, body=f"Sachverhalt {word}.\n")


def test_html_comments_of_a_text_are_in_no_export_as_on_the_page(site: Site, tmp_path):
    """An office's note in a comment: the page never showed it, the JSON's source did."""
    site.resolution("r", 'reference: "2021/1"\ntitle: T\ndate: 2021-01-01\npublic: true\n',
                    "Sichtbarer Text.\n\n<!-- Internvermerk: Zahlen\nnoch offen -->\n\n"
                    "Weiter im Text <!-- Internvermerk zwei -->.\n")
    published = publish(site.root, tmp_path, BASE)
    for path, data in published.files.items():
        assert b"Internvermerk" not in data, path
    record = json.loads(published.files["api/beschluesse/2021-1.json"])
    assert record["text"] == "Sichtbarer Text.\n\n\n\nWeiter im Text ."


def test_non_public_text_is_in_no_feed_calendar_or_export(site: Site, tmp_path):
    _secret_site(site)
    for base in (BASE, "/"):
        published = publish(site.root, tmp_path / re.sub(r"\W", "", base), base)
        assert [r.reference for r in published.archive.resolutions] == ["2021/1"]
        assert "feed.xml" in published.files or base == "/"
        for path, data in published.files.items():
            unfolded = data.replace(b"\r\n ", b"")  # iCalendar folds long lines
            assert CANARY not in path.lower() and CANARY.encode() not in unfolded.lower(), path
        assert validate_all(published) == 3


def test_exports_are_byte_identical_on_two_runs(tmp_path):
    for name in ("a", "b"):
        shutil.copytree(REPO / "content", tmp_path / name / "content")
        shutil.copy(REPO / "site.toml", tmp_path / name / "site.toml")
    first = publish(tmp_path / "a", tmp_path / "out-a", BASE)
    second = publish(tmp_path / "b", tmp_path / "out-b", BASE)
    assert first.files == second.files
    assert any(p.endswith(".csv") for p in first.files)


def _keys(node: object) -> set[str]:
    """Every property name a schema defines, at any depth."""
    found: set[str] = set()
    if isinstance(node, dict):
        found |= set(node.get("properties", {}))
        for value in node.values():
            found |= _keys(value)
    elif isinstance(node, list):
        for value in node:
            found |= _keys(value)
    return found


def test_every_exported_key_and_csv_column_is_documented():
    docs = (REPO / "docs" / "exports.md").read_text("utf-8")
    documented = {word for span in re.findall(r"`([^`]+)`", docs)
                  for word in re.findall(r"[a-z_]+", span)}
    keys = _keys(schema("resolution")) | _keys(schema("sessions"))
    assert not keys - documented
    assert not set(export.CSV_COLUMNS) - documented


def test_no_export_path_collides_with_a_page(example: Published, example_site: Site):
    html = {p.relative_to(example_site.public).as_posix()
            for p in example_site.public.rglob("*.html")}
    assert not set(example.files) & html
    assert all(not urlsplit(p).scheme and not Path(p).is_absolute() for p in example.files)


def test_a_list_made_item_by_item_has_the_bytes_of_the_whole_dumped_at_once():
    head = {"title": "Kreistag „Nord“", "body": None, "count": 3}
    items = [{"reference": "2024/1", "votes": [1, None]}, {"title": "Straße\u2028Weg"}, {}]
    assert export.json_list(head, "items", iter(items)) == \
        export.json_bytes({**head, "items": items})
    assert export.json_list(head, "items", iter([])) == export.json_bytes({**head, "items": []})


def test_text_that_a_spreadsheet_would_take_for_a_formula_stays_text_in_the_csv(site: Site,
                                                                              tmp_path):
    """A title "=HYPERLINK(…)" opened in Excel was a live link: CSV injection."""
    site.simple("f", "2021/1", "=HYPERLINK(A1;B1)", extra="""\
        type: "@SUMME(A1)"
        consultations:
          - {committee: "+Kreistag", date: 2021-04-01, result: "-vertagt-"}
        """)
    published = publish(site.root, tmp_path, BASE)
    (row,) = csv_rows(published)
    assert (row["title"], row["type"], row["committee"], row["result"]) == (
        "'=HYPERLINK(A1;B1)", "'@SUMME(A1)", "'+Kreistag",
        "'-vertagt-")
    record = json.loads(published.files["api/beschluesse/2021-1.json"])
    assert record["title"] == "=HYPERLINK(A1;B1)"  # exact there


def test_a_base_url_with_umlauts_gives_ascii_addresses(site: Site, tmp_path):
    """The sitemap and the feeds hold URIs: an umlaut host in its ASCII form (IDNA), an
    umlaut path percent-encoded, as browsers send them."""
    site.simple("a", "2021/1")
    published = publish(site.root, tmp_path, "https://ratsarchiv-müllheim.de/bürger/")
    locs = sitemap_locs(published.files["sitemap.xml"])
    assert locs and all(loc.isascii() for loc in locs)
    assert "https://xn--ratsarchiv-mllheim-x6b.de/b%C3%BCrger/beschluesse/2021-1/" in locs
    feed = published.files["feed.xml"].decode()
    addresses = re.findall(r"<id>([^<]*)</id>|href=\"([^\"]*)\"", feed)
    assert addresses and all(a.isascii() for pair in addresses for a in pair)
