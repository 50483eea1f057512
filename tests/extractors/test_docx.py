"""The DOCX reader on .docx files built by the tests (python-docx + Word merge XML) and hostile packages."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from extractors.document import Heading, Paragraph, Table
from extractors.readers.docx import MAX_PART_BYTES, read_docx
from schemas.errors import UnreadableFile
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
