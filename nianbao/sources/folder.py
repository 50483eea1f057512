"""Local files: walk a folder (or take one file) and yield a `Fetched` for every report-like file.

One bad entry costs only itself: a FIFO or device named like a report, a dangling or looping
symlink, a file over the size limit or one that cannot be read becomes a `FetchFailure` with its
reason, and the walk goes on. Nothing is opened before it is known to be a regular file, and a file
over `LIMITS.max_file_bytes` is never hashed or copied (a sparse terabyte would take an hour).
"""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterator
from pathlib import Path

from nianbao.extractors.readers.guard import check_size, open_regular
from nianbao.schemas.errors import UnreadableFile
from nianbao.schemas.text import path_text
from nianbao.sources.fetched import Fetched, FetchFailure
from nianbao.sources.store import RawStore

# Suffixes of files a report can come in; anything else in a folder (expected JSON, notes) is ignored.
REPORT_SUFFIXES = frozenset(
    ".docx .doc .wps .pdf .html .htm .shtml .jhtml .txt .xls .xlsx .et .png .jpg .jpeg .tif .tiff".split()
)

NO_REPORT_FILES = (
    "no report files in this folder (looked for .pdf .doc(x) .wps .html .txt .xls(x) .et and images)"
)


def iter_folder(
    folder: str | Path, region: str | None = None, store: RawStore | None = None
) -> Iterator[Fetched | FetchFailure]:
    """Yield every report-like file under `folder`, recursively, in sorted path order.

    Args:
        folder: the folder to walk; hidden files and folders are skipped, symlinked folders not followed.
        region: the region code the files belong to.
        store: when given, each file is also kept in the raw store (so `reprocess` can find it by sha256).
    """
    for path in report_paths(folder):
        yield ingest(path, region, store)


def report_paths(folder: str | Path) -> Iterator[Path]:
    """The report-like entries under `folder`, recursively and sorted; hidden ones and folders skipped.

    Special files named like reports are yielded too, so that whoever reads them says why they fail.
    """
    root = Path(folder)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() in REPORT_SUFFIXES and not path.is_dir():
            yield path


def has_report_files(folder: str | Path) -> bool:
    """True when `folder` holds at least one report-like file (see `report_paths`)."""
    return next(iter(report_paths(folder)), None) is not None


def iter_glob(
    pattern: str, region: str | None = None, store: RawStore | None = None
) -> Iterator[Fetched | FetchFailure]:
    """Yield every report-like file matching a glob pattern (`**` matches any depth), sorted.

    Args:
        pattern: an absolute pattern, e.g. /data/reports/*/songxi_*.
        region: the region code the files belong to.
        store: when given, each file is also kept in the raw store.
    """
    for name in sorted(glob.glob(pattern, recursive=True)):
        path = Path(name)
        if path.suffix.lower() in REPORT_SUFFIXES and not path.is_dir():
            yield ingest(path, region, store)


def ingest(
    path: str | Path, region: str | None = None, store: RawStore | None = None
) -> Fetched | FetchFailure:
    """One local file as a `Fetched`, or a `FetchFailure` saying why it cannot be read; never raises."""
    try:
        return ingest_file(path, region, store)
    except UnreadableFile as exc:
        return FetchFailure(path_text(path), exc.reason, region)
    except OSError as exc:
        return FetchFailure(path_text(path), f"cannot read file: {exc.strerror or exc}", region)


def ingest_file(path: str | Path, region: str | None = None, store: RawStore | None = None) -> Fetched:
    """One local file as a `Fetched`.

    Raises:
        UnreadableFile: not a regular file (after symlinks), empty, or over `LIMITS.max_file_bytes`.
        OSError: the file could not be read or kept in the store.
    """
    p = Path(path)
    size = check_size(str(p))
    h = hashlib.sha256()
    with open_regular(str(p)) as fh:  # never blocks: a file swapped for a FIFO is refused
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    if store is not None:
        store.put_file(p, digest)
    return Fetched(location=path_text(p), path=str(p), sha256=digest, size=size, region=region)
