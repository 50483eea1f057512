"""PDF text-layer reader: exact grids from generated fixtures and from the two real corpus PDFs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nianbao.extractors.document import Paragraph, Table
from nianbao.extractors.readers.pdf import MAX_PAGES, read_pdf
from nianbao.schemas.errors import UnreadableFile
from tests.robustness.pdfgen import PdfPage, build_pdf, flate_zeros, lzw_encode_repeat

try:
    from tests.extractors import pdf_fixtures as fx
except ImportError:  # tests/extractors without __init__.py: pytest puts this folder on sys.path
    import pdf_fixtures as fx  # type: ignore[no-redef]

REAL = fx.SHARED / "corpus" / "real"
needs_corpus = pytest.mark.skipif(not REAL.exists(), reason="shared corpus not present")


@pytest.fixture(scope="session")
def files() -> dict[str, Path]:
    return fx.build_all()


@pytest.fixture(scope="session")
def report(files: dict[str, Path]):  # type: ignore[no-untyped-def]
    return read_pdf(str(files["pdf"]))


def test_pages_and_title(report) -> None:  # type: ignore[no-untyped-def]
    assert report.pages == 2
    assert report.metadata["title"].replace(" ", "") == "样例市人民政府2099年政府信息公开工作年度报告"


def test_merged_vertical_label_and_split_digits(report) -> None:  # type: ignore[no-untyped-def]
    t = report.tables[0]
    assert t.texts() == [
        ["三、本年度办理结果", "（一）予以公开", "12", "2 0"],
        ["三、本年度办理结果", "（二）部分公开", "3", "4"],
        ["三、本年度办理结果", "（三）不予公开", "5", "6"],
        ["三、本年度办理结果", "（四）无法提供", "7", "8"],
    ]
    assert [c.is_continuation for c in (row[0] for row in t.rows)] == [False, True, True, True]
    assert t.rows[0][0].rowspan == 4
    assert all(c.page == 1 and c.bbox is not None for row in t.rows for c in row)
    assert any("(0,3)" in w and "'2 0'" in w for w in report.warnings)


def test_table4_grid(report) -> None:  # type: ignore[no-untyped-def]
    t = report.tables[1]
    assert t.rows[0][0].text == "行政复议" and t.rows[0][0].colspan == 5
    assert t.rows[0][5].text == "行政诉讼" and t.rows[0][5].colspan == 10
    assert [c.text for c in t.rows[2]] == fx.T4_VALUES


def test_ruleless_table(report) -> None:  # type: ignore[no-untyped-def]
    t = report.tables[2]
    assert not t.structured
    assert t.texts() == [list(r) for r in fx.RULELESS]


def test_table_across_pages(report) -> None:  # type: ignore[no-untyped-def]
    frags = report.tables[3:]
    assert [f.page for f in frags] == [1, 2]
    rows = [r for f in frags for r in f.texts()]
    assert rows == [[f"第{i}行事项", str(i), str(2 * i)] for i in range(1, fx.LONG_ROWS + 1)]
    assert [t.index for t in report.tables] == list(range(len(report.tables)))


def test_paragraphs_in_order_without_table_text_or_page_numbers(report) -> None:  # type: ignore[no-untyped-def]
    paras = [b.text for b in report.blocks if isinstance(b, Paragraph)]
    assert paras == [
        "本报告为测试而编写，内容纯属虚构。正文第一段用于检验表格之外的文字按阅读顺序输出。",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、不带边框的表格",
        "六、跨页的长表格",
        "报告结束。",
    ]
    kinds = [type(b).__name__ for b in report.blocks]
    assert kinds.index("Table") == 3  # heading, 2 paragraphs, then the first table


def test_encrypted_pdf(tmp_path: Path, files: dict[str, Path]) -> None:
    from nianbao.extractors.readers.office import convert_with_libreoffice

    opts = (
        'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"secret"}}'
    )
    enc = convert_with_libreoffice(str(files["docx"]), opts, str(tmp_path))
    with pytest.raises(UnreadableFile, match="encrypted PDF, password required"):
        read_pdf(str(enc))


@pytest.mark.parametrize("cut", [0.5, 0.05])
def test_truncated_pdf(tmp_path: Path, files: dict[str, Path], cut: float) -> None:
    data = files["pdf"].read_bytes()
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(data[: int(len(data) * cut)])
    t0 = time.monotonic()
    try:
        doc = read_pdf(str(bad))  # pdfminer may recover part of a cut file: that is fine
        assert doc.pages is not None
    except UnreadableFile as exc:
        assert "PDF" in exc.reason
    assert time.monotonic() - t0 < 20


def test_garbage_pdf(tmp_path: Path) -> None:
    bad = tmp_path / "garbage.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(UnreadableFile, match="corrupt or truncated PDF|no text"):
        read_pdf(str(bad))


def test_300_pages_bounded(files: dict[str, Path]) -> None:
    t0 = time.monotonic()
    doc = read_pdf(str(files["pages300"]))
    elapsed = time.monotonic() - t0
    assert doc.pages == 300
    assert any(f"only the first {MAX_PAGES}" in w for w in doc.warnings)
    assert elapsed < 60


@needs_corpus
def test_hongze_table4_and_fragments() -> None:
    doc = read_pdf(str(REAL / "hongze_2023.pdf"))
    assert doc.pages == 5
    t4 = doc.tables[-1]
    assert [c.text for c in t4.rows[-1]] == "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0".split()
    t3a, t3b = doc.tables[2], doc.tables[3]
    assert (t3a.page, t3b.page) == (3, 4)
    assert t3a.rows[-1][2].text == "2.没有现成信息需要另行制作"  # the row under the missing rule
    assert [c.text for c in t3a.rows[-1][3:]] == ["3", "0", "0", "0", "0", "0", "3"]
    label = t3a.rows[5][0]
    assert label.text == "三、本年度办理结果" and label.rowspan == 12
    assert doc.tables[1].rows[0][0].text == "信息内容"  # text under a missing top rule is kept
    assert not any("2023年，洪泽区政府" in b.text and "10" in b.text for b in doc.text_blocks())


@needs_corpus
def test_huaian_cells() -> None:
    doc = read_pdf(str(REAL / "huaian_2024.pdf"))
    tables = doc.tables
    assert [t.page for t in tables] == [3, 4, 4, 5, 5]
    assert [c.text for c in tables[-1].rows[-1]] == ("72 64 178 37 351 13 4 8 1 26 12 1 1 6 20".split())
    assert tables[1].rows[-1][1].text == "96171.6"
    assert tables[3].rows[0][1].text == "法提供"
    last = tables[3].rows[-1]
    assert last[0].text == "四、结转下年度继续办理"
    assert [c.text for c in last[3:]] == ["103", "0", "0", "0", "0", "0", "103"]
    assert all(isinstance(t, Table) and t.structured for t in tables)
    assert not any("- " in b.text and b.text.strip("-— ").isdigit() for b in doc.text_blocks())


# ------------------------------------------------------------------------------------------------
# Bounds (extractors.limits): streams, drawing instructions and page sizes checked before the work
# ------------------------------------------------------------------------------------------------
BOMB = "a PDF stream inflates past 16 MB (limit; a report page's content is under 1 MB): refused as a decompression bomb"


def _reason(path: Path) -> str:
    with pytest.raises(UnreadableFile) as exc:
        read_pdf(str(path))
    return exc.value.reason


@pytest.mark.parametrize("mib", [40, 500])
def test_content_stream_bomb_is_refused(tmp_path: Path, mib: int) -> None:
    p = tmp_path / "bomb.pdf"
    p.write_bytes(build_pdf([PdfPage(encoded=flate_zeros(mib << 20))]))
    assert _reason(p) == BOMB


def test_lzw_bomb_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "lzw.pdf"
    p.write_bytes(build_pdf([PdfPage(encoded=lzw_encode_repeat(30000), filter="LZWDecode")]))
    assert _reason(p) == BOMB


def test_form_xobject_bomb_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "form.pdf"
    p.write_bytes(build_pdf([PdfPage(content=b"/X0 Do", xobjects={"X0": 4})], forms=[b" " * (40 << 20)]))
    assert _reason(p) == BOMB


def test_page_with_too_many_drawing_instructions_is_refused(tmp_path: Path) -> None:
    ops = b"BT /F1 12 Tf 72 720 Td (12 345) Tj ET\n"
    p = tmp_path / "dense.pdf"
    p.write_bytes(build_pdf([PdfPage(content=ops * ((3 << 20) // len(ops)))]))
    assert _reason(p) == (
        "p.1 has 3.0 MB of drawing instructions (limit 1 MB; a report page has under 0.2 MB): refused"
    )


def test_200_inch_page_is_refused_before_rendering(tmp_path: Path) -> None:
    p = tmp_path / "huge.pdf"
    p.write_bytes(build_pdf([PdfPage(box=(0, 0, 14400, 14400), content=b"")]))
    assert _reason(p) == "p.1 is 200 x 200 in, over the page-size limit (69 in): page skipped"


def test_huge_page_beside_a_normal_one_is_skipped_with_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "mixed.pdf"
    p.write_bytes(build_pdf([PdfPage(), PdfPage(box=(0, 0, 14400, 14400))]))
    doc = read_pdf(str(p))
    assert "p.2 is 200 x 200 in, over the page-size limit (69 in): page skipped" in doc.warnings
    assert [b.text for b in doc.text_blocks()] == ["Annual report 2023: 12 345"]


def test_encrypted_pdf_with_a_password_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "locked.pdf"
    p.write_bytes(build_pdf([PdfPage()], encrypt=True))
    assert _reason(p) == "encrypted PDF, password required"


def test_fifo_is_refused(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "report.pdf"
    os.mkfifo(fifo)
    from nianbao.extractors import extract_file

    assert extract_file(fifo).error == "not a regular file: a FIFO (named pipe)"


def test_stream_with_a_bad_checksum_is_read_but_reported_as_damaged(tmp_path: Path) -> None:
    import zlib

    data = bytearray(zlib.compress(PdfPage().content))
    data[-1] ^= 0xFF  # the adler32 checksum: the text inflates, the check fails
    p = tmp_path / "damaged.pdf"
    p.write_bytes(build_pdf([PdfPage(encoded=bytes(data))]))
    doc = read_pdf(str(p))
    assert [b.text for b in doc.text_blocks()] == ["Annual report 2023: 12 345"]
    assert doc.warnings == [
        "1 compressed PDF stream(s) damaged (checksum failed): the file is damaged, "
        "text and numbers read from it may be wrong"
    ]


def test_forms_drawing_forms_are_counted_per_use(tmp_path: Path) -> None:
    forms = [b"BT /F1 12 Tf 72 720 Td (12) Tj ET\n"] + [b"/F Do\n" * 10] * 9  # form k draws form k-1 10x
    p = tmp_path / "laughs.pdf"
    p.write_bytes(
        build_pdf(
            [PdfPage(content=b"/X0 Do", xobjects={"X0": 13})],
            forms=forms,
            form_xobjects={k: {"F": 4 + k - 1} for k in range(1, 10)},
        )
    )
    assert _reason(p).startswith("p.1 has 38782.8 MB of drawing instructions (limit 1 MB")


def _imports_of(path: Path) -> set[str]:
    """The nianbao.extractors.readers modules a reader module imports (anywhere in it, lazily too)."""
    import ast

    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("nianbao.extractors.readers.")
        ):
            out.add(node.module.rsplit(".", 1)[1])
        elif isinstance(node, ast.Import):
            out.update(
                a.name.rsplit(".", 1)[1]
                for a in node.names
                if a.name.startswith("nianbao.extractors.readers.")
            )
    return out


def test_readers_import_no_circle() -> None:
    """No reader module reaches itself through its imports (lazy ones included): pdf uses ocr, not back."""
    import nianbao.extractors.readers as readers

    folder = Path(readers.__file__).parent
    graph = {p.stem: _imports_of(p) for p in folder.glob("*.py")}
    assert "ocr" in graph["pdf"] and "textlines" in graph["ocr"]  # the check does see imports

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, set()) - seen:
            if nxt == goal or reaches(nxt, goal, seen | {nxt}):
                return True
        return False

    assert [m for m in graph if reaches(m, m, set())] == []


def test_paragraph_geometry_is_shared_not_copied() -> None:
    """pdf and OCR group lines into paragraphs with the one function in readers.textlines."""
    from nianbao.extractors.readers import ocr, pdf, textlines

    assert pdf.paragraphs is textlines.paragraphs and ocr.paragraphs is textlines.paragraphs
    assert pdf.is_page_number is textlines.is_page_number and ocr.TextLine is textlines.TextLine
