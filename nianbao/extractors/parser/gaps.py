"""Empty lines of text flattened one cell per line: blank cells, or only separators between cells.

When a Word table is exported to text and its leading TABs are lost, a blank cell (a bare TAB)
becomes an empty line, as does the empty line Word prints after every row. The reader keeps such
lines as `GridCell.gap`; here they are read by the template's row widths: separators when a row's
printed cells fill it, blank cells when exactly one way of cutting the empty lines at its ends gives
its width. Table 4's row of values, which has no label to start it, may be cut by the empty lines
the document prints after each row of table 3, or by its block totals; otherwise it is not placed.
"""

from __future__ import annotations

from nianbao.extractors.parser.findings import parser_finding
from nianbao.extractors.parser.labelling import LabelledTable, RowCell
from nianbao.schemas import TEMPLATE, Finding


def _gap_cuts(values: list[RowCell], n: int, lead_cells: bool) -> list[list[RowCell]]:
    """The ways to read a row's empty lines (`GridCell.gap`) as blank cells so that it has n cells:
    the empty lines at its ends beyond n are separators. `lead_cells`: the empty lines right after a
    row's label are its first cells (a label is printed just before its cells)."""
    return [cut for _, cut in _gap_cuts_at(values, n, lead_cells)]


def _gap_cuts_at(values: list[RowCell], n: int, lead_cells: bool) -> list[tuple[int, list[RowCell]]]:
    """`_gap_cuts` with the number of leading empty lines each way reads as separators."""
    size = len(values)
    lead = next((i for i, v in enumerate(values) if not v.cell.gap), size)
    trail = next((i for i, v in enumerate(reversed(values)) if not v.cell.gap), size)
    return [
        (k, values[k : k + n]) for k in range(1 if lead_cells else lead + 1) if 0 <= size - n - k <= trail
    ]


def row_separators(seg: LabelledTable, n: int) -> int | None:
    """How many empty lines the document prints after each table row (0 or 1), judged from the
    labelled rows of a table (table 3) that end in a printed cell: the fewest empty lines after
    such a row (more follow where the next row starts with merged positions). None: no such row."""
    extra = [
        len(s.values) - n
        for s in seg.labelled
        if len(s.values) >= n
        and not s.values[n - 1].cell.gap
        and any(v.cell.gap for v in s.values)
        and all(v.cell.gap for v in s.values[n:])
    ]
    return min(extra) if extra else None


def without_gaps(values: list[RowCell], n: int, lead_cells: bool) -> list[RowCell]:
    """The cells of a row whose text lost its grid, where empty lines (`GridCell.gap`) are either
    blank cells (bare TABs stripped) or only separators.

    Separators when the other cells alone fill the row; otherwise blank cells, when exactly one way
    of cutting the empty lines at the row's ends gives its width (`_gap_cuts`). Otherwise the empty
    lines are dropped and the row is left to the usual count, which does not place a row short of
    cells.
    """
    if not any(v.cell.gap for v in values):
        return list(values)
    solid = [v for v in values if not v.cell.gap]
    if len(solid) == n:
        return solid
    cuts = _gap_cuts(values, n, lead_cells)
    if cuts and all([v.text for v in c] == [v.text for v in cuts[0]] for c in cuts):
        return cuts[0]  # one way, or ways that all read the same cells (a row printed all blank)
    return solid


def _t4_checks(values: list[RowCell]) -> list[bool | None]:
    """Table 4's block totals on a candidate row of 15 cells: True when all its cells are numbers
    and it holds; False when it fails, or when the printed parts alone exceed a printed total
    (counts are never negative); None when a blank cell leaves it open."""
    tpl = TEMPLATE.of_kind("grid")
    cols = [c.code for c in tpl.columns]
    out: list[bool | None] = []
    for i in range(len(tpl.rows)):
        cells = dict(zip(cols, values[i * len(cols) : (i + 1) * len(cols)], strict=True))

        def nums(names: tuple[str, ...], cells: dict[str, RowCell] = cells) -> list[float | int | None]:
            return [p.value if (p := cells[c].parsed) is not None else None for c in tpl.expand(names)]

        for ident in TEMPLATE.identities:
            if ident.table != tpl.id or ident.along != "rows":
                continue
            total, parts = nums(ident.lhs), nums(ident.rhs)
            known = sum(v for v in parts if v is not None)
            if None not in total and None not in parts:
                out.append(sum(v for v in total if v is not None) == known)
            elif None not in total and known > sum(v for v in total if v is not None):
                out.append(False)
            else:
                out.append(None)
    return out


def t4_cut(
    loose: list[RowCell], values: list[RowCell], n: int, separators: int | None
) -> tuple[list[RowCell], Finding | None]:
    """Table 4's row with its blank cells printed as empty lines and more empty lines at its ends than
    cells. The way of cutting them that starts after as many empty lines as the document prints
    after every table row, when it breaks no block total; else the one way that breaks no block
    total while every other way breaks one; else the row is left as it was (not placed)."""
    cuts = _gap_cuts_at(loose, n, lead_cells=False)
    if len(cuts) < 2:
        return values, None
    ok = [(k, cut) for k, cut in cuts if False not in _t4_checks(cut)]
    by_rows = [(k, cut) for k, cut in ok if k == separators]
    if len(by_rows) == 1:
        why = f"the document prints {separators} empty line(s) after each table row"
        chosen = by_rows[0][1]
    elif len(ok) == 1:
        why = "only one way satisfies the block totals"
        chosen = ok[0][1]
    else:
        return values, None
    return chosen, (
        parser_finding(
            "blank_lines_resolved",
            f"table 4: {len(loose)} cells and empty lines for {n} columns; of {len(cuts)} ways to read "
            f"the empty lines at its ends, one was taken: {why}",
            cells={TEMPLATE.of_kind("grid").id: [v.text for v in chosen]},
        )
    )
