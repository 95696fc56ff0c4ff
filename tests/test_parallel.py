"""pmap: the same results as a loop, in order, on this process and forked workers."""

from __future__ import annotations

import os
import time

import pytest

from ratsinfo_site.parallel import MIN_PER_WORKER, pmap

PARENT = os.getpid()


def _square_and_pid(x: int) -> tuple[int, int]:
    time.sleep(0.002)  # slow enough that the worker, started after this process, gets chunks
    return x * x, os.getpid()


def test_results_come_in_order_from_this_process_and_a_worker() -> None:
    items = list(range(8 * MIN_PER_WORKER))
    done: list[int] = []
    results = pmap(_square_and_pid, items, jobs=2, progress=done.append)
    assert [square for square, _ in results] == [x * x for x in items]
    pids = {pid for _, pid in results}
    assert len(pids) == 2 and PARENT in pids  # this process works too: one worker for 2 jobs
    assert done == sorted(done) and done[-1] == len(items)


def test_few_items_stay_in_this_process() -> None:
    results = pmap(_square_and_pid, list(range(10)), jobs=2)
    assert results == [(x * x, PARENT) for x in range(10)]


def _fails_at_300(x: int) -> int:
    if x == 300:
        raise ValueError("item 300 is bad")
    return x


def test_an_error_in_a_chunk_is_raised_in_the_caller() -> None:
    with pytest.raises(ValueError, match="item 300 is bad"):
        pmap(_fails_at_300, list(range(8 * MIN_PER_WORKER)), jobs=2)


def _worker_dies(x: int) -> int:
    if os.getpid() != PARENT:
        os._exit(3)  # a worker killed (say, by the kernel for want of memory)
    time.sleep(0.002)
    return x


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(RuntimeError, match="ended without its results"):
        pmap(_worker_dies, list(range(8 * MIN_PER_WORKER)), jobs=2)


def test_workers_make_way_for_fresh_ones_and_every_chunk_comes_back() -> None:
    items = list(range(24 * MIN_PER_WORKER))  # 24 chunks: more than CHUNKS_PER_WORKER
    results = pmap(_square_and_pid, items, jobs=2)
    assert [square for square, _ in results] == [x * x for x in items]
    assert len({pid for _, pid in results} - {PARENT}) >= 2  # more than one worker in turn
