"""Analysts' corrections: add, list and undo rows of the `overrides` table (see overrides.sql).

Single writer: corrections are written to the working warehouse through `Warehouse`, whose file
lock DuckDB holds for one process only; while a pipeline run holds it, `add` and `undo` fail with
a clear message and nothing is written. The caller then publishes a snapshot, so analysts see the
correction at once. Loads never touch the table, so a correction survives reloads and reprocessing.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import duckdb

from nianbao.analyst.lookup import find_report
from nianbao.analyst.words import CellRef, resolve_cell
from nianbao.schemas.crosswalk import measure_unit
from nianbao.schemas.template import TEMPLATE
from nianbao.warehouse.corrections import rejudge
from nianbao.warehouse.database import transaction

COLUMNS = (
    "override_id",
    "issuer",
    "year",
    "table_id",
    "row_code",
    "col_code",
    "value",
    "reason",
    "made_by",
    "made_at",
    "undone_at",
    "undone_by",
)


class UnknownOverride(ValueError):
    """No correction with that number (or it is already undone)."""


class BadValue(ValueError):
    """A value the cell cannot hold: a count that is not a whole number >= 0, a negative amount."""


def check_value(ref: CellRef, value: float) -> float:
    """The value as the cell's column types it (the template knows each column), or BadValue.

    Counts are whole numbers >= 0; only a signed column (本年增/减) takes a negative one. Amounts are
    numbers >= 0 in the column's unit (万元).
    """
    col = TEMPLATE.table(ref.table).column_by_code[ref.col]
    if not math.isfinite(value):
        raise BadValue(f"{ref.code}: {value} 不是数字")
    if col.amount:
        unit = measure_unit(ref.col) or col.unit or ""
        if value < 0:
            raise BadValue(f"{ref.code} 是金额（{unit}），不能为负数：{value:g}")
        return float(value)
    if not float(value).is_integer():
        raise BadValue(f"{ref.code} 是件数，只能是整数：{value:g}")
    if value < 0 and not col.signed:
        raise BadValue(f"{ref.code} 是件数，不能为负数：{value:g}（只有“本年增/减”可以为负）")
    return float(int(value))


def add_override(
    con: duckdb.DuckDBPyConnection, who: str, year: int, cell: str, value: float, reason: str, by: str
) -> dict[str, Any]:
    """Record a correction of one cell of one report; returns it with the printed value beside it.

    Args:
        con: the writing connection of the working warehouse.
        who: issuer, township or region code (see analyst.lookup.find_report).
        year: report year.
        cell: code or printed labels (see analyst.words.resolve_cell).
        value: the analysed value: a whole number >= 0 for a count (a signed column may be
            negative), an amount in its column's unit (万元).
        reason: why, e.g. who confirmed it.
        by: who made the correction.

    Raises:
        BadValue: the value does not fit the cell's column; nothing is written.

    The findings of the report (and of the next year's) are judged again on the corrected values.
    """
    if not reason.strip():
        raise ValueError("a correction needs a reason (--reason)")
    report = find_report(con, who, year)
    ref = resolve_cell(cell)
    value = check_value(ref, value)
    printed = con.execute(
        "SELECT value, raw FROM current_cells WHERE report_id = ? AND table_id = ? AND row_code = ? AND col_code = ?",
        [report.report_id, ref.table, ref.row, ref.col],
    ).fetchone()
    if printed is None:
        raise ValueError(f"{report.issuer} {year} has no cell {ref.code}")
    with transaction(con):
        new_id = int(con.execute("SELECT coalesce(max(override_id), 0) + 1 FROM overrides").fetchone()[0])  # type: ignore[index]
        con.execute(
            "INSERT INTO overrides VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            [
                new_id,
                report.report_key,
                report.issuer,
                report.year,
                ref.table,
                ref.row,
                ref.col,
                value,
                reason,
                by,
                _now(),
            ],
        )
        rejudge(con, [report.report_key])
    return {
        "override_id": new_id,
        "issuer": report.issuer,
        "year": report.year,
        "cell": ref,
        "value": value,
        "printed": printed[0],
        "raw": printed[1],
    }


def list_overrides(con: duckdb.DuckDBPyConnection, include_undone: bool = True) -> list[dict[str, Any]]:
    """Every correction, newest last."""
    where = "" if include_undone else "WHERE undone_at IS NULL"
    rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM overrides {where} ORDER BY override_id").fetchall()
    return [dict(zip(COLUMNS, r, strict=True)) for r in rows]


def undo_override(con: duckdb.DuckDBPyConnection, override_id: int, by: str) -> None:
    """Withdraw a correction (the row stays, with who and when); the findings are judged again."""
    row = con.execute(
        "SELECT undone_at, report_key FROM overrides WHERE override_id = ?", [override_id]
    ).fetchone()
    if row is None:
        raise UnknownOverride(f"no correction number {override_id} (see nianbao override --list)")
    if row[0] is not None:
        raise UnknownOverride(f"correction {override_id} was already undone at {row[0]}")
    with transaction(con):
        con.execute(
            "UPDATE overrides SET undone_at = ?, undone_by = ? WHERE override_id = ?",
            [_now(), by, override_id],
        )
        rejudge(con, [str(row[1])])


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
