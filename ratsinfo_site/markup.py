"""Markdown text to sanitised HTML."""

from __future__ import annotations

import bisect
import datetime as dt
import html
import re
import secrets
import threading
from typing import Any

import markdown
import nh3
from markdown import treeprocessors
from markdown.extensions.footnotes import FootnoteExtension
from markupsafe import Markup

from ratsinfo_site.slugs import slugify

# Tables and footnotes are what council texts use; "extra" would add costly inline patterns.
_EXTENSIONS = ["tables", "footnotes", "sane_lists"]
# A footnote's back link is titled in the language of the texts (German); its ids are
# "fn-1", "fnref-1" (render_markdown puts the text's name between: "fn-finance-1").
_EXTENSION_CONFIGS = {"footnotes": {"BACKLINK_TITLE": "Zurück zum Text (Fußnote %d)",
                                    "SEPARATOR": "-"}}
# Text that Markdown turns into nothing but paragraphs: no markup character, no line that
# could start a list, quote, heading, rule or code block. It skips the Markdown run.
_PLAIN = re.compile(r"[^*_`\[\]<>&#|\\!~=\t]*")
_BLOCK_START = re.compile(r"^(?:[ \t]|\d+[.)]|[-+>])", re.MULTILINE)
_HEADING = re.compile(r"^(?:#|[=-]+\s*$)", re.MULTILINE)
# The ids Markdown gives (headings' anchors, footnotes') are marked with this attribute in
# its tree, which raw HTML is not part of; after sanitising, an id without it came from
# raw HTML and is dropped: no text takes an id of the page ("inhalt") nor an anchor of its
# own (<h2 id="abschnitt-x"> beside "## X"). Drawn anew in each process, no text can write
# it; it sorts after "id", as the serialiser orders attributes: <h2 id="…" own…="">.
_OWN = f"own{secrets.token_hex(8)}"
# No images (they would load from elsewhere), no h1 (the page has its own), nothing obsolete,
# no time or bdo (valid only with a value no council text gives: their text stays).
_TAGS = nh3.ALLOWED_TAGS - {
    "img", "map", "area", "h1", "center", "tt", "acronym", "strike", "font", "big", "time",
    "bdo",
}
_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ins": {"cite", "datetime"},
    "del": {"cite", "datetime"},
    "ol": {"start", "reversed"},
    "th": {"colspan", "rowspan", "scope"},  # no headers: a text's th has no id to name
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    **{f"h{n}": {"id", _OWN} for n in range(2, 7)},
}
# A text with footnotes keeps their ids on list items and superscripts, and the values of
# the attributes above that raw HTML gives are checked (see _checked): the filter costs a
# call per attribute, so only such texts pay it.
_ATTRIBUTES_WITH_NOTES = {**_ATTRIBUTES, "li": {"id", _OWN}, "sup": {"id", _OWN}}
_RAW_VALUES = re.compile(r"<[A-Za-z][^>]*?\s(?:start|reversed|colspan|rowspan|span|scope|"
                         r"datetime|cite)\s*=", re.IGNORECASE)
# What HTML allows of each (start="abc", colspan="0", scope="bogus" are errors)
_VALUES = {
    "start": re.compile(r"-?\d{1,9}"),
    "colspan": re.compile(r"[1-9]\d{0,2}"),
    "span": re.compile(r"[1-9]\d{0,2}"),
    "rowspan": re.compile(r"\d{1,4}"),
    "scope": re.compile(r"row|col|rowgroup|colgroup"),
    "cite": re.compile(r"(?:https?://|[^:\s]*(?:[/?#]|$))[^\s]*"),  # no other scheme, no space
    "datetime": re.compile(r"(\d{4}-\d\d-\d\d)(?:T\d\d:\d\d(?::\d\d)?(?:Z|[+-]\d\d:\d\d))?"),
}
# A footnote and the place that refers to it: "fn-1" and "fnref-1" (a second reference
# "fnref2-1"); in a text other than the body the text's key comes first ("fn-finance-1").
_FOOTNOTE_ID = re.compile(r"fn(?:ref\d*)?-")
_local = threading.local()
# Every inline pattern of these extensions needs one of these characters (or a line
# break: two spaces before a newline); text with none of them is passed over as it is.
_INLINE_TRIGGER = re.compile(r"[`\\\[!<&*_\x02\x03]|  \n")


class TooComplex(ValueError):
    """Text that Python-Markdown would nest too deeply or take minutes to render."""

    def __init__(self, message: str, line: int = 1, start: str = ""):
        super().__init__(message)
        self.line = line  # of the text, from 1
        self.start = start  # the beginning of the paragraph, to find its line by


# Python-Markdown recurses for each level of lists and quotes (Python's stack gave out at
# about 240 levels, after up to 80 s), and its inline patterns scan the rest of a
# paragraph from each [ ` < * or _ that does not close at once (thousands of them took
# minutes: CommonMark's pathological cases). Text beyond these limits is refused, with
# where; council texts stay far below them, and properly closed marks cost little.
MAX_NESTING = 50
MAX_INLINE_MARKS = 1000
# A line's lead of quote marks, list markers and indentation; only one of MAX_NESTING
# characters or more can nest that deep (each level costs a character, or four spaces).
# Found after a "\n" (searched for fast), not at "^" (tried at every character: 4 x slower).
_DEEP_LEAD = re.compile(r"\n(?:[ \t>]|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))"
                        rf"{{{MAX_NESTING},}}")
_MARK = re.compile(r"(?:>|[-+*]|\d{1,9}[.)])[ \t]?")  # a level, with the space after it
_INLINE_MARKS = "[`<*_"
# What the inline patterns match at once and then copy the paragraph for, each time (50,000
# "&amp;" in one paragraph took 11 s, 100,000 "&nbsp;" 140 s): entities, escapes, breaks.
_INLINE_MATCHES = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z0-9]+);|\\.|  \n")


# Python-Markdown finds raw HTML with html.parser, which scans from each tag start to the
# next ">" (a thousand unclosed "<a" in a line took seconds), and the sanitiser slows
# down with thousands of open tags.
MAX_TAGS = 20_000
MAX_TAG_SCAN = 20_000_000  # characters scanned for the ends of tags
_TAG_START = re.compile(r"<[A-Za-z!/?]")


def _check_html(text: str) -> None:
    starts = [m.start() for m in _TAG_START.finditer(text)]
    if len(starts) > MAX_TAGS:
        raise TooComplex(f"text with {len(starts):,} HTML tags, more than Markdown can render "
                         f"in reasonable time (at most {MAX_TAGS:,})")
    ends = [m.start() for m in re.finditer(">", text)] if starts else []
    scanned = 0
    for start in starts:
        after = bisect.bisect(ends, start)
        scanned += (ends[after] if after < len(ends) else len(text)) - start
        if scanned > MAX_TAG_SCAN:
            first = next(s for s in starts if bisect.bisect(ends, s) == after)
            raise TooComplex("text with many '<' that do not close with '>', more than "
                             "Markdown can render in reasonable time: write '&lt;' for them",
                             text.count("\n", 0, first) + 1)


# Python-Markdown's heading and rule processors take one line of a block (lines without a
# blank one between) and put the rest back, which the next line's processors scan again
# (the table's splits it whole): a block of 8,000 rules ("***") took 3.6 s, the 250,000 of
# a 1 MB text about an hour. The work is that of their count times the block's lines.
MAX_BLOCK_WORK = 20_000_000  # about a second at most
_LINE_TAKEN = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:[-*_][ \t]*){3,}$|=+[ \t]*$)",
                         re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _check_blocks(text: str) -> None:
    taken = len(_LINE_TAKEN.findall(text))
    if taken * (text.count("\n") + 1) <= MAX_BLOCK_WORK:  # most texts: no block can be
        return
    start = 0
    for block in _BLANK_LINE.split(text):
        count, lines = len(_LINE_TAKEN.findall(block)), block.strip("\n").count("\n") + 1
        if count * lines > MAX_BLOCK_WORK:
            first = text.find(block, start)
            raise TooComplex(f"{count:,} headings or rules among {lines:,} lines without a "
                             "blank line, more than Markdown can render in reasonable time: "
                             "put blank lines between them", text.count("\n", 0, first) + 1)
        start += len(block)


def _check_nesting(text: str) -> None:
    for lead in _DEEP_LEAD.finditer(f"\n{text}"):  # a match starts where its line does
        indent, marks = _MARK.subn("", lead[0][1:])
        depth = marks + (indent.count(" ") + 4 * indent.count("\t")) // 4
        if depth > MAX_NESTING:
            raise TooComplex(f"text nested {depth} levels deep (quotes, lists, indentation), "
                             f"more than Markdown can render (at most {MAX_NESTING})",
                             text.count("\n", 0, lead.start()) + 1)


class _InlineProcessor(treeprocessors.InlineProcessor):
    """Python-Markdown's inline step, skipping the ~15 patterns for text none can match,
    and refusing a paragraph with more marks than they can scan in reasonable time."""

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if patternIndex == 0:
            if not _INLINE_TRIGGER.search(data):
                return data
            marks = sum(map(data.count, _INLINE_MARKS))
            if marks <= MAX_INLINE_MARKS:
                marks += sum(1 for _ in _INLINE_MATCHES.finditer(data))
            if marks > MAX_INLINE_MARKS:
                start = data.lstrip().partition("\n")[0][:40]
                raise TooComplex(
                    f"a paragraph has {marks:,} of the marks {' '.join(_INLINE_MARKS)}, "
                    f"entities (&amp;), escapes (\\) and line breaks, more than Markdown "
                    f"can render in reasonable time (at most {MAX_INLINE_MARKS:,}): split it "
                    f"into shorter ones", start=start)
        return super()._InlineProcessor__handleInline(data, patternIndex)


SECTION = "abschnitt"  # heading anchors; section_anchors() puts another language's word


# A heading's anchor as the toc extension writes it; a text other than the body puts its
# key after "abschnitt-" (see render_markdown)
_HEADING_ANCHOR = re.compile(rf'(<h[1-6] id="{SECTION}-)')
# An id that raw HTML gave (<h2 id="inhalt">, <sup id="fnref-1">), without the mark of
# Markdown's own (see _OWN), and that mark
_FOREIGN_ID = re.compile(rf'(<(?:h[2-6]|li|sup)) id="[^"]*"(?! {_OWN}="")|( {_OWN}="")')


class _OwnIds(treeprocessors.Treeprocessor):
    """Marks the ids Markdown gave (see _OWN), once its anchors and footnotes have them."""

    def run(self, root: Any) -> None:
        for element in root.iter():
            if "id" in element.attrib:
                element.set(_OWN, "")


def _heading_id(value: str, separator: str) -> str:
    # Prefixed so a heading in the text never takes an anchor of the page itself.
    return f"{SECTION}-" + (slugify(value) or "x")


def _checked(tag: str, attribute: str, value: str) -> str | None:
    """An attribute as HTML allows it, or None to drop it (nh3's attribute filter): the ids
    a text may set on a list item or superscript (its footnotes'), values as HTML defines
    them."""
    if attribute == "id" and tag in ("li", "sup"):
        return value if _FOOTNOTE_ID.match(value) else None
    if attribute == "reversed":
        return ""
    pattern = _VALUES.get(attribute)
    if pattern is None:
        return value
    match = pattern.fullmatch(value.strip().lower() if attribute == "scope" else value.strip())
    if match is None or (attribute == "datetime" and not _is_date(match[1])):
        return None
    return match[0]


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


_NOTE_LABEL = re.compile(r"[\w.:-]+")  # a footnote's label that is fit for an id and a link


def _valid_note_ids(out: str, separator: str, labels: list[str]) -> str:
    """Footnote ids (and the links to them) with a label unfit for an id, "Anm. 1" or
    "Quelle \"A\"", take the label's slug ("fn-anm-1"), or another, so that ids stay
    unique; Python-Markdown puts the label in as it is, spaces and quotes included."""
    taken = {label for label in labels if _NOTE_LABEL.fullmatch(label)}
    renamed = {}
    for label in labels:
        if label not in taken:
            slug = base = slugify(label) or "x"
            n = 1
            while slug in taken:
                n += 1
                slug = f"{base}-{n}"
            taken.add(slug)
            renamed[label] = slug
    if not renamed:
        return out
    pattern = re.compile(rf'(id="|href="#)(fn(?:ref\d*)?{re.escape(separator)})([^"]*)"')

    def rename(m: re.Match[str]) -> str:
        label = renamed.get(html.unescape(m[3]))
        return m[0] if label is None else f'{m[1]}{m[2]}{label}"'

    return pattern.sub(rename, out)


def _converter(headings: bool) -> tuple[markdown.Markdown, FootnoteExtension]:
    """One converter per thread, with its footnote extension; the one with heading anchors
    only for text with headings."""
    name = "md_toc" if headings else "md"
    made = getattr(_local, name, None)
    if made is None:
        md = markdown.Markdown(
            extensions=[*_EXTENSIONS, "toc"] if headings else _EXTENSIONS,
            extension_configs={
                **_EXTENSION_CONFIGS,
                **({"toc": {"slugify": _heading_id, "permalink": False}} if headings else {}),
            },
            output_format="html",
        )
        md.treeprocessors.register(_InlineProcessor(md), "inline", 20)
        md.treeprocessors.register(_OwnIds(md), "own_ids", 1)  # after toc (5)
        notes = next(e for e in md.registeredExtensions if isinstance(e, FootnoteExtension))
        made = md, notes
        setattr(_local, name, made)
    return made


def _plain_paragraphs(text: str) -> str | None:
    """The HTML Markdown would make of plain text, or None when the text is not plain."""
    if not _PLAIN.fullmatch(text) or _BLOCK_START.search(text) or "  \n" in text:
        return None
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip("\n"))]
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def _renumber_headings(out: str, top: int) -> str:
    """The text's heading levels, in order, become ``top``, ``top + 1``, … (at most h6),
    and no heading is more than one level below the one before it.

    Authors start at ``#`` or at ``##``, and may go from ``##`` to ``####``: either way
    the page's outline skips no level.
    """
    used = sorted({int(m[2]) for m in _HEADING_TAG.finditer(out)})
    level = {old: min(top + i, 6) for i, old in enumerate(used)}
    last = top - 1

    def renumbered(m: re.Match[str]) -> str:
        nonlocal last
        if m[1]:  # a closing tag: as its opening one
            return f"</h{last}"
        last = min(level[int(m[2])], last + 1)
        return f"<h{last}"

    return _HEADING_TAG.sub(renumbered, out)


def render_markdown(text: str, *, shift_headings: int = 1, notes: str = "") -> Markup:
    """Markdown to sanitised HTML; headings move down so the page keeps one ``h1``.

    ``notes`` names the text among those on one page, in its footnotes' and headings' ids
    ("fn-finance-1", "abschnitt-finance-kosten"): each text numbers its footnotes from 1,
    and two texts may have a heading of the same name.
    Raises TooComplex for text Markdown would nest too deeply or take minutes to render.
    """
    if not text or not text.strip():
        return Markup("")
    plain = _plain_paragraphs(text)
    if plain is not None:
        return Markup(_units_kept(plain))
    _check_nesting(text)
    _check_html(text)
    _check_blocks(text)
    md, footnotes = _converter(bool(_HEADING.search(text)))
    separator = f"-{notes}-" if notes else "-"
    footnotes.setConfig("SEPARATOR", separator)
    try:
        out = md.reset().convert(text)
    except (RecursionError, TooComplex) as e:
        _local.__dict__.clear()  # a conversion cut short leaves state behind: new converters
        if isinstance(e, RecursionError):  # nesting the check does not see: no traceback
            raise TooComplex("text nested too deeply for Markdown to render") from None
        if e.start and (found := text.find(e.start)) >= 0:
            e.line = text.count("\n", 0, found) + 1
        raise
    if shift_headings:
        out = _renumber_headings(out, 1 + shift_headings)
    if notes and "<h" in out:  # "Begründung" in the decision and in the body: two anchors
        out = _HEADING_ANCHOR.sub(rf"\g<1>{notes}-", out)
    allowed: dict[str, Any] = {"attributes": _ATTRIBUTES}
    if '<div class="footnote">' in out:
        out = _valid_note_ids(out, separator, list(footnotes.footnotes))
        allowed = {"attributes": _ATTRIBUTES_WITH_NOTES, "attribute_filter": _checked}
    elif _RAW_VALUES.search(text):
        allowed = {"attributes": _ATTRIBUTES, "attribute_filter": _checked}
    clean = nh3.clean(out, tags=_TAGS, link_rel="noopener noreferrer", strip_comments=True,
                      **allowed)
    if ' id="' in clean:
        clean = _FOREIGN_ID.sub(lambda m: m[1] or "", clean)
    if "<a" in clean:
        clean = _LINK.sub(_valid_link, clean)
    if "<table>" in clean:
        clean = _TABLE.sub(_table, clean)
    return Markup(_units_kept(clean))


# The space between a number and its unit: "25.000 €", "12,5 %", "3.000 EUR"
_UNIT_SPACE = re.compile(r"(?<=\d) (?=(?:[%\u20ac]|EUR|Euro)(?!\w))")


def _units_kept(html: str) -> str:
    """A unit on the line of its number: "25.000⏎€" on a phone misreads."""
    if " €" in html or " %" in html or " EUR" in html or " Euro" in html:
        return _UNIT_SPACE.sub("\u00a0", html)
    return html


_TABLE = re.compile(r"<table>.*?</table>", re.S)
_TAG = re.compile(r"(<[^>]*>)")
# A number of two digits or more, with its separators and its unit ("3.585.900,00 €",
# "12,5 %", "2024"), not the digits of a character reference ("&#39;") or of a word ("B85")
_NUMBER = re.compile(r"(?<![\w#&.,])[-+\u2212]?\d(?:[\d.,\u00a0\u202f]*\d)?"
                     r"(?:[ \u00a0\u202f]?[%\u20ac])?(?![\w])")


def _table(table: re.Match[str]) -> str:
    """A text's table whose numbers keep their line (a cell's words may break anywhere, so
    that a table fits a phone: "110.4⏎00,00 €" misread an amount), focusable, so that a
    table wider than the screen still scrolls by keyboard (axe:
    scrollable-region-focusable)."""
    parts = _TAG.split(table[0])
    for i in range(0, len(parts), 2):  # the text between the tags
        if any(c.isdigit() for c in parts[i]):
            parts[i] = _NUMBER.sub(_number, parts[i])
    return '<table tabindex="0">' + "".join(parts)[len("<table>"):]


def _number(number: re.Match[str]) -> str:
    if len(number[0]) < 2:
        return number[0]
    return f'<span class="num">{number[0]}</span>'


_LINK = re.compile(r"<a( [^>]*)?>")
_LINK_HREF = re.compile(r' href="([^"]*)"')
_REL = ' rel="noopener noreferrer"'
_UNFIT = re.compile(r" |%(?![0-9A-Fa-f]{2})")  # in an address: a space, a lone %


def _valid_link(link: re.Match[str]) -> str:
    """A link as HTML allows it: a link whose address the sanitiser dropped
    (``javascript:…``) keeps no ``rel`` (allowed only with an address), and a space or a
    lone % in an address is escaped (``[Plan](<Plan 50%.pdf>)``: ``Plan%2050%25.pdf``), as
    a browser sends it."""
    attributes = link[1] or ""
    href = _LINK_HREF.search(attributes)
    if href is None:
        return "<a" + attributes.replace(_REL, "") + ">"
    if _UNFIT.search(href[1]):
        escaped = _UNFIT.sub(lambda m: "%20" if m[0] == " " else "%25", href[1])
        attributes = attributes[:href.start(1)] + escaped + attributes[href.end(1):]
    return f"<a{attributes}>"


# An image in Markdown or HTML, which the sanitiser drops (see _TAGS)
IMAGE = re.compile(r"!\[[^\]\n]*\]\s?[(\[]|<img\b", re.IGNORECASE)
_HREF = re.compile(r'<a href="([^"]*)"')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//")  # https:, mailto:, //host: elsewhere


def local_links(markup: str) -> list[str]:
    """The addresses a sanitised text links to within this site (not "#…" on its page)."""
    return [href for match in _HREF.finditer(str(markup))
            if (href := html.unescape(match[1])) and not href.startswith("#")
            and not _SCHEME.match(href)]


# Where a text's footnotes are (at its end, as Python-Markdown puts them), and a reference
_NOTES_START = re.compile(r'<div>\s*<hr>\s*<ol>\s*<li id="fn-')
_NOTE_REFERENCE = re.compile(r'<sup id="fnref[^"]*"><a [^>]*>[^<]*</a></sup>')


def plain_text(markup: str) -> str:
    """Sanitised HTML to one line of text, without footnotes."""
    text = str(markup)
    if notes := _NOTES_START.search(text):
        text = _NOTE_REFERENCE.sub("", text[:notes.start()])
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def render_inline(text: str, notes: str = "") -> Markup:
    """One line of Markdown (a finance value, a detail) without the paragraph around it."""
    html = str(render_markdown(text, shift_headings=0, notes=notes))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def section_anchors(html: str, word: str) -> Markup:
    """Heading anchors under another address word: ``#section-…`` in an English build."""
    if word == SECTION:
        return Markup(html)
    return Markup(str(html).replace(f' id="{SECTION}-', f' id="{word}-')
                  .replace(f'href="#{SECTION}-', f'href="#{word}-'))
