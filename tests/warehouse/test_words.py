"""Cells named by printed labels or codes, and finding messages in Chinese."""

from __future__ import annotations

import pytest

from nianbao.analyst.words import CellRef, UnknownCell, finding_message, resolve_cell


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("t3.r2_partial.natural", "t3.r2_partial.natural"),
        ("行政复议 总计", "t4.review.total"),
        ("表4 行政复议 结果纠正", "t4.review.corrected"),
        ("行政复议/结果维持", "t4.review.upheld"),
        ("一、本年新收 总计", "t3.new.total"),
        ("表3 （二）部分公开 自然人", "t3.r2_partial.natural"),
        ("四、结转下年度继续办理 商业企业", "t3.carry_over.business"),
        ("行政许可 本年处理决定数量", "t2.licensing.decisions"),
        ("t2 规章 本年制发件数", "t2.rules.issued"),
    ],
)
def test_resolve_cell(name: str, code: str) -> None:
    assert resolve_cell(name).code == code


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("总计", "row and column"),
        ("t3.nope.total", "unknown cell"),
        ("行政诉讼 总计", "names 2 cells"),
        ("甲 乙", "no cell named"),
    ],
)
def test_unknown_or_ambiguous_cells_are_named(name: str, why: str) -> None:
    with pytest.raises(UnknownCell, match=why):
        resolve_cell(name)


def test_finding_message_names_cells_by_label() -> None:
    msg = finding_message(
        "t4_block_total",
        "table 4 review: total 0 != 11",
        {"t4.review.total": 0, "t4.review.upheld": 7, "t4.review.corrected": 3, "t4.review.other": 1},
        11.0,
        0.0,
    )
    assert (
        msg
        == "表4 合计不符：行政复议 总计=0；行政复议 结果维持=7；行政复议 结果纠正=3…（4） 各项之和为 11，印载总计 0"
    )
    assert finding_message("missing_section", "sections not found: 六", {"other": None}, None, None).endswith(
        "sections not found: 六"
    )
    # a rule without a detail_zh: its message_zh (rules.toml), then what the finding says
    assert (
        finding_message("reader_warning", "p.1: deskewed", None, None, None)
        == "读取文件时的提示：p.1: deskewed"
    )
    assert finding_message("no_such_rule", "as it was", None, None, None) == "as it was"
    assert CellRef("t3", "r2_partial", "natural").short_label() == "（二）部分公开 自然人"
