"""pmap: the same results as a loop, in order, on this process and forked workers."""

from __future__ import annotations

import gc
import os
import time

import pytest

from ratsinfo_site.errors import BuildError, Problem
from ratsinfo_site.parallel import (
    MIN_PER_WORKER,
    chunk_bounds,
    in_child,
    long_lived,
    memory_mb,
    others_mb,
    pmap,
)

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
    # this process works too, beside a worker (which makes way for a fresh one after
    # CHUNKS_PER_WORKER chunks: on a busy machine the first may take that many)
    assert PARENT in pids and len(pids) >= 2
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


def _pid_after_reports(send) -> int:
    send("read", 1, 2)
    send("read", 2, 2)
    return os.getpid()


def test_in_child_runs_elsewhere_and_forwards_its_reports() -> None:
    reports: list[tuple[str, int, int]] = []
    pid = in_child(_pid_after_reports, lambda *args: reports.append(args))
    assert pid != PARENT
    assert reports == [("read", 1, 2), ("read", 2, 2)]


def _memory_of_others(send) -> tuple[float, float | None]:
    return others_mb(), memory_mb(os.getppid())


def test_a_build_child_counts_the_memory_of_the_process_waiting_for_it() -> None:
    """Both are the build's: a memory budget counts them together."""
    assert others_mb() == 0
    theirs, parent = in_child(_memory_of_others)
    assert parent is not None and parent > 10 and theirs == pytest.approx(parent, rel=0.2)


def _bad_input(send) -> None:
    raise BuildError([Problem("content/resolutions/a.md", 3, "date: not a date")])


def test_in_child_raises_a_build_error_here_with_every_problem() -> None:
    with pytest.raises(BuildError) as caught:
        in_child(_bad_input)
    assert [str(p) for p in caught.value.problems] == \
        ["content/resolutions/a.md:3: date: not a date"]


def _bug(send) -> None:
    raise KeyError("missing")


def test_in_child_raises_another_error_with_where_it_happened() -> None:
    with pytest.raises(KeyError) as caught:
        in_child(_bug)
    assert any("_bug" in note for note in caught.value.__notes__)  # the child's traceback


def _dies(send) -> None:
    os._exit(3)


def test_in_child_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(RuntimeError, match="ended without its result .exit code 3."):
        in_child(_dies)


def test_long_lived_objects_stay_out_of_the_collectors_way_until_the_end() -> None:
    """A build keeps its records and pages from the collector's full passes; the workers
    it forks meanwhile must not give them back to it (pmap froze and unfroze all)."""
    assert gc.get_freeze_count() == 0
    with long_lived() as keep:
        records = [{"n": n} for n in range(10_000)]
        keep()
        assert gc.get_freeze_count() >= len(records)
        assert pmap(lambda x: x * 2, list(range(4 * MIN_PER_WORKER)), jobs=2)[-1] == \
            2 * (4 * MIN_PER_WORKER - 1)
        assert gc.get_freeze_count() >= len(records)  # pmap unfroze everything: 0
    assert gc.get_freeze_count() == 0



def test_chunks_cover_every_item_once_and_grow_smaller_at_the_end() -> None:
    for count in (1, 63, 128, 1000, 10_007):
        bounds = chunk_bounds(count, 2)
        assert [i for start, end in bounds for i in range(start, end)] == list(range(count))
    sizes = [end - start for start, end in chunk_bounds(10_000, 2)]
    assert sizes[0] == 10_000 // 32 and sizes[-1] < sizes[0] // 8  # the last ones small
    assert sizes == sorted(sizes, reverse=True)


def _note_workers(job: tuple[int, str]) -> tuple[int, int]:
    """A worker's item is quick and leaves its pid; this process's is slow and counts them."""
    _, folder = job
    if os.getpid() != PARENT:
        open(os.path.join(folder, str(os.getpid())), "w").close()
        return os.getpid(), 0
    time.sleep(0.02)
    return PARENT, len(os.listdir(folder))


def test_a_worker_that_made_way_is_replaced_while_this_process_works_its_chunk(
        tmp_path) -> None:
    """A worker ends after CHUNKS_PER_WORKER chunks' worth of items; its successor must
    start at once, not when this process has finished its own chunk (a core idle meanwhile:
    up to 2.5 s at each change while reading 10,000 files)."""
    items = [(n, str(tmp_path)) for n in range(64 * 32)]
    results = pmap(_note_workers, items, jobs=2)
    first = [i for i, (pid, _) in enumerate(results) if pid == PARENT][0]
    own_chunk = next(end for start, end in chunk_bounds(len(items), 2) if start <= first < end)
    seen = [workers for pid, workers in results[first:own_chunk]]
    assert max(seen) >= 2  # a second worker ran while this process was in its first chunk
