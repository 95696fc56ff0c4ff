"""Map a function over many items on all cores (fork), or in this process when that is cheaper."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_WORKER = 64  # below this, starting processes costs more than it saves


def workers() -> int:
    """How many processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


_task: Callable[[Any], Any] | None = None
_items: Sequence[Any] = ()


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _task is not None
    return [_task(item) for item in _items[bounds[0]:bounds[1]]]


Progress = Callable[[int], None]  # called with how many items are done so far


def pmap(function: Callable[[T], R], items: Sequence[T], jobs: int | None = None,
         progress: Progress | None = None) -> list[R]:
    """``[function(x) for x in items]``, spread over forked worker processes.

    The workers inherit ``function``, the items and everything the parent has built
    (copy-on-write), so only index ranges and the results travel between processes.
    """
    global _task, _items
    jobs = jobs or workers()
    size = max(MIN_PER_WORKER, len(items) // (jobs * 16))
    bounds = [(i, i + size) for i in range(0, len(items), size)]
    results: list[list[R]] = []
    if jobs == 1 or len(items) < 2 * MIN_PER_WORKER or "fork" not in \
            multiprocessing.get_all_start_methods():
        for start, stop in bounds:
            results.append([function(item) for item in items[start:stop]])
            if progress:
                progress(sum(map(len, results)))
        return [result for chunk in results for result in chunk]
    _task, _items = function, items
    # Objects made so far go where the collector never visits: the workers' collectors
    # would otherwise write to (and so copy) every page of memory they inherit.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for chunk in pool.imap(_run_chunk, bounds, chunksize=1):
                results.append(chunk)
                if progress:
                    progress(sum(map(len, results)))
    finally:
        _task, _items = None, ()
        gc.unfreeze()
    return [result for chunk in results for result in chunk]
