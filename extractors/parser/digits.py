"""Split a run of digits printed without separators into a row's values, only when unambiguous.

Run-together page text prints a table-3 row as `2100003` for seven cells. The digits are cut into
as many counts as the row has columns, with no leading zeros (a printed count never has one), and
every cut is checked against the template's identities along rows (table 3: 总计 == the sum of its
parts; table 4: each block's 总计), then, once the other rows are placed, along columns (table 3:
一 + 二 == （七） + 四 and （七） == Σ results). A cut is used only when it is the single one left;
otherwise the row stays blank, with a finding. Never a guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from extractors.parser.findings import parser_finding
from extractors.parser.labelling import LabelledRow, RowCell
from schemas import TEMPLATE, Finding
from schemas.text import ParsedValue

MAX_CUTS = 200_000  # beyond this many ways to cut, the row is left blank (never searched at length)
MAX_READINGS = 5_000  # readings kept for the column identities to choose from


def _cuts(digits: str, n: int) -> Iterator[list[int]]:
    """Every way to cut `digits` into n counts without leading zeros."""
    for bounds in combinations(range(1, len(digits)), n - 1):
        edges = (0, *bounds, len(digits))
        parts = [digits[a:b] for a, b in zip(edges, edges[1:], strict=False)]
        if all(p == "0" or not p.startswith("0") for p in parts):
            yield [int(p) for p in parts]


def _n_cuts(length: int, n: int) -> int:
    from math import comb

    return comb(length - 1, n - 1) if length >= n >= 1 else 0


def _holds(table: str, columns: tuple[str, ...], values: list[int]) -> bool:
    """All of the table's row identities hold on one row (or on each row-block of a wide row)."""
    tpl = TEMPLATE.table(table)
    width = len(tpl.columns)
    for start in range(0, len(values), width):
        row = dict(zip(columns[start : start + width], values[start : start + width], strict=True))
        for ident in TEMPLATE.identities:
            if ident.table != table or ident.along != "rows":
                continue
            lhs, rhs = tpl.expand(ident.lhs), tpl.expand(ident.rhs)
            if all(c in row for c in lhs + rhs) and sum(row[c] for c in lhs) != sum(row[c] for c in rhs):
                return False
    return True


def readings(digits: str, table: str, columns: tuple[str, ...]) -> list[list[int]] | None:
    """Every reading of a digit run as the row's values that its row identities allow (at most
    MAX_READINGS); None when there are too many ways to cut it to search.

    Args:
        digits: the printed run, digits only.
        table: "t2", "t3" or "t4"; its row identities filter the cuts.
        columns: the column codes the values belong to, in order (table 4: all 15, three blocks).
    """
    n = len(columns)
    if not digits.isdigit() or len(digits) < n or _n_cuts(len(digits), n) > MAX_CUTS:
        return None
    out: list[list[int]] = []
    for values in _cuts(digits, n):
        if _holds(table, columns, values):
            out.append(values)
            if len(out) > MAX_READINGS:
                return None
    return out


def split_digits(digits: str, table: str, columns: tuple[str, ...]) -> list[int] | None:
    """The one reading of a digit run that the row identities allow, or None (none, or several)."""
    found = readings(digits, table, columns)
    return found[0] if found is not None and len(found) == 1 else None


@dataclass
class RunTogether:
    """A row printed as one digit run with several readings, waiting for the column identities."""

    seg: LabelledRow
    where: str
    raw: str
    cols: tuple[str, ...]
    readings: list[list[int]]


def one_reading(
    findings: list[Finding], where: str, cell: RowCell, cols: tuple[str, ...], values: list[int], by: str
) -> list[tuple[str, RowCell]]:
    """The values of the one reading left, as cells of the printed run, said in a `digits_split`."""
    raw = cell.text.strip()
    findings.append(
        parser_finding(
            "digits_split",
            f"{where}: {raw!r} printed without separators read as {values}, the only reading that "
            f"fits {len(cols)} counts and {by}",
            cells={where: raw},
        )
    )
    return [
        (code, RowCell(cell.cell, cell.table, ParsedValue(v, str(v))))
        for code, v in zip(cols, values, strict=True)
    ]
