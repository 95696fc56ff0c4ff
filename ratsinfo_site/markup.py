"""Markdown text to sanitised HTML."""

from __future__ import annotations

import html
import re
import threading

import markdown
import nh3
from markdown import treeprocessors
from markupsafe import Markup

from ratsinfo_site.slugs import slugify

# Tables and footnotes are what council texts use; "extra" would add costly inline patterns.
_EXTENSIONS = ["tables", "footnotes", "sane_lists"]
# Text that Markdown turns into nothing but paragraphs: no markup character, no line that
# could start a list, quote, heading, rule or code block. It skips the Markdown run.
_PLAIN = re.compile(r"[^*_`\[\]<>&#|\\!~=\t]*")
_BLOCK_START = re.compile(r"^(?:[ \t]|\d+[.)]|[-+>])", re.MULTILINE)
_HEADING = re.compile(r"^(?:#|[=-]+\s*$)", re.MULTILINE)
# No images (they would load from elsewhere), no h1 (the page has its own), nothing obsolete.
_TAGS = nh3.ALLOWED_TAGS - {
    "img", "map", "area", "h1", "center", "tt", "acronym", "strike", "font", "big",
}
_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ins": {"cite", "datetime"},
    "del": {"cite", "datetime"},
    "time": {"datetime"},
    "ol": {"start", "reversed"},
    "th": {"colspan", "rowspan", "scope", "headers"},
    "td": {"colspan", "rowspan", "headers"},
    "col": {"span"},
    "colgroup": {"span"},
    "bdo": {"dir"},
    **{f"h{n}": {"id"} for n in range(2, 7)},
}
_local = threading.local()
# Every inline pattern of these extensions needs one of these characters (or a line
# break: two spaces before a newline); text with none of them is passed over as it is.
_INLINE_TRIGGER = re.compile(r"[`\\\[!<&*_\x02\x03]|  \n")


class _InlineProcessor(treeprocessors.InlineProcessor):
    """Python-Markdown's inline step, skipping the ~15 patterns for text none can match."""

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if patternIndex == 0 and not _INLINE_TRIGGER.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


SECTION = "abschnitt"  # heading anchors; section_anchors() puts another language's word


def _heading_id(value: str, separator: str) -> str:
    # Prefixed so a heading in the text never takes an anchor of the page itself.
    return f"{SECTION}-" + (slugify(value) or "x")


def _converter(headings: bool) -> markdown.Markdown:
    """One converter per thread; the one with heading anchors only for text with headings."""
    name = "md_toc" if headings else "md"
    md = getattr(_local, name, None)
    if md is None:
        md = markdown.Markdown(
            extensions=[*_EXTENSIONS, "toc"] if headings else _EXTENSIONS,
            extension_configs={"toc": {"slugify": _heading_id, "permalink": False}}
            if headings else {},
            output_format="html",
        )
        md.treeprocessors.register(_InlineProcessor(md), "inline", 20)
        setattr(_local, name, md)
    return md


def _plain_paragraphs(text: str) -> str | None:
    """The HTML Markdown would make of plain text, or None when the text is not plain."""
    if not _PLAIN.fullmatch(text) or _BLOCK_START.search(text) or "  \n" in text:
        return None
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip("\n"))]
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def _renumber_headings(out: str, top: int) -> str:
    """The text's heading levels, in order, become ``top``, ``top + 1``, … (at most h6).

    Authors start at ``#`` or at ``##``: either way the page's outline skips no level.
    """
    used = sorted({int(m[2]) for m in _HEADING_TAG.finditer(out)})
    level = {old: min(top + i, 6) for i, old in enumerate(used)}
    return _HEADING_TAG.sub(lambda m: f"<{m[1]}h{level[int(m[2])]}", out)


def render_markdown(text: str, *, shift_headings: int = 1) -> Markup:
    """Markdown to sanitised HTML; headings move down so the page keeps one ``h1``."""
    if not text or not text.strip():
        return Markup("")
    plain = _plain_paragraphs(text)
    if plain is not None:
        return Markup(plain)
    md = _converter(bool(_HEADING.search(text)))
    out = md.reset().convert(text)
    if shift_headings:
        out = _renumber_headings(out, 1 + shift_headings)
    clean = nh3.clean(out, tags=_TAGS, attributes=_ATTRIBUTES, link_rel="noopener noreferrer",
                      strip_comments=True)
    return Markup(clean)


def plain_text(markup: str) -> str:
    """Sanitised HTML to one line of text."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", str(markup))).split())


def render_inline(text: str) -> Markup:
    """One line of Markdown (a finance value, a detail) without the paragraph around it."""
    html = str(render_markdown(text, shift_headings=0))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def section_anchors(html: str, word: str) -> Markup:
    """Heading anchors under another address word: ``#section-…`` in an English build."""
    if word == SECTION:
        return Markup(html)
    return Markup(str(html).replace(f' id="{SECTION}-', f' id="{word}-')
                  .replace(f'href="#{SECTION}-', f'href="#{word}-'))
