"""Map a function over many items on all cores (fork), or in this process when that is cheaper."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_WORKER = 64  # below this, starting processes costs more than it saves
# A worker copies, page by page, the parent's memory it touches (reference counts are
# writes) and keeps what it copied: after this many chunks (of 32 or so) it makes way for
# a fresh one, forked from the parent with the parent's caches as they are by then.
CHUNKS_PER_WORKER = 4


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


def _claim(counter: Any, chunks: int) -> int | None:
    """The index of the next chunk nobody has taken yet, or None when all are taken."""
    with counter.get_lock():
        index = counter.value
        if index >= chunks:
            return None
        counter.value = index + 1
    return index


def _work(counter: Any, results: Any, bounds: list[tuple[int, int]]) -> None:
    """A forked worker: take chunks (at most CHUNKS_PER_WORKER), send back their results."""
    for _ in range(CHUNKS_PER_WORKER):
        if (index := _claim(counter, len(bounds))) is None:
            break
        try:
            results.put((index, _run_chunk(bounds[index]), None))
        except BaseException as exc:  # raised again in the parent
            try:
                pickle.dumps(exc)
            except Exception:
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            results.put((index, None, exc))
            break
    results.put(None)  # this worker is done


Progress = Callable[[int], None]  # called with how many items are done so far


def pmap(function: Callable[[T], R], items: Sequence[T], jobs: int | None = None,
         progress: Progress | None = None) -> list[R]:
    """``[function(x) for x in items]``, spread over this process and forked workers.

    The workers inherit ``function``, the items and everything the parent has built
    (copy-on-write), so only chunk numbers and the results travel between processes.
    This process works through chunks too, so ``jobs`` cores need ``jobs - 1`` workers:
    a worker copies what it touches (reference counts are writes), one fewer saves its
    share; and a worker makes way for a fresh one after CHUNKS_PER_WORKER chunks.
    """
    global _task, _items
    jobs = jobs or workers()
    size = max(MIN_PER_WORKER, len(items) // (jobs * 16))
    bounds = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    chunks: list[list[R] | None] = [None] * len(bounds)
    done = 0

    def finished(index: int, result: list[R]) -> None:
        nonlocal done
        chunks[index] = result
        done += len(result)
        if progress:
            progress(done)

    _task, _items = function, items
    if jobs == 1 or len(items) < 2 * MIN_PER_WORKER or "fork" not in \
            multiprocessing.get_all_start_methods():
        try:
            for index, span in enumerate(bounds):
                finished(index, _run_chunk(span))
        finally:
            _task, _items = None, ()
        return [result for chunk in chunks for result in chunk or ()]
    context = multiprocessing.get_context("fork")
    counter, results = context.Value("i", 0), context.Queue()
    # Objects made so far go where the collector never visits: the workers' collectors
    # would otherwise write to (and so copy) every page of memory they inherit.
    gc.freeze()
    helpers: list[Any] = []

    def start_helper() -> None:
        helper = context.Process(target=_work, args=(counter, results, bounds), daemon=True)
        helper.start()
        helpers.append(helper)

    try:
        for _ in range(jobs - 1):
            start_helper()
        running = len(helpers)

        def receive(block: bool) -> None:
            nonlocal running
            message = results.get(timeout=1) if block else results.get_nowait()
            if message is None:  # a worker is done: a fresh one while chunks are left
                if counter.value < len(bounds):
                    start_helper()
                else:
                    running -= 1
                return
            index, result, exc = message
            if exc is not None:
                raise exc
            finished(index, result)

        while (index := _claim(counter, len(bounds))) is not None:
            finished(index, _run_chunk(bounds[index]))
            while True:  # what the workers have sent meanwhile
                try:
                    receive(block=False)
                except queue.Empty:
                    break
        while running:
            try:
                receive(block=True)
            except queue.Empty:
                if not any(helper.is_alive() for helper in helpers) and \
                        results.empty():
                    raise RuntimeError("a worker process ended without its results") from None
    finally:
        for helper in helpers:
            if helper.is_alive():
                helper.terminate()
            helper.join()
        results.close()
        _task, _items = None, ()
        gc.unfreeze()
    return [result for chunk in chunks for result in chunk or ()]
