"""Speed and memory at scale: ratsinfo-site against the floor, Pelican and Hugo.

    benchmarks/setup.sh
    benchmarks/.venv/bin/python benchmarks/run.py [--sizes 1000,10000,50000] [--runs 3]
                                                  [--peers pelican,hugo] [--no-floor]
                                                  [--out DIR]

For each size N it generates an archive (benchmarks/generate.py, kept in --out between
runs) and measures, as medians of --runs: a cold build (search index included), a no-op
rebuild, a rebuild after editing one resolution, and peak memory (the sum over all
processes of a run, Pagefind included, as PSS: a page that forked workers share counts
once; sampled every 50 ms); then the floor (front matter
+ Python-Markdown in 2 processes, plus Pagefind indexing exactly the resolution pages as
one directory) and the peers (Pelican + Pagefind, Hugo + Pagefind) on the same corpus.
"""

from __future__ import annotations

import argparse
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
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        if process.returncode:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode()[-4000:]}")
    return seconds, peak / 2**20


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def ours(root: Path, runs: int) -> dict[str, tuple[float, float]]:
    build = [PY, "-m", "ratsinfo_site", "build", "--quiet"]
    cold, noop, edit = [], [], []
    target = sorted((root / "content" / "resolutions").rglob("*.md"))[len(
        list((root / "content" / "resolutions").rglob("*.md"))) // 2]
    original = target.read_text(encoding="utf-8")
    for run in range(runs):
        for name in ("public", ".ratsinfo-cache"):
            shutil.rmtree(root / name, ignore_errors=True)
        cold.append(measure(build, root))
        noop.append(measure(build, root))
        target.write_text(original + f"\nErgänzung Nummer {run}: geänderter Satz.\n",
                          encoding="utf-8")
        edit.append(measure(build, root))
    target.write_text(original, encoding="utf-8")
    measure(build, root)
    return {"cold": median(cold), "noop": median(noop), "edit": median(edit)}


def pagefind_run(pages: Path, runs: int) -> list[tuple[float, float]]:
    results = []
    for _ in range(runs):
        shutil.rmtree(pages / "pagefind", ignore_errors=True)
        results.append(measure([PY, str(HERE / "floor.py"), "pagefind", str(pages)], pages))
    return results


def floor(root: Path, work: Path, runs: int) -> tuple[float, float]:
    md = [measure([PY, str(HERE / "floor.py"), "markdown", str(root / "content")], root)
          for _ in range(runs)]
    pages = work / "floor-pages"
    shutil.rmtree(pages, ignore_errors=True)
    shutil.copytree(root / "public" / "beschluesse", pages / "beschluesse",
                    ignore=shutil.ignore_patterns("seite"))
    pf = pagefind_run(pages, runs)
    return median(md)[0] + median(pf)[0], max(median(md)[1], median(pf)[1])


def peer(name: str, root: Path, work: Path, runs: int) -> tuple[float, float]:
    site = work / name
    shutil.rmtree(site, ignore_errors=True)
    out = site / "output"
    if name == "pelican":
        to_pelican(root / "content", site)
        command = [PY, "-m", "pelican", "content", "-o", str(out), "-s", "pelicanconf.py",
                   "-q"]
    else:
        to_hugo(root / "content", site)
        command = ["hugo", "--quiet", "-s", str(site), "-d", str(out)]
    gen = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        gen.append(measure(command, site))
    pf = pagefind_run(out, runs)
    return median(gen)[0] + median(pf)[0], max(median(gen)[1], median(pf)[1])


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
        root = args.out / f"g{n}"
        if not (root / "content").is_dir():
            subprocess.run([PY, str(HERE / "generate.py"), str(n), str(root)], check=True,
                           stdout=subprocess.DEVNULL)
        row = ours(root, args.runs)
        if args.floor:
            row["floor"] = floor(root, args.out, args.runs)
        for name in filter(None, args.peers.split(",")):
            row[name] = peer(name, root, args.out, args.runs)
        results[n] = row
        print(json.dumps({n: row}), flush=True)
    print()
    print("| N | cold s | per 1k s | no-op s | one edit s | peak MB | floor s | ours/floor "
          "| Pelican+PF s | ours/Pelican | Hugo+PF s | ours/Hugo |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n, row in results.items():
        cold = row["cold"][0]
        cells = [f"{n:,}", f"{cold:.1f}", f"{cold / n * 1000:.2f}", f"{row['noop'][0]:.2f}",
                 f"{row['edit'][0]:.2f}", f"{row['cold'][1]:.0f}"]
        for name in ("floor", "pelican", "hugo"):
            if name in row:
                cells += [f"{row[name][0]:.1f}", f"{cold / row[name][0]:.2f}"]
            else:
                cells += ["–", "–"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
