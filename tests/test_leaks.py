"""The non-public guarantee: a canary word in every field of non-public input, zero hits.

Every output byte is searched: HTML, JSON, CSV, Atom, iCalendar, sitemap, the OParl export
and the Pagefind bundle (its gzip-compressed index files are decompressed first). Public
control words placed the same way must be found, so the search itself is proven to work.
"""

from __future__ import annotations

import contextlib
import gzip
import re
import subprocess
from pathlib import Path

import pytest

from ratsinfo_site.cli import main
from tests.helpers import MINIMAL, Site, text_of

HOST = "https://example.org/archiv/"


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer says ``text``."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)


# Canary words: letters then a digit, so Pagefind's stemmer leaves them whole.
# Every word names the field it stands in; none is part of another.
SECRET = {
    # non-public resolution A (finance as Markdown text)
    "A.reference": "zqreferencea9", "A.title": "zqtitlea9", "A.type": "zqtypea9",
    "A.topics": "zqtopica9", "A.submitter": "zqsubmittera9", "A.department": "zqdepartmenta9",
    "A.resolution": "zqresolutiona9", "A.consultation.committee": "zqcommitteea9",
    "A.consultation.role": "zqrolea9", "A.consultation.result": "zqresulta9",
    "A.consultation.agenda_item": "zqagendaitema9", "A.finance": "zqfinancea9",
    "A.signed.place": "zqsignedplacea9", "A.signed.name": "zqsignednamea9",
    "A.signed.role": "zqsignedrolea9", "A.details.label": "zqdetaillabela9",
    "A.details.value": "zqdetailvaluea9", "A.attachment.title": "zqattachmenttitlea9",
    "A.attachment.file": "zqattachmentfilea9", "A.attachment.pdf_text": "zqpdftexta9",
    "A.aliases": "zqaliasa9", "A.body": "zqbodya9", "A.body.link": "zqbodylinka9",
    "A.shared_session.role": "zqsharedrolea9",
    # non-public resolution B (finance as a mapping), related to by A and by a public paper
    "B.reference": "zqreferenceb9", "B.title": "zqtitleb9", "B.topics": "zqtopicb9",
    "B.finance.label": "zqfinancelabelb9", "B.finance.value": "zqfinancevalueb9",
    "B.body": "zqbodyb9",
    # non-public resolution C: withdrawn, in the same year and topic as the public ones
    "C.reference": "zqreferencec9", "C.title": "zqtitlec9", "C.type": "zqtypec9",
    # closed agenda items (public: false) of a public resolution
    "closed.committee": "zqclosedcommitteed9", "closed.role": "zqclosedroled9",
    "closed.result": "zqclosedresultd9", "closed.agenda_item": "zqclosedtopd9",
    "closed_shared.role": "zqclosedrolee9",
    # a non-public session, and the consultation of a public paper that names it
    "session.committee": "zqsessioncommitteef9", "session.title": "zqsessiontitlef9",
    "session.location": "zqsessionlocationf9", "session.number": "zqsessionnumberf9",
    "session.body": "zqsessionbodyf9", "session.consultation.role": "zqsessionrolef9",
    "session.consultation.result": "zqsessionresultf9",
    "session.consultation.agenda_item": "zqsessiontopf9",
}
# Dates and numbers that only non-public items hold, in every form the output writes them.
SECRET_DATES = {
    "A.date": "1991-01-11", "A.issued": "1991-02-12", "A.signed.date": "1991-03-13",
    "A.consultation.date": "1991-04-14", "A.lone_session.date": "1991-06-30",
    "closed.date": "1992-05-15", "closed_shared.date": "1992-07-17",
    "session.date": "1992-06-16",
}
SECRET_NUMBERS = {
    "A.votes.for": "48271", "A.votes.against": "39182", "A.votes.abstain": "27193",
    "A.votes.biased": "16284", "closed.votes.for": "58371", "closed.votes.against": "57462",
    "session.start": "03:17",
}
# The same places in public input: these must be found, or the search is blind.
CONTROL = {
    "title": "zqcontroltitle9", "body": "zqcontrolbody9", "committee": "zqcontrolcommittee9",
    "topics": "zqcontroltopic9", "pdf_text": "zqcontrolpdf9", "attachment.title":
    "zqcontrolattachment9", "submitter": "zqcontrolsubmitter9", "finance": "zqcontrolfinance9",
}
S, C = SECRET, CONTROL


def date_forms(iso: str) -> list[str]:
    """2021-03-31 as the output may write it: ISO, German, long, compact."""
    year, month, day = iso.split("-")
    months = ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
              "september", "oktober", "november", "dezember"]
    english = ["january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december"]
    return [iso, f"{day}.{month}.{year}", f"{int(day)}. {months[int(month) - 1]} {year}",
            f"{int(day)} {english[int(month) - 1]} {year}", f"{year}{month}{day}"]


def write_archive(site: Site) -> None:
    """Three non-public papers, a non-public session, closed items, and public papers."""
    site.write(f"content/files/{S['A.attachment.file']}.pdf", text_pdf(S["A.attachment.pdf_text"]))
    site.write("content/files/plan.pdf", text_pdf(C["pdf_text"]))
    site.resolution("secret-a", f"""\
        reference: "{S['A.reference'].upper()}/2021"
        title: "Grundstücksverkauf {S['A.title']}"
        date: {SECRET_DATES['A.date']}
        public: false
        type: "{S['A.type']}"
        topics: [{S['A.topics']}, Haushalt]
        submitter: "Die Landrätin {S['A.submitter']}"
        department: "{S['A.department']}"
        resolution: "Der Kreistag beschließt {S['A.resolution']}."
        consultations:
          - committee: {S['A.consultation.committee']}
            date: {SECRET_DATES['A.consultation.date']}
            role: {S['A.consultation.role']}
            result: "{S['A.consultation.result']} angenommen"
            agenda_item: "{S['A.consultation.agenda_item']}"
            votes: {{for: {SECRET_NUMBERS['A.votes.for']},
                     against: {SECRET_NUMBERS['A.votes.against']},
                     abstain: {SECRET_NUMBERS['A.votes.abstain']},
                     biased: {SECRET_NUMBERS['A.votes.biased']}}}
          - committee: Kreistag
            date: 2021-04-01
            role: {S['A.shared_session.role']}
            result: angenommen
          - committee: Kreistag
            date: {SECRET_DATES['A.lone_session.date']}
            result: angenommen
        finance: "Kosten von 10.000 Euro, {S['A.finance']}."
        signed:
          place: {S['A.signed.place']}
          date: {SECRET_DATES['A.signed.date']}
          name: {S['A.signed.name']}
          role: {S['A.signed.role']}
        issued: {SECRET_DATES['A.issued']}
        details:
          {S['A.details.label']}: "{S['A.details.value']}"
        attachments:
          - title: "Entwurf {S['A.attachment.title']}"
            file: {S['A.attachment.file']}.pdf
        aliases: ["{S['A.aliases'].upper()}"]
        related: ["{S['B.reference'].upper()}/2021", "2021/2"]
        """, f"Sachverhalt {S['A.body']}, siehe [Plan](https://{S['A.body.link']}.example/).\n")
    site.resolution("secret-b", f"""\
        reference: "{S['B.reference'].upper()}/2021"
        title: "{S['B.title']}"
        date: 2021-02-02
        public: false
        topics: [{S['B.topics']}]
        finance:
          {S['B.finance.label']}: "{S['B.finance.value']}"
        related: ["2021/1"]
        """, f"Bezug zu 2021/1: {S['B.body']}.\n")
    site.resolution("secret-c", f"""\
        reference: "{S['C.reference'].upper()}/2021"
        title: "{S['C.title']}"
        date: 2021-05-05
        public: false
        status: withdrawn
        type: "{S['C.type']}"
        topics: [Haushalt]
        consultations:
          - {{committee: Kreistag, date: 2021-04-01, result: abgelehnt}}
        """)
    site.resolution("public-1", f"""\
        reference: "2021/1"
        title: "Haushaltssatzung 2021"
        date: 2021-03-31
        public: true
        topics: [Haushalt]
        related: ["{S['B.reference'].upper()}/2021"]
        consultations:
          - {{committee: Kreistag, date: 2021-04-01, agenda_item: "3", result: angenommen}}
          - committee: {S['closed.committee']}
            date: {SECRET_DATES['closed.date']}
            role: {S['closed.role']}
            result: "{S['closed.result']} angenommen"
            agenda_item: "{S['closed.agenda_item']}"
            votes: {{for: {SECRET_NUMBERS['closed.votes.for']},
                     against: {SECRET_NUMBERS['closed.votes.against']}}}
            public: false
          - committee: Kreisausschuss
            date: {SECRET_DATES['closed_shared.date']}
            role: {S['closed_shared.role']}
            public: false
          - committee: {S['session.committee']}
            date: {SECRET_DATES['session.date']}
            role: {S['session.consultation.role']}
            result: "{S['session.consultation.result']} angenommen"
            agenda_item: "{S['session.consultation.agenda_item']}"
        """, "Die Haushaltssatzung.\n")
    site.resolution("public-2", f"""\
        reference: "2021/2"
        title: "Kreisumlage {C['title']}"
        date: 2021-03-30
        public: true
        topics: [Haushalt, {C['topics']}]
        submitter: "{C['submitter']}"
        finance: "{C['finance']}"
        consultations:
          - {{committee: Kreistag, date: 2021-04-01, agenda_item: "4", result: angenommen}}
          - {{committee: {C['committee']}, date: 2021-03-02, result: empfohlen}}
        attachments:
          - {{title: "Plan {C['attachment.title']}", file: plan.pdf}}
        """, f"Sachverhalt {C['body']}.\n")
    site.write("content/sessions/closed.md", f"""\
---
committee: {S['session.committee']}
date: {SECRET_DATES['session.date']}
public: false
number: "{S['session.number']}"
title: "{S['session.title']}"
location: "{S['session.location']}"
start: "{SECRET_NUMBERS['session.start']}"
agenda: ["2021/1"]
---
Protokoll {S['session.body']}.
""")
    site.write("content/sessions/kreistag.md", f"""\
---
committee: Kreistag
date: 2021-04-01
location: Sitzungssaal
agenda: ["{S['A.reference'].upper()}/2021", "2021/1", "2021/2"]
---
""")


def searchable(path: Path, data: bytes) -> bytes:
    """A file's bytes as a reader would see them: decompressed, unfolded, lower case."""
    if data[:2] == b"\x1f\x8b":  # Pagefind's pf_fragment, pf_index, pf_filter, pf_meta
        data = gzip.decompress(data)
    if path.suffix == ".ics":
        data = data.replace(b"\r\n ", b"").replace(b"\n ", b"")
    return path.as_posix().encode() + b"\n" + data.lower()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, dict[str, bytes]]:
    """The archive built with a host, and every output file as searchable bytes."""
    site = Site(tmp_path_factory.mktemp("leaks") / "site")
    write_archive(site)
    with contextlib.chdir(site.root):
        assert main(["build", "--quiet", "--base-url", HOST]) == 0
    return site, output(site)


def output(site: Site) -> dict[str, bytes]:
    """Every output file, by its address, as searchable bytes."""
    return {p.relative_to(site.public).as_posix(): searchable(p.relative_to(site.public),
                                                            p.read_bytes())
            for p in sorted(site.public.rglob("*")) if p.is_file()}


def hits(files: dict[str, bytes], word: str) -> list[str]:
    needle = word.lower().encode()
    return [name for name, data in files.items() if needle in data]


def test_every_kind_of_output_is_searched(built):
    _, files = built
    names = set(files)
    for wanted in ("index.html", "feed.xml", "sitemap.xml", "sitzungen.ics",
                   "api/beschluesse.json", "api/beschluesse.csv", "api/sitzungen.json"):
        assert wanted in names, wanted
    assert any(n.startswith("oparl/") for n in names)
    for suffix in (".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta"):
        found = [n for n in names if n.endswith(suffix)]
        assert found and all(files[n].split(b"\n", 1)[1].startswith(b"pagefind_dcd")
                             for n in found), suffix


@pytest.mark.parametrize("field", sorted(CONTROL))
def test_public_control_words_are_found_so_the_search_can_see(built, field: str):
    _, files = built
    found = hits(files, CONTROL[field])
    assert any(n.endswith(".html") for n in found), field
    assert any(n.endswith((".pf_fragment", ".pf_index")) for n in found), field
    # the map of which index part holds which word has every word of the word index
    assert any(n.startswith("pagefind/words/") for n in found) == \
        any(n.endswith(".pf_index") for n in found), field
    if field in ("title", "committee", "body"):
        assert any(n.startswith("api/") for n in found), field
    if field == "title":
        assert "feed.xml" in found and "api/beschluesse.csv" in found
        assert any(n.startswith("oparl/") for n in found)
    if field == "committee":
        assert "sitzungen.ics" in found and any(n.startswith("oparl/") for n in found)
    if field == "pdf_text":
        assert any(n.endswith(".pf_index") for n in found)


@pytest.mark.parametrize("field", sorted(SECRET))
def test_no_output_byte_holds_a_non_public_word(built, field: str):
    _, files = built
    assert hits(files, SECRET[field]) == [], f"{field} leaked"


@pytest.mark.parametrize("field", sorted(SECRET_DATES))
def test_no_output_byte_holds_a_non_public_date(built, field: str):
    _, files = built
    for form in date_forms(SECRET_DATES[field]):
        assert hits(files, form) == [], f"{field} leaked as {form}"


@pytest.mark.parametrize("field", sorted(SECRET_NUMBERS))
def test_no_output_byte_holds_a_non_public_number(built, field: str):
    _, files = built
    assert hits(files, SECRET_NUMBERS[field]) == [], f"{field} leaked"


def test_the_canaries_cover_every_field_of_the_format():
    fields = {key.split(".", 1)[1] for key in [*SECRET, *SECRET_DATES, *SECRET_NUMBERS]
              if key[:2] == "A."}
    for key in ("reference", "title", "type", "topics", "submitter", "department",
                "resolution", "consultation.committee", "consultation.role",
                "consultation.result", "consultation.agenda_item", "consultation.date",
                "finance", "signed.place", "signed.name", "signed.role", "signed.date",
                "issued", "details.label", "details.value", "attachment.title",
                "attachment.file", "attachment.pdf_text", "aliases", "body", "date",
                "votes.for", "votes.against", "votes.abstain", "votes.biased"):
        assert key in fields, key
    assert {"B.finance.label", "B.finance.value", "B.reference"} <= set(SECRET)
    session = {k.split(".", 1)[1] for k in [*SECRET, *SECRET_DATES, *SECRET_NUMBERS]
               if k.startswith("session.")}
    assert {"committee", "title", "location", "number", "body", "date", "start"} <= session
    assert len(SECRET) + len(SECRET_DATES) + len(SECRET_NUMBERS) >= 60


def test_nothing_named_only_by_non_public_items_has_a_page(built):
    site, files = built
    for folder in ("gremien/zqcommitteea9", "gremien/zqclosedcommitteed9",
                   "gremien/zqsessioncommitteef9", "themen/zqtopica9", "themen/zqtopicb9",
                   f"sitzungen/{SECRET_DATES['A.consultation.date']}-zqcommitteea9",
                   f"sitzungen/{SECRET_DATES['A.lone_session.date']}-kreistag",
                   f"sitzungen/{SECRET_DATES['closed_shared.date']}-kreisausschuss",
                   "jahre/1991", "jahre/1992", "beschluesse/zqaliasa9",
                   "beschluesse/zqreferencea9-2021"):
        assert not (site.public / folder).exists(), folder
    assert not (site.public / "gremien" / "kreisausschuss").exists()
    assert not [n for n in files if "zqattachmentfile" in n]


def counts(html: str) -> list[str]:
    """The numbers a page states next to 'Beschluss'/'Beschlüsse'."""
    return re.findall(r"(\d+) Beschl(?:uss|üsse)\b", text_of(html))


def test_counts_leave_out_non_public_papers(built):
    site, _ = built
    assert counts(site.page("beschluesse/"))[:1] == ["2"]
    assert counts(site.page("themen/haushalt/"))[:1] == ["2"]
    assert counts(site.page("jahre/2021/"))[:1] == ["2"]
    assert set(counts(site.page("themen/"))) <= {"1", "2"}
    assert set(counts(site.page("jahre/"))) <= {"2"}
    assert set(counts(site.page("gremien/"))) <= {"1", "2"}
    assert counts(site.page("gremien/kreistag/"))[:1] == ["2"]
    sessions = text_of(site.page("sitzungen/"))
    assert re.search(r"01\.04\.2021 Kreistag\S* 2 Beschlüsse", sessions), sessions
    kreistag = site.page("sitzungen/2021-04-01-kreistag/")
    assert "Haushaltssatzung 2021" in kreistag and "Kreisumlage" in kreistag
    assert text_of(kreistag).count("2021/") == 2  # two public items, in agenda order
    assert text_of(kreistag).index("2021/1") < text_of(kreistag).index("2021/2")


def test_public_paper_shows_its_public_consultations_only(built):
    site, _ = built
    page = site.page("beschluesse/2021-1/")
    assert "Kreistag" in page and "Haushaltssatzung 2021" in page
    assert "Kreisausschuss" not in page
    assert page.count('class="consultation"') == 1  # the non-public session's item is gone
    assert "zqreferenceb9" not in page.lower()  # a related non-public paper is left out


def test_what_is_made_non_public_after_a_build_leaves_no_trace_in_the_next(site: Site,
                                                                         capsys):
    write_archive(site)
    files = sorted((site.root / "content").rglob("*.md"))
    original = {path: path.read_text("utf-8") for path in files}
    for path, text in original.items():
        path.write_text(text.replace("public: false", "public: true"), "utf-8")
    assert site.run("build", "--base-url", HOST, capsys=capsys).code == 0
    assert len([key for key, word in SECRET.items() if hits(output(site), word)]) > 40
    for path, text in original.items():
        path.write_text(text, "utf-8")
    assert site.run("build", "--base-url", HOST, capsys=capsys).code == 0
    after = output(site)
    assert {key: hits(after, word) for key, word in SECRET.items() if hits(after, word)} == {}


def test_commit_messages_about_non_public_papers_are_not_published(site: Site, capsys):
    site.simple("open", "2021/1", "Haushaltssatzung")
    site.simple("secret", "2021/2", "Grundstücksverkauf", public=False)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    for args in (["init", "-q"], ["add", "content"],
                 ["commit", "-q", "-m", "Beschlüsse 2021, dazu nichtöffentlich zqcommitmsg9"]):
        subprocess.run([*git, *args], cwd=site.root, check=True, capture_output=True)
    assert site.run("build", "--base-url", HOST, capsys=capsys).code == 0
    assert hits(output(site), "zqcommitmsg9") == []


def test_a_link_in_a_public_text_to_a_non_public_paper_is_an_error(site: Site, capsys):
    """Its address names the paper (the format: no link to it anywhere in the output):
    the build stops at the link's line, whether it leads to the page or an old number's."""
    site.simple("closed", "2021/7/099", extra='aliases: ["2020/1/001"]\n', public=False)
    site.simple("other", "2021/2", "Ein anderer")
    site.resolution("open", MINIMAL.format(reference="2021/1", title="Offen"),
                    body="Sachverhalt.\n\nSiehe [den Beschluss](/beschluesse/2021-7-099/).\n\n"
                         "Früher [2020/1/001](../2020-1-001/index.html), und [den anderen]"
                         "(../2021-2/).\n")
    run = site.run("build", capsys=capsys)
    assert run.code == 1
    path = "content/resolutions/open.md"
    assert [line for line in run.err.splitlines() if "not public" in line] == [
        f"{path}:10: link '/beschluesse/2021-7-099/' leads to a resolution that is not public: "
        "its address would name it on a public page; remove the link",
        f"{path}:12: link '../2020-1-001/index.html' leads to a resolution that is not "
        "public: its address would name it on a public page; remove the link"]
    assert not site.public.exists()
