"""The same generated archive as a Pelican site and as a Hugo site (for benchmarks/run.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

PELICAN_CONF = """\
AUTHOR = "Kreistag"
SITENAME = "Beschlussarchiv"
SITEURL = ""
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "de"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = 100
ARTICLE_URL = "beschluesse/{slug}/"
ARTICLE_SAVE_AS = "beschluesse/{slug}/index.html"
"""

HUGO_SINGLE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><main data-pagefind-body><h1>{{ .Title }}</h1>
<p>{{ .Params.reference }} · {{ .Date.Format "02.01.2006" }}</p>{{ .Content }}</main>
</body></html>
"""
HUGO_LIST = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1><ul>
{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></body></html>
"""


def _papers(content: Path):
    for path in sorted((content / "resolutions").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.safe_load(front)
        if meta.get("public") is True:
            yield meta, body


def _slug(reference: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in reference.lower()).strip("-")


def to_pelican(content: Path, site: Path) -> None:
    """Pelican's Markdown metadata header, one article per public resolution."""
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for meta, body in _papers(content):
        date = meta["date"] if isinstance(meta["date"], dt.date) else dt.date(2000, 1, 1)
        header = (f"Title: {meta['title']}\nDate: {date.isoformat()}\n"
                  f"Slug: {_slug(meta['reference'])}\n"
                  f"Tags: {', '.join(meta.get('topics') or [])}\n"
                  f"Category: {meta.get('type', 'Beschlussvorlage')}\n\n")
        (site / "content" / f"{_slug(meta['reference'])}.md").write_text(
            header + body, encoding="utf-8")


def to_hugo(content: Path, site: Path) -> None:
    """Hugo reads the YAML front matter as it is; minimal layouts with data-pagefind-body."""
    target = site / "content" / "beschluesse"
    target.mkdir(parents=True, exist_ok=True)
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (site / "config.toml").write_text('baseURL = "/"\ntitle = "Beschlussarchiv"\n'
                                      'languageCode = "de"\npaginate = 100\n'
                                      'disableKinds = ["RSS", "sitemap", "taxonomy", "term"]\n',
                                      encoding="utf-8")
    for meta, body in _papers(content):
        front = {"title": meta["title"], "date": str(meta["date"]),
                 "reference": meta["reference"], "slug": _slug(meta["reference"])}
        (target / f"{_slug(meta['reference'])}.md").write_text(
            "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body,
            encoding="utf-8")
