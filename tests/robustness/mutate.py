"""Mutations of the bundled real reports (samples/reports), each checked against its truth file.

A mutation may break a file in any way except by rewriting a printed number: in the uncompressed
formats (HTML, text, .doc) no byte that is a digit or touches one is changed, and no byte becomes a
digit, so every number the reader still finds must equal the truth or carry a finding. In the
compressed formats (docx, xlsx, PDF) checksums stand between a flipped bit and a digit, and the
reader must stop there. Scanned PDFs are OCR'd (seconds each), so they get few mutations.
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


def _safe(data: bytes | bytearray, i: int) -> bool:
    """A byte that may change without touching a printed number: ASCII, no digit at or beside it."""
    return (
        data[i] < 0x80
        and data[i] not in DIGITS
        and (i == 0 or data[i - 1] not in DIGITS)
        and (i + 1 >= len(data) or data[i + 1] not in DIGITS)
    )


def flip_bits(rng: random.Random, data: bytes, n: int, text: bool) -> bytes:
    """n single-bit flips; in text formats only at safe bytes and never producing a digit."""
    out = bytearray(data)
    done = 0
    for _ in range(n * 200):
        if done == n:
            break
        i = rng.randrange(len(out))
        bit = 1 << rng.randrange(7 if text else 8)
        if text and (not _safe(out, i) or (out[i] ^ bit) in DIGITS):
            continue
        out[i] ^= bit
        done += 1
    return bytes(out)


def truncate(rng: random.Random, data: bytes, text: bool) -> bytes:
    """The file cut at a random point (never inside a number in text formats)."""
    for _ in range(1000):
        at = rng.randrange(1, len(data))
        if not text or (data[at - 1] not in DIGITS and data[at] not in DIGITS):
            return data[:at]
    return data[:1]


def splice(rng: random.Random, data: bytes) -> bytes:
    """A binary-format damage: a range zeroed, deleted or repeated."""
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.choice([1, 16, 512, 8192]))
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
    for src, truth in samples():
        data = src.read_bytes()
        ext = src.suffix
        text = ext in TEXT_FORMATS
        n = per_scan if is_scan(src) else per_sample
        for k in range(n):
            kinds = ["truncate", "flip1", "flip8", "flip64", "rename"]
            if not text:
                kinds.append("splice")
            if ext in (".docx", ".xlsx"):
                kinds += ["member1", "member16"]
            kind = kinds[k % len(kinds)] if k < len(kinds) else rng.choice(kinds)
            name = f"{src.stem}-{kind}-{k}{ext}"
            if kind == "truncate":
                body = truncate(rng, data, text)
            elif kind.startswith("flip"):
                body = flip_bits(rng, data, int(kind[4:]), text)
            elif kind == "splice":
                body = splice(rng, data)
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
            out.append(Case(name, f"mutated-{kind.rstrip('0123456789')}", p, truth=truth, slow=is_scan(src)))
    return out
