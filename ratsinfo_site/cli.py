"""The ``ratsinfo`` command: the only place that prints or exits."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ratsinfo_site import __version__
from ratsinfo_site.build import build, read_archive
from ratsinfo_site.config import load_config
from ratsinfo_site.errors import BuildError, Problem


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ratsinfo", description="Build a static, searchable "
                                     "archive of council resolutions from Markdown files.")
    parser.add_argument("--version", action="version", version=f"ratsinfo-site {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("build", "build the site into the output folder"),
                       ("check", "check the content, write nothing")):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--config", type=Path, help="site.toml (default: ./site.toml); its "
                         "folder is the site root")
        sub.add_argument("--content", type=Path, help="content folder (default: content/)")
        sub.add_argument("--layouts", type=Path, help="template overrides (default: layouts/)")
        sub.add_argument("--out", type=Path, help="output folder (default: public/)")
        sub.add_argument("--base-url", help="address the site is published at, e.g. "
                         "https://example.github.io/archiv/")
        sub.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    for name, what, text in (
            ("import-text", "FILE", "turn plain-text Beschlussvorlagen into resolution files"),
            ("import-oparl", "DIR_OR_FILE", "turn OParl 1.0/1.1 JSON into resolution, session "
             "and committee files")):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("inputs", nargs="+", type=Path, metavar=what)
        sub.add_argument("--out", type=Path, default=Path("content"),
                         help="content folder to write into (default: content/)")
        sub.add_argument("--force", action="store_true", help="replace files that exist")
    return parser


def _report(problems: list[Problem] | tuple[Problem, ...]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _import(args: argparse.Namespace) -> int:
    """Run an importer: warnings and errors to stderr, what was written to stdout."""
    from ratsinfo_site.importers import import_oparl, import_text
    run = import_text if args.command == "import-text" else import_oparl
    result = run(args.inputs, args.out, force=args.force)
    _report(result.problems)
    if any(not p.warning for p in result.problems):
        print("Import failed: nothing was written.", file=sys.stderr)
        return 1
    print(f"{len(result.written)} file(s) written to {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command.startswith("import-"):
        return _import(args)

    def absolute(path: Path | None) -> Path | None:
        return path.resolve() if path else None

    try:
        config = load_config(args.config, content_dir=absolute(args.content),
                             layouts_dir=absolute(args.layouts), output_dir=absolute(args.out),
                             base_url=args.base_url)
        if args.command == "check":
            archive, warnings = read_archive(config)
            _report(warnings)
            if not args.quiet:
                print(f"OK: {len(archive.resolutions)} public resolutions, "
                      f"{len(archive.sessions)} sessions, {len(warnings)} warnings")
            return 0
        result = build(config)
    except BuildError as exc:
        _report(exc.problems)
        errors = sum(1 for p in exc.problems if not p.warning)
        print(f"Build failed: {errors} error(s); the output folder was not changed."
              if args.command == "build" else f"Check failed: {errors} error(s).",
              file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    _report(result.warnings)
    if not args.quiet:
        a = result.archive
        print(f"{len(a.resolutions)} Beschlüsse, {len(a.sessions)} Sitzungen, "
              f"{len(a.committees)} Gremien, {len(a.topics)} Themen: {result.pages} pages "
              f"in {result.seconds:.1f} s → {config.output_dir}")
    return 0
