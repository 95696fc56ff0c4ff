"""The ``ratsinfo`` command: the only place that prints or exits."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ratsinfo_site import __version__
from ratsinfo_site.build import CACHE, build
from ratsinfo_site.config import SiteConfig, load_config
from ratsinfo_site.errors import BuildError, Problem, ToolError, errors_in
from ratsinfo_site.i18n import catalogue
from ratsinfo_site.slugs import slugify


def _port(text: str) -> int:
    """A TCP port, 0 to 65535 (argparse reports anything else as a usage error)."""
    port = int(text) if text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port (0 to 65535)")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ratsinfo", description="Build a static, searchable "
                                     "archive of council resolutions from Markdown files.")
    parser.add_argument("--version", action="version", version=f"ratsinfo-site {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("build", "build the site into the output folder"),
                       ("check", "check the content; writes no output")):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--config", type=Path, help="site.toml (default: ./site.toml); its "
                         "folder is the site root")
        sub.add_argument("--content", type=Path, help="content folder (default: content/)")
        sub.add_argument("--layouts", type=Path, help="template overrides (default: layouts/)")
        sub.add_argument("--out", type=Path, help="output folder (default: public/)")
        sub.add_argument("--base-url", help="address the site is published at, e.g. "
                         "https://example.github.io/archiv/")
        sub.add_argument("--quiet", "-q", action="store_true",
                         help="no progress and no summary: errors and warnings only")
        if name == "build":
            sub.add_argument("--no-cache", action="store_true",
                             help="rebuild everything, ignoring .ratsinfo-cache/")
    for name, what, text in (
            ("import-text", "FILE", "turn plain-text Beschlussvorlagen into resolution files"),
            ("import-oparl", "DIR_OR_FILE", "turn OParl 1.0/1.1 JSON into resolution, session "
             "and committee files")):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("inputs", nargs="+", type=Path, metavar=what)
        sub.add_argument("--out", type=Path, help="content folder to write into (default: "
                         "the site's, content/ or content_dir in site.toml)")
        sub.add_argument("--force", action="store_true", help="replace files that exist")
    _authoring_commands(commands)
    return parser


def _text_arg(value: str) -> str:
    """A command-line text that must not be blank."""
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return value.strip()


def _reference_arg(value: str) -> str:
    """A reference with letters or digits in it: they make its address."""
    value = _text_arg(value)
    if not slugify(value):
        raise argparse.ArgumentTypeError(f"'{value}' has no letters or digits to make an address")
    return value


def _date_arg(value: str) -> dt.date:
    """A date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date YYYY-MM-DD") from None


def _authoring_commands(commands: argparse._SubParsersAction) -> None:
    """``serve`` and ``new``."""
    text = "build, serve on this machine, rebuild and reload the browser on every change"
    serve = commands.add_parser("serve", help=text, description=text)
    text = "write a new, non-public resolution file to fill in"
    new = commands.add_parser("new", help=text, description=text)
    new.add_argument("--reference", required=True, type=_reference_arg, metavar="REF",
                     help="Vorlagennummer, e.g. 2024/3/001")
    new.add_argument("--title", required=True, type=_text_arg, help="Betreff")
    new.add_argument("--committee", type=_text_arg, metavar="NAME",
                     help="first committee to consult (Gremium)")
    new.add_argument("--date", type=_date_arg, metavar="YYYY-MM-DD",
                     help="date of the paper (default: today)")
    new.add_argument("--type", type=_text_arg, help="Beschlussvorlage (default), Antrag, …")
    for sub, flag, metavar, what in (
            (serve, "--config", "FILE", "site.toml (default: ./site.toml)"),
            (serve, "--content", "DIR", "content folder (default: content/)"),
            (serve, "--layouts", "DIR", "template overrides (default: layouts/)"),
            (serve, "--out", "DIR", "output folder (default: public/)"),
            (new, "--config", "FILE", "site.toml (default: ./site.toml)"),
            (new, "--content", "DIR", "content folder (default: content/)")):
        sub.add_argument(flag, type=Path, metavar=metavar, help=what)
    serve.add_argument("--port", type=_port, default=8000,
                       help="default: 8000; 0 picks a free one")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: "
                       "127.0.0.1, this machine only)")
    serve.add_argument("--no-open", action="store_true", help="do not open a browser")


def _report(problems: list[Problem] | tuple[Problem, ...]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _settings(config: SiteConfig) -> SiteConfig:
    """The settings, where site.toml has no error (a build reports them with the
    content's problems; a command that reads no content, at once)."""
    if errors_in(config.problems):
        raise BuildError(list(config.problems))
    return config


def _import(args: argparse.Namespace) -> int:
    """Run an importer: warnings and errors to stderr, what was written to stdout."""
    from ratsinfo_site.importers import import_oparl, import_text
    run = import_text if args.command == "import-text" else import_oparl
    try:
        out = args.out or _relative(_settings(load_config()).content_dir)  # builds read it
        result = run(args.inputs, out, force=args.force)
    except BuildError as exc:  # site.toml
        _report(exc.problems)
        print("Import failed: nothing was written.", file=sys.stderr)
        return 1
    except OSError as exc:  # --out a file, a read-only or full disk
        print(f"error: {exc.filename or out}: {exc.strerror or exc}", file=sys.stderr)
        print("Import failed.", file=sys.stderr)
        return 1
    _report(result.problems)
    if any(not p.warning for p in result.problems):
        print("Import failed: nothing was written.", file=sys.stderr)
        return 1
    print(f"{len(result.written)} file(s) written to {out}")
    return 0


def _relative(path: Path) -> Path:
    """``path`` from the current folder where it lies below it (as the user wrote it)."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def _serve(args: argparse.Namespace) -> int:
    """Build, serve and rebuild on every change until Ctrl-C."""
    from ratsinfo_site.serve import Rebuild, serve
    paths = {key: getattr(args, flag).resolve() if getattr(args, flag) else None for key, flag
             in (("content_dir", "content"), ("layouts_dir", "layouts"), ("output_dir", "out"))}

    def built(rebuild: Rebuild) -> None:
        _report(rebuild.problems)
        changed = rebuild.changed[:3] + ((f"{len(rebuild.changed) - 3} more",)
                                         if len(rebuild.changed) > 3 else ())
        what = f"changed: {', '.join(changed)}; " if changed else ""
        if rebuild.result:
            print(f"{what}built {rebuild.result.pages} pages in {rebuild.result.seconds:.1f} s",
                  flush=True)
        else:
            print(f"{what}build failed: {sum(not p.warning for p in rebuild.problems)} error(s); "
                  "serving the last good site", file=sys.stderr, flush=True)

    try:
        serve(lambda: load_config(args.config, **paths), args.config or Path("site.toml"),
              args.host, args.port, not args.no_open, on_build=built,
              on_ready=lambda url: print(f"Serving {url} (Ctrl-C stops)", flush=True))
    except BuildError as exc:
        _report(exc.problems)
        return 1
    except OSError as exc:
        print(f"error: cannot serve on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped.")
    return 0


def _new(args: argparse.Namespace) -> int:
    """Write a new resolution file and print its path."""
    from ratsinfo_site.new import new_resolution
    try:
        config = _settings(load_config(args.config, content_dir=args.content.resolve()
                                       if args.content else None))
        path = new_resolution(config, args.reference, args.title, args.date, args.committee,
                              args.type)
    except BuildError as exc:
        _report(exc.problems)
        print("Nothing was written.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(_relative(path))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command.startswith("import-"):
        return _import(args)
    if args.command in ("serve", "new"):
        return _serve(args) if args.command == "serve" else _new(args)

    def absolute(path: Path | None) -> Path | None:
        return path.resolve() if path else None

    try:
        config = load_config(args.config, content_dir=absolute(args.content),
                             layouts_dir=absolute(args.layouts), output_dir=absolute(args.out),
                             base_url=args.base_url)
        if args.command == "check":
            from ratsinfo_site.make import check_archive
            archive, warnings = check_archive(config, config.root / CACHE)
            _report(warnings)
            if not args.quiet:
                print(f"OK: {len(archive.resolutions)} public resolutions, "
                      f"{len(archive.sessions)} sessions, {len(warnings)} warnings")
            return 0
        progress = _Progress() if not args.quiet and sys.stderr.isatty() else None
        try:
            result = build(config, use_cache=not args.no_cache, report=progress)
        finally:
            if progress:
                progress.clear()
    except BuildError as exc:
        _report(exc.problems)
        errors = sum(1 for p in exc.problems if not p.warning)
        print(f"Build failed: {errors} error(s); the output folder was not changed."
              if args.command == "build" else f"Check failed: {errors} error(s).",
              file=sys.stderr)
        return 1
    except (OSError, ToolError) as exc:  # a full disk, a folder not writable, no Pagefind
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        what = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        print(f"error: {where}{what}", file=sys.stderr)
        print("Build failed; the output folder was not changed." if args.command == "build"
              else "Check failed.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted; the output folder was not changed." if args.command == "build"
              else "\nInterrupted.", file=sys.stderr)
        return 130
    _report(result.warnings)
    if not args.quiet:
        c, t = result.counts, catalogue(config.language)
        print(t.messages["summary"].format(
            resolutions=t.counted(c["resolutions"], "resolution"),
            sessions=t.counted(c["sessions"], "session"),
            topics=t.counted(c["topics"], "topic"), seconds=f"{result.seconds:.1f}",
            rendered=t.number(result.rendered), pages=t.number(result.pages),
            output=config.output_dir))
    return 0


class _Progress:
    """One line on the terminal, rewritten in place: stage, bar, count."""

    WIDTH = 24

    def __init__(self) -> None:
        self.shown = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        filled = self.WIDTH * done // max(total, 1)
        line = f"{stage:<7} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}"
        if line != self.shown:
            print(f"\r{line}", end="", file=sys.stderr, flush=True)
            self.shown = line

    def clear(self) -> None:
        if self.shown:
            print("\r" + " " * len(self.shown) + "\r", end="", file=sys.stderr, flush=True)
