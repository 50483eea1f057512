"""Local files: walk a folder (or take one file) and yield a `Fetched` for every report-like file."""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from sources.fetched import Fetched
from sources.store import RawStore, sha256_of

# Suffixes of files a report can come in; anything else in a folder (expected JSON, notes) is ignored.
REPORT_SUFFIXES = frozenset(
    ".docx .doc .wps .pdf .html .htm .shtml .jhtml .txt .xls .xlsx .et .png .jpg .jpeg .tif .tiff".split()
)


def iter_folder(
    folder: str | Path, region: str | None = None, store: RawStore | None = None
) -> Iterator[Fetched]:
    """Yield every report-like file under `folder`, recursively, in sorted path order.

    Args:
        folder: the folder to walk; hidden files and folders are skipped.
        region: the region code the files belong to.
        store: when given, each file is also kept in the raw store (so `reprocess` can find it by sha256).
    """
    root = Path(folder)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and path.suffix.lower() in REPORT_SUFFIXES:
            yield ingest_file(path, region, store)


def iter_glob(pattern: str, region: str | None = None, store: RawStore | None = None) -> Iterator[Fetched]:
    """Yield every report-like file matching a glob pattern (`**` matches any depth), sorted.

    Args:
        pattern: an absolute pattern, e.g. /data/reports/*/songxi_*.
        region: the region code the files belong to.
        store: when given, each file is also kept in the raw store.
    """
    for name in sorted(glob.glob(pattern, recursive=True)):
        path = Path(name)
        if path.is_file() and path.suffix.lower() in REPORT_SUFFIXES:
            yield ingest_file(path, region, store)


def ingest_file(path: str | Path, region: str | None = None, store: RawStore | None = None) -> Fetched:
    """One local file as a `Fetched`; raises OSError when it cannot be read."""
    p = Path(path)
    digest = sha256_of(p)
    if store is not None:
        store.put_file(p, digest)
    return Fetched(location=str(p), path=str(p), sha256=digest, size=p.stat().st_size, region=region)
