"""Read-only snapshots for analysts and Parquet exports.

Why snapshots: DuckDB allows one writing process per file, and a reader in another process cannot
open a file that a writer holds. So the pipeline writes the working file and, after each load,
publishes a complete copy next to the snapshot path and `os.replace`s it over the old one. The
rename is atomic: a new `duckdb.connect(snapshot, read_only=True)` sees either the old or the new
file, never half of one. A connection that was open before the rename keeps reading the old inode
(the old file stays alive until it is closed), so long-running analyst sessions see a consistent,
if older, state; reconnect to see the new one. Within one Python process DuckDB caches database
instances by path, so close every connection to the snapshot before reconnecting.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import duckdb

# Tables exported partitioned by year (joined to reports for the year), and those exported whole.
# `cells` and `findings` are the record as loaded (printed values); `current_cells` and
# `current_findings` are what analysts read: corrections applied and marked, findings with status.
PARTITIONED = {
    "reports": "SELECT * FROM reports",
    "cells": "SELECT c.*, r.year FROM cells c JOIN reports r USING (report_id)",
    "findings": "SELECT f.*, r.year FROM findings f JOIN reports r USING (report_id)",
    "narratives": "SELECT n.*, r.year FROM narratives n JOIN reports r USING (report_id)",
    "current_cells": "SELECT c.*, r.year FROM current_cells c JOIN current_reports r USING (report_id)",
    "current_findings": "SELECT * FROM current_findings",
}
WHOLE = (
    "regions",
    "sources",
    "template_rows",
    "template_columns",
    "crosswalk",
    "overrides",
    "findings_answered",
)


def publish_snapshot(con: duckdb.DuckDBPyConnection, db_path: Path, snapshot_path: Path) -> Path:
    """Copy the checkpointed working file to a temp file beside `snapshot_path`, check it, rename it.

    Args:
        con: the (only) writing connection to the working database; no write may be in flight.
        db_path: path of the working database file.
        snapshot_path: where analysts open the snapshot read-only.

    Returns:
        The snapshot path.
    """
    snapshot_path = snapshot_path.resolve()
    snapshot_path.parent.mkdir(parents=True, exist_ok=True)
    # After CHECKPOINT the main file holds every committed change and the WAL is empty, so a byte
    # copy is a complete database. Same directory as the target, so os.replace is a rename.
    con.execute("CHECKPOINT")
    tmp = snapshot_path.with_name(f".{snapshot_path.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(db_path, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _check_snapshot(tmp)
        os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # analysts' copy is read-only
        os.replace(tmp, snapshot_path)
        _fsync_dir(snapshot_path.parent)
    finally:
        if tmp.exists():
            tmp.unlink()
        wal = tmp.with_name(tmp.name + ".wal")
        if wal.exists():
            wal.unlink()
    return snapshot_path


def _check_snapshot(path: Path) -> None:
    """Open the copy read-only and touch every table, so a bad copy is never published."""
    check = duckdb.connect(str(path), read_only=True)
    try:
        check.execute("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM cells)").fetchall()
    finally:
        check.close()


def snapshot_readable(path: Path) -> bool:
    """True when `path` is a published snapshot analysts can open (False: missing or damaged)."""
    try:
        _check_snapshot(path)
    except duckdb.Error:
        return False
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Path]:
    """Write every table as Parquet: the report tables under <table>/year=YYYY/, the rest whole.

    `current_cells` holds the current values (corrections applied, each marked with its printed
    value, who, when and why) and `current_findings` every finding with its status (open or
    corrected); `cells` and `findings` are the record as loaded. Superseded versions are exported too (filter on reports.superseded_by IS NULL for current
    ones), so an export is a complete, lossless copy. Earlier output in `out_dir` is replaced.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, query in PARTITIONED.items():
        target = out_dir / name
        con.execute(
            f"COPY ({query}) TO '{_sql_path(target)}' (FORMAT parquet, PARTITION_BY (year), OVERWRITE)"
        )
    for name in WHOLE:
        con.execute(f"COPY {name} TO '{_sql_path(out_dir / (name + '.parquet'))}' (FORMAT parquet)")
    return sorted(out_dir.rglob("*.parquet"))


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")
