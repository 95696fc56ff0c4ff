"""How the search index is split: parts by date, so Pagefind's memory stays bounded.

Pagefind's memory grows with the pages of one index, so the indexed pages (resolutions
and sessions) are split by date into parts of at most ``MAX_PART_PAGES`` pages: a year,
or its half-years, quarters or months when the year is larger. The browser merges the
parts (see theme/static/search.js); a part whose pages did not change is reused as is.
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


def _split(name: str, dated: list[tuple[dt.date, str]]) -> list[Part]:
    """A year as one part, or split by half-year, quarter or month until the parts fit."""
    if len(dated) <= MAX_PART_PAGES:
        return [Part(name, tuple(sorted(p for _, p in dated)))]
    for label, key in (("h", lambda d: (d.month - 1) // 6 + 1),
                       ("q", lambda d: (d.month - 1) // 3 + 1),
                       ("m", lambda d: d.month)):
        groups: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
        for date, page in dated:
            groups[key(date)].append((date, page))
        if label == "m" or max(len(g) for g in groups.values()) <= MAX_PART_PAGES:
            return [Part(f"{name}-{label}{k:02d}", tuple(sorted(p for _, p in groups[k])))
                    for k in sorted(groups)]
    raise AssertionError("unreachable")


def plan_parts(dated_pages: list[tuple[dt.date, str]]) -> list[Part]:
    """Split the indexed pages into parts by date, oldest first.

    Consecutive small years share a part ("2015-2017"), as every part costs the browser
    a request or two per query; a year above ``MAX_PART_PAGES`` is split by ``_split``.
    """
    by_year: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for date, page in dated_pages:
        by_year[date.year].append((date, page))
    parts: list[Part] = []
    group: list[int] = []

    def close() -> None:
        if group:
            name = str(group[0]) if len(group) == 1 else f"{group[0]}-{group[-1]}"
            parts.extend(_split(name, [p for year in group for p in by_year[year]]))
            group.clear()

    for year in sorted(by_year):
        if sum(len(by_year[y]) for y in group) + len(by_year[year]) > MAX_PART_PAGES:
            close()
        group.append(year)
    close()
    return parts


