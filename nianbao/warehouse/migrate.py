"""Schema migrations of existing warehouse files, run on every open (each step is idempotent).

Version 2 (issue 9): parts of a report (reports.part; versions per part), issuers in Simplified
script with their place (reports.issuer_raw, place_status, place_note; report_key by region code),
typed values (cells.count BIGINT, cells.amount DECIMAL in one unit per measure), regions.level/origin.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import duckdb

from nianbao.schemas.places import resolve_issuer
from nianbao.schemas.records import Report
from nianbao.warehouse import load as ld

# A new version is a changed part: each part's versions chain by report_id; a file re-read under
# a newer parser supersedes its earlier reading even under another key (a failed extraction).
_RECHAIN = """
WITH nxt AS (
    SELECT report_id,
           lead(report_id) OVER (PARTITION BY report_key, part ORDER BY report_id) AS by_part,
           (SELECT min(b.report_id) FROM reports b WHERE b.sha256 = a.sha256 AND b.report_id > a.report_id) AS by_file
    FROM reports a
)
UPDATE reports SET superseded_by = coalesce(nxt.by_part, nxt.by_file)
FROM nxt WHERE reports.report_id = nxt.report_id
"""


def schema_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The schema_version recorded in meta, or None for a new file."""
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return str(row[0]) if row else None


@lru_cache(maxsize=1)
def declared_columns() -> dict[str, tuple[tuple[str, str], ...]]:
    """table -> ((column, SQL type), ...) as schema.sql declares them, in order.

    Read by running schema.sql in an in-memory database, so the DDL is the one declaration of the
    tables' columns and types; the frame schema (schemas/frames.py) is held against it by a test.
    """
    ddl = resources.files("nianbao.warehouse").joinpath("schema.sql").read_text("utf-8")
    with duckdb.connect(":memory:") as mem:
        mem.execute(ddl)
        rows = mem.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() ORDER BY table_name, column_index"
        ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, type_ in rows:
        out.setdefault(table, []).append((column, type_))
    return {t: tuple(cols) for t, cols in out.items()}


def add_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Add the columns schema.sql declares that the tables of an older file lack (before schema.sql
    runs); only the type is added, constraints stay with the columns' first declaration."""
    existing = {
        (t, c)
        for t, c in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database()"
        ).fetchall()
    }
    present = {t for t, _c in existing}
    for table, columns in declared_columns().items():
        if table not in present:
            continue  # a new table: schema.sql creates it
        for column, type_ in columns:
            if (table, column) not in existing:
                con.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {type_}')


def migrate(con: duckdb.DuckDBPyConnection) -> bool:
    """Bring an older warehouse's data to the current schema; True when data was migrated.

    Args:
        con: the working database, inside the caller's transaction (after schema.sql ran).
    """
    add_columns(con)
    if schema_version(con) != "1":
        return False
    _v2_parts_and_types(con)
    _v2_issuers(con)
    con.execute(_RECHAIN)
    return True


def _v2_parts_and_types(con: duckdb.DuckDBPyConnection) -> None:
    for fmt, part in ld.PART_OF_FORMAT.items():
        con.execute("UPDATE reports SET part = ? WHERE part IS NULL AND lower(format) = ?", [part, fmt])
    con.execute("UPDATE reports SET part = 'document' WHERE part IS NULL")
    con.execute(
        "UPDATE regions SET level = CASE WHEN township IS NULL THEN 'county' ELSE 'township' END WHERE level IS NULL"
    )
    con.execute("UPDATE regions SET origin = 'configured' WHERE origin IS NULL")
    rows = con.execute(
        "SELECT rowid, table_id, col_code, value, unit FROM cells WHERE value IS NOT NULL"
    ).fetchall()
    updates: list[tuple[Any, ...]] = []
    for rowid, table, col, value, unit in rows:
        count, amount, amount_unit = ld.typed_value(table, col, value, unit)
        updates.append((count, amount, amount_unit, rowid))
    con.executemany(
        "UPDATE cells SET count = ?, amount = CAST(? AS DECIMAL(18, 6)), amount_unit = ? WHERE rowid = ?",
        updates,
    )


def _v2_issuers(con: duckdb.DuckDBPyConnection) -> None:
    """Issuers to Simplified script, placed; report keys by place code where the issuer is a place."""
    rows = con.execute(
        "SELECT r.report_id, r.issuer, r.year, r.status, r.sha256, r.title, g.province, g.city, g.district, "
        "g.township, g.code FROM reports r LEFT JOIN regions g ON g.region_id = r.region_id"
    ).fetchall()
    updates = []
    for rid, issuer, year, status, sha, title, *region in rows:
        conf = dict(zip(("province", "city", "district", "township", "code"), region, strict=True))
        place = resolve_issuer(issuer, conf if any(region) else None, (title,))
        rep = Report(source="", sha256=sha, format="", status=status, issuer=issuer, year=year)
        key = ld.report_key(rep, place) if not str(issuer or "").startswith("sha256:") else None
        updates.append((ld.clean_issuer(issuer), issuer, place.status, place.reason, key, rid))
    con.executemany(
        "UPDATE reports SET issuer = ?, issuer_raw = ?, place_status = ?, place_note = ?, report_key = ? "
        "WHERE report_id = ?",
        updates,
    )
