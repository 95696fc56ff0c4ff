"""Citing and linking: canonical addresses, anchors, citations, redirects, change history."""

from __future__ import annotations

import json
import os
import re
import subprocess

from tests.helpers import Site, text_of

HOST = "https://example.github.io/archiv/"


def test_resolution_page_has_canonical_open_graph_and_json_ld(site: Site, capsys):
    site.simple("r", "2021/1", "Radwegekonzept", extra="resolution: Der Kreistag beschließt.\n"
                "topics: [Verkehr]\nconsultations:\n  - {committee: Kreistag, date: 2021-04-01, "
                "result: angenommen}\n")
    assert site.run("build", "--base-url", HOST, capsys=capsys).code == 0
    html = site.page("beschluesse/2021-1/")
    assert f'<link rel="canonical" href="{HOST}beschluesse/2021-1/">' in html
    assert '<meta property="og:title" content="2021/1: Radwegekonzept">' in html
    assert re.search(r'<meta name="description" content="[^"]*Der Kreistag beschließt', html)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                                re.S)[1])
    assert data["@type"] == "Legislation" and data["legislationIdentifier"] == "2021/1"
    assert data["url"] == f"{HOST}beschluesse/2021-1/"
    assert data["legislationPassedBy"]["name"] == "Kreistag"


def test_without_a_host_absolute_addresses_are_left_out_with_a_warning(site: Site, capsys):
    site.simple("r", "2021/1")
    run = site.run("build", capsys=capsys)
    assert run.code == 0
    assert "site.toml:1: warning: base_url '/' has no host" in run.err
    html = site.page("beschluesse/2021-1/")
    assert "canonical" not in html and "ld+json" not in html and "og:url" not in html


def test_the_warning_of_a_base_url_without_a_host_names_where_it_was_given(site: Site,
                                                                           capsys):
    site.simple("r", "2021/1")
    site.write("site.toml", 'title = "Archiv"\n\nbase_url = "/archiv/"\n')
    run = site.run("build", capsys=capsys)
    assert run.code == 0
    assert "site.toml:3: warning: base_url '/archiv/' has no host" in run.err
    run = site.run("build", "--base-url", "/x/", capsys=capsys)
    assert "--base-url:1: warning: base_url '/x/' has no host" in run.err


def test_sections_and_consultations_have_stable_anchors(example_site: Site):
    html = example_site.page("beschluesse/2022-7-041/")
    for anchor in ("beschluss", "beratungsfolge", "sachverhalt", "finanzen", "anlagen",
                   "beratung-2022-02-16-kreisausschuss", "zitieren"):
        assert f'id="{anchor}"' in html, anchor


def test_citation_box_holds_a_ready_to_paste_citation(site: Site, capsys):
    site.write("site.toml", 'body = "Kyffhäuserkreis"\n')
    site.simple("r", "2021/7/014", "Integrationskonzept")
    assert site.run("build", "--base-url", HOST, capsys=capsys).code == 0
    assert "Kyffhäuserkreis: Beschlussvorlage 2021/7/014 vom 31.03.2021, „Integrationskonzept“. " \
        f"{HOST}beschluesse/2021-7-014/ (abgerufen am …)" in text_of(
            site.page("beschluesse/2021-7-014/"))


def test_alias_address_redirects_to_the_resolution(site: Site, capsys):
    site.simple("r", "2021/1332", "Neue Nummer", extra='aliases: ["OSR-Vorlage Nr. 171"]\n')
    assert site.run("build", "--base-url", HOST, capsys=capsys).code == 0
    html = site.page("beschluesse/osr-vorlage-nr-171/")
    assert '<meta http-equiv="refresh" content="0; url=/archiv/beschluesse/2021-1332/">' in html
    assert f'<link rel="canonical" href="{HOST}beschluesse/2021-1332/">' in html
    assert 'href="/archiv/beschluesse/2021-1332/">Weiter zu 2021/1332: Neue Nummer</a>' in html


def test_renamed_reference_keeps_every_old_address_working(site: Site, capsys):
    site.simple("r", "2021/39", "Abfallkonzept", extra="topics: [Umwelt]\n")
    site.simple("s", "2021/40", "Bezug darauf", extra='related: ["2021/39"]\n')
    assert site.run("build", "--base-url", HOST, capsys=capsys).code == 0
    first = {p.relative_to(site.public).as_posix() for p in site.public.rglob("*")
             if p.is_file() and "pagefind" not in p.parts}
    site.simple("r", "2022/52", "Abfallkonzept", extra='topics: [Umwelt]\naliases: ["2021/39"]\n')
    site.simple("s", "2021/40", "Bezug darauf", extra='related: ["2022/52"]\n')
    assert site.run("build", "--base-url", HOST, capsys=capsys).code == 0
    missing = sorted(path for path in first if not (site.public / path).is_file())
    assert missing == []
    assert "url=/archiv/beschluesse/2022-52/" in site.page("beschluesse/2021-39/")


def test_page_shows_when_it_last_changed_from_git(site: Site, capsys):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=site.root, check=True, capture_output=True,
                       env={"GIT_AUTHOR_DATE": "2024-05-01T10:00:00", "GIT_COMMITTER_DATE":
                            "2024-05-01T10:00:00", "GIT_AUTHOR_NAME": "Büro",
                            "GIT_AUTHOR_EMAIL": "b@example.org", "GIT_COMMITTER_NAME": "Büro",
                            "GIT_COMMITTER_EMAIL": "b@example.org", "HOME": str(site.root),
                            "PATH": "/usr/bin:/bin"})

    site.simple("r", "2021/1", "Erste Fassung")
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "Vorlage 2021/1 eingestellt")
    site.simple("r", "2021/1", "Korrigierte Fassung")
    git("commit", "-qam", "Tippfehler im Betreff korrigiert")
    assert site.run("build", capsys=capsys).code == 0
    page = text_of(site.page("beschluesse/2021-1/"))
    assert "Zuletzt geändert: 01.05.2024" in page
    assert page.index("Tippfehler im Betreff korrigiert") < page.index("Vorlage 2021/1 eingestellt")


def test_history_with_a_file_name_and_a_message_that_are_not_utf8(site: Site, capsys):
    """git log gives what it holds: a name or a message need not be UTF-8 (the build
    ended with UnicodeDecodeError when one was not)."""
    env = {"GIT_AUTHOR_NAME": "B", "GIT_AUTHOR_EMAIL": "b@example.org",
           "GIT_COMMITTER_NAME": "B", "GIT_COMMITTER_EMAIL": "b@example.org",
           "HOME": str(site.root), "PATH": "/usr/bin:/bin"}
    site.simple("r", "2021/1", "Erste Fassung")
    (site.root / "content" / "files").mkdir(parents=True)
    (site.root / "content" / "files").joinpath(os.fsdecode(b"scan-\xfe.pdf")).write_bytes(b"x")
    (site.root / "nachricht").write_bytes(b"Vorlage \xfcberarbeitet")
    for args in (["init", "-q"], ["add", "content/files"], ["commit", "-qm", "Scan"],
                 ["add", "content"],  # a message of a commit of published files only is shown
                 ["-c", "i18n.commitEncoding=UTF-8", "commit", "-q", "-F", "nachricht"]):
        subprocess.run(["git", *args], cwd=site.root, check=True, capture_output=True, env=env)
    assert site.run("build", capsys=capsys).code == 0
    assert re.search("Vorlage (\ufffd|ü)berarbeitet", text_of(site.page("beschluesse/2021-1/")))


def test_no_history_section_outside_git(site: Site, capsys):
    site.simple("r", "2021/1")
    assert site.run("build", capsys=capsys).code == 0
    assert "Änderungsverlauf" not in site.page("beschluesse/2021-1/")


def test_404_page_has_a_search_box_and_works_under_the_sub_path(site: Site, capsys):
    site.simple("r", "2021/1")
    assert site.run("build", "--base-url", HOST, capsys=capsys).code == 0
    html = (site.public / "404.html").read_text("utf-8")
    assert 'action="/archiv/suche/"' in html and 'href="/archiv/assets/style.css"' in html
    assert (site.public / ".nojekyll").is_file()
