"""Generate the robustness cases, reproducibly from a seed.

    python -m tests.robustness.generate OUT_DIR [--seed N] [--full]

The reduced set (CI) holds every crafted hostile file that is quick to read plus three mutations
of each bundled sample report; the full set adds the slow hostile files (LibreOffice, OCR,
near-limit PDFs), 40 mutations of each text-layer sample, 6 of each scan, and random data under
every extension and every magic number, for well over 1,000 cases. The same seed gives the same
files byte for byte.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from tests.robustness.hostile import FAMILIES, Case
from tests.robustness.mutate import mutations

EXTENSIONS = (
    ".docx",
    ".html",
    ".txt",
    ".pdf",
    ".doc",
    ".wps",
    ".xls",
    ".xlsx",
    ".png",
    ".jpg",
    ".tif",
    ".gif",
    "",
)
MAGICS = (b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG\r\n\x1a\n",
          b"\xff\xd8\xff\xe0", b"<html><body><table><tr><td>", b"GIF89a", b"II*\x00", b"\xef\xbb\xbf")  # fmt: skip


def garbage_cases(rng: random.Random, d: Path, per_pair: int) -> list[Case]:
    """Random bytes behind every magic number under every extension (binary garbage named .html…)."""
    out = []
    for ext in EXTENSIONS:
        for m, magic in enumerate(MAGICS):
            for k in range(per_pair):
                size = rng.choice([1, 64, 4096, 200_000])
                p = d / f"garbage-{m}-{k}{ext or '.noext'}"
                p.write_bytes(magic + rng.randbytes(size))
                # random bytes behind an OLE header go to LibreOffice: seconds each
                slow = magic.startswith(b"\xd0\xcf") or ext in (".doc", ".wps", ".xls")
                out.append(Case(p.name, "binary-garbage", p, slow=slow))
    return out


def generate(out_dir: Path, seed: int = 2024, full: bool = False) -> list[Case]:
    """Write the cases into `out_dir` (which should be empty) and return them.

    Args:
        out_dir: where the files go (one folder per family).
        seed: the seed every random choice derives from.
        full: the full set (>= 1,000 cases) instead of the reduced CI set.
    """
    cases: list[Case] = []
    for family in FAMILIES:
        d = out_dir / family.__name__
        d.mkdir(parents=True, exist_ok=True)
        built = family(random.Random(f"{seed}:{family.__name__}"), d)
        cases += built if full else [c for c in built if not c.slow]
    d = out_dir / "garbage"
    d.mkdir(exist_ok=True)
    garbage = garbage_cases(random.Random(f"{seed}:garbage"), d, 2 if full else 1)
    if not full:  # one LibreOffice round trip per legacy extension is enough for CI
        first: dict[str, Case] = {}
        for c in garbage:
            if c.slow and c.path.suffix not in first and c.name.startswith("garbage-3-"):
                first[c.path.suffix] = c
        garbage = [c for c in garbage if not c.slow] + [
            first[e] for e in (".doc", ".wps", ".xls") if e in first
        ]
    cases += garbage
    d = out_dir / "mutated"
    d.mkdir(exist_ok=True)
    cases += mutations(random.Random(f"{seed}:mutations"), d, 40 if full else 3, 6 if full else 0)
    return cases


def main() -> None:
    ap = argparse.ArgumentParser(description="write the robustness cases")
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args()
    cases = generate(args.out, args.seed, args.full)
    for c in cases:
        print(f"{c.family}\t{c.expect}\t{c.path}")


if __name__ == "__main__":
    main()
