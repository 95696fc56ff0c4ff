"""Markdown: the shortcut for text without inline markup gives what Python-Markdown gives."""

from __future__ import annotations

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

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
