"""The pipeline: config → load → model → archive → pages → render → search → write."""

from __future__ import annotations

import contextlib
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ratsinfo_site.archive import Archive, build_archive, parse_all
from ratsinfo_site.config import SiteConfig
from ratsinfo_site.errors import BuildError, Problem, errors_in, warning
from ratsinfo_site.export import export_files
from ratsinfo_site.feeds import feed_files
from ratsinfo_site.history import read_history
from ratsinfo_site.i18n import catalogue
from ratsinfo_site.load import load_content
from ratsinfo_site.oparl_export import oparl_files
from ratsinfo_site.pages import build_pages
from ratsinfo_site.render import THEME, make_environment, render_page
from ratsinfo_site.search import build_search_index
from ratsinfo_site.urls import Urls, output_path
from ratsinfo_site.write import OutputWriter


@dataclass(frozen=True)
class BuildResult:
    """What a build made, and what it warned about."""

    archive: Archive
    warnings: tuple[Problem, ...]
    pages: int
    seconds: float


def read_archive(config: SiteConfig) -> tuple[Archive, list[Problem]]:
    """Load and check every content file; raise BuildError with all errors at once."""
    docs = load_content(config.content_dir, config.root)
    resolutions, sessions, committees, topics, problems = parse_all(
        docs, config.content_dir / "files")
    archive, found = build_archive(resolutions, sessions, committees, topics)
    problems = [*config.warnings, *problems, *found]
    if config.host is None:
        problems.append(warning("site.toml", 1, f"base_url '{config.base_url}' has no host "
                                "(https://…): canonical links, sitemap, feeds and JSON-LD "
                                "are left out"))
    if errors_in(problems):
        raise BuildError(problems)
    return archive, sorted(set(problems))


def _template_problem(config: SiteConfig, exc: Exception, page: str) -> Problem:
    """Where a template failed: its file and line when Jinja2 knows them."""
    if not isinstance(exc, jinja2.TemplateError):
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.endswith(".html")]
        where = (frames[-1].filename, frames[-1].lineno) if frames else ("template", 1)
        return Problem(_shown(config, where[0]), where[1] or 1,
                       f"template error on page '/{page}': {type(exc).__name__}: {exc}")
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "template"
    return Problem(_shown(config, name), getattr(exc, "lineno", None) or 1,
                   f"template error: {exc.message}")


def _shown(config: SiteConfig, name: str) -> str:
    with contextlib.suppress(ValueError):
        return str(Path(name).relative_to(config.root))
    return name


def build(config: SiteConfig) -> BuildResult:
    """Build the whole site into ``config.output_dir``; the old output stays on any error."""
    started = time.perf_counter()
    archive, warnings = read_archive(config)
    t = catalogue(config.language)
    urls = Urls(config.base_path, config.host, t.words)
    pages = build_pages(archive, urls, t, config, read_history(config.content_dir))
    env = make_environment(config, urls, t)
    env.globals["archive"] = archive
    with OutputWriter(config.output_dir) as out:
        for page in pages:
            try:
                html = render_page(env, page)
            except Exception as exc:  # a site's own template may fail in any way
                raise BuildError([_template_problem(config, exc, page.url)]) from None
            out.text(output_path(page.url), html)
        for asset in ("style.css", "search.js", "cite.js"):
            out.copy(f"assets/{asset}", THEME / "static" / asset)
        for attachment in {a.file: a for r in archive.resolutions for a in r.attachments}.values():
            out.copy(urls.file(attachment), attachment.source)
        page_urls = [page.url for page in pages if page.kind != "redirect"]
        for path, data in [*feed_files(archive, urls, t, config),
                           *export_files(archive, urls, t, config, page_urls),
                           *oparl_files(archive, urls, t, config)]:
            out.data(path, data)
        out.text(".nojekyll", "")
        build_search_index(out.path, config.language)
    return BuildResult(archive, tuple(warnings), len(pages), time.perf_counter() - started)
