"""Links in the texts that lead to no page or file of the output: a warning each."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from ratsinfo_site.archive import Archive
from ratsinfo_site.errors import Problem, warning
from ratsinfo_site.model import Link
from ratsinfo_site.urls import Urls, output_path


def broken_links(archive: Archive, urls: Urls, outputs: set[str]) -> list[Problem]:
    """Warn of each link in a text (a resolution's, a session's, a committee's or a
    topic's) that opens no file of ``outputs`` (the output's paths): "plan.pdf" beside
    the page, "/beschluesse/…" under a base path, a paper that is not public."""
    texts: list[tuple[str, str, Iterable[Link], dict[str, str]]] = [
        (urls.of(r), r.source, r.links,
         {PurePosixPath(a.file).name: urls.href(urls.of(a)) for a in r.attachments})
        for r in archive.resolutions if r.links]
    texts += [(urls.of(thing), thing.info.source, thing.info.links, {})
              for thing in (*archive.sessions, *archive.committees, *archive.topics)
              if thing.info and thing.info.links]
    problems = []
    base = unquote(urls.base_path)  # compared with a path unquoted ("/a%20b/": "/a b/")
    for page, source, links, attachments in texts:
        for link in links:
            opened = unquote(urlsplit(urljoin(urls.base_path + page, link.href)).path)
            target = opened.removeprefix(base)
            if opened.startswith(base) and {
                    output_path(target), f"{target}/index.html"} & outputs:
                continue
            name = PurePosixPath(target).name
            if name in attachments:
                hint = f"the attachment is at {attachments[name]}"
            elif not opened.startswith(base):
                hint = f"the archive's addresses begin with {urls.base_path}"
            elif "." in name and not target.endswith("/"):
                hint = "a file is published when 'attachments' lists it"
            else:
                hint = "there is no such page (or its paper is not public)"
            problems.append(warning(source, link.line, f"link '{link.href}' leads to no page "
                                    f"or file of the archive (it opens {opened}): {hint}"))
    return problems
