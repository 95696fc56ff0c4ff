"""Map a function over many items on all cores (fork), or in this process when that is cheaper."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_WORKER = 64  # below this, starting processes costs more than it saves
# A worker copies, page by page, the parent's memory it touches (reference counts are
# writes) and keeps what it copied: after this many chunks' worth of items (a chunk is
# 1/32 of them or so) it makes way for a fresh one, forked from the parent with the
# parent's caches as they are by then.
CHUNKS_PER_WORKER = 4
# This process works through chunks too; between its items, at most this often, it takes
# what the workers sent and forks a fresh worker for one that made way. (Once after each
# of its chunks left a core idle for up to a chunk's time at each such change: the
# stages of a 10,000 build took 1.16-1.23 x as long as their work on 2 cores.)
POLL_SECONDS = 0.01


# The build's peak memory, all its processes (the speed issue asks for at most 1 GB).
MEMORY_BUDGET_MB = 950


def memory_mb(pid: int | str = "self", field: str = "VmRSS") -> float | None:
    """A process's resident memory (``VmHWM``: its peak) in MB; None if it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    return None


_waiting: int | None = None  # in a build's child (see in_child): the process waiting for it


def others_mb() -> float:
    """What the build's process that waits for this one holds (see in_child); 0 where
    this process is not such a child."""
    return (memory_mb(_waiting) or 0) if _waiting is not None else 0


def workers() -> int:
    """How many processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


_task: Callable[[Any], Any] | None = None
_items: Sequence[Any] = ()


def _run_chunk(bounds: tuple[int, int], between: Callable[[], None] | None = None
               ) -> list[Any]:
    """The results of one chunk; ``between()``, where given, after each item."""
    assert _task is not None
    if between is None:
        return [_task(item) for item in _items[bounds[0]:bounds[1]]]
    results = []
    for item in _items[bounds[0]:bounds[1]]:
        results.append(_task(item))
        between()
    return results


def chunk_bounds(count: int, jobs: int) -> list[tuple[int, int]]:
    """(start, end) of each chunk: 1/(16 x jobs) of the items, then ever smaller ones for
    the last quarter or so (guided scheduling), so that the processes end together rather
    than one core waiting while another works through a whole last chunk."""
    size = max(MIN_PER_WORKER, count // (jobs * 16))
    least = max(1, size // 16)
    bounds, start = [], 0
    while start < count:
        step = max(least, min(size, (count - start) // (jobs * 4)))
        bounds.append((start, min(start + step, count)))
        start += step
    return bounds


def _claim(counter: Any, chunks: int) -> int | None:
    """The index of the next chunk nobody has taken yet, or None when all are taken."""
    with counter.get_lock():
        index = counter.value
        if index >= chunks:
            return None
        counter.value = index + 1
    return index


def _sendable(exc: BaseException) -> BaseException:
    """``exc`` if it pickles, else a RuntimeError that says what it was."""
    try:
        pickle.dumps(exc)
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _work(counter: Any, results: Any, bounds: list[tuple[int, int]]) -> None:
    """A forked worker: take chunks (CHUNKS_PER_WORKER first chunks' worth of items at
    most), send back their results.

    Ctrl-C is the parent's to handle: it ends the workers (no traceback from each)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    allowance = CHUNKS_PER_WORKER * (bounds[0][1] - bounds[0][0])
    while allowance > 0 and (index := _claim(counter, len(bounds))) is not None:
        start, end = bounds[index]
        allowance -= end - start
        try:
            results.put((index, _run_chunk(bounds[index]), None))
        except BaseException as exc:  # raised again in the parent
            results.put((index, None, _sendable(exc)))
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
    bounds = chunk_bounds(len(items), jobs)
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
    # would otherwise write to (and so copy) every page of memory they inherit. (Where
    # the caller froze them already, they stay so: see long_lived.)
    frozen = gc.get_freeze_count() > 0
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

        polled = time.monotonic()

        def between() -> None:  # what the workers have sent meanwhile
            nonlocal polled
            if time.monotonic() - polled < POLL_SECONDS:
                return
            while True:
                try:
                    receive(block=False)
                except queue.Empty:
                    break
            polled = time.monotonic()

        while (index := _claim(counter, len(bounds))) is not None:
            finished(index, _run_chunk(bounds[index], between))
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
        if not frozen:
            gc.unfreeze()
    return [result for chunk in chunks for result in chunk or ()]


@contextlib.contextmanager
def long_lived() -> Iterator[Callable[[], None]]:
    """A stretch of work that makes millions of objects that live to its end (records,
    the archive, pages): ``keep()`` puts those made so far where the collector's full
    passes never visit them again (a build of one edit of 10,000 resolutions in one
    process: 12.0 → 10.9 s, medians of 5); at the end the collector has them back."""
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()



# How long a child that was interrupted too may take to clean up after itself.
CHILD_CLEANUP_SECONDS = 30.0


def in_child(function: Callable[[Callable[..., None] | None], R],
             report: Callable[..., None] | None = None) -> R:
    """``function(send)`` in a forked process; its result (or exception) comes back pickled.

    All the memory the child used goes back to the system when it ends, which memory
    freed in this process would not (Python keeps its arenas while any object lives in
    them). ``send(*args)`` in the child calls ``report(*args)`` here (None without
    ``report``). Without fork, ``function`` runs in this process.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return function(report)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # Not a daemon: the child forks workers of its own (see pmap).
    child = context.Process(target=_child, args=(function, sender, report is not None))
    child.start()
    sender.close()
    try:
        while True:
            try:
                kind, value = receiver.recv()
            except EOFError:
                child.join()
                raise RuntimeError(f"a build process ended without its result "
                                   f"(exit code {child.exitcode})") from None
            if kind == "report":
                assert report is not None
                report(*value)
            elif kind == "result":
                return value
            else:
                raise value
    finally:
        receiver.close()
        child.join(CHILD_CLEANUP_SECONDS)  # interrupted (Ctrl-C reaches both): it cleans up
        if child.is_alive():
            child.terminate()
            child.join()


def _child(function: Callable[[Callable[..., None] | None], Any], sender: Any,
           reporting: bool) -> None:
    global _waiting
    _waiting = os.getppid()
    lock = threading.Lock()  # stages may report from two threads (see make._index_meanwhile)

    def send(*args: Any) -> None:
        with lock:
            sender.send(("report", args))

    try:
        sender.send(("result", function(send if reporting else None)))
    except KeyboardInterrupt:  # Ctrl-C reached the parent too, which reports it
        pass
    except BaseException as exc:
        exc.add_note("in a build process:\n" + "".join(traceback.format_exc()))
        sender.send(("error", _sendable(exc)))
    finally:
        sender.close()
