"""Broken content, one table: each case is an error, a warning or harmless.

Errors: ``path:line: message`` on stderr, exit status 1 for ``check`` and ``build``, no
traceback, the previous ``public/`` byte for byte as it was, no temporary folder left.
Warnings: reported the same way with exit status 0, and the site is built.
Harmless: the site is built, the page is there and right, nothing is reported.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import Site, checksums

GOOD = """\
---
reference: "2021/7/014"
title: "Integrationskonzept"
date: 2021-03-31
public: true
topics: [Soziales]
consultations:
  - {committee: Kreistag, date: 2021-03-31, result: angenommen}
---

Sachverhalt.
"""
FRONT = 'reference: "2021/1"\ntitle: "Neuer Beschluss"\ndate: 2021-01-01\npublic: true\n'
BAD = "content/resolutions/bad.md"


def paper(front: str = FRONT, body: str = "Text.\n") -> str:
    """A resolution file: front matter (each key on its line, from line 2) and a body."""
    return f"---\n{front}---\n\n{body}"


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    return FRONT + "\n".join(lines) + "\n"


def symlink_out_of_files(site: Site) -> None:
    secret = site.write("secret/intern.pdf", b"%PDF-1.4 intern")
    (site.root / "content" / "files").mkdir(parents=True, exist_ok=True)
    (site.root / "content" / "files" / "link.pdf").symlink_to(secret)


@dataclass(frozen=True)
class Case:
    """Broken input and what it must give."""

    kind: str  # error, warning or harmless
    files: dict[str, str | bytes]
    expect: tuple[str, ...] = ()  # report lines, exactly (errors and warnings)
    page: tuple[str, str] | None = ("beschluesse/2021-1/", "Neuer Beschluss")
    setup: Callable[[Site], None] | None = field(default=None, compare=False)
    absent: tuple[str, ...] = ()  # what the page must not show (harmless cases)


def error(files: dict[str, str | bytes], *expect: str, setup=None) -> Case:
    return Case("error", files, expect, None, setup)


def warns(files: dict[str, str | bytes], *expect: str, page=("beschluesse/2021-1/",
                                                                "Neuer Beschluss")) -> Case:
    return Case("warning", files, expect, page)


def harmless(files: dict[str, str | bytes], page=("beschluesse/2021-1/", "Neuer Beschluss"),
             absent: tuple[str, ...] = ()) -> Case:
    return Case("harmless", files, (), page, absent=absent)


CASES: dict[str, Case] = {
    # --- the file as a whole ---
    "not UTF-8": error(
        {BAD: paper(FRONT.replace("Neuer", "Gr\xfcner")).encode("latin-1")},
        f"{BAD}:3: not UTF-8 (byte 0xfc); save the file as UTF-8"),
    "byte-order mark": harmless({BAD: b"\xef\xbb\xbf" + paper().encode()}),
    "CRLF line ends": harmless({BAD: paper().replace("\n", "\r\n").encode()}),
    "old Mac CR line ends": harmless({BAD: paper().replace("\n", "\r").encode()}),
    "a resolution saved as .MD, a Word file beside": warns(
        {"content/resolutions/2021-2.MD": paper(FRONT.replace("2021/1", "2021/2")),
         "content/committees/Kreistag.docx": b"PK\x03\x04"},
        "content/resolutions/2021-2.MD:1: warning: not read: content files end in '.md'",
        "content/committees/Kreistag.docx:1: warning: not read: content files end in '.md'",
        page=("beschluesse/2021-7-014/", "Integrationskonzept")),
    "a committee file and a topic file whose names nothing uses (typos)": warns(
        {"content/committees/kt.md": "---\nname: Kreistagg\n---\n",
         "content/topics/t.md": "---\nname: Sozales\n---\n",
         # no typo: a committee without items, a topic without papers yet
         "content/committees/ar.md": "---\nname: Ältestenrat\n---\n",
         "content/topics/neu.md": "---\nname: Klimaschutz\n---\n"},
        "content/committees/kt.md:2: warning: committee 'Kreistagg' is named by no "
        "consultation or session: is 'Kreistag' meant?",
        "content/topics/t.md:2: warning: topic 'Sozales' is named by no "
        "resolution: is 'Soziales' meant?",
        page=("beschluesse/2021-7-014/", "Integrationskonzept")),
    "a committee file for a committee that only closed papers name": harmless(
        {"content/committees/va.md": "---\nname: Vergabeausschuss\n---\n",
         BAD: paper(FRONT.replace("public: true", "public: false") + "consultations:\n"
                    "  - {committee: Vergabeausschuss, date: 2021-01-01}\n")},
        page=("gremien/vergabeausschuss/", "Vergabeausschuss")),
    "empty file": error({BAD: ""}, f"{BAD}:1: empty file: a resolution needs front matter "
                        "between --- lines"),
    "blank line before the front matter": error(
        {BAD: "\n" + paper()}, f"{BAD}:1: no front matter: the file must start with a line '---'"),
    "front matter not closed": error(
        {BAD: f"---\n{FRONT}"}, f"{BAD}:1: front matter is not closed by a line '---'"),
    "front matter only, no body": harmless({BAD: f"---\n{FRONT}---\n"}),
    "a Markdown rule in the body": harmless(
        {BAD: paper(body="Erster Teil.\n\n---\n\nZweiter Teil: nicht: YAML.\n")},
        ("beschluesse/2021-1/", "Zweiter Teil: nicht: YAML.")),
    "a 10 MB body": harmless(
        {BAD: paper(body="\n\n".join(["Der Kreistag beschließt die Sanierung der Kreisstraße "
                                      "und die Förderung des Radverkehrs. " * 20] * 6000)
                    + "\n\nLetzter Absatz.\n")},
        ("beschluesse/2021-1/", "Letzter Absatz.")),
    # Markdown that Python-Markdown would nest past Python's stack (a traceback after a
    # minute) or scan for minutes (CommonMark's pathological cases): refused, with where
    "lists nested 60 levels deep": error(
        {BAD: paper(body="Einleitung.\n\n" + "".join("    " * i + "- x\n" for i in range(60)))},
        f"{BAD}:60: text nested 51 levels deep (quotes, lists, indentation), more than "
        "Markdown can render (at most 50)"),
    "quotes nested 5,000 levels deep": error(
        {BAD: paper(body="> " * 5000 + "tief\n")},
        f"{BAD}:8: text nested 5000 levels deep (quotes, lists, indentation), more than "
        "Markdown can render (at most 50)"),
    "a paragraph of 20,000 unclosed '['": error(
        {BAD: paper(body="Einleitung.\n\n- Punkt\n\n" + "[a" * 20000 + "\n")},
        f"{BAD}:12: a paragraph has 20,000 of the marks [ ` < * _, entities (&amp;), escapes "
        "(\\) and line breaks, more than Markdown can render in reasonable time (at most "
        "1,000): split it into shorter ones"),
    "the same in a front matter text": error(
        {BAD: paper(FRONT + 'resolution: "' + "*a **a " * 1000 + '"\n')},
        f"{BAD}:6: a paragraph has 3,000 of the marks [ ` < * _, entities (&amp;), escapes "
        "(\\) and line breaks, more than Markdown can render in reasonable time (at most "
        "1,000): split it into shorter ones"),
    "a paragraph of 50,000 entities": error(
        {BAD: paper(body="Einleitung.\n\n" + "Kosten&nbsp;" * 50000 + "\n")},
        f"{BAD}:10: a paragraph has 50,000 of the marks [ ` < * _, entities (&amp;), escapes "
        "(\\) and line breaks, more than Markdown can render in reasonable time (at most "
        "1,000): split it into shorter ones"),
    "a paragraph of 20,000 hard line breaks and escapes": error(
        {BAD: paper(body="Einleitung.\n\n" + "a  \n\\." * 10000 + "\n")},
        f"{BAD}:10: a paragraph has 20,000 of the marks [ ` < * _, entities (&amp;), escapes "
        "(\\) and line breaks, more than Markdown can render in reasonable time (at most "
        "1,000): split it into shorter ones"),
    "30,000 unclosed '<' in a line": error(
        {BAD: paper(body="Einleitung.\n\n" + "<http://a" * 30000 + "\n")},
        f"{BAD}:8: text with 30,000 HTML tags, more than Markdown can render in reasonable "
        "time (at most 20,000)"),
    "900 unclosed '<' before 32,000 characters": error(
        {BAD: paper(body="Einleitung.\n\n" + "<b Wort " * 900 + "Text ohne Ende. " * 2000
                    + "\n")},
        f"{BAD}:10: text with many '<' that do not close with '>', more than Markdown can "
        "render in reasonable time: write '&lt;' for them"),
    "the same in a site's text page": error(
        {"content/pages/impressum.md": "# Impressum\n\nAnschrift.\n\n" + "[a" * 5000 + "\n"},
        "content/pages/impressum.md:5: a paragraph has 5,000 of the marks [ ` < * _, "
        "entities (&amp;), escapes (\\) and line breaks, more than Markdown can render in "
        "reasonable time (at most 1,000): split it into shorter ones"),
    "100,000 rules without a blank line": error(
        {BAD: paper(body="Einleitung.\n\n" + "***\n" * 100_000)},
        f"{BAD}:10: 100,000 headings or rules among 100,000 lines without a blank line, more "
        "than Markdown can render in reasonable time: put blank lines between them"),
    "20,000 underlined headings without a blank line": error(
        {BAD: paper(body="Einleitung.\n\n" + "Abschnitt\n=========\n" * 20_000)},
        f"{BAD}:10: 20,000 headings or rules among 40,000 lines without a blank line, more "
        "than Markdown can render in reasonable time: put blank lines between them"),
    "500 headings without a blank line between": harmless(
        {BAD: paper(body="".join(f"## Abschnitt {i}\nText {i}.\n" for i in range(500)))},
        ("beschluesse/2021-1/", "Abschnitt 499")),
    "two broken text pages beside a broken paper": error(
        {"content/pages/impressum.md": "# Impressum\n\nAnschrift.\n\n" + "[a" * 5000 + "\n",
         "content/pages/datenschutz.md": b"# Datenschutz\n\nKeine Cookies.\nGr\xfc\xdfe\n",
         BAD: paper(FRONT.replace("true", "ja"))},
        f"{BAD}:5: 'public' must be true or false, not 'ja'",
        "content/pages/datenschutz.md:4: not UTF-8 (byte 0xfc); save the file as UTF-8",
        "content/pages/impressum.md:5: a paragraph has 5,000 of the marks [ ` < * _, "
        "entities (&amp;), escapes (\\) and line breaks, more than Markdown can render in "
        "reasonable time (at most 1,000): split it into shorter ones"),
    "lists nested 8 levels, a paragraph of 300 links": harmless(
        {BAD: paper(body="".join("    " * i + f"- Ebene {i}\n" for i in range(8)) + "\n"
                    + " ".join(f"[Anlage {i}](https://example.org/{i})" for i in range(300))
                    + "\n")},
        ("beschluesse/2021-1/", "Anlage 299")),
    # reading would wait for a writer, or read without end: left out, and reported with the
    # problems of the other files
    "a pipe named .md, beside a file with an error": error(
        {BAD: paper(FRONT.replace("2021-01-01", "2021-02-30"))},
        "content/resolutions/pipe.md:1: not a plain file (a pipe, a device or a link to "
        "one): content must be plain files",
        f"{BAD}:4: impossible date '2021-02-30' (day is out of range for month)",
        setup=lambda site: os.mkfifo(site.root / "content/resolutions/pipe.md")),
    "a link to nothing named .md, beside a file with an error": error(
        {BAD: paper(FRONT.replace("2021-01-01", "2021-02-30"))},
        "content/resolutions/gone.md:1: cannot be read (a link to nothing)",
        f"{BAD}:4: impossible date '2021-02-30' (day is out of range for month)",
        setup=lambda site: (site.root / "content/resolutions/gone.md").symlink_to("weg.md")),
    "a link to a device": error(
        {}, "content/resolutions/null.md:1: not a plain file (a pipe, a device or a link to "
        "one): content must be plain files",
        setup=lambda site: (site.root / "content/resolutions/null.md").symlink_to("/dev/zero")),
    "a file name that is not UTF-8": error(
        {}, "content/resolutions/bad-\ufffd.md:1: the file name is not UTF-8: rename it",
        setup=lambda site: (site.root / "content/resolutions").joinpath(
            os.fsdecode(b"bad-\xff.md")).write_text(paper(), encoding="utf-8")),
    "an unlisted file in content/files/ with a name that is not UTF-8": harmless(
        {os.fsdecode(b"content/files/liste-\xe4.pdf"): b"%PDF-1.4", BAD: paper()}),
    "a reference that gives an address too long for a folder name": error(
        {BAD: paper(FRONT.replace('"2021/1"', '"' + "2021/" * 40 + '1"'))},
        f"{BAD}:2: reference '{'2021/' * 8}…' gives an address of 201 characters, more than "
        "a folder name can hold (at most 150): shorten it"),
    "a topic that gives an address too long for a folder name": error(
        {BAD: paper(FRONT + 'topics: ["' + "Kreisentwicklung " * 12 + '"]\n')},
        f"{BAD}:6: topic '{('Kreisentwicklung ' * 3)[:40]}…' gives an address of 203 "
        "characters, more than a folder name can hold (at most 150): shorten it"),
    "no content folder (a typo in content_dir)": error(
        {}, "content:1: content folder not found (content_dir in site.toml, or --content)",
        setup=lambda site: shutil.rmtree(site.root / "content")),
    "a hidden draft file": harmless({"content/resolutions/.entwurf.md": "kaputt: ["},
                                    ("beschluesse/2021-7-014/", "Integrationskonzept")),
    # --- YAML ---
    "broken YAML": error({BAD: paper(FRONT.replace('"Neuer Beschluss"', '"Neuer Beschluss'))},
                         f"{BAD}:6: broken YAML: found unexpected end of stream"),
    "tab in YAML indentation": error(
        {BAD: paper(FRONT.replace("date:", "\tdate:"))},
        f"{BAD}:4: broken YAML: found character that cannot start any token"),
    "YAML alias bomb (billion laughs)": error(
        {BAD: paper(billion_laughs())},
        f"{BAD}:6: YAML anchors and aliases (& and *) are not allowed in front matter"),
    "deeply nested YAML": error(
        {BAD: paper(FRONT + "details:\n  x: " + "[" * 5000 + "]" * 5000 + "\n")},
        f"{BAD}:7: broken YAML: exceeded maximum nesting depth"),
    "details value without a label": error(
        {BAD: paper(FRONT + 'details:\n  "": leer\n  ~: nichts\n')},
        f"{BAD}:7: 'details' has a value without a label",
        f"{BAD}:8: 'details' has a value without a label"),
    "details label with a soft hyphen as a YAML escape": harmless(
        {BAD: paper(FRONT + 'details:\n  "Klima\\u00ADrelevanz": keine\n')},
        page=("beschluesse/2021-1/", "Klimarelevanz")),
    "nested YAML under an unknown key": warns(
        {BAD: paper(FRONT + "extra: " + "[" * 50 + "]" * 50 + "\n")},
        f"{BAD}:6: warning: unknown key 'extra' (ignored; a typo?)"),
    "key written twice": error({BAD: paper(FRONT + 'title: "Noch einer"\n')},
                               f"{BAD}:6: 'title' appears twice"),
    "front matter is a list": error({BAD: paper("- reference\n- title\n")},
                                    f"{BAD}:1: front matter must be a mapping of keys to values"),
    "control character in YAML": error(
        {BAD: paper(FRONT.replace("Neuer", "Neuer\x00"))},
        f"{BAD}:3: broken YAML: control characters are not allowed (U+0000)"),
    "YAML tag for a Python object": error(
        {BAD: paper(FRONT.replace('"Neuer Beschluss"', "!!python/object:os.system x"))},
        f"{BAD}:3: unreadable value 'x' (could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object:os.system')"),
    # --- values YAML reads differently than meant ---
    "unquoted numeric reference": error(
        {BAD: paper(FRONT.replace('"2021/1"', "2021.10"))},
        f"{BAD}:2: 'reference' 2021.1 is read by YAML as a number: quote it (reference: \"...\")"),
    "yes/no vote keys": error(
        {BAD: paper(FRONT + "consultations:\n  - committee: Kreistag\n    date: 2021-01-02\n"
                    "    votes: {yes: 20, no: 3}\n")},
        f"{BAD}:9: unknown vote key 'yes' (YAML reads yes/no as true/false: use for/against); "
        "allowed: for, against, abstain, biased",
        f"{BAD}:9: unknown vote key 'no' (YAML reads yes/no as true/false: use "
        "for/against); allowed: for, against, abstain, biased"),
    "unanimous with votes against": warns(
        {BAD: paper(FRONT + "consultations:\n  - committee: Kreistag\n    date: 2021-01-02\n"
                    "    votes: {for: 20, against: 3, abstain: 1}\n    unanimous: true\n")},
        f"{BAD}:10: warning: 'unanimous' is true, but 3 voted against: one of the two is "
        "wrong (abstentions may be recorded, votes against not)"),
    "public: yes is YAML's true": harmless({BAD: paper(FRONT.replace("true", "yes"))}),
    # --- missing and mistyped fields ---
    "missing public": error({BAD: paper(FRONT.replace("public: true\n", ""))},
                            f"{BAD}:1: missing required key 'public'"),
    "missing title and date": error(
        {BAD: paper('reference: "2021/1"\npublic: true\n')},
        f"{BAD}:1: missing required key 'title'", f"{BAD}:1: missing required key 'date'"),
    "title of spaces, reference empty": error(
        {BAD: paper(FRONT.replace('"Neuer Beschluss"', '"  "').replace('"2021/1"', '""'))},
        f"{BAD}:2: 'reference' is empty", f"{BAD}:3: 'title' is empty"),
    "committee of a consultation empty": error(
        {BAD: paper(FRONT + 'consultations:\n  - {committee: " ", date: 2021-01-01}\n')},
        f"{BAD}:7: 'consultations.committee' is empty"),
    "a negative agenda item": error(
        {BAD: paper(FRONT + "consultations:\n  - {committee: Kreistag, date: 2021-01-01, "
                    "agenda_item: -3}\n")},
        f"{BAD}:7: 'consultations.agenda_item' must not be negative (-3)"),
    "vote counts YAML would read in octal, hex or with underscores": error(
        {BAD: paper(FRONT + "consultations:\n  - {committee: Kreistag, date: 2021-01-01, "
                    "votes: {for: 010, against: 0x0A, abstain: 1_0}}\n")},
        f"{BAD}:7: 'consultations.votes.for' must be a whole number without leading zeros, "
        "not '010'",
        f"{BAD}:7: 'consultations.votes.against' must be a whole number, not '0x0A'",
        f"{BAD}:7: 'consultations.votes.abstain' must be a whole number, not '1_0'"),
    "a vote count in quotes": error(
        {BAD: paper(FRONT + "consultations:\n  - {committee: Kreistag, date: 2021-01-01, "
                    'votes: {for: "12", against: "0"}}\n')},
        f"{BAD}:7: 'consultations.votes.for' must be a whole number, not the text '12': write "
        "it without quotes",
        f"{BAD}:7: 'consultations.votes.against' must be a whole number, not the text '0': "
        "write it without quotes"),
    "an agenda item YAML would read in octal or base 60 is kept as written": harmless(
        {BAD: paper(FRONT + "consultations:\n  - {committee: Kreistag, date: 2021-01-01, "
                    "agenda_item: 010}\n  - {committee: Kreisausschuss, date: 2020-12-01, "
                    "agenda_item: 1:30}\n")},
        page=("sitzungen/2021-01-01-kreistag/", "TOP 010"), absent=("TOP 8",)),
    "a session's times without quotes, one of one digit": harmless(
        {"content/sessions/kt.md": "---\ncommittee: Kreistag\ndate: 2021-03-31\nstart: 9:30\n"
         "end: 17:05\nnumber: 012\n---\n"},
        page=("sitzungen/2021-03-31-kreistag/", "09:30"), absent=("570", "1025", "Nr. 10")),
    "title is not text": error({BAD: paper(FRONT.replace('"Neuer Beschluss"', "true"))},
                               f"{BAD}:3: 'title' must be text"),
    "date is a number": error({BAD: paper(FRONT.replace("2021-01-01", "20210101"))},
                              f"{BAD}:4: 'date' must be a date YYYY-MM-DD"),
    "date with a time": error({BAD: paper(FRONT.replace("2021-01-01", "2021-01-01 17:00:00"))},
                              f"{BAD}:4: 'date' must be a date YYYY-MM-DD without a time"),
    "consultations is not a list of mappings": error(
        {BAD: paper(FRONT + "consultations: Kreistag\n")},
        f"{BAD}:6: a consultation must be a mapping (committee, date, …)"),
    "votes is a list": error(
        {BAD: paper(FRONT + "consultations:\n  - committee: Kreistag\n    date: 2021-01-02\n"
                    "    votes: [20, 3]\n")},
        f"{BAD}:9: 'votes' must be a mapping of keys to values"),
    "a date in the year 9999": error(
        {BAD: paper(FRONT.replace("2021-01-01", "9999-12-31"))},
        f"{BAD}:4: 'date' 9999-12-31 is not in the years 1000 to 2999 (a typo?)"),
    "impossible date": error({BAD: paper(FRONT.replace("2021-01-01", "2021-02-30"))},
                             f"{BAD}:4: impossible date '2021-02-30' (day is out of range for "
                             "month)"),
    "impossible consultation date": error(
        {BAD: paper(FRONT + "consultations:\n  - {committee: Kreistag, date: 2021-13-01}\n")},
        f"{BAD}:7: impossible date '2021-13-01' (month must be in 1..12)"),
    "a consultation wrong in every key: all reported at once": error(
        {BAD: paper(FRONT + "consultations:\n  - date: 31.03.2021\n    role: 1\n"
                    "    agenda_item: 7.10\n    public: nein\n    unanimous: ja\n")},
        f"{BAD}:7: 'consultations.date' '31.03.2021' is not a date YYYY-MM-DD (or an "
        "impossible one)",
        f"{BAD}:7: missing required key 'consultations.committee'",
        f"{BAD}:8: 'consultations.role' must be text: YAML reads 1 as a number; quote it",
        f"{BAD}:9: 'consultations.agenda_item' YAML reads this as the number 7.1: quote it "
        '("7.10")',
        f"{BAD}:10: 'consultations.public' must be true or false, not 'nein'",
        f"{BAD}:11: 'consultations.unanimous' must be true or false, not 'ja'"),
    "negative votes": error(
        {BAD: paper(FRONT + "consultations:\n  - committee: Kreistag\n    date: 2021-01-02\n"
                    "    votes: {for: 20, against: -3}\n")},
        f"{BAD}:9: 'consultations.votes.against' must not be negative (-3)"),
    "unknown key": warns({BAD: paper(FRONT + "titel: Tippfehler\n")},
                         f"{BAD}:6: warning: unknown key 'titel' (ignored; a typo?)"),
    "an unknown key YAML reads as true": warns({BAD: paper(FRONT + "on: Sitzung\n")},
                                               f"{BAD}:6: warning: unknown key 'on' (ignored; "
                                               "a typo?)"),
    "a key with a line break": warns({BAD: paper(FRONT + '"ti\\ntel": Tippfehler\n')},
                                     f"{BAD}:6: warning: unknown key 'ti\\ntel' (ignored; a "
                                     "typo?)"),
    "unknown key in a consultation": warns(
        {BAD: paper(FRONT + "consultations:\n  - committee: Kreistag\n    date: 2021-04-01\n"
                    "    ergebnis: angenommen\n")},
        f"{BAD}:9: warning: unknown key 'ergebnis' in consultation (ignored; a typo?)"),
    "a known key in capitals, which would publish a closed item": error(
        {BAD: paper(FRONT + "consultations:\n  - committee: Kreistag\n    date: 2021-04-01\n"
                    "    Public: false\n"),
         "content/sessions/kt.md": "---\ncommittee: Kreistag\ndate: 2021-04-01\n"
                                   "Public: false\n---\n"},
        f"{BAD}:9: key 'Public' in consultation must be written 'public' (as written it would "
        "be ignored)",
        "content/sessions/kt.md:4: key 'Public' must be written 'public' (as written it would "
        "be ignored)"),
    "several topics without brackets": warns(
        {BAD: paper(FRONT + "topics: Haushalt, Finanzen\n")},
        f"{BAD}:6: warning: 'topics' is one text with a comma: for several, write a list in "
        "brackets, [Haushalt, Finanzen]"),
    "result that maps to no outcome": warns(
        {BAD: paper(FRONT + "consultations:\n  - committee: Kreistag\n    date: 2021-04-01\n"
                    "    result: erledigt\n")},
        f"{BAD}:9: warning: result 'erledigt' maps to no outcome: it counts as 'other' (set "
        "'outcome' to say which)"),
    "personal data in public text": warns(
        {BAD: paper(FRONT + 'submitter: "Max Muster, Hauptstraße 12"\n')},
        f"{BAD}:6: warning: looks like personal data (street address 'Hauptstraße 12') in "
        "public text: private persons must not be named; if it is an official address, add it "
        "to privacy_allow in site.toml"),
    # --- references between files ---
    "duplicate reference": error(
        {BAD: paper(FRONT.replace('"2021/1"', '"2021/7/014"'))},
        f"{BAD}:2: duplicate reference '2021/7/014': also in content/resolutions/good.md:2",
        f"content/resolutions/good.md:2: duplicate reference '2021/7/014': also in {BAD}:2"),
    "a duplicate reference in a file with another error, reported with it": error(
        {BAD: paper(FRONT.replace('"2021/1"', '"2021/7/014"').replace("public: true",
                                                                       "public: nein"))},
        f"{BAD}:5: 'public' must be true or false, not 'nein'",
        f"{BAD}:2: duplicate reference '2021/7/014': also in content/resolutions/good.md:2",
        f"content/resolutions/good.md:2: duplicate reference '2021/7/014': also in {BAD}:2"),
    "references with the same address": error(
        {BAD: paper(FRONT.replace('"2021/1"', '"2021-7-014"'))},
        f"{BAD}:2: reference '2021-7-014' has the same address '2021-7-014' as '2021/7/014' in "
        "content/resolutions/good.md:2"),
    "alias that is another paper's reference": error(
        {BAD: paper(FRONT + 'aliases: ["2021/7/014"]\n')},
        f"{BAD}:6: duplicate reference '2021/7/014': also in content/resolutions/good.md:2"),
    "topics with the same address": error(
        {BAD: paper(FRONT + "topics: [SOZIALES]\n")},
        f"{BAD}:6: topic 'SOZIALES' has the same address 'soziales' as 'Soziales' in "
        "content/resolutions/good.md:6"),
    "topic whose name gives no address": error(
        {BAD: paper(FRONT + 'topics: ["!!!"]\n')},
        f"{BAD}:6: topic '!!!' gives an empty address (slug)"),
    "committee whose name gives no address": error(
        {BAD: paper(FRONT + 'consultations:\n  - {committee: "Комитет", date: 2021-01-02}\n')},
        f"{BAD}:7: committee 'Комитет' gives an empty address (slug)"),
    "reference that gives no address": error(
        {BAD: paper(FRONT.replace('"2021/1"', '"///"'))},
        f"{BAD}:2: reference '///' gives an empty address (slug)"),
    "related names nothing": error(
        {BAD: paper(FRONT + 'related: ["2021/7/014", "1999/9"]\n')},
        f"{BAD}:6: related '1999/9' names no resolution"),
    "related and agenda name a paper by its old number": error(
        {BAD: paper(FRONT + 'aliases: ["V-2021/77"]\n'),
         "content/resolutions/other.md": paper(FRONT.replace("2021/1", "2021/2")
                                               + 'related: ["V-2021/77"]\n'),
         "content/sessions/kt.md": "---\ncommittee: Kreistag\ndate: 2021-03-31\nagenda:\n"
                                   '  - "V-2021/77"\n---\n'},
        "content/resolutions/other.md:6: related 'V-2021/77' is the old number of 2021/1: "
        "write '2021/1'",
        "content/sessions/kt.md:5: agenda entry 'V-2021/77' is the old number of 2021/1: "
        "write '2021/1'"),
    "related names a non-public paper": harmless(
        {BAD: paper(FRONT + 'related: ["2021/7/014", "2021/2"]\n'),
         "content/resolutions/secret.md": paper(FRONT.replace("2021/1", "2021/2").replace(
             "true", "false").replace("Neuer Beschluss", "Geheim"))},
        ("beschluesse/2021-1/", "Integrationskonzept"), absent=("2021/2", "Geheim")),
    "agenda names nothing": error(
        {"content/sessions/kt.md": "---\ncommittee: Kreistag\ndate: 2021-03-31\nagenda:\n"
         '  - "2021/7/014"\n  - "2021/99"\n---\n'},
        "content/sessions/kt.md:6: agenda entry '2021/99' names no resolution"),
    "two files describe one committee": error(
        {"content/committees/kt.md": "---\nname: Kreistag\nshort: KT\n---\n",
         "content/committees/kreistag.md": "---\nshort: K\nname: Kreistag\n---\n"},
        "content/committees/kreistag.md:3: committee 'Kreistag' is described in two files, "
        "here and in content/committees/kt.md:2: keep one",
        "content/committees/kt.md:2: committee 'Kreistag' is described in two files, here and "
        "in content/committees/kreistag.md:3: keep one"),
    "two files describe one topic": error(
        {"content/topics/a.md": "---\nname: Soziales\n---\nEins.\n",
         "content/topics/b.md": "---\nname: Soziales\n---\nZwei.\n"},
        "content/topics/a.md:2: topic 'Soziales' is described in two files, here and in "
        "content/topics/b.md:2: keep one",
        "content/topics/b.md:2: topic 'Soziales' is described in two files, here and in "
        "content/topics/a.md:2: keep one"),
    "two files describe one session": error(
        {"content/sessions/a.md": "---\ncommittee: Kreistag\ndate: 2021-03-31\n---\n",
         "content/sessions/2021/b.md": "---\ncommittee: Kreistag\ndate: 2021-03-31\n"
         "public: false\n---\n"},
        "content/sessions/2021/b.md:1: session 'Kreistag 2021-03-31' is described in two "
        "files, here and in content/sessions/a.md:1: keep one",
        "content/sessions/a.md:1: session 'Kreistag 2021-03-31' is described in two files, "
        "here and in content/sessions/2021/b.md:1: keep one"),
    # --- links in a text ---
    "links in a text that lead nowhere": warns(
        {BAD: paper(FRONT + "attachments:\n  - {title: Plan, file: plaene/plan.pdf}\n",
                    body="Siehe [den Plan](plan.pdf).\n\nUnd [die Karte](karte.png), den "
                    "[Beschluss](../2021-99/)\nund [alle Themen](/archiv/themen/).\n"),
         "content/files/plaene/plan.pdf": b"%PDF-1.4 Plan",
         "site.toml": 'base_url = "https://example.org/archiv/"\n'},
        f"{BAD}:10: warning: link 'plan.pdf' leads to no page or file of the archive (it "
        "opens /archiv/beschluesse/2021-1/plan.pdf): the attachment is at "
        "/archiv/dateien/plaene/plan.pdf",
        f"{BAD}:12: warning: link 'karte.png' leads to no page or file of the archive (it "
        "opens /archiv/beschluesse/2021-1/karte.png): a file is published when 'attachments' "
        "lists it",
        f"{BAD}:12: warning: link '../2021-99/' leads to no page or file of the archive (it "
        "opens /archiv/beschluesse/2021-99/): there is no such page (or its paper is not "
        "public)"),
    "images in a text, which pages do not show": warns(
        {BAD: paper(FRONT + 'resolution: "Siehe <img src=plan.png>"\n',
                    body="Die Karte:\n\n![Karte des Gebiets](karte.png)\n")},
        f"{BAD}:6: warning: an image in the text is not shown (pages show no images from "
        "texts): list its file under 'attachments', where it is linked",
        f"{BAD}:11: warning: an image in the text is not shown (pages show no images from "
        "texts): list its file under 'attachments', where it is linked"),
    "a link from the root under a base path": warns(
        {BAD: paper(FRONT, body="Alle [Themen](/themen/).\n"),
         "site.toml": 'base_url = "https://example.org/archiv/"\n'},
        f"{BAD}:8: warning: link '/themen/' leads to no page or file of the archive (it opens "
        "/themen/): the archive's addresses begin with /archiv/"),
    "links in the texts of a session, a committee and a topic": warns(
        {"content/sessions/kt.md": "---\ncommittee: Kreistag\ndate: 2021-03-31\n---\n"
         "Siehe [Protokoll](protokoll.pdf) und [Gremium](../../gremien/kreistag/).\n",
         "content/committees/kt.md": "---\nname: Kreistag\n---\nDie [Sitzungen](sitzungen/)."
         "\n",
         "content/topics/soziales.md": "---\nname: Soziales\n---\nAlle [Beschlüsse]"
         "(../../beschluesse/)\nund [mehr](../soziales-2/).\n", BAD: paper()},
        "content/committees/kt.md:4: warning: link 'sitzungen/' leads to no page or file of "
        "the archive (it opens /gremien/kreistag/sitzungen/): there is no such page (or its "
        "paper is not public)",
        "content/sessions/kt.md:5: warning: link 'protokoll.pdf' leads to no page or file of "
        "the archive (it opens /sitzungen/2021-03-31-kreistag/protokoll.pdf): a file is "
        "published when 'attachments' lists it",
        "content/topics/soziales.md:5: warning: link '../soziales-2/' leads to no page or file "
        "of the archive (it opens /themen/soziales-2/): there is no such page (or its paper is "
        "not public)"),
    "links in a text that lead to pages and files of the archive": harmless(
        {BAD: paper(FRONT + "attachments:\n  - {title: Plan, file: plan.pdf}\n",
                    body="[Konzept](../2021-7-014/), [ohne Schrägstrich](../2021-7-014), "
                    "[Plan](../../dateien/plan.pdf), [Themen](/archiv/themen/), "
                    "[Suche](../../suche/?q=Haushalt#treffer), [oben](#inhalt), "
                    "[extern](https://example.org/x.pdf), [Post](mailto:info@example.org), "
                    "[Feed](../../feed.xml)\n"),
         "content/files/plan.pdf": b"%PDF-1.4 Plan",
         "site.toml": 'base_url = "https://example.org/archiv/"\nprivacy_allow = '
                      '["info@example.org"]\n'}),
    # --- attachments ---
    "attachment missing": error(
        {BAD: paper(FRONT + "attachments:\n  - {title: Plan, file: plan.pdf}\n")},
        f"{BAD}:7: attachment 'plan.pdf' not found in content/files/"),
    "attachment outside content/files/": error(
        {BAD: paper(FRONT + "attachments:\n  - title: Geheim\n    file: ../resolutions/good.md\n")},
        f"{BAD}:8: attachment '../resolutions/good.md' is outside content/files/"),
    "attachment with an absolute path": error(
        {BAD: paper(FRONT + "attachments:\n  - {title: Passwort, file: /etc/passwd}\n")},
        f"{BAD}:7: attachment '/etc/passwd' is outside content/files/"),
    "attachment through a symlink out of content/files/": error(
        {BAD: paper(FRONT + "attachments:\n  - {title: Intern, file: link.pdf}\n")},
        f"{BAD}:7: attachment 'link.pdf' is outside content/files/", setup=symlink_out_of_files),
    # --- sessions, committees, topics ---
    "session with an impossible time": error(
        {"content/sessions/kt.md": '---\ncommittee: Kreistag\ndate: 2021-03-31\nstart: "25:99"\n'
         "---\n"}, "content/sessions/kt.md:4: 'start' must be a time HH:MM"),
    "session without a date": error(
        {"content/sessions/kt.md": "---\ncommittee: Kreistag\nlocation: Saal\n---\n"},
        "content/sessions/kt.md:1: missing required key 'date'"),
    "committee file without name": error(
        {"content/committees/kt.md": "---\nshort: KT\n---\nDer Kreistag.\n"},
        "content/committees/kt.md:1: missing required key 'name'"),
    "topic file without name": error(
        {"content/topics/soziales.md": "---\ndescription: Soziales\n---\n"},
        "content/topics/soziales.md:1: missing required key 'name'"),
    # --- site.toml ---
    "broken site.toml": error({"site.toml": 'title = "Archiv\n'},
                              "site.toml:1: broken TOML: Illegal character '\\n' (at line 1, "
                              "column 16)"),
    "base_url that is a host without https://": error(
        {"site.toml": 'title = "Archiv"\nbase_url = "stadt.github.io/archiv/"\n'},
        "site.toml:2: base_url 'stadt.github.io/archiv/' begins with a host name but not "
        "with https://: write 'https://stadt.github.io/archiv/' (or a path such as "
        "'/archiv/')"),
    "base_url with a space in its host": error(
        {"site.toml": 'base_url = "https://exa mple.org/archiv/"\n'},
        "site.toml:1: base_url 'https://exa mple.org/archiv/' is not an address such as "
        "'https://example.org/archiv/' or a path such as '/archiv/'"),
    "a table in site.toml": warns(
        {"site.toml": 'title = "Archiv"\n\n[search]\nlanguage = "de"\n', BAD: paper()},
        "site.toml:3: warning: unknown key 'search' (ignored)"),
    "a site.toml key after blank lines": error(
        {"site.toml": '# Archiv\ntitle = "Archiv"\n\n\nbase_url = "ftp://example.org/"\n'},
        "site.toml:5: base_url 'ftp://example.org/' is not an address such as "
        "'https://example.org/archiv/' or a path such as '/archiv/'"),
    "base_url with a quote and angle brackets in its host": error(
        {"site.toml": 'base_url = "https://exa\\"mple.org<x>/archiv/"\n'},
        "site.toml:1: base_url 'https://exa\"mple.org<x>/archiv/' is not an address such as "
        "'https://example.org/archiv/' or a path such as '/archiv/'"),
    "base_url of another scheme": error(
        {"site.toml": 'base_url = "javascript:alert(1)"\n'},
        "site.toml:1: base_url 'javascript:alert(1)' is not an address such as "
        "'https://example.org/archiv/' or a path such as '/archiv/'"),
    "base_url with a query": error(
        {"site.toml": 'base_url = "https://example.org/archiv/?x=1"\n'},
        "site.toml:1: base_url 'https://example.org/archiv/?x=1' is not an address such as "
        "'https://example.org/archiv/' or a path such as '/archiv/'"),
    "base_url with an umlaut in its host and a port": harmless(
        {"site.toml": 'base_url = "https://ratsarchiv-müllheim.de:8443/archiv/"\n',
         BAD: paper()}),
    "site.toml not UTF-8": error(
        {"site.toml": 'title = "Archiv"\nbody = "Kyffh\xe4userkreis"\n'.encode("latin-1"),
         BAD: paper()},
        "site.toml:2: not UTF-8 (byte 0xe4); save the file as UTF-8"),
    "addresses in site.toml that no page could link": error(
        {"site.toml": 'imprint_url = "www.kreis.de/impressum"\n'
                      'sign_language_url = "javascript:alert(1)"\n'
                      'accessibility_contact = "barrierefrei(at)kreis.de"\n'
                      'privacy_url = "/datenschutz/"\n', BAD: paper()},
        "site.toml:1: 'imprint_url' must be an address such as 'https://example.org/impressum' "
        "or a path such as '/impressum/', not 'www.kreis.de/impressum'",
        "site.toml:2: 'sign_language_url' must be an address such as "
        "'https://example.org/impressum' or a path such as '/impressum/', not "
        "'javascript:alert(1)'",
        "site.toml:3: 'accessibility_contact' must be an e-mail address, an address such as "
        "'https://example.org/impressum' or a path such as '/impressum/', not "
        "'barrierefrei(at)kreis.de'"),
    "a layouts folder named that is not there": error(
        {"site.toml": 'title = "Archiv"\nlayouts_dir = "layuots"\n', BAD: paper()},
        "site.toml:2: layouts folder not found"),
    "unknown key in site.toml": warns({"site.toml": 'titel = "Archiv"\n', BAD: paper()},
                                      "site.toml:1: warning: unknown key 'titel' (ignored)"),
    "an enforcement_body Markdown cannot render": error(
        {"site.toml": 'title = "Archiv"\nenforcement_body = "' + "a_" * 1001 + '"\n'},
        "site.toml:2: 'enforcement_body': a paragraph has 1,001 of the marks [ ` < * _, "
        "entities (&amp;), escapes (\\) and line breaks, more than Markdown can render in "
        "reasonable time (at most 1,000): split it into shorter ones"),
    "the same beside a broken paper": error(
        {"site.toml": 'title = "Archiv"\nenforcement_body = "' + "a_" * 1001 + '"\n',
         BAD: paper(FRONT.replace("true", "ja"))},
        f"{BAD}:5: 'public' must be true or false, not 'ja'",
        "site.toml:2: 'enforcement_body': a paragraph has 1,001 of the marks [ ` < * _, "
        "entities (&amp;), escapes (\\) and line breaks, more than Markdown can render in "
        "reasonable time (at most 1,000): split it into shorter ones"),
    "a site.toml error and a content error, in one run": error(
        {"site.toml": 'title = "Archiv"\nlanguage = "fr"\n',
         BAD: paper(FRONT.replace("public: true\n", ""))},
        "site.toml:2: 'language' must be one of de, en",
        f"{BAD}:1: missing required key 'public'"),
    "a site.toml key quoted or dotted": error(
        {"site.toml": 'title = "Archiv"\n"language" = "fr"\nenforcement_body.de = "Stelle"\n',
         BAD: paper()},
        "site.toml:2: 'language' must be one of de, en",
        "site.toml:3: 'enforcement_body' must be a string"),
}


# Known bugs outside this test's reach: the case fails until the fix lands, then passes.
KNOWN_BUGS: dict[str, str] = {}  # case name: why it fails (a strict xfail until fixed)
PARAMS = [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name]))
          if name in KNOWN_BUGS else name for name in CASES]


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A site that built once: its public/ is the previous output every case starts from."""
    site = Site(tmp_path_factory.mktemp("previous") / "site")
    site.write("content/resolutions/good.md", GOOD)
    import contextlib

    from ratsinfo_site.cli import main
    with contextlib.chdir(site.root):
        assert main(["build", "--quiet"]) == 0
    return site


def test_the_table_covers_every_kind_of_broken_input():
    kinds = [case.kind for case in CASES.values()]
    assert len(CASES) >= 25
    assert kinds.count("error") >= 25 and kinds.count("warning") >= 4
    assert kinds.count("harmless") >= 8


@pytest.mark.parametrize("name", PARAMS)
def test_broken_input_is_reported_or_built_as_its_kind_says(previous: Site, tmp_path, capsys,
                                                           name: str):
    case = CASES[name]
    site = Site(tmp_path / "site")
    shutil.rmtree(site.root)
    # Not .public.old-*: the replaced output of the last build, deleted in the background.
    shutil.copytree(previous.root, site.root, symlinks=True,
                    ignore=shutil.ignore_patterns(".public.*"))
    if case.setup:
        case.setup(site)
    for rel, text in case.files.items():
        site.write(rel, text)
    before = checksums(site.public)
    check = site.run("check", capsys=capsys)
    build = site.run("build", capsys=capsys)
    for run in (check, build):
        assert "Traceback" not in run.err
        reported = [line for line in run.err.splitlines()
                    if ": " in line and "has no host" not in line and not line.startswith(
                        ("Build failed", "Check failed"))]
        if case.kind == "error":
            assert run.code == 1, run.err
            assert [line for line in case.expect if line not in reported] == [], run.err
        else:
            assert run.code == 0, run.err
            assert sorted(reported) == sorted(case.expect), run.err
    if case.kind == "error":
        assert checksums(site.public) == before
        assert "the output folder was not changed" in build.err
    else:
        address, text = case.page
        assert text in site.page(address)
        assert [word for word in case.absent if word in site.page(address)] == []
    assert not list(site.root.glob(".public.tmp-*")), "temporary output left behind"


def test_a_base_url_with_an_error_is_not_also_warned_of_as_one_without_a_host(
        previous: Site, tmp_path, capsys):
    """The setting is left at its default while the content is checked; its error is the
    one line about it."""
    site = Site(tmp_path / "site")
    shutil.rmtree(site.root)
    shutil.copytree(previous.root, site.root, symlinks=True,
                    ignore=shutil.ignore_patterns(".public.*"))
    site.write("site.toml", 'base_url = "stadt.github.io/archiv/"\n')
    run = site.run("build", capsys=capsys)
    assert run.code == 1
    assert [line for line in run.err.splitlines() if "base_url" in line] == [
        "site.toml:1: base_url 'stadt.github.io/archiv/' begins with a host name but not "
        "with https://: write 'https://stadt.github.io/archiv/' (or a path such as '/archiv/')"]


def test_an_unreadable_content_folder_stops_the_build_and_is_named(previous: Site, tmp_path,
                                                                   capsys, monkeypatch):
    """Not skipped: its resolutions would leave the archive without a word."""
    import os

    site = Site(tmp_path / "site")
    shutil.rmtree(site.root)
    shutil.copytree(previous.root, site.root, symlinks=True,
                    ignore=shutil.ignore_patterns(".public.*"))
    site.write("content/resolutions/2021/other.md", GOOD.replace("2021/7/014", "2021/7/015"))
    locked = site.root / "content" / "resolutions" / "2021"
    scandir = os.scandir

    def refused(path=".", *args):
        if str(path) == str(locked):  # as for a folder without read permission
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path, *args)

    before = checksums(site.public)
    monkeypatch.setattr(os, "scandir", refused)
    for command in ("check", "build"):
        run = site.run(command, capsys=capsys)
        assert run.code == 1 and "Traceback" not in run.err
        assert f"error: {locked}: Permission denied" in run.err
    assert checksums(site.public) == before


def test_a_base_url_given_on_the_command_line_is_checked_as_in_site_toml(previous: Site,
                                                                        capsys):
    before = checksums(previous.public)
    run = previous.run("build", "--base-url", "stadt.github.io/archiv/", capsys=capsys)
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.startswith("--base-url:1: base_url 'stadt.github.io/archiv/' begins with "
                              "a host name but not with https://")
    assert checksums(previous.public) == before


def test_an_output_folder_that_is_a_file_is_an_error(tmp_path: Path, capsys):
    """A build replaces its output as a whole: a file there was moved aside, and deleted
    by the next build."""
    site = Site(tmp_path / "site")
    site.write("site.toml", 'output_dir = "notes.txt"\n')
    site.write("notes.txt", "Notizen")
    site.simple("r", "2021/1")
    for command in ("check", "build"):
        run = site.run(command, capsys=capsys)
        assert run.code == 1 and "Traceback" not in run.err
        assert run.err.startswith("site.toml:1: the output folder is a file"), run.err
    assert (site.root / "notes.txt").read_text("utf-8") == "Notizen"
    assert sorted(p.name for p in site.root.iterdir()) == ["content", "notes.txt", "site.toml"]


@pytest.mark.parametrize("setting, flag, where", [
    ('output_dir = "notes.txt/public"', None, "site.toml:2"),
    ("", "notes.txt/public", "--out:1"),
])
def test_an_output_folder_under_a_file_is_an_error_at_its_setting(
        tmp_path: Path, capsys, setting: str, flag: str | None, where: str):
    """No folder can be made below a file: the build failed with "error: …/notes.txt: File
    exists", no setting named."""
    site = Site(tmp_path / "site")
    site.write("site.toml", f'title = "Archiv"\n{setting}\n')
    site.write("notes.txt", "Notizen")
    site.simple("r", "2021/1")
    for command in ("check", "build"):
        run = site.run(command, *(("--out", str(site.root / flag)) if flag else ()),
                       capsys=capsys)
        assert run.code == 1 and "Traceback" not in run.err
        assert run.err.splitlines()[0] == (
            f"{where}: the output folder lies under 'notes.txt', which is a file, not a "
            "folder: choose a folder of its own, such as 'public'"), run.err
    assert (site.root / "notes.txt").read_text("utf-8") == "Notizen"
    assert sorted(p.name for p in site.root.iterdir()) == ["content", "notes.txt", "site.toml"]


def test_an_output_folder_given_as_a_link_is_built_where_it_leads(tmp_path: Path, capsys):
    """A link to the web server's folder stays a link; the site is in that folder (the
    link was replaced by a folder of its own, and the server got nothing)."""
    site = Site(tmp_path / "site")
    served = tmp_path / "www"
    served.mkdir()
    (site.root / "public").parent.mkdir(parents=True, exist_ok=True)
    (site.root / "public").symlink_to(served)
    site.simple("r", "2021/1")
    for _ in range(2):  # the second build replaces the first one's output
        assert site.run("build", capsys=capsys).code == 0
        assert (site.root / "public").is_symlink()
        assert (served / "beschluesse" / "2021-1" / "index.html").is_file()


@pytest.mark.parametrize("setting, flag, expected", [
    ('output_dir = "content"', None, "site.toml:2: the output folder is the content folder, "
     "which a build would replace: choose a folder of its own, such as 'public'"),
    ('output_dir = "."', None, "site.toml:2: the output folder is the site's folder"),
    ('output_dir = ".."', None, "site.toml:2: the output folder holds the site's folder"),
    ('output_dir = "content/files/site"', None, "site.toml:2: the output folder lies in the "
     "content folder"),
    ("", ".", "--out:1: the output folder is the site's folder"),
])
def test_an_output_folder_that_is_or_holds_the_sources_is_an_error(
        tmp_path: Path, capsys, setting: str, flag: str | None, expected: str):
    """A build replaces its output folder as a whole: the content or the site's root must
    never become it (it moved the sources aside, and the next build published nothing)."""
    site = Site(tmp_path / "site")
    site.write("site.toml", f'title = "Archiv"\n{setting}\n')
    site.simple("r", "2021/1")
    before = checksums(site.root)
    for command in ("check", "build"):
        run = site.run(command, *(("--out", str(site.root / flag)) if flag else ()),
                       capsys=capsys)
        assert run.code == 1 and "Traceback" not in run.err
        assert run.err.startswith(expected), run.err
    assert checksums(site.root) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_pagefind_missing_is_one_line_and_the_output_stays(previous: Site, capsys, monkeypatch):
    before = checksums(previous.public)
    added = previous.simple("new", "2021/99", "Neu seit dem letzten Build")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(previous.root / "no-such-pagefind"))
    try:
        run = previous.run("build", capsys=capsys)
    finally:
        added.unlink()  # the site is the module's
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.splitlines()[-2:] == [
        "error: Pagefind's binary was not found (pip install 'pagefind[bin]')",
        "Build failed; the output folder was not changed."]
    assert checksums(previous.public) == before
