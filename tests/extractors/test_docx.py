"""The DOCX reader on .docx files built by the tests (python-docx + Word merge XML) and hostile packages."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from nianbao.extractors.document import Heading, Paragraph, Table
from nianbao.extractors.readers.docx import MAX_PART_BYTES, read_docx
from nianbao.schemas.errors import UnreadableFile
from tests.extractors.fixtures_build import SHARED, build_gridbefore_docx, build_report_docx, rewrite_part


@pytest.fixture()
def report_docx(tmp_path: Path) -> Path:
    return build_report_docx(tmp_path / "report.docx")


def test_grid_expands_gridspan_and_vmerge(report_docx: Path) -> None:
    doc = read_docx(str(report_docx))
    (table,) = doc.tables
    assert table.structured
    assert table.texts() == [
        ["说明", "说明", "申请人情况", "申请人情况", "申请人情况"],
        ["说明", "说明", "自然人", "商业\n企业", "总计"],
        ["一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量", "5", "\u3000", "5"],
        ["三、本年度办理结果", "（一）予以公开", "2", "0", "2"],
        ["三、本年度办理结果", "（二）部分公开", "1", "\u3000\u3000", "1"],
        ["三、本年度办理结果", "（七）总计", "3", "0", "3"],
    ]


def test_merge_continuations_point_at_their_origin(report_docx: Path) -> None:
    (table,) = read_docx(str(report_docx)).tables
    note = table.rows[0][0]
    assert (note.rowspan, note.colspan, note.origin) == (2, 2, None)
    assert [c.origin for c in table.rows[1][:2]] == [(0, 0), (0, 0)]
    assert table.rows[0][3].origin == (0, 2) and table.rows[0][2].colspan == 3
    result = table.rows[3][0]
    assert (result.rowspan, result.origin) == (3, None)
    assert [table.rows[r][0].origin for r in (4, 5)] == [(3, 0), (3, 0)]
    assert all(c.origin is None for c in table.rows[3][1:])
    assert [[c.col for c in row] for row in table.rows] == [list(range(5))] * 6


def test_split_paragraph_header_and_ideographic_blanks(report_docx: Path) -> None:
    (table,) = read_docx(str(report_docx)).tables
    assert table.rows[1][3].text == "商业\n企业"  # two <w:p>, no character inserted inside the word
    assert table.rows[2][3].text == "\u3000"  # a blank value keeps its raw ideographic space
    assert table.rows[4][3].text == "\u3000\u3000"


def test_body_order_and_metadata(report_docx: Path) -> None:
    doc = read_docx(str(report_docx))
    kinds = [(type(b).__name__, b.text if not isinstance(b, Table) else "") for b in doc.blocks]
    assert kinds == [
        ("Heading", "测试镇2023年政府信息公开工作年度报告"),
        ("Paragraph", "一、总体情况"),
        ("Paragraph", "本镇全年认真推进公开工作，各项任务按期完成。"),
        ("Paragraph", "三、收到和处理政府信息公开申请情况"),
        ("Table", ""),
        ("Paragraph", "五、存在的主要问题及改进情况"),
        ("Paragraph", "公开形式仍需丰富。"),
    ]
    assert isinstance(doc.blocks[0], Heading) and doc.blocks[0].level == 1
    assert doc.metadata["title"] == "测试镇2023年政府信息公开工作年度报告"
    assert doc.metadata["author"] == "测试作者"
    assert doc.metadata["created"][:2] == "20"
    assert doc.format == "docx" and doc.tables[0].index == 0


def test_grid_before_shifts_the_row(tmp_path: Path) -> None:
    (table,) = read_docx(str(build_gridbefore_docx(tmp_path / "gb.docx"))).tables
    assert table.texts() == [["甲", "乙", "丙"], ["乙2", "丙2"]]
    assert [c.col for c in table.rows[1]] == [1, 2]


def test_layout_table_is_walked_as_content(tmp_path: Path) -> None:
    """A report boxed in a one-cell table: its paragraphs are body text, not a 1x1 Table."""
    from docx import Document as new_docx

    d = new_docx()
    box = d.add_table(rows=1, cols=1)
    box.cell(0, 0).paragraphs[0].text = "一、总体情况"
    box.cell(0, 0).add_paragraph("正文内容一段。")
    inner = box.cell(0, 0).add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            inner.cell(r, c).text = f"{r}{c}"
    d.save(str(tmp_path / "box.docx"))
    doc = read_docx(str(tmp_path / "box.docx"))
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["一、总体情况", "正文内容一段。"]
    assert [t.texts() for t in doc.tables] == [[["00", "01"], ["10", "11"]]]


# ------------------------------------------------------------------------------------------------
# Hostile files: each is refused with a reason, before any expensive work.
# ------------------------------------------------------------------------------------------------
def _reason(path: Path) -> str:
    with pytest.raises(UnreadableFile) as err:
        read_docx(str(path))
    assert err.value.file == str(path)
    return err.value.reason


def test_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "x.docx"
    p.write_text("这不是一个Word文件", encoding="utf-8")
    assert "not a zip" in _reason(p)


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.docx"
    p.write_bytes(b"")
    assert _reason(p) == "empty file"


def test_truncated_zip(report_docx: Path, tmp_path: Path) -> None:
    p = tmp_path / "cut.docx"
    p.write_bytes(report_docx.read_bytes()[:3000])
    assert "corrupt or truncated" in _reason(p)


def test_encrypted_ooxml_is_an_ole_file(tmp_path: Path) -> None:
    p = tmp_path / "locked.docx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    assert "encrypted" in _reason(p)


def test_zip_without_document_part(tmp_path: Path) -> None:
    p = tmp_path / "other.docx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("hello.txt", "你好")
    assert "no word/document.xml" in _reason(p)


def test_zip_bomb_refused_by_declared_size(tmp_path: Path) -> None:
    """A document.xml that inflates past the limit is refused from its zip header, unread."""
    p = tmp_path / "bomb.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b" " * (1 << 20)
            for _ in range(MAX_PART_BYTES // len(chunk) + 2):
                fh.write(chunk)
    p.write_bytes(buf.getvalue())
    assert p.stat().st_size < 1_000_000  # ~100 KB on disk
    assert "zip bomb" in _reason(p)


def test_high_ratio_part_refused(tmp_path: Path) -> None:
    p = tmp_path / "ratio.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<w:document>" + b"a" * 5_000_000 + b"</w:document>")
    assert "zip bomb" in _reason(p)


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><d>&xxe;</d>',
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>',
    ],
    ids=["xxe", "billion-laughs"],
)
def test_dtd_in_document_xml_refused(report_docx: Path, tmp_path: Path, payload: bytes) -> None:
    p = rewrite_part(report_docx, tmp_path / "evil.docx", "word/document.xml", payload)
    assert "DTD" in _reason(p)


def test_malformed_xml(report_docx: Path, tmp_path: Path) -> None:
    p = rewrite_part(report_docx, tmp_path / "bad.docx", "word/document.xml", b"<w:document><w:body>")
    assert "not well-formed" in _reason(p)


# ------------------------------------------------------------------------------------------------
# The public template (../shared/corpus), when it sits beside the repo as in CI.
# ------------------------------------------------------------------------------------------------
TEMPLATE_DOCX = SHARED / "corpus" / "real" / "template_2021_blank.docx"


@pytest.mark.skipif(not TEMPLATE_DOCX.exists(), reason="../shared/corpus is not beside the repo")
def test_template_2021_vmerge_over_22_rows() -> None:
    doc = read_docx(str(TEMPLATE_DOCX))
    t3 = next(t for t in doc.tables if any("本年度办理结果" in c.text for row in t.rows for c in row))
    origin = next(c for row in t3.rows for c in row if c.text == "三、本年度办理结果" and c.origin is None)
    assert origin.rowspan == 22
    covered = [row[0] for row in t3.rows if row[0].text == "三、本年度办理结果"]
    assert len(covered) == 22
    assert all(c.origin == (origin.row, origin.col) for c in covered[1:])
    groups = {
        c.text: c.rowspan for row in t3.rows for c in row if c.origin is None and c.text.startswith("（")
    }
    assert (
        groups["（三）不予公开"],
        groups["（四）无法提供"],
        groups["（五）不予处理"],
        groups["（六）其他处理"],
    ) == (8, 3, 5, 3)
    header = [c.text for c in t3.rows[2]]
    assert "商业\n企业" in header and "科研\n机构" in header
    t2 = doc.tables[0]
    assert t2.rows[2][1].text == "\u3000\u3000"  # blank value cells keep their U+3000


# ------------------------------------------------------------------------------------------------
# Bounds (extractors.limits): ambiguous packages refused, spans clamped, oversized tables skipped
# ------------------------------------------------------------------------------------------------
def _with_member(src: Path, dst: Path, name: str, data: bytes) -> Path:
    """The package with one more member (zipfile warns about duplicates; that is the point)."""
    import warnings

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            zout.writestr(name, data)
    return dst


@pytest.mark.parametrize("second", ["word/document.xml", "Word/Document.XML"])
def test_two_document_parts_are_refused_never_the_second_used(tmp_path: Path, second: str) -> None:
    from nianbao.extractors import extract_file
    from tests.conftest import SAMPLES

    real = SAMPLES / "reports" / "2022" / "songxi_2022.docx"
    with zipfile.ZipFile(real) as zf:
        doc = zf.read("word/document.xml")
    p = _with_member(real, tmp_path / "twice.docx", second, doc.replace(b">1<", b">7<"))
    reason = (
        f"ambiguous .docx package: member {second!r} appears twice (as 'word/document.xml' too); "
        "refused rather than guess which copy is the document"
    )
    with pytest.raises(UnreadableFile) as exc:
        read_docx(str(p))
    assert exc.value.reason == reason
    report = extract_file(p)
    assert (report.status, report.error, report.cells) == ("failed", reason, [])


@pytest.mark.parametrize("name", ["../../evil.xml", "/etc/evil.xml", "C:/evil.xml"])
def test_unsafe_member_names_are_refused(report_docx: Path, tmp_path: Path, name: str) -> None:
    p = _with_member(report_docx, tmp_path / "unsafe.docx", name, b"<x/>")
    with pytest.raises(UnreadableFile) as exc:
        read_docx(str(p))
    assert exc.value.reason == f"unsafe member name {name!r} in the .docx package: refused"


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def _docx_with_body(report_docx: Path, tmp_path: Path, body: str) -> Path:
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS}><w:body>{body}</w:body></w:document>'
    return rewrite_part(report_docx, tmp_path / "body.docx", "word/document.xml", xml.encode())


def test_huge_gridspan_is_clamped_to_the_column_limit(report_docx: Path, tmp_path: Path) -> None:
    span = _tc("规章", '<w:gridSpan w:val="999999999"/>')
    rows = f"<w:tr>{_tc('a')}{_tc('b')}</w:tr><w:tr>{span}</w:tr>"
    doc = read_docx(str(_docx_with_body(report_docx, tmp_path, f"<w:tbl>{rows}</w:tbl>")))
    t = doc.tables[0]
    assert [len(r) for r in t.rows] == [2, 200]
    assert (t.rows[1][0].colspan, t.rows[1][199].origin) == (200, (1, 0))


def test_row_wider_than_the_limit_skips_the_table(report_docx: Path, tmp_path: Path) -> None:
    before = '<w:tr><w:trPr><w:gridBefore w:val="999999999"/></w:trPr>' + _tc("1") + "</w:tr>"
    doc = read_docx(
        str(
            _docx_with_body(
                report_docx, tmp_path, f"<w:tbl><w:tr>{_tc('a')}{_tc('b')}</w:tr>{before}</w:tbl>"
            )
        )
    )
    assert doc.tables == []
    assert doc.warnings == [
        "table of 2 rows x 201 columns skipped (limits 200 columns, 100000 cells): not a report table"
    ]


def test_table_over_the_row_limit_is_skipped(report_docx: Path, tmp_path: Path) -> None:
    vm = f"<w:tr>{_tc('x', '<w:vMerge/>')}{_tc('1')}</w:tr>"
    first = "<w:tr>" + _tc("a", '<w:vMerge w:val="restart"/>') + _tc("b") + "</w:tr>"
    doc = read_docx(str(_docx_with_body(report_docx, tmp_path, f"<w:tbl>{first}{vm * 2000}</w:tbl>")))
    assert doc.tables == []
    assert doc.warnings == ["table of 2001 rows skipped (limit 2000): not a report table"]


def test_ten_thousand_empty_paragraphs_cost_nothing(report_docx: Path, tmp_path: Path) -> None:
    body = "<w:p/>" * 10000 + "<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>"
    doc = read_docx(str(_docx_with_body(report_docx, tmp_path, body)))
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph"]


def test_superscript_outline_level_is_not_a_number(report_docx: Path, tmp_path: Path) -> None:
    body = '<w:p><w:pPr><w:outlineLvl w:val="²"/></w:pPr><w:r><w:t>标题</w:t></w:r></w:p>'
    doc = read_docx(str(_docx_with_body(report_docx, tmp_path, body)))
    assert doc.blocks == [Paragraph("标题")]


def test_fifo_is_refused(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "report.docx"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFile, match=r"not a regular file: a FIFO \(named pipe\)$"):
        read_docx(str(fifo))
