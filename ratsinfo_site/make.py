"""Read the archive, render the pages and make the data files: every output but the search
index, written into an open output folder that the build finishes (see build.py)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ratsinfo_site.archive import Archive, build_archive
from ratsinfo_site.config import SiteConfig
from ratsinfo_site.errors import BuildError, Problem, errors_in, warning
from ratsinfo_site.export import export_files
from ratsinfo_site.feeds import feed_files
from ratsinfo_site.files import write_file
from ratsinfo_site.fingerprint import DataFile, Fingerprints, page_digest
from ratsinfo_site.history import read_history
from ratsinfo_site.i18n import Catalogue, catalogue
from ratsinfo_site.incremental import Manifest
from ratsinfo_site.links import broken_links, closed_links
from ratsinfo_site.oparl_export import oparl_files
from ratsinfo_site.pages import (
    CONTENT_LANGUAGE,
    Page,
    build_pages,
    index_parts,
    text_page_problems,
    text_pages,
)
from ratsinfo_site.parallel import (
    MEMORY_BUDGET_MB,
    long_lived,
    memory_mb,
    others_mb,
    pmap,
    workers,
)
from ratsinfo_site.parts import Part
from ratsinfo_site.privacy import non_public_paths, privacy_report, tracked_non_public
from ratsinfo_site.progress import Clock, Report, stage
from ratsinfo_site.read import RecordCache, read_sources, records_by_kind
from ratsinfo_site.render import (
    THEME,
    content_digest,
    layout_problems,
    make_environment,
    render_to_files,
)
from ratsinfo_site.search import BUNDLE, PARTS_AT_ONCE, build_search_index, indexing_mb
from ratsinfo_site.search_text import prepare as prepare_search_text
from ratsinfo_site.search_text import prepare_meanwhile, prune_texts
from ratsinfo_site.search_text import release as release_search_text
from ratsinfo_site.sources import Source, code_digest, find_sources
from ratsinfo_site.urls import Urls, output_path
from ratsinfo_site.write import OutputClone, OutputWriter, interrupts_held

FREE_WORD_LIST_AFTER = 1000  # resolution pages rendered (see _write_pages)
# A worker making data files came to hold 1.1 x what the process that forked it held.
DATA_WORKER_GROWTH = 1.25
# The process making an edit's data files itself grew from 581 to 803 MB (VmHWM) at
# 50,000 resolutions: the lists of every paper and session are made again.
DATA_GROWTH = 1.4


def read_archive(config: SiteConfig, cache_dir: Path | None = None, save: bool = True,
                 report: Report | None = None, sources: list[Source] | None = None,
                 unread: Sequence[Problem] = (), keep: Callable[[], None] | None = None
                 ) -> tuple[Archive, list[Problem]]:
    """Load and check every content file; raise BuildError with all errors at once.

    ``sources`` and ``unread`` are what ``find_sources`` found, where the caller has it;
    ``keep()``, where given, is called once the records are read (see parallel.long_lived).
    """
    if sources is None:
        unread = []
        sources = find_sources(config.content_dir, config.root, unread)
    cache = RecordCache(cache_dir, code_digest())
    parsed = read_sources(sources, config.content_dir / "files", cache,
                          stage(report, "read", len(sources)))
    records, problems, failed = records_by_kind(parsed)
    if keep:
        keep()
    archive, found = build_archive(records["resolutions"], records["sessions"],
                                   records["committees"], records["topics"], failed)
    closed = [r for r in records["resolutions"] if not r.public]
    t = catalogue(config.language)
    problems = [*config.problems, *unread, *problems, *found,
                *closed_links(archive, closed, Urls.for_site(config, t)),
                *layout_problems(config, t), *text_page_problems(config),
                *privacy_report((p for r in parsed.values() for p in r.personal),
                                config.privacy_allow),
                *tracked_non_public(non_public_paths(records, config.root), config.root)]
    if config.host is None and "base_url" not in config.rejected:
        problems.append(warning(*config.origin("base_url"), f"base_url '{config.base_url}' "
                                "has no host (https://…): canonical links, sitemap, feeds "
                                "and JSON-LD are left out"))
    if errors_in(problems):
        raise BuildError(problems)
    if save:
        cache.save(parsed)
    return archive, sorted(set(problems))


def check_archive(config: SiteConfig, cache_dir: Path | None = None
                  ) -> tuple[Archive, list[Problem]]:
    """What a build would report, without writing: the content, the text pages, and the
    links in the texts against the addresses the build would make."""
    archive, warnings = read_archive(config, cache_dir, save=False)
    text_pages(config)  # imprint, privacy, Leichte Sprache: as a build reads them
    t = catalogue(config.language)
    urls = Urls.for_site(config, t)
    pages = build_pages(archive, urls, t, config)
    page_urls = [page.url for page in pages if page.kind != "redirect"]
    outputs = {output_path(page.url) for page in pages}
    outputs |= {file.path for file in _data_files(archive, urls, t, config, page_urls)}
    outputs |= {path for path, _ in _copied_files(archive, urls)}
    return archive, sorted({*warnings, *broken_links(archive, urls, outputs)})


@dataclass
class Made:
    """The files written but the search index, and what the build needs to finish."""

    out: OutputWriter  # open: the build finishes or abandons it
    previous: Manifest
    manifest: Manifest  # every output's digest but the index parts'
    spare_parts: dict[str, str] | None  # the index parts the reused spare holds
    parts: list[Part]
    digests: dict[str, str]  # what each index part is made from
    indexed: list[Part] | None  # the parts indexed already (see _index_meanwhile)
    counts: dict[str, int]
    warnings: list[Problem]
    page_count: int
    rendered: int
    made: int
    clock: Clock


def make_files(config: SiteConfig, cache_dir: Path | None, sources: list[Source],
               unread: Sequence[Problem], site: str, clock: Clock, report: Report | None
               ) -> Made:
    """Read the archive and write every output that changed but the search index into an
    open output folder, which it hands back with what the build needs to finish.

    A large build runs this in a child process (parallel.in_child): the records, and what
    Python's allocator keeps of reading and rendering although it is free, are about
    550 MB at 50,000 resolutions. Pagefind's processes, about 450 MB a part, start only
    once the child has ended and given all of it back (indexing every part in the child
    while the data files are made was measured: no faster on 2 cores), but for the few
    parts an edit changes, where they fit beside the child (see _index_meanwhile).
    """
    previous = Manifest.load(cache_dir, config.output_dir, site)
    clone = None
    with long_lived() as keep:
        try:
            if previous.files and not Manifest.spare_listed(cache_dir):  # made while reading
                with interrupts_held():  # a Ctrl-C comes once ``clone`` can be discarded
                    clone = OutputClone.start(config.output_dir, previous.outputs(),
                                              [f"{BUNDLE}/{name}" for name in previous.parts])
            archive, warnings = read_archive(config, cache_dir, report=report,
                                             sources=sources, unread=unread, keep=keep)
            word_list = prepare_meanwhile(cache_dir)  # while the pages are planned
            t = catalogue(config.language)
            urls = Urls.for_site(config, t)
            history = read_history(config.content_dir, _published_files(config, archive))
            pages = build_pages(archive, urls, t, config, history)
            keep()  # the pages and what they hold
            prune_texts(cache_dir, {a.digest for r in archive.resolutions for a in r.attachments})
            prints = Fingerprints(site)
            manifest = Manifest(config.output_dir, site)
            clock.lap("read")
            spare = Manifest.take_spare(cache_dir, config.output_dir, site)
            cloned = clone.result() if clone else None
            if spare is None and cloned is not None:
                spare = previous  # the clone holds what the last build wrote
            out = OutputWriter(config.output_dir, spare.outputs() if spare else None,
                               cloned).open()  # the clone is the writer's from here
        except BaseException:
            if clone:
                clone.discard()
            raise
        try:
            rendered = _write_pages(config, make_environment(config, urls, t, cache_dir), pages,
                                    prints, previous, spare, manifest, out, cache_dir,
                                    word_list, report)
            page_count = len(pages)
            page_urls = [page.url for page in pages if page.kind != "redirect"]
            del pages  # every page's objects (JSON-LD, citation …) freed before the data files
            clock.lap("render")
            parts = index_parts(archive, urls)
            # a part is indexed again only where a page's bytes changed: an edit changes
            # the inputs of the pages that name the paper (its title in a list), mostly
            # not what they show
            digests = {p.name: prints.of(p.name, p.pages,
                                         [manifest.contents[page] for page in p.pages])
                       for p in parts}
            spare_parts = spare.parts if spare else None
            with _index_meanwhile(out, previous, spare_parts, parts, digests,
                                  manifest.contents, report, cache_dir) as indexing:
                for path, source in _copied_files(archive, urls):  # not read into memory
                    out.copy(path, source)
                    manifest.copies.append(path)
                made = _write_data(_data_files(archive, urls, t, config, page_urls), prints,
                                   previous, manifest, out, report, indexing.memory_mb)
                warnings = sorted({*warnings, *broken_links(archive, urls, {
                    *manifest.files, *manifest.copies})})
            indexed = indexing.result()
            clock.lap("data")
        except BaseException:
            out.abandon()
            raise
        counts = {"resolutions": len(archive.resolutions), "sessions": len(archive.sessions),
                  "committees": len(archive.committees), "topics": len(archive.topics)}
        return Made(out, previous, manifest, spare_parts, parts, digests, indexed,
                    counts, warnings, page_count, rendered, made, clock)


def index(done: Made, report: Report | None, cache_dir: Path | None) -> list[Part]:
    """Index the parts whose pages changed into the open output; returns those indexed.

    An unchanged part is taken over from the reused spare or linked from the last output.
    """
    if done.indexed is not None:  # while the data files were made
        return done.indexed
    return _index(done.out, done.previous, done.spare_parts, done.parts, done.digests,
                  done.manifest.contents, report, cache_dir)


def _index(out: OutputWriter, previous: Manifest, spare: dict[str, str] | None,
           parts: list[Part], digests: dict[str, str], contents: dict[str, str],
           report: Report | None, cache_dir: Path | None,
           staged: Callable[[], None] = lambda: None) -> list[Part]:
    return build_search_index(
        out.path, CONTENT_LANGUAGE, parts,
        lambda p: previous.reusable_part(p.name, digests[p.name], BUNDLE),
        stage(report, "search", len(parts)), previous.bundle(BUNDLE),
        lambda p: spare is not None and out.spare_kept and spare.get(p.name) == digests[p.name],
        cache_dir, staged,
        lambda p: [page for page in p.pages if previous.contents.get(page) != contents[page]])


@dataclass
class _Indexing:
    """Parts being indexed in a thread (None: not started); ``memory_mb`` is what
    Pagefind may take meanwhile. Its ``with`` begins once the changed pages are with
    Pagefind (``staged``), and ends only when the thread has ended, also on an error: the
    output folder is abandoned only once Pagefind is done with it."""

    future: Future[list[Part]] | None = None
    memory_mb: float = 0
    staged: threading.Event | None = None

    def result(self) -> list[Part] | None:
        return self.future.result() if self.future else None

    def __enter__(self) -> _Indexing:
        if self.staged:
            try:
                self.staged.wait()
            except BaseException:
                self.__exit__()
                raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.future:
            wait([self.future])


def _index_meanwhile(out: OutputWriter, previous: Manifest, spare: dict[str, str] | None,
                     parts: list[Part], digests: dict[str, str], contents: dict[str, str],
                     report: Report | None, cache_dir: Path | None) -> _Indexing:
    """Start indexing the changed parts in a thread while the data files are made, where
    they are few and fit in memory beside this process (as making them grows it) and the
    one waiting for it: an edit's part (at 10,000 resolutions patched in ~0.8 s, see
    patch.py, or indexed anew in 4 s) then overlaps the data files (1.5 s), which leave
    most of the cores idle. Not started where the parts are indexed after them (a cold
    build: ``index``).

    The data files wait until the changed pages are with Pagefind (0.4 s), or a patch has
    begun: the thread's own work for them (seeding, staging) took twice as long beside
    theirs.
    """
    changed = [p for p in parts if digests[p.name] != previous.parts.get(p.name)]
    own = memory_mb()
    if not changed or len(changed) > PARTS_AT_ONCE or own is None or \
            own * DATA_GROWTH + others_mb() + indexing_mb(changed) > MEMORY_BUDGET_MB:
        return _Indexing()
    staged = threading.Event()
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(_index, out, previous, spare, parts, digests, contents, report,
                         cache_dir, staged.set)
    pool.shutdown(wait=False)  # its thread ends with the task
    future.add_done_callback(lambda _: staged.set())  # also where nothing was staged
    return _Indexing(future, indexing_mb(changed), staged)


def _published_files(config: SiteConfig, archive: Archive) -> Callable[[Path], bool]:
    """Whether a content file is published: its Git commit messages may then be shown.

    The set of files is made on the first question (content outside Git asks none).
    """
    @functools.cache
    def files() -> frozenset[Path]:
        found = {(config.root / r.source).resolve() for r in archive.resolutions}
        found |= {(config.root / s.info.source).resolve() for s in archive.sessions if s.info}
        found |= {a.source for r in archive.resolutions for a in r.attachments}
        return frozenset(found)

    always = [(config.content_dir / kind).resolve() for kind in ("committees", "topics",
                                                                 "pages")]
    return lambda path: path in files() or any(path.is_relative_to(a) for a in always)


def _write_pages(config: SiteConfig, env: jinja2.Environment, pages: list[Page],
                 prints: Fingerprints, previous: Manifest, spare: Manifest | None,
                 manifest: Manifest, out: OutputWriter, cache_dir: Path | None,
                 word_list: Callable[[], None], report: Report | None = None) -> int:
    """Render the pages whose inputs changed, take the others over; returns how many rendered.

    Each page's bytes are known by their digest in ``manifest.contents`` (see index).
    ``word_list()`` waits for the word list that prepare_meanwhile makes.
    """
    jobs = []
    for page in pages:
        rel = output_path(page.url)
        digest = manifest.files[rel] = page_digest(prints, page)
        if _take_over(out, previous, rel, digest):
            manifest.contents[rel] = _content_of(rel, digest, (previous, spare), out)
        else:
            jobs.append((page, out.target(rel, folder=False)))
    resolutions = sum(page.kind == "resolution" for page, _ in jobs)
    word_list()
    if resolutions:
        prepare_search_text(cache_dir)  # once here, not once per worker
    contents, problems = render_to_files(env, jobs, config.root,
                                         stage(report, "render", len(jobs)))
    for (page, _), content in zip(jobs, contents, strict=True):
        manifest.contents[output_path(page.url)] = content
    # This process renders too. Its word list (72 MB) goes once many pages are made, where
    # memory counts (the data files come next); a small build keeps it for the next build
    # in this process (serve, tests), which would read it again (0.2-1 s).
    release_search_text(word_list=resolutions >= FREE_WORD_LIST_AFTER)
    if problems:
        raise BuildError(problems)
    return len(jobs)


def _content_of(rel: str, digest: str, manifests: tuple[Manifest | None, ...],
                out: OutputWriter) -> str:
    """The digest of the bytes of a page taken over: as the manifest of the output it
    came from says, or read from it where that manifest lacks it (edited or damaged: a
    manifest of other code is never loaded, see Manifest.load)."""
    for known in manifests:
        if known is not None and known.files.get(rel) == digest and rel in known.contents:
            return known.contents[rel]
    return content_digest((out.path / rel).read_bytes())


def _take_over(out: OutputWriter, previous: Manifest, rel: str, digest: str) -> bool:
    """Put an unchanged output in place: kept in the reused spare, or linked from the last
    output. False when it must be made."""
    if out.keep(rel, digest):
        return True
    old = previous.reusable(rel, digest)
    if old is None:
        return False
    out.link(rel, old)
    return True


def _write_data(files: list[DataFile], prints: Fingerprints, previous: Manifest,
                manifest: Manifest, out: OutputWriter, report: Report | None = None,
                reserved_mb: float = 0) -> int:
    """Make the data files whose inputs changed, take the others over; returns how many made.

    After the pages, on all cores like them (the 21,538 data files of 10,000 resolutions:
    making them took 5-7 s, writing their 250 MB as long again) where memory allows: a
    forked worker copies the records it touches, and these files touch most of them (in
    two processes, the data files of 50,000 resolutions took 1,110 MB). ``reserved_mb``
    is taken meanwhile by others (Pagefind, see _index_meanwhile).
    """
    jobs = []
    for file in files:
        digest = manifest.files[file.path] = prints.of(file.inputs)
        if not _take_over(out, previous, file.path, digest):
            jobs.append((file, out.target(file.path, folder=False)))
    own, cores = memory_mb(), workers()
    if own is None or \
            own * cores * DATA_WORKER_GROWTH + reserved_mb + others_mb() > MEMORY_BUDGET_MB:
        cores = 1
    pmap(_make_file, jobs, cores, stage(report, "data", len(jobs)))
    return len(jobs)


def _make_file(job: tuple[DataFile, Path]) -> None:
    file, target = job
    write_file(target, file.make())


def _copied_files(archive: Archive, urls: Urls) -> list[tuple[str, Path]]:
    """Assets and the attachments public resolutions list, as (path, source file)."""
    files = [(f"assets/{name}", THEME / "static" / name)
             for name in ("style.css", "search.js", "cite.js")]
    attachments = {a.file: a for r in archive.resolutions for a in r.attachments}
    return files + [(urls.file_path(a), a.source) for a in attachments.values()]


def _data_files(archive: Archive, urls: Urls, t: Catalogue, config: SiteConfig,
                page_urls: list[str]) -> list[DataFile]:
    """Feeds, exports and the OParl export; each made only when its inputs changed."""
    files = []
    files += feed_files(archive, urls, t, config)
    files += export_files(archive, urls, t, config, page_urls)
    files += oparl_files(archive, urls, t, config)
    files.append(DataFile(".nojekyll", (), bytes))
    return files
