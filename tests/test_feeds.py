"""Atom feeds and the sessions calendar, read back with feedparser and icalendar."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest

from ratsinfo_site.archive import Archive
from ratsinfo_site.config import SiteConfig, load_config
from ratsinfo_site.export import export_files
from ratsinfo_site.feeds import feed_files
from ratsinfo_site.i18n import catalogue
from ratsinfo_site.make import read_archive
from ratsinfo_site.pages import build_pages
from ratsinfo_site.urls import Urls
from tests.helpers import MINIMAL, REPO, Site

BASE = "https://example.github.io/archiv/"
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class Published:
    """What the feeds and exports of one site hold, as written to ``out``."""

    files: dict[str, bytes]
    archive: Archive
    urls: Urls
    config: SiteConfig
    out: Path


def publish(root: Path, out: Path, base_url: str | None = None) -> Published:
    """Run feed_files and export_files on the site in ``root``; write them below ``out``."""
    with contextlib.chdir(root):
        config = load_config(base_url=base_url)
    archive, _ = read_archive(config)
    t = catalogue(config.language)
    urls = Urls.for_site(config, t)
    pages = build_pages(archive, urls, t, config)
    page_urls = [p.url for p in pages if p.kind != "redirect"]
    files = feed_files(archive, urls, t, config) + export_files(archive, urls, t, config,
                                                                page_urls)
    paths = [f.path for f in files]
    assert len(paths) == len(set(paths)), "a path is written twice"
    made = {f.path: f.make() for f in files}
    for path, data in made.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
    return Published(made, archive, urls, config, out)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The example archive's feeds and exports for https://example.github.io/archiv/."""
    return publish(REPO, tmp_path_factory.mktemp("feeds"), BASE)


def read_feed(published: Published, path: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse(published.files[path])
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def read_calendar(published: Published, name: str = "sitzungen.ics") -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(published.files[name])


def events_by_uid(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_site_feed_lists_the_newest_resolutions_newest_first_with_their_pages(example):
    feed = read_feed(example, "feed.xml")
    resolutions = example.archive.resolutions
    assert feed.version == "atom10"
    assert len(feed.entries) == min(100, len(resolutions)) > 30
    assert {e.link for e in feed.entries} == {BASE + f"beschluesse/{r.slug}/"
                                              for r in resolutions[:100]}
    assert [e.id for e in feed.entries] == [e.link for e in feed.entries]
    updated = [e.updated_parsed for e in feed.entries]  # last changed (decided) first
    assert updated == sorted(updated, reverse=True)
    assert feed.feed.updated_parsed == max(e.updated_parsed for e in feed.entries)
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": BASE + "feed.xml", "alternate": BASE + "beschluesse/"}
    assert feed.feed.title == "Beschlussarchiv des Kreistags"


def test_seed_entry_carries_title_decision_topics_and_last_result(example):
    feed = read_feed(example, "feed.xml")
    entry = next(e for e in feed.entries if e.link.endswith("/2021-7-014/"))
    assert entry.title == "2021/7/014: Integrationskonzept Kyffhäuserkreis 2020"
    assert entry.published.startswith("2021-03-31T00:00:00")
    assert entry.updated.startswith("2021-04-01")  # issued after the Kreistag decided
    assert {tag.term for tag in entry.tags} == {"Integration", "Soziales"}
    assert "Kreistag, 31.03.2021: angenommen" in entry.summary
    assert "Der Kreistag beschließt das „Integrationskonzept" in entry.content[0].value
    assert entry.author == "Die Landrätin, Frau Hochwind-Schneider"


def test_every_topic_and_committee_has_a_feed_of_its_own_resolutions(example):
    archive = example.archive
    for group, word in ((archive.topics, "themen"), (archive.committees, "gremien")):
        assert group
        for thing in group:
            feed = read_feed(example, f"{word}/{thing.slug}/feed.xml")
            assert {e.link for e in feed.entries} == {
                BASE + f"beschluesse/{r.slug}/" for r in thing.resolutions}
            assert thing.name in feed.feed.title
            assert {link.rel: link.href for link in feed.feed.links}["alternate"] == \
                BASE + f"{word}/{thing.slug}/"


def test_feed_holds_only_the_newest_hundred(site: Site, tmp_path):
    for n in range(1, 106):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=n)
        site.resolution(f"r{n}", f'reference: "2020/{n}"\ntitle: Beschluss {n}\n'
                        f"date: {day.isoformat()}\npublic: true\n")
    published = publish(site.root, tmp_path, BASE)
    feed = read_feed(published, "feed.xml")
    assert len(feed.entries) == 100
    titles = [e.title for e in feed.entries]
    assert titles[0] == "2020/105: Beschluss 105" and titles[-1] == "2020/6: Beschluss 6"


def test_a_paper_decided_last_is_in_the_feed_before_newer_papers(site: Site, tmp_path):
    """The feeds held the 100 newest papers: a paper filed in October and decided in
    December never reached them (16 December decisions of the 10,000 archive, a helper
    counted), while papers filed in November and not yet decided did. The 100 changed
    last are the feed, latest first; a committee without papers has the archive's date."""
    for n in range(1, 106):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=n)
        site.resolution(f"r{n}", f'reference: "2020/{n}"\ntitle: Beschluss {n}\n'
                        f"date: {day.isoformat()}\npublic: true\n")
    site.resolution("old", 'reference: "2019/1"\ntitle: Spät beschlossen\ndate: 2019-10-01\n'
                    "public: true\nconsultations:\n  - committee: Kreistag\n"
                    "    date: 2020-12-16\n    role: Entscheidung\n    result: angenommen\n")
    site.write("content/committees/aeltestenrat.md", '---\nname: "Ältestenrat"\n---\n')
    published = publish(site.root, tmp_path, BASE)
    titles = [e.title for e in read_feed(published, "feed.xml").entries]
    assert len(titles) == 100
    assert titles[:2] == ["2019/1: Spät beschlossen", "2020/105: Beschluss 105"]
    assert titles[-1] == "2020/7: Beschluss 7"
    kreistag = read_feed(published, "gremien/kreistag/feed.xml")
    assert [e.title for e in kreistag.entries] == ["2019/1: Spät beschlossen"]
    empty = read_feed(published, "gremien/aeltestenrat/feed.xml")
    assert empty.entries == [] and empty.feed.updated.startswith("2020-12-16")


def test_calendar_has_the_seed_sessions_on_their_dates(example):
    events = events_by_uid(read_calendar(example))
    assert len(events) == len(example.archive.sessions)
    domain = "@example.github.io/archiv"
    social = events["2021-03-04-ausschuss-fuer-soziales-familie-gesundheit-gleichstellung-"
                    "und-auslaenderfragen" + domain]
    assert social.decoded("DTSTART") == dt.date(2021, 3, 4)  # no session file: all day
    assert social.decoded("DTEND") == dt.date(2021, 3, 5)
    assert events["2021-03-17-kreisausschuss" + domain].decoded("DTSTART") == \
        dt.date(2021, 3, 17)
    council = events["2021-03-31-kreistag" + domain]
    assert council.decoded("DTSTART") == dt.datetime(2021, 3, 31, 17, 0, tzinfo=BERLIN)
    assert council.decoded("DTEND") == dt.datetime(2021, 3, 31, 20, 45, tzinfo=BERLIN)
    assert str(council["LOCATION"]) == \
        "Sitzungssaal des Landratsamtes, Markt 8, 99706 Sondershausen"
    assert str(council["SUMMARY"]) == "14. Sitzung des Kreistages"
    assert str(council["URL"]) == BASE + "sitzungen/2021-03-31-kreistag/"
    description = str(council["DESCRIPTION"])
    assert "2021/7/014 Integrationskonzept Kyffhäuserkreis 2020 (angenommen)" in description
    assert description.index("2021/7/016") < description.index("2021/7/014")  # agenda order
    assert council.decoded("DTSTAMP") == dt.datetime(2021, 3, 31, tzinfo=dt.UTC)


def test_a_session_past_midnight_ends_on_the_next_day(site: Site, tmp_path):
    site.write("content/sessions/haushalt.md", "---\ncommittee: Stadtrat\ndate: 2024-01-04\n"
               'start: "17:00"\nend: "00:45"\n---\n')
    site.simple("r", "2024/1", extra="""\
        consultations:
          - {committee: Stadtrat, date: 2024-01-04, result: beschlossen}
        """)
    event = next(iter(read_calendar(publish(site.root, tmp_path, BASE)).walk("VEVENT")))
    assert event.decoded("DTSTART") == dt.datetime(2024, 1, 4, 17, 0, tzinfo=BERLIN)
    assert event.decoded("DTEND") == dt.datetime(2024, 1, 5, 0, 45, tzinfo=BERLIN)


def test_calendar_names_its_time_zone_and_has_no_non_public_session(example):
    calendar = read_calendar(example)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert not any("personalausschuss" in uid for uid in events_by_uid(calendar))


def test_without_a_host_there_are_no_atom_feeds_and_the_calendar_has_no_urls(tmp_path):
    published = publish(REPO, tmp_path, "/archiv/")
    assert not [p for p in published.files if p.endswith("feed.xml")]
    assert not list(tmp_path.rglob("feed.xml"))
    calendar = read_calendar(published)
    events = list(calendar.walk("VEVENT"))
    assert events and not any("URL" in e for e in events)
    assert not any("http" in str(e["DESCRIPTION"]) for e in events)


def test_english_site_writes_sessions_ics_with_english_words(site: Site, tmp_path):
    site.write("site.toml", 'language = "en"\ntitle = "Minutes"\n')
    site.simple("r", "2021/1", extra="""\
        topics: [Roads]
        consultations:
          - {committee: Council, date: 2021-04-01, agenda_item: 3, result: angenommen}
        """)
    published = publish(site.root, tmp_path, BASE)
    assert "sitzungen.ics" not in published.files
    event = next(iter(read_calendar(published, "sessions.ics").walk("VEVENT")))
    assert str(event["URL"]) == BASE + "sessions/2021-04-01-council/"
    assert "Item 3: 2021/1" in str(event["DESCRIPTION"])
    assert read_feed(published, "topics/roads/feed.xml").feed.title == "Minutes: topic Roads"
    assert read_feed(published, "committees/council/feed.xml").entries


def test_feeds_and_calendar_are_byte_identical_on_two_runs(tmp_path):
    for name in ("a", "b"):
        shutil.copytree(REPO / "content", tmp_path / name / "content")
        shutil.copy(REPO / "site.toml", tmp_path / name / "site.toml")
    first = publish(tmp_path / "a", tmp_path / "out-a", BASE).files
    second = publish(tmp_path / "b", tmp_path / "out-b", BASE).files
    assert first == second


def test_control_characters_in_a_text_leave_every_feed_readable(site: Site, capsys):
    """Text pasted from Word or a PDF holds line and page breaks (U+000B, U+000C) and at
    times other controls, which XML does not allow: a feed holding one is read by no feed
    reader at all. They become spaces or go, with a warning at their line."""
    site.resolution("r", MINIMAL.format(reference="2021/1", title="Radweg") + "topics: [Verkehr]",
                    body="Aus Word:\x0bzweite Zeile.\n\nSeite\x0cumbrochen, \x01 und \x7f.\n")
    run = site.run("build", "--base-url", "https://example.org/", capsys=capsys)
    assert run.code == 0
    assert "content/resolutions/r.md:9: warning: control character U+000B in the text " \
           "(of 4 in all)" in run.err
    for path in ("feed.xml", "themen/verkehr/feed.xml"):
        data = (site.public / path).read_bytes()
        feed = feedparser.parse(data)
        assert not feed.bozo, (path, feed.get("bozo_exception"))
    page = site.page("beschluesse/2021-1/")
    assert "Aus Word: zweite Zeile." in page and "Seite umbrochen,  und ." in page


def test_control_characters_from_yaml_escapes_leave_every_feed_readable(site: Site, capsys):
    """YAML refuses a control character in the file, but makes one of an escape
    ("\\x85", "\\uffff"), as a converter may write them: the title reached every feed."""
    site.simple("r", "2021/1", "Rad\\x85weg \\x01und\\uffff Brücke", extra="""\
        topics: ["Ver\\x0bkehr"]
        details: {"Hin\\x0cweis": "Text\\ufffe."}
        """)
    run = site.run("build", "--base-url", "https://example.org/", capsys=capsys)
    assert run.code == 0, run.err
    for path in ("feed.xml", "themen/ver-kehr/feed.xml"):
        feed = feedparser.parse((site.public / path).read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert [e.title for e in feed.entries] == ["2021/1: Rad weg und Brücke"]
    page = site.page("beschluesse/2021-1/")
    assert "Hin weis" in page and "Text." in page


def test_every_page_links_the_feeds_and_the_calendar_it_has(site: Site, capsys):
    """Feeds and the calendar were written but linked from no page: a feed reader given a
    page found nothing, and a reader saw no way to subscribe."""
    import re

    site.simple("r", "2021/1", extra="topics: [Umwelt]\nconsultations:\n  - {committee: "
                "Kreistag, date: 2021-04-01, result: angenommen}\n")
    assert site.run("build", "--base-url", BASE, capsys=capsys).code == 0
    pages = [p for p in site.public.rglob("*.html") if "pagefind" not in p.parts]
    for path in pages:
        html = path.read_text("utf-8")
        linked = re.findall(r'<link rel="alternate" type="([^"]+)" title="[^"]+" '
                            r'href="/archiv/([^"]+)">', html)
        assert ("application/atom+xml", "feed.xml") in linked, path
        assert ("text/calendar", "sitzungen.ics") in linked, path
        for _, target in linked:
            assert (site.public / target).is_file(), (path, target)
    topic = site.page("themen/umwelt/")
    assert 'type="application/atom+xml" title="Beschlussarchiv: Thema Umwelt" ' \
           'href="/archiv/themen/umwelt/feed.xml"' in topic
    assert '<a href="/archiv/feed.xml" type="application/atom+xml">Neue Beschlüsse ' \
           '(Atom-Feed)</a>' in topic
    assert 'href="/archiv/gremien/kreistag/feed.xml"' in site.page("gremien/kreistag/")
    # without a host there are no feeds (their links must be absolute): the calendar stays
    assert site.run("build", capsys=capsys).code == 0
    home = site.page("")
    assert "feed.xml" not in home and 'href="/sitzungen.ics"' in home
