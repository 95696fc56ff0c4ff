"""pmap: the same results as a loop, in order, on this process and forked workers."""

from __future__ import annotations

import os

import pytest

from ratsinfo_site.parallel import MIN_PER_WORKER, pmap

PARENT = os.getpid()


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_results_come_in_order_from_this_process_and_a_worker() -> None:
    items = list(range(40 * MIN_PER_WORKER))
    done: list[int] = []
    results = pmap(_square_and_pid, items, jobs=2, progress=done.append)
    assert [square for square, _ in results] == [x * x for x in items]
    pids = {pid for _, pid in results}
    assert len(pids) == 2 and PARENT in pids  # this process works too: one worker for 2 jobs
    assert done == sorted(done) and done[-1] == len(items)


def test_few_items_stay_in_this_process() -> None:
    results = pmap(_square_and_pid, list(range(10)), jobs=2)
    assert results == [(x * x, PARENT) for x in range(10)]


def _fails_at_1000(x: int) -> int:
    if x == 1000:
        raise ValueError("item 1000 is bad")
    return x


def test_an_error_in_a_chunk_is_raised_in_the_caller() -> None:
    with pytest.raises(ValueError, match="item 1000 is bad"):
        pmap(_fails_at_1000, list(range(40 * MIN_PER_WORKER)), jobs=2)


def _worker_dies(x: int) -> int:
    if os.getpid() != PARENT:
        os._exit(3)  # a worker killed (say, by the kernel for want of memory)
    return x


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(RuntimeError, match="ended without its results"):
        pmap(_worker_dies, list(range(40 * MIN_PER_WORKER)), jobs=2)
