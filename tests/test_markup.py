"""Markdown: the inline shortcut changes nothing; text past the limits is refused."""

from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratsinfo_site import markup
from ratsinfo_site.markup import _EXTENSIONS, _converter

# Words, markup characters, line ends and indentation, mixed at random.
PIECES = st.sampled_from(["Kreistag", "beschließt", " ", "  ", "\n", "\n\n", "*", "_", "`",
                          "[", "]", "(", ")", "!", "<", ">", "&", "#", "\\", "-", "1.",
                          "|", "[^1]", "[^1]: Fußnote", "<b>", "&amp;", "  \n", "https://x.de",
                          "<https://x.de>", "a@b.de", "    ", "\t", ":", "~"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_inline_shortcut_changes_nothing(text: str):
    stock = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    assert _converter(False).reset().convert(text) == stock.convert(text)


def test_plain_text_with_a_line_break_keeps_it():
    html = _converter(False).reset().convert("Erste Zeile  \nzweite Zeile")
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
