"""The cross-report stage, run after every load: parts of one report, cross-year checks, and the
findings judged again where a correction applies (warehouse.corrections).

Both look beyond the report just loaded, so both are re-run for every report a load touches and
its neighbours (year-1 and year+1 of the same issuer), and their findings are replaced, never
added twice: loading 2023 before 2022 ends with the same findings as loading them in order.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import duckdb
import pandas as pd

from nianbao.schemas.frames import WAREHOUSE_FINDINGS
from nianbao.schemas.records import Finding
from nianbao.schemas.template import TEMPLATE
from nianbao.schemas.validate import RULES, Key, check_cross_year
from nianbao.warehouse.corrections import rejudge

STAGE_ORIGINS = ("cross_year", "parts")
_PRIMARY = "SELECT report_key, report_id FROM report_parts WHERE part_rank = 1 AND report_key IN (SELECT k FROM keys_df)"
_CELLS = """
SELECT c.report_key, c.table_id, c.row_code, c.col_code, c.value
FROM printed_cells c WHERE c.report_key IN (SELECT k FROM keys_df)
"""
_PART_CELLS = """
SELECT p.report_key, p.part, p.report_id, c.table_id, c.row_code, c.col_code, c.value
FROM report_parts p JOIN cells c ON c.report_id = p.report_id
WHERE p.report_key IN (SELECT k FROM keys_df)
"""


def neighbours(keys: list[str]) -> list[str]:
    """The keys themselves and the same issuer's year+1 (whose carry-over refers to them)."""
    out = set(keys)
    for k in keys:
        who, _, year = k.rpartition("|")
        if who and year.isdigit() and not k.startswith("sha256:"):
            out.add(f"{who}|{int(year) + 1}")
    return sorted(out)


def run_cross_report(con: duckdb.DuckDBPyConnection, keys: list[str]) -> int:
    """Replace the parts and cross-year findings of `keys` and their next years; returns how many.

    Args:
        con: the working database, inside the load's transaction.
        keys: report_keys loaded (issuer identity|year).
    """
    todo = neighbours(keys)
    wanted = set(todo) | {_previous(k) for k in todo if _previous(k)}
    frame = pd.DataFrame({"k": sorted(k for k in wanted if k)})
    con.register("keys_df", frame)
    try:
        primary = dict(con.execute(_PRIMARY).fetchall())
        values: dict[str, dict[Key, Any]] = {}
        for key, t, r, c, v in con.execute(_CELLS).fetchall():
            values.setdefault(key, {})[(t, r, c)] = v
        parts: dict[str, dict[str, dict[Key, Any]]] = {}
        for key, part, _rid, t, r, c, v in con.execute(_PART_CELLS).fetchall():
            parts.setdefault(key, {}).setdefault(part, {})[(t, r, c)] = v
        ids = [primary[k] for k in todo if k in primary]
        all_parts = con.execute(
            "SELECT report_id FROM report_parts WHERE report_key IN (SELECT unnest(?::VARCHAR[]))", [todo]
        ).fetchall()
        stale = sorted({int(i) for i in ids} | {int(r[0]) for r in all_parts})
        if stale:
            con.execute(
                "DELETE FROM findings WHERE origin IN ('cross_year', 'parts') AND report_id IN "
                "(SELECT unnest(?::BIGINT[]))",
                [stale],
            )
        found: dict[int, list[tuple[str, Finding]]] = {}
        for key in todo:
            if key not in primary:
                continue
            items = [("parts", f) for f in parts_disagree(parts.get(key, {}))]
            prev = _previous(key)
            if prev and prev in values and key in values:
                items += [("cross_year", f) for f in check_cross_year(values[key], values[prev])]
            if items:
                found[int(primary[key])] = items
        rows = _rows(con, found)
        if rows:
            _insert_findings(con, rows)
    finally:
        con.unregister("keys_df")
    rejudge(con, todo)  # the findings just replaced, judged again where a correction applies
    return len(rows)


_FINDING_COLUMNS = WAREHOUSE_FINDINGS.names  # declared once, in the frame schema


def _insert_findings(con: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]]) -> None:
    """One INSERT for all rows (executemany runs one statement per row: 16 s for 20,000 findings)."""
    frame = WAREHOUSE_FINDINGS.build({n: [r[i] for r in rows] for i, n in enumerate(_FINDING_COLUMNS)})
    con.register("new_findings_df", frame)
    try:
        con.execute(
            f"INSERT INTO findings ({', '.join(_FINDING_COLUMNS)}) "
            f"SELECT {', '.join(_FINDING_COLUMNS)} FROM new_findings_df"
        )
    finally:
        with contextlib.suppress(duckdb.Error):  # an aborted transaction refuses it: keep the first error
            con.unregister("new_findings_df")


def parts_disagree(parts: dict[str, dict[Key, Any]]) -> list[Finding]:
    """One finding per table that two parts both carry with different numbers (both are kept)."""
    out: list[Finding] = []
    names = sorted(parts)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            for table in TEMPLATE.table_ids:
                ka = {k for k, v in parts[a].items() if k[0] == table and v is not None}
                kb = {k for k, v in parts[b].items() if k[0] == table and v is not None}
                if not ka or not kb:
                    continue
                diff = sorted(k for k in ka | kb if parts[a].get(k) != parts[b].get(k))
                if diff:
                    cells = {f"{a}.{'.'.join(k)}": parts[a].get(k) for k in diff[:20]}
                    cells |= {f"{b}.{'.'.join(k)}": parts[b].get(k) for k in diff[:20]}
                    out.append(
                        Finding(
                            rule="parts_disagree",
                            severity=RULES["parts_disagree"].severity,
                            message=f"{table}: the {a} and the {b} of this report differ in {len(diff)} "
                            f"cell(s) ({', '.join('.'.join(k) for k in diff[:5])}); both are kept",
                            cells=cells,
                            source_inconsistent=True,
                        )
                    )
    return out


def _previous(key: str) -> str | None:
    who, _, year = key.rpartition("|")
    if not who or not year.isdigit() or key.startswith("sha256:"):
        return None
    return f"{who}|{int(year) - 1}"


def _rows(
    con: duckdb.DuckDBPyConnection, found: dict[int, list[tuple[str, Finding]]]
) -> list[tuple[Any, ...]]:
    """Findings rows, numbered after each report's existing findings (one query for all reports)."""
    if not found:
        return []
    start = dict(
        con.execute(
            "SELECT report_id, max(seq) + 1 FROM findings WHERE report_id IN (SELECT unnest(?::BIGINT[])) "
            "GROUP BY report_id",
            [sorted(found)],
        ).fetchall()
    )
    out = []
    for report_id, items in found.items():
        seq = int(start.get(report_id) or 0)
        for i, (origin, f) in enumerate(items):
            cells = json.dumps(f.cells, ensure_ascii=False, default=str) if f.cells else None
            out.append(
                (report_id, seq + i, origin, f.rule, f.severity, f.message, cells,
                 _num(f.expected), _num(f.actual), f.source_inconsistent)
            )  # fmt: skip
    return out


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None
