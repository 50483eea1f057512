"""Mutations of the bundled real reports (samples/reports), each checked against its truth file.

A mutation checked against the truth may break a file in any way except by rewriting what is
printed, numbers and layout: truncation never cuts inside a number; in HTML and text only prose
letters outside markup change (never a digit, a separator, a TAB or a tag); in zip packages and in
a PDF's compressed streams a CRC or checksum stands between a flipped bit and the text, so the
reader must notice the damage. Every number the reader still finds must then equal the truth or
carry a finding (one naming its cell or row, or a reader warning that the file is damaged).
Mutations that can re-lay out the print without any checksum (bit flips anywhere, a .doc's binary
structure, a scan's pixels) run too, checked for crashes, hangs and memory but not against the
truth. Scans are OCR'd (seconds each), so they get few mutations.
"""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.robustness.hostile import SAMPLES, Case

DIGITS = frozenset(b"0123456789")
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


def stream_ranges(data: bytes) -> list[tuple[int, int]]:
    """Byte ranges of a PDF's stream data (a scan's pictures, a text PDF's Flate content)."""
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


LETTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
Ok = Callable[[bytes | bytearray, int, int], bool]


def letter_outside_tags(data: bytes | bytearray, i: int, new: int) -> bool:
    """Prose letters only: an ASCII letter outside markup, not beside a digit, becoming a letter.

    Separators (`|`, TAB, newlines), markup and digits are the print's layout and stay intact.
    """
    if data[i] not in LETTERS or new not in LETTERS:
        return False
    if (i and data[i - 1] in DIGITS) or (i + 1 < len(data) and data[i + 1] in DIGITS):
        return False
    return data.rfind(b"<", 0, i) <= data.rfind(b">", 0, i)


def anywhere(data: bytes | bytearray, i: int, new: int) -> bool:
    return True


def inside(ranges: list[tuple[int, int]]) -> Ok:
    return lambda data, i, new: any(a <= i < b for a, b in ranges)


def flip_bits(rng: random.Random, data: bytes, n: int, ok: Ok = anywhere) -> bytes:
    """n single-bit flips, each at a byte `ok` accepts."""
    out = bytearray(data)
    done = 0
    for _ in range(n * 500):
        if done == n:
            break
        i = rng.randrange(len(out))
        new = out[i] ^ (1 << rng.randrange(8))
        if ok(out, i, new):
            out[i] = new
            done += 1
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    """The file cut at a random point, never inside a number."""
    for _ in range(1000):
        at = rng.randrange(1, len(data))
        if data[at - 1] not in DIGITS and data[at] not in DIGITS:
            return data[:at]
    return data[:1]


def splice(rng: random.Random, data: bytes, ranges: list[tuple[int, int]] | None = None) -> bytes:
    """A range zeroed, deleted or repeated (inside `ranges` when given)."""
    for _ in range(1000):
        a = rng.randrange(len(data))
        b = min(len(data), a + rng.choice([1, 16, 512, 8192]))
        if not ranges or any(lo <= a and b <= hi for lo, hi in ranges):
            break
    kind = rng.choice(["zero", "delete", "repeat"])
    if kind == "zero":
        return data[:a] + bytes(b - a) + data[b:]
    if kind == "delete":
        return data[:a] + data[b:]
    return data[:b] + data[a:b] + data[b:]


def mutate_member(rng: random.Random, data: bytes, n: int) -> bytes:
    """A .docx/.xlsx re-zipped with prose-letter flips inside its main XML part (CRC made to match)."""
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
                body = flip_bits(rng, body, n, letter_outside_tags)
            dst.writestr(info.filename, body)
    return buf.getvalue()


# Mutation kinds checked against the truth, per format (see the module docstring); "structure"
# (bit flips anywhere, the layout included) and a scan's "pixels" run without a truth.
KINDS = {
    ".html": ["truncate", "flip1", "flip8", "flip64", "rename", "structure"],
    ".txt": ["truncate", "flip1", "flip8", "flip64", "rename", "structure"],
    ".doc": ["truncate", "rename", "structure"],
    ".docx": ["truncate", "flip1", "flip8", "splice", "member1", "member16", "rename"],
    ".xlsx": ["truncate", "flip1", "flip8", "splice", "member1", "member16", "rename"],
    ".pdf": ["truncate", "flip1", "flip8", "splice", "rename", "structure"],
    "scan": ["truncate", "rename", "pixels", "structure"],
}


def _mutate(rng: random.Random, kind: str, data: bytes, ext: str, streams: list[tuple[int, int]]) -> bytes:
    if kind == "truncate":
        return truncate(rng, data)
    if kind == "structure":
        return flip_bits(rng, data, rng.choice([1, 8, 64]))
    if kind == "pixels":
        return flip_bits(rng, data, rng.choice([1, 8, 64]), inside(streams))
    if kind == "splice":
        return splice(rng, data, streams if ext == ".pdf" else None)
    if kind.startswith("member"):
        return mutate_member(rng, data, int(kind[6:]))
    if kind.startswith("flip"):
        if ext in (".html", ".txt"):
            ok: Ok = letter_outside_tags
        elif ext == ".pdf":
            ok = inside(streams)  # Flate data: its checksum stands between a flip and the text
        else:
            ok = anywhere  # zip members carry a CRC
        return flip_bits(rng, data, int(kind[4:]), ok)
    return data


def mutations(rng: random.Random, d: Path, per_sample: int, per_scan: int) -> list[Case]:
    """`per_sample` mutated copies of every sample (`per_scan` for scanned PDFs)."""
    out: list[Case] = []
    for idx, (src, truth) in enumerate(samples()):
        data = src.read_bytes()
        ext = src.suffix
        scan = is_scan(src)
        streams = stream_ranges(data) if ext == ".pdf" else []
        kinds = KINDS["scan" if scan else ext]
        for k in range(per_scan if scan else per_sample):
            # every kind once (starting at a different one per sample, so that a few mutations per
            # sample still cover all kinds across samples), then random kinds
            kind = kinds[(k + idx) % len(kinds)] if k < len(kinds) else rng.choice(kinds)
            name = f"{src.stem}-{kind}-{k}{OTHER_EXT.get(ext, '.bin') if kind == 'rename' else ext}"
            p = d / name
            if kind == "rename":
                shutil.copyfile(src, p)
            else:
                p.write_bytes(_mutate(rng, kind, data, ext, streams))
            checked = kind not in ("structure", "pixels")
            family = f"mutated-{kind.rstrip('0123456789')}"
            out.append(Case(name, family, p, truth=truth if checked else None, slow=scan))
    return out
