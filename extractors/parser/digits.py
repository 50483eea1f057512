"""Split a run of digits printed without separators into a row's values, only when unambiguous.

Run-together page text prints a table-3 row as `2100003` for seven cells. The digits are cut into
as many counts as the row has columns, with no leading zeros (a printed count never has one), and
every cut is checked against the template's identities along rows (table 3: 总计 == the sum of its
parts; table 4: each block's 总计). A cut is used only when it is the single one left; otherwise the
row stays blank, with a finding. Never a guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from schemas import TEMPLATE

MAX_CUTS = 200_000  # beyond this many ways to cut, the row is left blank (never searched at length)


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


def split_digits(digits: str, table: str, columns: tuple[str, ...]) -> list[int] | None:
    """The one reading of a digit run as the row's values, or None when there is not exactly one.

    Args:
        digits: the printed run, digits only.
        table: "t2", "t3" or "t4"; its row identities filter the cuts.
        columns: the column codes the values belong to, in order (table 4: all 15, three blocks).
    """
    n = len(columns)
    if not digits.isdigit() or len(digits) < n or _n_cuts(len(digits), n) > MAX_CUTS:
        return None
    found: list[int] | None = None
    for values in _cuts(digits, n):
        if _holds(table, columns, values):
            if found is not None:
                return None  # a second reading: ambiguous
            found = values
    return found
