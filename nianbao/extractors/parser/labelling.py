"""Label the printed rows of one statistical table: each template row label with its value cells.

This is the part of the template parser that does not care which table it reads. It walks cells in
reading order and asks a `LabelSpace` (one per table) what each label cell is: a row of the
template, a group that gives context, a column header, a block caption, or nothing known. Values
are the cells `schemas.text.parse_value` accepts (numbers, blanks, markers). It works the same on a
true grid (rows from Word/HTML/PDF tables) and on text flattened one cell per line, because a
labelled row ends at the next row label, not at a fixed count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from nianbao.extractors.document import GridCell
from nianbao.schemas.text import ParsedValue, norm_label, parse_value


@dataclass
class RowCell:
    """A grid cell as the parser sees it, with the index of the table it came from."""

    cell: GridCell
    table: int
    parsed: ParsedValue | None  # None: a label

    @property
    def text(self) -> str:
        return self.cell.text


@dataclass
class PrintedRow:
    """One printed row of a table as a reader gave it, with where it came from."""

    cells: list[GridCell]
    table: int  # index of the table in the document
    structured: bool = True  # the reader knew the grid
    run_together: bool = False  # cut from text printed without separators


@dataclass
class Kind:
    """What a label cell is, as a LabelSpace answers."""

    row: str | None = None  # template row code
    group: str | None = None  # group code given as context
    column: str | None = None  # column code (header cell)
    caption: str | None = None  # table-2 block item ("一", "五"...), or "" when the numeral was dropped
    overridable: bool = False  # a row label that is also a group label (2019/2021 （六）其他处理)


class LabelSpace(Protocol):
    def classify(self, normed: str, group: str | None) -> Kind: ...

    def group_of_row(self, row_code: str) -> str | None: ...

    def group_after(self, row_code: str) -> str | None: ...


@dataclass
class LabelledRow:
    """A row label and the value cells that follow it."""

    row: str
    label: str  # the label text as printed (joined)
    values: list[RowCell] = field(default_factory=list)
    block: str | None = None  # table 2: the caption item in force
    header: list[tuple[str | None, int]] = field(default_factory=list)  # column codes in force, with grid col
    structured: bool = True
    overridable: bool = False
    run_together: bool = False
    # Cut from a flattened sequence of cells (several row labels in one printed row, or values on
    # printed rows of their own): blank cells beyond the row's width are the next row's merged
    # positions, so they are dropped from the end first.
    flat: bool = False


@dataclass
class LabelledTable:
    labelled: list[LabelledRow] = field(default_factory=list)
    loose_values: list[list[RowCell]] = field(default_factory=list)  # value-only rows with no open label
    # Value-only rows of a true grid, with the number of segments before them: a row whose label the
    # reader lost (OCR) may still be placed by the template's row order.
    unlabelled: list[tuple[int, list[RowCell]]] = field(default_factory=list)
    unknown_at: list[int] = field(default_factory=list)  # segments before each unknown label
    unknown_labels: list[tuple[str, list[RowCell]]] = field(default_factory=list)  # label text, its values
    headers: list[list[tuple[str | None, int]]] = field(default_factory=list)
    run_together: bool = False  # some rows were cut from text printed without separators


def _blank(rc: RowCell) -> bool:
    """An empty cell (a label cell the reader left empty, or a merge placeholder)."""
    return rc.parsed is not None and rc.parsed.is_blank and not rc.text.strip()


class _RowLabeller:
    """The state of one walk over a table's rows; each method does one job of `label_rows`."""

    def __init__(self, space: LabelSpace) -> None:
        self.space = space
        self.out = LabelledTable()
        self.current: LabelledRow | None = None  # the row label whose values are being collected
        self.unknown: tuple[str, list[RowCell]] | None = None  # a label the table does not know
        self.group: str | None = None  # the （三）-style group in force
        self.block: str | None = None  # table 2: the 第二十条 item in force
        self.header: list[tuple[str | None, int]] = []  # column codes in force, with grid column
        self.header_open = False  # True while consecutive header cells are being collected
        self.rows_in_printed = 0  # row labels met so far in the current printed row
        self.gaps: list[RowCell] = []  # empty text lines after the open row's label or values
        self.held: list[RowCell] = []  # empty text lines with no row open: kept only if a value follows

    def close(self) -> None:
        """End the open labelled row (and the open unknown label, if it took values)."""
        if self.current is not None:
            self.current.values += self.gaps  # blank cells at its end, or separators (tables.py)
            self.out.labelled.append(self.current)
        self.gaps = []
        if self.unknown is not None and self.unknown[1]:
            self.out.unknown_labels.append(self.unknown)
            self.out.unknown_at.append(len(self.out.labelled) + (1 if self.current is not None else 0))
        self.current = None
        self.unknown = None

    def context(self, cell: GridCell) -> None:
        """A merged label spanning this row gives context (三、本年度办理结果, （三）不予公开)."""
        kind = self.space.classify(norm_label(cell.text), self.group) if cell.text.strip() else Kind()
        if kind.group:
            self.group = kind.group

    def value(self, rc: RowCell, row_has_label: bool, pending: list[RowCell], orphans: list[RowCell]) -> None:
        """A value, blank or marker: to the open label, or kept for the end of the row.

        A value after a label cell of its printed row but with no row label open (values right
        after a column header, in a table flattened into one long printed row) is kept as an
        orphan: a row of values with no label, never dropped.
        """
        self.header_open = False
        if self.current is None and self.unknown is None:
            rc_list = [*self.held, rc]
            self.held = []
        else:
            rc_list = [rc]
        if not row_has_label:
            pending += rc_list  # merge placeholders, or a value-only line (decided at row end)
        elif self.current is not None:
            self.current.values += [*self.gaps, rc]
            self.gaps = []
        elif self.unknown is not None:
            self.unknown[1].append(rc)
        else:
            orphans += rc_list

    def classify(self, normed: str) -> Kind:
        """What a label is in the group in force; a label unknown there is tried in the group of
        the row the template prints next (a merged group label the reader lost: OCR, short forms)."""
        kind = self.space.classify(normed, self.group)
        last = self.current or (self.out.labelled[-1] if self.out.labelled else None)
        if kind == Kind() and last is not None and last.values:
            after = self.space.group_after(last.row)
            if after is not None and after != self.group:
                retry = self.space.classify(normed, after)
                if retry.row is not None and self.space.group_of_row(retry.row) == after:
                    return retry
        return kind

    def label(self, cell: GridCell, printed: PrintedRow) -> bool:
        """A label cell: a block caption, a column header, a row, a group, or something unknown.
        False for a group label alone (context for the rows under it, not a row's label)."""
        kind = self.classify(norm_label(cell.text))
        if kind.caption is not None:
            self.caption(kind.caption)
            return True
        if kind.row and kind.column and not self._values_seen() and not (self.current or self.out.labelled):
            kind.row = None  # "总计" before any data row is the column header, not （七）总计
        if kind.column and not kind.row:
            self.column(kind.column, cell.col)
            return True
        self.header_open = False
        if kind.row:
            self.row(kind, cell.text, printed)
        elif kind.group:
            self.group = kind.group
            return False
        else:
            self.unknown_label(cell.text, printed)
        return True

    def _values_seen(self) -> bool:
        """True once a row label has taken values (the header is behind us)."""
        return bool(self.current and self.current.values) or any(s.values for s in self.out.labelled)

    def caption(self, item: str) -> None:
        """第二十条第（X）项: a new table-2 block; header and group start afresh."""
        self.close()
        self.block = item or None
        self.header = []
        self.header_open = False
        self.group = None

    def column(self, code: str, col: int) -> None:
        """A column header cell; consecutive ones make one header."""
        if not self.header_open:
            self.header = []
            self.out.headers.append(self.header)
            self.header_open = True
        self.header.append((code, col))
        self.close()

    def row(self, kind: Kind, text: str, printed: PrintedRow) -> None:
        """A template row label opens a labelled row (or refines an open group-row label)."""
        assert kind.row is not None
        cur = self.current
        if cur is not None and not cur.values and cur.row == kind.row:
            cur.label += text  # the rest of a label broken over two cells ("四、结转下年度" / "继续办理")
            self.gaps = []  # empty lines between the pieces of a label only separated them
            return
        if (
            cur is not None
            and not cur.values
            and cur.overridable
            and self.space.group_of_row(kind.row) == self.group
        ):
            self.gaps = []
            cur.row = kind.row  # （六）其他处理 followed by its 2021 sub-item
            cur.label += text
            cur.overridable = kind.overridable
        else:
            self.close()
            flat = self.rows_in_printed > 0 and not printed.structured
            if flat and self.out.labelled:
                self.out.labelled[-1].flat = True
            self.current = LabelledRow(
                kind.row,
                text,
                block=self.block,
                header=list(self.header),
                structured=printed.structured,
                overridable=kind.overridable,
                run_together=printed.run_together,
                flat=flat,
            )
            self.rows_in_printed += 1
        self.group = kind.group or self.space.group_of_row(kind.row)

    def unknown_label(self, text: str, printed: PrintedRow) -> None:
        """A label this table does not know: a fragment of a broken label ("（四）无" / "法提供"), a
        note, or an extra row (Hubei 其他主动公开文件). Fragments before any value stay with the
        open labelled row (two or more empty lines after it are its blank cells, not a separator,
        so the row is complete); text followed by values becomes an unknown row."""
        if self.current is not None and not self.current.values and len(self.gaps) < 2:
            self.current.label += text  # one empty line between the pieces only separated them
            self.gaps = []
            return
        if self.unknown is not None and not self.unknown[1]:
            # two fragments of one broken label ("政府集中" / "采购"): together they may name a row
            joined = self.unknown[0] + text
            kind = self.space.classify(norm_label(joined), self.group)
            if kind.row and not kind.column:
                self.unknown = None
                self.row(kind, joined, printed)
                return
            self.unknown = (joined, [])
            return
        self.close()
        self.unknown = (text, [])

    def gap(self, rc: RowCell) -> None:
        """An empty line of flattened text: a blank cell or a separator, decided by the row's width
        once the row is complete (tables.py). After the open row's label or values it goes with
        the row; elsewhere it waits for the next cell: a value takes it along, a label drops it."""
        if self.current is not None:
            self.gaps.append(rc)
            self.current.flat = True
        elif self.unknown is None:
            self.held.append(rc)

    def orphan_break(self, orphans: list[RowCell], structured: bool) -> None:
        """A label after orphan values ends their run: in a flattened table they are one unlabelled
        printed row; in a true grid they stay out, as before (a header row's stray cells)."""
        if orphans and not structured:
            self.out.loose_values.append(list(orphans))
        orphans.clear()

    def end_row(self, pending: list[RowCell], row_has_label: bool, structured: bool) -> None:
        """End of a printed row. A row of values only belongs to a label left open above it (a
        wrapped label whose numbers sit on the next line, or text one cell per line), unless it is a
        printed row of its own: in a true grid, or as wide as the full row above it (a row whose
        label the reader lost, left for the template's row order to place)."""
        if pending and not row_has_label:
            cur = self.current
            width = len(pending) - next((i for i, v in enumerate(pending) if not _blank(v)), len(pending))
            own_row = structured or (cur is not None and width >= 2 and len(cur.values) == width)
            if cur is not None and (not cur.values or not own_row):
                cur.values += [*self.gaps, *pending]
                self.gaps = []
                cur.flat = cur.flat or not structured
            else:
                self.out.loose_values.append(pending)
                if own_row:
                    before = len(self.out.labelled) + (1 if cur is not None else 0)
                    self.out.unlabelled.append((before, pending))
        if structured and self.current is not None and self.current.values:
            self.close()
        if structured and self.unknown is not None and self.unknown[1]:
            self.close()

    def walk(self, rows: list[PrintedRow]) -> LabelledTable:
        for printed in rows:
            self.out.run_together |= printed.run_together
            pending: list[RowCell] = []  # values seen in this row before any label
            orphans: list[RowCell] = []  # values after a label of this row with no row label open
            row_has_label = False
            self.rows_in_printed = 0
            for cell in printed.cells:
                if cell.is_continuation:
                    self.context(cell)
                    continue
                if cell.gap:
                    self.gap(RowCell(cell, printed.table, parse_value("")))
                    continue
                parsed = parse_value(cell.text)
                if parsed is not None:
                    self.value(RowCell(cell, printed.table, parsed), row_has_label, pending, orphans)
                    continue
                self.held = []  # empty lines before a label only separated it from what came before
                self.orphan_break(orphans, printed.structured)
                # a group label's cell in a grid (（五）不予处理): the row's own label is still to come
                row_has_label = self.label(cell, printed) or not printed.structured
            self.orphan_break(orphans, printed.structured)
            self.end_row(pending, row_has_label, printed.structured)
        self.close()
        if self.held:  # blank cells after the last loose value (or a row all blank), or spacing
            self.out.loose_values.append(self.held)
        return self.out


def label_rows(rows: list[PrintedRow], space: LabelSpace) -> LabelledTable:
    """LabelledRow the printed rows of one table with its labels.

    Args:
        rows: the table's printed rows in reading order.
        space: answers what each label of this table is (rows, groups, columns, captions).
    """
    return _RowLabeller(space).walk(rows)
