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


def _t4_with_empty_lines_after(
    f: FlatReport, row: list[str], tmp_path: Path, other_blank: str = ""
) -> Report:
    """`f` as plain text, one cell per line, table 4's blank cells as empty lines (the other tables'
    as `other_blank`), two empty lines after table 4."""
    f.q.t4_rows[-1] = row
    lines: list[str] = []
    for kind, item in f.q.blocks():
        if kind == "line":
            lines.append(str(item))
            continue
        blank = "" if item is f.q.t4_rows else other_blank
        lines += [c or blank for r in item for c in r]  # type: ignore[union-attr]
        if item is f.q.t4_rows:
            lines += ["", ""]
    path = tmp_path / "report.txt"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return extract_file(path)


def test_empty_lines_at_table_4_ends_told_by_its_totals(tmp_path: Path) -> None:
    """Two blank first cells and two empty lines after the row: reading the empty lines one cell
    later would put 5 + 5 under a total of 5, so only one way is left, taken with a finding."""
    f = flat_report(4)
    row = ["", "", "0", "5", "5", "5", "", "5", "", "10", "5", "5", "0", "0", "10"]
    report = _t4_with_empty_lines_after(f, row, tmp_path, other_blank="\u00a0")
    got = {k: v for k, v in found(report).items() if k[0] == "t4"}
    assert list(got.values()) == [float(v) if v else None for v in row]
    assert [x for x in report.findings if x.rule == "blank_lines_resolved"]


def test_undecidable_empty_lines_are_not_guessed(tmp_path: Path) -> None:
    """Table 4's row printed with its blank cells as empty lines, and empty lines both before and
    after it beyond its 15 cells: when neither the document's rows (its other blank cells are NBSP,
    so they show no empty line after a row) nor the block totals tell which of them are cells,
    nothing is placed, the row is flagged, and no value is read shifted."""
    f = flat_report(4)
    report = _t4_with_empty_lines_after(f, ["", "", "1", "", "1"] + [""] * 10, tmp_path, other_blank="\u00a0")
    assert not [c for c in report.cells if c.table == "t4"]
    assert [x for x in report.findings if x.rule == "row_ambiguous" and "table 4" in x.message]
    got = found(report)
    assert all(got[k] == v for k, v in f.truth.items() if k[0] != "t4")
