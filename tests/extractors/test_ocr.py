"""OCR path: an image-only PDF (rotated 0.7°, noisy, 150 dpi) and a PNG come back as exact grids."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractors.document import Table
from extractors.ocr import read_image
from extractors.pdf import read_pdf
from schemas.text import norm_label

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
        "from extractors.ocr import run_ocr\n"
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
