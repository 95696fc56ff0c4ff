"""Problems found in the input: errors stop the build, warnings do not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

_ONE_LINE = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, reported as ``path:line: message``."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        # one problem, one line: a line break inside a quoted value is shown escaped
        return f"{self.path}:{self.line}: {kind}{self.message}".translate(_ONE_LINE)


def warning(path: str, line: int, message: str) -> Problem:
    """A problem that does not stop the build."""
    return Problem(path, line, message, warning=True)


class BuildError(Exception):
    """Raised when the input has errors; carries every problem of the run."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[BuildError], tuple[list[Problem]]]:
        return type(self), (self.problems,)  # whole from a child process (parallel.in_child)


class ToolError(Exception):
    """A program the build runs (Pagefind) is missing or failed: one line for the user."""


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop the build."""
    return [p for p in problems if not p.warning]
