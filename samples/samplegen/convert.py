"""LibreOffice conversions (docx -> pdf/doc, one soffice call per target) and the scanned look."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image


def soffice_convert(sources: list[Path], target: str, outdir: Path) -> dict[Path, Path]:
    """Convert many files in one soffice run with a private profile; returns source -> output."""
    if not sources:
        return {}
    outdir.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix=f"lo_samples_{os.getpid()}_")
    try:
        cmd = [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=600)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = {s: outdir / (s.stem + "." + target) for s in sources}
    missing = [str(o) for o in out.values() if not o.exists()]
    if missing:
        raise RuntimeError(f"soffice did not produce {missing}")
    return out


def scan_pdf(pdf: bytes, seed: str) -> bytes:
    """An image-only PDF that looks scanned: 150 dpi greyscale, rotated 0.5-1 degree, mild noise."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(rng.randrange(2**32))
    doc = pdfium.PdfDocument(pdf)
    pages: list[Image.Image] = []
    for i in range(len(doc)):
        img = doc[i].render(scale=150 / 72).to_pil().convert("L")
        angle = rng.choice([-1, 1]) * rng.uniform(0.5, 1.0)
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
        arr = np.asarray(img, dtype=np.int16)
        arr = arr + nrng.normal(0, 9, arr.shape).astype(np.int16)
        speckle = nrng.random(arr.shape) < 0.0006
        arr[speckle] = 40
        pages.append(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L"))
    doc.close()
    buf = io.BytesIO()
    pages[0].save(
        buf,
        "PDF",
        resolution=150.0,
        save_all=True,
        append_images=pages[1:],
        quality=55,
        title="scan",
        author="scanner",
        creationDate=None,
        modDate=None,
    )
    return buf.getvalue()
