"""The progress bar on a terminal and the summary line; only warnings with --quiet.

A large build reads and renders in a child process, whose progress reaches the terminal
through this one (parallel.in_child): both kinds of build are run on a terminal (a pty).
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, Site, copy_example

LARGE = ("import ratsinfo_site.build as b; b.LARGE_BUILD = 1; "
         "from ratsinfo_site.cli import main; raise SystemExit(main(['build', *{args}]))")


def on_terminal(root: Path, large: bool, *args: str) -> str:
    """What ``ratsinfo-site build`` shows on a terminal (stdout and stderr are the pty)."""
    command = ["-c", LARGE.format(args=list(args))] if large else \
        ["-m", "ratsinfo_site", "build", *args]
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, *command], cwd=root, stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=follower,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the build ended: the terminal is closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=300) == 0, shown.decode()
    return shown.decode()


@pytest.mark.parametrize("large", [False, True], ids=["in this process", "in a child"])
def test_a_build_on_a_terminal_shows_its_stages_then_one_summary(tmp_path: Path,
                                                                 large: bool):
    root = copy_example(tmp_path / "site").root
    shown = on_terminal(root, large)
    bars = re.findall(r"\r(\w+) +\[([#.]{24})\] (\d+)/(\d+)", shown)
    stages = [stage for stage, *_ in bars]
    assert {"read", "render", "data", "search"} <= set(stages)
    assert stages.index("read") < stages.index("render") < stages.index("data") \
        < stages.index("search")
    finished = {stage for stage, bar, done, total in bars if done == total and "." not in bar}
    assert {"read", "render", "search"} <= finished
    assert "Traceback" not in shown
    summary = shown.rstrip().splitlines()[-1]
    assert re.search(r"\d+ Beschlüsse, \d+ Sitzungen, \d+ Themen in [\d.]+ s "
                     r"\(\d+ von \d+ Seiten neu erstellt\) → .*public$", summary), summary


def test_quiet_shows_only_the_warnings(tmp_path: Path):
    root = copy_example(tmp_path / "site").root
    shown = on_terminal(root, True, "--quiet")
    assert shown.splitlines() and all(": warning: " in line for line in shown.splitlines())



@pytest.mark.parametrize("language,count,expected", [
    ("de", 1, "1 Beschluss, 1 Sitzung, 1 Thema in "),
    ("de", 2, "2 Beschlüsse, 2 Sitzungen, 2 Themen in "),
    ("en", 1, "1 resolution, 1 session, 1 topic in "),
])
def test_the_summary_counts_one_in_the_singular(site: Site, capsys, language, count,
                                                 expected):
    """A council's first build said "1 Beschlüsse, 1 Sitzungen, 1 Themen"."""
    site.write("site.toml", f'language = "{language}"\n')
    for n in range(1, count + 1):
        site.simple(f"r{n}", f"2024/{n}", extra=f"""\
            topics: [Thema {n}]
            consultations:
              - {{committee: Kreistag, date: 2024-02-0{n}, result: angenommen}}
            """)
    site.simple("secret", "2024/9", public=False, extra="topics: [Geheim]\n")
    run = site.run("build", capsys=capsys)
    assert run.code == 0 and run.out.startswith(expected), run.out
