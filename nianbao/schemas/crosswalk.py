"""The 2019 <-> 2021 crosswalk and the money units, loaded from `templates/crosswalk.toml`.

Which measures of the two formats can be compared is data (see docs/crosswalk.md); this module only
expands it to cells: every (variant, table, row, column) gets its comparable series, if any.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from nianbao.schemas.template import TEMPLATE, Label

Kind = str  # same | derivable | not_comparable
KINDS = ("same", "derivable", "not_comparable")


@dataclass(frozen=True)
class Measure:
    """One crosswalk entry: a measure of one or both formats and how the two relate."""

    series: str
    table: str
    kind: Kind
    cells: dict[str, tuple[str, ...]]  # variant -> ("row.col" or "row.*", ...)
    labels: dict[str, str]
    formula: str | None
    note: str


@dataclass(frozen=True)
class CellMap:
    """One template cell of one format and the series it feeds (None: not comparable)."""

    variant: str
    table: str
    row: str
    col: str
    measure: str
    kind: Kind
    series: str | None


@lru_cache(maxsize=1)
def crosswalk_data() -> dict[str, Any]:
    """The parsed crosswalk.toml."""
    text = resources.files("nianbao.schemas").joinpath("templates/crosswalk.toml").read_text("utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=1)
def measures() -> tuple[Measure, ...]:
    """Every crosswalk entry, in file order; an unknown kind raises ValueError naming it."""
    out = []
    for m in crosswalk_data()["measures"]:
        if m["kind"] not in KINDS:
            raise ValueError(
                f"crosswalk {m['series']}: unknown kind {m['kind']!r}; valid: {', '.join(KINDS)}"
            )
        cells = {v: tuple(m.get(f"cells_{v}", ())) for v in ("2019", "2021") if m.get(f"cells_{v}")}
        labels = {v: m[f"label_{v}"] for v in ("2019", "2021") if m.get(f"label_{v}")}
        out.append(
            Measure(m["series"], m["table"], m["kind"], cells, labels, m.get("formula"), m.get("note", ""))
        )
    return tuple(out)


def expand(measure: Measure, variant: str) -> list[tuple[str, str]]:
    """The (row, col) cells of a measure in one format; "row.*" is every column of the table."""
    table = TEMPLATE.table(measure.table)
    out = []
    for spec in measure.cells.get(variant, ()):
        row, col = spec.split(".")
        cols = [c.code for c in table.columns] if col == "*" else [col]
        out += [(row, c) for c in cols]
    return out


@lru_cache(maxsize=1)
def cell_maps() -> tuple[CellMap, ...]:
    """Every template cell of both formats with its measure and comparable series."""
    out = []
    for m in measures():
        for variant in m.cells:
            for row, col in expand(m, variant):
                wildcard = any(s.endswith(".*") for s in m.cells[variant])
                series = None
                if m.kind != "not_comparable":
                    series = f"{m.series}.{col}" if wildcard else m.series
                out.append(CellMap(variant, m.table, row, col, m.series, m.kind, series))
    return tuple(out)


def measure_unit(col_code: str) -> str | None:
    """The one unit a money column is stored in (万元), or None for counts."""
    units: dict[str, str] = crosswalk_data()["units"]["measure_unit"]
    return units.get(col_code)


def _amount_column(col_code: str) -> Label | None:
    """The template's amount column of this code (amount columns are one table's), if any."""
    return next((c for t in TEMPLATE.tables for c in t.columns if c.code == col_code and c.amount), None)


def cell_unit(table: str, col_code: str) -> str | None:
    """The measure unit of a cell's column (万元) when its table gives the column as an amount; None
    for counts and for codes the template does not know."""
    spec = next((t for t in TEMPLATE.tables if t.id == table), None)
    col = spec.column_by_code.get(col_code) if spec is not None else None
    return measure_unit(col_code) if col is not None and col.amount else None


def to_measure_unit(value: float | None, printed_unit: str | None, col_code: str) -> Decimal | None:
    """A printed amount in its measure's unit; None when blank or the unit is not known.

    A bare number counts as the template's unit when the template gives one (本年收费金额（单位：万元）);
    otherwise (采购总金额) a bare number has no unit and gives None.
    """
    unit = measure_unit(col_code)
    if value is None or unit is None:
        return None
    col = _amount_column(col_code)
    printed = printed_unit or (col.unit if col else None)
    factors: dict[str, str] = crosswalk_data()["units"]["factor"]
    if printed not in factors:
        return None
    return Decimal(str(value)) * Decimal(factors[printed]) / Decimal(factors[unit])


__all__ = [
    "CellMap",
    "Measure",
    "cell_maps",
    "cell_unit",
    "expand",
    "measure_unit",
    "measures",
    "to_measure_unit",
]
