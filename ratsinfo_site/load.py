"""Read content files: front matter with the line of every key, and the body."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from ratsinfo_site.errors import Problem, warning

KINDS = ("resolutions", "sessions", "committees", "topics")
KeyPath = tuple[Any, ...]


class Unparsed:
    """A value YAML could not turn into data; its problem is already reported."""

    def __repr__(self) -> str:
        return "<unparsed>"


UNPARSED = Unparsed()


@dataclass(frozen=True)
class RawDocument:
    """One content file: its front matter, where each key stands, and its body."""

    path: Path
    shown: str
    meta: dict[Any, Any]
    lines: dict[KeyPath, int]
    body: str
    body_line: int
    problems: tuple[Problem, ...] = field(default=())
    digest: str = ""  # SHA-256 of the file's bytes
    # the text of each value YAML reads as true or false ("nein" is text, "no" is False):
    # a label's value is shown as written, not as "False"
    written: dict[KeyPath, str] = field(default_factory=dict)
    # the same of each key, by the key's path: a label "yes" is shown so, not as "True"
    written_keys: dict[KeyPath, str] = field(default_factory=dict)

    def line(self, *key: Any) -> int:
        """The line of a key path, or of its nearest parent; 1 for the opening ``---``."""
        while key and key not in self.lines:
            key = key[:-1]
        return self.lines.get(key, 1)


class _AliasRefused(Exception):
    def __init__(self, line: int):
        self.line = line


# libyaml's C parser when PyYAML has it (about five times faster), else the Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INT = "tag:yaml.org,2002:int"
# YAML 1.1 also reads 010 as 8 (octal), 0x0A as 10, 1_0 as 10 and 1:30 as 90 (base 60):
# such a value is kept as written, never silently another number (a TOP, a vote count).
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"  # "<<:", which the format does not have


class WrittenFloat(float):
    """A number YAML reads as a float, with the text it was written as: an amount
    ``1.000`` (one thousand euro) or a budget code ``5110.6550`` is shown so, where the
    float would be 1.0 and 5110.655."""

    written: str


class _Reader:
    """Turns composed YAML nodes into data, noting the line of every key."""

    def __init__(self, loader: yaml.SafeLoader, offset: int):
        self.loader, self.offset = loader, offset
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[tuple[int, str]] = []
        self.written: dict[KeyPath, str] = {}  # of values read as true or false
        self.written_keys: dict[KeyPath, str] = {}  # of keys read as true or false
        self._seen: set[int] = set()

    def value(self, node: yaml.Node, key: KeyPath, line: int) -> Any:
        # An alias is the same node object met twice: refuse it (no alias bombs).
        if id(node) in self._seen:
            raise _AliasRefused(line)
        self._seen.add(id(node))
        self.lines.setdefault(key, node.start_mark.line + self.offset)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*key, i), item.start_mark.line + self.offset)
                    for i, item in enumerate(node.value)]
        if node.tag == _INT and not _DECIMAL.fullmatch(node.value):
            return node.value
        try:
            value = self.loader.construct_object(node, deep=True)
            if node.tag == _FLOAT:
                value = WrittenFloat(value)
                value.written = node.value
            elif isinstance(value, bool):
                self.written[key] = node.value
            return value
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            what = "impossible date" if node.tag.endswith(":timestamp") else "unreadable value"
            reason = getattr(exc, "problem", None) or str(exc)
            self.problems.append((node.start_mark.line + self.offset,
                                  f"{what} '{node.value}' ({reason})"))
            return UNPARSED

    def mapping(self, node: yaml.MappingNode, key: KeyPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        spelled: dict[Any, tuple[str, int]] = {}  # each key as first written, and its line
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + self.offset
            if key_node.tag == _MERGE:  # else an unreadable value and an unknown key
                self.problems.append((line, "merge keys ('<<') are not part of the format: "
                                      "write out the keys meant"))
                continue
            name = self.value(key_node, (*key, "\0key"), line)
            self.lines.pop((*key, "\0key"), None)
            written = self.written.pop((*key, "\0key"), None)
            if name is UNPARSED:  # its problem is reported
                continue
            if isinstance(name, list | dict):
                name = str(name)
            text = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(name)
            if name in spelled:  # 1 and true, yes and on are one key to YAML
                first, first_line = spelled[name]
                self.problems.append((line, f"'{text}' appears twice" if text == first else
                                      f"'{text}' is the same key to YAML as '{first}' (line "
                                      f"{first_line}): quote both to keep them apart"))
            else:
                spelled[name] = text, line
            if written is not None:
                self.written_keys[(*key, name)] = written
            self.lines[(*key, name)] = line
            result[name] = self.value(value_node, (*key, name), line)
        return result


def parse_yaml(text: str, offset: int) -> tuple[
        Any, dict[KeyPath, int], list[tuple[int, str]], dict[KeyPath, str], dict[KeyPath, str]]:
    """YAML text to data, key lines (1-based, shifted by ``offset``), problems, and the
    text of each value and of each key read as true or false."""
    loader = _Loader(text)
    reader = _Reader(loader, offset + 1)
    try:
        node = loader.get_single_node()
        data = reader.value(node, (), offset + 1) if node else {}
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + offset + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return {}, {}, [(line, f"broken YAML: {exc.reason} (U+{code:04X})")], {}, {}
    except _AliasRefused as exc:
        return {}, {}, [(exc.line, "YAML anchors and aliases (& and *) are not allowed in "
                         "front matter")], {}, {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + offset + 1 if mark else offset
        return {}, {}, [(line, f"broken YAML: {exc.problem or exc.context}")], {}, {}
    except (yaml.YAMLError, RecursionError) as exc:
        return {}, {}, [(offset, f"broken YAML: {type(exc).__name__}")], {}, {}
    finally:
        loader.dispose()
    return data, reader.lines, reader.problems, reader.written, reader.written_keys


# Invisible characters that text copied from PDFs, Word and web pages keeps inside words:
# the soft hyphen, the zero-width space, the word joiner, a byte-order mark within the text.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")


def as_read(text: str, form: str = "NFC") -> str:
    """Text as the archive holds it, from a file or a YAML escape ("\\u00fc").

    Invisible characters in a word make it unfindable by its spelling ("Haus\\u00adhalt"
    is not "Haushalt" to the index): dropped. "ü" may come as "u" and a combining mark
    (Unicode NFD: from a Mac, a PDF), the same to a reader but not to the index, nor to an
    address ("Ausschuss für …" twice): composed (``form``; NFKC for a PDF's text also
    turns ligatures into letters).
    """
    if text.isascii():  # most values: nothing to drop or compose
        return text
    return unicodedata.normalize(form, _INVISIBLE.sub("", text))


def as_value(text: str) -> str:
    """A front matter value as the archive holds it: as read (see as_read), without the
    control characters that YAML refuses in the file but makes of an escape ("\\x85",
    "\\uffff"): feeds with them are not read at all. A break becomes a space."""
    text = as_read(text)
    return _CONTROL.sub(_replacement, text) if _CONTROL.search(text) else text


def _replacement(control: re.Match[str]) -> str:
    return " " if control[0] in _BREAKS else ""


class NotUtf8(ValueError):
    """A file's bytes are not UTF-8: the message, and the line of the first bad byte."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def decoded(data: bytes) -> str:
    """A text file's bytes as text: UTF-8 without a byte order mark, lines ended by "\\n"
    (Windows' CR LF and old Macs' CR alike); NotUtf8 for other bytes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(data[: exc.start].count(b"\n") + 1, f"not UTF-8 (byte "
                      f"0x{data[exc.start]:02x}); save the file as UTF-8") from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_document(path: Path, shown: str, data: bytes | None = None) -> RawDocument:
    """Read one Markdown file with YAML front matter; problems travel with it."""
    data = path.read_bytes() if data is None else data
    digest = hashlib.sha256(data).hexdigest()

    def failed(line: int, message: str) -> RawDocument:
        return RawDocument(path, shown, {}, {}, "", 1, (Problem(shown, line, message),), digest)

    try:
        text = as_read(decoded(data))
    except NotUtf8 as exc:
        return failed(exc.line, str(exc))
    handler = frontmatter.YAMLHandler()
    if not text.strip():
        return failed(1, "empty file: a resolution needs front matter between --- lines")
    if not handler.detect(text) or not text.startswith("---"):
        return failed(1, "no front matter: the file must start with a line '---'")
    parts = handler.FM_BOUNDARY.split(text, 2)
    if len(parts) < 3:
        return failed(1, "front matter is not closed by a line '---'")
    _, fm_text, body = parts
    fm_start = text.index(fm_text, 3)
    offset = text.count("\n", 0, fm_start)
    meta, lines, found, written, written_keys = parse_yaml(fm_text, offset)
    lines[()] = 1  # a missing key is reported at the opening ---
    problems = [Problem(shown, line, message) for line, message in found]
    if not isinstance(meta, dict):
        problems.append(Problem(shown, 1, "front matter must be a mapping of keys to values"))
        meta = {}
    # the body is the text's tail; count from where it starts (the boundary may eat a "\n")
    body_start = len(text) - len(body)
    body_line = text.count("\n", 0, body_start) + 1 + len(body) - len(body.lstrip("\n"))
    body = body.strip("\n")
    if control := _CONTROL.search(body):
        line = body_line + body.count("\n", 0, control.start())
        body, count = _CONTROL.subn(_replacement, body)
        problems.append(warning(
            shown, line, f"control character U+{ord(control[0]):04X} in the text (of "
            f"{count} in all), which web pages and feeds cannot hold: removed (a line or page "
            "break from Word or a PDF: a space)"))
    return RawDocument(path, shown, meta, lines, body, body_line, tuple(problems), digest,
                       written, written_keys)


# Characters that HTML and XML do not allow (feeds with them are not read at all): C0 and
# C1 controls but tab and line end, and noncharacters. Front matter cannot hold them (YAML
# refuses them); in the text, the breaks Word and PDFs leave become spaces, others go.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_BREAKS = "\x0b\x0c\x85"  # vertical tab (Word's line break), form feed, next line


def find_documents(folder: Path) -> Iterator[Path]:
    """Every ``.md`` file below ``folder`` in a stable order, hidden ones skipped."""
    return map(Path, find_document_files(folder))


def find_document_files(folder: Path) -> Iterator[str]:
    """The paths of ``find_documents`` as strings (cheaper for 10,000 files)."""
    return (entry.path for entry in document_entries(folder))


def document_entries(folder: Path | str, others: list[str] | None = None
                     ) -> Iterator[os.DirEntry]:
    """The ``.md`` files below ``folder`` as directory entries, in the order of os.walk:
    a folder's files by name, then its folders by name; hidden ones and links to folders
    skipped. An entry knows its path without a join (10,000 files: 0.15 → 0.12 s).
    The paths of the other files ("x.MD", "x.markdown", "x.docx") go to ``others``."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    folders = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            if not entry.is_symlink():
                folders.append(entry)
        elif entry.name.endswith(".md"):
            yield entry
        elif others is not None:
            others.append(entry.path)
    for entry in folders:
        yield from document_entries(entry.path, others)


def show_path(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the site root where possible."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return os.path.relpath(path, root)


def readable(text: str) -> str:
    """A name or message read with bytes that are not UTF-8 kept (as Python's paths and
    "surrogateescape" keep them), with U+FFFD for each such byte: fit to show or write."""
    return text.encode(errors="surrogateescape").decode(errors="replace")
