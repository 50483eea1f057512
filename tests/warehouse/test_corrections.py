"""Findings judged again on corrected values (warehouse.corrections), on real DuckDB files.

A correction answers a finding only when the corrected values no longer raise it; one on the
year before answers a cross-year finding; a correction that breaks an identity raises a finding
of its own; reloads, reprocessing and undo keep the verdicts true.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from nianbao.analyst.overrides import add_override, undo_override
from nianbao.schemas import Report
from nianbao.warehouse import Warehouse
from tests.schemas.builders import make_report, set_cell, set_t4

TOWN = "岔河镇"
ISSUER = f"淮安市洪泽区{TOWN}人民政府"
REGION = {"province": "江苏省", "city": "淮安市", "district": "洪泽区", "township": TOWN}
MISPRINTED_T4 = [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 5]  # 复议 总计 printed 0, its parts sum to 11


def load(wh: Warehouse, *reports: Report) -> None:
    wh.load(list(reports), regions={r.sha256: REGION for r in reports})


def verdicts(wh: Warehouse, year: int, rule: str, cell: str = "") -> list[tuple[Any, ...]]:
    """(status, origin, answered_by) of the findings of a rule (naming `cell`, when given)."""
    return wh.query(
        "SELECT status, origin, answered_by FROM current_findings WHERE township = ? AND year = ? AND rule = ? "
        "AND CAST(cells AS VARCHAR) LIKE ? ORDER BY origin, status",
        [TOWN, year, rule, f'%"{cell}"%' if cell else "%"],
    )


def value(r: Report, table: str, row: str, col: str) -> float:
    return next(c.value for c in r.cells if (c.table, c.row_code, c.col_code) == (table, row, col))  # type: ignore[return-value]


def test_a_correction_answers_only_what_it_fixes(tmp_path: Path) -> None:
    r = make_report(issuer=ISSUER, year=2023)
    set_t4(r, MISPRINTED_T4)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        load(wh, r)
        assert verdicts(wh, 2023, "t4_block_total") == [("open", "validate", None)]
        # another cell of the identity, corrected without making it add up: the error stays open
        add_override(wh.con, TOWN, 2023, "t4.review.upheld", 9, "核实", "王明")
        assert verdicts(wh, 2023, "t4_block_total") == [("open", "validate", None)]
        add_override(wh.con, TOWN, 2023, "t4.review.total", 10, "核实", "王明")
        assert verdicts(wh, 2023, "t4_block_total") == [("corrected", "validate", [1, 2])]
        assert wh.query("SELECT review_total, errors FROM report_overview") == [(10, 0)]
        assert wh.finding_counts()["error"] == 0
        # reprocessed under a newer parser: new rows, the same verdict
        load(wh, replace(r, parser_version="2.0.0"))
        assert verdicts(wh, 2023, "t4_block_total") == [("corrected", "validate", [1, 2])]
        undo_override(wh.con, 1, "王明")  # upheld is 10 again: 10 + 1 != 10
        assert verdicts(wh, 2023, "t4_block_total") == [("open", "validate", None)]
        assert wh.finding_counts()["error"] == 1
        # nothing is deleted: the corrections stay with who undid them
        assert wh.query("SELECT override_id, undone_by FROM overrides ORDER BY 1") == [(1, "王明"), (2, None)]


def test_a_correction_of_last_year_answers_this_years_cross_year_finding(tmp_path: Path) -> None:
    last, this = make_report(issuer=ISSUER, year=2022), make_report(issuer=ISSUER, year=2023)
    carried = value(last, "t3", "carry_over", "total")
    set_cell(this, "t3", "carried_in", "total", carried + 2)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        load(wh, this)  # this year first: the cross-year check runs when last year arrives
        load(wh, last)
        assert verdicts(wh, 2023, "carry_over_mismatch", "t3.carried_in.total") == [
            ("open", "cross_year", None)
        ]
        add_override(wh.con, TOWN, 2022, "t3.carry_over.total", carried + 2, "核实", "王明")
        assert verdicts(wh, 2023, "carry_over_mismatch", "t3.carried_in.total") == [
            ("corrected", "cross_year", [1])
        ]
        # 2022's row no longer adds up: the correction raises an error of its own, open
        assert ("open", "correction", None) in verdicts(wh, 2022, "t3_row_total")
        # a new version of last year re-runs the cross-year check: the verdict holds
        load(wh, replace(last, parser_version="2.0.0"))
        assert verdicts(wh, 2023, "carry_over_mismatch", "t3.carried_in.total") == [
            ("corrected", "cross_year", [1])
        ]
        undo_override(wh.con, 1, "王明")
        assert verdicts(wh, 2023, "carry_over_mismatch", "t3.carried_in.total") == [
            ("open", "cross_year", None)
        ]
        assert verdicts(wh, 2022, "t3_row_total") == []
