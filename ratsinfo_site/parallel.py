"""Map a function over many items on all cores (fork), or in this process when that is cheaper."""

from __future__ import annotations

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


def _run_chunk(chunk: Sequence[Any]) -> list[Any]:
    assert _task is not None
    return [_task(item) for item in chunk]


Progress = Callable[[int], None]  # called with how many items are done so far


def pmap(function: Callable[[T], R], items: Sequence[T], jobs: int | None = None,
         progress: Progress | None = None) -> list[R]:
    """``[function(x) for x in items]``, spread over forked worker processes.

    The workers inherit ``function`` and everything the parent has built (copy-on-write),
    so only the items and the results travel between processes.
    """
    global _task
    jobs = jobs or workers()
    size = max(MIN_PER_WORKER, len(items) // (jobs * 16))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    results: list[list[R]] = []
    if jobs == 1 or len(items) < 2 * MIN_PER_WORKER or "fork" not in \
            multiprocessing.get_all_start_methods():
        for chunk in chunks:
            results.append([function(item) for item in chunk])
            if progress:
                progress(sum(map(len, results)))
        return [result for chunk in results for result in chunk]
    _task = function
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for chunk in pool.imap(_run_chunk, chunks, chunksize=1):
                results.append(chunk)
                if progress:
                    progress(sum(map(len, results)))
    finally:
        _task = None
    return [result for chunk in results for result in chunk]
