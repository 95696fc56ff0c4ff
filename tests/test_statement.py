"""Erklärung zur Barrierefreiheit, Leichte Sprache, Gebärdensprache, Impressum, Datenschutz."""

from __future__ import annotations

import re

from ratsinfo_site.config import STATEMENT_KEYS
from tests.helpers import REPO, Site, text_of


def build(site: Site, capsys, toml: str = "", **pages: str):
    site.simple("r", "2021/1", "Ein Beschluss")
    site.write("site.toml", 'title = "Archiv"\nbody = "Musterkreis"\n' + toml)
    for name, text in pages.items():
        site.write(f"content/pages/{name.replace('_', '-')}.md", text)
    return site.run("build", capsys=capsys)


def footer_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="legal-links".*?</nav>', html, re.S)[0]
    return {text_of(label).strip(): href
            for href, label in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', nav)}


def test_every_page_footer_links_statement_leichte_sprache_imprint_and_privacy(
        example_site: Site):
    pages = [p for p in example_site.public.rglob("*.html")
             if 'http-equiv="refresh"' not in p.read_text("utf-8")]
    assert len(pages) > 100
    for page in pages:
        assert footer_links(page.read_text("utf-8")) == {
            "Erklärung zur Barrierefreiheit": "/barrierefreiheit/",
            "Leichte Sprache": "/leichte-sprache/",
            "Impressum": "/impressum/",
            "Datenschutz": "/datenschutz/",
        }, page


def test_statement_names_contact_date_and_the_schlichtungsstelle(site: Site, capsys):
    run = build(site, capsys, 'accessibility_contact = "barrierefrei@musterkreis.example"\n'
                              "accessibility_checked = 2025-01-15\n")
    assert run.code == 0, run.err
    html = site.page("barrierefreiheit/")
    text = text_of(html)
    assert "<h1>Erklärung zur Barrierefreiheit</h1>" in html
    assert '<a href="mailto:barrierefrei@musterkreis.example">' in html
    assert "Diese Erklärung wurde am 15. Januar 2025 erstellt oder zuletzt überprüft." in text
    assert "teilweise vereinbar" in text and "Nicht barrierefreie Inhalte" in text
    assert "Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz" in text
    assert 'href="https://www.schlichtungsstelle-bgg.de/"' in html
    assert "(Musterkreis)" in text


def test_statement_takes_a_url_contact_a_status_and_a_landes_schlichtungsstelle(
        site: Site, capsys):
    run = build(site, capsys, 'accessibility_contact = "https://musterkreis.example/kontakt"\n'
                              'accessibility_checked = "2024-12-01"\n'
                              'accessibility_status = "full"\n'
                              'enforcement_body = "Ombudsstelle des Landes, '
                              '[www.land.example](https://www.land.example/)"\n')
    assert run.code == 0, run.err
    html = site.page("barrierefreiheit/")
    assert '<a href="https://musterkreis.example/kontakt">' in html
    assert "vollständig vereinbar" in html and "Nicht barrierefreie Inhalte" not in html
    assert 'Ombudsstelle des Landes, <a href="https://www.land.example/"' in html
    assert "schlichtungsstelle-bgg" not in html
    assert "1. Dezember 2024" in html


def test_without_a_contact_the_statement_points_to_the_imprint_or_the_publisher(
        site: Site, capsys):
    assert build(site, capsys, 'imprint_url = "https://musterkreis.example/impressum"\n'
                 'privacy_url = "https://musterkreis.example/datenschutz"\n').code == 0
    html = site.page("barrierefreiheit/")
    assert "im Impressum genannt" in html
    assert '<a href="https://musterkreis.example/impressum">Impressum</a>' in html
    assert footer_links(site.page(""))["Datenschutz"] == "https://musterkreis.example/datenschutz"
    assert not (site.public / "impressum").exists()
    site.write("site.toml", 'body = "Musterkreis"\n')
    assert site.run("build", capsys=capsys).code == 0
    assert "an den Herausgeber dieses Archivs: Musterkreis" in site.page("barrierefreiheit/")
    assert set(footer_links(site.page(""))) == {"Erklärung zur Barrierefreiheit",
                                                "Leichte Sprache"}


def test_imprint_and_privacy_come_from_content_pages(site: Site, capsys):
    run = build(site, capsys, impressum="# Impressum des Musterkreises\n\n"
                "Landratsamt Musterkreis, Hauptstraße 1.\n\n## Verantwortlich\n\nDas Büro.\n",
                datenschutz="Wir setzen keine Cookies.\n")
    assert run.code == 0, run.err
    imprint = site.page("impressum/")
    assert "<h1>Impressum des Musterkreises</h1>" in imprint
    assert "Hauptstraße 1" in imprint and "<h2" in imprint and imprint.count("<h1") == 1
    privacy = site.page("datenschutz/")
    assert "<h1>Datenschutz</h1>" in privacy and "keine Cookies" in privacy
    assert footer_links(site.page("")) == {
        "Erklärung zur Barrierefreiheit": "/barrierefreiheit/",
        "Leichte Sprache": "/leichte-sprache/", "Impressum": "/impressum/",
        "Datenschutz": "/datenschutz/"}


def test_imprint_with_old_mac_line_ends_and_control_characters_reads_as_written(
        site: Site, capsys):
    """A text page saved with CR line ends (old Mac, some Windows tools) became one long
    heading, and a control character from a PDF or Word stayed in the page's HTML."""
    run = build(site, capsys, impressum="# Impressum\r\rLandratsamt\x00 Musterkreis,\x0c "
                "Hauptstraße 1.\r\r## Kontakt\r\rDas Büro.\r",
                datenschutz="# Datenschutz\r\n\r\nKeine Cookies\x01.\r\n")
    assert run.code == 0, run.err
    imprint = site.page("impressum/")
    assert "<h1>Impressum</h1>" in imprint
    assert "<p>Landratsamt Musterkreis,  Hauptstraße 1.</p>" in imprint
    assert "<h2" in imprint and "Kontakt</h2>" in imprint
    privacy = site.page("datenschutz/")
    assert "<h1>Datenschutz</h1>" in privacy and "<p>Keine Cookies.</p>" in privacy
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", imprint + privacy)


def test_home_page_links_leichte_sprache_and_the_sign_language_video(site: Site, capsys):
    assert build(site, capsys, 'sign_language_url = "https://video.example/dgs"\n').code == 0
    home = site.page("")
    assert '<a href="/leichte-sprache/">Informationen in Leichter Sprache</a>' in home
    assert ('<a href="https://video.example/dgs">Informationen in Deutscher Gebärdensprache '
            "(Video)</a>") in home
    assert footer_links(home)["Gebärdensprache"] == "https://video.example/dgs"
    assert 'href="https://video.example/dgs"' in site.page("barrierefreiheit/")


def sentences(html: str) -> list[str]:
    body = re.search(r'<div class="prose">(.*?)</div>', html, re.S)[1]
    text = re.sub(r"<h\d[^>]*>.*?</h\d>", "\n", body)
    text = re.sub(r"<li>", "\n", text)
    return [s.strip() for s in re.split(r"[.:?!]\s|\n", text_of_lines(text)) if s.strip()]


def text_of_lines(html: str) -> str:
    return re.sub(r"[ \t]+", " ", re.sub(r"<[^>]+>", "", html))


def test_default_leichte_sprache_text_has_short_sentences_and_explains_words(
        site: Site, capsys):
    assert build(site, capsys).code == 0
    html = site.page("leichte-sprache/")
    assert "<h1>Leichte Sprache</h1>" in html
    found = sentences(html)
    assert len(found) > 40
    too_long = [s for s in found if len(s.split()) > 12]
    assert too_long == []
    for explained in ("Ein Beschluss ist eine Entscheidung", "Ein Rat ist eine Gruppe",
                      "Ein Ausschuss ist eine kleine Gruppe", "Eine Sitzung ist ein Treffen",
                      "Barriere·freiheit bedeutet"):
        assert explained in html
    assert 'href="../barrierefreiheit/"' in html


def test_a_site_replaces_the_leichte_sprache_text(site: Site, capsys):
    assert build(site, capsys, leichte_sprache="# Leichte Sprache\n\nDas ist unser Text.\n"
                 ).code == 0
    html = site.page("leichte-sprache/")
    assert "Das ist unser Text." in html and "Ein Rat ist eine Gruppe" not in html


def test_bad_statement_settings_are_reported_with_path_and_line(site: Site, capsys):
    run = build(site, capsys, 'accessibility_status = "meistens"\n'
                              'accessibility_checked = "15.01.2025"\n')
    assert run.code == 1
    assert "site.toml:3: 'accessibility_status' must be one of full, partial, none" in run.err
    assert "site.toml:4: 'accessibility_checked' must be a date (YYYY-MM-DD)" in run.err


def test_a_content_page_that_is_not_utf8_is_reported(site: Site, capsys):
    site.write("content/pages/impressum.md", "Stra\xdfe 1".encode("latin-1"))
    run = build(site, capsys)
    assert run.code == 1
    assert "content/pages/impressum.md:1: not UTF-8" in run.err
    assert not site.public.exists()


def test_every_statement_key_is_documented():
    docs = (REPO / "docs" / "content-format.md").read_text("utf-8")
    for key in sorted(STATEMENT_KEYS):
        assert f"`{key}`" in docs, key
    for name in ("content/pages/impressum.md", "content/pages/datenschutz.md",
                 "content/pages/leichte-sprache.md"):
        assert name in docs, name
