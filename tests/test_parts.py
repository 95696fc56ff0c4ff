"""Index parts: whole months, as few parts as fit, in date order, stable names."""

from __future__ import annotations

import datetime as dt

import pytest

import ratsinfo_site.parts as parts
from ratsinfo_site.parts import plan_parts


def pages(counts: dict[str, int]) -> list[tuple[dt.date, str]]:
    """``{"2019-03": 3}`` → three pages dated in March 2019."""
    found = []
    for month, n in counts.items():
        year, mon = map(int, month.split("-"))
        found += [(dt.date(year, mon, 1 + i % 28), f"p/{month}-{i:04d}/index.html")
                  for i in range(n)]
    return found


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    monkeypatch.setattr(parts, "MAX_PART_PAGES", 10)


def test_months_are_packed_into_few_parts_in_date_order():
    planned = plan_parts(pages({"2019-01": 4, "2019-02": 4, "2019-03": 4, "2020-05": 5}))
    assert [p.name for p in planned] == ["2019-01-2019-02", "2019-03-2020-05"]
    assert [len(p.pages) for p in planned] == [8, 9]


def test_a_month_too_big_for_one_part_is_cut_by_date():
    planned = plan_parts(pages({"2019-01": 3, "2019-02": 25, "2019-03": 2}))
    assert [p.name for p in planned] == ["2019-01", "2019-02-1", "2019-02-2", "2019-02-3",
                                         "2019-03"]
    assert all(len(p.pages) <= 10 for p in planned)
    assert sum(len(p.pages) for p in planned) == 30


def test_every_page_in_exactly_one_part():
    dated = pages({f"{2015 + i // 12}-{1 + i % 12:02d}": (i * 7) % 13 for i in range(60)})
    planned = plan_parts(dated)
    listed = [page for p in planned for page in p.pages]
    assert sorted(listed) == sorted(page for _, page in dated)
    assert len({p.name for p in planned}) == len(planned)


def test_a_huge_archive_gets_larger_parts_not_more_than_the_scores_can_order(monkeypatch):
    monkeypatch.setattr(parts, "MAX_PARTS", 6)
    planned = plan_parts(pages({f"{2000 + i // 12}-{1 + i % 12:02d}": 9 for i in range(120)}))
    assert len(planned) <= 6  # 1,080 pages in parts of 10 would be 120 parts
    assert sum(len(p.pages) for p in planned) == 1080
    assert [p.name for p in planned] == sorted(p.name for p in planned)  # still in date order
