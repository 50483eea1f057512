"""Tables that lost their grid, as properties: every seeded rendering of every class reads exactly.

Each test draws many reports (`flat_reports.flat_report`: random numbers, zeros printed blank,
rows printed all blank) and prints each in one way of losing the grid, the way chosen by the same
seed. A rendering passes only when every cell comes back with its printed value (a blank as None),
no cell is missing, and nothing is flagged as lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.extractors import extract_file
from nianbao.schemas import Report
from tests.extractors.flat_reports import RENDERERS, FlatReport, flat_report
from tests.extractors.quirk_reports import found

SEEDS = range(40)
LOST = ("row_ambiguous", "missing_cells", "table_missing")


def _read(f: FlatReport, rendering: str, tmp_path: Path) -> Report:
    ext, render = RENDERERS[rendering]
    path = tmp_path / f"report.{ext}"
    path.write_text(render(f), "utf-8")
    return extract_file(path)


def _mismatches(report: Report, f: FlatReport) -> list[str]:
    got = found(report)
    out = [
        f"{k}: printed {v!r}, read {got.get(k, 'nothing')!r}"
        for k, v in f.truth.items()
        if got.get(k, "x") != v
    ]
    out += [f"{k}: read {v!r}, not printed" for k, v in got.items() if k not in f.truth]
    return out


@pytest.mark.parametrize("rendering", list(RENDERERS))
def test_every_rendering_reads_exactly(rendering: str, tmp_path: Path) -> None:
    failures: dict[int, list[str]] = {}
    for seed in SEEDS:
        f = flat_report(seed)
        report = _read(f, rendering, tmp_path)
        bad = _mismatches(report, f)
        bad += [x.message for x in report.findings if x.rule in LOST]
        if report.status != "ok":
            bad.append(f"status {report.status}")
        if bad:
            failures[seed] = bad[:4]
    assert failures == {}


@pytest.mark.parametrize("rendering", list(RENDERERS))
def test_blank_rows_stay_rows(rendering: str, tmp_path: Path) -> None:
    """A row printed with every cell blank, at the end of table 3 and of table 4, is a row of blank
    cells (None), never a missing row nor zeros."""
    seen = 0
    for seed in SEEDS:
        f = flat_report(seed)
        blank_rows = [
            (t, r)
            for t, r in {(k[0], k[1]) for k in f.truth}
            if all(v is None for k, v in f.truth.items() if k[:2] == (t, r))
        ]
        if not any(r in ("carry_over", "suit_after_review") for _, r in blank_rows):
            continue
        seen += 1
        got = found(_read(f, rendering, tmp_path))
        for t, r in blank_rows:
            cells = {k: v for k, v in got.items() if k[:2] == (t, r)}
            assert cells and all(v is None for v in cells.values()), (seed, t, r, cells)
            assert len(cells) == sum(1 for k in f.truth if k[:2] == (t, r))
    assert seen >= 5  # the generator does print blank last rows
