"""Test helpers: write a site into a folder, build it, serve it, crawl it."""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import re
import shutil
import signal
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import urlopen

import cbor2

from ratsinfo_site.chunks import (
    chunk_files,
    decode_pages,
    metadata_file,
    read_metadata,
    unpacked,
    word_entries,
)
from ratsinfo_site.cli import main

REPO = Path(__file__).resolve().parent.parent

MINIMAL = """\
reference: "{reference}"
title: "{title}"
date: 2021-03-31
public: true
"""


@dataclass
class Run:
    """The outcome of one ``ratsinfo`` command."""

    code: int
    out: str
    err: str


class Site:
    """A site root in a temporary folder, written file by file."""

    def __init__(self, root: Path):
        self.root = root
        (root / "content" / "resolutions").mkdir(parents=True, exist_ok=True)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def resolution(self, name: str, front: str, body: str = "Sachverhalt.\n") -> Path:
        """``content/resolutions/<name>.md`` from dedented front matter and a body."""
        text = f"---\n{textwrap.dedent(front).strip()}\n---\n\n{textwrap.dedent(body)}"
        return self.write(f"content/resolutions/{name}.md", text)

    def simple(self, name: str, reference: str, title: str = "Ein Beschluss",
               extra: str = "", public: bool = True) -> Path:
        """A valid resolution with the given reference; ``extra`` adds front matter."""
        front = MINIMAL.format(reference=reference, title=title) + textwrap.dedent(extra)
        if not public:
            front = front.replace("public: true", "public: false")
        return self.resolution(name, front)

    def run(self, *args: str, capsys=None) -> Run:
        """Run ``ratsinfo`` in the site root (captured through pytest's capsys)."""
        with contextlib.chdir(self.root):
            code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    @property
    def public(self) -> Path:
        return self.root / "public"

    def page(self, url: str) -> str:
        """The HTML of a site-relative address such as ``beschluesse/x/``."""
        path = self.public / url
        return (path / "index.html" if url.endswith("/") or not url else path).read_text("utf-8")


def ctrl_c_as_on_a_terminal() -> None:
    """``preexec_fn`` of a process a test stops with SIGINT, however the tests were started:
    a shell starts a background job with SIGINT ignored, and Python then leaves it ignored
    (the build would run to its end)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def copy_example(root: Path) -> Site:
    """The repository's example archive (content/, layouts/, site.toml) copied to ``root``."""
    shutil.copytree(REPO / "content", root / "content")
    if (REPO / "layouts").is_dir():
        shutil.copytree(REPO / "layouts", root / "layouts")
    if (REPO / "site.toml").is_file():
        shutil.copy(REPO / "site.toml", root / "site.toml")
    return Site(root)


def index_parts(public: Path) -> list[Path]:
    """The folders of the search index's parts (pagefind/ also holds the word map)."""
    return sorted(entry.parent for entry in (public / "pagefind").glob("*/pagefind-entry.json"))


def index_contents(public: Path) -> dict[str, dict]:
    """What each index part holds, each page by its address (Pagefind numbers pages in
    its own order, and its files are not byte-stable): pages with their word counts and
    fragments, filters, sorts, and every word's positions and metadata field positions
    on each page, with the forms it is listed under; and the files its metadata does
    not name (left over)."""
    found = {}
    for part in index_parts(public):
        meta = read_metadata(metadata_file(part, "de"))
        fragments = [json.loads(unpacked((part / "fragment" / f"{name}.pf_fragment")
                                         .read_bytes(), name)) for name, _ in meta[1]]
        urls = [fragment["url"] for fragment in fragments]
        filters = {}
        for name, file in meta[3]:
            _, values = cbor2.loads(unpacked((part / "filter" / f"{file}.pf_filter")
                                             .read_bytes(), file))
            filters[name] = {value: sorted(urls[page] for page in pages)
                             for value, pages in values}
        words = {}
        for path in chunk_files(part, meta):
            for word, data, _ in word_entries(unpacked(path.read_bytes(), path.name)):
                _, own, variants = cbor2.loads(data)
                pages: dict[str, tuple[set, set]] = {}
                for _, listed in [("", own), *variants]:
                    for page, (places, fields) in decode_pages(listed).items():
                        at, named = pages.setdefault(urls[page], (set(), set()))
                        at.update(places)
                        named.update((meta[5][field], place) for field, place in fields)
                forms = sorted(form for form, listed in [("", own), *variants] if listed)
                words[word] = ({url: (sorted(a), sorted(n)) for url, (a, n) in pages.items()},
                               forms)
        named = {f"fragment/{name}.pf_fragment" for name, _ in meta[1]} | {
            f"filter/{file}.pf_filter" for _, file in meta[3]} | {
            p.relative_to(part).as_posix() for p in chunk_files(part, meta)}
        found[part.name] = {
            "unlisted": sorted(p.relative_to(part).as_posix() for p in part.glob("*/*")
                               if p.relative_to(part).as_posix() not in named),
            "pages": {url: (count, fragment) for url, fragment, (_, count)
                      in zip(urls, fragments, meta[1], strict=True)},
            "filters": filters, "sorts": {name: [urls[p] for p in pages]
                                          for name, pages in meta[4]},
            "fields": meta[5], "words": words}
    return found


def checksums(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def text_of(html: str) -> str:
    """Visible-ish text: tags removed, white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@contextlib.contextmanager
def serve(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ``folder`` on localhost under ``prefix`` (e.g. ``/archiv/``); yields the base URL."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def translate_path(self, path: str) -> str:
            if not path.startswith(prefix):
                return str(folder / "does-not-exist")
            return super().translate_path("/" + path[len(prefix):])

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


class LinkParser(HTMLParser):
    """The links (href, src) and ids of a page; links with a rel in ``skip`` left out."""

    def __init__(self, skip: tuple[str, ...] = ("canonical", "alternate")) -> None:
        super().__init__()
        self.skip = skip
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        for key in ("href", "src"):
            if found.get(key) and found.get("rel") not in self.skip:
                self.links.append(found[key] or "")


@dataclass
class Crawl:
    pages: dict[str, str]
    broken: list[tuple[str, str]]


def crawl(base: str) -> Crawl:
    """Follow every internal link and asset from ``base``; anchors must exist too."""
    pages: dict[str, str] = {}
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []
    broken: list[tuple[str, str]] = []
    queue, seen = [base], {base}
    while queue:
        url = queue.pop()
        try:
            with urlopen(url) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except HTTPError as exc:
            broken.append((url, str(exc.code)))
            continue
        if kind != "text/html":
            continue
        html = body.decode("utf-8")
        pages[url] = html
        parser = LinkParser()
        parser.feed(html)
        ids[url] = parser.ids
        for link in parser.links:
            target = urljoin(url, link)
            parts = urlsplit(target)
            if not target.startswith(base.split("/", 3)[0] + "//" + urlsplit(base).netloc):
                continue
            if not parts.path.startswith(urlsplit(base).path):
                broken.append((url, link))
                continue
            page = parts._replace(fragment="", query="").geturl()
            if parts.fragment:
                anchors.append((url, page, unquote(parts.fragment)))
            if page not in seen:
                seen.add(page)
                queue.append(page)
    broken += [(src, f"{page}#{frag}") for src, page, frag in anchors
               if page in ids and frag not in ids[page]]
    return Crawl(pages, broken)
