"""Cells named by printed labels or codes, and finding messages in Chinese."""

from __future__ import annotations

import re

import pytest

from nianbao.analyst.words import CellRef, UnknownCell, finding_message, mark_reading_notes, resolve_cell
from nianbao.schemas.validate import RULES


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
    assert (
        finding_message("missing_section", "sections not found: 六", {"other": None}, None, None)
        == "报告缺少规定章节：六、其他需要报告的事项"
    )
    # a reader's message without a pattern: its message_zh (rules.toml) with page and quoted labels
    assert (
        finding_message("reader_warning", "p.1: bytes replaced in '二、主动公开'", None, None, None)
        == "读取文件时的提示（第1页，“二、主动公开”）"
    )
    assert finding_message("no_such_rule", "as it was", None, None, None) == "as it was"
    assert CellRef("t3", "r2_partial", "natural").short_label() == "（二）部分公开 自然人"


@pytest.mark.parametrize(
    ("rule", "message", "cells", "want"),
    [
        ("reader_warning", "p.1: scan deskewed by 0.62°", None, "第1页扫描件倾斜 0.62°，已自动校正"),
        (
            "reader_warning",
            "p.2 OCR table cell (0,1) '情形，不计其他情形)': low confidence 0.76",
            None,
            "第2页表格文字“情形，不计其他情形)”的识别置信度为 0.76",
        ),
        (
            "duplicate_row",
            "t3: row r6_2 printed again ('要求缴纳费用'); second ignored",
            None,
            "表3“要求缴纳费用”一行印了两次，取第一次的数字，第二次未计入",
        ),
        (
            "late_publication",
            "published 2023-03-17, after the deadline 2023-01-31, 45 days late",
            {"published": "2023-03-17", "deadline": "2023-01-31", "days_late": 45},
            "逾期发布：2023-03-17 发布，晚于截止日期 2023-01-31（《政府信息公开条例》第五十条），逾期 45 天",
        ),
        (
            "no_data",
            "all 22 cells of table 2 are blank",
            {"t2": None},
            "表2 主动公开未填任何数字（空白不按 0 计）",
        ),
        (
            "misprinted_cell",
            "t3.r2_partial.total printed 3",
            {"t3.r2_partial.total": 3, "checks": ["t3_row_total", "t3_results_total"]},
            "单元格印载有误：（二）部分公开 总计=3，应为 2（表3 行合计、表3 办理结果合计均只因这一格不符，改为 2 后全部相符）",
        ),
    ],
)
def test_findings_read_in_chinese(
    rule: str, message: str, cells: dict[str, object] | None, want: str
) -> None:
    got = finding_message(rule, message, cells, 2 if rule == "misprinted_cell" else None, None)
    assert got == want
    assert not re.search(r"[A-Za-z]{2,}", got)


def test_every_rule_reads_without_english() -> None:
    """Whatever English message a rule carries, analysts read Chinese (cells named or not)."""
    for code in RULES:
        got = finding_message(code, "p.3: something odd happened to 'x' in t3.new.total", {}, None, None)
        assert not re.search(r"[A-Za-z]{2,}", got.replace("OCR", "")), (
            code,
            got,
        )  # OCR: an acronym analysts use


def _f(
    rid: int, rule: str, severity: str, message: str = "", cells: list[str] | None = None
) -> dict[str, object]:
    return {
        "report_id": rid,
        "rule": rule,
        "severity": severity,
        "raw_message": message,
        "cells": cells or [],
    }


def test_reading_notes_leave_the_checklist_only_when_nothing_is_in_doubt() -> None:
    deskew = "p.1: scan deskewed by 0.62°"
    found = mark_reading_notes(
        [
            _f(1, "reader_warning", "warning", deskew),  # report 1 is read right: a note
            _f(1, "low_confidence", "warning", "x", ["t3.new.total"]),  # its cell passed every check
            _f(2, "t3_row_total", "error", "", ["t3.new.total", "t3.new.natural"]),
            _f(2, "reader_warning", "warning", deskew),  # report 2 has an error: stays on the list
            _f(2, "low_confidence", "warning", "x", ["t3.new.natural"]),  # in the failed check: stays
            _f(2, "low_confidence", "warning", "x", ["t4.review.total"]),  # not in it: a note
            _f(1, "duplicate_row", "warning", "t3: row r6_2 printed again ('x'); second ignored"),
        ]
    )
    assert [f["note"] for f in found] == [True, True, False, False, False, True, False]
