"""``ratsinfo serve``: the site under its base path, rebuilt on change, pages told to reload."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from ratsinfo_site.errors import Problem
from ratsinfo_site.serve import inject
from tests.helpers import REPO, Site, ctrl_c_as_on_a_terminal

T = TypeVar("T")
START_SECONDS = 90  # the first build runs Pagefind
WAIT_SECONDS = 20

SITE_TOML = """\
title = "Testarchiv"
base_url = "https://example.org/archiv/"
"""
BROKEN = """\
---
reference: "2021/7/014"
title: "Kaputt"
date: 2021-03-31
public: <vielleicht>
---
"""


@dataclass
class Server:
    """A running ``ratsinfo serve`` and what it printed so far."""

    url: str
    process: subprocess.Popen
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return self.url.split("/archiv/")[0]

    def stop(self) -> int:
        """Ctrl-C, as in a terminal; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def _collect(stream, lines: list[str], found: queue.Queue[str] | None = None) -> None:
    for line in stream:
        lines.append(line)
        if found is not None and (match := re.search(r"http://\S+", line)):
            found.put(match.group(0))


@contextlib.contextmanager
def serving(site: Site, *args: str) -> Iterator[Server]:
    """``ratsinfo serve --port 0 --no-open`` in the site root; the URL is read from its output."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "ratsinfo_site", "serve", "--port", "0", "--no-open", *args],
        cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        encoding="utf-8", env=env,
        preexec_fn=ctrl_c_as_on_a_terminal)
    out: list[str] = []
    err: list[str] = []
    urls: queue.Queue[str] = queue.Queue()
    readers = [threading.Thread(target=_collect, args=(process.stdout, out, urls), daemon=True),
               threading.Thread(target=_collect, args=(process.stderr, err), daemon=True)]
    for reader in readers:
        reader.start()
    try:
        try:
            url = urls.get(timeout=START_SECONDS)
        except queue.Empty:
            pytest.fail(f"serve printed no address: {''.join(out)} {''.join(err)}")
        server = Server(url, process, out, err)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def until(check: Callable[[], T], seconds: float = WAIT_SECONDS) -> T:
    """Poll ``check`` until it returns something true, at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s (last: {value!r})")
        time.sleep(0.1)


def get(url: str) -> tuple[int, str, str]:
    """Status, final address (after redirects) and body text of a GET."""
    try:
        with urlopen(url, timeout=WAIT_SECONDS) as response:
            return response.status, response.url, response.read().decode("utf-8")
    except HTTPError as exc:
        return exc.code, url, exc.read().decode("utf-8")


def showing(url: str, text: str) -> str:
    """The page at ``url`` once it contains ``text``; empty before."""
    body = get(url)[2]
    return body if text in body else ""


@pytest.fixture
def archive(site: Site) -> Site:
    """Two resolutions, published under https://example.org/archiv/."""
    site.write("site.toml", SITE_TOML)
    site.simple("2021/a", "2021/7/014", title="Integrationskonzept")
    site.simple("2021/b", "2021/7/015", title="Radwegekonzept")
    return site


def test_serve_shows_the_site_under_its_base_path_on_localhost(archive: Site):
    with serving(archive) as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/archiv/", server.url)
        status, final, home = get(server.origin + "/")
        assert (status, final) == (200, server.url)
        assert "Testarchiv" in home
        status, _, page = get(server.url + "beschluesse/2021-7-014/")
        assert status == 200 and "Integrationskonzept" in page
        status, final, _ = get(server.url + "beschluesse/2021-7-014")
        assert (status, final) == (200, server.url + "beschluesse/2021-7-014/")
        with urlopen(server.url + "assets/style.css") as response:
            assert response.read() == (archive.public / "assets" / "style.css").read_bytes()
        assert get(server.origin + "/beschluesse/2021-7-014/")[0] == 404  # outside /archiv/


def test_a_missing_page_gets_the_sites_404_page_as_github_pages_does(archive: Site):
    with serving(archive) as server:
        status, _, page = get(server.url + "beschluesse/gibt-es-nicht/")
        assert status == 404
        built = (archive.public / "404.html").read_text("utf-8")
        assert page.startswith(built[:built.rindex("</body>")])


def test_an_edit_is_rebuilt_and_served(archive: Site):
    with serving(archive) as server:
        page = server.url + "beschluesse/2021-7-014/"
        assert "Integrationskonzept" in get(page)[2]
        archive.simple("2021/a", "2021/7/014", title="Integrationskonzept, zweite Fassung")
        until(lambda: "zweite Fassung" in get(page)[2])
        until(lambda: any("changed: content/resolutions/2021/a.md" in line
                          for line in server.out))


def test_open_pages_are_told_to_reload_after_a_rebuild(archive: Site):
    with serving(archive) as server:
        page = get(server.url)[2]
        events = re.search(r'new EventSource\("([^"]+)"\)', page)
        assert events, "the served page has the live-reload script"
        with urlopen(server.origin + events.group(1), timeout=WAIT_SECONDS) as stream:
            assert stream.headers.get_content_type() == "text/event-stream"
            assert stream.readline() == b"retry: 1000\n"
            archive.simple("2021/b", "2021/7/015", title="Radwegekonzept 2030")
            deadline = time.monotonic() + WAIT_SECONDS
            lines = []
            while b"data: reload\n" not in lines and time.monotonic() < deadline:
                lines.append(stream.readline())
        assert b"data: reload\n" in lines
        assert "Radwegekonzept 2030" in get(server.url + "beschluesse/2021-7-015/")[2]


def test_a_page_served_before_a_rebuild_reloads_when_it_connects_late(archive: Site):
    with serving(archive) as server:
        events = re.search(r'new EventSource\("([^"]+)"\)', get(server.url)[2]).group(1)
        archive.simple("2021/b", "2021/7/015", title="Radwegekonzept 2030")
        until(lambda: "Radwegekonzept 2030" in get(server.url + "beschluesse/2021-7-015/")[2])
        with urlopen(server.origin + events, timeout=WAIT_SECONDS) as stream:
            assert [stream.readline() for _ in range(3)][-1] == b"data: reload\n"


def test_a_broken_edit_keeps_the_last_good_page_and_shows_the_error_on_it(archive: Site):
    with serving(archive) as server:
        page = server.url + "beschluesse/2021-7-014/"
        archive.write("content/resolutions/2021/a.md", BROKEN)
        html = until(lambda: showing(page, "ratsinfo-errors"))
        assert "Integrationskonzept" in html and "Kaputt" not in html
        overlay = html[html.index('id="ratsinfo-errors"'):]
        assert "content/resolutions/2021/a.md:5: " in overlay
        assert "&lt;vielleicht&gt;" in overlay and "<vielleicht>" not in overlay
        until(lambda: any(line.startswith("content/resolutions/2021/a.md:5: 'public' must be")
                          for line in server.err))
        assert "ratsinfo-errors" in get(server.url + "nicht-da/")[2]  # the 404 page shows it too
        archive.simple("2021/a", "2021/7/014", title="Wieder gut")
        # the overlay goes with the reload that follows the good build
        until(lambda: "ratsinfo-errors" not in showing(page, "Wieder gut") != "")


def test_a_site_that_never_built_shows_its_errors_until_it_is_fixed(archive: Site):
    archive.write("content/resolutions/2021/a.md", BROKEN)
    with serving(archive) as server:
        status, _, page = get(server.url)
        assert status == 404 and "content/resolutions/2021/a.md:5: " in page
        archive.simple("2021/a", "2021/7/014", title="Repariert")
        until(lambda: get(server.url + "beschluesse/2021-7-014/")[0] == 200)


def test_nothing_is_injected_into_the_files_in_public(archive: Site):
    with serving(archive) as server:
        archive.simple("2021/a", "2021/7/014", title="Neu")
        until(lambda: "Neu" in get(server.url + "beschluesse/2021-7-014/")[2])
        archive.write("content/resolutions/2021/a.md", BROKEN)
        until(lambda: "ratsinfo-errors" in get(server.url)[2])
        assert "__ratsinfo" in get(server.url)[2]
        pages = list(archive.public.rglob("*.html"))
        assert pages
        for path in pages:
            text = path.read_text("utf-8")
            assert "__ratsinfo" not in text and "ratsinfo-errors" not in text, path


def test_changes_to_site_toml_and_a_new_layouts_folder_are_picked_up(archive: Site):
    with serving(archive) as server:
        for title in ("Archiv eins", "Archiv zwei"):  # an editor that replaces the file
            temporary = archive.write(".site.toml.new", SITE_TOML.replace("Testarchiv", title))
            os.replace(temporary, archive.root / "site.toml")
            until(lambda title=title: title in get(server.url)[2])
        archive.write("layouts/footer.html", "<footer>Eigene Fußzeile</footer>\n")
        until(lambda: "Eigene Fußzeile" in get(server.url)[2])
        archive.write("layouts/footer.html", "<footer>Zweite Fußzeile</footer>\n")
        until(lambda: "Zweite Fußzeile" in get(server.url)[2])


def test_ctrl_c_ends_serve_cleanly(archive: Site):
    with serving(archive) as server:
        assert get(server.url)[0] == 200
        assert server.stop() == 0
        until(lambda: any("Stopped." in line for line in server.out))
        assert not any("Traceback" in line for line in server.err)


def test_a_port_in_use_is_an_error_not_a_traceback(archive: Site, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = archive.run("serve", "--no-open", "--port", str(taken.getsockname()[1]),
                             capsys=capsys)
    assert result.code == 1
    assert "cannot serve on 127.0.0.1" in result.err


@pytest.mark.parametrize("port", ["99999", "-1", "acht"])
def test_a_port_out_of_range_is_a_usage_error_not_a_traceback(archive: Site, capsys, port):
    with pytest.raises(SystemExit) as stop:
        archive.run("serve", "--no-open", "--port", port, capsys=capsys)
    assert stop.value.code == 2
    assert f"argument --port: '{port}' is not a port (0 to 65535)" in capsys.readouterr().err


def test_the_overlay_is_escaped_and_comes_before_the_end_of_the_body():
    problem = Problem("content/resolutions/x.md", 3, "<script>alert(1)</script> & more")
    page = inject(b"<html><body><p>Hallo</p></body></html>", "v1", [problem])
    text = page.decode("utf-8")
    assert text.endswith("</body></html>")
    assert "content/resolutions/x.md:3: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in text
    assert "<script>alert(1)" not in text
    assert "ratsinfo-errors" not in inject(b"<p>ohne body</p>", "v1", []).decode("utf-8")


def test_a_page_without_a_body_tag_still_gets_the_script():
    assert b"__ratsinfo/events?v=v1" in inject(b"<p>ohne body</p>", "v1", [])


@pytest.mark.browser
def test_the_browser_reloads_and_shows_the_overlay(archive: Site, page):
    with serving(archive) as server:
        page.goto(server.url + "beschluesse/2021-7-014/")
        assert "Integrationskonzept" in page.inner_text("h1")
        archive.simple("2021/a", "2021/7/014", title="Integrationskonzept neu")
        page.wait_for_function("() => document.querySelector('h1').textContent"
                               ".includes('neu')", timeout=WAIT_SECONDS * 1000)
        archive.write("content/resolutions/2021/a.md", BROKEN)
        page.wait_for_selector("#ratsinfo-errors", timeout=WAIT_SECONDS * 1000)
        assert "content/resolutions/2021/a.md:" in page.inner_text("#ratsinfo-errors")
        assert page.errors == []
