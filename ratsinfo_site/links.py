"""Links in the texts that lead to no page or file of the output: a warning each; to the
address of a resolution that is not public: an error each."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from ratsinfo_site.archive import Archive
from ratsinfo_site.errors import Problem, warning
from ratsinfo_site.model import Link, Resolution
from ratsinfo_site.urls import Urls, output_path


def _texts(archive: Archive, urls: Urls
           ) -> list[tuple[str, str, Iterable[Link], dict[str, str]]]:
    """Each published text with links: its page, its file, the links, and its
    attachments (file name: address)."""
    texts: list[tuple[str, str, Iterable[Link], dict[str, str]]] = [
        (urls.of(r), r.source, r.links,
         {PurePosixPath(a.file).name: urls.href(urls.of(a)) for a in r.attachments})
        for r in archive.resolutions if r.links]
    texts += [(urls.of(thing), thing.info.source, thing.info.links, {})
              for thing in (*archive.sessions, *archive.committees, *archive.topics)
              if thing.info and thing.info.links]
    return texts


def _opened(urls: Urls, page: str, link: Link) -> str:
    """The path a link opens from its page, unquoted ("/a%20b/": "/a b/")."""
    return unquote(urlsplit(urljoin(urls.base_path + page, link.href)).path)


def closed_links(archive: Archive, closed: Iterable[Resolution], urls: Urls) -> list[Problem]:
    """An error for each link in a published text to the address of a resolution that
    is not public (its page, or an old number's): the address names the paper, which
    must not appear anywhere in the output, a link included."""
    addresses = {urls.resolution(ref).rstrip("/") for r in closed for ref in r.references}
    if not addresses:
        return []
    base = unquote(urls.base_path)
    problems = []
    for page, source, links, _ in _texts(archive, urls):
        for link in links:
            target = _opened(urls, page, link).removeprefix(base)
            if target.removesuffix("index.html").rstrip("/") in addresses:
                problems.append(Problem(source, link.line, f"link '{link.href}' leads to a "
                                        "resolution that is not public: its address would "
                                        "name it on a public page; remove the link"))
    return problems


def broken_links(archive: Archive, urls: Urls, outputs: set[str]) -> list[Problem]:
    """Warn of each link in a text (a resolution's, a session's, a committee's or a
    topic's) that opens no file of ``outputs`` (the output's paths): "plan.pdf" beside
    the page, "/beschluesse/…" under a base path, a session only closed items have (a
    link to a paper that is not public is an error: see closed_links)."""
    problems = []
    base = unquote(urls.base_path)  # compared with a path unquoted ("/a%20b/": "/a b/")
    for page, source, links, attachments in _texts(archive, urls):
        for link in links:
            opened = _opened(urls, page, link)
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
