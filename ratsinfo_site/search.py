"""The Pagefind search index, built part by part (see parts.py) through its Python API."""

from __future__ import annotations

import asyncio
import gzip
import json
import math
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pagefind.index import IndexConfig

from ratsinfo_site import patch
from ratsinfo_site.chunks import pagefind_name, split_part
from ratsinfo_site.errors import ToolError
from ratsinfo_site.files import link_or_copy, link_pages, read_cache, write_cache
from ratsinfo_site.incremental import pagefind_binary
from ratsinfo_site.pagefind_service import QuickService
from ratsinfo_site.parallel import MEMORY_BUDGET_MB, memory_mb
from ratsinfo_site.parts import Part
from ratsinfo_site.word_map import part_words, write_word_map

BUNDLE = "pagefind"
# The oldest possible date: this page takes position 0 of every part's date sort.
SENTINEL_DATE = "0001-01-01"
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js",
          "pagefind-component-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-highlight.js", "wasm.unknown.pagefind")


def _sentinel(language: str) -> str:
    return (f'<!DOCTYPE html><html lang="{language}"><head><title>-</title></head><body>'
            f'<main data-pagefind-body><p>q7x9k2v8z</p><span data-pagefind-meta="sentinel:1">'
            f'</span><time datetime="{SENTINEL_DATE}" data-pagefind-sort="date[datetime]">'
            f'</time></main></body></html>')


# Where a part's pages are gathered for Pagefind: a folder in memory where there is one.
# Making 2,500 folders on disk took 1.8 s a part on the benchmark machine, in memory 0.05 s.
STAGING_ROOT = Path("/dev/shm")


def _stage(site: Path, part: Part, staging: Path, language: str) -> None:
    """Links to the part's pages, at their addresses, in a folder of their own."""
    link_pages(site, part.pages, staging)  # (which may be elsewhere: see STAGING_ROOT)
    sentinel = staging / f"{BUNDLE}-{part.name}" / "index.html"
    sentinel.parent.mkdir(parents=True, exist_ok=True)
    sentinel.write_text(_sentinel(language), encoding="utf-8")


def _staging_root() -> str | None:
    """A RAM-backed folder for the staging folders where there is one, else the default."""
    return str(STAGING_ROOT) if os.access(STAGING_ROOT, os.W_OK | os.X_OK) else None


def _seed(previous: Path, output: Path, language: str) -> None:
    """The last build's page fragments of this part, as hard links under Pagefind's names.

    Pagefind does not compress and write again what exists already: re-indexing a part
    after one edit takes about half the time. A name that two fragments would share
    (Pagefind lengthens one of them) is left out: under it, Pagefind would skip the
    other page's fragment.
    """
    named: dict[str, Path | None] = {}
    for path in sorted((previous / "fragment").glob("*.pf_fragment")):
        try:
            name = pagefind_name(path.read_bytes(), language)
        except (OSError, ValueError, EOFError, zlib.error):
            continue
        named[name] = None if name in named else path
    (output / "fragment").mkdir(parents=True, exist_ok=True)
    for name, path in named.items():
        if path is not None:
            link_or_copy(path, output / "fragment" / f"{name}.pf_fragment")


def _prune(output: Path) -> None:
    """Remove seeded fragments that the new part's metadata does not name (changed pages)."""
    metas = list(output.glob("*.pf_meta"))
    if len(metas) != 1:
        return  # not the layout we know: better keep every file
    meta = gzip.decompress(metas[0].read_bytes())
    for path in (output / "fragment").glob("*"):
        if path.name.split(".")[0].encode() not in meta:
            path.unlink()


# Pagefind answers that a part is written while the last bytes of its files may still be
# on their way to disk (each file's write is handed to a background thread), and ending
# its process then cuts them short: a part whose entry file was left empty made the
# browser's search fail. So the process ends only when every file of the part is whole.
SETTLE_SECONDS = 60.0
COMPRESSED = (".pf_meta", ".pf_fragment", ".pf_index", ".pf_filter")


_known_scripts: dict[str, dict[str, bytes]] = {}  # by Pagefind binary
SCRIPTS_CACHE = "pagefind-scripts.pickle"  # in the build's cache folder


async def _scripts(language: str, cache_dir: Path | None) -> dict[str, bytes]:
    """Pagefind's files that are the same in every part (its scripts), as it makes them.

    Asked for once per Pagefind binary (a one-page index, 0.3-0.5 s), then remembered in
    this process and in ``cache_dir``, so that a build of one edit does not ask again.
    """
    binary, key = pagefind_binary()
    if binary is None:
        raise ToolError("Pagefind's binary was not found (pip install 'pagefind[bin]')")
    cached = cache_dir / SCRIPTS_CACHE if cache_dir else None
    if key not in _known_scripts and cached and isinstance(
            stored := read_cache(cached, key), dict):
        _known_scripts[key] = stored
    if key not in _known_scripts:
        async with QuickService() as service:
            index = await service.create_index(IndexConfig(force_language=language))
            await index.add_html_file(content=_sentinel(language), url="/")
            files = await index.get_files()
        _known_scripts[key] = {file["path"]: file["content"] for file in files
                               if file["path"].endswith((".js", ".css"))}
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            write_cache(cached, key, _known_scripts[key])
    return _known_scripts[key]


def _whole(path: Path, name: str, scripts: dict[str, bytes]) -> bool:
    """Whether a file of a part has all its bytes: gzip checks its own length and sum."""
    data = path.read_bytes()
    if not data:
        return False
    if name.endswith(COMPRESSED) or (name.startswith("wasm.") and name.endswith(".pagefind")):
        try:
            gzip.decompress(data)
        except (EOFError, OSError, zlib.error):
            return False
        return True
    if name.endswith(".json"):
        try:
            json.loads(data)
        except ValueError:
            return False
        return True
    return scripts.get(name, data) == data


async def _settle(output: Path, scripts: dict[str, bytes],
                  seconds: float = SETTLE_SECONDS) -> None:
    """Wait until every file of the part in ``output`` is whole; an error after ``seconds``."""
    pending = [path for path in output.rglob("*") if path.is_file()]
    deadline = time.monotonic() + seconds
    while pending := [p for p in pending if not _whole(p, p.relative_to(output).as_posix(),
                                                       scripts)]:
        if time.monotonic() > deadline:
            raise ToolError(f"Pagefind left {len(pending)} files unfinished (a full disk?), "
                            f"e.g. {pending[0]}")
        await asyncio.sleep(0.02)


# Pagefind writes a part's index on about one core, holding 10 MB and ~0.4 MB a page
# (adding the pages took ~0.1 MB a page and two cores). So two parts are under way at
# once, and the second writes beside the first when the memory the parts written so far
# took says that both fit below MEMORY_BUDGET_MB with this process; else it waits its turn.
PARTS_AT_ONCE = 2
PAGEFIND_MB = 10  # a Pagefind process with a one-page index: 11.5 MB (VmHWM)
MB_PER_PAGE = 0.45  # before a part was written: 407 MB for 941 pages at 10,000 resolutions


def indexing_mb(parts: list[Part]) -> float:
    """About the most Pagefind's processes take at once to index ``parts``."""
    largest = sorted((len(part.pages) for part in parts), reverse=True)[:PARTS_AT_ONCE]
    return sum(PAGEFIND_MB + MB_PER_PAGE * pages for pages in largest)


class _Turns:
    """Who may write an index part now: one part, or two where memory allows."""

    def __init__(self) -> None:
        self.writing: dict[str, int] = {}  # the parts writing now: their pages
        self.mb_per_page = 0.0  # the most a page took in a part written so far
        self.changed = asyncio.Condition()

    def _fits(self, part: Part) -> bool:
        if not self.writing:
            return True
        own = memory_mb("self")
        if not self.mb_per_page or own is None:
            return False
        pages = [*self.writing.values(), len(part.pages)]
        need = sum(PAGEFIND_MB + self.mb_per_page * n for n in pages)
        return own + need <= MEMORY_BUDGET_MB

    async def begin(self, part: Part) -> None:
        async with self.changed:
            await self.changed.wait_for(lambda: self._fits(part))
            self.writing[part.name] = len(part.pages)

    async def end(self, part: Part, peak_mb: float | None) -> None:
        async with self.changed:
            del self.writing[part.name]
            took = (max((peak_mb - PAGEFIND_MB) / len(part.pages), 1e-3) if peak_mb
                    else math.inf)
            self.mb_per_page = max(self.mb_per_page, took)
            self.changed.notify_all()


async def _index(site: Path, parts: list[Part], language: str, seeds: dict[str, Path],
                 changed: Callable[[Part], list[str]], progress: Callable[[int], None] | None,
                 cache_dir: Path | None, staged: Callable[[], None],
                 known: dict[str, str]) -> None:
    scripts = await _scripts(language, cache_dir)
    slots, turns = asyncio.Semaphore(PARTS_AT_ONCE), _Turns()
    done = 0

    async def index(part: Part) -> None:
        nonlocal done
        output = site / BUNDLE / part.name
        async with slots:
            found, pages = None, changed(part) if part.name in seeds else []
            if 0 < len(pages) <= patch.PATCH_PAGES:  # a part of the last build, few pages changed
                staged()
                found = await patch.patch_part(
                    seeds[part.name], output, part.pages, pages,
                    seeds[part.name].parent.parent, site, language, _staging_root())
            if found is None:
                if part.name in seeds:
                    _seed(seeds[part.name], output, language)
                await _index_part(site, part, output, language, scripts, turns, staged)
        # the next part's Pagefind process starts meanwhile (this one has ended)
        if found is None:  # indexed anew
            if part.name in seeds:
                await asyncio.to_thread(_prune, output)
            found = await asyncio.to_thread(split_part, output, language)
        if found:
            known[part.name] = "\n".join(found)  # its words, for the word map
        for name in UNUSED:
            (output / name).unlink(missing_ok=True)
        done += 1
        if progress:
            progress(done)

    try:
        async with asyncio.TaskGroup() as group:  # one part failing stops the others
            for part in parts:
                group.create_task(index(part))
    except BaseExceptionGroup as failed:  # the first error, as the caller knows it
        raise failed.exceptions[0] from None


async def _index_part(site: Path, part: Part, output: Path, language: str,
                      scripts: dict[str, bytes], turns: _Turns,
                      staged: Callable[[], None]) -> None:
    """Index one part in a Pagefind process of its own, writing it in its turn.

    A process per part: one that indexes part after part keeps growing, although each
    index is deleted (50,000 resolutions: 456 MB after one part, ~700 MB later). Its
    turn ends with the process, which holds its memory until then.
    """
    with tempfile.TemporaryDirectory(prefix="ratsinfo-search-",
                                     dir=_staging_root()) as staging:
        _stage(site, part, Path(staging), language)
        service = await QuickService().launch()
        writing, peak = False, None
        try:
            index = await service.create_index(
                IndexConfig(output_path=str(output), force_language=language))
            staged()
            await index.add_directory(staging)
            await turns.begin(part)
            writing = True
            await index.write_files()
            await _settle(output, scripts)  # before the process ends
            process = getattr(service, "_backend", None)  # not a public attribute
            peak = memory_mb(process.pid, "VmHWM") if process else None
        finally:
            await service.close()
            if writing:
                await turns.end(part, peak)


def build_search_index(site: Path, language: str, parts: list[Part],
                       reuse: Callable[[Part], Path | None] | None = None,
                       progress: Callable[[int], None] | None = None,
                       previous: Path | None = None,
                       kept: Callable[[Part], bool] | None = None,
                       cache_dir: Path | None = None,
                       staged: Callable[[], None] = lambda: None,
                       changed: Callable[[Part], list[str]] = lambda part: []) -> list[Part]:
    """Index each part below ``site/pagefind/<part>/``; returns the parts it indexed.

    ``reuse(part)`` may name the folder of an unchanged part from the last build: its
    files are linked into the new output instead. ``previous`` is the last build's
    bundle: a changed part starts from the files of its namesake there. ``kept(part)``
    says that ``site`` holds the part already (the reused output before last).
    ``cache_dir`` keeps what is worth keeping between builds (see _scripts).
    ``changed(part)`` names the pages of a changed part whose bytes changed since the last
    build: where they are few, its part there is patched for them (see patch.py).
    ``staged()`` is called as each part's pages go to Pagefind: what this process had
    to do for them, under the interpreter lock, is done then. The map of which part
    holds which word (word_map.py) is written anew, or taken over from the last build
    where the parts' words are the same.
    """
    bundle = site / BUNDLE
    names = {part.name for part in parts}
    for folder in bundle.iterdir() if bundle.is_dir() else ():
        if folder.name not in names:  # a part of the output before last (see write.py)
            shutil.rmtree(folder)
    todo, seeds = [], {}
    for part in parts:
        if kept and kept(part) and (bundle / part.name).is_dir():
            continue
        shutil.rmtree(bundle / part.name, ignore_errors=True)
        reused = reuse(part) if reuse else None
        if reused is not None and reused.is_dir():
            _link_tree(reused, bundle / part.name)
            continue
        todo.append(part)
        if previous is not None and (previous / part.name).is_dir():
            seeds[part.name] = previous / part.name
    known: dict[str, str] = {}
    if todo:
        # A thread of its own, so a caller that already runs an event loop can build too.
        with ThreadPoolExecutor(max_workers=1) as pool:
            indexing = _index(site, todo, language, seeds, changed, progress, cache_dir,
                              staged, known)
            pool.submit(asyncio.run, indexing).result()
    if parts:  # (none: nothing public yet, no bundle)
        write_word_map(bundle, part_words(bundle, [p.name for p in parts], language, known,
                                          cache_dir), previous, cache_dir)
    return todo


def _link_tree(source: Path, target: Path) -> None:
    for path in source.rglob("*"):
        if path.is_file():
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(path, dest)
