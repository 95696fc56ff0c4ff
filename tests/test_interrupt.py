"""A build killed half-way (SIGKILL) leaves the previous public/ exactly as it was.

``python -m ratsinfo_site build`` runs as a process of its own on a generated archive of 300
resolutions, with a third of them edited since the last build; it is killed at a given
moment of its work. Then public/ must be byte for byte the previous output, and the next
build must succeed, remove the stale temporary folder and give what a build from scratch
gives (byte for byte, but for the names Pagefind gives its index files).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import REPO, checksums, ctrl_c_as_on_a_terminal

RESOLUTIONS = 300
MOMENTS = {
    # moment of the build: how to tell, from the temporary folder, that it has come
    "the temporary folder was just made": lambda temp: True,
    "pages are being written": lambda temp: any((temp / "beschluesse").glob("*/index.html")),
    "the search index is being built": lambda temp: (temp / "pagefind").is_dir(),
}


def generator():
    spec = importlib.util.spec_from_file_location("ratsinfo_generate",
                                                  REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ``build`` as a large archive builds: reading and rendering in a child process.
AS_LARGE = ("import ratsinfo_site.build as b; b.LARGE_BUILD = 1; "
            "from ratsinfo_site.cli import main; raise SystemExit(main(['build', '--quiet']))")


def ratsinfo(root: Path, large: bool = False, **kwargs) -> subprocess.Popen:
    """``python -m ratsinfo_site build`` in ``root``, in a process group of its own."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = ["-c", AS_LARGE] if large else ["-m", "ratsinfo_site", "build", "--quiet"]
    return subprocess.Popen([sys.executable, *command],
                            cwd=root, env=env, start_new_session=True,
                            preexec_fn=ctrl_c_as_on_a_terminal,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            **kwargs)


def build(root: Path) -> None:
    process = ratsinfo(root)
    _, err = process.communicate()
    assert process.returncode == 0, err
    assert "Traceback" not in err


def edit(root: Path) -> None:
    """Change the text of every third resolution, so the next build renders those again."""
    for n, path in enumerate(sorted((root / "content" / "resolutions").rglob("*.md"))):
        if n % 3 == 0:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write("\nNachtrag: Der Beschluss wurde am Folgetag bekannt gemacht.\n")


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated archive of 300 resolutions, built twice: public/ is the previous output,
    .public.spare the one before, which the next build brings up to date (see write.py)."""
    root = tmp_path_factory.mktemp("interrupt") / "site"
    generator().generate(RESOLUTIONS, root)
    build(root)
    first = sorted((root / "content" / "resolutions").rglob("*.md"))[1]
    first.write_text(first.read_text("utf-8") + "\nNachtrag.\n", "utf-8")
    build(root)
    assert (root / ".public.spare").is_dir()
    return root


def output(public: Path) -> dict[str, object]:
    """Every file's checksum; for Pagefind's bundle (whose file names and entry hash differ
    from run to run) the parts and how many pages each indexes."""
    found: dict[str, object] = {}
    for path, digest in checksums(public).items():
        if not path.startswith("pagefind/"):
            found[path] = digest
        elif path.endswith("/pagefind-entry.json"):
            entry = json.loads((public / path).read_text("utf-8"))
            found[path] = {lang: data["page_count"] for lang, data in entry["languages"].items()}
    return found


@pytest.fixture(scope="module")
def from_scratch(previous: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """What a build of the edited archive gives without any earlier output or cache."""
    root = tmp_path_factory.mktemp("scratch") / "site"
    shutil.copytree(previous / "content", root / "content")
    shutil.copy(previous / "site.toml", root / "site.toml")
    edit(root)
    build(root)
    return output(root / "public")


def kill_when(root: Path, moment: str, folder: str = ".public.tmp-*",
              large: bool = False, sig: int = signal.SIGKILL) -> Path:
    """Start a build, kill it and its workers with SIGKILL at ``moment``; the temp folder.

    With ``sig`` SIGINT, as Ctrl-C on a terminal does: the build ends by itself."""
    process = ratsinfo(root, large)
    try:
        while True:
            temps = list(root.glob(folder))
            if temps and MOMENTS[moment](temps[0]):
                os.killpg(process.pid, sig)
                if sig == signal.SIGINT:
                    _, err = process.communicate(timeout=60)
                    assert process.returncode == 130, err
                    assert "Traceback" not in err, err
                    assert err.strip() == "Interrupted; the output folder was not changed."
                    return temps[0]
                break
            if process.poll() is not None:
                pytest.fail(f"the build ended before {moment}: {process.stderr.read()}")
            time.sleep(0.002)
    finally:
        if process.poll() is None:  # the test failed: leave no build running
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    return temps[0]


def moved(previous: Path, root: Path) -> Path:
    """A copy of the previous site at ``root``, its cache saying so."""
    # Not .public.old-*: an untrusted spare, deleted in the background.
    shutil.copytree(previous, root, symlinks=True,
                    ignore=shutil.ignore_patterns(".public.old-*", ".public.tmp-*"))
    for name in ("outputs.json", "inputs.json", "spare.json"):  # the same site, moved
        cached = root / ".ratsinfo-cache" / name
        cached.write_text(cached.read_text("utf-8").replace(json.dumps(str(previous))[1:-1],
                                                            json.dumps(str(root))[1:-1]))
    return root


@pytest.mark.parametrize(("moment", "large"), [
    *((moment, False) for moment in MOMENTS),
    # a large build renders in a child process and hands the output folder back
    ("pages are being written", True), ("the search index is being built", True)])
def test_killed_build_leaves_the_previous_output_and_the_next_build_recovers(
        previous: Path, from_scratch: dict[str, object], tmp_path: Path, moment: str,
        large: bool):
    root = moved(previous, tmp_path / "site")
    before = checksums(root / "public")
    edit(root)

    stale = kill_when(root, moment, large=large)

    assert stale.is_dir()  # the killed build had no chance to clean up
    assert not (root / ".public.spare").exists()  # it was working in the spare
    assert checksums(root / "public") == before
    build(root)
    assert not list(root.glob(".public.tmp-*")), "a stale temporary folder was left"
    assert output(root / "public") == from_scratch


def test_a_build_killed_while_copying_the_live_output_loses_nothing(
        previous: Path, from_scratch: dict[str, object], tmp_path: Path):
    """Without an output before last (a CI runner), the build copies public/ while it reads
    (see write.OutputClone); killed then, public/ is as it was and the next build recovers."""
    root = moved(previous, tmp_path / "site")
    (root / ".ratsinfo-cache" / "spare.json").unlink()
    before = checksums(root / "public")
    edit(root)
    stale = kill_when(root, "the temporary folder was just made", ".public.clone-*")
    assert stale.is_dir()
    assert checksums(root / "public") == before
    build(root)
    assert not list(root.glob(".public.clone-*")), "a stale copy was left"
    assert output(root / "public") == from_scratch


def test_a_build_killed_between_the_two_renames_of_the_swap_loses_no_output(site, capsys):
    site.simple("r", "2021/1", "Haushaltssatzung")
    assert site.run("build", capsys=capsys).code == 0
    before = checksums(site.public)
    # The state a SIGKILL right after os.replace(public, .public.old-<pid>) leaves behind.
    site.public.rename(site.root / ".public.old-4242")
    (site.root / ".public.tmp-4242" / "beschluesse").mkdir(parents=True)
    site.write("content/resolutions/bad.md", "---\nreference: 2021.10\n---\n")
    assert site.run("build", capsys=capsys).code == 1
    assert site.public.is_dir() and checksums(site.public) == before


@pytest.mark.parametrize("moment", ["pages are being written",
                                    "the search index is being built"])
def test_ctrl_c_ends_a_build_with_one_line_and_the_output_as_it_was(
        previous: Path, tmp_path: Path, moment: str):
    """SIGINT to the build's process group (Ctrl-C), its child and workers included: a
    line saying so, no traceback from any process, exit status 130, public/ unchanged."""
    root = moved(previous, tmp_path / "site")
    before = checksums(root / "public")
    edit(root)
    kill_when(root, moment, large=True, sig=signal.SIGINT)
    assert checksums(root / "public") == before
    build(root)
    assert not list(root.glob(".public.tmp-*"))  # what it left half-made is gone


def test_ctrl_c_while_the_live_output_is_copied_leaves_no_copy(previous: Path, tmp_path: Path):
    """The copy is made by a process of its own (see write.OutputClone): Ctrl-C ends the
    build with one line and no traceback from it, and no copy is left."""
    root = moved(previous, tmp_path / "site")
    (root / ".ratsinfo-cache" / "spare.json").unlink()
    before = checksums(root / "public")
    edit(root)
    kill_when(root, "the temporary folder was just made", ".public.clone-*", large=True,
              sig=signal.SIGINT)
    assert checksums(root / "public") == before
    assert not list(root.glob(".public.clone-*"))
    build(root)
    assert not list(root.glob(".public.clone-*"))
