"""Spreadsheets (.xlsx, .xls) into the grid model: one `Table` per non-empty worksheet.

Merged ranges become an origin cell plus continuation cells, exactly like Word and HTML merges, so
the template parser sees the same grid whatever the format. Numbers are written as printed: the
cell's number format decides the decimals, and integers stored as floats lose their `.0`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from extractors.document import Document, GridCell, Table
from schemas.errors import UnreadableFile

MAX_CELLS = 200_000  # a 年报 sheet has a few hundred cells; bigger sheets are not reports


def cell_text(value: Any, number_format: str = "General") -> str:
    """A cell value as the spreadsheet shows it (near enough for 年报 tables)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if "." in number_format and "0" in number_format.split(".", 1)[1]:
            places = len(number_format.split(".", 1)[1].split(";")[0].rstrip("%_)\\ ").replace("#", "0"))
            return f"{value:.{min(places, 10)}f}"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def _sheet_table(ws: Any, index: int) -> Table | None:
    """One worksheet as a grid, trimmed to the used area; None when the sheet is empty."""
    max_row, max_col = ws.max_row or 0, ws.max_column or 0
    if max_row * max_col > MAX_CELLS:
        raise UnreadableFile(
            ws.title, f"sheet {ws.title!r} has {max_row}x{max_col} cells: not a report table"
        )
    texts: dict[tuple[int, int], str] = {}
    for cells in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
        for c in cells:
            if c.value is not None and str(c.value).strip():
                texts[(c.row - 1, c.column - 1)] = cell_text(c.value, c.number_format or "General")
    if not texts:
        return None
    merges: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for rng in ws.merged_cells.ranges:
        r0, c0, r1, c1 = rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                merges[(r, c)] = (r0, c0, r1 - r0 + 1, c1 - c0 + 1)
    n_rows = max(r for r, _ in [*texts, *merges]) + 1
    n_cols = max(c for _, c in [*texts, *merges]) + 1
    first_row = min(r for r, _ in texts)
    rows: list[list[GridCell]] = []
    for r in range(first_row, n_rows):
        row: list[GridCell] = []
        for c in range(n_cols):
            if (r, c) in merges:
                r0, c0, rs, cs = merges[(r, c)]
                origin = None if (r, c) == (r0, c0) else (r0 - first_row, c0)
                text = texts.get((r0, c0), "")
                row.append(GridCell(text, r - first_row, c, rs, cs, origin))
            else:
                row.append(GridCell(texts.get((r, c), ""), r - first_row, c))
        rows.append(row)
    return Table(rows=rows, index=index, structured=True)


def read_xlsx(path: str) -> Document:
    """Read an .xlsx workbook; each worksheet with content gives one Table, in sheet order.

    Raises:
        UnreadableFile: the file is not a readable workbook.
    """
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)  # cached formula results, as printed
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from exc
    doc = Document(path=path, format="xlsx")
    try:
        props = wb.properties
        if props.title:
            doc.metadata["title"] = str(props.title)
        if props.creator:
            doc.metadata["author"] = str(props.creator)
        for ws in wb.worksheets:
            table = _sheet_table(ws, len(doc.tables))
            if table is not None:
                doc.blocks.append(table)
    finally:
        wb.close()
    doc.pages = len(doc.tables)
    if not doc.tables:
        raise UnreadableFile(path, "workbook has no filled cells")
    return doc


def read_sheet(path: str) -> Document:
    """Read .xlsx directly, or .xls/.et after LibreOffice converts it to .xlsx.

    Raises:
        UnreadableFile: not a readable workbook.
        ConversionFailed: LibreOffice could not convert an .xls file.
    """
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        return read_xlsx(path)
    from extractors.readers.office import convert_with_libreoffice

    with tempfile.TemporaryDirectory(prefix="nianbao-xls-") as outdir:
        out = convert_with_libreoffice(path, "xlsx:Calc MS Excel 2007 XML", outdir)
        doc = read_xlsx(str(out))
    doc.path = path
    doc.format = Path(path).suffix.lower().lstrip(".") or "xls"
    return doc
