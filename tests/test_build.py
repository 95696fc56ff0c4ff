"""Whole builds of the example archive: pages, links, sub-paths, determinism."""

from __future__ import annotations

import contextlib
import json
import re
import shutil

import pytest

from ratsinfo_site.config import load_config
from ratsinfo_site.i18n import catalogue
from ratsinfo_site.make import read_archive
from ratsinfo_site.urls import Urls
from tests.helpers import REPO, Site, checksums, crawl, serve, text_of


def expected_pages(site: Site, base_path: str = "/") -> set[str]:
    """Every page the archive must have: resolutions, sessions, committees, topics, years."""
    with contextlib.chdir(site.root):
        config = load_config()
    archive, _ = read_archive(config)
    urls = Urls(base_path, None, catalogue("de").words)
    things = [*archive.resolutions, *archive.sessions, *archive.committees, *archive.topics,
              *archive.years]
    return {urls.href(urls.of(x)) for x in things}


def test_seed_page_shows_all_its_facts(example_site: Site):
    page = text_of(example_site.page("beschluesse/2021-7-014/"))
    for fact in (
        "Integrationskonzept Kyffhäuserkreis 2020", "2021/7/014", "Beschlussvorlage",
        "31.03.2021", "Der Kreistag beschließt das „Integrationskonzept Kyffhäuserkreis 2020“",
        "Ausschuss für Soziales, Familie, Gesundheit, Gleichstellung und Ausländerfragen",
        "04.03.2021", "Ja: 9 · Nein: 0 · Enthaltung: 0 · Befangen: 0",
        "Kreisausschuss", "17.03.2021", "Ja: 6 · Nein: 1 · Enthaltung: 0 · Befangen: 0",
        "Kreistag", "Ja: 27 · Nein: 6 · Enthaltung: 0 · Befangen: 0", "Vorberatung",
        "Entscheidung", "Die Landrätin, Frau Hochwind-Schneider", "Abstimmung mit Kreiskämmerei",
        "nicht erforderlich", "Sondershausen, den 31.03.2021", "Hochwind-Schneider",
        "Landrätin", "Ausgefertigt am: 01.04.2021", "Integration", "Soziales",
        "Die Herausforderungen der Grundversorgung geflüchteter Menschen",
    ):
        assert fact in page, fact
    html = example_site.page("beschluesse/2021-7-014/")
    # the decision comes first, before the consultations and the statement of facts
    assert html.index('id="beschluss"') < html.index('id="beratungsfolge"') \
        < html.index('id="sachverhalt"')
    assert 'id="beratung-2021-03-31-kreistag"' in html


def test_crawl_from_home_reaches_every_page_and_no_link_is_broken(example_site: Site):
    with serve(example_site.public) as base:
        result = crawl(base)
    assert result.broken == []
    reached = {url.removeprefix(base[:-1]) for url in result.pages}
    missing = expected_pages(example_site) - reached
    assert not missing


def test_crawl_under_a_sub_path_base_url(example_site: Site, tmp_path, capsys):
    out = tmp_path / "sub"
    with contextlib.chdir(example_site.root):
        from ratsinfo_site.cli import main
        assert main(["build", "--quiet", "--base-url", "https://example.github.io/archiv/",
                     "--out", str(out)]) == 0
    with serve(out, "/archiv/") as base:
        result = crawl(base)
    assert result.broken == []
    reached = {url.removeprefix(base.removesuffix("/archiv/")) for url in result.pages}
    assert not expected_pages(example_site, "/archiv/") - reached
    home = (out / "index.html").read_text("utf-8")
    assert 'href="/archiv/assets/style.css"' in home


def test_example_archive_is_as_rich_as_promised(example_site: Site):
    with contextlib.chdir(example_site.root):
        archive, _ = read_archive(load_config())
    assert len(archive.resolutions) >= 31
    assert len(archive.years) >= 2 and len(archive.committees) >= 4
    assert len(archive.sessions) >= 10 and len(archive.topics) >= 8
    types = {r.type for r in archive.resolutions}
    assert {"Beschlussvorlage", "Antrag", "Anfrage", "Informationsvorlage"} <= types
    outcomes = {r.outcome for r in archive.resolutions}
    assert {"accepted", "rejected", "deferred"} <= outcomes
    consultations = [c for r in archive.resolutions for c in r.consultations]
    assert any(c.unanimous for c in consultations)
    assert any(c.votes and c.votes.no for c in consultations)
    assert any(r.attachments for r in archive.resolutions)
    assert any(s.info and s.info.location and s.info.agenda for s in archive.sessions)
    sources = list((REPO / "content" / "resolutions").rglob("*.md"))
    assert any("public: false" in p.read_text("utf-8") for p in sources)


def test_attachments_are_published_only_when_a_public_resolution_lists_them(
        example_site: Site):
    with contextlib.chdir(example_site.root):
        archive, _ = read_archive(load_config())
    listed = {a.file for r in archive.resolutions for a in r.attachments}
    published = {p.relative_to(example_site.public / "dateien").as_posix()
                 for p in (example_site.public / "dateien").rglob("*") if p.is_file()}
    assert listed and published == listed
    for file in listed:
        assert (example_site.public / "dateien" / file).read_bytes() == \
            (example_site.root / "content" / "files" / file).read_bytes()


def test_an_attachment_named_on_disk_in_decomposed_unicode_is_found_and_linked(
        site: Site, capsys):
    """A file copied from a Mac spells "Ü" as "U" and a combining mark (NFD), front matter
    is read composed (NFC): the file, there for the eye, was 'not found in content/files/'."""
    import unicodedata
    name = "Übersicht der Maßnahmen.pdf"
    site.write(f"content/files/2021/{unicodedata.normalize('NFD', name)}", b"%PDF-1.4 plan")
    site.simple("r", "2021/1", extra=f'attachments:\n  - {{title: Plan, file: "2021/{name}"}}\n')
    run = site.run("build", capsys=capsys)
    assert run.code == 0, run.err
    assert 'href="/dateien/2021/%C3%9Cbersicht%20der%20Ma%C3%9Fnahmen.pdf"' in \
        site.page("beschluesse/2021-1/")
    assert (site.public / "dateien" / "2021" / name).read_bytes() == b"%PDF-1.4 plan"


@pytest.mark.browser
def test_an_attachment_whose_name_holds_url_characters_is_linked_to_itself(
        page, site: Site, capsys):
    """'#', '?' and '%' in a file name end or change an address unless quoted: the link
    led to 'Plan ' with a fragment '#2 …' (a 404)."""
    name = "Plan #2 (50% fertig) & Anlage? – Entwurf.pdf"
    site.write(f"content/files/{name}", b"%PDF-1.4 plan")
    site.simple("r", "2021/1", "Mit Anlage",
                extra=f'attachments:\n  - {{title: Plan, file: "{name}"}}\n')
    assert site.run("build", "--base-url", "https://example.org/archiv/", capsys=capsys).code == 0
    with serve(site.public, "/archiv/") as base:
        page.goto(base + "beschluesse/2021-1/")
        href = page.get_attribute("a:text-is('Plan')", "href")
        assert href.startswith("/archiv/dateien/Plan%20%232%20")
        response = page.request.get(base.removesuffix("/archiv/") + href)
        assert response.status == 200 and response.body() == b"%PDF-1.4 plan"
    record = json.loads((site.public / "api/beschluesse/2021-1.json").read_text("utf-8"))
    assert record["attachments"][0]["url"] == "https://example.org" + href


def test_a_paper_twice_on_one_sessions_agenda_has_an_anchor_for_each_item(site: Site, capsys):
    """Two items of one session (first deferred, then decided) had one anchor twice: an
    id twice on the page, and both session links led to the first. A closed item is not
    counted: a '-2' would tell of it."""
    site.simple("r", "2021/1", "Zweimal beraten", extra="""\
        consultations:
          - {committee: Kreistag, date: 2021-03-31, agenda_item: "5", result: vertagt}
          - {committee: Kreistag, date: 2021-03-31, agenda_item: "9", result: angenommen}
        """)
    site.simple("s", "2021/2", "Erst geheim", extra="""\
        consultations:
          - {committee: Kreistag, date: 2021-03-31, agenda_item: "2", public: false}
          - {committee: Kreistag, date: 2021-03-31, agenda_item: "11", result: angenommen}
        """)
    assert site.run("build", capsys=capsys).code == 0
    page = site.page("beschluesse/2021-1/")
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert {"beratung-2021-03-31-kreistag", "beratung-2021-03-31-kreistag-2"} <= set(ids)
    session = site.page("sitzungen/2021-03-31-kreistag/")
    assert 'href="/beschluesse/2021-1/#beratung-2021-03-31-kreistag"' in session
    assert 'href="/beschluesse/2021-1/#beratung-2021-03-31-kreistag-2"' in session
    assert 'href="/beschluesse/2021-2/#beratung-2021-03-31-kreistag"' in session
    assert "kreistag-2" not in site.page("beschluesse/2021-2/")
    # three public items, two resolutions: the lists count resolutions, as they say
    for listing in ("sitzungen/", "gremien/kreistag/"):
        assert '<span class="meta">2 Beschlüsse</span>' in site.page(listing), listing


def test_withdrawn_resolution_keeps_its_page_with_a_notice(site: Site, capsys):
    site.simple("r", "2021/1", "Alter Antrag", extra="status: withdrawn\n")
    assert site.run("build", capsys=capsys).code == 0
    page = text_of(site.page("beschluesse/2021-1/"))
    assert "Alter Antrag" in page and "zurückgezogen" in page
    assert "Die Seite bleibt unter dieser Adresse erhalten" in page


def test_every_field_of_the_format_is_shown(site: Site, capsys):
    site.write("content/files/plan.pdf", b"%PDF-1.4 plan")
    site.simple("other", "2020/1", "Vorgänger")
    site.simple("r", "2021/1", "Alles drin", extra="""\
        type: Antrag
        topics: [Verkehr]
        submitter: CDU-Fraktion
        department: Dez. 5
        resolution: "Der Kreistag **beschließt** den Radweg."
        consultations:
          - {committee: Kreistag, date: 2021-04-01, role: Entscheidung, agenda_item: "7.2",
             result: einstimmig beschlossen, unanimous: true, votes: {for: 30, abstain: 2}}
        finance: "Kosten: **120.000 EUR**"
        signed: {place: Sondershausen, date: 2021-03-30, name: Muster, role: Landrätin}
        issued: 2021-04-02
        attachments:
          - {title: Lageplan, file: plan.pdf}
        related: ["2020/1"]
        aliases: ["OSR-Vorlage Nr. 171"]
        details:
          Klimarelevanz: keine
        """)
    assert site.run("build", capsys=capsys).code == 0
    page = text_of(site.page("beschluesse/2021-1/"))
    for fact in ("Antrag", "Verkehr", "CDU-Fraktion", "Dez. 5", "Der Kreistag beschließt",
                 "TOP 7.2", "einstimmig beschlossen", "Ja: 30 · Nein: nicht erfasst · "
                 "Enthaltung: 2 · Befangen: nicht erfasst (einstimmig)", "Kosten: 120.000 EUR",
                 "Sondershausen, den 30.03.2021", "Muster", "Ausgefertigt am: 02.04.2021",
                 "Lageplan", "(PDF, 13 B)", "2020/1 Vorgänger", "OSR-Vorlage Nr. 171",
                 "Klimarelevanz keine"):
        assert fact in page, fact
    assert "2021/1 Alles drin" in text_of(site.page("beschluesse/2020-1/"))  # Bezogen von


def test_a_detail_or_finance_value_yaml_reads_as_true_or_false_is_shown_as_written(
        site: Site, capsys):
    """YAML 1.1 reads yes, no, on, off as true and false: "Klimarelevant: no" was shown
    as "False" on the page and in the export."""
    site.simple("a", "2021/1", extra="details: {Klimarelevant: no, Anhörung: yes}\n"
                "finance: {Haushaltsmittel vorhanden: off}\n")
    assert site.run("build", capsys=capsys).code == 0
    facts = text_of(site.page("beschluesse/2021-1/"))
    assert "Klimarelevant no" in facts and "Anhörung yes" in facts
    assert "Haushaltsmittel vorhanden off" in facts
    assert "True" not in facts and "False" not in facts
    details = json.loads((site.public / "api/beschluesse/2021-1.json").read_text())["details"]
    assert [d["html"] for d in details] == ["no", "yes"]


def test_a_detail_or_finance_label_yaml_reads_as_true_or_false_is_shown_as_written(
        site: Site, capsys):
    """YAML 1.1 reads yes, no, on, off as true and false, as a label too: "Yes: einstimmig"
    was shown as "True" on the page and in the export."""
    site.simple("a", "2021/1", extra="details: {Yes: einstimmig, off: 'außer Betrieb'}\n"
                "finance: {no: keine Kosten}\n")
    assert site.run("build", capsys=capsys).code == 0
    facts = text_of(site.page("beschluesse/2021-1/"))
    assert "Yes einstimmig" in facts and "off außer Betrieb" in facts
    assert "no keine Kosten" in facts
    assert "True" not in facts and "False" not in facts
    details = json.loads((site.public / "api/beschluesse/2021-1.json").read_text())["details"]
    assert [d["label"] for d in details] == ["Yes", "off"]


def test_two_builds_are_byte_identical(example_site: Site, tmp_path):
    copy = tmp_path / "again"
    shutil.copytree(example_site.root, copy, ignore=shutil.ignore_patterns("public", ".public.*"))
    from ratsinfo_site.cli import main
    with contextlib.chdir(copy):
        assert main(["build", "--quiet"]) == 0
    first = {k: v for k, v in checksums(example_site.public).items()
             if not k.startswith("pagefind/")}
    second = {k: v for k, v in checksums(copy / "public").items()
              if not k.startswith("pagefind/")}
    assert first == second


def test_site_layout_overrides_a_built_in_template(example_site: Site):
    assert "Kreistagsbüro, Markt 8" in example_site.page("")
    assert "Kreistagsbüro, Markt 8" in example_site.page("beschluesse/2021-7-014/")


def test_type_specific_layout_is_looked_up_first(site: Site, capsys):
    site.simple("a", "2021/1", "Eine Anfrage", extra="type: Anfrage\n")
    site.simple("b", "2021/2", "Eine Vorlage")
    site.write("layouts/resolution-anfrage.html", "ANFRAGE {{ resolution.title }}\n")
    assert site.run("build", capsys=capsys).code == 0
    assert site.page("beschluesse/2021-1/") == "ANFRAGE Eine Anfrage\n"
    assert "Eine Vorlage" in site.page("beschluesse/2021-2/")


def test_broken_site_template_is_reported_with_its_line(site: Site, capsys):
    site.simple("a", "2021/1")
    site.write("layouts/footer.html", "<p>ok</p>\n{% if %}\n")
    run = site.run("build", capsys=capsys)
    assert run.code == 1
    assert run.err.startswith("layouts/footer.html:2: template error: ")
    assert run.err.count("template error") == 1


def test_layout_problems_are_found_by_check_and_named_at_their_own_file(site: Site, capsys):
    """A layout not in UTF-8 was blamed on the theme's base.html (which includes it), once
    per page; a syntax error passed ``check``; a missing include said only its name."""
    site.simple("a", "2021/1", extra="public: nein\n")  # a content error beside them
    site.write("layouts/footer.html", "<p>Kyffh\xe4user</p>\n".encode("latin-1"))
    site.write("layouts/session.html", "<p>ok</p>\n\n{{ session.date|no_such_filter }}\n")
    for command in ("check", "build"):
        run = site.run(command, capsys=capsys)
        assert run.code == 1 and "Traceback" not in run.err
        assert "layouts/footer.html:1: not UTF-8 (byte 0xe4); save the file as UTF-8" in run.err
        assert "layouts/session.html:3: template error: No filter named 'no_such_filter'." \
            in run.err
        assert "content/resolutions/a.md:6: 'public' must be true or false" in run.err
        assert "theme" not in run.err


def test_a_missing_include_is_named_as_missing(site: Site, capsys):
    site.simple("a", "2021/1")
    site.write("layouts/footer.html", "<p>ok</p>\n{% include 'kontakt.html' %}\n")
    run = site.run("build", capsys=capsys)
    assert run.code == 1
    assert "layouts/footer.html:2: template error on page '/': template 'kontakt.html' not " \
        "found (in the layouts folder or the theme)" in run.err


@pytest.mark.parametrize("flag", ["--out", "--content"])
def test_command_line_flags_win_over_defaults(site: Site, capsys, tmp_path, flag):
    other = tmp_path / "other"
    if flag == "--content":
        (other / "resolutions").mkdir(parents=True)
        (other / "resolutions" / "x.md").write_text(
            '---\nreference: "X/1"\ntitle: Anderswo\ndate: 2022-01-01\npublic: true\n---\n')
        assert site.run("build", flag, str(other), capsys=capsys).code == 0
        assert "Anderswo" in site.page("beschluesse/x-1/")
    else:
        site.simple("a", "2021/1")
        assert site.run("build", flag, str(other), capsys=capsys).code == 0
        assert (other / "beschluesse" / "2021-1" / "index.html").is_file()
        assert not site.public.exists()


def test_python_dash_m_runs_the_command(site: Site):
    import subprocess
    import sys
    site.simple("a", "2021/1")
    run = subprocess.run([sys.executable, "-m", "ratsinfo_site", "check"], cwd=site.root,
                         capture_output=True, text=True)
    assert run.returncode == 0 and "OK: 1 public resolutions" in run.stdout


@pytest.mark.parametrize("budget,cores", [(100_000, 2), (1, 1)])
def test_data_files_use_every_core_only_where_a_copy_of_the_build_fits_in_memory(
        site: Site, capsys, monkeypatch, budget, cores):
    """A forked worker copies the records it touches, and the data files touch most."""
    import ratsinfo_site.make as make

    monkeypatch.setattr(make, "MEMORY_BUDGET_MB", budget)
    monkeypatch.setattr(make, "workers", lambda: 2)
    asked = []
    real = make.pmap

    def pmap(function, items, jobs=None, progress=None):
        if function is make._make_file:
            asked.append((jobs, len(items)))
        return real(function, items, jobs, progress)

    monkeypatch.setattr(make, "pmap", pmap)
    for n in range(70):
        site.simple(f"r{n}", f"2021/{n}", f"Radweg {n}")
    assert site.run("build", capsys=capsys).code == 0
    [(jobs, made)] = asked
    assert jobs == cores and made > 140  # two JSON files a resolution, lists, feeds
    data = json.loads((site.public / "api" / "beschluesse" / "2021-69.json").read_text("utf-8"))
    assert data["title"] == "Radweg 69"


def test_a_session_title_is_its_own_words_in_the_heading(site: Site, capsys):
    """The heading's text is what search excerpts and screen readers take: the date and the
    title were one word ("10.02.2021Konstituierende")."""
    site.simple("r", "2021/1", extra="consultations:\n  - {committee: Kreistag, date: "
                "2021-02-10, result: angenommen}\n")
    site.write("content/sessions/kt.md", "---\ncommittee: Kreistag\ndate: 2021-02-10\n"
               "title: Konstituierende Sitzung\n---\n")
    assert site.run("build", capsys=capsys).code == 0
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", site.page("sitzungen/2021-02-10-kreistag/"), re.S)[1]
    assert re.sub(r"<[^>]+>", "", h1) == "Kreistag, 10.02.2021 Konstituierende Sitzung"


def test_a_second_build_of_the_same_site_at_once_is_an_error(site: Site, capsys):
    """Each of two builds at once took the other's working folder for a stale one."""
    import fcntl
    site.simple("a", "2021/1")
    assert site.run("build", capsys=capsys).code == 0
    before = checksums(site.public)
    site.simple("b", "2021/2")
    with open(site.root / ".ratsinfo-cache" / "build.lock", "a") as other:  # as a build holds it
        fcntl.flock(other, fcntl.LOCK_EX)
        run = site.run("build", capsys=capsys)
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.startswith("public:1: another build of this site is running")
    assert checksums(site.public) == before
    assert site.run("build", capsys=capsys).code == 0  # once it has ended
    assert (site.public / "beschluesse" / "2021-2" / "index.html").is_file()


def test_working_links_under_a_percent_encoded_base_path_give_no_warning(site: Site, capsys):
    site.write("site.toml", 'base_url = "/mein%20archiv/"\n')
    site.simple("a", "2021/1", extra="topics: [Soziales]\n")
    site.resolution("b", 'reference: "2021/2"\ntitle: "Zwei"\ndate: 2021-02-02\npublic: true\n',
                    "Siehe [Beschluss 1](../2021-1/) und [Soziales](../../themen/soziales/).\n")
    run = site.run("build", capsys=capsys)
    assert run.code == 0
    assert "leads to no page" not in run.err


def test_an_output_over_1_gb_warns_at_the_output_setting_and_builds(site: Site, capsys,
                                                                    monkeypatch):
    from ratsinfo_site import build
    from ratsinfo_site.files import tree_size
    site.simple("a", "2021/1")
    site.write("site.toml", 'title = "Archiv"\noutput_dir = "public"\n')
    run = site.run("build", capsys=capsys)
    assert run.code == 0 and "GitHub Pages publishes" not in run.err
    monkeypatch.setattr(build, "OUTPUT_LIMIT", tree_size(site.public))  # the next is larger
    site.simple("b", "2021/2", title="Ein zweiter Beschluss")
    for _ in range(2):  # built, then nothing to do: the warning stays
        run = site.run("build", capsys=capsys)
        assert run.code == 0
        assert "site.toml:2: warning: the output is 0.0 GB, more than GitHub Pages publishes " \
            "(1 GB): the deploy may fail; publish it on another web server (see README, " \
            "Size)" in run.err.splitlines()
    assert (site.public / "beschluesse" / "2021-2" / "index.html").is_file()
