"""Hostile input: each vector, if it ever ran, would call alert() and set ``window.__xss``.

Used by tests/test_xss.py in every field that reaches a page. Vectors that need more than
one line (Markdown reference links) are only placed in Markdown fields.
"""

from __future__ import annotations

RUN = "alert(window.__xss=1)"

VECTORS: list[str] = [
    # script tags
    f"<script>{RUN}</script>",
    f"<SCRIPT>{RUN}</SCRIPT>",
    f"<script src=\"data:text/javascript,{RUN}\"></script>",
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f"</script><script>{RUN}</script>",
    f"<template><script>{RUN}</script></template>",
    # event handlers that fire without a click
    f"<img src=x onerror={RUN}>",
    f"<img src=\"x\" onerror=\"{RUN}\"/>",
    f"<svg onload={RUN}>",
    f"<body onload={RUN}>",
    f"<input autofocus onfocus={RUN}>",
    f"<details open ontoggle={RUN}>",
    f"<video><source onerror={RUN}></video>",
    f"<marquee onstart={RUN}>x</marquee>",
    f"<style onload={RUN}></style>",
    # javascript:, data:, vbscript: addresses
    f"<a href=\"javascript:{RUN}\">klick</a>",
    f"<a href=\"JaVaScRiPt:{RUN}\">klick</a>",
    f"<a href=\"&#106;avascript:{RUN}\">klick</a>",
    f"<a href=\"jav&#x09;ascript:{RUN}\">klick</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">klick</a>",
    "<a href=\"vbscript:msgbox(1)\">klick</a>",
    f"<iframe src=\"javascript:{RUN}\"></iframe>",
    f"<iframe srcdoc=\"<script>{RUN}</script>\"></iframe>",
    f"<object data=\"javascript:{RUN}\"></object>",
    f"<embed src=\"javascript:{RUN}\">",
    f"<form><button formaction=javascript:{RUN}>x</button></form>",
    f"<base href=\"javascript:{RUN}//\">",
    f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{RUN}\">",
    # SVG and MathML tricks, mutation XSS
    f"<svg><script>{RUN}</script></svg>",
    f"<svg><animate onbegin={RUN} attributeName=x dur=1s>",
    f"<svg><a xlink:href=\"javascript:{RUN}\"><text x=\"20\" y=\"20\">x</text></a></svg>",
    f"<math href=\"javascript:{RUN}\">x</math>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>",
    f"<noscript><p title=\"</noscript><img src=x onerror={RUN}>\">",
    f"<!--<img src=x onerror={RUN}>-->",
    # attribute breaking quotes
    f"\"><script>{RUN}</script>",
    f"' onmouseover='{RUN}' x='",
    f"\" autofocus onfocus=\"{RUN}\" x=\"",
    f"` onmouseover=`{RUN}`",
    # HTML entities that must stay text
    f"&lt;script&gt;{RUN}&lt;/script&gt;",
    f"&#60;img src=x onerror={RUN}&#62;",
    # Markdown link and image tricks
    f"[klick](javascript:{RUN})",
    f"[klick](JAVASCRIPT:{RUN})",
    f"[klick]( javascript:{RUN})",
    f"[klick](<javascript:{RUN}>)",
    f"![bild](javascript:{RUN})",
    f"![bild](x \"onerror={RUN}\")",
    f"[klick](data:text/html,<script>{RUN}</script>)",
    f"<javascript:{RUN}>",
    f"<https://example.org/\" onmouseover=\"{RUN}>",
    f"[klick](https://example.org/\"onmouseover=\"{RUN})",
    # template-like text: must come out as written, never evaluated
    "{{ 7*191 }} {% raw %}{{ range.__init__ }}{% endraw %} ${7*191} #{7*191}",
    # JSON in <script> elements (JSON-LD, the search configuration)
    f"</script><img src=x onerror={RUN}>\u2028\u2029",
    f"<!--<script>{RUN}</script>",
]

# Vectors of more than one line: Markdown fields only (the body, ``resolution``).
MARKDOWN_ONLY: list[str] = [
    f"[klick][ref]\n\n[ref]: javascript:{RUN}",
    f"[klick][ref]\n\n[ref]: data:text/html;base64,PHNjcmlwdD4=\n\n<div>\n<script>{RUN}</script>\n"
    "</div>",
    f"```\n</code><script>{RUN}</script>\n```",
    f"<div markdown=\"1\"><script>{RUN}</script></div>",
]

# 7*191: if any template engine ever evaluated the text above, this would appear.
EVALUATED = "1337"
