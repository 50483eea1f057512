"""The template parser on documents built cell by cell: every layout quirk the readers hand it."""

from __future__ import annotations

from nianbao.extractors.document import Document, GridCell, Paragraph, Table, grid_from_spans
from nianbao.extractors.parser.parse import parse_document, section_of
from nianbao.schemas import TEMPLATE

T3_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def t3_numbers(variant: str) -> dict[str, list[int]]:
    """Consistent table-3 numbers: each row's total is the sum of its parts."""
    out = {}
    for i, row in enumerate(TEMPLATE.table("t3").rows_for(variant)):
        parts = [(i * 7 + j) % 5 for j in range(6)]
        out[row.code] = parts + [sum(parts)]
    return out


def t3_grid(variant: str, numbers: dict[str, list[int]]) -> list[list[tuple[str, int, int]]]:
    """Table 3 in the official merged layout (templates.md §1.2, §2.2)."""
    rows: list[list[tuple[str, int, int]]] = [
        [
            ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            ("申请人情况", 1, 7),
        ],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [
            ("商业\n企业", 1, 1),
            ("科研机构", 1, 1),
            ("社会公益组织", 1, 1),
            ("法律服务机构", 1, 1),
            ("其他", 1, 1),
        ],
    ]
    labels = TEMPLATE.table("t3").rows_for(variant)
    n_results = sum(1 for r in labels if r.code not in ("new", "carried_in", "carry_over"))
    group_sizes = {"三": 8, "四": 3, "五": 5, "六": 3}
    for row in labels:
        vals = [(str(v), 1, 1) for v in numbers[row.code]]
        label = row.label
        if row.code in ("new", "carried_in", "carry_over"):
            rows.append([(label, 1, 3), *vals])
            continue
        cells: list[tuple[str, int, int]] = []
        if row.code == "r1_open":
            cells.append(("三、本年度办理结果", n_results, 1))
        g = row.group_of
        if g and not (g == "六" and variant == "2019"):
            if label.endswith("1." + label.split("1.", 1)[-1]) and "1." in label:
                group_label = next(x.label for x in TEMPLATE.table("t3").groups if x.code == g)
                cells.append((group_label, group_sizes[g], 1))
            cells.append((label.split("）", 1)[1], 1, 1))
        else:
            cells.append((label, 1, 2))
        rows.append(cells + vals)
    return rows


def doc_of(*blocks: Paragraph | Table) -> Document:
    d = Document(path="test.docx", format="docx", blocks=list(blocks))
    for i, t in enumerate(d.tables):
        t.index = i
    return d


def test_t3_official_merged_grid_2021() -> None:
    numbers = t3_numbers("2021")
    doc = doc_of(
        Paragraph("三、收到和处理政府信息公开申请情况"), Table(grid_from_spans(t3_grid("2021", numbers)))
    )
    report = parse_document(doc)
    assert report.variants["t3"] == "2021"
    got = {(c.row_code, c.col_code): c.value for c in report.cells if c.table == "t3"}
    want = {
        (r, TEMPLATE.table("t3").columns[j].code): v
        for r, vals in numbers.items()
        for j, v in enumerate(vals)
    }
    assert got == want


def test_t3_2019_single_other_row() -> None:
    numbers = t3_numbers("2019")
    doc = doc_of(Table(grid_from_spans(t3_grid("2019", numbers))))
    report = parse_document(doc)
    assert report.variants["t3"] == "2019"
    assert report.cell("t3", "r6", "total").value == numbers["r6"][6]  # type: ignore[union-attr]
    assert len([c for c in report.cells if c.table == "t3"]) == 23 * 7


def test_t3_one_cell_per_line_stream() -> None:
    """Text flattened one cell per line: rows are rebuilt from the label sequence."""
    numbers = t3_numbers("2021")
    cells = ["申请人情况", "自然人", "法人或其他组织", "总计", *T3_COLS[1:6]]
    for row in TEMPLATE.table("t3").rows_for("2021"):
        cells.append(row.label)
        cells.extend(str(v) for v in numbers[row.code])
    table = Table([[GridCell(t, i, 0)] for i, t in enumerate(cells)], structured=False)
    report = parse_document(doc_of(table))
    assert report.cell("t3", "r6_3", "natural").value == numbers["r6_3"][0]  # type: ignore[union-attr]
    assert len([c for c in report.cells if c.table == "t3"]) == 25 * 7


def test_wrapped_label_with_values_on_next_line() -> None:
    """hongze_2023: a wrapped label's values sit on a text line of their own."""
    rows = [
        ["申请人情况"],
        ["一、本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "0", "3"],
        ["（二）部分公开（区分处理的，只计这一情形，不计其他"],
        ["1", "0", "0", "0", "0", "0", "1"],
        ["情形）"],
    ]
    table = Table([[GridCell(t, r, c) for c, t in enumerate(row)] for r, row in enumerate(rows)])
    report = parse_document(doc_of(table))
    assert report.cell("t3", "r2_partial", "total").value == 1  # type: ignore[union-attr]
    assert report.cell("t3", "new", "natural").value == 3  # type: ignore[union-attr]


def test_blank_stays_blank_and_markers_keep_raw() -> None:
    rows = [["申请人情况"], ["一、本年新收政府信息公开申请数量", "\u00a0", "", "\u3000", "-", "无", "/", "0"]]
    table = Table([[GridCell(t, r, c) for c, t in enumerate(row)] for r, row in enumerate(rows)])
    report = parse_document(doc_of(table))
    cells = {c.col_code: c for c in report.cells}
    assert [cells[k].value for k in ("natural", "business", "research", "public_interest")] == [None] * 4
    assert cells["public_interest"].raw == "-"
    assert cells["total"].value == 0


def _t2_2019_rows() -> list[list[tuple[str, int, int]]]:
    return [
        [("第二十条第(一)项", 1, 5)],
        [
            ("信息内容", 1, 1),
            ("本年新\n制作数量", 1, 1),
            ("本年新\n公开数量", 1, 1),
            ("对外公开总数量", 1, 2),
        ],
        [("规章", 1, 1), ("0", 1, 1), ("0", 1, 1), ("0", 1, 2)],
        [("规范性文件", 1, 1), ("4", 1, 1), ("4", 1, 1), ("22（其中修订16件）", 1, 2)],
        [
            ("其他主动公开文件（含以本单位或本单位办公室名义正式签发的规范性文件）", 1, 1),
            ("7", 1, 1),
            ("7", 1, 1),
            ("9", 1, 2),
        ],
        [("第二十条第（五）项", 1, 5)],
        [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 2), ("处理决定数量", 1, 1)],
        [("行政许可", 1, 1), ("5", 1, 2), ("+3", 1, 1), ("57", 1, 1)],  # data colspans differ from the header
        [("其他对外管理服务事项", 1, 1), ("0", 1, 2), ("-2", 1, 1), ("0", 1, 1)],
        [("第二十条第（九）项", 1, 5)],
        [("信息内容", 1, 1), ("采购项目数量", 1, 2), ("采购总金额", 1, 2)],
        [("政府集中采购", 1, 1), ("36", 1, 2), ("288.79万元", 1, 2)],
    ]


def test_t2_2019_quirks() -> None:
    doc = doc_of(Paragraph("二、主动公开政府信息情况"), Table(grid_from_spans(_t2_2019_rows())))
    report = parse_document(doc)
    assert report.variants["t2"] == "2019"
    c = report.cell("t2", "normative", "public_total")
    assert c is not None and c.value == 22 and c.note == "其中修订16件" and c.block == "第二十条第（一）项"
    assert report.cell("t2", "licensing", "delta").value == 3  # type: ignore[union-attr]
    assert report.cell("t2", "other_services", "delta").value == -2  # type: ignore[union-attr]
    amount = report.cell("t2", "procurement", "procured_amount")
    assert amount is not None and amount.value == 288.79 and amount.unit == "万元"
    # The Hubei extra row is kept aside, flagged, and never mixed into 规范性文件.
    assert [e["row_label"][:8] for e in report.extra_cells] == ["其他主动公开文件"]
    assert any(f.rule == "extra_row" for f in report.findings)
    assert report.cell("t2", "normative", "made").value == 4  # type: ignore[union-attr]


def test_t2_scrambled_header_maps_by_label() -> None:
    rows = [
        [("第二十条第（一）项", 1, 4)],
        [("信息内容", 1, 1), ("本年制发件数", 1, 1), ("现行有效件数", 1, 1), ("本年废止件数", 1, 1)],
        [("规章", 1, 1), ("1", 1, 1), ("11", 1, 1), ("0", 1, 1)],
        [("第二十条第（八）项", 1, 4)],
        [("信息内容", 1, 1), ("本年收费金额（单位：万元）", 1, 3)],
        [("行政事业性收费", 1, 1), ("0.092", 1, 3)],
    ]
    report = parse_document(doc_of(Table(grid_from_spans(rows))))
    assert report.variants["t2"] == "2021"
    assert report.cell("t2", "rules", "in_force").value == 11  # type: ignore[union-attr]
    assert report.cell("t2", "rules", "repealed").value == 0  # type: ignore[union-attr]
    fee = report.cell("t2", "fees", "fee_amount")
    assert fee is not None and fee.value == 0.092 and fee.unit == "万元"
    assert fee.col_label == "本年收费金额（单位：万元）"


def test_t4_official_layout_and_printed_totals_kept() -> None:
    rows = [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [
            ("结果维持", 2, 1),
            ("结果纠正", 2, 1),
            ("其他结果", 2, 1),
            ("尚未审结", 2, 1),
            ("总 计", 2, 1),
            ("未经复议直接起诉", 1, 5),
            ("复议后起诉", 1, 5),
        ],
        [(t, 1, 1) for t in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2],
        [(v, 1, 1) for v in "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0".split()],
    ]
    report = parse_document(doc_of(Table(grid_from_spans(rows))))
    got = [c.value for c in report.cells if c.table == "t4"]
    assert got == [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]  # the printed 0 totals are not repaired
    assert report.cell("t4", "suit_after_review", "upheld").value == 5  # type: ignore[union-attr]


def test_split_digits_are_flagged_not_guessed() -> None:
    rows = [["申请人情况"], ["一、本年新收政府信息公开申请数量", "2 0", "0", "0", "0", "0", "0", "20"]]
    table = Table([[GridCell(t, r, c) for c, t in enumerate(row)] for r, row in enumerate(rows)])
    report = parse_document(doc_of(table))
    assert report.cell("t3", "new", "natural").value is None  # type: ignore[union-attr]
    assert any(f.rule == "suspect_value" for f in report.findings)


def test_sections_by_text_not_numbering() -> None:
    assert section_of("一、工作基本情况") == "overview"
    assert section_of("三、主动公开政府信息情况") == "active"  # misnumbered
    assert section_of("五、存在的主要问题及整改措施") == "problems"
    assert section_of("（一）主动公开情况") is None  # a sub-heading inside 一、总体情况
    assert section_of("本机关主动公开政府信息情况良好，全年发布信息100条。") is None


def test_page_with_no_report_fails_clearly() -> None:
    report = parse_document(doc_of(Paragraph("欢迎访问本网站"), Paragraph("联系我们")))
    assert report.status == "failed"
    assert report.error and "no report found" in report.error
    assert report.cells == []


def test_report_without_tables_is_partial() -> None:
    doc = doc_of(
        Paragraph("某镇2021年政府信息公开工作年度报告"),
        Paragraph("一、总体情况"),
        Paragraph("二、主动公开政府信息情况"),
    )
    report = parse_document(doc)
    assert report.status == "partial"
    assert report.error == "no statistical tables found (they may be images or missing)"
    assert report.year == 2021 and report.issuer == "某镇"
    # The parser says what it saw; that tables are missing is validation's finding, said once.
    assert report.findings == []
    from nianbao.schemas.validate import validate

    missing = [f for f in validate(report) if f.rule == "missing_table"]
    assert [(f.origin, f.cells) for f in missing] == [
        ("validation", {"t2": None}),
        ("validation", {"t3": None}),
        ("validation", {"t4": None}),
    ]


def test_metadata_from_title_period_and_signature() -> None:
    doc = doc_of(
        Paragraph("2020年云岭区河口镇政府信息公开工作年度报告"),
        Paragraph("本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。"),
        Paragraph("云岭区河口镇人民政府"),
        Paragraph("二〇二一年一月二十日"),
    )
    report = parse_document(doc)
    assert (report.issuer, report.year, report.published) == ("云岭区河口镇", 2020, "2021-01-20")


def test_overview_table_does_not_shadow_table_2() -> None:
    """A table in 一、总体情况 that mentions 行政许可 is not table 2."""
    overview = [[("事项", 1, 1), ("数量", 1, 1)], [("行政许可", 1, 1), ("999", 1, 1)]]
    t2 = [
        [("第二十条第（五）项", 1, 4)],
        [("信息内容", 1, 1), ("本年处理决定数量", 1, 3)],
        [("行政许可", 1, 1), ("550", 1, 3)],
    ]
    doc = doc_of(
        Paragraph("一、总体情况"),
        Table(grid_from_spans(overview)),
        Paragraph("二、主动公开政府信息情况"),
        Table(grid_from_spans(t2)),
    )
    report = parse_document(doc)
    assert report.cell("t2", "licensing", "decisions").value == 550  # type: ignore[union-attr]


def test_t4_values_printed_as_a_line_below_its_ruled_header() -> None:
    """Word PDFs: the ruled grid holds table 4's header; its 15 values come as a text line below."""
    header = [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [*((h, 2, 1) for h in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")),
         ("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(h, 1, 1) for h in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2],
    ]  # fmt: skip
    values = "2 1 0 1 4 1 0 0 2 3 0 1 0 0 1"
    doc = doc_of(
        Paragraph("四、政府信息公开行政复议、行政诉讼情况"),
        Table(grid_from_spans(header)),
        Paragraph(values),
        Paragraph("五、存在的主要问题及改进情况"),
        Paragraph("2 0 1"),  # not a table's section: narrative
    )
    report = parse_document(doc)
    got = [c.value for c in report.cells if c.table == "t4"]
    assert got == [int(v) for v in values.split()]
    assert report.narrative["problems"] == "2 0 1"


def test_overview_table_mentioning_review_is_not_table_4() -> None:
    """行政复议 alone marks table 4 in its own section, not in an overview table of 一、总体情况."""
    overview = [[("事项", 1, 1), ("数量", 1, 1)], [("行政复议", 1, 1), ("3", 1, 1)]]
    values = [(v, 1, 1) for v in "2 1 0 1 4 1 0 0 2 3 0 1 0 0 1".split()]
    doc = doc_of(
        Paragraph("一、总体情况"),
        Table(grid_from_spans(overview)),
        Paragraph("四、政府信息公开行政复议、行政诉讼情况"),
        Table(grid_from_spans([[("行政复议", 1, 5), ("行政诉讼", 1, 10)], values])),
    )
    report = parse_document(doc)
    assert [c.value for c in report.cells if c.table == "t4"] == [int(v) for v, _, _ in values]
    assert not [f for f in report.findings if f.rule == "row_ambiguous"]
