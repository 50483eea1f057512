"""Scans (issue 18, item 3): grids as the OCR reader builds them, with what recognition loses.

Table 4 is found by its place and its 15-column shape whatever the OCR made of its header (and of
section 四's heading); a table-3 row whose label the recogniser lost or garbled is placed by its
grid position when the template's row order leaves exactly one row (or as many rows as there are
such rows) for it. Documents are built cell by cell, the way ocr.py hands them to the parser."""

from __future__ import annotations

import pytest

from nianbao.extractors.document import Paragraph, Table, grid_from_spans
from nianbao.extractors.parser.parse import parse_document
from nianbao.schemas import TEMPLATE, Report
from tests.extractors.test_parse import doc_of, t3_grid, t3_numbers

T4_VALUES = "2 1 0 1 4 1 0 0 0 1 0 0 1 0 1".split()
GARBLED_RESULTS = ["结果难持", "结果红正", "其他结杲", "尚末审结", "总汁"]
T3_COLS = [c.code for c in TEMPLATE.table("t3").columns]
CODES = [r.code for r in TEMPLATE.table("t3").rows_for("2021")]
NUMBERS = t3_numbers("2021")


def _t4_grid(results: list[str], top: tuple[str, str, str, str]) -> Table:
    rows = [
        [(top[0], 1, 5), (top[1], 1, 10)],
        [*((t, 2, 1) for t in results), (top[2], 1, 5), (top[3], 1, 5)],
        [(t, 1, 1) for t in results * 2],
        [(v, 1, 1) for v in T4_VALUES],
    ]
    return Table(grid_from_spans(rows))


def _report(heading: str, t4: Table) -> Report:
    return parse_document(
        doc_of(
            Paragraph("三、收到和处理政府信息公开申请情况"),
            Table(grid_from_spans(t3_grid("2021", NUMBERS))),
            Paragraph(heading),
            t4,
            Paragraph("五、存在的主要问题及改进情况"),
        )
    )


@pytest.mark.parametrize(
    "heading", ["四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行玫夏议、行玫诉讼情兄"]
)
@pytest.mark.parametrize(
    "top",
    [
        ("行政夏议", "行玫诉讼", "末经夏议直接起诉", "夏议后起诉"),
        ("", "", "", ""),
        ("亻亍", "讠斥", "丨", "冫"),
    ],
)
def test_t4_by_place_and_shape_whatever_its_header(heading: str, top: tuple[str, str, str, str]) -> None:
    report = _report(heading, _t4_grid(GARBLED_RESULTS, top))
    assert [c.raw for c in report.cells if c.table == "t4"] == T4_VALUES
    assert [(c.row_code, c.col_code) for c in report.cells if c.table == "t4"][5] == ("suit_direct", "upheld")
    assert any(f.rule == "table_by_shape" for f in report.findings)
    assert len([c for c in report.cells if c.table == "t3"]) == len(CODES) * 7


def test_t4_shape_needs_fifteen_values() -> None:
    """A garbled grid whose value row has 14 cells is no table 4: nothing is made up."""
    t4 = _t4_grid(GARBLED_RESULTS, ("", "", "", ""))
    t4.rows[-1] = t4.rows[-1][:14]
    report = _report("四、政府信息公开行玫夏议、行玫诉讼情兄", t4)
    assert not [c for c in report.cells if c.table == "t4"]


def _lost(codes: list[str], text: str) -> Report:
    """Table 3 with the label cells of `codes` printed as `text` (the recogniser lost or garbled them)."""
    rows = t3_grid("2021", NUMBERS)
    for code in codes:
        row = rows[3 + CODES.index(code)]
        j = len(row) - 8  # the row's own label: the last cell before its seven values
        _, rs, cs = row[j]
        row[j] = (text, rs, cs)
    return parse_document(
        doc_of(Paragraph("三、收到和处理政府信息公开申请情况"), Table(grid_from_spans(rows)))
    )


def _t3(report: Report) -> dict[tuple[str, str], float | int | None]:
    return {(c.row_code, c.col_code): c.value for c in report.cells if c.table == "t3"}


TRUTH = {(r, c): NUMBERS[r][j] for r in CODES for j, c in enumerate(T3_COLS)}


@pytest.mark.parametrize(
    "codes", [["new"], ["r1_open"], ["r3_2"], ["r5_1"], ["r7_total"], ["carry_over"], ["r3_2", "r3_3"]]
)
@pytest.mark.parametrize("text", ["", "丨", "·"])
def test_lost_row_label_placed_by_grid_position(codes: list[str], text: str) -> None:
    report = _lost(codes, text)
    assert _t3(report) == TRUTH
    assert len([f for f in report.findings if f.rule == "row_by_position"]) == len(codes)


def test_garbled_label_kept_as_its_own_rows_fragment() -> None:
    """2.其 is what is left of （三）2.其他法律…: placed; it is no fragment of （三）3.危及…"""
    assert _t3(_lost(["r3_2"], "2.其")) == TRUTH
    got = _t3(_lost(["r3_3"], "2.其"))
    assert not [k for k in got if k[0] == "r3_3"] and {k: TRUTH[k] for k in got} == got


def test_lost_rows_not_pinned_down_stay_out() -> None:
    """Two rows lost, but the template leaves three rows between their neighbours (a third row
    missing too): which is which is not known, so none is placed."""
    rows = t3_grid("2021", NUMBERS)
    for code in ("r3_2", "r3_3"):
        row = rows[3 + CODES.index(code)]
        _, rs, cs = row[len(row) - 8]
        row[len(row) - 8] = ("", rs, cs)
    del rows[3 + CODES.index("r3_4")]
    first = rows[3 + CODES.index("r3_1")]
    g = next(i for i, c in enumerate(first) if c[0] == "（三）不予公开")
    first[g] = ("（三）不予公开", 7, 1)  # the group's rowspan, one row fewer
    report = parse_document(
        doc_of(Paragraph("三、收到和处理政府信息公开申请情况"), Table(grid_from_spans(rows)))
    )
    got = _t3(report)
    assert {k: TRUTH[k] for k in got} == got
    assert {k[0] for k in got} == set(CODES) - {"r3_2", "r3_3", "r3_4"}
