"""Jinja2 rendering: a site's ``layouts/`` first, then the built-in theme."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2

from ratsinfo_site.config import SiteConfig
from ratsinfo_site.i18n import Catalogue
from ratsinfo_site.pages import Page, vote_bars
from ratsinfo_site.urls import Urls

THEME = Path(__file__).parent / "theme"


def make_environment(config: SiteConfig, urls: Urls, t: Catalogue) -> jinja2.Environment:
    """One environment per process: loaders, filters and the site-wide globals."""
    loaders: list[jinja2.BaseLoader] = []
    if config.layouts_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(config.layouts_dir))
    loaders.append(jinja2.FileSystemLoader(THEME / "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(
        date=t.date, long_date=t.long_date, number=t.number, filesize=t.size,
        isodate=lambda iso: t.date(dt.date.fromisoformat(iso)),
        outcome=lambda key: t.outcomes.get(key, key),
    )
    env.globals.update(
        site=config, t=t.messages, words=urls.words, lang=t.language,
        href=urls.href, url=lambda thing: urls.href(urls.of(thing)), urls=urls,
        absolute=urls.absolute, vote_bars=lambda votes: vote_bars(votes, t),
        site_title=config.title or t.messages["site_title"],
    )
    return env


def render_page(env: jinja2.Environment, page: Page, extra: dict[str, Any] | None = None) -> str:
    """The HTML of one page, from the first template of its lookup list that exists."""
    template = env.select_template(page.templates)
    return template.render(page=page, **page.context, **(extra or {}))
