"""Markdown text to sanitised HTML."""

from __future__ import annotations

import threading

import markdown
import nh3
from markupsafe import Markup

from ratsinfo_site.slugs import slugify

_EXTENSIONS = ["extra", "sane_lists", "toc"]
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


def _heading_id(value: str, separator: str) -> str:
    # Prefixed so a heading in the text never takes an anchor of the page itself.
    return "abschnitt-" + (slugify(value) or "x")


def _converter() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(
            extensions=_EXTENSIONS,
            extension_configs={"toc": {"slugify": _heading_id, "permalink": False}},
            output_format="html",
        )
        _local.md = md
    return md


def render_markdown(text: str, *, shift_headings: int = 1) -> Markup:
    """Markdown to sanitised HTML; headings move down so the page keeps one ``h1``."""
    if not text or not text.strip():
        return Markup("")
    md = _converter()
    html = md.reset().convert(text)
    if shift_headings:
        for level in range(6, 0, -1):
            new = min(level + shift_headings, 6)
            html = html.replace(f"<h{level}", f"<h{new}").replace(f"</h{level}>", f"</h{new}>")
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, link_rel="noopener noreferrer",
                      strip_comments=True)
    return Markup(clean)


def render_inline(text: str) -> Markup:
    """One line of Markdown (a finance value, a detail) without the paragraph around it."""
    html = str(render_markdown(text, shift_headings=0))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
