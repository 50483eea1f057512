"""The failure classes of issue 11, each reproduced by an invented report in every text format where
it occurs, read through the front door and compared cell by cell with the report's own truth."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from extractors import extract_file
from schemas import Report
from tests.extractors.quirk_reports import QuirkReport, found

RENDERINGS: dict[str, tuple[str, Callable[[QuirkReport], str]]] = {
    "txt": ("txt", QuirkReport.txt_cell_per_line),
    "html_p": ("html", QuirkReport.html_p_per_cell),
    "html_rows": ("html", QuirkReport.html_table),
    "html_grid": ("html", QuirkReport.html_grid),
}


def read(q: QuirkReport, rendering: str, tmp_path: Path) -> Report:
    ext, render = RENDERINGS[rendering]
    path = tmp_path / f"report.{ext}"
    path.write_text(render(q), "utf-8")
    return extract_file(path)


def assert_exact(report: Report, q: QuirkReport) -> None:
    """Every cell of the truth read with its value, nothing else, and no finding of a lost cell."""
    assert found(report) == q.truth
    assert report.status == "ok", [f.message for f in report.findings]


@pytest.mark.parametrize("rendering", list(RENDERINGS))
@pytest.mark.parametrize("variant", ["2019", "2021"])
def test_official_layouts_read_exactly(variant: str, rendering: str, tmp_path: Path) -> None:
    q = QuirkReport.build(variant)
    report = read(q, rendering, tmp_path)
    assert_exact(report, q)
    assert report.variants == {"t2": variant, "t3": variant}
    assert (report.issuer, report.year) == (q.issuer, q.year)


# Class 4: （六）其他 (short) or broken over two lines, as the merged group label of the 2021 sub-rows.
# (A grid cell is not split in two cells: that would change the grid.)
SHORT_SIX = [
    (printed, rendering)
    for printed in (["（六）其他"], ["（六）其\n他"], ["（六）"], ["（六）", "其他"])
    for rendering in RENDERINGS
    if not (rendering == "html_grid" and len(printed) > 1)
]


@pytest.mark.parametrize(("printed", "rendering"), SHORT_SIX)
def test_short_group_label_of_other_processing(printed: list[str], rendering: str, tmp_path: Path) -> None:
    q = QuirkReport.build("2021")
    for row in q.t3_rows:
        if "（六）其他处理" in row:
            i = row.index("（六）其他处理")
            row[i : i + 1] = printed
    report = read(q, rendering, tmp_path)
    assert_exact(report, q)
    assert not [f for f in report.findings if f.rule in ("extra_row", "row_not_in_variant")]
