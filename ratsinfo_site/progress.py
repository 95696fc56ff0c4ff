"""A build's progress as it reports it (stage, items done, items in all), and its stage times."""

from __future__ import annotations

import time
from collections.abc import Callable

from ratsinfo_site.parallel import Progress

Report = Callable[[str, int, int], None]  # stage, items done, items in all


class Clock:
    """Seconds per stage, for the summary line and the benchmark."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 3)
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.start


def stage(report: Report | None, name: str, total: int) -> Progress | None:
    """The progress of one stage as ``report`` takes it (None without ``report``)."""
    return (lambda done: report(name, done, total)) if report else None
