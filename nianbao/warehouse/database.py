"""Opening a DuckDB file, with the ways it fails said in one line each.

DuckDB's own messages name the file but not what to do: a second `nianbao run` on the same data
folder meets the first one's lock, a damaged file is "not a valid DuckDB database file", a folder
without write permission or space fails on open. `open_database` turns each into
`WarehouseUnavailable` with the way out, before any work starts.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from nianbao.schemas.errors import WarehouseUnavailable

_LOCK = re.compile(r"Conflicting lock is held in (?P<prog>\S+)(?: \(PID (?P<pid>\d+)\))?")


def open_database(
    path: str | Path, read_only: bool = False, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Connect to a DuckDB file; raises `WarehouseUnavailable` saying why it cannot be opened.

    Args:
        path: the database file (created when missing unless `read_only`).
        read_only: open for reading only (a snapshot).
        config: DuckDB configuration options.
    """
    p = Path(path)
    try:
        return duckdb.connect(str(p), read_only=read_only, config=config or {})
    except duckdb.Error as exc:
        raise WarehouseUnavailable(str(p), _reason(str(exc), p, read_only)) from exc


def _reason(message: str, path: Path, read_only: bool) -> str:
    first = message.splitlines()[0] if message else "cannot be opened"
    lock = _LOCK.search(message)
    if lock:
        who = f"process {lock['pid']}" if lock["pid"] else lock["prog"]
        return (
            f"in use by {who} (another `nianbao run` writing this data folder?); "
            "wait for it to finish, or use another --data-dir"
        )
    if "not a valid DuckDB database" in message or "corrupt" in message.lower():
        if read_only:  # a snapshot: the next run publishes it again from the warehouse
            return "not a DuckDB database file (damaged or overwritten); `nianbao run` publishes it again"
        return (
            "not a DuckDB database file (damaged or overwritten); move it aside and run again: "
            "the reports are read again from their sources"
        )
    if "Permission denied" in message:
        return f"permission denied (check who owns {path.parent})"
    if "No space left" in message:
        return f"no space left on the device holding {path.parent}"
    if "version" in message.lower() and "storage" in message.lower():
        return f"written by another DuckDB version ({first.removeprefix('IO Error: ')})"
    return first.removeprefix("IO Error: ")


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT, or ROLLBACK and the original error (a failed COMMIT, e.g. on a full disk,
    has already ended the transaction: its rollback error must not hide why)."""
    con.execute("BEGIN")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
