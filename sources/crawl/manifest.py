"""The crawl manifest: one JSON line per stored body, kept beside the raw store (`manifest.jsonl`).

It says what each file is (URL, final URL, title, breadcrumb, metadata block, list link text and date,
attachment name, status, headers, encoding, sha256, time fetched, township) and gives the ETag and
Last-Modified a second crawl sends back. Lines are only appended; the last line for a URL is current.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from nianbao.schemas import SourceFacts
from nianbao.sources.store import sha256_of

MANIFEST_NAME = "manifest.jsonl"
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
        if self.file.is_file():
            for n, line in enumerate(self.file.read_text("utf-8").splitlines(), 1):
                try:
                    self._index(Record.from_dict(json.loads(line)))
                except (ValueError, TypeError) as exc:  # a line cut short by a crash loses only itself
                    log.warning("%s line %d skipped: %s", self.file, n, exc)

    def _index(self, rec: Record) -> None:
        self.by_url[rec.url] = rec
        if rec.final_url != rec.url:
            self.by_url.setdefault(rec.final_url, rec)
        if rec.kind != "list" or rec.sha256 not in self.by_sha:
            if rec.sha256 not in self.by_sha or self.by_sha[rec.sha256].kind == "list":
                self.by_sha[rec.sha256] = rec

    def add(self, rec: Record) -> None:
        """Append a record (one line, written and flushed at once)."""
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.file, "a", encoding="utf-8") as fh:
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
    """The manifest of the crawl folder a file sits in (looked for in its parents), if any."""
    p = Path(file).resolve().parent
    for _ in range(levels):
        if (p / MANIFEST_NAME).is_file():
            return Manifest(p)
        if p.parent == p:
            break
        p = p.parent
    return None


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
