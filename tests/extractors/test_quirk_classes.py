"""The failure classes of issue 11, each reproduced by an invented report in every text format where
it occurs, read through the front door and compared cell by cell with the report's own truth."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nianbao.extractors import extract_file
from nianbao.schemas import TEMPLATE, Report
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


# Class 6: the whole report on one line, headings inline, cells run together; table 4 spaced or not.
ZERO_ROWS = ("r3_1", "r3_2", "r3_3", "r4_1", "r5_1", "r5_2")


def _township(q: QuirkReport) -> QuirkReport:
    """Most rows of a township's table 3 are zeros: make some so (parts and total stay consistent)."""
    labels = {r.code: r.label.split("）", 1)[-1] for r in TEMPLATE.table("t3").rows}
    for row in q.t3_rows:
        for code in ZERO_ROWS:
            if labels[code] in row or TEMPLATE.table("t3").row_by_code[code].label in row:
                row[-7:] = ["0"] * 7
                for c in TEMPLATE.table("t3").columns:
                    q.truth[("t3", code, c.code)] = 0.0
    # the totals no longer add up; only the zero rows matter to this test
    return q


@pytest.mark.parametrize("t4_sep", [" ", ""])
@pytest.mark.parametrize("ext", ["txt", "html"])
def test_run_together_page_text(ext: str, t4_sep: str, tmp_path: Path) -> None:
    q = _township(QuirkReport.build("2021"))
    text = q.run_together(t4_sep)
    path = tmp_path / f"report.{ext}"
    path.write_text(text if ext == "txt" else f"<html><body><p>{text}</p></body></html>", "utf-8")
    report = extract_file(path)
    got = found(report)
    assert report.sections == ["overview", "active", "applications", "review_litigation", "problems", "other"]
    assert (report.issuer, report.year) == (q.issuer, q.year)
    assert {k: v for k, v in q.truth.items() if k in got} == got  # no wrong number, nothing extra
    # A blank cell prints nothing when cells run together, so a run of digits is read only when no
    # other reading fits the identities even with blanks: 0000000 is seven zeros, 2100003 is
    # 2/1/0/0/0/0/3 (21/0/0/0/0/0/3 does not add up). Every row left out is named in a finding.
    read_rows = {(t, r) for t, r, _ in got}
    assert {("t3", r) for r in ZERO_ROWS} | {("t2", "rules")} <= read_rows
    ambiguous = {f.message.split(":")[0] for f in report.findings if f.rule == "digits_run_together"}
    names = {
        (t, r.code): f"{t} row {r.label_for('2021')}" for t in ("t2", "t3") for r in TEMPLATE.table(t).rows
    }
    for t, r, _ in q.truth:
        if (t, r) not in read_rows:
            assert (names.get((t, r)) in ambiguous) or (t == "t4" and "table 4" in ambiguous), (t, r)
    split = {f.message.split(":")[0] for f in report.findings if f.rule == "digits_split"}
    assert "t3 row （三）1.属于国家秘密" in split
    t4_read = {k for k in got if k[0] == "t4"}
    assert len(t4_read) == 15  # 210143 is 2/1/0/1/4 … by the three blocks' totals


def test_run_together_digits_need_one_reading() -> None:
    """Only a run with one reading, blanks allowed, is cut; a blank counts for nothing in the sums."""
    from nianbao.extractors.parser.digits import split_digits

    cols = ("natural", "business", "research", "public_interest", "legal_service", "other_org", "total")
    assert split_digits("0000000", "t3", cols) == [0] * 7
    assert split_digits("1000001", "t3", cols) == [1, 0, 0, 0, 0, 0, 1]  # 10/0/0/0/0/blank/1 ≠
    assert split_digits("11", "t3", cols) is None  # 1 and 1 as total: which column holds the 1?
    assert split_digits("1012", "t3", cols) is None  # 1, 0, 1 in which three of the six columns?
    assert split_digits("000", "t2", ("issued", "repealed", "in_force")) == [0, 0, 0]
    assert split_digits("618", "t2", ("issued", "repealed", "in_force")) is None  # 6/blank/18 too
    assert split_digits("00", "t2", ("issued", "repealed", "in_force")) is None  # which one is blank?


def _without_period_and_signature(q: QuirkReport) -> None:
    """Leave the title as the only source of issuer and year."""
    blocks = q.blocks

    def fewer() -> list[tuple[str, object]]:
        all_blocks = blocks()
        n = len(q.title_lines)
        signature = (q.issuer, f"{q.year + 1}年1月20日")
        body = [
            b
            for b in all_blocks[n:]
            if not (isinstance(b[1], str) and ("统计期限" in b[1] or b[1] in signature))
        ]
        return all_blocks[:n] + body

    q.blocks = fewer  # type: ignore[method-assign]


# Class 7: a title printed year first with a space and broken over two lines.
@pytest.mark.parametrize("rendering", list(RENDERINGS))
def test_title_year_first_over_two_lines(rendering: str, tmp_path: Path) -> None:
    q = QuirkReport.build("2021", 2025)
    q.issuer = "青溪市云岭区人民政府枫林街道"
    q.title_lines = ["2025 年青溪市云岭区人民政府枫林街道政府信息", "公开工作年度报告"]
    _without_period_and_signature(q)
    report = read(q, rendering, tmp_path)
    assert (report.issuer, report.year) == ("青溪市云岭区人民政府枫林街道", 2025)
    assert report.title == "2025 年青溪市云岭区人民政府枫林街道政府信息公开工作年度报告"
    assert_exact(report, q)


def test_variant_never_from_the_year(tmp_path: Path) -> None:
    """A table 3 without its （六） rows takes table 2's variant, said so; the year is not used."""
    q = QuirkReport.build("2021", 2025)
    q.t3_rows = [
        r for r in q.t3_rows if not any("（六）" in c or c.startswith(("2.申请人", "3.其他")) for c in r)
    ]
    q.truth = {k: v for k, v in q.truth.items() if not k[1].startswith("r6")}
    q.title_lines = ["枫林街道政府信息公开工作年度报告"]  # no year anywhere in the title
    _without_period_and_signature(q)
    report = read(q, "txt", tmp_path)
    assert report.year is None and report.variants == {"t2": "2021", "t3": "2021"}
    notes = [f.message for f in report.findings if f.rule == "variant_guessed"]
    assert notes == ["table 3 variant 2021 taken from table 2's labels"]
    assert found(report) == q.truth


# Class 3: row labels printed with other wording, or broken over two cells (every cell its own <p>).
LABEL_VARIANTS = [
    ("2021", "t3", "四、结转下年度继续办理", ["四、结转下一年度继续办理"]),
    ("2021", "t3", "四、结转下年度继续办理", ["结转下一年度继续办理"]),
    ("2021", "t3", "四、结转下年度继续办理", ["四、结转下年度", "继续办理"]),
    ("2021", "t3", "四、结转下年度继续办理", ["四、结转下一年度继", "续办理"]),
    ("2021", "t3", "二、上年结转政府信息公开申请数量", ["二、上年结转政府信息公开", "申请数量"]),
    ("2019", "t2", "政府集中采购", ["政府集中", "采购"]),
    ("2019", "t2", "政府集中采购", ["政府采购"]),
    ("2019", "t2", "采购项目数量", ["采购项目数"]),
    ("2019", "t2", "第二十条第（九）项", ["第二十条第"]),
]


@pytest.mark.parametrize("rendering", ["txt", "html_p", "html_grid"])
@pytest.mark.parametrize(("variant", "table", "label", "printed"), LABEL_VARIANTS)
def test_row_label_variants(
    variant: str, table: str, label: str, printed: list[str], rendering: str, tmp_path: Path
) -> None:
    q = QuirkReport.build(variant)
    rows = q.t2_rows if table == "t2" else q.t3_rows
    row = next(r for r in rows if label in r)
    i = row.index(label)
    row[i : i + 1] = printed
    report = read(q, rendering, tmp_path)
    assert_exact(report, q)


# Class 5: a row label lost by the recogniser; the grid position and the template's order place it.
@pytest.mark.parametrize(
    ("variant", "table", "label"),
    [
        ("2021", "t3", "一、本年新收政府信息公开申请数量"),
        ("2021", "t3", "四、结转下年度继续办理"),
        ("2019", "t3", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        ("2021", "t2", "行政许可"),
    ],
)
def test_lost_row_label_placed_by_order(variant: str, table: str, label: str, tmp_path: Path) -> None:
    q = QuirkReport.build(variant)
    q.relabel(table, label, "")
    report = read(q, "html_grid", tmp_path)
    assert found(report) == q.truth
    lost = [f for f in report.findings if f.rule == "row_by_position"]
    assert len(lost) == 1 and lost[0].origin == "parser"


def test_lost_label_between_two_unprinted_rows_is_not_guessed(tmp_path: Path) -> None:
    q = QuirkReport.build("2021")
    q.relabel("t3", "二、上年结转政府信息公开申请数量", "")
    q.t3_rows = [r for r in q.t3_rows if r[:1] != ["一、本年新收政府信息公开申请数量"]]
    report = read(q, "html_grid", tmp_path)
    got = found(report)
    assert not any(k[1] in ("new", "carried_in") for k in got)
    assert {k: v for k, v in q.truth.items() if k in got} == got


@pytest.mark.parametrize(
    ("printed", "placed"),
    [("一、本年新牧政府信怠公开申请数量", True), ("其他主动公开文件", False)],
)
def test_garbled_row_label_placed_only_when_it_resembles_the_row(
    printed: str, placed: bool, tmp_path: Path
) -> None:
    q = QuirkReport.build("2021")
    q.relabel("t3", "一、本年新收政府信息公开申请数量", printed)
    report = read(q, "html_grid", tmp_path)
    got = found(report)
    if placed:
        assert got == q.truth
        assert [f.rule for f in report.findings if f.rule in ("row_by_position", "extra_row")] == [
            "row_by_position"
        ]
    else:
        assert got == {k: v for k, v in q.truth.items() if k[1] != "new"}
        assert [f.rule for f in report.findings if f.rule in ("row_by_position", "extra_row")] == [
            "extra_row"
        ]


@pytest.mark.parametrize("rendering", ["markdown", "html_grid"])
def test_lost_row_label_in_rows_without_a_grid(rendering: str, tmp_path: Path) -> None:
    """Pipe rows (no grid known): a row of values as wide as the row above is a row of its own."""
    q = QuirkReport.build("2021")
    q.relabel("t3", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "")
    path = tmp_path / ("report.txt" if rendering == "markdown" else "report.html")
    path.write_text(q.markdown() if rendering == "markdown" else q.html_grid(), "utf-8")
    report = extract_file(path)
    assert found(report) == q.truth
    assert [f.rule for f in report.findings if f.rule == "row_by_position"] == ["row_by_position"]


def test_lost_label_row_short_of_a_value_is_not_shifted(tmp_path: Path) -> None:
    """An empty label cell is not a blank first value: a row one value short stays unplaced."""
    q = QuirkReport.build("2021")
    label = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    row = next(r for r in q.t3_rows if label in r)
    row[row.index(label)] = ""
    row.pop()  # the printed total went missing too
    report = read(q, "html_grid", tmp_path)
    got = found(report)
    assert not [k for k in got if k[1] == "r2_partial"]
    assert got == {k: v for k, v in q.truth.items() if k[1] != "r2_partial"}


# Classes 4 and 5 in Word files: the merged grids above, converted by LibreOffice (real vMerge).
def _six_short(q: QuirkReport) -> None:
    row = next(r for r in q.t3_rows if "（六）其他处理" in r)
    row[row.index("（六）其他处理")] = "（六）其他"


def _six_bare(q: QuirkReport) -> None:
    row = next(r for r in q.t3_rows if "（六）其他处理" in r)
    row[row.index("（六）其他处理")] = "（六）"


WORD_CASES: dict[str, tuple[Callable[[QuirkReport], None], int]] = {
    "six_short": (_six_short, 0),
    "six_bare": (_six_bare, 0),
    "lost_new": (lambda q: q.relabel("t3", "一、本年新收政府信息公开申请数量", ""), 1),
    "lost_partial": (
        lambda q: q.relabel("t3", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
        1,
    ),
}


@pytest.fixture(scope="module")
def word_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[QuirkReport, Path]]:
    import shutil
    import subprocess

    d = tmp_path_factory.mktemp("word")
    out: dict[str, tuple[QuirkReport, Path]] = {}
    for name, (change, _) in WORD_CASES.items():
        q = QuirkReport.build("2021")
        change(q)
        (d / f"{name}.html").write_text(q.html_grid(), "utf-8")
        out[name] = (q, d / f"{name}.docx")
    profile = d / "profile"
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
    cmd += ["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(d), *(str(d / f"{n}.html") for n in out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    shutil.rmtree(profile, ignore_errors=True)
    return out


@pytest.mark.parametrize("name", list(WORD_CASES))
def test_word_grids(name: str, word_files: dict[str, tuple[QuirkReport, Path]]) -> None:
    q, path = word_files[name]
    report = extract_file(path)
    assert report.format == "docx"
    assert found(report) == q.truth
    assert len([f for f in report.findings if f.rule == "row_by_position"]) == WORD_CASES[name][1]


# Class 1: table 4 as a single row of 15 numbers, with no header (and no heading of its own).
@pytest.mark.parametrize("rendering", ["txt", "html_p", "html_rows", "markdown"])
@pytest.mark.parametrize("heading", [True, False])
def test_t4_as_a_bare_row_of_values(rendering: str, heading: bool, tmp_path: Path) -> None:
    q = QuirkReport.build("2021")
    q.t4_rows = [q.t4_rows[-1]]
    if not heading:
        blocks = q.blocks
        q.blocks = lambda: [b for b in blocks() if b[1] != "四、政府信息公开行政复议、行政诉讼情况"]  # type: ignore[method-assign]
    if rendering == "markdown":
        path = tmp_path / "r.txt"
        path.write_text(q.markdown(), "utf-8")
        report = extract_file(path)
    else:
        report = read(q, rendering, tmp_path)
    got = found(report)
    by_position = [f for f in report.findings if f.rule == "table_by_position"]
    if heading or rendering in ("txt", "html_p", "markdown"):
        assert got == q.truth
        assert len(by_position) == (0 if heading else 1)
    else:  # a row of its own with nothing to say it is table 4: left out, never guessed
        assert got == {k: v for k, v in q.truth.items() if k[0] != "t4"}


@pytest.mark.parametrize("rendering", ["txt", "html_p", "markdown"])
def test_t4_flattened_header_in_reading_order(rendering: str, tmp_path: Path) -> None:
    q = QuirkReport.build("2021")
    head = [
        "行政复议",
        "行政诉讼",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
        "未经复议直接起诉",
        "复议后起诉",
    ]
    q.t4_rows = [head + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2, q.t4_rows[-1]]
    path = tmp_path / ("r.txt" if rendering != "html_p" else "r.html")
    path.write_text(q.markdown() if rendering == "markdown" else RENDERINGS[rendering][1](q), "utf-8")
    assert_exact(extract_file(path), q)


@pytest.mark.parametrize(
    "lines",
    [
        ["青溪市云岭区人民政府枫林街道", "2025年政府信息公开", "工作年度报告"],
        ["2025年青溪市云岭区人民政府枫林街道", "政府信息公开工作年度报告"],
        ["青溪市云岭区人民政府枫林街道", "2025 年政府信息公开工作年度报告"],
    ],
)
def test_title_over_several_lines(lines: list[str], tmp_path: Path) -> None:
    q = QuirkReport.build("2021", 2025)
    q.issuer = "青溪市云岭区人民政府枫林街道"
    q.title_lines = lines
    _without_period_and_signature(q)
    report = read(q, "html_p", tmp_path)
    assert (report.issuer, report.year) == ("青溪市云岭区人民政府枫林街道", 2025)
    assert report.title == "".join(lines)


# Class 2: table 4 in text PDFs exported from a word processor: merged header cells, header text
# wrapped over three or four lines in narrow columns, the values on one line below; the table
# whole on a page, or broken across pages between its header and its values.
T4_PDF_CASES = {"wrapped_12pt": (12.0, 0), "across_pages": (10.5, 36), "two_digit": (9.0, 0)}


def _t4_docx(path: Path, values: list[str], font: float, filler: int) -> None:
    from docx import Document as new_docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    d = new_docx()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.2)
    d.add_paragraph("某某街道办事处2023年政府信息公开工作年度报告")
    for _ in range(filler):
        d.add_paragraph("本段文字为测试所加，用于把表格推到页面底部。")
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t = d.add_table(rows=4, cols=15)
    t.style = "Table Grid"

    def put(r: int, c: int, text: str, rs: int = 1, cs: int = 1) -> None:
        cell = t.cell(r, c)
        if rs > 1 or cs > 1:
            cell = cell.merge(t.cell(r + rs - 1, c + cs - 1))
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(text).font.size = Pt(font)

    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    put(0, 0, "行政复议", cs=5)
    put(0, 5, "行政诉讼", cs=10)
    for i, h in enumerate(heads):
        put(1, i, h, rs=2)
    put(1, 5, "未经复议直接起诉", cs=5)
    put(1, 10, "复议后起诉", cs=5)
    for i, h in enumerate(heads * 2):
        put(2, 5 + i, h)
    for i, v in enumerate(values):
        put(3, i, v)
    for row in t.rows:
        for c in row.cells:
            c.width = Cm(16.6 / 15)
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph("无。")
    d.save(str(path))


def _t4_values(case: str) -> list[str]:
    if case == "two_digit":
        return ["12", "3", "0", "1", "16", "10", "0", "0", "2", "12", "0", "1", "0", "0", "1"]
    return ["2", "1", "0", "1", "4", "1", "0", "0", "2", "3", "0", "1", "0", "0", "1"]


@pytest.fixture(scope="module")
def t4_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil
    import subprocess

    d = tmp_path_factory.mktemp("t4pdf")
    for case, (font, filler) in T4_PDF_CASES.items():
        _t4_docx(d / f"{case}.docx", _t4_values(case), font, filler)
    profile = d / "profile"
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
    cmd += ["--convert-to", "pdf", "--outdir", str(d), *(str(d / f"{c}.docx") for c in T4_PDF_CASES)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    shutil.rmtree(profile, ignore_errors=True)
    return d


@pytest.mark.parametrize("case", list(T4_PDF_CASES))
def test_t4_in_text_pdf(case: str, t4_pdfs: Path) -> None:
    report = extract_file(t4_pdfs / f"{case}.pdf")
    assert report.format == "pdf"
    assert [c.raw for c in report.cells if c.table == "t4"] == _t4_values(case)
    assert (report.pages == 2) == (case == "across_pages")


def test_run_together_intro_sentence_is_not_cells(tmp_path: Path) -> None:
    """A sentence before a table names a row and a number: it is narrative, never that row's values."""
    q = QuirkReport.build("2021")
    blocks = q.blocks

    def with_intro() -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = []
        for b in blocks():
            out.append(b)
            if b[1] == "二、主动公开政府信息情况":
                out.append(("line", "本年度制发行政规范性文件120件，具体情况如下："))
        return out

    q.blocks = with_intro  # type: ignore[method-assign]
    path = tmp_path / "r.txt"
    path.write_text(q.run_together(), "utf-8")
    report = extract_file(path)
    got = found(report)
    assert {k: v for k, v in q.truth.items() if k in got} == got
    assert "具体情况如下" in report.narrative["active"]


@pytest.mark.parametrize("rendering", ["txt", "html_p", "html_rows", "html_grid"])
@pytest.mark.parametrize("colon", ["：", ""])
def test_intro_sentence_naming_a_row_above_a_table(rendering: str, colon: str, tmp_path: Path) -> None:
    """本年新收申请71件，详见下表： names a row of table 3 but is not it; the table's own row wins."""
    q = QuirkReport.build("2021")
    blocks = q.blocks
    intros = {
        "二、主动公开政府信息情况": f"本年度制发行政规范性文件120件，具体情况如下{colon}",
        "三、收到和处理政府信息公开申请情况": f"本年新收申请71件，详见下表{colon}",
    }

    def with_intro() -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = []
        for b in blocks():
            out.append(b)
            if isinstance(b[1], str) and b[1] in intros:
                out.append(("line", intros[b[1]]))
        return out

    q.blocks = with_intro  # type: ignore[method-assign]
    assert_exact(read(q, rendering, tmp_path), q)
