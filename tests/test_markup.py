"""Markdown: the inline shortcut changes nothing; text past the limits is refused."""

from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratsinfo_site import markup
from ratsinfo_site.markup import _EXTENSION_CONFIGS, _EXTENSIONS, _converter
from tests.helpers import Site

# Words, markup characters, line ends and indentation, mixed at random.
PIECES = st.sampled_from(["Kreistag", "beschließt", " ", "  ", "\n", "\n\n", "*", "_", "`",
                          "[", "]", "(", ")", "!", "<", ">", "&", "#", "\\", "-", "1.",
                          "|", "[^1]", "[^1]: Fußnote", "<b>", "&amp;", "  \n", "https://x.de",
                          "<https://x.de>", "a@b.de", "    ", "\t", ":", "~"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_inline_shortcut_changes_nothing(text: str):
    stock = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS,
                              output_format="html")
    ours = _converter(False)[0]
    next(e for e in ours.registeredExtensions if hasattr(e, "makeFootnoteId")) \
        .setConfig("SEPARATOR", "-")  # as render_markdown sets it for a body
    own = f' {markup._OWN}=""'  # the mark of Markdown's own ids, dropped after sanitising
    assert ours.reset().convert(text).replace(own, "") == stock.convert(text)


def test_plain_text_with_a_line_break_keeps_it():
    html = _converter(False)[0].reset().convert("Erste Zeile  \nzweite Zeile")
    assert html == "<p>Erste Zeile<br>\nzweite Zeile</p>"


def test_nesting_past_pythons_stack_is_refused_not_a_traceback(monkeypatch):
    """The nesting check stops deep text before Markdown runs; text it would let through
    and that still exhausts Python's stack is refused the same way, never a traceback."""
    monkeypatch.setattr(markup, "MAX_NESTING", 10**6)
    monkeypatch.setattr(markup, "_DEEP_LEAD", re.compile("(?!)"))
    deep = "".join("    " * i + "- x\n" for i in range(300))
    with pytest.raises(markup.TooComplex, match="nested too deeply"):
        markup.render_markdown(deep)
    assert "<li>x" in markup.render_markdown(deep[:2000])  # the converters still work
    assert markup.render_markdown("**fett** [Anlage](https://x.de)") == (
        '<p><strong>fett</strong> <a href="https://x.de" rel="noopener noreferrer">Anlage</a>'
        '</p>')


def test_limits_leave_long_council_texts_alone():
    """A long text with links, emphasis and HTML within the limits renders in full."""
    text = "\n\n".join(
        " ".join(f"**Punkt {i}.{j}** siehe [Anlage](https://x.de/{j}) und <abbr>KT</abbr>"
                 for j in range(140)) for i in range(40))  # 980 marks a paragraph
    html = markup.render_markdown(text)
    assert html.count("<strong>") == html.count("<a ") == html.count("<abbr>") == 5600


def test_footnotes_of_every_text_on_a_page_link_to_their_own_note(site: Site, capsys):
    """Each text numbers its footnotes from 1: decision, finance and body all had "fn:1",
    and the sanitiser dropped every footnote's id, so no footnote link led anywhere; the
    back link was titled in English."""
    site.simple("r", "2024/1", extra="""\
        resolution: |
          Der Kreistag beschließt den Plan[^1].

          [^1]: Vorbehaltlich der Landesmittel.
        finance: |
          Kosten von 10.000 EUR[^1], zweimal genannt[^1].

          [^1]: Haushaltsstelle 1.2345.
        details:
          Hinweis: "Siehe Anlage[^a]\\n\\n[^a]: Die Anlage."
        """)
    site.write("content/resolutions/r.md", site.root.joinpath("content/resolutions/r.md")
               .read_text("utf-8") + "Sachverhalt[^1] und mehr[^2].\n\n[^1]: Erste.\n"
               '[^2]: Zweite <li id="main">fremd</li>.\n')
    assert site.run("build", capsys=capsys).code == 0
    page = site.page("beschluesse/2024-1/")
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), ids
    assert [i for i in ids if i.startswith("fn")] == [
        "fnref-resolution-1", "fn-resolution-1", "fnref-1", "fnref-2", "fn-1", "fn-2",
        "fnref-finance-1", "fnref2-finance-1", "fn-finance-1", "fnref-details-hinweis-a",
        "fn-details-hinweis-a"]  # in the order of the page: decision, body, finance, details
    links = re.findall(r'href="#(fn[^"]*)"', page)  # to each note and back to each place
    assert set(links) == {i for i in ids if i.startswith("fn")} and len(links) == 12, links
    assert page.count('title="Zurück zum Text (Fußnote 1)"') == 5  # finance's twice
    assert 'id="main"' not in page.split("<main", 1)[1].split(">", 1)[1]


def test_a_lead_leaves_footnotes_out(site: Site, capsys):
    site.simple("r", "2024/1", extra="""\
        resolution: |
          Der Kreistag beschließt den Plan[^1].

          [^1]: Vorbehaltlich der Landesmittel.
        """)
    assert site.run("build", capsys=capsys).code == 0
    description = re.search(r'<meta name="description" content="([^"]*)"',
                            site.page("beschluesse/2024-1/"))[1]
    assert description.endswith("Der Kreistag beschließt den Plan."), description


@pytest.mark.parametrize("text", [
    '<ul><li id="main">fremd</li></ul>\n\n<p><sup id="inhalt">1</sup></p>',
    'Text[^1].\n\n[^1]: Note.\n\n<ul><li id="main">fremd</li></ul>\n',
    '<h2 id="inhalt">Kopf</h2>\n\n<h3 id=main>Kopf</h3>\n\n## Echt\n',
])
def test_a_text_sets_no_id_but_its_footnotes(text: str):
    """Ids of the page ("main", "inhalt") are not for a text to take."""
    html = str(markup.render_markdown(text))
    assert 'id="main"' not in html and 'id="inhalt"' not in html
    assert ("fn-1" in html) == ("[^1]" in text)


def test_an_id_raw_html_gives_never_takes_an_anchor_or_a_footnote_id_of_the_text():
    """<h2 id="abschnitt-kosten"> kept its id (it begins as the anchors do) beside
    "## Kosten", and <sup id="fnref-1"> beside a footnote: twice the same id on the page,
    and a link cited to the section "Kosten" led to the raw heading."""
    html = str(markup.render_markdown(
        '<h2 id="abschnitt-kosten">Vorab</h2>\n\n## Kosten\n\nText[^1].\n\n'
        '<p><sup id="fnref-1">1</sup> <sup id="fn-2">2</sup></p>\n\n[^1]: Note.\n'))
    assert re.findall(r' id="([^"]*)"', html) == ["abschnitt-kosten", "fnref-1", "fn-1"]
    assert "<h2>Vorab</h2>" in html and '<h2 id="abschnitt-kosten">Kosten</h2>' in html
    assert "<sup>1</sup> <sup>2</sup>" in html
    finance = str(markup.render_markdown('## Kosten\n\n<h3 id="abschnitt-kosten">'
                                         "Roh</h3>\n", notes="finance"))
    assert re.findall(r' id="([^"]*)"', finance) == ["abschnitt-finance-kosten"]
    assert "<h3>Roh</h3>" in finance


def test_footnote_labels_unfit_for_an_id_get_their_slug():
    """Python-Markdown puts a label in as it is: "[^Anm. 1]" gave id="fn-Anm. 1" (an id
    with a space is invalid HTML, the link to it an invalid address)."""
    text = ('Plan[^Anm. 1], Quelle[^Quelle "A"], Ort[^Straße], wieder[^Anm. 1], '
            'und[^anm-1] und[^ü].\n\n[^Anm. 1]: Eins.\n[^Quelle "A"]: Zwei.\n'
            '[^Straße]: Drei.\n[^anm-1]: Vier.\n[^ü]: Fünf.\n')
    html = str(markup.render_markdown(text, notes="finance"))
    ids = re.findall(r' id="([^"]*)"', html)
    assert ids == ["fnref-finance-anm-1-2", "fnref-finance-quelle-a", "fnref-finance-Straße",
                   "fnref2-finance-anm-1-2", "fnref-finance-anm-1", "fnref-finance-ü",
                   "fn-finance-anm-1-2", "fn-finance-quelle-a", "fn-finance-Straße",
                   "fn-finance-anm-1", "fn-finance-ü"]
    links = re.findall(r' href="#([^"]*)"', html)
    assert len(links) == 12 and set(links) == set(ids)  # "Anm. 1" has two back links


def test_a_heading_in_two_texts_of_a_page_gets_two_anchors(site: Site, capsys):
    """"Begründung" in the decision, the finance text and the body: the decision's and
    the finance text's anchors were the body's, twice the same id on one page."""
    site.simple("r", "2024/1", extra="""\
        resolution: |
          ## Begründung

          Eins.
        finance: |
          ## Begründung

          Zwei.
        """)
    site.write("content/resolutions/r.md", site.root.joinpath("content/resolutions/r.md")
               .read_text("utf-8") + "## Begründung\n\nDrei.\n\n## Begründung\n\nVier.\n")
    assert site.run("build", capsys=capsys).code == 0
    ids = re.findall(r' id="([^"]+)"', site.page("beschluesse/2024-1/"))
    assert len(ids) == len(set(ids)), ids
    assert [i for i in ids if "begruendung" in i] == [
        "abschnitt-resolution-begruendung", "abschnitt-begruendung", "abschnitt-begruendung_1",
        "abschnitt-finance-begruendung"]  # the body's as before: links to it keep working


def test_links_are_valid_html_whatever_the_author_wrote():
    """A javascript: link lost its address to the sanitiser but kept rel (allowed only with
    an address); a space or a lone % stood in an address as written: each an error of
    the Nu Html Checker."""
    html = str(markup.render_markdown(
        'Ein <a href="javascript:alert(1)">Skript</a>, [eins](javascript:alert(2)), '
        "[Plan](<Plan neu 50%.pdf>), [so](a%20b.pdf), [Frage](https://x.org/?a=1&b=2)."))
    assert "<a>Skript</a>" in html and "<a>eins</a>" in html
    assert re.findall(r'<a href="([^"]*)"', html) == [
        "Plan%20neu%2050%25.pdf", "a%20b.pdf", "https://x.org/?a=1&amp;b=2"]
    assert html.count('rel="noopener noreferrer"') == 3


def test_raw_html_attributes_keep_only_values_html_allows():
    """start="abc", colspan="0", scope="bogus", cite="x y", datetime="gestern" were
    published as written: errors of the Nu Html Checker (and headers= can name no th of a
    text, which has no ids). Values HTML allows stay."""
    html = str(markup.render_markdown(
        '<ol start="abc" reversed="x"><li>a</li></ol>\n\n<ol start="3"><li>b</li></ol>\n\n'
        '<table><tr><th scope="bogus" colspan="2">h</th><th scope="COL">i</th></tr>'
        '<tr><td colspan="0" rowspan="-1" headers="h">c</td><td rowspan="2">d</td></tr>'
        '</table>\n\n<p><del datetime="gestern" cite="javascript:1">e</del> '
        '<ins datetime="2021-03-31T18:00:00+01:00" cite="https://example.org/b">f</ins> '
        '<q cite="x y">g</q> <time datetime="x">h</time> <bdo dir="x">i</bdo></p>\n'))
    assert '<ol reversed=""><li>a</li></ol>' in html and '<ol start="3">' in html
    assert '<th colspan="2">h</th><th scope="col">i</th>' in html
    assert '<td>c</td><td rowspan="2">d</td>' in html
    assert '<del>e</del>' in html and '<q>g</q>' in html
    assert '<ins datetime="2021-03-31T18:00:00+01:00" cite="https://example.org/b">' in html
    assert html.endswith("<q>g</q> h i</p>")  # time and bdo go, their text stays


@pytest.mark.parametrize(("text", "levels"), [
    ("# Eins\n\n## Zwei\n\n### Drei\n\n## Vier\n", [2, 3, 4, 3]),
    ("## Anlass\n\n#### Details\n\n## Kosten\n", [2, 3, 2]),  # "##" to "####"
    ("###### Sechs\n\n##### Fünf\n", [2, 2]),  # the lower level first
    ("<h5>Roh</h5>\n\n## Zwei\n\n<h6>Sechs</h6>\n", [2, 2, 3]),
])
def test_the_headings_of_a_text_skip_no_level(text: str, levels: list[int]):
    """A text's headings start at the level they are given (h2 here) and go down one
    level at a time: "##" then "####" gave h2, h4 (axe: heading-order)."""
    html = str(markup.render_markdown(text))
    assert [int(n) for n in re.findall(r"<h(\d)", html)] == levels
    assert re.findall(r"</h(\d)>", html) == [str(n) for n in levels]
