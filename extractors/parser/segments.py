"""Cut the rows of one statistical table into labelled segments: a row label and its value cells.

This is the part of the template parser that does not care which table it reads. It walks cells in
reading order and asks a `LabelSpace` (one per table) what each label cell is: a row of the
template, a group that gives context, a column header, a block caption, or nothing known. Values
are the cells `schemas.text.parse_value` accepts (numbers, blanks, markers). It works the same on a
true grid (rows from Word/HTML/PDF tables) and on text flattened one cell per line, because a
segment ends at the next row label, not at a fixed count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from extractors.document import GridCell
from schemas.text import ParsedValue, norm_label, parse_value


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


@dataclass
class Segment:
    """A row label and the value cells that follow it."""

    row: str
    label: str  # the label text as printed (joined)
    values: list[RowCell] = field(default_factory=list)
    block: str | None = None  # table 2: the caption item in force
    header: list[tuple[str | None, int]] = field(default_factory=list)  # column codes in force, with grid col
    structured: bool = True
    overridable: bool = False


@dataclass
class Segmentation:
    segments: list[Segment] = field(default_factory=list)
    loose_values: list[list[RowCell]] = field(default_factory=list)  # value-only rows with no open label
    unknown_labels: list[tuple[str, list[RowCell]]] = field(default_factory=list)  # label text, its values
    headers: list[list[tuple[str | None, int]]] = field(default_factory=list)


def segment_rows(rows: list[tuple[list[GridCell], int, bool]], space: LabelSpace) -> Segmentation:
    """Segment table rows (cells, table index, structured) with the labels of one table."""
    out = Segmentation()
    current: Segment | None = None
    unknown: tuple[str, list[RowCell]] | None = None
    group: str | None = None
    block: str | None = None
    header: list[tuple[str | None, int]] = []
    header_open = False  # True while consecutive header cells are being collected

    def close() -> None:
        nonlocal current, unknown
        if current is not None:
            out.segments.append(current)
        if unknown is not None and unknown[1]:
            out.unknown_labels.append(unknown)
        current = None
        unknown = None

    for cells, table_index, structured in rows:
        pending: list[RowCell] = []  # values seen in this row before any label
        row_has_label = False
        for cell in cells:
            if cell.is_continuation:
                # A merged label spanning this row gives context (三、本年度办理结果, （三）不予公开).
                kind = space.classify(norm_label(cell.text), group) if cell.text.strip() else Kind()
                if kind.group:
                    group = kind.group
                continue
            parsed = parse_value(cell.text)
            rc = RowCell(cell, table_index, parsed)
            if parsed is not None:  # a value, a blank or a marker
                header_open = False
                if not row_has_label:
                    # Before any label: merge placeholders, or a value-only line (decided at row end).
                    pending.append(rc)
                elif current is not None:
                    current.values.append(rc)
                elif unknown is not None:
                    unknown[1].append(rc)
                continue
            normed = norm_label(cell.text)
            kind = space.classify(normed, group)
            row_has_label = True
            if kind.caption is not None:
                close()
                block = kind.caption or None
                header = []
                header_open = False
                group = None
                continue
            if kind.row and kind.column and not out.segments and current is None:
                kind.row = None  # "总计" before any data row is the column header, not （七）总计
            if kind.column and not kind.row:
                if not header_open:
                    header = []
                    out.headers.append(header)
                    header_open = True
                header.append((kind.column, cell.col))
                close()
                continue
            header_open = False
            if kind.row:
                if current is not None and not current.values and current.overridable:
                    current.row = kind.row  # （六）其他处理 followed by its 2021 sub-item
                    current.label += cell.text
                    current.overridable = kind.overridable
                else:
                    close()
                    current = Segment(
                        kind.row,
                        cell.text,
                        block=block,
                        header=list(header),
                        structured=structured,
                        overridable=kind.overridable,
                    )
                group = kind.group or space.group_of_row(kind.row)
                continue
            if kind.group:
                group = kind.group
                continue
            # A label this table does not know: a fragment of a broken label ("（四）无" / "法提供"),
            # a note, or an extra row (Hubei 其他主动公开文件). Fragments before any value are kept
            # with the open segment; text followed by values becomes an unknown row.
            if current is not None and not current.values:
                current.label += cell.text
            else:
                close()
                unknown = (cell.text, [])
        # End of a printed row. A row of values only belongs to a label left open above it
        # (a wrapped label whose numbers sit on the next line, or text one cell per line).
        if pending and not row_has_label:
            if current is not None and (not current.values or not structured):
                current.values.extend(pending)
            else:
                out.loose_values.append(pending)
        if structured and current is not None and current.values:
            close()
        if structured and unknown is not None and unknown[1]:
            close()
    close()
    return out
