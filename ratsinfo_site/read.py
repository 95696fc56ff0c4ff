"""Every content file to its checked record: in parallel, and cached between builds."""

from __future__ import annotations

import hashlib
import os
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ratsinfo_site.errors import Problem
from ratsinfo_site.files import file_digest, read_cache, write_cache
from ratsinfo_site.load import KINDS, read_document
from ratsinfo_site.model import (
    COMMITTEE_KEYS,
    TOPIC_KEYS,
    FailedRef,
    Ref,
    listed_references,
    named_reference,
    parse_description,
    parse_resolution,
    parse_session,
)
from ratsinfo_site.parallel import Progress, pmap
from ratsinfo_site.privacy import PersonalData, personal_data
from ratsinfo_site.sources import Source
from ratsinfo_site.store import StoredMarkup, StoredText, TextStore, temporary_store


@dataclass(frozen=True)
class Parsed:
    """What one file gave: its record (None on errors), problems and content digest."""

    digest: str
    record: Any
    problems: tuple[Problem, ...]
    attachments: tuple[tuple[str, int, int], ...]  # (path, size, mtime_ns) of each listed file
    personal: tuple[PersonalData, ...] = ()  # looks like personal data; allow-list applied later
    # the reference a resolution file with errors gives, and its line: others may name it
    # all the same, and another file giving it too is reported at once; likewise its
    # aliases, and what it names (related, a session's agenda) is checked at once
    reference: str = ""
    reference_line: int = 1
    aliases: tuple[Ref, ...] = ()
    names: tuple[Ref, ...] = ()


def _attachment_stats(record: Any) -> tuple[tuple[str, int, int], ...]:
    stats = []
    for a in getattr(record, "attachments", ()):
        stat = a.source.stat()
        stats.append((str(a.source), stat.st_size, stat.st_mtime_ns))
    return tuple(stats)


def parse_source(source: Source, files_dir: Path, store: TextStore | None = None) -> Parsed:
    """Read and check one file; a resolution's long texts go to ``store`` when given."""
    path = source.path
    doc = read_document(path, source.shown, path.read_bytes())
    reference, line, aliases, names = "", 1, (), ()
    if source.kind == "resolutions":
        record, problems = parse_resolution(doc, files_dir)
        if record is None:
            reference, line = named_reference(doc), doc.line("reference")
            aliases, names = (listed_references(doc, "aliases"),
                              listed_references(doc, "related"))
        if record is not None and store is not None:
            text, decision, body = store.put(doc.digest, record.text, record.decision,
                                             record.body)
            record = replace(record, text=StoredText(*text), decision=StoredMarkup(*decision),
                             body=StoredMarkup(*body))
    elif source.kind == "sessions":
        record, problems = parse_session(doc)
        if record is None:
            names = listed_references(doc, "agenda")
    else:
        record, problems = parse_description(
            doc, COMMITTEE_KEYS if source.kind == "committees" else TOPIC_KEYS)
    return Parsed(doc.digest, record, tuple(problems), _attachment_stats(record),
                  personal_data(source.kind, doc), reference, line, aliases, names)


class RecordCache:
    """Parsed files of the last build, keyed by path; valid for one version of the code.

    Kept in ``SHARDS`` files by a checksum of the path, so that a build that parsed a few
    files writes only the files that hold them. Resolutions' long texts live in ``store``
    (see store.py): beside the cache, or for a build without a cache in a folder of the
    process.
    """

    SHARDS = 32

    def __init__(self, folder: Path | None, code: str):
        self.folder = folder / "records" if folder else None
        self.store = TextStore(folder / "texts", code) if folder else temporary_store(code)
        self.code = code
        self.entries: dict[str, tuple[int, int, Parsed]] = {}
        for n in range(self.SHARDS) if self.folder else ():
            stored = read_cache(self._shard(n), code)
            if isinstance(stored, dict):
                self.entries.update(stored)

    def _shard(self, n: int) -> Path:
        assert self.folder is not None
        return self.folder / f"{n:02d}.pickle"

    def lookup(self, source: Source) -> Parsed | None:
        """The cached result when neither the file nor its attachments changed.

        A file, or an attachment, with another size or time counts as changed only when
        its bytes did: a fresh checkout (every file a new time, as on a CI runner) read
        every resolution with an attachment again, whose page then came out the same.
        """
        entry = self.entries.get(source.file)
        if entry is None:
            return None
        size, mtime_ns, parsed = entry
        if (size, mtime_ns) != (source.size, source.mtime_ns):
            data = source.path.read_bytes()
            if hashlib.sha256(data).hexdigest() != parsed.digest:
                return None
        stats = []
        digests = {str(a.source): a.digest for a in getattr(parsed.record, "attachments", ())}
        for path, a_size, a_mtime in parsed.attachments:
            try:
                stat = os.stat(path)
                if (stat.st_size, stat.st_mtime_ns) != (a_size, a_mtime) and \
                        (stat.st_size != a_size or file_digest(path) != digests.get(path)):
                    return None
            except OSError:
                return None
            stats.append((path, stat.st_size, stat.st_mtime_ns))
        if not all(text.exists() for text in _stored(parsed.record)):
            return None  # its texts were removed from the store
        if tuple(stats) != parsed.attachments:  # kept with the times it has now
            return replace(parsed, attachments=tuple(stats))
        return parsed

    def save(self, parsed: dict[Source, Parsed]) -> None:
        """Store what was parsed; only the files whose entries changed are written."""
        if not self.folder:
            return
        shards: list[dict[str, tuple[int, int, Parsed]]] = [{} for _ in range(self.SHARDS)]
        changed = {self._number(key) for key in self.entries.keys() - {s.file for s in parsed}}
        for source, result in parsed.items():
            entry = (source.size, source.mtime_ns, result)
            n = self._number(source.file)
            shards[n][source.file] = entry
            old = self.entries.get(source.file)
            if old is None or old[:2] != entry[:2] or old[2] is not result:
                changed.add(n)
        for n in sorted(changed):
            write_cache(self._shard(n), self.code, shards[n])
        (self.folder.parent / "records.pickle").unlink(missing_ok=True)  # before the shards
        self.store.prune({text.path for p in parsed.values() for text in _stored(p.record)})

    def _number(self, key: str) -> int:
        return zlib.crc32(key.encode()) % self.SHARDS


def _stored(record: Any) -> list[StoredText]:
    return [v for v in (getattr(record, "text", None), getattr(record, "decision", None),
                        getattr(record, "body", None)) if isinstance(v, StoredText)]


def records_by_kind(parsed: dict[Source, Parsed]
                    ) -> tuple[dict[str, list[Any]], list[Problem], list[FailedRef]]:
    """The records of the files without errors, by kind, every problem found, and the
    references that resolution files with errors give (each with its file and line)."""
    records: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    problems: list[Problem] = []
    failed: list[FailedRef] = []
    for source, result in parsed.items():
        problems.extend(result.problems)
        if result.record is not None:
            records[source.kind].append(result.record)
        elif result.reference or result.aliases or result.names:
            failed.append(FailedRef(result.reference, source.shown, result.reference_line,
                                    result.aliases, result.names,
                                    "agenda entry" if source.kind == "sessions" else "related"))
    return records, problems, failed


def read_sources(sources: list[Source], files_dir: Path, cache: RecordCache,
                 progress: Progress | None = None) -> dict[Source, Parsed]:
    """Parse every source, reusing the cache, the new ones spread over all cores."""
    parsed: dict[Source, Parsed] = {}
    todo = []
    for source in sources:
        hit = cache.lookup(source)
        if hit is None:
            todo.append(source)
        else:
            parsed[source] = hit
    for source, result in zip(todo, pmap(lambda s: parse_source(s, files_dir, cache.store), todo,
                                         progress=progress), strict=True):
        parsed[source] = result
    return {s: parsed[s] for s in sources}
