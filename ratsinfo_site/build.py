"""The pipeline: config → load → model → archive → pages → render → search → write.

``build()`` drives it; the stages but the last are in make.py, which a build with nothing
to do never imports (it and its imports take about 0.2 s to load).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from ratsinfo_site.config import SiteConfig
from ratsinfo_site.errors import Problem, warning
from ratsinfo_site.files import tree_size
from ratsinfo_site.incremental import Manifest, inputs_digest, site_digest
from ratsinfo_site.load import show_path
from ratsinfo_site.parallel import in_child
from ratsinfo_site.progress import Clock, Report
from ratsinfo_site.sources import find_sources
from ratsinfo_site.write import build_lock, recover

CACHE = ".ratsinfo-cache"  # beside site.toml; what the last build was made from
GB = 1 << 30
OUTPUT_LIMIT = GB  # GitHub Pages publishes a site of up to 1 GB


@dataclass(frozen=True)
class BuildResult:
    """What a build made, and what it warned about."""

    counts: dict[str, int]  # resolutions, sessions, committees, topics published
    warnings: tuple[Problem, ...]
    pages: int
    rendered: int  # pages rendered (the others were taken over from the last build)
    data_made: int  # data files made (likewise)
    index_parts: int
    seconds: float
    timings: dict[str, float]


# From this many content files on, a build reads, renders and makes its data files in a
# child process (see make.make_files).
LARGE_BUILD = 1000


def build(config: SiteConfig, use_cache: bool = True,
          report: Report | None = None) -> BuildResult:
    """Build the whole site into ``config.output_dir``; the old output stays on any error.

    Outputs whose inputs did not change since the last build are taken over from it.
    """
    with build_lock(config.root / CACHE, show_path(config.output_dir, config.root)):
        return _build(config, use_cache, report)


def _build(config: SiteConfig, use_cache: bool, report: Report | None) -> BuildResult:
    clock = Clock()
    recover(config.output_dir)  # a build killed mid-swap left the last output aside
    cache_dir = config.root / CACHE if use_cache else None
    if not use_cache:
        Manifest.forget(config.root / CACHE)  # it would describe an output no longer there
    unread: list[Problem] = []
    sources = find_sources(config.content_dir, config.root, unread)
    site = site_digest(config)
    inputs = inputs_digest(site, sources, config.content_dir, unread)
    last, summary = Manifest.last_inputs(cache_dir, config.output_dir, site)
    if last == inputs and summary:  # nothing changed at all
        return BuildResult(summary["counts"], tuple(Problem(*p) for p in summary["warnings"]),
                           summary["pages"], 0, 0, 0, clock.total(), {})
    from ratsinfo_site import make  # the stages: only now that there is work
    files = functools.partial(make.make_files, config, cache_dir, sources, unread, site, clock)
    done = in_child(files, report) if len(sources) >= LARGE_BUILD else files(report)
    out, previous, manifest, clock = done.out, done.previous, done.manifest, done.clock
    try:
        indexed = make.index(done, report, cache_dir)
        manifest.parts = done.digests
        clock.lap("search")
    except BaseException:
        out.abandon()
        raise
    if cache_dir is not None:  # a build killed between the swap and the save must not
        Manifest.forget(cache_dir)  # leave a cache that describes the output before
    out.finish()
    warnings = sorted({*done.warnings, *_size_warnings(config)})
    manifest.inputs = inputs
    manifest.summary = {"counts": done.counts, "pages": done.page_count,
                        "warnings": [list(dataclasses.astuple(w)) for w in warnings]}
    manifest.save(cache_dir, previous)
    clock.lap("write")
    return BuildResult(done.counts, tuple(warnings), done.page_count, done.rendered,
                       done.made, len(indexed), clock.total(), dict(clock.laps))


def _size_warnings(config: SiteConfig) -> list[Problem]:
    """A warning, at the output folder's setting, when the output is larger than GitHub
    Pages publishes."""
    size = tree_size(config.output_dir)
    if size <= OUTPUT_LIMIT:
        return []
    return [warning(*config.origin("output_dir"), f"the output is {size / GB:.1f} GB, more "
                    "than GitHub Pages publishes (1 GB): the deploy may "
                    "fail; publish it on another web server (see README, Size)")]
