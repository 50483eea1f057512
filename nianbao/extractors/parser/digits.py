"""Split runs of digits printed without separators into a table's values, only when unambiguous.

Run-together page text prints a table-3 row as `2100003` for seven cells, and table 4's fifteen
cells as `110024001510102`. A run is cut into counts with no leading zeros (a printed count never
has one), one per column or fewer: a blank cell prints nothing, so any column may be blank.

Which cuts are readings is decided by the template's identities (schemas/templates/template.toml),
all of them and over the whole table at once:

* along rows (table 3: 总计 == the sum of its parts; table 4: each block's 总计), for every row;
* along columns (table 3: 一 + 二 == （七） + 四 and （七） == Σ results), over every combination
  of the readings of the table's run-together rows, with the cells printed with separators.

In these sums a blank cell counts for nothing: it is what a reading with a blank claims was printed,
and a cut that only adds up by making up a value for a blank is not a reading. A cell the report
does not print at all (a missing row) leaves the sums it is in unchecked. A row is cut only when
every combination the identities allow gives it the same values; otherwise it stays blank, with a
finding. Never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from nianbao.extractors.document import GridCell
from nianbao.extractors.parser.findings import parser_finding
from nianbao.extractors.parser.labelling import LabelledRow, RowCell
from nianbao.schemas import TEMPLATE, Finding
from nianbao.schemas.template import TableSpec
from nianbao.schemas.text import ParsedValue

MAX_STEPS = 50_000  # search steps for one run; beyond this the run is left blank (never searched at length)
MAX_READINGS = 5_000  # readings kept for one run for the column identities to choose from
MAX_DIGITS = 8  # digits per value at most, on average over a run: a longer run is not the row's values
MAX_COMBINATIONS = 5_000  # table-wide combinations of readings tried before giving up on a table

Values = list[int | None]


@dataclass(frozen=True)
class _Sum:
    """sum(values at lhs) == sum(values at rhs), over positions of one printed run."""

    lhs: tuple[int, ...]
    rhs: tuple[int, ...]

    @property
    def last(self) -> int:
        return max(self.lhs + self.rhs)

    def holds(self, values: Values) -> bool:
        return sum(values[i] or 0 for i in self.lhs) == sum(values[i] or 0 for i in self.rhs)

    def forced(self) -> tuple[int, tuple[int, ...], tuple[int, ...]] | None:
        """(position, plus, minus) when the last position is a side alone: its value is then
        sum(plus) - sum(minus) of positions already cut."""
        last = self.last
        if self.lhs == (last,) and last not in self.rhs:
            return last, self.rhs, ()
        if self.rhs == (last,) and last not in self.lhs:
            return last, self.lhs, ()
        return None


def row_sums(table: str, columns: tuple[str, ...]) -> list[_Sum]:
    """The table's row identities over the positions of a printed run (table 4: per block of a
    wide row whose columns repeat)."""
    tpl = TEMPLATE.table(table)
    width = len(tpl.columns)
    out: list[_Sum] = []
    for start in range(0, len(columns), width):
        block = columns[start : start + width]
        for ident in TEMPLATE.identities:
            if ident.table != table or ident.along != "rows":
                continue
            lhs, rhs = tpl.expand(ident.lhs), tpl.expand(ident.rhs)
            if not all(c in block for c in lhs + rhs):
                continue  # a row printed without some of the identity's columns: not checkable
            out.append(
                _Sum(tuple(start + block.index(c) for c in lhs), tuple(start + block.index(c) for c in rhs))
            )
    return out


class _TooMany(Exception):
    pass


def readings(
    digits: str, table: str, columns: tuple[str, ...], breaks: frozenset[int] = frozenset()
) -> list[Values] | None:
    """Every reading of a digit run as the row's values that its row identities allow (at most
    MAX_READINGS); None when there are too many to search.

    A blank cell prints nothing, so a reading may leave any columns blank (None): `618` for three
    columns of table 2 (which has no identity) is 6/1/8, or 6/blank/18, or 61/8/blank... and stays
    ambiguous, while `000` can only be 0/0/0.

    Args:
        digits: the printed run, digits only.
        table: a table id of the template; its row identities filter the cuts.
        columns: the column codes the values belong to, in order (table 4: all 15, three blocks).
        breaks: positions in `digits` where the print separated two runs (`11002 40015`): no value
            spans one.
    """
    strict = _search(digits, table, columns, breaks, strict=True)
    if strict is None or strict:
        return strict
    # No reading adds up: the report may have left a total blank over counted parts (quirks.md: the
    # commonest failure of real tables). Such a total is then not checked, never 0.
    return _search(digits, table, columns, breaks, strict=False)


def _search(
    digits: str, table: str, columns: tuple[str, ...], breaks: frozenset[int], strict: bool
) -> list[Values] | None:
    if not digits.isdigit() or len(digits) > MAX_DIGITS * len(columns):
        return None
    n, end = len(columns), len(digits)
    sums = row_sums(table, columns)
    forced = {f[0]: f for s in sums if (f := s.forced()) is not None}
    checks: dict[int, list[_Sum]] = {}
    for s in sums:
        if s.forced() is None:
            checks.setdefault(s.last, []).append(s)
    out: list[Values] = []
    values: Values = [None] * n
    steps = 0
    stop = [min([b for b in breaks if b > i] or [end]) for i in range(end + 1)]  # the run's end from i

    def options(i: int, j: int) -> Iterator[tuple[int | None, int]]:
        if j in forced:
            _, plus, minus = forced[j]
            v = sum(values[k] or 0 for k in plus) - sum(values[k] or 0 for k in minus)
            if v == 0 or not strict:
                yield None, i  # a blank total over blank or zero parts (or left blank: not strict)
            if v >= 0 and digits.startswith(str(v), i) and i + len(str(v)) <= stop[i]:
                yield v, i + len(str(v))
            return
        yield None, i
        if i < end:
            if digits[i] == "0":
                yield 0, i + 1
            else:
                for e in range(i + 1, stop[i] + 1):
                    yield int(digits[i:e]), e

    need = [0] * (end + 1)  # the fewest values the digits from i on can be cut into
    for i in range(end - 1, -1, -1):
        need[i] = 1 + (need[i + 1] if digits[i] == "0" else min(need[i + 1 : stop[i] + 1]))

    def room(e: int, j: int) -> bool:
        """Enough columns are left for the digits after e, and a total still to come, at least
        the sum of its parts cut so far, has the digits it needs."""
        if need[e] > n - j - 1:
            return False
        if not strict:
            return True
        for f, (_, plus, minus) in forced.items():
            if f > j and not minus:
                part = sum(values[k] or 0 for k in plus if k <= j)
                if part and end - e < len(str(part)):
                    return False
        return True

    def go(i: int, j: int) -> None:
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS or len(out) > MAX_READINGS:
            raise _TooMany
        if j == n:
            if i == end:
                out.append(list(values))
            return
        for v, e in options(i, j):
            values[j] = v
            if all(s.holds(values) for s in checks.get(j, ())) and room(e, j):
                go(e, j + 1)
        values[j] = None

    try:
        go(0, 0)
    except _TooMany:
        return None
    return out


def split_digits(digits: str, table: str, columns: tuple[str, ...]) -> Values | None:
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
    readings: list[Values]
    row: str = field(default="")

    def __post_init__(self) -> None:
        self.row = self.row or self.seg.row


Known = dict[tuple[str, str], float | int | None]  # (row, col) -> value; None = printed blank


def _column_sums(tpl: TableSpec, variant: str | None) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    present = {r.code for r in tpl.rows_for(variant)} if variant else {r.code for r in tpl.rows}
    out = []
    for ident in TEMPLATE.identities:
        if ident.table == tpl.id and ident.along == "columns":
            lhs = tuple(r for r in tpl.expand(ident.lhs) if r in present)
            rhs = tuple(r for r in tpl.expand(ident.rhs) if r in present)
            out.append((lhs, rhs))
    return out


def _consistent(
    sums: list[tuple[tuple[str, ...], tuple[str, ...]]],
    cols: tuple[str, ...],
    at: Callable[[str, str], tuple[bool, float | int | None]],
) -> bool:
    """No column identity whose every cell is printed (or cut) fails; blanks count for nothing."""
    for lhs, rhs in sums:
        for col in cols:
            left, right = [at(r, col) for r in lhs], [at(r, col) for r in rhs]
            if not all(ok for ok, _ in left + right):
                continue
            if abs(sum(v or 0 for _, v in left) - sum(v or 0 for _, v in right)) > 1e-9:
                return False
    return True


def resolve(
    pending: list[RunTogether], known: Known, tpl: TableSpec, variant: str | None
) -> list[tuple[RunTogether, Values, str]]:
    """The pending rows the column identities pin down: (row, its one reading, how it was told).

    Every combination of the pending rows' readings is tried against the column identities, with
    the cells printed with separators (`known`); a row whose readings agree across all the
    combinations that hold is cut. When there are too many combinations, rows are decided one at a
    time instead: a reading survives unless an identity whose other cells are all known fails.
    """
    sums = _column_sums(tpl, variant)
    if not sums or not pending:
        return []
    cols = pending[0].cols
    items = list(pending)
    decided: list[tuple[RunTogether, Values, str]] = []
    # 1. One row at a time, as long as that decides something (cheap, and shrinks the search).
    progress = True
    while progress:
        progress = False
        got = dict(known)
        for item in items:
            left = [r for r in item.readings if _consistent(sums, cols, _lookup(got, item.row, cols, r))]
            if len(left) < len(item.readings):
                item.readings = left
            if len(left) == 1:
                items.remove(item)
                decided.append((item, left[0], "the row and column identities"))
                known = {**known, **dict(zip(((item.row, c) for c in cols), left[0], strict=True))}
                progress = True
                break
    # 2. The whole table at once.
    total = 1
    for item in items:
        total *= max(1, len(item.readings))
    if not items or total > MAX_COMBINATIONS:
        return decided
    seen: list[set[tuple[int | None, ...]]] = [set() for _ in items]
    # every reading as (column -> (printed, value)), a blank total over counted parts unknown
    cells = [
        [{c: (c not in _blank_totals(cols, r), r[j]) for j, c in enumerate(cols)} for r in item.readings]
        for item in items
    ]
    index = {item.row: k for k, item in enumerate(items)}
    chosen: dict[str, dict[str, tuple[bool, int | None]]] = {}
    # each identity is checked once, when the last of its run-together rows has a reading
    checks: dict[int, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for lhs, rhs in sums:
        involved = [index[r] for r in lhs + rhs if r in index]
        if involved:
            checks.setdefault(max(involved), []).append((lhs, rhs))

    def at(r: str, c: str) -> tuple[bool, float | int | None]:
        if r in chosen:
            return chosen[r][c]
        return ((r, c) in known), known.get((r, c))

    budget = [MAX_COMBINATIONS * 3]  # search nodes left

    def go(k: int) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooMany
        if k == len(items):
            for seen_k, item in zip(seen, items, strict=True):
                seen_k.add(tuple(v for _, v in chosen[item.row].values()))
            return
        item = items[k]
        for reading in cells[k]:
            chosen[item.row] = reading
            if _consistent(checks.get(k, []), cols, at):
                go(k + 1)
        chosen.pop(item.row, None)

    try:
        go(0)
    except _TooMany:
        return decided
    for s, item in zip(seen, items, strict=True):
        if len(s) == 1:
            decided.append((item, list(next(iter(s))), "the identities of the whole table"))
    return decided


def _lookup(
    known: Known, row: str, cols: tuple[str, ...], reading: Values
) -> Callable[[str, str], tuple[bool, float | int | None]]:
    unknown = _blank_totals(cols, reading)

    def at(r: str, c: str) -> tuple[bool, float | int | None]:
        if r == row:
            return c not in unknown, reading[cols.index(c)]
        return ((r, c) in known), known.get((r, c))

    return at


def _blank_totals(cols: tuple[str, ...], values: Values) -> set[str]:
    """The columns of a row whose total is printed blank over parts that are not all nothing: such a
    blank is a sum the report did not fill in, unknown to the column identities (not 0)."""
    out: set[str] = set()
    for tpl in (t for t in TEMPLATE.tables if t.kind != "blocks"):  # tables with row identities
        table = tpl.id
        if set(cols) - {c.code for c in tpl.columns}:
            continue
        for s in row_sums(table, cols):
            f = s.forced()
            if f is not None and values[f[0]] is None and any(values[k] for k in f[1]):
                out.add(cols[f[0]])
    return out


def known_cells(rows: dict[str, dict[str, float | int | None]], cols: tuple[str, ...]) -> Known:
    """The printed cells of a table's rows for the column identities: a blank total over counted
    parts is left out (unknown), every other blank counts for nothing."""
    out: Known = {}
    for row, cells in rows.items():
        values: Values = [
            None if (v := cells.get(c)) is None else int(v) if float(v).is_integer() else None for c in cols
        ]
        skip = _blank_totals(cols, values) if all(c in cells for c in cols) else set()
        for c, v in cells.items():
            if c not in skip:
                out[(row, c)] = v
    return out


def one_reading(
    findings: list[Finding],
    where: str,
    cell: RowCell,
    cols: tuple[str, ...],
    values: Values,
    by: str,
    raw: str | None = None,
) -> list[tuple[str, RowCell]]:
    """The values of the one reading left, as cells of the printed run, said in a `digits_split`."""
    raw = raw if raw is not None else cell.text.strip()
    findings.append(
        parser_finding(
            "digits_split",
            f"{where}: {raw!r} printed without separators read as {values}, the only reading that "
            f"fits {len(cols)} counts and {by}",
            cells={where: raw},
        )
    )
    return [
        (code, RowCell(cell.cell, cell.table, ParsedValue(v, "" if v is None else str(v))))
        for code, v in zip(cols, values, strict=True)
    ]


def blank_row(findings: list[Finding], where: str, cols: tuple[str, ...]) -> list[tuple[str, RowCell]]:
    """A row printed as its label and nothing else in run-together text, the next label (or the
    table's end) right after it: every cell printed blank, said in a `run_together_blank_row`."""
    findings.append(
        parser_finding(
            "run_together_blank_row",
            f"{where}: printed with no value before the next label; its {len(cols)} cells read as blank",
            cells={where: ""},
        )
    )
    cell = GridCell(text="", row=0, col=0)
    return [(code, RowCell(cell, 0, ParsedValue(None, ""))) for code in cols]
