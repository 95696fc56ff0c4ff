"""How the search index is split: parts by date, so Pagefind's memory stays bounded.

Pagefind's memory grows with the pages of one index (about 0.4 MB a page), and every
part costs the browser an index chunk (about 30 KB) per query word. So the indexed pages
(resolutions and sessions) are cut by date into as few parts as fit ``MAX_PART_PAGES``:
whole months, oldest first, a part closed when the next month would not fit. The browser
merges the parts (see theme/static/search.js); a part whose pages did not change is
reused as it is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

MAX_PART_PAGES = 2500  # with the sentinel, positions stay below 2**BITS
# Each part's scores are scaled by 2**(BITS * k), so that a date-sorted search over all
# parts comes out in global date order (see search.js). Positions stay below 2**BITS.
BITS = 12


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

    A month with more than ``MAX_PART_PAGES`` pages alone is cut by date into pieces
    (``2019-03-1``, ``2019-03-2``, …).
    """
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
        if len(pages) > MAX_PART_PAGES:
            close()
            ordered = sorted(pages)
            for n, start in enumerate(range(0, len(ordered), MAX_PART_PAGES), 1):
                piece = ordered[start:start + MAX_PART_PAGES]
                parts.append(Part(f"{_name(month, month)}-{n}", tuple(sorted(p for _, p in piece))))
            continue
        if sum(len(by_month[m]) for m in group) + len(pages) > MAX_PART_PAGES:
            close()
        group.append(month)
    close()
    return parts
