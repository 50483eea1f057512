"""The crawl manifest: one JSON line per stored body, kept beside the raw store (`manifest.jsonl`).

It says what each file is (URL, final URL, title, breadcrumb, metadata block, list link text and date,
attachment name, status, headers, encoding, sha256, time fetched, township) and gives the ETag and
Last-Modified a second crawl sends back. Lines are only appended; the last line for a URL is current.

The first line is a header naming the format and its version (`{"format": "nianbao-crawl-manifest",
"version": 2}`), so that a file of the same name written by anything else is recognised and left
alone (one log line, never one per line). Manifests written before the header (version 1) are still
read when their first line is a record of ours.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from nianbao.schemas import SourceFacts
from nianbao.schemas.errors import UnreadableFile
from nianbao.sources.store import sha256_of

MANIFEST_NAME = "manifest.jsonl"
FORMAT = "nianbao-crawl-manifest"
VERSION = 2  # 1: no header line (records from the first line)
HEADER = {"format": FORMAT, "version": VERSION}
log = logging.getLogger("nianbao.sources.crawl")
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


@dataclass
class Record:
    """One stored body. `kind`: list (a column page), report (an article), attachment, image, frame.

    `path` is relative to the manifest's folder; `part_of` is the page an attachment, image or frame
    belongs to; `duplicate_of` names the first URL that gave the same bytes.
    """

    kind: str
    url: str
    final_url: str
    status: int
    sha256: str
    size: int
    path: str
    fetched: str
    encoding: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    breadcrumb: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    link_text: str | None = None
    link_date: str | None = None
    attachment_name: str | None = None
    part_of: str | None = None
    township: str | None = None
    township_from: str | None = None  # breadcrumb | column | issuer | title
    region: str | None = None
    issuer: str | None = None
    year: int | None = None
    published: str | None = None
    cms: str | None = None
    duplicate_of: str | None = None

    def to_json(self) -> str:
        """The record as one JSON line (no newline)."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """A record from a parsed line; unknown keys (from newer versions) are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


class Manifest:
    """The manifest of one crawl folder: read on open, appended to as bodies are stored (thread-safe).

    Args:
        folder: the crawl output folder (the raw store root); the manifest is `folder/manifest.jsonl`.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.file = self.folder / MANIFEST_NAME
        with _LOCKS_LOCK:
            self._lock = _LOCKS.setdefault(str(self.file.resolve()), threading.Lock())
        self.by_url: dict[str, Record] = {}
        self.by_sha: dict[str, Record] = {}
        self.version: int | None = None  # None: no manifest yet
        self.foreign: str | None = None  # why the file is not a manifest of ours (then it is not read)
        if self.file.is_file():
            self._read()

    def _read(self) -> None:
        """Read the file if it is ours; a line cut short by a crash loses only itself (one log line)."""
        with open(self.file, encoding="utf-8", errors="replace") as fh:
            first = fh.readline()
            self.version, self.foreign = _kind(first)
            if self.foreign is not None:
                log.warning("%s is not a nianbao crawl manifest (%s): ignored", self.file, self.foreign)
                return
            lines = fh if self.version != 1 else [first, *fh]
            skipped: list[str] = []
            for n, line in enumerate(lines, 2 if self.version != 1 else 1):
                if not line.strip():
                    continue
                try:
                    self._index(Record.from_dict(json.loads(line)))
                except (ValueError, TypeError) as exc:
                    skipped.append(f"line {n}: {exc}")
        if skipped:
            more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
            log.warning("%s: %d lines skipped (%s%s)", self.file, len(skipped), skipped[0], more)

    def _index(self, rec: Record) -> None:
        self.by_url[rec.url] = rec
        if rec.final_url != rec.url:
            self.by_url.setdefault(rec.final_url, rec)
        if rec.kind != "list" or rec.sha256 not in self.by_sha:
            if rec.sha256 not in self.by_sha or self.by_sha[rec.sha256].kind == "list":
                self.by_sha[rec.sha256] = rec

    def add(self, rec: Record) -> None:
        """Append a record (one line, written and flushed at once); a new manifest starts with its header.

        Raises:
            UnreadableFile: the folder holds a `manifest.jsonl` that is not ours (it is never written to).
        """
        with self._lock:
            if self.foreign is not None:
                raise UnreadableFile(str(self.file), f"not a nianbao crawl manifest ({self.foreign})")
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.file, "a", encoding="utf-8") as fh:
                if fh.tell() == 0:
                    fh.write(json.dumps(HEADER) + "\n")
                    self.version = VERSION
                fh.write(rec.to_json() + "\n")
            self._index(rec)

    def path_of(self, rec: Record) -> Path:
        """The stored body of a record."""
        return self.folder / rec.path

    def facts(self, sha256: str, path: str | Path | None = None) -> SourceFacts | None:
        """The `SourceFacts` of a stored body (looked up by sha256), or None when it is not listed.

        Args:
            sha256: the body's digest.
            path: the file to read (default: the stored copy).
        """
        rec = self.by_sha.get(sha256)
        if rec is None:
            return None
        return record_facts(rec, str(path) if path is not None else str(self.path_of(rec)))


def _kind(first: str) -> tuple[int, str | None]:
    """The version a manifest's first line declares, or why the file is not a manifest of ours.

    Args:
        first: the file's first line.
    """
    if not first.strip():  # created, nothing written yet
        return VERSION, None
    try:
        head = json.loads(first)
    except ValueError:
        return 0, "its first line is not JSON"
    if not isinstance(head, dict):
        return 0, "its first line is not a JSON object"
    if "format" in head:
        if head.get("format") != FORMAT:
            return 0, f"format {str(head.get('format'))[:40]!r}"
        version = head.get("version")
        return (version, None) if isinstance(version, int) and version >= 2 else (0, f"version {version!r}")
    required = {f.name for f in fields(Record) if f.default is MISSING and f.default_factory is MISSING}
    missing = required - set(head)
    if missing:  # a manifest of ours from before the header has a record on its first line
        return 0, "no format line, and its first line is no crawl record"
    return 1, None


def read_records(file: str | Path) -> list[Record]:
    """Every record of a manifest of ours, in order (the header skipped); [] for a file that is not ours.

    Args:
        file: a `manifest.jsonl`.
    """
    path = Path(file)
    with open(path, encoding="utf-8") as fh:
        version, foreign = _kind(fh.readline())
    if foreign is not None:
        return []
    lines = [ln for ln in path.read_text("utf-8").splitlines() if ln.strip()]
    return [Record.from_dict(json.loads(ln)) for ln in lines[1 if version != 1 else 0 :]]


def record_facts(rec: Record, path: str) -> SourceFacts:
    """A manifest record as the hand-off to extraction."""
    return SourceFacts(
        path=path,
        location=rec.final_url,
        sha256=rec.sha256,
        size=rec.size,
        title=rec.title or rec.link_text,
        issuer=rec.issuer,
        published=rec.published,
        year=rec.year,
        region=rec.region or rec.township,
        part_of=rec.part_of,
    )


def find_manifest(file: str | Path, levels: int = 3) -> Manifest | None:
    """The manifest of the crawl folder a file sits in (looked for in its parents), if any.

    A `manifest.jsonl` that is not ours is passed over (said once per process, in one log line). A
    manifest is read once per process while it is unchanged (a folder of files shares it).
    """
    p = Path(file).resolve().parent
    for _ in range(levels):
        candidate = p / MANIFEST_NAME
        if candidate.is_file():
            found = _cached(candidate)
            if found is not None:
                return found
        if p.parent == p:
            break
        p = p.parent
    return None


_read_cache: dict[Path, tuple[tuple[int, int], Manifest]] = {}


def _cached(file: Path) -> Manifest | None:
    """The manifest in `file` (read again only when its size or time changed); None when not ours."""
    try:
        st = file.stat()
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _read_cache.get(file)
    if hit is None or hit[0] != stamp:
        hit = (stamp, Manifest(file.parent))
        _read_cache[file] = hit
    manifest = hit[1]
    return None if manifest.foreign is not None else manifest


def crawl_facts(file: str | Path) -> SourceFacts | None:
    """The manifest's `SourceFacts` for a file that sits in a crawl folder (looked up by sha256), else None.

    Args:
        file: a stored body (or a copy of it) inside a crawl output folder.
    """
    manifest = find_manifest(file)
    if manifest is None:
        return None
    try:
        digest = sha256_of(file)
    except OSError:
        return None
    return manifest.facts(digest, str(file))
