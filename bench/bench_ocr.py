"""OCR seconds per page: nianbao against plain RapidOCR on the same scanned pages, in the same run.

    .venv/bin/python bench/bench_ocr.py            # 8 scanned reports (~25 pages), a few minutes

The scans are made here, into a temporary folder: the text PDFs of samples/reports rasterised the
way samples/samplegen makes its scans (150 dpi greyscale, rotated 0.5-1 degree, noise, JPEG), with
seeds of their own, plus the two image-only samples. Every scan has its truth file (the source PDF's),
so each report is also checked cell by cell.

Per report, alternately (so that a busy machine weighs on both alike):

* nianbao: `extract_file` of the whole report (render, deskew, grid, OCR, second look, parse,
  validation): its wall time per page.
* plain RapidOCR: the library nianbao ships, with its own defaults (detection + recognition on the
  whole page, no angle classifier, onnxruntime's default threads: one per core), on each page
  rendered at 150 dpi with pypdfium2: the wall time of render + OCR per page.

nianbao runs as one process here (`share_cores(1)`: its engine also gets every core).

Both engines are built (models loaded) and run once on the first report before timing starts.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "samples"))

SAMPLES = REPO / "samples" / "reports"
SEEDS = ("bench-ocr-1", "bench-ocr-2")  # two scans of each text PDF
PLAIN_DPI = 150


def make_scans(out: Path) -> list[tuple[Path, Path]]:
    """Scanned reports with their truth files: [(pdf, truth)]. Text PDFs are scanned here."""
    from samplegen.convert import scan_pdf

    pairs: list[tuple[Path, Path]] = []
    for truth in sorted(SAMPLES.rglob("*.pdf.truth.json")):
        src = truth.with_name(truth.name[: -len(".truth.json")])
        facts = json.loads(truth.read_text("utf-8"))
        if facts.get("format") == "scan":
            pairs.append((src, truth))
            continue
        for seed in SEEDS:
            dst = out / f"{src.stem}_{seed}.pdf"
            dst.write_bytes(scan_pdf(src.read_bytes(), seed))
            pairs.append((dst, truth))
    return pairs


def plain_engine() -> Any:
    """RapidOCR as a user would call it: library defaults, no angle classifier, the wheel's models."""
    import rapidocr
    from rapidocr import RapidOCR

    models = Path(rapidocr.__file__).parent / "models"
    return RapidOCR(
        params={
            "Global.log_level": "warning",
            "Global.use_cls": False,
            "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
            "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
            "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
        }
    )


def plain_pages(engine: Any, path: Path) -> tuple[int, float]:
    """Pages of a PDF and the seconds plain RapidOCR takes to render and OCR them."""
    import numpy as np
    import pypdfium2 as pdfium

    clock = time.perf_counter()
    pdf = pdfium.PdfDocument(str(path))
    n = len(pdf)
    for i in range(n):
        image = np.asarray(pdf[i].render(scale=PLAIN_DPI / 72).to_pil().convert("RGB"))
        engine(image)
    pdf.close()
    return n, time.perf_counter() - clock


def run(out: Path | None = None) -> dict[str, Any]:
    """Both readers over the generated scans; per-report rows and the totals."""
    from nianbao.extractors import extract_file
    from nianbao.extractors.limits import ocr_threads, share_cores
    from nianbao.extractors.readers.ocr import engine as nianbao_engine
    from tests.expected import expected_cells, mismatches

    share_cores(1)  # one process here: nianbao's engine gets every core, as the library's does

    with tempfile.TemporaryDirectory(prefix="nianbao-bench-ocr-") as tmp:
        pairs = make_scans(Path(tmp))
        plain = plain_engine()
        nianbao_engine()
        extract_file(pairs[0][0])  # warm-up, untimed: first runs of each input shape are slow in both
        plain_pages(plain, pairs[0][0])
        rows: list[dict[str, Any]] = []
        for pdf, truth_path in pairs:
            truth = json.loads(truth_path.read_text("utf-8"))
            clock = time.perf_counter()
            report = extract_file(pdf)
            ours = time.perf_counter() - clock
            pages, theirs = plain_pages(plain, pdf)
            wrong = mismatches(report, truth)
            cells = sum(1 for v in expected_cells(truth).values() if v is not None)
            rows.append(
                {
                    "report": pdf.name,
                    "pages": pages,
                    "nianbao s/page": ours / pages,
                    "plain RapidOCR s/page": theirs / pages,
                    "ratio": ours / theirs,
                    "cells": cells,
                    "wrong or missing": len(wrong),
                }
            )
            print(
                f"  {pdf.name}: {pages} p, nianbao {ours / pages:.2f} s/p, plain {theirs / pages:.2f} s/p, "
                f"{len(wrong)} of {cells} cells wrong or missing",
                flush=True,
            )
    pages = sum(r["pages"] for r in rows)
    ours_s = sum(r["nianbao s/page"] * r["pages"] for r in rows)
    theirs_s = sum(r["plain RapidOCR s/page"] * r["pages"] for r in rows)
    cells = sum(r["cells"] for r in rows)
    wrong = sum(r["wrong or missing"] for r in rows)
    return {
        "rows": rows,
        "reports": len(rows),
        "pages": pages,
        "nianbao s/page": ours_s / pages,
        "plain RapidOCR s/page": theirs_s / pages,
        "ratio": ours_s / theirs_s,
        "cells": cells,
        "wrong or missing": wrong,
        "exact reports": sum(1 for r in rows if r["wrong or missing"] == 0),
        "cores": len(os.sched_getaffinity(0)),
        "nianbao onnxruntime threads": ocr_threads(),
        "plain onnxruntime threads": "library default (one per core)",
    }


def markdown(res: dict[str, Any]) -> list[str]:
    """The RESULTS.md section: the headline line, then one row per report."""
    head = [
        f"- {res['reports']} scanned reports, {res['pages']} pages (150 dpi, generated in the run): nianbao "
        f"{res['nianbao s/page']:.2f} s/page, plain RapidOCR {res['plain RapidOCR s/page']:.2f} s/page on the same "
        f"pages: **{res['ratio']:.2f}×** (goal ≤ 0.40×)",
        f"- cells: {res['cells'] - res['wrong or missing']} of {res['cells']} exact, {res['exact reports']} of "
        f"{res['reports']} reports exact",
        f"- onnxruntime threads: nianbao {res['nianbao onnxruntime threads']} ({res['cores']} cores, one process), "
        f"plain RapidOCR {res['plain onnxruntime threads']}",
        "",
    ]
    keys = list(res["rows"][0])
    rows = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in res["rows"]:
        rows.append(
            "| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in r.values()) + " |"
        )
    return head + rows


def main() -> None:
    res = run()
    print(
        f"{res['reports']} scanned reports, {res['pages']} pages: nianbao {res['nianbao s/page']:.2f} s/page, "
        f"plain RapidOCR {res['plain RapidOCR s/page']:.2f} s/page, ratio {res['ratio']:.2f}; "
        f"{res['exact reports']} of {res['reports']} reports exact, {res['wrong or missing']} of "
        f"{res['cells']} cells wrong or missing"
    )
    print("\n".join(markdown(res)))


if __name__ == "__main__":
    main()
