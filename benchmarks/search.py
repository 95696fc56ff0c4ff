"""Search benchmark: index build time, index size, and what a browser downloads per query.

    python benchmarks/search.py [--sizes example,10000] [--runs 3]

For each archive (the repository's example archive, and archives written by
benchmarks/generate.py), this builds the site once, times Pagefind indexing of the
written pages (median of --runs), measures the bundle on disk, then serves the site on
localhost and reads the browser's network log (Debian's chromium through Playwright)
while the search page answers one typical query.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ratsinfo_site.build import CACHE  # noqa: E402
from ratsinfo_site.config import load_config  # noqa: E402
from ratsinfo_site.i18n import catalogue  # noqa: E402
from ratsinfo_site.make import read_archive  # noqa: E402
from ratsinfo_site.pages import index_parts  # noqa: E402
from ratsinfo_site.search import BUNDLE, build_search_index  # noqa: E402
from ratsinfo_site.urls import Urls  # noqa: E402
from tests.helpers import serve  # noqa: E402

QUERIES = {"example": ["Integration", "Kreislaufwirtschaftsplan"],
           "generated": ["Haushaltssatzung", "Breitbandausbau", "Schulentwicklungsplanung"]}


def site_root(size: str, work: Path) -> Path:
    """A site root: the example archive, or a generated one of ``size`` resolutions."""
    if size == "example":
        root = work / "example"
        shutil.copytree(REPO / "content", root / "content")
        shutil.copytree(REPO / "layouts", root / "layouts")
        shutil.copy(REPO / "site.toml", root / "site.toml")
        return root
    root = work / f"g{size}"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), size, str(root)],
                   check=True, stdout=subprocess.DEVNULL)
    return root


def build(root: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ratsinfo_site", "build", "--quiet"], cwd=root,
                   check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def index_seconds(root: Path, public: Path, runs: int) -> float:
    """Median time of indexing the written pages once more, in parts (into a scratch folder)."""
    with contextlib.chdir(root):
        config = load_config()
    archive, _ = read_archive(config, root / CACHE, save=False)
    t = catalogue(config.language)
    parts = index_parts(archive, Urls.for_site(config, t))
    times = []
    for _ in range(runs):
        scratch = Path(tempfile.mkdtemp(dir=public.parent))
        shutil.copytree(public, scratch / "site", ignore=shutil.ignore_patterns(BUNDLE))
        started = time.perf_counter()
        build_search_index(scratch / "site", "de", parts)
        times.append(time.perf_counter() - started)
        shutil.rmtree(scratch)
    return statistics.median(times)


def bundle_size(public: Path) -> tuple[int, int]:
    files = [p for p in (public / BUNDLE).rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


PHONE, DESKTOP = {"width": 375, "height": 800}, {"width": 1280, "height": 900}
# how the query is looked at: the screen, and whether the reader opens the filter box
VIEWS = {"phone": (PHONE, False), "desktop": (DESKTOP, False),
         "desktop, filters opened": (DESKTOP, True)}


def query_bytes(public: Path, query: str, base_path: str = "/",
                view: str = "phone") -> tuple[int, int, int, dict[str, int]]:
    """Bytes the browser downloads from /pagefind/ for one query on a fresh page.

    JavaScript and JSON count gzip-compressed, as GitHub Pages sends them (the word map
    of word_map.py is JSON); Pagefind's index files
    are compressed already and the WebAssembly counts as it is. The filter box starts
    closed; opened, it loads every part and its filter chunks, for exact counts.
    Returns (all bundle bytes, of which the code and wasm, results shown, bytes by kind).
    """
    from playwright.sync_api import sync_playwright

    with serve(public, base_path) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-background-networking"])
        viewport, open_filters = VIEWS[view]
        page = browser.new_page(viewport=viewport)
        sizes: dict[str, int] = {}

        def record(response) -> None:
            if f"/{BUNDLE}/" in response.url:
                with contextlib.suppress(Exception):
                    body = response.body()
                    sizes[response.url] = len(gzip.compress(body) if response.url.endswith(
                        (".js", ".json")) else body)

        page.on("response", record)
        page.goto(f"{base}suche/?q={quote(query)}")
        page.wait_for_function("() => /Treffer|results/.test("
                               "document.getElementById('search-status').textContent)",
                               timeout=120000)
        page.wait_for_load_state("networkidle")
        if open_filters and page.locator("#search-filter-box").is_visible():
            page.click("#search-filter-box summary")
            page.wait_for_selector("#search-filters input[type=checkbox]", timeout=120000)
            page.wait_for_load_state("networkidle")
        found = page.eval_on_selector_all("#search-results > li", "items => items.length")
        browser.close()
    code = sum(n for url, n in sizes.items() if url.endswith((".js", ".pagefind")))
    kinds: dict[str, int] = {}
    for url, n in sizes.items():
        kind = url.split("?")[0].rsplit(".", 1)[-1]
        kinds[kind] = kinds.get(kind, 0) + n
    return sum(sizes.values()), code, found, kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="example,10000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ratsinfo-bench-"))
    rows = []
    try:
        for size in args.sizes.split(","):
            root = site_root(size, work)
            seconds = build(root)
            public = root / "public"
            index = index_seconds(root, public, args.runs)
            size_bytes, files = bundle_size(public)
            kind = "example" if size == "example" else "generated"
            for query in QUERIES[kind]:
                with contextlib.chdir(root):
                    base_path = load_config().base_path
                for view in VIEWS:
                    total, code, found, kinds = query_bytes(public, query, base_path, view)
                    rows.append((size, seconds, index, size_bytes, files, f"{query} ({view})",
                                 total, code, found, kinds))
            shutil.rmtree(root)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'archive':>8} {'build s':>8} {'index s':>8} {'bundle MB':>9} {'files':>6}  "
          f"{'query':<26} {'query KB':>8} {'of which code KB':>16} {'results':>7}")
    for size, seconds, index, size_bytes, files, query, total, code, found, kinds in rows:
        print(f"{size:>8} {seconds:8.1f} {index:8.1f} {size_bytes / 1e6:9.1f} {files:6d}  "
              f"{query:<26} {total / 1024:8.0f} {code / 1024:16.0f} {found:7d}  "
              + " ".join(f"{k} {v / 1024:.0f}" for k, v in sorted(kinds.items())))


if __name__ == "__main__":
    main()
