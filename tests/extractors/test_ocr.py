"""OCR path: an image-only PDF (rotated 0.7°, noisy, 150 dpi) and a PNG come back as exact grids."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

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
        "from nianbao.extractors.readers.ocr import run_ocr\n"
        "img = np.full((80, 300, 3), 255, np.uint8)\n"
        "cv2.putText(img, '2099', (20, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (0, 0, 0), 3)\n"
        "print([w.text for w in run_ocr(img)])\n"
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
            monkeypatch.setattr(ocr_mod, "_second_look", lambda *a: None)
        blocks, _ = ocr_image(img, 1)
        (table,) = [b for _, b in blocks if isinstance(b, Table)]
        assert len(table.rows) == len(DIGIT_ROWS) and len(table.rows[0]) == 6
        return table.rows

    rows = grid(True)
    digits = {k: v for k, v in want.items() if v}
    read = sum(1 for (r, c), v in digits.items() if rows[r][c].text == v)
    for (r, c), text in want.items():
        cell = rows[r][c]
        if not text:  # a printed blank, speck or not, stays blank and unflagged
            assert cell.text == "" and (cell.confidence is None or cell.confidence >= LOW_CONFIDENCE), (r, c)
        elif cell.text != text:  # never an unflagged wrong value: the cell is flagged for a human
            assert cell.confidence is not None and cell.confidence < LOW_CONFIDENCE, (r, c, cell.text)
    first = grid(False)
    missed = sum(1 for (r, c) in digits if first[r][c].text == "")
    assert missed >= 3  # the page does exercise the second look
    assert read >= len(digits) - missed // 2  # and it reads most of what the detector missed


def test_unreadable_ink_is_flagged_not_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the recogniser finds nothing decent in an inked empty cell, the cell is "" at 0.0."""
    box, blank, digit = (0.0, 0.0, 50.0, 30.0), (50.0, 0.0, 100.0, 30.0), (100.0, 0.0, 150.0, 30.0)
    texts = {box: ("", None, []), blank: ("", None, []), digit: ("", None, [])}
    answers = {box: ("7", 0.2), digit: ("1", 0.97)}  # `blank` has no ink: the recogniser never sees it
    monkeypatch.setattr(
        ocr_mod, "_reread", lambda _img, _ink, boxes: {b: answers[b] for b in boxes if b in answers}
    )
    ocr_mod._second_look(np.zeros((1, 1, 3), np.uint8), (np.zeros((1, 1), np.uint8),) * 2, texts)
    assert texts[box][:2] == ("", 0.0)
    assert texts[blank][:2] == ("", None)
    assert texts[digit][:2] == ("1", 0.97)


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
