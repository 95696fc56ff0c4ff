"""Jinja2 rendering: a site's ``layouts/`` first, then the built-in theme."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import traceback
from pathlib import Path

import jinja2

from ratsinfo_site.config import SiteConfig
from ratsinfo_site.errors import Problem
from ratsinfo_site.feeds import feed_of, subscriptions
from ratsinfo_site.files import write_file
from ratsinfo_site.fingerprint import Deferred
from ratsinfo_site.i18n import Catalogue
from ratsinfo_site.load import show_path
from ratsinfo_site.markup import section_anchors
from ratsinfo_site.pages import Page, content_lang, legal_links, vote_bars
from ratsinfo_site.parallel import Progress, pmap
from ratsinfo_site.urls import Urls

THEME = Path(__file__).parent / "theme"


def make_environment(config: SiteConfig, urls: Urls, t: Catalogue,
                     cache_dir: Path | None = None) -> jinja2.Environment:
    """One environment per process: loaders, filters and the site-wide globals."""
    loaders: list[jinja2.BaseLoader] = []
    if config.layouts_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(config.layouts_dir))
    loaders.append(jinja2.FileSystemLoader(THEME / "templates"))
    if cache_dir:  # made by the record cache, but not for a site without content files
        cache_dir.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache_dir)) if cache_dir else None,
    )
    env.filters.update(
        date=t.date, long_date=t.long_date, number=t.number, counted=t.counted, filesize=t.size,
        isodate=lambda iso: t.date(dt.date.fromisoformat(iso)),
        outcome=lambda key: t.outcomes.get(key, key),
        sections=lambda html: section_anchors(html, t.words["section"]),
    )
    env.globals.update(
        site=config, t=t.messages, words=urls.words, lang=t.language,
        href=urls.href, url=lambda thing: urls.href(urls.of(thing)), urls=urls,
        absolute=urls.absolute, vote_bars=lambda votes: vote_bars(votes, t),
        site_title=config.title or t.messages["site_title"],
        legal_links=legal_links(config, urls, t), content_lang=content_lang(t),
        subscriptions=subscriptions(urls, t), feed_of=lambda thing: feed_of(thing, urls),
    )
    return env


def layout_problems(config: SiteConfig, t: Catalogue) -> list[Problem]:
    """What is wrong in the site's own templates before any page is rendered: a file not
    in UTF-8, a syntax error, an unknown filter or test (each at its file and line)."""
    folder = config.layouts_dir
    if not folder.is_dir():
        return []
    env = make_environment(config, Urls.for_site(config, t), t)
    problems = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        shown = show_path(path, config.root)
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            problems.append(Problem(shown, line, f"not UTF-8 (byte 0x{data[exc.start]:02x}); "
                                    "save the file as UTF-8"))
            continue
        try:
            env.compile(text, path.relative_to(folder).as_posix(), str(path))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(shown, exc.lineno or 1, f"template error: {exc.message}"))
    return problems


def template_problem(root: Path, exc: Exception, page: str) -> Problem:
    """Where a template failed: its file and line, from Jinja2 or from the traceback."""
    lineno = getattr(exc, "lineno", None)
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    if not (lineno and name):
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.endswith(".html")]
        if frames:
            name, lineno = frames[-1].filename, frames[-1].lineno
    message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template '{exc.name}' not found (in the layouts folder or the theme)"
    shown = str(name or "template")
    with contextlib.suppress(ValueError):
        shown = str(Path(shown).relative_to(root))
    where = "" if isinstance(exc, jinja2.TemplateSyntaxError) else f" on page '/{page}'"
    return Problem(shown, lineno or 1, f"template error{where}: {message}")


def render_to_files(env: jinja2.Environment, jobs: list[tuple[Page, Path]], root: Path,
                    progress: Progress | None = None) -> tuple[list[str], list[Problem]]:
    """Render each page into its file, on all cores; returns the digest of each page's
    bytes (see content_digest; "" for a page that failed) and the template errors."""
    def render(job: tuple[Page, Path]) -> str | Problem:
        page, target = job
        try:
            html = render_page(env, page).encode()
        except Exception as exc:  # a site's own template may fail in any way
            return template_problem(root, exc, page.url)
        write_file(target, html)
        return content_digest(html)

    done = pmap(render, jobs, progress=progress)
    return ([d if isinstance(d, str) else "" for d in done],
            [p for p in done if isinstance(p, Problem)])


def content_digest(data: bytes) -> str:
    """What a file holds, in short: the index parts are made from their pages' bytes."""
    return hashlib.sha1(data).hexdigest()


def render_page(env: jinja2.Environment, page: Page) -> str:
    """The HTML of one page, from the first template of its lookup list that exists."""
    template = env.select_template(page.templates)
    context = {key: value.resolve() if isinstance(value, Deferred) else value
               for key, value in page.context.items()}
    return template.render(page=page, **context)
