"""The pipeline: config → load → model → archive → pages → render → search → write."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ratsinfo_site.archive import Archive, build_archive, parse_all
from ratsinfo_site.config import SiteConfig
from ratsinfo_site.errors import BuildError, Problem, errors_in
from ratsinfo_site.i18n import catalogue
from ratsinfo_site.load import load_content
from ratsinfo_site.pages import build_pages
from ratsinfo_site.render import THEME, make_environment, render_page
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
    if errors_in(problems):
        raise BuildError(problems)
    return archive, sorted(set(problems))


def _template_problem(config: SiteConfig, exc: jinja2.TemplateError) -> Problem:
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "template"
    with contextlib.suppress(ValueError):
        name = str(Path(name).relative_to(config.root))
    return Problem(name, getattr(exc, "lineno", None) or 1, f"template error: {exc.message}")


def build(config: SiteConfig) -> BuildResult:
    """Build the whole site into ``config.output_dir``; the old output stays on any error."""
    started = time.perf_counter()
    archive, warnings = read_archive(config)
    t = catalogue(config.language)
    urls = Urls(config.base_path, config.host, t.words)
    pages = build_pages(archive, urls, t)
    env = make_environment(config, urls, t)
    env.globals["archive"] = archive
    with OutputWriter(config.output_dir) as out:
        try:
            for page in pages:
                out.text(output_path(page.url), render_page(env, page))
        except jinja2.TemplateError as exc:
            raise BuildError([_template_problem(config, exc)]) from None
        out.copy("assets/style.css", THEME / "static" / "style.css")
        for attachment in {a.file: a for r in archive.resolutions for a in r.attachments}.values():
            out.copy(urls.file(attachment), attachment.source)
        out.text(".nojekyll", "")
    return BuildResult(archive, tuple(warnings), len(pages), time.perf_counter() - started)
