"""Pagefind's service as the build talks to it: answers as they come, errors raised."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from pagefind.index import IndexConfig

from ratsinfo_site.pagefind_service import QuickService


def run(coroutine):
    """Run ``coroutine`` in a thread of its own (a browser test may run a loop here)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coroutine, 30)).result()


def test_a_page_is_indexed_and_its_files_given_back():
    async def index() -> list[str]:
        async with QuickService() as service:
            index = await service.create_index(IndexConfig(force_language="de"))
            await index.add_html_file(url="/a/", content=(
                '<html lang="de"><body><main data-pagefind-body><h1>Kreistag</h1>'
                "<p>Haushaltssatzung beschlossen.</p></main></body></html>"))
            return [file["path"] for file in await index.get_files()]

    paths = run(index())
    assert "pagefind-entry.json" in paths
    assert sum(path.startswith("fragment/") for path in paths) == 1


def test_an_error_of_pagefind_is_raised():
    async def index() -> None:
        async with QuickService() as service:
            index = await service.create_index(IndexConfig(force_language="de"))
            await index.add_html_file(content="<html>")  # neither an address nor a file

    with pytest.raises(Exception, match="source_path or url"):
        run(index())


def test_pagefind_ending_unasked_fails_the_request_that_waits_for_it():
    """(The library's service waits forever then.)"""
    async def index() -> None:
        async with QuickService() as service:
            index = await service.create_index(IndexConfig(force_language="de"))
            service._backend.kill()
            await index.get_files()

    with pytest.raises(RuntimeError, match="Pagefind's service ended"):
        run(index())
