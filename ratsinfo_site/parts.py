"""How the search index is split: parts by date, so Pagefind's memory stays bounded.

Pagefind's memory grows with the pages of one index (about 0.4 MB a page), and every
part the browser searches costs it the part's metadata (~10 KB at 1,000 pages) and an
index chunk (~7 KB, see chunks.py) per query word. So the
indexed pages (resolutions and sessions) are cut by date into parts of whole months,
oldest first, a part closed when the next month would not fit ``MAX_PART_PAGES``. The
browser searches the parts in date order, only as many as it needs for the results on
screen (see theme/static/search.js); a part whose pages did not change is reused as it is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

MAX_PART_PAGES = 1000
# Each part's scores are scaled by 2**(BITS * k), so that a date-sorted search over all
# parts comes out in global date order (see search.js). Positions stay below 2**BITS
# (with the sentinel) up to 4,094 pages a part, and the scores within a float's range
# (2**1023) up to MAX_PARTS parts: a larger archive gets larger parts.
BITS = 12
MAX_PARTS = 80


@dataclass(frozen=True)
class Part:
    """One index part: pages of one date range, oldest part first."""

    name: str
    pages: tuple[str, ...]  # output paths of the pages, e.g. beschluesse/x/index.html


def _name(first: tuple[int, int], last: tuple[int, int]) -> str:
    """``2019-03``, or ``2019-03-2020-08`` for a range of months."""
    name = f"{first[0]}-{first[1]:02d}"
    return name if first == last else f"{name}-{last[0]}-{last[1]:02d}"


def plan_parts(dated_pages: list[tuple[dt.date, str]]) -> list[Part]:
    """Split the indexed pages into parts of whole months, oldest first.

    A month with more pages than a part holds is cut by date into pieces (``2019-03-1``,
    ``2019-03-2``, …). Parts hold ``MAX_PART_PAGES`` pages, or twice, four times … as
    many where that would give more than ``MAX_PARTS`` parts.
    """
    size = MAX_PART_PAGES
    while len(parts := _pack(dated_pages, size)) > MAX_PARTS:
        size *= 2
    return parts


def _pack(dated_pages: list[tuple[dt.date, str]], size: int) -> list[Part]:
    by_month: dict[tuple[int, int], list[tuple[dt.date, str]]] = defaultdict(list)
    for date, page in dated_pages:
        by_month[(date.year, date.month)].append((date, page))
    parts: list[Part] = []
    group: list[tuple[int, int]] = []

    def close() -> None:
        if group:
            pages = sorted(page for month in group for _, page in by_month[month])
            parts.append(Part(_name(group[0], group[-1]), tuple(pages)))
            group.clear()

    for month in sorted(by_month):
        pages = by_month[month]
        if len(pages) > size:
            close()
            ordered = sorted(pages)
            for n, start in enumerate(range(0, len(ordered), size), 1):
                piece = ordered[start:start + size]
                parts.append(Part(f"{_name(month, month)}-{n}", tuple(sorted(p for _, p in piece))))
            continue
        if sum(len(by_month[m]) for m in group) + len(pages) > size:
            close()
        group.append(month)
    close()
    return parts
