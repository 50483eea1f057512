"""OCR path: an image-only PDF (rotated 0.7°, noisy, 150 dpi) and a PNG come back as exact grids."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import nianbao.extractors.limits as limits_mod
import nianbao.extractors.readers.ocr as ocr_mod
from nianbao.extractors.document import GridCell, Table
from nianbao.extractors.readers.ocr import LOW_CONFIDENCE, ocr_image, read_image
from nianbao.extractors.readers.pdf import read_pdf
from nianbao.schemas.text import norm_label

try:
    from tests.extractors import pdf_fixtures as fx
except ImportError:  # tests/extractors without __init__.py
    import pdf_fixtures as fx  # type: ignore[no-redef]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def files() -> dict[str, Path]:
    return fx.build_all()


@pytest.fixture(scope="session")
def scanned(files: dict[str, Path]):  # type: ignore[no-untyped-def]
    return read_pdf(str(files["scan_pdf"]))


def _ruled(doc) -> list[Table]:  # type: ignore[no-untyped-def]
    return [t for t in doc.tables if t.structured]


def test_scanned_pdf_grids(scanned) -> None:  # type: ignore[no-untyped-def]
    assert scanned.pages == 1
    assert scanned.metadata.get("ocr_pages") == "1"
    t3, t4 = _ruled(scanned)[:2]
    got = [[norm_label(c.text) for c in row[1:]] for row in t3.rows]
    # OCR cannot see the narrow printed space of "2 0"; the text-layer test covers that quirk.
    assert got == [[norm_label(a), b, c.replace(" ", "")] for a, b, c in fx.T3_ROWS]
    assert norm_label(t3.rows[0][0].text) == "三、本年度办理结果"
    assert t3.rows[0][0].rowspan == 4 and t3.rows[3][0].is_continuation
    assert [c.text for c in t4.rows[2]] == fx.T4_VALUES
    assert t4.rows[0][5].text == "行政诉讼" and t4.rows[0][5].colspan == 10


def test_scanned_provenance_and_warnings(scanned) -> None:  # type: ignore[no-untyped-def]
    cells = [c for t in _ruled(scanned) for row in t.rows for c in row if not c.is_continuation and c.text]
    assert all(c.page == 1 and c.bbox is not None and c.confidence is not None for c in cells)
    # bboxes are in PDF points: inside an A4 page
    assert all(
        0 <= c.bbox[0] < c.bbox[2] <= 600 and 0 <= c.bbox[1] < c.bbox[3] <= 850 for c in cells if c.bbox
    )
    assert any("deskewed" in w for w in scanned.warnings)


def test_png_image(files: dict[str, Path]) -> None:
    doc = read_image(str(files["png"]))
    assert doc.format == "image" and doc.pages == 1
    t4 = _ruled(doc)[1]
    assert [c.text for c in t4.rows[2]] == fx.T4_VALUES
    free = [t for t in doc.tables if not t.structured]
    assert free and free[0].texts()[1] == list(fx.RULELESS[1])


def test_models_load_offline(tmp_path: Path) -> None:
    """The engine starts and reads with every network connection refused."""
    code = (
        "import socket\n"
        "def no(*a, **k): raise OSError('network disabled')\n"
        "socket.socket.connect = no; socket.create_connection = no\n"
        "import numpy as np, cv2\n"
        "from nianbao.extractors.readers.ocr import detect, recognise\n"
        "img = np.full((80, 300, 3), 255, np.uint8)\n"
        "cv2.putText(img, '2099', (20, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (0, 0, 0), 3)\n"
        "print([w.text for w in detect(img)], recognise([img]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.returncode == 0, out.stderr[-500:]
    assert "2099" in out.stdout


# --- empty cells holding a lone digit -------------------------------------------------------------

NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DIGIT_ROWS = [("行政许可", "0", "", "1", "0", "1")] + [  # "" is a printed blank
    (f"事项{i}", *("01"[(i + j) % 2] if (i * j) % 3 else "" for j in range(5))) for i in range(12)
]


def _digit_page() -> tuple[Image.Image, dict[tuple[int, int], str]]:
    """An A4 page scanned at 150 dpi (grey ink, blur, noise) with a ruled table of 10 pt text whose
    value cells are lone "0" / "1" or blank, and a speck in one blank cell; the page-wide detector
    misses several of the digits. Returns the image and {(row, col): printed text}."""
    font = ImageFont.truetype(str(NOTO_CJK), 20)
    xs = [100, 330, 480, 630, 780, 930, 1080]
    ys = [150 + 40 * i for i in range(len(DIGIT_ROWS) + 1)]
    img = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(img)
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill="black", width=2)
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill="black", width=2)
    want: dict[tuple[int, int], str] = {}
    for r, row in enumerate(DIGIT_ROWS):
        for c, text in enumerate(row):
            if c:
                want[(r, c)] = text
            if text:
                mid = ((xs[c] + xs[c + 1]) / 2, (ys[r] + ys[r + 1]) / 2)
                draw.text(mid, text, font=font, fill=(90, 90, 90), anchor="mm")
    draw.rectangle([xs[2] + 30, ys[0] + 15, xs[2] + 31, ys[0] + 16], fill="black")  # speck in blank (0,2)
    arr = np.asarray(img.filter(ImageFilter.GaussianBlur(1.2))).astype(int)
    arr = arr + np.random.default_rng(0).normal(0, 25, arr.shape[:2])[..., None]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), want


@pytest.mark.skipif(not NOTO_CJK.exists(), reason="Noto CJK font not installed")
def test_lone_digits_read_or_flagged_and_blanks_stay_blank(monkeypatch: pytest.MonkeyPatch) -> None:
    img, want = _digit_page()

    def grid(second_look: bool) -> list[list[GridCell]]:
        if not second_look:
            monkeypatch.setattr(ocr_mod, "second_look", lambda *a: None)
        blocks, _ = ocr_image(img, 1)
        (table,) = [b for _, b in blocks if isinstance(b, Table)]
        assert len(table.rows) == len(DIGIT_ROWS) and len(table.rows[0]) == 6
        return table.rows

    digits = {k: v for k, v in want.items() if v}
    reads = []
    for rows in (grid(True), grid(False)):  # the first reads alone already never guess
        reads.append(sum(1 for (r, c), v in digits.items() if rows[r][c].text == v))
        for (r, c), text in want.items():
            cell = rows[r][c]
            if not text:  # a printed blank, speck or not, stays blank and unflagged
                assert cell.text == "" and cell.confidence is None, (r, c)
            elif cell.text != text:  # never an unflagged wrong value: the cell is flagged for a human
                assert cell.confidence is not None and cell.confidence < LOW_CONFIDENCE, (r, c, cell.text)
    assert reads[0] >= len(digits) - 2  # lone digits are read from their cells, no detector needed
    assert reads[0] > reads[1]  # the page does exercise the second look


def test_unreadable_ink_is_flagged_not_guessed() -> None:
    """A cell whose ink the recogniser cannot read decently is "" at 0.0; one without ink stays blank."""
    inked, blank, digit, number = ((float(x), 0.0, float(x + 50), 30.0) for x in range(0, 200, 50))
    layout = {
        inked: [[(2, 2, 20, 20)]],
        blank: [],
        digit: [[(102, 2, 120, 20)]],
        number: [[(152, 2, 160, 20), (170, 2, 180, 20)]],  # "1" and an unreadable "?": no number at all
    }
    reads = ocr_mod.assemble_cells(list(layout), layout, [("7", 0.2), ("1", 0.97), ("1", 0.99), ("", 0.0)])
    assert reads == {inked: ("", 0.0), blank: ("", None), digit: ("1", 0.97), number: ("", 0.0)}


@pytest.mark.skipif(not NOTO_CJK.exists(), reason="Noto CJK font not installed")
def test_signs_kept_and_specks_after_a_number_ignored() -> None:
    """A minus sign before a number is read with it; a speck after a number is not a decimal point."""
    font = ImageFont.truetype(str(NOTO_CJK), 20)
    img = Image.new("RGB", (700, 200), "white")  # a small picture: rules found with short kernels
    draw = ImageDraw.Draw(img)
    xs, ys = [50, 250, 400, 550], [40, 90, 140]
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill="black", width=2)
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill="black", width=2)
    printed = [["变化", "-2", "15"], ["合计", "0", "-13"]]
    for r, row in enumerate(printed):
        for c, text in enumerate(row):
            draw.text(
                ((xs[c] + xs[c + 1]) / 2, (ys[r] + ys[r + 1]) / 2), text, font=font, fill="black", anchor="mm"
            )
    draw.rectangle([486, 113, 487, 114], fill="black")  # a speck just after the lone 0
    blocks, _ = ocr_image(img, 1)
    (table,) = [b for _, b in blocks if isinstance(b, Table)]
    assert table.texts() == printed


def test_detector_runs_only_where_text_is_outside_the_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that is one ruled table is read without the detector; text above a table is detected."""
    from nianbao.extractors.readers import scanpage

    font = ImageFont.truetype(str(NOTO_CJK), 20) if NOTO_CJK.exists() else ImageFont.load_default()
    img = Image.new("RGB", (700, 400), "white")
    draw = ImageDraw.Draw(img)
    xs, ys = [50, 300, 600], [150, 200, 250]
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill="black", width=2)
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill="black", width=2)
    for r, (label, value) in enumerate([("收到申请", "12"), ("办结", "7")]):
        draw.text((60, ys[r] + 12), label, font=font, fill="black")
        draw.text((310, ys[r] + 12), value, font=font, fill="black")
    page = np.asarray(img)
    scan = scanpage.analyse(page)
    assert scanpage.text_regions(scan, scanpage.table_cells(scan)) == []
    calls: list[int] = []
    real = ocr_mod.detect_outside_tables
    monkeypatch.setattr(
        ocr_mod, "detect_outside_tables", lambda s, t: calls.append(len(real(s, t))) or real(s, t)
    )
    blocks, _ = ocr_image(img, 1)
    assert calls == [0]  # no region: the detector model was not run
    draw.text((60, 60), "年度报告2024", font=font, fill="black")
    scan = scanpage.analyse(np.asarray(img))
    (region,) = scanpage.text_regions(scan, scanpage.table_cells(scan))
    assert region[1] < 60 + 5 and region[3] < 150  # the title line, above the table
    blocks, _ = ocr_image(img, 1)
    kinds = [type(b).__name__ for _, b in blocks]
    assert kinds[-1] == "Table" and len(kinds) == 2


def test_each_page_binarised_once(monkeypatch: pytest.MonkeyPatch, files: dict[str, Path]) -> None:
    """A scanned page is rendered once and binarised once, however many steps look at it."""
    from nianbao.extractors.readers import scanpage

    counts = {"binarise": 0, "render": 0}
    real_bin, real_render = scanpage.binarise, ocr_mod.render_pdf_page

    def binarise(gray: np.ndarray) -> np.ndarray:
        counts["binarise"] += 1
        return real_bin(gray)

    def render(*a: object, **k: object) -> Image.Image:
        counts["render"] += 1
        return real_render(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(scanpage, "binarise", binarise)
    monkeypatch.setattr(ocr_mod, "render_pdf_page", render)
    doc = read_pdf(str(files["scan_pdf"]))
    assert doc.pages == 1 and counts == {"binarise": 1, "render": 1}


def test_threads_follow_the_processes_sharing_the_cores() -> None:
    """Two worker processes on two cores get one onnxruntime thread each; a lone process gets both."""
    import os

    cores = len(os.sched_getaffinity(0))
    saved = limits_mod._SHARING[0]
    try:
        limits_mod._SHARING[0] = 0
        assert limits_mod.ocr_threads() == 1  # not told: one thread, whatever the machine
        limits_mod.share_cores(2)
        assert limits_mod.ocr_threads() == max(1, cores // 2)
        limits_mod.share_cores(1)
        assert limits_mod.ocr_threads() == cores
        limits_mod.share_cores(cores * 4)
        assert limits_mod.ocr_threads() == 1
        sess = ocr_mod.engine()._load_rec_model().session.session
        assert sess.get_session_options().intra_op_num_threads == 1
    finally:
        limits_mod.share_cores(saved or 1)
        limits_mod._SHARING[0] = saved


# ------------------------------------------------------------------------------------------------
# Bounds (extractors.limits): pixels are capped before anything is rendered or decoded
# ------------------------------------------------------------------------------------------------
def test_ocr_scale_keeps_the_page_under_the_pixel_cap() -> None:
    from nianbao.extractors.limits import LIMITS

    assert ocr_mod.ocr_scale(595, 842) == pytest.approx(170 / 72)  # A4 at 170 dpi: 2.8 M pixels
    s = ocr_mod.ocr_scale(14400, 14400)  # a 200-inch page
    assert (14400 * s) ** 2 == pytest.approx(LIMITS.max_ocr_pixels)


def test_render_of_a_200_inch_page_stays_under_the_cap(tmp_path: Path) -> None:
    from nianbao.extractors.limits import LIMITS
    from tests.robustness.pdfgen import PdfPage, build_pdf

    p = tmp_path / "huge.pdf"
    p.write_bytes(build_pdf([PdfPage(box=(0, 0, 14400, 14400), content=b"")]))
    img = ocr_mod.render_pdf_page(str(p), 0, 170 / 72)  # asked for 1.2 G pixels
    assert img.width * img.height <= LIMITS.max_ocr_pixels
    assert img.width == img.height == 4000


def test_image_declaring_ten_gigapixels_is_refused_before_decoding(tmp_path: Path) -> None:
    import io
    import struct
    import zlib

    from nianbao.schemas.errors import UnreadableFile

    buf = io.BytesIO()
    Image.new("L", (64, 64), 255).save(buf, "PNG")
    raw = bytearray(buf.getvalue())
    struct.pack_into(">II", raw, 16, 100000, 100000)
    struct.pack_into(">I", raw, 29, zlib.crc32(bytes(raw[12:29])))
    p = tmp_path / "bomb.png"
    p.write_bytes(bytes(raw))
    with pytest.raises(UnreadableFile) as exc:
        read_image(str(p))
    assert exc.value.reason == "image over the pixel limit (120 M pixels): refused before decoding"


def test_fifo_named_like_an_image_is_refused(tmp_path: Path) -> None:
    import os

    from nianbao.schemas.errors import UnreadableFile

    fifo = tmp_path / "scan.png"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFile, match=r"not a regular file: a FIFO \(named pipe\)$"):
        read_image(str(fifo))
