"""Site settings: ``site.toml`` in the site root, then command-line overrides."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, urlsplit

from ratsinfo_site.errors import BuildError, Problem, warning

LANGUAGES = ("de", "en")
# The accessibility statement (Erklärung zur Barrierefreiheit), imprint and privacy pages.
STATEMENT_KEYS = {
    "accessibility_contact", "accessibility_checked", "accessibility_status", "enforcement_body",
    "imprint_url", "privacy_url", "sign_language_url",
}
ACCESSIBILITY_STATUS = ("full", "partial", "none")
KNOWN_KEYS = STATEMENT_KEYS | {
    "title", "body", "base_url", "language", "content_dir", "layouts_dir", "output_dir",
    "privacy_allow",
}
LIST_KEYS = {"privacy_allow"}  # lists of strings; every other key is one string
FLAGS = {"content_dir": "--content", "layouts_dir": "--layouts", "output_dir": "--out",
         "base_url": "--base-url"}  # the command-line flags that override a key


@dataclass(frozen=True)
class SiteConfig:
    """Everything the build needs to know about one site."""

    root: Path
    title: str = ""
    body: str = ""
    base_url: str = "/"
    language: str = "de"
    content_dir: Path = field(default=Path("content"))
    layouts_dir: Path = field(default=Path("layouts"))
    output_dir: Path = field(default=Path("public"))
    # Official addresses, numbers, e-mails that public text may hold (no privacy warning).
    privacy_allow: tuple[str, ...] = ()
    accessibility_contact: str = ""  # e-mail address or URL for feedback on barriers
    accessibility_checked: str = ""  # YYYY-MM-DD of the last check
    accessibility_status: str = "partial"  # full, partial or none (WCAG 2.1 AA, BITV 2.0)
    enforcement_body: str = ""  # Markdown; empty: the catalogue's default for Germany
    imprint_url: str = ""
    privacy_url: str = ""
    sign_language_url: str = ""  # a video in German Sign Language (DGS)
    # what is wrong in site.toml and the flags, reported with the content's problems (all
    # at once); a setting with an error is left at its default meanwhile and named here
    problems: tuple[Problem, ...] = ()
    rejected: frozenset[str] = frozenset()
    # where each setting was given: (site.toml as named, its line), or (its flag, 1); not
    # in the repr, which the cache compares (a comment added in site.toml changes nothing)
    origins: dict[str, tuple[str, int]] = field(default_factory=dict, repr=False,
                                                compare=False)

    def origin(self, key: str) -> tuple[str, int]:
        """Where the setting ``key`` was given, for a problem with it: file and line."""
        return self.origins.get(key, ("site.toml", 1))

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``, with a slash at both ends; percent-encoded where
        it is not ASCII (``/bürger/`` → ``/b%C3%BCrger/``), as an address must be."""
        path = quote(urlsplit(self.base_url).path.strip("/"), safe="/%!$&'()*+,;=:@-._~")
        return f"/{path}/" if path else "/"

    @property
    def host(self) -> str | None:
        """``scheme://host`` of ``base_url``, or None when it has none."""
        parts = urlsplit(self.base_url)
        if not (parts.scheme in ("http", "https") and parts.netloc):
            return None
        host, colon, port = parts.netloc.partition(":")
        with contextlib.suppress(UnicodeError):  # müllheim.de → xn--mllheim-n2a.de
            host = host.encode("idna").decode("ascii")
        return f"{parts.scheme}://{host}{colon}{port}"


def _line_of(text: str, key: str) -> int:
    # a key = value, or a table [key] (a section that site.toml has none of), the key
    # maybe quoted ("title" = …) or dotted (title.de = …, [title.de]); not "\s*" before
    # it, which took the blank lines above it in (the line of the first of them)
    name = rf"[\"']?{re.escape(key)}[\"']?[ \t]*"
    match = re.search(rf"^[ \t]*(?:{name}[=.]|\[+[ \t]*{name}[\].])", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _value_problems(values: dict[str, object]) -> Iterator[tuple[str, str]]:
    """The settings whose value has not the form it must have: (key, message)."""
    for key, value in values.items():
        if key in LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                yield key, f"'{key}' must be a list of strings"
        elif key in KNOWN_KEYS and not isinstance(value, str):
            yield key, f"'{key}' must be a string"
    if values.get("language", "de") not in LANGUAGES:
        yield "language", f"'language' must be one of {', '.join(LANGUAGES)}"
    if values.get("accessibility_status", "partial") not in ACCESSIBILITY_STATUS:
        yield "accessibility_status", ("'accessibility_status' must be one of "
                                       + ", ".join(ACCESSIBILITY_STATUS))
    for key in ("imprint_url", "privacy_url", "sign_language_url", "accessibility_contact"):
        value = values.get(key)
        if isinstance(value, str) and value and (problem := _address_problem(key, value)):
            yield key, problem
    checked = values.get("accessibility_checked")
    if isinstance(checked, str) and checked:
        try:
            dt.date.fromisoformat(checked)
        except ValueError:
            yield "accessibility_checked", "'accessibility_checked' must be a date (YYYY-MM-DD)"
    if isinstance(base_url := values.get("base_url"), str) and (
            problem := _base_url_problem(base_url)):
        yield "base_url", problem


def _spaced(value: str) -> bool:
    """Whether an address holds a space or a control character (no link can)."""
    return any(c.isspace() or not c.isprintable() for c in value)


_EMAIL = re.compile(r"[^@\s/:]+@[^@\s/:]+\.[^@\s/:]+")


def _address_problem(key: str, value: str) -> str | None:
    """A link every page's footer or the statement shows: an http(s) address or a path
    (an e-mail address too for ``accessibility_contact``), never 'www.…' or 'javascript:'."""
    if key == "accessibility_contact" and _EMAIL.fullmatch(value.removeprefix("mailto:")):
        return None
    parts = urlsplit(value)
    linkable = (value.startswith("/") and not value.startswith("//")) or (
        parts.scheme in ("http", "https") and bool(parts.netloc))
    if linkable and not _spaced(value):
        return None
    what = "an e-mail address, " if key == "accessibility_contact" else ""
    return (f"'{key}' must be {what}an address such as 'https://example.org/impressum' or a "
            f"path such as '/impressum/', not '{value}'")


_HOST_LIKE = re.compile(r"[^/:]+\.[^\W\d_]{2,}(?::\d+)?(?:/|$)")  # "stadt.github.io/…"
# A host name holds none of the characters an address must escape ("<>`{}|\\^ and the quote)
_NETLOC = re.compile(r"[^\s/?#@:\"<>`{}|\\^]+(?::\d{1,5})?")


def _base_url_problem(value: str) -> str | None:
    """What is wrong with a ``base_url``: it is a path, or http(s)://host/path."""
    parts = urlsplit(value)
    if not parts.scheme and not value.startswith("/") and _HOST_LIKE.match(value):
        return (f"base_url '{value}' begins with a host name but not with https://: write "
                f"'https://{value}' (or a path such as '/archiv/')")
    if _spaced(value) or parts.query \
            or parts.fragment or value.endswith(("?", "#")) or value.startswith("//") \
            or (parts.scheme and (
                parts.scheme not in ("http", "https")
                or not _NETLOC.fullmatch(parts.netloc))):
        return (f"base_url '{value}' is not an address such as 'https://example.org/archiv/' "
                "or a path such as '/archiv/'")
    return None


def load_config(config_file: Path | None = None, **overrides: object) -> SiteConfig:
    """Read ``site.toml`` (if any) and apply overrides that are not None.

    Paths in the file are relative to its folder; override paths are taken as given.
    """
    given = config_file is not None
    config_file = config_file or Path("site.toml")
    root = config_file.resolve().parent
    shown = str(config_file)
    values: dict[str, object] = {}
    problems: list[Problem] = []
    text = ""
    if config_file.is_file():
        data = config_file.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:  # as a content file's (see load.py)
            line = data.count(b"\n", 0, exc.start) + 1
            raise BuildError([Problem(shown, line, f"not UTF-8 (byte 0x{data[exc.start]:02x}); "
                                      "save the file as UTF-8")]) from None
        try:
            values = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 1
            raise BuildError([Problem(shown, line, f"broken TOML: {exc}")]) from None
        for key, value in values.items():
            if key not in KNOWN_KEYS:
                problems.append(warning(shown, _line_of(text, key), f"unknown key '{key}' "
                                        "(ignored)"))
            elif key == "accessibility_checked" and isinstance(value, dt.date):
                values[key] = value.isoformat()[:10]
    elif given:
        raise BuildError([Problem(shown, 1, "config file not found")])
    rejected = set()
    for key, problem in _value_problems(values):
        problems.append(Problem(shown, _line_of(text, key), problem))
        rejected.add(key)
    settings = {k: v for k, v in values.items() if k in KNOWN_KEYS and k not in rejected}
    if isinstance(base_url := overrides.get("base_url"), str) and (
            problem := _base_url_problem(base_url)):
        problems.append(Problem("--base-url", 1, problem))
        rejected.add("base_url")
        overrides = {**overrides, "base_url": None}
    settings.update({k: v for k, v in overrides.items() if v is not None and k in KNOWN_KEYS})
    settings.update({k: tuple(settings[k]) for k in LIST_KEYS if k in settings})
    origins = {key: (shown, _line_of(text, key)) for key in KNOWN_KEYS}
    origins.update({key: (flag, 1) for key, flag in FLAGS.items()
                    if overrides.get(key) is not None})
    config = SiteConfig(root=root, problems=tuple(problems), rejected=frozenset(rejected),
                        origins=origins)
    for key in ("content_dir", "layouts_dir", "output_dir"):
        if key in settings:
            settings[key] = root / Path(str(settings[key]))
        else:
            settings[key] = root / getattr(config, key)
    # A link to the folder a web server serves: the build replaces that folder, not the link.
    settings["output_dir"] = settings["output_dir"].resolve()
    config = replace(config, **settings)
    if problem := _output_problem(config):
        raise BuildError([Problem(*config.origin("output_dir"), problem)])
    named = overrides.get("layouts_dir") is not None or "layouts_dir" in values
    if named and not config.layouts_dir.is_dir():  # the office's templates, left out unseen
        raise BuildError([Problem(*config.origin("layouts_dir"), "layouts folder not found")])
    return config


def _output_problem(config: SiteConfig) -> str | None:
    """Why the output folder cannot be one: a build replaces it as a whole, so it must
    not be, hold or lie in the content or layouts folder, nor be or hold the site's root."""
    if config.output_dir.exists() and not config.output_dir.is_dir():
        return ("the output folder is a file, which a build would replace: choose a folder "
                "of its own, such as 'public'")
    above = next(path for path in config.output_dir.parents if path.exists())
    if not above.is_dir():  # "notes.txt/public": no folder can be made there
        name = above.relative_to(config.root) if above.is_relative_to(config.root) else above
        return (f"the output folder lies under '{name}', which is a file, not a folder: "
                "choose a folder of its own, such as 'public'")
    out = config.output_dir.resolve()
    for folder, what in ((config.root, "the site's folder"),
                         (config.content_dir, "the content folder"),
                         (config.layouts_dir, "the layouts folder")):
        folder = folder.resolve()
        if folder.is_relative_to(out):
            where = "is" if folder == out else "holds"
            return (f"the output folder {where} {what}, which a build would replace: "
                    "choose a folder of its own, such as 'public'")
        if out.is_relative_to(folder) and folder != config.root.resolve():
            return (f"the output folder lies in {what}: choose a folder of its own, such "
                    "as 'public'")
    return None
