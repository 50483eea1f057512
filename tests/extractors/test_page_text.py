"""Run-together page text (issue 18, item 4): portal text copies and web archives, rendered many ways
by a seeded generator (tests/extractors/pagetext_gen.py), read through the front door.

Every rendering must give no wrong number (a blank read as a number, a number read as blank or as
another number), the issuer and year right, and every cell it leaves out named in a finding."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from nianbao.extractors import extract_file
from nianbao.extractors.document import Document, Paragraph
from nianbao.extractors.parser.digits import readings, resolve, split_digits
from nianbao.extractors.parser.meta import read_metadata
from nianbao.schemas import TEMPLATE, Report
from nianbao.schemas.validate import validate
from tests.extractors.pagetext_gen import Facts, page_text, random_facts, truth_of
from tests.extractors.quirk_reports import found

SEEDS = range(36)
T3 = tuple(c.code for c in TEMPLATE.table("t3").columns)
T4 = tuple(c.code for c in TEMPLATE.table("t4").columns) * 3


def _read(facts: Facts, seed: int, tmp_path: Path) -> Report:
    text = page_text(facts, seed)
    if seed % 3 == 2:  # a web archive: every line of the copy its own <p>
        path = tmp_path / f"page{seed}.html"
        body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
        path.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", "utf-8")
    else:
        path = tmp_path / f"page{seed}.txt"
        path.write_text(text, "utf-8")
    return extract_file(path)


def _flagged(report: Report, key: tuple[str, str, str]) -> bool:
    """A cell left out is named by the checks: in `missing_cells`, or its table `missing_table`."""
    table, row, col = key
    flagged = {
        c for f in validate(report) if f.rule in ("missing_cells", "missing_table") for c in f.cells or {}
    }
    return f"{table}.{row}.{col}" in flagged or table in flagged


def test_page_text_renderings_have_no_wrong_number(tmp_path: Path) -> None:
    expected = found_cells = 0
    for seed in SEEDS:
        facts = random_facts(seed)
        report = _read(facts, seed, tmp_path)
        truth, got = truth_of(facts), found(report)
        wrong = {k: (truth.get(k, "absent"), v) for k, v in got.items() if truth.get(k, "absent") != v}
        assert not wrong, (seed, wrong)
        assert (report.issuer, report.year) == (facts["issuer"], facts["report_year"]), seed
        assert "标题" not in (report.title or "") and "发布" not in (report.issuer or "")
        missing = [k for k in truth if k not in got]
        assert all(_flagged(report, k) for k in missing), (
            seed,
            [k for k in missing if not _flagged(report, k)],
        )
        expected += len(truth)
        found_cells += len(got)
    coverage = found_cells / expected
    print(f"page text: {found_cells}/{expected} cells read ({coverage:.1%}) over {len(SEEDS)} renderings")
    assert coverage >= 0.85  # the rest is ambiguous: blanks print nothing, table 2 has no identity


@pytest.mark.parametrize("seed", [3, 11])
def test_page_text_spaced_numbers_read_as_printed(seed: int, tmp_path: Path) -> None:
    """Cells separated by single spaces, labels glued or not: every printed cell read."""
    facts = random_facts(seed)
    text = page_text(facts, seed)
    text = text.replace("\t", " ")
    path = tmp_path / "spaced.txt"
    path.write_text(text, "utf-8")
    report = extract_file(path)
    truth, got = truth_of(facts), found(report)
    assert {k: truth[k] for k in got} == got


@pytest.mark.parametrize(
    "lines",
    [
        [
            "标题：{title}",
            "发布时间：2024-02-03 09:10",
            "发布机构：{issuer}",
            "原文链接：http://x.gov.cn/a.html",
        ],
        ["标题:{title}", "发布时间: 2024-02-03", "发布机构 : {issuer}", "原文链接:http://x.gov.cn/a.html"],
        [
            "标题 ：{title}  发布时间 ：2024-02-03 09:10  发布机构 ：{issuer}  原文链接 ：http://x.gov.cn/a.html"
        ],
    ],
)
@pytest.mark.parametrize("title_has_issuer", [True, False])
def test_header_block_gives_title_issuer_date(lines: list[str], title_has_issuer: bool) -> None:
    issuer = "临川县石门镇人民政府"
    title = f"{issuer if title_has_issuer else ''}2023年政府信息公开工作年度报告"
    texts = [line.format(title=title, issuer=issuer) for line in lines]
    texts += ["一、总体情况", "本年度持续推进政务公开。"]
    meta = read_metadata(Document(path="p.txt", format="txt", blocks=[Paragraph(t) for t in texts]))
    assert (meta.title, meta.issuer, meta.year, meta.published) == (title, issuer, 2023, "2024-02-03")


def test_table4_run_together_split_by_its_block_totals() -> None:
    assert split_digits("110024001510102", "t4", T4) == [1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2]
    assert split_digits("000000000000000", "t4", T4) == [0] * 15
    # 0/1/0/0/1 or 0/10/0/blank/10 … : the blocks' totals leave several readings
    assert split_digits("010010000000000", "t4", T4) is None


def test_separated_runs_keep_their_separators() -> None:
    """`21 3` is two runs: no value spans the space; a blank may sit anywhere else."""
    got = readings("213", "t3", T3, frozenset({2}))
    assert got is not None and all("".join(str(v) for v in r if v is not None) == "213" for r in got)
    assert [2, 1, None, None, None, None, 3] in got and [None, 21, None, None, None, None, 3] not in got


def test_blank_total_only_when_nothing_adds_up() -> None:
    """`1 0 0 0 0 0`: no reading adds up, so the total is the blank the report left (quirks.md)."""
    assert readings("100000", "t3", T3, frozenset({1, 2, 3, 4, 5})) == [[1, 0, 0, 0, 0, 0, None]]
    assert readings("2002", "t3", T3) == [  # adds up with 2 as total: no blank total is tried
        r for r in readings("2002", "t3", T3) or [] if r[6] == 2
    ]


def test_whole_table_identities_pin_an_ambiguous_row() -> None:
    """`11` alone could put its 1 in any of six columns; 一 + 二 == （七） + 四 over the printed rows
    leaves one."""
    from nianbao.extractors.parser.digits import RunTogether
    from nianbao.extractors.parser.labelling import LabelledRow

    found_readings = readings("11", "t3", T3)
    assert found_readings is not None and len(found_readings) == 6
    seg = LabelledRow("carried_in", "二、上年结转政府信息公开申请数量")
    pending = [RunTogether(seg, "t3 row 二", "11", T3, found_readings)]
    known: dict[tuple[str, str], float | int | None] = {}
    for row, values in {
        "new": [3, 0, 0, 0, 0, 0, 3],
        "r7_total": [3, 1, 0, 0, 0, 0, 4],
        "carry_over": [0, 0, 0, 0, 0, 0, 0],
    }.items():
        known.update({(row, c): v for c, v in zip(T3, values, strict=True)})
    decided = resolve(pending, known, TEMPLATE.table("t3"), "2021")
    assert [(item.row, values) for item, values, _ in decided] == [
        ("carried_in", [None, 1, None, None, None, None, 1])
    ]
