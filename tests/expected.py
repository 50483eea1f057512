"""Compare a Report with an expected-values file (../shared/corpus/expected/*.json conventions).

The comparison is exact: a printed number must come back equal, a printed blank ("") must come back
as None (blank is not zero), and every expected cell must be present.
"""

from __future__ import annotations

from typing import Any

from nianbao.schemas import TEMPLATE, Report
from nianbao.schemas.text import norm_label, parse_value


def _code(table: str, row: str, col: str) -> tuple[str, str, str] | None:
    """The canonical key of an expected cell; None for a row the template does not have
    (an extra annotated row such as Hubei's 其他主动公开文件, kept in the truth but not scored)."""
    t = TEMPLATE.table(table)
    r = next(
        (x for x in t.rows if norm_label(row) in {norm_label(x.label), norm_label(x.label_for("2021"))}), None
    )
    c = next(
        (x for x in t.columns if norm_label(col) in {norm_label(x.label), norm_label(x.label_for("2021"))}),
        None,
    )
    if table == "t4":
        r = next((x for x in t.rows if x.label == row), None)
    if r is None or c is None:
        return None
    return (table, r.code, c.code)


def expected_cells(truth: dict[str, Any]) -> dict[tuple[str, str, str] | None, Any]:
    out: dict[tuple[str, str, str] | None, Any] = {}
    for _block, rows in (truth.get("table2") or {}).items():
        for row, cols in rows.items():
            for col, v in cols.items():
                out[_code("t2", row, col)] = v
    for row, cols in ((truth.get("table3") or {}).get("rows") or {}).items():
        for col, v in cols.items():
            out[_code("t3", row, col)] = v
    for row, cols in (truth.get("table4") or {}).items():
        for col, v in cols.items():
            out[_code("t4", row, col)] = v
    return out


def mismatches(report: Report, truth: dict[str, Any]) -> list[str]:
    """Every difference between the extracted cells and the expected ones, as readable lines."""
    got = {c.key: c for c in report.cells}
    errors = []
    for key, want in expected_cells(truth).items():
        if want is None or key is None:
            continue
        cell = got.get(key)
        if cell is None:
            errors.append(f"{key}: missing (expected {want!r})")
            continue
        if isinstance(want, str):
            pv = parse_value(want)
            want_value = pv.value if pv else None
        else:
            want_value = want
        if want_value is None:
            if cell.value is not None:
                errors.append(f"{key}: expected blank, got {cell.value!r} (raw {cell.raw!r})")
        elif cell.value is None or abs(float(cell.value) - float(want_value)) > 1e-9:
            errors.append(f"{key}: expected {want_value!r}, got {cell.value!r} (raw {cell.raw!r})")
    return errors


def variants_ok(report: Report, truth: dict[str, Any]) -> bool:
    want = truth.get("variants") or {}
    return all(report.variants.get(k) == want.get(k) for k in ("t2", "t3") if want.get(k))
