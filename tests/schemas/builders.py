"""Build Report objects directly, with realistic and internally consistent numbers.

`make_report()` gives a complete report whose identities all hold; tests then change single cells
(`set_cell`) to make one check fail, go blank or become undeterminable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from nianbao.schemas import TEMPLATE, Cell, Provenance, Report

SECTIONS = ["overview", "active", "applications", "review_litigation", "problems", "other"]
T3_PARTS = list(TEMPLATE.table("t3").sets["parts"])

# Table 3 parts (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他) of the non-zero rows;
# totals are computed. 一 + 二 = （七） + 四 holds per column: natural 12+2 = 11+3, business 3+0 = 3+0.
T3_PARTS_VALUES: dict[str, list[int]] = {
    "new": [12, 3, 0, 0, 1, 0],
    "carried_in": [2, 0, 0, 0, 0, 0],
    "r1_open": [6, 2, 0, 0, 1, 0],
    "r2_partial": [2, 0, 0, 0, 0, 0],
    "r4_1": [2, 1, 0, 0, 0, 0],
    "r5_2": [1, 0, 0, 0, 0, 0],
    "carry_over": [3, 0, 0, 0, 0, 0],
}
T4_VALUES = {"review": [2, 1, 0, 1, 4], "suit_direct": [1, 0, 0, 1, 2], "suit_after_review": [0, 0, 1, 0, 1]}
T2_2021 = {
    ("rules", "issued"): 0, ("rules", "repealed"): 0, ("rules", "in_force"): 0,
    ("normative", "issued"): 3, ("normative", "repealed"): 1, ("normative", "in_force"): 12,
    ("licensing", "decisions"): 57, ("penalty", "decisions"): 82, ("enforcement", "decisions"): 3,
    ("fees", "fee_amount"): 7730.28,
}  # fmt: skip
T2_2019 = {
    ("rules", "made"): 0, ("rules", "published"): 0, ("rules", "public_total"): 0,
    ("normative", "made"): 2, ("normative", "published"): 2, ("normative", "public_total"): 9,
    ("licensing", "prev_items"): 5, ("licensing", "delta"): 0, ("licensing", "decisions"): 57,
    ("other_services", "prev_items"): 0, ("other_services", "delta"): 0, ("other_services", "decisions"): 0,
    ("penalty", "prev_items"): 13, ("penalty", "delta"): 2, ("penalty", "decisions"): 82,
    ("enforcement", "prev_items"): 2, ("enforcement", "delta"): 0, ("enforcement", "decisions"): 3,
    ("fees", "prev_items"): 0, ("fees", "delta"): 0,
    ("procurement", "procured_items"): 36, ("procurement", "procured_amount"): 288.79,
}  # fmt: skip


def t3_values(variant: str) -> dict[tuple[str, str], int]:
    """Consistent table-3 values: every identity holds."""
    out: dict[tuple[str, str], int] = {}
    rows = [r.code for r in TEMPLATE.table("t3").rows_for(variant)]
    results = [r for r in TEMPLATE.table("t3").sets["results"] if r in rows]
    for row in rows:
        parts = T3_PARTS_VALUES.get(row, [0] * 6)
        if row == "r7_total":
            parts = [sum(T3_PARTS_VALUES.get(r, [0] * 6)[i] for r in results) for i in range(6)]
        for code, v in zip(T3_PARTS, parts, strict=True):
            out[(row, code)] = v
        out[(row, "total")] = sum(parts)
    return out


def make_report(
    issuer: str = "淮安市洪泽区人民政府",
    year: int = 2023,
    t2: str = "2021",
    t3: str = "2021",
    sha256: str | None = None,
    parser_version: str = "1.0.0",
    source: str | None = None,
    **kw: Any,
) -> Report:
    """A complete report with consistent numbers, all six sections and provenance on each cell."""
    sha = sha256 or hashlib.sha256(f"{issuer}|{year}|{t2}|{t3}".encode()).hexdigest()
    rep = Report(
        source=source or f"https://example.gov.cn/{year}/{sha[:8]}.pdf",
        sha256=sha,
        format="pdf",
        issuer=issuer,
        year=year,
        variants={"t2": t2, "t3": t3},
        sections=list(SECTIONS),
        parser_version=parser_version,
        **kw,
    )
    t2_values = T2_2021 if t2 == "2021" else T2_2019
    for b in TEMPLATE.blocks:
        for r in b.rows[t2]:
            for c in b.columns[t2]:
                _add(rep, "t2", r, c, t2_values[(r, c)], t2, block=b.label)
    for (r, c), v in t3_values(t3).items():
        _add(rep, "t3", r, c, v, t3)
    for r, vals in T4_VALUES.items():
        for c, v in zip(TEMPLATE.table("t4").sets["parts"] + ("total",), vals, strict=True):
            _add(rep, "t4", r, c, v, None)
    return rep


def _add(
    rep: Report, table: str, row: str, col: str, value: Any, variant: str | None, block: str | None = None
) -> None:
    t = TEMPLATE.table(table)
    rep.cells.append(
        Cell(
            table=table,
            row_code=row,
            col_code=col,
            row_label=t.row_by_code[row].label_for(variant),
            col_label=t.column_by_code[col].label_for(variant),
            value=value,
            raw="" if value is None else str(value),
            block=block,
            provenance=Provenance(file=rep.source, page={"t2": 2, "t3": 3, "t4": 4}[table]),
        )
    )


def set_cell(
    rep: Report, table: str, row: str, col: str, value: int | float | None, raw: str | None = None
) -> None:
    """Change one cell; None makes it visibly blank (raw "")."""
    cell = rep.cell(table, row, col)
    assert cell is not None, (table, row, col)
    cell.value = value
    cell.raw = raw if raw is not None else ("" if value is None else str(value))


def set_t4(rep: Report, values: Sequence[int | None]) -> None:
    """Table 4 as printed, 15 values in form order (复议, 直接起诉, 复议后起诉 × 维持…总计)."""
    cols = TEMPLATE.table("t4").sets["parts"] + ("total",)
    for i, row in enumerate(("review", "suit_direct", "suit_after_review")):
        for j, col in enumerate(cols):
            set_cell(rep, "t4", row, col, values[i * 5 + j])


def blank_table(rep: Report, table: str) -> None:
    for c in rep.cells:
        if c.table == table:
            c.value, c.raw = None, ""
