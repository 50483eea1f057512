"""Read-only connections to the analysts' snapshot, for `nianbao query` and the other commands.

The snapshot is opened `read_only`, and DuckDB is told to refuse the file system and extensions
(`enable_external_access = false`, no autoinstall/autoload) and then to refuse any later change of
those settings (`lock_configuration = true`). So a query can read the warehouse and nothing else:
no write, no ATTACH, no COPY … TO, no INSTALL/LOAD, no SET.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb

from nianbao.warehouse.database import open_database

# Statement types a query may be; everything else (CREATE TEMP, ATTACH, COPY, SET …) is refused
# before DuckDB sees it, and DuckDB's own settings refuse it again.
READ_STATEMENTS = frozenset({"SELECT", "EXPLAIN"})


class SnapshotMissing(FileNotFoundError):
    """No snapshot at the expected path (the pipeline has not published one yet)."""


class QueryRefused(ValueError):
    """The query tried to write, attach, copy, install or change settings, or is not valid SQL."""


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the snapshot read-only, with external access and configuration changes refused.

    Args:
        path: the snapshot file (DATA_DIR/snapshot/nianbao.duckdb).
    """
    if not path.is_file():
        raise SnapshotMissing(f"no snapshot at {path}: run `nianbao run` first (or pass --data-dir)")
    return open_database(
        path,
        read_only=True,
        config={
            "enable_external_access": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
            "memory_limit": "4GB",  # a runaway query fails with DuckDB's out-of-memory error
            "lock_configuration": True,
        },
    )


QUERY_SECONDS = 600.0  # an analyst's query that runs longer is stopped (a join without ON …)
QUERY_ROWS = 2_000_000  # rows a query may return to the command (a province's cells are ~2 M)


def run_query(
    con: duckdb.DuckDBPyConnection, sql: str, seconds: float = QUERY_SECONDS, max_rows: int = QUERY_ROWS
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one analyst query; returns (column names, rows).

    Args:
        con: a connection from `connect_readonly`.
        sql: one read-only statement.
        seconds: the query is interrupted after this long.
        max_rows: a result with more rows is refused (fetching it all would exhaust memory).

    Raises:
        QueryRefused: for anything that is not a read, with DuckDB's reason; a query stopped by
            the time limit or returning too many rows, saying so.
    """
    try:
        kinds = [s.type.name for s in duckdb.extract_statements(sql)]
    except duckdb.Error as exc:
        raise QueryRefused(str(exc).splitlines()[0]) from exc
    if len(kinds) != 1:
        raise QueryRefused(f"one statement per query, got {len(kinds)}")
    if kinds[0] not in READ_STATEMENTS:
        raise QueryRefused(f"only reads are allowed (SELECT, WITH, DESCRIBE, SHOW, EXPLAIN), not {kinds[0]}")
    timer = threading.Timer(seconds, con.interrupt)
    timer.start()
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return [], []
        rows = cur.fetchmany(max_rows + 1)
    except duckdb.InterruptException as exc:
        raise QueryRefused(
            f"stopped after {seconds:g} s: narrow the query (a WHERE, a LIMIT, a join's ON)"
        ) from exc
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        raise QueryRefused(reason) from exc
    finally:
        timer.cancel()
    if len(rows) > max_rows:
        raise QueryRefused(
            f"more than {max_rows:,} rows: aggregate or add a LIMIT (or read them in Python with nianbao.connect())"
        )
    return [d[0] for d in cur.description], rows
