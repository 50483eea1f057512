"""Spreadsheets (.xlsx, .xls) into the grid model: one `Table` per non-empty worksheet.

Merged ranges become an origin cell plus continuation cells, exactly like Word and HTML merges, so
the template parser sees the same grid whatever the format. Numbers are written as printed: the
cell's number format decides the decimals, and integers stored as floats lose their `.0`.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

from nianbao.extractors.document import Document, GridCell, Table
from nianbao.extractors.limits import LIMITS
from nianbao.extractors.readers.guard import LimitExceeded, check, open_regular
from nianbao.extractors.readers.package import find_member, open_package, read_member
from nianbao.schemas.errors import UnreadableFile

MAX_CELLS = LIMITS.max_sheet_cells  # a 年报 sheet has a few hundred cells; bigger sheets are not reports


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


def _check_package(path: str) -> None:
    """The package checks of every .xlsx before openpyxl opens it (openpyxl would read any zip).

    Duplicate or unsafe member names, too many members, and members declaring more than
    `LIMITS.max_part_bytes` (zipfile never inflates past a member's declared size) are refused.
    """
    with open_package(path, ".xlsx") as zf:
        if find_member(zf, "xl/workbook.xml") is None:
            raise UnreadableFile(path, "not an Excel workbook: the package has no xl/workbook.xml")
        for info in zf.infolist():
            if info.file_size > LIMITS.max_part_bytes or (
                info.file_size > 1_000_000
                and info.file_size > LIMITS.max_zip_ratio * max(1, info.compress_size)
            ):
                read_member(path, zf, info)  # raises with the size or ratio in the reason
            name = info.filename.lower()
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _check_merges(path, info.filename, read_member(path, zf, info))


_MERGE = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z]{1,3})([0-9]{1,7}):([A-Za-z]{1,3})([0-9]{1,7})"
)


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _check_merges(path: str, name: str, xml: bytes) -> None:
    """Refuse a sheet holding, or merging, more than `LIMITS.max_sheet_cells` cells before openpyxl
    opens it: it makes one object per cell and per merged cell (A1:XFD1048576 is 17 billion)."""
    cells = len(re.findall(rb"<(?:\w+:)?c[\s>/]", xml))
    if cells > MAX_CELLS:  # openpyxl keeps every cell as an object: refuse before it loads them
        raise LimitExceeded(path, f"{name} holds {cells} cells (limit {MAX_CELLS}): not a report table")
    area = 0
    for m in _MERGE.finditer(xml):
        rows = abs(int(m.group(4)) - int(m.group(2))) + 1
        cols = abs(_col(m.group(3)) - _col(m.group(1))) + 1
        area += rows * cols
        if area > MAX_CELLS:
            raise LimitExceeded(path, f"{name} merges over {MAX_CELLS} cells (limit): not a report table")


def _sheet_table(ws: Any, index: int, path: str = "") -> Table | None:
    """One worksheet as a grid, trimmed to the used area; None when the sheet is empty."""
    max_row, max_col = ws.max_row or 0, ws.max_column or 0
    if max_row * max_col > MAX_CELLS:
        raise LimitExceeded(
            path or ws.title, f"sheet {ws.title!r} has {max_row}x{max_col} cells (limit {MAX_CELLS}): "
            "not a report table",
        )  # fmt: skip
    merged = sum((r.max_row - r.min_row + 1) * (r.max_col - r.min_col + 1) for r in ws.merged_cells.ranges)
    if merged > MAX_CELLS:
        raise LimitExceeded(
            path or ws.title,
            f"sheet {ws.title!r} merges {merged} cells (limit {MAX_CELLS}): not a report table",
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

    _check_package(path)
    try:
        wb = openpyxl.load_workbook(path, data_only=True)  # cached formula results, as printed
    except LimitExceeded:
        raise
    except Exception as exc:  # openpyxl raises KeyError, TypeError, zlib.error... for damaged parts
        raise UnreadableFile(path, f"corrupt .xlsx package ({type(exc).__name__}: {exc})") from exc
    doc = Document(path=path, format="xlsx")
    try:
        props = wb.properties
        if props.title:
            doc.metadata["title"] = str(props.title)
        if props.creator:
            doc.metadata["author"] = str(props.creator)
        if len(wb.worksheets) > LIMITS.max_sheets:
            raise LimitExceeded(
                path, f"workbook has {len(wb.worksheets)} sheets (limit {LIMITS.max_sheets}): not a report"
            )
        for ws in wb.worksheets:
            check()
            table = _sheet_table(ws, len(doc.tables), path)
            if table is not None:
                doc.blocks.append(table)
    except UnreadableFile:
        raise
    except Exception as exc:  # a cell or range openpyxl cannot make sense of
        raise UnreadableFile(path, f"corrupt .xlsx worksheet ({type(exc).__name__}: {exc})") from exc
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
    with open_regular(path) as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        return read_xlsx(path)
    from nianbao.extractors.readers.office import convert_with_libreoffice, refuse_encrypted

    refuse_encrypted(path)
    with tempfile.TemporaryDirectory(prefix="nianbao-xls-") as outdir:
        out = convert_with_libreoffice(path, "xlsx:Calc MS Excel 2007 XML", outdir)
        doc = read_xlsx(str(out))
    doc.path = path
    doc.format = Path(path).suffix.lower().lstrip(".") or "xls"
    return doc
