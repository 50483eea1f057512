"""Spreadsheets: merged ranges become continuations; .xls goes through LibreOffice."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from extractors.readers.office import convert_with_libreoffice
from extractors.readers.sheet import cell_text, read_sheet
from schemas.errors import UnreadableFile


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表三"
    ws["B2"] = "三、本年度办理结果"
    ws.merge_cells("B2:B4")
    ws["C2"], ws["D2"], ws["E2"] = "（一）予以公开", 12, 3.5
    ws["E2"].number_format = "0.00"
    ws["C3"], ws["D3"], ws["E3"] = "（二）部分公开", 0, 7.0
    ws["C4"] = "合计"
    ws.merge_cells("C4:D4")
    ws["E4"] = 10.5
    wb.save(path)
    return path


def test_xlsx_grid(tmp_path: Path) -> None:
    doc = read_sheet(str(_workbook(tmp_path / "t.xlsx")))
    t = doc.tables[0]
    assert t.texts() == [
        ["", "三、本年度办理结果", "（一）予以公开", "12", "3.50"],
        ["", "三、本年度办理结果", "（二）部分公开", "0", "7"],
        ["", "三、本年度办理结果", "合计", "合计", "10.5"],
    ]
    assert t.rows[0][1].rowspan == 3 and t.rows[2][1].origin == (0, 1)
    assert t.rows[2][3].origin == (2, 2) and t.rows[2][2].colspan == 2


def test_xls_via_libreoffice(tmp_path: Path) -> None:
    src = _workbook(tmp_path / "t.xlsx")
    (tmp_path / "xls").mkdir()
    xls = convert_with_libreoffice(str(src), "xls:MS Excel 97", str(tmp_path / "xls"))
    doc = read_sheet(str(xls))
    assert doc.format == "xls"
    assert doc.tables[0].texts()[0][1:4] == ["三、本年度办理结果", "（一）予以公开", "12"]
    assert doc.tables[0].rows[1][1].is_continuation


def test_bad_xlsx(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(UnreadableFile, match="corrupt or truncated .xlsx package"):
        read_sheet(str(bad))


def test_cell_text() -> None:
    assert cell_text(96171.6) == "96171.6"
    assert cell_text(5.0) == "5"
    assert cell_text(None) == ""
