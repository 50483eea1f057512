"""Spreadsheets: merged ranges become continuations; .xls goes through LibreOffice."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from nianbao.extractors.readers.office import convert_with_libreoffice
from nianbao.extractors.readers.sheet import cell_text, read_sheet
from nianbao.schemas.errors import UnreadableFile


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


# ------------------------------------------------------------------------------------------------
# Bounds (extractors.limits): ambiguous, corrupt and oversized workbooks refused with their reason
# ------------------------------------------------------------------------------------------------
SAMPLE_XLSX = (
    Path(__file__).resolve().parents[2] / "samples" / "reports" / "2022" / "qingshui_2022_tables.xlsx"
)


def _members() -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(SAMPLE_XLSX) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def _package(path: Path, members: list[tuple[str, bytes]]) -> Path:
    import warnings

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, data in members:
            zf.writestr(name, data)
    return path


def test_duplicate_sheet_member_is_refused(tmp_path: Path) -> None:
    parts = _members()
    p = _package(
        tmp_path / "dup.xlsx", [*parts, ("xl/worksheets/sheet1.xml", dict(parts)["xl/worksheets/sheet2.xml"])]
    )
    with pytest.raises(UnreadableFile) as exc:
        read_sheet(str(p))
    assert exc.value.reason == (
        "ambiguous .xlsx package: member 'xl/worksheets/sheet1.xml' appears twice "
        "(as 'xl/worksheets/sheet1.xml' too); refused rather than guess which copy is the document"
    )


@pytest.mark.parametrize("member", ["xl/sharedStrings.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml"])
def test_corrupt_member_is_reported_as_a_corrupt_package(tmp_path: Path, member: str) -> None:
    from nianbao.extractors import extract_file

    data = bytearray(SAMPLE_XLSX.read_bytes())
    with zipfile.ZipFile(SAMPLE_XLSX) as zf:
        info = zf.getinfo(member)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20  # inside the deflate data
    for i in range(start, start + 16):
        data[i] ^= 0xFF
    p = tmp_path / "corrupt.xlsx"
    p.write_bytes(bytes(data))
    report = extract_file(p)
    assert report.status == "failed"
    assert report.error.startswith(("corrupt .xlsx package (", "corrupt or truncated package: ")), (
        report.error
    )
    assert "internal error" not in report.error


def test_merged_range_over_the_cell_limit_is_refused_before_openpyxl(tmp_path: Path) -> None:
    parts = dict(_members())
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</worksheet>", b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>'
    )
    p = _package(tmp_path / "merge.xlsx", list(parts.items()))
    with pytest.raises(UnreadableFile) as exc:
        read_sheet(str(p))
    assert exc.value.reason == "xl/worksheets/sheet1.xml merges over 200000 cells (limit): not a report table"


def test_encrypted_office_file_is_refused_before_libreoffice(tmp_path: Path) -> None:
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(512)
    )
    p = tmp_path / "locked.xls"
    p.write_bytes(ole)
    with pytest.raises(UnreadableFile) as exc:
        read_sheet(str(p))
    assert exc.value.reason == (
        "password-protected (encrypted) Office document: remove the password and save it again"
    )
