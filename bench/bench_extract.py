"""Extraction speed per format: reports/second on one core, over the sample corpus.

    .venv/bin/python bench/bench_extract.py [DIR ...] [--repeat N]

Reads every report file under the given folders (default: samples/reports and, when present,
../shared/corpus/real), extracts each one `--repeat` times in this process (one core), and prints
reports/second per format. OCR'd scans are timed once; they are measured in seconds per page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nianbao.extractors import extract_file  # noqa: E402
from nianbao.extractors.readers.sniff import sniff_format  # noqa: E402

SKIP_SUFFIXES = (".json", ".md", ".yaml", ".py")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    dirs = a.dirs or [REPO / "samples" / "reports", REPO.parent / "shared" / "corpus" / "real"]
    files = sorted(
        p
        for d in dirs
        if d.exists()
        for p in d.rglob("*")
        if p.is_file() and not p.name.endswith(SKIP_SUFFIXES)
    )
    by_fmt: dict[str, list[float]] = defaultdict(list)
    pages: dict[str, int] = defaultdict(int)
    for f in files:
        fmt = sniff_format(f)
        report = extract_file(f)  # warm-up (imports, OCR model load) and the scan check
        scanned = any(c.provenance and c.provenance.confidence is not None for c in report.cells)
        label = f"{fmt}-scan" if scanned else fmt
        reps = 1 if scanned else a.repeat
        t0 = time.perf_counter()
        for _ in range(reps):
            extract_file(f)
        by_fmt[label].append((time.perf_counter() - t0) / reps)
        pages[label] += report.pages or 1
    print(f"{'format':10s} {'files':>5s} {'reports/s':>10s} {'median ms':>10s} {'s/page':>8s}")
    for fmt, secs in sorted(by_fmt.items()):
        total = sum(secs)
        print(
            f"{fmt:10s} {len(secs):5d} {len(secs) / total:10.1f} {1000 * statistics.median(secs):10.1f} "
            f"{total / max(1, pages[fmt]):8.3f}"
        )


if __name__ == "__main__":
    main()
