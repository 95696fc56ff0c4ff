"""``ratsinfo serve``: build, serve the output under its base path, rebuild on change, reload."""

from __future__ import annotations

import html
import io
import json
import queue
import secrets
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, quote, unquote, urlsplit

import watchfiles

from ratsinfo_site.build import BuildResult, build
from ratsinfo_site.config import SiteConfig
from ratsinfo_site.errors import BuildError, Problem, ToolError, errors_in
from ratsinfo_site.load import show_path

EVENTS = "/__ratsinfo/events"
_NOT_BUILT = (b"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Not found</title>"
              b"</head><body><h1>Not found</h1></body></html>\n")
_OVERLAY_STYLE = (
    "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;"
    "margin:0;padding:1em 1.25em;background:#fff4f4;color:#5c0000;border-top:4px solid #c00;"
    "font:14px/1.45 ui-monospace,monospace;box-shadow:0 -4px 16px rgba(0,0,0,.25)")


@dataclass(frozen=True)
class Rebuild:
    """One build while serving: what set it off, and its result or the problems that stopped it."""

    changed: tuple[str, ...]
    result: BuildResult | None
    problems: tuple[Problem, ...]


class LiveState:
    """What the server shows: the output folder, the last build's errors, a version to reload."""

    def __init__(self, config: SiteConfig):
        self.output_dir = config.output_dir
        self.base_path = unquote(config.base_path)
        self.errors: tuple[Problem, ...] = ()
        self._run = secrets.token_hex(4)  # a restarted server makes open pages reload too
        self._count = 0
        self.closed = False
        self._changed = threading.Condition()

    @property
    def version(self) -> str:
        return f"{self._run}-{self._count}"

    def publish(self, errors: Iterable[Problem], config: SiteConfig | None = None) -> None:
        """A build ended: take its errors (and its config when it succeeded), wake the pages."""
        with self._changed:
            self.errors = tuple(errors)
            if config is not None:
                self.output_dir, self.base_path = config.output_dir, unquote(config.base_path)
            self._count += 1
            self._changed.notify_all()

    def wait(self, seen: str, timeout: float) -> str:
        """The version once it differs from ``seen``, or after ``timeout`` or on close."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self.version != seen, timeout)
            return self.version

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def inject(page: bytes, version: str, errors: Iterable[Problem]) -> bytes:
    """A served HTML page with the reload script and, after a failed build, the error overlay."""
    events = json.dumps(f"{EVENTS}?v={quote(version)}")
    snippet = ("<script>(() => { const events = new EventSource(" + events + "); "
               "events.onmessage = (e) => { if (e.data === 'reload') location.reload(); }; "
               "})();</script>\n")
    shown = [html.escape(str(p)) for p in errors]
    if shown:
        snippet += (f'<div id="ratsinfo-errors" role="alert" style="{_OVERLAY_STYLE}">'
                    f"<strong>The last build failed: this is the last good version of the "
                    f"site.</strong> Fix the file and this page reloads."
                    f'<pre style="white-space:pre-wrap;margin:.5em 0 0">{chr(10).join(shown)}'
                    f"</pre></div>\n")
    text = page.decode("utf-8", errors="replace")
    end = text.lower().rfind("</body>")
    text = text[:end] + snippet + text[end:] if end >= 0 else text + snippet
    return text.encode("utf-8")


class _Server(ThreadingHTTPServer):
    def __init__(self, address: tuple[str, int], state: LiveState):
        self.state = state
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a reload cancels requests
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(SimpleHTTPRequestHandler):
    """The output folder under the base path, as GitHub Pages serves it, plus the event stream."""

    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal is for build messages

    def do_GET(self) -> None:
        if urlsplit(self.path).path == EVENTS:
            self._events()
        else:
            super().do_GET()

    def send_head(self) -> BinaryIO | None:
        parts = urlsplit(self.path)
        path, base = unquote(parts.path), self.server.state.base_path
        if not path.startswith(base):
            if path in ("/", base.rstrip("/")):
                return self._redirect(302, quote(base))
            return self._not_found()
        out = self.server.state.output_dir
        names = [name for name in path[len(base):].split("/") if name]
        if any(name in (".", "..") or "\0" in name for name in names):
            return self._not_found()
        target = out.joinpath(*names)
        if target.is_dir():
            if not path.endswith("/"):
                return self._redirect(301, quote(path + "/") + (f"?{parts.query}"
                                                                 if parts.query else ""))
            target = target / "index.html"
        if not target.is_file() or not target.resolve().is_relative_to(out.resolve()):
            return self._not_found()
        return self._file(200, target)

    def _file(self, status: int, target: Path | None) -> BinaryIO:
        """Send headers; HTML gets the live-reload script, every other file goes as it is."""
        kind = self.guess_type(str(target)) if target else "text/html"
        try:
            body: BinaryIO = open(target, "rb") if target else io.BytesIO(_NOT_BUILT)  # noqa: SIM115
        except OSError:  # gone since it was looked up: a build was swapping the output folder
            status, kind, body = 404, "text/html", io.BytesIO(_NOT_BUILT)
        if kind == "text/html":
            with body:
                page = body.read()
            state = self.server.state
            body = io.BytesIO(inject(page, state.version, state.errors))
            kind = "text/html; charset=utf-8"
        size = body.seek(0, io.SEEK_END)
        body.seek(0)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(size))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return body

    def _not_found(self) -> BinaryIO:
        page = self.server.state.output_dir / "404.html"
        return self._file(404, page if page.is_file() else None)

    def _redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def _events(self) -> None:
        """Server-Sent Events: ``reload`` whenever a build ended after the page was served."""
        state = self.server.state
        seen = parse_qs(urlsplit(self.path).query).get("v", [state.version])[0]
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while not state.closed:
                version = state.wait(seen, timeout=15)
                message = b"data: reload\n\n" if version != seen else b": ping\n\n"
                if state.closed:
                    return
                self.wfile.write(message)
                self.wfile.flush()
                seen = version
        except OSError:
            return  # the page went away


def _targets(config_file: Path, config: SiteConfig) -> tuple[tuple[Path, ...], frozenset[Path]]:
    """The folders watched recursively, and the paths watched through their parents."""
    trees = tuple(d for d in (config.content_dir, config.layouts_dir) if d.is_dir())
    return trees, frozenset({config_file, config.content_dir, config.layouts_dir})


class _Watch:
    """Threads that put the paths of changes into a queue: the content and layouts folders
    (recursively), and ``site.toml`` and those folders themselves (through their parents,
    so that editors which replace a file, and folders created later, are noticed too)."""

    def __init__(self, config_file: Path):
        self.config_file = config_file
        self.changes: queue.Queue[set[str]] = queue.Queue()
        self._key: tuple[tuple[Path, ...], frozenset[Path]] | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def follow(self, config: SiteConfig) -> None:
        """Watch what ``config`` names; restart only when that changed or a watch ended."""
        key = trees, names = _targets(self.config_file, config)
        if key == self._key and all(thread.is_alive() for thread in self._threads):
            return
        self.stop()
        self._key, self._stop = key, threading.Event()
        ignored = [config.output_dir, config.output_dir.parent / f".{config.output_dir.name}"]
        plan: list[tuple[list[Path], bool, Callable[[watchfiles.Change, str], bool]]] = [
            (sorted({p.parent for p in names if p.parent.is_dir()}), False,
             lambda _, path: Path(path) in names),
            (list(trees), True, watchfiles.DefaultFilter(ignore_paths=ignored)),
        ]
        self._threads = [threading.Thread(target=self._run, args=step, daemon=True)
                         for step in plan if step[0]]
        for thread in self._threads:
            thread.start()

    def _run(self, paths: list[Path], recursive: bool,
             accept: Callable[[watchfiles.Change, str], bool]) -> None:
        try:
            for batch in watchfiles.watch(*paths, watch_filter=accept, recursive=recursive,
                                          stop_event=self._stop, raise_interrupt=False):
                self.changes.put({path for _, path in batch})
        except (OSError, RuntimeError):
            pass  # a watched folder went away: the next change starts a new watch

    def next_batch(self) -> set[str]:
        """Every path changed since the last call, waiting for at least one."""
        while True:
            try:
                batch = self.changes.get(timeout=0.5)  # a timeout keeps Ctrl-C working
                break
            except queue.Empty:
                continue
        while not self.changes.empty():
            batch |= self.changes.get_nowait()
        return batch

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)


def _build(config: SiteConfig, state: LiveState, changed: tuple[str, ...]) -> Rebuild:
    """Build; on errors the old output stays and the served pages show the errors."""
    try:
        result = build(config)
    except BuildError as exc:
        problems = tuple(exc.problems)
    except OSError as exc:  # e.g. a file removed while it was read
        problems = (Problem(str(exc.filename or "?"), 1, exc.strerror or str(exc)),)
    except ToolError as exc:  # Pagefind
        problems = (Problem("pagefind", 1, str(exc)),)
    else:
        state.publish((), config)
        return Rebuild(changed, result, result.warnings)
    state.publish(errors_in(problems))
    return Rebuild(changed, None, problems)


def _rebuild_on_change(load: Callable[[], SiteConfig], config: SiteConfig, watch: _Watch,
                       state: LiveState, on_build: Callable[[Rebuild], None]) -> None:
    """Rebuild after every batch of changes, until interrupted."""
    while True:
        batch = watch.next_batch()
        changed = tuple(sorted(show_path(Path(p), config.root) for p in batch))
        try:
            config = load()  # site.toml may have changed
        except BuildError as exc:
            state.publish(errors_in(exc.problems))
            on_build(Rebuild(changed, None, tuple(exc.problems)))
            continue
        watch.follow(config)  # before the build, so that no change made during it is lost
        on_build(_build(config, state, changed))


def serve(load: Callable[[], SiteConfig], config_file: Path, host: str = "127.0.0.1",
          port: int = 8000, open_browser: bool = True,
          on_ready: Callable[[str], None] = lambda url: None,
          on_build: Callable[[Rebuild], None] = lambda rebuild: None) -> None:
    """Build, serve and rebuild on change until Ctrl-C (KeyboardInterrupt, left to the caller).

    ``load`` reads the settings again on each change; ``config_file`` is the site.toml to watch.
    """
    config = load()
    state = LiveState(config)
    server = (_Server6 if ":" in host else _Server)((host, port), state)
    watch = _Watch(config_file.resolve())
    thread: threading.Thread | None = None
    try:
        watch.follow(config)
        on_build(_build(config, state, ()))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
        shown = f"[{shown}]" if ":" in shown else shown
        url = f"http://{shown}:{server.server_address[1]}{quote(state.base_path)}"
        on_ready(url)
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        _rebuild_on_change(load, config, watch, state, on_build)
    finally:
        watch.stop()
        state.close()  # ends the event streams
        if thread is not None:
            server.shutdown()
        server.server_close()
