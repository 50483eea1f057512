"""Mutations of the bundled real reports (samples/reports), each checked against its truth file.

A mutation may break a file in any way except by rewriting a printed number: in the uncompressed
formats (HTML, text, .doc) no byte that is a digit or touches one is changed, and no byte becomes a
digit, so every number the reader still finds must equal the truth or carry a finding. In the
compressed formats (docx, xlsx, PDF) checksums stand between a flipped bit and a digit, and the
reader must stop there. In a scanned PDF the picture is the print, so its truth-checked mutations
stay outside the image streams; damaged pictures are run too, without a truth. Scans are OCR'd
(seconds each), so they get few mutations.
"""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from pathlib import Path

from tests.robustness.hostile import SAMPLES, Case

DIGITS = frozenset(b"0123456789")
TEXT_FORMATS = (".html", ".txt", ".doc")
OTHER_EXT = {
    ".docx": ".pdf",
    ".pdf": ".html",
    ".html": ".txt",
    ".txt": ".docx",
    ".doc": ".xlsx",
    ".xlsx": ".doc",
}


def samples() -> list[tuple[Path, Path]]:
    """(report, truth file) of every bundled sample."""
    out = []
    for truth in sorted(SAMPLES.rglob("*.truth.json")):
        out.append((truth.with_name(truth.name[: -len(".truth.json")]), truth))
    return out


def is_scan(path: Path) -> bool:
    return path.suffix == ".pdf" and b"Pillow" in path.read_bytes()[:200]


def picture_ranges(data: bytes) -> list[tuple[int, int]]:
    """Byte ranges of a scanned PDF's stream data: there the picture is the print."""
    out = []
    at = 0
    while (start := data.find(b"stream", at)) >= 0:
        end = data.find(b"endstream", start + 6)
        if end < 0:
            break
        if data[start - 3 : start] != b"end":
            out.append((start, end + 9))
        at = end + 9
    return out


def _outside(ranges: list[tuple[int, int]], i: int) -> bool:
    return all(not (a <= i < b) for a, b in ranges)


def _safe(data: bytes | bytearray, i: int) -> bool:
    """A byte that may change without touching a printed number: ASCII, no digit at or beside it."""
    return (
        data[i] < 0x80
        and data[i] not in DIGITS
        and (i == 0 or data[i - 1] not in DIGITS)
        and (i + 1 >= len(data) or data[i + 1] not in DIGITS)
    )


def flip_bits(
    rng: random.Random, data: bytes, n: int, text: bool, keep: list[tuple[int, int]] | None = None
) -> bytes:
    """n single-bit flips; in text formats only at safe bytes and never producing a digit; never
    inside the `keep` ranges."""
    out = bytearray(data)
    done = 0
    for _ in range(n * 200):
        if done == n:
            break
        i = rng.randrange(len(out))
        if keep and not _outside(keep, i):
            continue
        bit = 1 << rng.randrange(7 if text else 8)
        if text and (not _safe(out, i) or (out[i] ^ bit) in DIGITS):
            continue
        out[i] ^= bit
        done += 1
    return bytes(out)


def truncate(rng: random.Random, data: bytes, text: bool, keep: list[tuple[int, int]] | None = None) -> bytes:
    """The file cut at a random point (never inside a number in text formats, nor in `keep`)."""
    for _ in range(1000):
        at = rng.randrange(1, len(data))
        if keep and not _outside(keep, at):
            continue
        if not text or (data[at - 1] not in DIGITS and data[at] not in DIGITS):
            return data[:at]
    return data[:1]


def splice(rng: random.Random, data: bytes, keep: list[tuple[int, int]] | None = None) -> bytes:
    """A binary-format damage: a range zeroed, deleted or repeated (outside `keep`)."""
    for _ in range(1000):
        a = rng.randrange(len(data))
        b = min(len(data), a + rng.choice([1, 16, 512, 8192]))
        if not keep or all(b <= lo or a >= hi for lo, hi in keep):
            break
    kind = rng.choice(["zero", "delete", "repeat"])
    if kind == "zero":
        return data[:a] + bytes(b - a) + data[b:]
    if kind == "delete":
        return data[:a] + data[b:]
    return data[:b] + data[a:b] + data[b:]


def mutate_member(rng: random.Random, data: bytes, n: int) -> bytes:
    """A .docx/.xlsx re-zipped with safe bit flips inside its main XML part (CRC made to match)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    main = "word/document.xml" if "word/document.xml" in src.namelist() else None
    if main is None:
        sheets = [n for n in src.namelist() if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml"]
        main = rng.choice(sheets)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == main:
                body = flip_bits(rng, body, n, text=True)
            dst.writestr(info.filename, body)
    return buf.getvalue()


def mutations(rng: random.Random, d: Path, per_sample: int, per_scan: int) -> list[Case]:
    """`per_sample` mutated copies of every sample (`per_scan` for scanned PDFs)."""
    out: list[Case] = []
    for idx, (src, truth) in enumerate(samples()):
        data = src.read_bytes()
        ext = src.suffix
        text = ext in TEXT_FORMATS
        scan = is_scan(src)
        keep = picture_ranges(data) if scan else None
        n = per_scan if scan else per_sample
        for k in range(n):
            kinds = ["truncate", "flip1", "flip8", "flip64", "rename"]
            if not text:
                kinds.append("splice")
            if ext in (".docx", ".xlsx"):
                kinds += ["member1", "member16"]
            # every kind once (starting at a different one per sample, so that a few mutations per
            # sample still cover all kinds across samples), then random kinds
            kind = kinds[(k + idx) % len(kinds)] if k < len(kinds) else rng.choice(kinds)
            name = f"{src.stem}-{kind}-{k}{ext}"
            if kind == "truncate":
                body = truncate(rng, data, text, keep)
            elif kind.startswith("flip"):
                body = flip_bits(rng, data, int(kind[4:]), text, keep)
            elif kind == "splice":
                body = splice(rng, data, keep)
            elif kind.startswith("member"):
                body = mutate_member(rng, data, int(kind[6:]))
            else:
                name = f"{src.stem}-{kind}-{k}{OTHER_EXT.get(ext, '.bin')}"
                body = data
            p = d / name
            if kind == "rename":
                shutil.copyfile(src, p)
            else:
                p.write_bytes(body)
            out.append(Case(name, f"mutated-{kind.rstrip('0123456789')}", p, truth=truth, slow=scan))
        if scan:  # damage inside the picture rewrites the print: no truth to hold the numbers to
            for k in range(per_scan // 2):
                p = d / f"{src.stem}-pixels-{k}{ext}"
                p.write_bytes(flip_bits(rng, data, 8 * (k + 1), False))
                out.append(Case(p.name, "mutated-scan-pixels", p, slow=True))
    return out
