"""Split a run of digits printed without separators into a row's values, only when unambiguous.

Run-together page text prints a table-3 row as `2100003` for seven cells. The digits are cut into
counts with no leading zeros (a printed count never has one), one per column or fewer (a blank
cell prints nothing, so any columns may be blank), and every reading is checked against the template's identities along rows (table 3: 总计 == the sum of its
parts; table 4: each block's 总计), then, once the other rows are placed, along columns (table 3:
一 + 二 == （七） + 四 and （七） == Σ results). A cut is used only when it is the single one left;
otherwise the row stays blank, with a finding. Never a guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from math import comb

from nianbao.extractors.parser.findings import parser_finding
from nianbao.extractors.parser.labelling import LabelledRow, RowCell
from nianbao.schemas import TEMPLATE, Finding
from nianbao.schemas.text import ParsedValue

MAX_CUTS = 200_000  # beyond this many ways to cut, the row is left blank (never searched at length)
MAX_READINGS = 5_000  # readings kept for the column identities to choose from


def _cuts(digits: str, n: int) -> Iterator[list[int]]:
    """Every way to cut `digits` into n counts without leading zeros."""
    for bounds in combinations(range(1, len(digits)), n - 1):
        edges = (0, *bounds, len(digits))
        parts = [digits[a:b] for a, b in zip(edges, edges[1:], strict=False)]
        if all(p == "0" or not p.startswith("0") for p in parts):
            yield [int(p) for p in parts]


def _n_readings(length: int, n: int) -> int:
    """How many (cut, blank columns) pairs a run of `length` digits has for n columns."""
    return sum(comb(length - 1, k - 1) * comb(n, k) for k in range(1, min(length, n) + 1))


def _holds(table: str, columns: tuple[str, ...], values: list[int | None]) -> bool:
    """No row identity of the table fails on the row (or on each row-block of a wide row); an
    identity with a blank cell cannot be checked, so it does not rule the reading out."""
    tpl = TEMPLATE.table(table)
    width = len(tpl.columns)
    for start in range(0, len(values), width):
        row = dict(zip(columns[start : start + width], values[start : start + width], strict=True))
        for ident in TEMPLATE.identities:
            if ident.table != table or ident.along != "rows":
                continue
            terms = [row.get(c) for c in tpl.expand(ident.lhs)], [row.get(c) for c in tpl.expand(ident.rhs)]
            lhs, rhs = terms
            if any(v is None for v in lhs + rhs):
                continue
            if sum(v for v in lhs if v is not None) != sum(v for v in rhs if v is not None):
                return False
    return True


def readings(digits: str, table: str, columns: tuple[str, ...]) -> list[list[int | None]] | None:
    """Every reading of a digit run as the row's values that its row identities allow (at most
    MAX_READINGS); None when there are too many to search.

    A blank cell prints nothing in run-together text, so a reading may leave any columns blank
    (None): `618` for three columns is 6/1/8, or 6/blank/18, or 61/8/blank... and stays ambiguous,
    while `000` can only be 0/0/0.

    Args:
        digits: the printed run, digits only.
        table: a table id of the template; its row identities filter the cuts.
        columns: the column codes the values belong to, in order (table 4: all 15, three blocks).
    """
    n = len(columns)
    if not digits.isdigit() or _n_readings(len(digits), n) > MAX_CUTS:
        return None
    out: list[list[int | None]] = []
    for k in range(1, min(len(digits), n) + 1):
        for parts in _cuts(digits, k):
            for present in combinations(range(n), k):
                values: list[int | None] = [None] * n
                for i, v in zip(present, parts, strict=True):
                    values[i] = v
                if _holds(table, columns, values):
                    out.append(values)
                    if len(out) > MAX_READINGS:
                        return None
    return out


def split_digits(digits: str, table: str, columns: tuple[str, ...]) -> list[int | None] | None:
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
    readings: list[list[int | None]]


def one_reading(
    findings: list[Finding],
    where: str,
    cell: RowCell,
    cols: tuple[str, ...],
    values: list[int | None],
    by: str,
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
