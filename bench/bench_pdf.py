"""Benchmark the PDF reader: pages/second against plain pdfplumber `extract_text`, seconds/page OCR.

Usage: python bench/bench_pdf.py [PDF ...]   (default: the two text PDFs of ../shared/corpus)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pdfplumber

from nianbao.extractors.readers.ocr import engine, ocr_image, render_pdf_page
from nianbao.extractors.readers.pdf import OCR_DPI, read_pdf

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"


def bench_text(paths: list[Path], rounds: int = 3) -> None:
    pages = 0
    t_ours = t_plain = 0.0
    for path in paths:
        for _ in range(rounds):
            t0 = time.perf_counter()
            doc = read_pdf(str(path))
            t_ours += time.perf_counter() - t0
            pages += doc.pages or 0
            t0 = time.perf_counter()
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_text()
            t_plain += time.perf_counter() - t0
    print(
        f"text PDFs: {pages} pages; read_pdf {pages / t_ours:.1f} pages/s, "
        f"pdfplumber extract_text {pages / t_plain:.1f} pages/s (ratio {t_ours / t_plain:.2f}x)"
    )


def bench_ocr(path: Path, n_pages: int = 2) -> None:
    engine()  # model load is once per process; not part of the per-page figure
    scale = OCR_DPI / 72
    t0 = time.perf_counter()
    for i in range(n_pages):
        ocr_image(render_pdf_page(str(path), i, scale), i + 1, scale=scale)
    dt = time.perf_counter() - t0
    print(
        f"OCR at {OCR_DPI} dpi (render + deskew + grid + OCR): {dt / n_pages:.2f} s/page over {n_pages} pages"
    )


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or sorted(SHARED.glob("*.pdf"))
    if not paths:
        sys.exit("no PDF given and ../shared/corpus/real not found")
    bench_text(paths)
    bench_ocr(paths[0])


if __name__ == "__main__":
    main()
