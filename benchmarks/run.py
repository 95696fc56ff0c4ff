"""Speed and memory at scale: ratsinfo-site against the floor, Pelican and Hugo.

    benchmarks/setup.sh
    benchmarks/.venv/bin/python benchmarks/run.py [--sizes 1000,10000,50000] [--runs 3]
                                                  [--peers pelican,hugo] [--no-floor]
                                                  [--out DIR]

For each size N it generates an archive (benchmarks/generate.py, kept in --out between
runs) and measures, as medians of --runs: a cold build (search index included), a no-op
rebuild, a rebuild after editing one resolution (in a new output folder, as on a CI
runner) and the next one (in the output before last, as every later local build), and
peak memory (the sum over all processes of a run, Pagefind included, as PSS: a page that
forked workers share counts once; sampled every 50 ms); then the floor (front matter
+ Python-Markdown in 2 processes, plus Pagefind indexing exactly the resolution pages as
one directory) and the peers (Pelican + Pagefind, Hugo + Pagefind) on the same corpus.
Runs are interleaved (ours, floor, peers; again), so a shared machine that slows down for
a while slows every contender alike.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from peers import to_hugo, to_pelican  # noqa: E402

PY = sys.executable


def pss(process: psutil.Process) -> int:
    """Proportional set size in bytes (shared pages divided among their processes)."""
    try:
        with open(f"/proc/{process.pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return process.memory_info().rss


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds and peak memory (MB, PSS summed over the process tree) of one command."""
    # stderr goes to a file, not a pipe: a full pipe would block the measured command
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0
        while process.poll() is None:
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(pss(p) for p in tree if p.is_running()))
            except psutil.Error:
                pass
            with contextlib.suppress(psutil.TimeoutExpired, subprocess.TimeoutExpired):
                process.wait(0.05)  # returns as soon as the command ends
        seconds = time.perf_counter() - started
        if process.returncode:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode()[-4000:]}")
    return seconds, peak / 2**20


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def ours(root: Path) -> dict[str, tuple[float, float]]:
    """One cold build, one no-op rebuild and two rebuilds after editing one resolution: the
    first makes a new output folder, the second updates the output before last (as every
    later one does; see write.py)."""
    build = [PY, "-m", "ratsinfo_site", "build", "--quiet"]
    files = sorted((root / "content" / "resolutions").rglob("*.md"))
    target = files[len(files) // 2]
    original = target.read_text(encoding="utf-8")
    for name in ("public", ".ratsinfo-cache"):
        shutil.rmtree(root / name, ignore_errors=True)
    for spare in root.glob(".public.*"):  # the output before last (see write.py)
        shutil.rmtree(spare, ignore_errors=True)
    cold = measure(build, root)
    noop = measure(build, root)
    target.write_text(original + "\nErgänzung: geänderter Satz.\n", encoding="utf-8")
    edit = measure(build, root)
    # another text (back to the original would find everything in the output before last)
    target.write_text(original + "\nErgänzung: noch ein geänderter Satz.\n", encoding="utf-8")
    again = measure(build, root)
    target.write_text(original, encoding="utf-8")
    measure(build, root)
    return {"cold": cold, "noop": noop, "edit": edit, "next_edit": again}


def pagefind_run(pages: Path) -> tuple[float, float]:
    shutil.rmtree(pages / "pagefind", ignore_errors=True)
    return measure([PY, str(HERE / "floor.py"), "pagefind", str(pages)], pages)


def floor(root: Path, work: Path) -> tuple[float, float]:
    """Front matter + Markdown in 2 processes, then Pagefind on the resolution pages."""
    md = measure([PY, str(HERE / "floor.py"), "markdown", str(root / "content")], root)
    pages = work / "floor-pages"
    if not pages.is_dir():
        shutil.copytree(root / "public" / "beschluesse", pages / "beschluesse",
                        ignore=shutil.ignore_patterns("seite"))
    pf = pagefind_run(pages)
    return md[0] + pf[0], max(md[1], pf[1])


def peer(name: str, root: Path, work: Path) -> tuple[float, float]:
    """The peer's generator on the converted corpus, then Pagefind on its output."""
    site = work / name
    out = site / "output"
    if name == "pelican":
        settings, convert = "pelicanconf.py", to_pelican
        command = [PY, "-m", "pelican", "content", "-o", str(out), "-s", settings, "-q"]
    else:
        settings, convert = "config.toml", to_hugo
        command = ["hugo", "--quiet", "-s", str(site), "-d", str(out)]
    if not (site / settings).exists():  # converted once per size (see size())
        shutil.rmtree(site, ignore_errors=True)
        convert(root / "content", site)
    shutil.rmtree(out, ignore_errors=True)
    gen = measure(command, site)
    pf = pagefind_run(out)
    return gen[0] + pf[0], max(gen[1], pf[1])


def size(n: int, args: argparse.Namespace) -> dict[str, tuple[float, float]]:
    """Every measurement of one size, in rounds: a round runs each contender once, so a
    machine that slows down for a while (shared hosts do) slows all of them alike."""
    root = args.out / f"g{n}"
    if not (root / "content").is_dir():
        subprocess.run([PY, str(HERE / "generate.py"), str(n), str(root)], check=True,
                       stdout=subprocess.DEVNULL)
    for stale in ("floor-pages", "pelican", "hugo"):  # made again from this corpus
        shutil.rmtree(args.out / stale, ignore_errors=True)
    runs: dict[str, list[tuple[float, float]]] = {}
    for _ in range(args.runs):
        for key, value in ours(root).items():
            runs.setdefault(key, []).append(value)
        if args.floor:
            runs.setdefault("floor", []).append(floor(root, args.out))
        for name in filter(None, args.peers.split(",")):
            runs.setdefault(name, []).append(peer(name, root, args.out))
    return {key: median(values) for key, values in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers", default="pelican,hugo")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--floor", action=argparse.BooleanOptionalAction, default=True,
                        help="measure the floor (its one Pagefind index of 50,000 pages "
                             "needs about 20 GB)")
    args = parser.parse_args()
    results = {}
    for n in [int(x) for x in args.sizes.split(",")]:
        results[n] = size(n, args)
        print(json.dumps({n: results[n]}), flush=True)
    print()
    print("| N | cold s | per 1k s | no-op s | one edit s | next edit s | peak MB | floor s "
          "| ours/floor | Pelican+PF s | ours/Pelican | Hugo+PF s | ours/Hugo |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n, row in results.items():
        cold = row["cold"][0]
        cells = [f"{n:,}", f"{cold:.1f}", f"{cold / n * 1000:.2f}", f"{row['noop'][0]:.2f}",
                 f"{row['edit'][0]:.2f}", f"{row['next_edit'][0]:.2f}",
                 f"{max(row[k][1] for k in ('cold', 'noop', 'edit', 'next_edit')):.0f}"]
        for name in ("floor", "pelican", "hugo"):
            if name in row:
                cells += [f"{row[name][0]:.1f}", f"{cold / row[name][0]:.2f}"]
            else:
                cells += ["–", "–"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
