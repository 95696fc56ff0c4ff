"""What is published: non-public papers, closed items and non-public sessions leave no trace."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata

from tests.helpers import Site


def all_output(site: Site) -> str:
    return "\n".join(p.read_text("utf-8", errors="replace")
                     for p in site.public.rglob("*") if p.is_file())


def found_in_output(site: Site, *words: str) -> list[str]:
    """Which of ``words`` some output file holds."""
    output = all_output(site)
    return [word for word in words if word in output]


def test_non_public_resolution_leaves_no_trace(site: Site, capsys):
    site.simple("open", "2021/1", "Öffentlicher Beschluss", extra="""\
        topics: [Haushalt]
        consultations:
          - {committee: Kreistag, date: 2021-04-01, result: angenommen}
        """)
    site.simple("secret", "2021/2", "Grundstücksangelegenheit Zebrafink", public=False, extra="""\
        topics: [Geheimthema]
        submitter: Zebrafink-Einreicher
        consultations:
          - {committee: Personalausschuss, date: 2021-05-05, result: angenommen}
          - {committee: Kreistag, date: 2021-04-01, result: angenommen}
        """)
    assert site.run("build", capsys=capsys).code == 0
    assert found_in_output(site, "Zebrafink", "2021/2", "2021-2", "Geheimthema",
                           "Personalausschuss", "personalausschuss", "2021-05-05") == []
    assert not (site.public / "beschluesse" / "2021-2").exists()
    assert not (site.public / "gremien" / "personalausschuss").exists()
    assert not (site.public / "themen" / "geheimthema").exists()
    assert "1 Beschluss<" in site.page("sitzungen/")  # the Kreistag session counts one item
    assert '<p class="count">1 Beschluss</p>' in site.page("beschluesse/")


def test_closed_agenda_item_shows_nothing_of_itself(site: Site, capsys):
    site.simple("r", "2021/1", extra="""\
        consultations:
          - {committee: Kreisausschuss, date: 2021-03-03, agenda_item: "9.9", role: Vorberatung,
             result: vertagt, votes: {for: 1, against: 2}, public: false}
          - {committee: Kreistag, date: 2021-04-01, result: angenommen}
        """)
    assert site.run("build", capsys=capsys).code == 0
    page = site.page("beschluesse/2021-1/")
    assert "Kreistag" in page
    assert found_in_output(site, "Kreisausschuss", "2021-03-03", "03.03.2021", "9.9",
                           "vertagt") == []
    assert not (site.public / "sitzungen" / "2021-03-03-kreisausschuss").exists()


def test_non_public_session_hides_the_consultations_that_name_it(site: Site, capsys):
    site.simple("r", "2021/1", extra="""\
        consultations:
          - {committee: Kreisausschuss, date: 2021-03-03, result: zugestimmt}
          - {committee: Kreistag, date: 2021-04-01, result: vertagt}
        """)
    site.write("content/sessions/ka.md", "---\ncommittee: Kreisausschuss\ndate: 2021-03-03\n"
               "public: false\nlocation: Geheimzimmer\n---\nInterne Sitzung.\n")
    assert site.run("build", capsys=capsys).code == 0
    assert found_in_output(site, "Kreisausschuss", "Geheimzimmer", "Interne Sitzung",
                           "zugestimmt") == []
    assert "vertagt" in site.page("beschluesse/2021-1/")


def test_final_outcome_is_that_of_the_last_public_consultation(site: Site, capsys):
    site.simple("r", "2021/1", extra="""\
        consultations:
          - {committee: Kreistag, date: 2021-06-01, result: abgelehnt}
          - {committee: Kreisausschuss, date: 2021-05-01, result: empfohlen}
        """)
    site.simple("s", "2021/2")
    assert site.run("build", capsys=capsys).code == 0
    listing = site.page("beschluesse/")
    assert 'outcome-rejected">abgelehnt' in listing
    assert 'outcome-open">offen' in listing
    page = site.page("beschluesse/2021-1/")
    assert page.index("Kreisausschuss</a>") < page.index("Kreistag</a>")  # date order


def test_session_items_follow_the_session_files_agenda(site: Site, capsys):
    for ref, item in (("2021/1", "3"), ("2021/2", "10"), ("2021/3", "2")):
        site.simple(ref.replace("/", "-"), ref, f"Titel {ref}", extra=f"""\
            consultations:
              - {{committee: Kreistag, date: 2021-04-01, agenda_item: "{item}"}}
            """)
    assert site.run("build", capsys=capsys).code == 0
    page = site.page("sitzungen/2021-04-01-kreistag/")
    assert page.index("Titel 2021/3") < page.index("Titel 2021/1") < page.index("Titel 2021/2")
    site.write("content/sessions/kt.md", "---\ncommittee: Kreistag\ndate: 2021-04-01\n"
               "location: Sitzungssaal\nstart: 17:00\nagenda: [\"2021/2\", \"2021/1\"]\n---\n")
    assert site.run("build", capsys=capsys).code == 0
    page = site.page("sitzungen/2021-04-01-kreistag/")
    assert page.index("Titel 2021/2") < page.index("Titel 2021/1") < page.index("Titel 2021/3")
    assert "Sitzungssaal" in page and "17:00" in page


def test_a_paper_twice_on_the_agenda_has_each_item_at_its_own_entry(site: Site, capsys):
    site.simple("a", "2021/1", "Erst vertagt", extra="""\
        consultations:
          - {committee: Kreistag, date: 2021-04-01, result: vertagt}
          - {committee: Kreistag, date: 2021-04-01, result: angenommen}
        """)
    site.simple("b", "2021/2", "Dazwischen", extra="""\
        consultations:
          - {committee: Kreistag, date: 2021-04-01, result: angenommen}
        """)
    site.write("content/sessions/kt.md", "---\ncommittee: Kreistag\ndate: 2021-04-01\n"
               'agenda: ["2021/1", "2021/2", "2021/1"]\n---\n')
    assert site.run("build", capsys=capsys).code == 0
    page = site.page("sitzungen/2021-04-01-kreistag/")
    first, second = (page.index(f'href="/beschluesse/2021-1/#beratung-2021-04-01-kreistag{n}"')
                     for n in ("", "-2"))
    assert first < page.index("Dazwischen") < second
    items = json.loads((site.public / "api" / "sitzungen.json").read_text())["sessions"][0]
    assert [(i["reference"], i["result"]) for i in items["items"]] == [
        ("2021/1", "vertagt"), ("2021/2", "angenommen"), ("2021/1", "angenommen")]


def test_partial_votes_show_not_recorded_never_zero(site: Site, capsys):
    site.simple("r", "2021/1", extra="""\
        consultations:
          - {committee: Kreistag, date: 2021-04-01, result: angenommen,
             votes: {for: 36, against: 11}}
          - {committee: Kreistag, date: 2021-05-01, result: angenommen, unanimous: true}
        """)
    assert site.run("build", capsys=capsys).code == 0
    page = site.page("beschluesse/2021-1/")
    assert "Ja: 36 · Nein: 11 · Enthaltung: nicht erfasst · Befangen: nicht erfasst" in page
    assert "einstimmig" in page


def test_a_vote_chart_only_where_its_shares_are_known(site: Site, capsys):
    """Ja 20 with nothing else recorded drew a full-width Ja bar: unanimous, it seemed."""
    site.simple("r", "2021/1", extra="""\
        consultations:
          - {committee: Kreistag, date: 2021-04-01, result: angenommen, votes: {for: 20}}
          - {committee: Kreisausschuss, date: 2021-03-01, result: angenommen,
             votes: {abstain: 2}, unanimous: true}
          - {committee: Finanzausschuss, date: 2021-02-01, result: angenommen,
             votes: {for: 5, against: 2, abstain: 0}}
        """)
    assert site.run("build", capsys=capsys).code == 0
    page = site.page("beschluesse/2021-1/")
    assert "Ja: 20 · Nein: nicht erfasst" in page
    charts = re.findall(r'<div class="vote-chart"[^>]*>(.*?)</div>', page, re.S)
    assert len(charts) == 1, charts  # the Finanzausschuss's, whose votes are all recorded
    assert re.findall(r'bar-(\w+)" style="width: ([\d.]+)%', charts[0]) == [
        ("for", "71.4"), ("against", "28.6")]


def test_long_lists_are_paginated(site: Site, capsys):
    for n in range(1, 206):
        site.simple(f"r{n}", f"2021/{n}", f"Beschluss Nummer {n}", extra="topics: [Viel]\n")
    assert site.run("build", capsys=capsys).code == 0
    assert "Seite 1 von 3" in site.page("beschluesse/")
    third = site.page("beschluesse/seite/3/")
    assert "Seite 3 von 3" in third and third.count('class="ref"') == 5
    assert "Seite 2 von 3" in site.page("themen/viel/seite/2/")



def many_resolutions(site: Site, count: int) -> None:
    """``count`` resolutions of the topic Viel, one a day from 2 January 2021, each decided
    by the Kreistag that day (a session each)."""
    for n in range(1, count + 1):
        day = dt.date(2021, 1, 1) + dt.timedelta(days=n)
        site.resolution(f"r{n}", f"""\
            reference: "2021/{n}"
            title: "Beschluss Nummer {n}"
            date: {day}
            public: true
            topics: [Viel]
            consultations:
              - {{committee: Kreistag, date: {day}, result: angenommen}}
            """)


def pagination_of(html: str) -> str:
    return re.search(r'<nav class="pagination".*?</nav>', html, re.S)[0]


def page_numbers(nav: str) -> list[str]:
    """The page numbers and gaps (…) of a pagination, in order."""
    pages = nav.split('class="pagination-pages"')[1]
    return re.findall(r'</span>(\d+)</a>|<li class="pagination-gap">(…)</li>', pages)


def test_a_long_list_offers_the_next_page_above_its_entries_too(site: Site, capsys,
                                                                 monkeypatch):
    """With the neighbours only below the list, "Nächste Seite" was 111 Tab presses from
    the top of a page of 100 entries (and a long scroll on a phone)."""
    monkeypatch.setattr("ratsinfo_site.pages.PER_PAGE", 2)
    many_resolutions(site, 6)  # 3 pages
    assert site.run("build", capsys=capsys).code == 0
    for url, prev, after in (("beschluesse/", None, "/beschluesse/seite/2/"),
                             ("beschluesse/seite/2/", "/beschluesse/", "/beschluesse/seite/3/"),
                             ("beschluesse/seite/3/", "/beschluesse/seite/2/", None),
                             ("jahre/2021/", None, "/jahre/2021/seite/2/"),
                             ("themen/viel/seite/2/", "/themen/viel/", "/themen/viel/seite/3/")):
        html = site.page(url)
        top = re.search(r'<nav class="pagination-top" aria-label="([^"]*)">(.*?)</nav>', html,
                        re.S)
        assert top is not None and top[1] == "Vorherige und nächste Seite"
        assert top.start() < html.index('class="resolution-list') < html.index(
            '<nav class="pagination"')
        links = re.findall(r'<a href="([^"]*)">', top[2])
        assert links == [href for href in (prev, after) if href], url
        assert links == re.findall(r'<a href="([^"]*)" rel="(?:prev|next)">',
                                   pagination_of(html))
    assert "pagination-top" in site.page("sitzungen/")  # sessions too (2 a page)
    assert "pagination-top" not in site.page("themen/")  # a list of one page: none


def test_a_long_list_links_its_neighbours_first_and_a_window_of_page_numbers(
        site: Site, capsys, monkeypatch):
    """98 pages listed every page number: 98 links before "Nächste Seite" (209 Tab presses
    from the top of the page), a block 762 px tall on a phone."""
    monkeypatch.setattr("ratsinfo_site.pages.PER_PAGE", 2)
    many_resolutions(site, 30)  # 15 pages
    assert site.run("build", capsys=capsys).code == 0
    nav = pagination_of(site.page("beschluesse/seite/8/"))
    links = re.findall(r'<a href="([^"]*)"([^>]*)>', nav)
    assert links[:2] == [("/beschluesse/seite/7/", ' rel="prev"'),
                         ("/beschluesse/seite/9/", ' rel="next"')]
    assert [n or gap for n, gap in page_numbers(nav)] == ["1", "…", "7", "8", "9", "…", "15"]
    assert len(links) == 2 + 5
    assert [href for href, attrs in links if "aria-current" in attrs] == ["/beschluesse/seite/8/"]
    assert nav.count('aria-current="page"') == 1 and '<li class="pagination-gap">…</li>' in nav
    assert 'aria-label="Seitennavigation"' in nav
    # what the page covers: its 2 resolutions of 16 and 17 January (newest first)
    assert "Seite 8 von 15: " in nav and ">16.01.2021</time> bis <time" in nav
    assert ">17.01.2021</time></p>" in nav
    first, last = (pagination_of(site.page(url)) for url in ("beschluesse/",
                                                             "beschluesse/seite/15/"))
    assert 'rel="prev"' not in first and [n or g for n, g in page_numbers(first)] == [
        "1", "2", "…", "15"]
    assert 'rel="next"' not in last and [n or g for n, g in page_numbers(last)] == [
        "1", "…", "14", "15"]
    # a gap of a single page shows its number: "…" would take its place
    assert [n or g for n, g in page_numbers(pagination_of(site.page(
        "beschluesse/seite/4/")))] == ["1", "2", "3", "4", "5", "…", "15"]
    # the committee, topic and year lists are paginated alike
    for url in ("gremien/kreistag/seite/8/", "themen/viel/seite/8/", "jahre/2021/seite/8/"):
        assert [n or g for n, g in page_numbers(pagination_of(site.page(url)))] == [
            "1", "…", "7", "8", "9", "…", "15"], url


def test_a_list_of_up_to_seven_pages_shows_every_page_number(site: Site, capsys, monkeypatch):
    monkeypatch.setattr("ratsinfo_site.pages.PER_PAGE", 2)
    many_resolutions(site, 14)  # 7 pages
    assert site.run("build", capsys=capsys).code == 0
    nav = pagination_of(site.page("beschluesse/seite/4/"))
    assert [n for n, _ in page_numbers(nav)] == ["1", "2", "3", "4", "5", "6", "7"]
    assert "pagination-gap" not in nav


def test_every_page_of_a_list_has_a_title_and_heading_of_its_own(site: Site, capsys,
                                                                   monkeypatch):
    """Every page of the list was titled "Beschlüsse – …" (WCAG 2.4.2)."""
    monkeypatch.setattr("ratsinfo_site.pages.PER_PAGE", 2)
    site.write("site.toml", 'title = "Ratsinformationsarchiv Hainleite-Kreis"\n'
               'base_url = "https://example.org/archiv/"\n')
    many_resolutions(site, 30)
    assert site.run("build", capsys=capsys).code == 0

    def title_and_h1(url: str) -> tuple[str, str]:
        html = site.page(url)
        return (re.search(r"<title>(.*?)</title>", html)[1],
                re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.search(
                    r"<h1[^>]*>(.*?)</h1>", html, re.S)[1])).strip())

    site_title = "Ratsinformationsarchiv Hainleite-Kreis"
    assert title_and_h1("beschluesse/") == (f"Beschlüsse – {site_title}", "Beschlüsse")
    assert title_and_h1("beschluesse/seite/2/") == (
        f"Beschlüsse – Seite 2 von 15 – {site_title}", "Beschlüsse Seite 2 von 15")
    assert title_and_h1("beschluesse/seite/15/") == (
        f"Beschlüsse – Seite 15 von 15 – {site_title}", "Beschlüsse Seite 15 von 15")
    assert title_and_h1("sitzungen/seite/3/")[0] == f"Sitzungen – Seite 3 von 15 – {site_title}"
    assert title_and_h1("gremien/kreistag/seite/2/") == (
        f"Kreistag – Seite 2 von 15 – {site_title}", "Kreistag Seite 2 von 15")
    assert title_and_h1("themen/viel/seite/2/") == (
        f"Viel – Seite 2 von 15 – {site_title}", "Viel Seite 2 von 15")
    assert title_and_h1("jahre/2021/seite/2/") == (
        f"2021 – Seite 2 von 15 – {site_title}", "2021 Seite 2 von 15")
    second = site.page("beschluesse/seite/2/")
    # each page is its own canonical address, and in the sitemap
    assert '<link rel="canonical" href="https://example.org/archiv/beschluesse/seite/2/">' in second
    assert 'content="Beschlüsse – Seite 2 von 15"' in second  # og:title
    sitemap = (site.public / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://example.org/archiv/beschluesse/seite/15/</loc>" in sitemap


def test_every_pagination_link_leads_to_a_page_of_the_list(site: Site, capsys, monkeypatch):
    monkeypatch.setattr("ratsinfo_site.pages.PER_PAGE", 2)
    site.write("site.toml", 'base_url = "https://example.org/archiv/"\n')
    many_resolutions(site, 29)  # 15 pages, the last of one resolution
    assert site.run("build", capsys=capsys).code == 0
    lists = ("beschluesse", "sitzungen", "gremien/kreistag", "themen/viel", "jahre/2021")
    checked = 0
    for name in lists:
        pages = [site.public / name / "index.html",
                 *sorted((site.public / name / "seite").glob("*/index.html"))]
        assert len(pages) == 15, name
        for page in pages:
            nav = pagination_of(page.read_text("utf-8"))
            for href in re.findall(r'href="([^"]*)"', nav):
                assert href.startswith(f"/archiv/{name}/"), (page, href)
                assert (site.public / href.removeprefix("/archiv/") / "index.html").is_file()
                checked += 1
    # a list: previous and next on 13 pages, one of them on 2; 3 to 6 page numbers a page
    assert checked == 5 * (2 * 13 + 2 + 71)


def test_a_name_written_with_combining_marks_is_the_same_committee_and_topic(site: Site,
                                                                             capsys):
    """"ü" as "u" and a combining mark (NFD, from a Mac or a PDF) looks like "ü": the two
    spellings were two committees with one address, an error showing the same name twice."""
    nfd = unicodedata.normalize("NFD", "Ausschuss für Bildung")
    site.simple("a", "2021/1", extra=f"""\
        topics: [{unicodedata.normalize("NFD", "Schulgebäude")}]
        consultations:
          - {{committee: {nfd}, date: 2021-04-01, result: angenommen}}
        """)
    site.simple("b", "2021/2", extra="""\
        topics: [Schulgebäude]
        consultations:
          - {committee: Ausschuss für Bildung, date: 2021-04-01, result: angenommen}
        """)
    assert site.run("build", capsys=capsys).code == 0
    committee = site.page("gremien/ausschuss-fuer-bildung/")
    assert "<h1>Ausschuss für Bildung</h1>" in committee and "u\u0308" not in committee
    assert "2 Beschlüsse" in site.page("themen/schulgebaeude/")


def test_a_non_public_session_spelled_otherwise_still_hides_its_items(site: Site, capsys):
    """The session file of a closed session names the committee as the consultation does
    not ("fuer" for "für", capitals): it is the same session (one address), and closed."""
    site.simple("r", "2024/1", extra="""\
        consultations:
          - {committee: Ausschuss für Bau und Umwelt, date: 2024-02-20, agenda_item: 4,
             result: Zebrafinkergebnis angenommen}
          - {committee: Kreistag, date: 2024-03-01, result: Kreistagsergebnis angenommen}
          - {committee: KREISTAG, date: 2024-03-01, result: Versalienergebnis angenommen}
        """)
    site.write("content/sessions/bau.md", "---\ncommittee: Ausschuss fuer Bau und Umwelt\n"
               "date: 2024-02-20\npublic: false\n---\n")
    site.write("content/sessions/kt.md", "---\ncommittee: Kreistag\ndate: 2024-03-01\n"
               "public: false\n---\n")
    assert site.run("build", capsys=capsys).code == 0
    assert found_in_output(site, "Zebrafinkergebnis", "Kreistagsergebnis", "Versalienergebnis",
                           "2024-02-20", "20.02.2024", "bau-und-umwelt", "2024-03-01") == []
    assert "2024/1" in site.page("beschluesse/2024-1/")


def test_a_session_described_twice_in_two_spellings_is_an_error(site: Site, capsys):
    site.simple("r", "2024/1", extra="""\
        consultations:
          - {committee: Kreistag, date: 2024-03-01, result: angenommen}
        """)
    site.write("content/sessions/a.md", "---\ncommittee: Kreistag\ndate: 2024-03-01\n---\n")
    site.write("content/sessions/b.md", "---\ncommittee: KREISTAG\ndate: 2024-03-01\n"
               "public: false\n---\n")
    run = site.run("build", capsys=capsys)
    assert run.code == 1
    assert "content/sessions/b.md:1: session 'KREISTAG 2024-03-01' is described in two files" \
        in run.err


def test_a_public_flag_left_empty_is_an_error_not_public(site: Site, capsys):
    site.simple("r", "2024/1", extra="""\
        consultations:
          - committee: Kreistag
            date: 2024-03-01
            result: Zebrafinkergebnis
            public:
        """)
    site.write("content/sessions/kt.md", "---\ncommittee: Kreisausschuss\ndate: 2024-03-05\n"
               "title: Zebrafinksitzung\npublic:\n---\n")
    run = site.run("build", capsys=capsys)
    assert run.code == 1
    assert "content/resolutions/r.md:10: 'consultations.public' is empty: write true or false" \
        in run.err
    assert "content/sessions/kt.md:5: 'public' is empty: write true or false" in run.err
    assert not site.public.exists()


def test_names_sort_as_a_german_index_and_one_days_sessions_by_their_start(site: Site,
                                                                           capsys):
    """Ä as A (not after Z); the sessions of one day newest first by start, the calendar
    oldest first."""
    site.simple("a", "2023/1", extra="""\
        topics: [Öffentliche Sicherheit, Umwelt, Bildung]
        consultations:
          - {committee: Zweckverband, date: 2023-12-28}
          - {committee: Ältestenrat, date: 2023-12-28}
          - {committee: Bauausschuss, date: 2023-12-28}
        """)
    for committee, start in (("Zweckverband", "17:00"), ("Ältestenrat", "18:30"),
                             ("Bauausschuss", "09:00")):
        site.write(f"content/sessions/{committee}.md",
                   f'---\ncommittee: {committee}\ndate: 2023-12-28\nstart: "{start}"\n---\n')
    assert site.run("build", capsys=capsys).code == 0
    committees = re.findall(r'<a href="/gremien/[^/]+/">([^<]+)</a>', site.page("gremien/"))
    assert committees == ["Ältestenrat", "Bauausschuss", "Zweckverband"]
    topics = re.findall(r'<a href="/themen/[^/]+/">([^<]+)</a>', site.page("themen/"))
    assert topics == ["Bildung", "Öffentliche Sicherheit", "Umwelt"]
    sessions = re.findall(r'href="/sitzungen/2023-12-28-([a-z]+)/"', site.page("sitzungen/"))
    assert list(dict.fromkeys(sessions)) == ["aeltestenrat", "zweckverband", "bauausschuss"]
    calendar = (site.public / "sitzungen.ics").read_text("utf-8")
    oldest_first = ["bauausschuss", "zweckverband", "aeltestenrat"]
    at = [calendar.index(f"UID:2023-12-28-{name}@") for name in oldest_first]
    assert at == sorted(at)


def test_a_result_with_its_words_split_by_a_no_break_space_or_a_line_maps_as_written(
        site: Site, capsys):
    site.simple("r", "2021/1", extra="""\
        consultations:
          - {committee: Kreistag, date: 2021-06-01, result: "nicht\\u00a0angenommen"}
        """)
    site.simple("s", "2021/2", extra="""\
        consultations:
          - committee: Kreistag
            date: 2021-06-01
            result: |-
              nicht
              zugestimmt
        """)
    assert site.run("build", capsys=capsys).code == 0
    assert site.page("beschluesse/").count('outcome-rejected">abgelehnt') == 2
    text = (site.public / "api" / "beschluesse.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["outcome"], r["consultation_outcome"]) for r in rows] == [("rejected",) * 2] * 2


def test_a_topic_or_related_paper_written_twice_is_listed_and_counted_once(site: Site,
                                                                          capsys):
    site.simple("a", "2021/1", title="Doppelt genannt", extra="""\
        topics: [Soziales, Soziales]
        related: ["2021/2", "2021/2"]
        """)
    site.simple("b", "2021/2", title="Bezugsvorlage")
    assert site.run("build", capsys=capsys).code == 0
    topic = site.page("themen/soziales/")
    assert topic.count("Doppelt genannt") == 1 and "1 Beschluss<" in topic
    assert site.page("beschluesse/2021-1/").count("Bezugsvorlage") == 1
    assert site.page("beschluesse/2021-2/").count("Doppelt genannt") == 1  # referenced by
    record = json.loads((site.public / "api" / "beschluesse" / "2021-1.json").read_text())
    assert record["topics"] == ["Soziales"] and len(record["related"]) == 1
