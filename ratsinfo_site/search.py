"""The Pagefind search index of the written pages, built through Pagefind's Python API."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

BUNDLE = "pagefind"


async def _index(site: Path, language: str) -> int:
    config = IndexConfig(output_path=str(site / BUNDLE), force_language=language)
    async with PagefindIndex(config=config) as index:
        # One call for the whole folder: adding files one by one is throttled to ~10/s.
        result = await index.add_directory(str(site))
    return int(result.get("page_count", 0))


def build_search_index(site: Path, language: str) -> int:
    """Index every page with ``data-pagefind-body`` below ``site``; returns the page count."""
    # A thread of its own, so a caller that already runs an event loop can build too.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _index(site, language)).result()
