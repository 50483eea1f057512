"""The comparison spreadsheet: reports of one district (and/or year) side by side, per table.

Layout of each table sheet: columns A-C name the cell (区块/组, 行, 列), then one column per report
(header row 1 = issuer, row 2 = year, row 3 = township). A blank cell stays blank and a printed
marker ("-", "无") is written as text: nothing is turned into 0. Cells named by an error finding
are filled red, so a reviewer sees at once which printed numbers disagree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter

from schemas import TEMPLATE

SHEETS = tuple((t.id, f"表{t.number} {t.name}") for t in (TEMPLATE.t2, TEMPLATE.t3, TEMPLATE.t4))
HEADER_ROWS = 3  # issuer, year, township

_SELECT_REPORTS = """
SELECT report_id, issuer, year, township, district
FROM current_reports
WHERE status <> 'failed'
  AND (CAST(? AS VARCHAR) IS NULL OR district = ?)
  AND (CAST(? AS INTEGER) IS NULL OR year = ?)
ORDER BY district NULLS LAST, township NULLS LAST, issuer, year
"""
# Every (row, column) any selected report has, in the order of the printed form.
_SELECT_CELLS = """
SELECT c.report_id, c.table_id, c.row_code, c.col_code, c.block, c.value, c.raw,
       coalesce(tr.row_order, 999) AS row_order, coalesce(tc.col_order, 999) AS col_order,
       coalesce(tr.label, c.row_label) AS row_label, coalesce(tc.label, c.col_label) AS col_label
FROM cells c
LEFT JOIN template_rows tr ON tr.table_id = c.table_id AND tr.row_code = c.row_code
LEFT JOIN template_columns tc ON tc.table_id = c.table_id AND tc.col_code = c.col_code
WHERE c.report_id IN (SELECT unnest(?::BIGINT[]))
"""
_SELECT_FINDINGS = """
SELECT f.report_id, f.rule, f.severity, f.message, f.cells, f.expected, f.actual, f.source_inconsistent
FROM findings f
WHERE f.report_id IN (SELECT unnest(?::BIGINT[]))
ORDER BY f.report_id, f.seq
"""


def write_comparison(
    con: duckdb.DuckDBPyConnection, xlsx_path: Path, district: str | None = None, year: int | None = None
) -> Path:
    """Write the comparison workbook for the current reports of `district` and `year` (None = all).

    Returns:
        The path written.
    """
    reports = con.execute(_SELECT_REPORTS, [district, district, year, year]).fetchall()
    ids = [int(r[0]) for r in reports]
    column_of = {rid: HEADER_ROWS + i for i, rid in enumerate(ids)}
    cells = con.execute(_SELECT_CELLS, [ids]).fetchall() if ids else []
    findings = con.execute(_SELECT_FINDINGS, [ids]).fetchall() if ids else []
    flagged = _flagged_cells(findings)

    xlsx_path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(xlsx_path))
    try:
        bold = wb.add_format({"bold": True})
        bad = wb.add_format({"bg_color": "#FFC7CE"})
        for table_id, title in SHEETS:
            ws = wb.add_worksheet(title)
            _write_header(ws, reports, bold, ("区块/组", "行", "列"))
            table_cells = [c for c in cells if c[1] == table_id]
            positions = sorted({(c[7], c[8], c[2], c[3]) for c in table_cells})
            row_of = {(p[2], p[3]): HEADER_ROWS + i for i, p in enumerate(positions)}
            labels: dict[tuple[str, str], tuple[str, str, str]] = {}
            for rid, _t, rc, cc, block, value, raw, _ro, _co, rl, cl in table_cells:
                labels[(rc, cc)] = (block or "", rl, cl)
                r, col = row_of[(rc, cc)], column_of[rid]
                fmt = bad if (rid, f"{table_id}.{rc}.{cc}") in flagged else None
                if value is not None:
                    ws.write_number(r, col, value, fmt)
                elif raw and raw.strip():
                    ws.write_string(r, col, raw.strip(), fmt)  # a printed marker, kept as text
                elif fmt is not None:
                    ws.write_blank(r, col, None, fmt)
            for key, r in row_of.items():
                block, rl, cl = labels[key]
                ws.write_row(r, 0, [block, rl, cl])
            ws.freeze_panes(HEADER_ROWS, 3)
            ws.set_column(0, 0, 18)
            ws.set_column(1, 1, 36)
            ws.set_column(2, 2, 14)
            ws.set_column(3, 3 + len(ids), 14)
        _write_findings(wb.add_worksheet("问题 findings"), reports, findings, bold)
    finally:
        wb.close()
    return xlsx_path


def _write_header(ws: Any, reports: list[tuple[Any, ...]], bold: Any, names: tuple[str, str, str]) -> None:
    ws.write_row(0, 0, [names[0], names[1], names[2]], bold)
    ws.write_row(1, 0, ["", "", "年份"], bold)
    ws.write_row(2, 0, ["", "", "乡镇/街道"], bold)
    for i, (_rid, issuer, year, township, _district) in enumerate(reports):
        ws.write(0, HEADER_ROWS + i, issuer or "", bold)
        ws.write(1, HEADER_ROWS + i, year, bold)
        ws.write(2, HEADER_ROWS + i, township or "", bold)


def _flagged_cells(findings: list[tuple[Any, ...]]) -> set[tuple[int, str]]:
    """(report_id, "t4.review.total") of every cell named by an error finding."""
    out: set[tuple[int, str]] = set()
    for rid, _rule, severity, _msg, cells, *_ in findings:
        if severity == "error" and cells:
            out.update((int(rid), k) for k in json.loads(cells))
    return out


def _write_findings(
    ws: Any, reports: list[tuple[Any, ...]], findings: list[tuple[Any, ...]], bold: Any
) -> None:
    meta = {int(r[0]): r for r in reports}
    ws.write_row(
        0,
        0,
        [
            "issuer",
            "year",
            "rule",
            "severity",
            "message",
            "cells",
            "expected",
            "actual",
            "source_inconsistent",
        ],
        bold,
    )
    for i, (rid, rule, severity, message, cells, expected, actual, inconsistent) in enumerate(
        findings, start=1
    ):
        _id, issuer, year, *_ = meta[int(rid)]
        ws.write_row(i, 0, [issuer or "", year, rule, severity, message, cells or ""])
        for col, v in ((6, expected), (7, actual)):
            if v is not None:
                ws.write_number(i, col, v)
        if inconsistent is not None:
            ws.write_boolean(i, 8, bool(inconsistent))
    ws.set_column(4, 4, 80)
    ws.set_column(5, 5, 40)
