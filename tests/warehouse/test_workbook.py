"""The district workbook: figures checked against the warehouse, and rendered through LibreOffice."""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pdfplumber
import pytest

from nianbao.analyst.district import Overview, district_overview
from nianbao.analyst.tables import column_headers, overview_columns, rank_class, table_columns, table_layouts
from nianbao.analyst.words import MIN_RATE_BASE, RATES, SEVERITY, SHEETS, WORDS
from nianbao.analyst.workbook import write_workbook
from nianbao.warehouse.readonly import connect_readonly
from tests.warehouse.district_data import build, district_name


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Overview, Path]:
    d = tmp_path_factory.mktemp("wb")
    _db, snap = build(d / "data")
    con = connect_readonly(snap)
    overview = district_overview(con, district_name(), 2023)
    con.close()
    return snap, overview, write_workbook(overview, d / "district.xlsx")


def sql(snap: Path, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(snap), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def headers(ws: Any) -> list[tuple[Any, Any]]:
    out, last = [], None
    for c in range(1, ws.max_column + 1):
        last = ws.cell(1, c).value or last
        out.append((last, ws.cell(2, c).value))
    return out


def test_overview_has_every_township_with_the_warehouse_figures(built: tuple[Path, Overview, Path]) -> None:
    snap, _o, path = built
    ws = openpyxl.load_workbook(path)[SHEETS["overview"]]
    keys = [k for k, _ in overview_columns()]
    assert [ws.cell(3, j + 1).value for j in range(len(keys))] == [h for _, h in overview_columns()]
    rows = {r[1].value: [c.value for c in r] for r in ws.iter_rows(min_row=4, max_row=11)}
    expected = sql(
        snap,
        "select c.township, c.status, applications_new, applications_handled, review_total, errors from coverage c "
        "left join report_overview o on o.report_id = c.report_id where c.year = 2023 and c.district = ? "
        "order by c.township",
        [district_name()],
    )
    assert list(rows) == [e[0] for e in expected]  # all 8 townships, missing ones included
    col = {k: i for i, k in enumerate(keys)}
    for township, status, new, handled, review, errors in expected:
        row = rows[township]
        assert row[col["status"]] == WORDS[status]
        assert row[col["fig:applications_new"]] == new and row[col["fig:applications_handled"]] == handled
        assert row[col["fig:review_total"]] == review and row[col["errors"]] == errors
    assert [t for t, r in rows.items() if r[col["status"]] == WORDS["missing"]] == ["白鹭镇", "鹤鸣乡"]
    assert rows["白鹭镇"][col["fig:applications_new"]] is None  # missing is blank, not 0
    total = next(r for r in ws.iter_rows(min_row=4) if r[1].value == WORDS["total"])
    assert total[col["fig:applications_new"]].value == sum(e[2] for e in expected if e[2] is not None)


def test_rates_ranks_and_change(built: tuple[Path, Overview, Path]) -> None:
    snap, _o, path = built
    ws = openpyxl.load_workbook(path)[SHEETS["overview"]]
    col = {k: i for i, (k, _) in enumerate(overview_columns())}
    rows = {r[1].value: [c.value for c in r] for r in ws.iter_rows(min_row=4, max_row=11)}
    parts = dict(
        (t, (o, p, h))
        for t, o, p, h in sql(
            snap,
            "select township, max(value) filter (row_code = 'r1_open'), max(value) filter (row_code = 'r2_partial'), "
            "max(value) filter (row_code = 'r7_total') from cells join current_reports using (report_id) "
            "where year = 2023 and table_id = 't3' and col_code = 'total' group by 1",
        )
    )
    for township, (opened, partial, handled) in parts.items():
        assert rows[township][col["rate:granted"]] == pytest.approx((opened + partial) / handled)
    ranked = sorted(
        ((t, (o + p) / h) for t, (o, p, h) in parts.items() if h >= MIN_RATE_BASE), key=lambda x: -x[1]
    )
    assert rows[ranked[0][0]][col["rank:granted"]] == 1
    small = [t for t, (_o, _p, h) in parts.items() if h < MIN_RATE_BASE]
    assert all(rows[t][col["rank:granted"]] == WORDS["not_ranked"] for t in small)
    before = dict(sql(snap, "select township, applications_new from report_overview where year = 2022"))
    for township, (_o, _p, _h) in parts.items():
        assert (
            rows[township][col["chg:applications_new"]]
            == rows[township][col["fig:applications_new"]] - before[township]
        )


def test_table_sheets_match_the_cells(built: tuple[Path, Overview, Path]) -> None:
    snap, o, path = built
    wb = openpyxl.load_workbook(path)
    cells = {
        (t, tab, r, c): (v, raw)
        for t, tab, r, c, v, raw in sql(
            snap,
            "select township, table_id, row_code, col_code, value, raw from cells join current_reports using (report_id) "
            "where year = 2023",
        )
    }
    checked = blanks = zeros = 0
    wb_names = set(wb.sheetnames)
    layouts = table_layouts(o)
    assert {lay.title for lay in layouts} <= wb_names
    # table 2 and 3: one sheet per form, named by it; every published township on exactly one of them
    for tid in ("t2", "t3"):
        mine = [lay for lay in layouts if lay.table == tid]
        assert all(f"{lay.variant}年版" in lay.title for lay in mine)
        ids = [rid for lay in mine for rid in lay.report_ids]
        assert sorted(ids) == sorted(o.report_ids)
        for lay in mine:
            assert all(o.variants[rid][tid] == lay.variant for rid in lay.report_ids)
    for lay in layouts:
        ws = wb[lay.title]
        refs = lay.columns
        assert refs == table_columns(o, lay.table, lay.variant)
        assert len(headers(ws)) == 1 + len(refs)
        assert all(re.search(r"（.*(件|项|万元|单位).*）", str(h[1])) for h in headers(ws)[1:]), lay.title
        for row in ws.iter_rows(min_row=3):
            township = row[0].value
            if township == WORDS["total"] or township not in {t.township for t in o.townships if t.report_id}:
                continue
            for ref, cell in zip(refs, row[1:], strict=True):
                value, raw = cells.get((township, ref.table, ref.row, ref.col), (None, None))
                want = value if value is not None else ((raw or "").strip() or None)
                assert cell.value == want, (township, ref.code)
                checked += 1
                blanks += want is None
                zeros += want == 0
    assert checked > 300 and blanks > 0 and zeros > 100


def test_print_setup_filters_and_chart(built: tuple[Path, Overview, Path]) -> None:
    _snap, _o, path = built
    wb = openpyxl.load_workbook(path)
    for name in wb.sheetnames:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape", name
        # a fixed scale, never shrunk to one page wide (that printed 4.4-5.6 pt)
        assert ws.page_setup.paperSize == 9 and ws.page_setup.scale >= 80
        assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.freeze_panes is not None and ws.auto_filter.ref
        assert ws.print_title_rows
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        assert WORDS["prepared"] in ws.oddFooter.left.text
    assert wb[SHEETS["overview"]].print_title_cols == "$A:$B"
    with zipfile.ZipFile(path) as z:
        assert "xl/charts/chart1.xml" in z.namelist()


def test_ranks_go_the_rates_way(built: tuple[Path, Overview, Path]) -> None:
    _snap, o, _path = built
    for rate in RATES:
        ranked = sorted(
            (t for t in o.townships if t.ranks.get(rate.key) is not None), key=lambda t: t.ranks[rate.key]
        )
        values = [t.rates[rate.key][2] for t in ranked]
        assert values == sorted(values, reverse=rate.higher_is_better), rate.key  # 1 = best
        for t in ranked:
            cls = rank_class(o, t, rate.key)
            if len(ranked) < 3:
                assert cls is None  # first of one or two is not "good"
            elif cls == "good":
                assert t.ranks[rate.key] <= max(1, len(ranked) // 3)
    headers_ = dict(overview_columns())
    assert "1=最低" in headers_["rank:review_corrected"] and "1=最高" in headers_["rank:granted"]


def test_findings_sheet_errors_first_with_links(built: tuple[Path, Overview, Path]) -> None:
    snap, _o, path = built
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEETS["findings"]]
    rows = list(ws.iter_rows(min_row=2))
    order = [r[0].value for r in rows]
    rank = {SEVERITY[k]: i for i, k in enumerate(("error", "warning", "info"))}
    assert order == sorted(order, key=rank.__getitem__)
    (n_errors,) = sql(
        snap,
        "select count(*) from findings join current_reports using (report_id) where year = 2023 and severity = 'error'",
    )[0]
    errors = rows[:n_errors]
    assert all(r[0].value == SEVERITY["error"] for r in errors) and n_errors == 2  # one misprint, one error
    for r in errors:
        link = r[6].hyperlink
        sheet, ref = link.location.split("!")
        target = wb[sheet.strip("'")][ref]
        assert target.fill.fgColor.rgb.endswith("FFC7CE")
        assert wb[sheet.strip("'")].cell(target.row, 1).value == r[1].value
    sources = [[c.value for c in r] for r in wb[SHEETS["sources"]].iter_rows(min_row=2)]
    expected = sql(
        snap,
        "select x.source, x.sha256 from current_reports r join report_parts p using (report_key) "
        "join reports x on x.report_id = p.report_id where r.year = 2023 order by r.township, p.part_rank",
    )
    assert [(s[4], s[6]) for s in sources] == expected  # every part of every report


def _pdf(path: Path, tmp_path: Path) -> Path:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    return tmp_path / f"{path.stem}.pdf"


def test_rendered_by_libreoffice(built: tuple[Path, Overview, Path], tmp_path: Path) -> None:
    """Printed: every page readable (body >= 7 pt), numbered, dated; the overview's townships and chart."""
    _snap, o, path = built
    pdf = _pdf(path, tmp_path)
    with pdfplumber.open(pdf) as doc:
        pages = doc.pages
        assert len(pages) >= len(openpyxl.load_workbook(path).sheetnames)
        for i, page in enumerate(pages, start=1):
            assert page.width > page.height  # landscape
            sizes = [c["size"] for c in page.chars if c["text"].strip()]
            assert sizes and min(sizes) >= 8, (i, min(sizes))  # body >= 8 pt (the issue asks >= 7 at least)
            text = page.extract_text()
            assert re.search(rf"第 {i} 页，共 {len(pages)} 页", text), i
            assert WORDS["prepared"] in text
        first = pages[0]
        lines = first.extract_text().splitlines()
    title = WORDS["overview_title"].format(district=o.district, year=o.year)
    assert title in lines[:3]
    for t in o.townships:
        line = next(x for x in lines if x.startswith(f"{t.region_code or ''} {t.township} ".lstrip()))
        words = line.split()[1:] if t.region_code else line.split()  # code, township, status, figures…
        if t.report_id is None:
            assert words[:2] == [t.township, WORDS["missing"]]
            continue
        assert words[1] == WORDS[t.status or ""]
    assert WORDS["chart_title"] in lines
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    png = next(tmp_path.glob("p-*.png"))
    from PIL import Image

    with Image.open(png) as im:
        assert im.width > im.height
        colors = im.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colors is not None and len(colors) > 20  # text, fills and the chart, not a blank page


def test_headers_are_wrapped_not_cut(built: tuple[Path, Overview, Path], tmp_path: Path) -> None:
    """Each header label is printed whole inside its own cell (read back from the PDF's ruled tables)."""
    _snap, o, path = built
    pdf = _pdf(path, tmp_path)
    printed: set[str] = set()
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for table in page.find_tables():
                for row in table.extract()[:2]:
                    printed.update(re.sub(r"\s+", "", c or "") for c in row)
    want = [h for _k, h in overview_columns()]
    for lay in table_layouts(o):
        want += [label for pair in column_headers(lay) for label in pair]
    want += [WORDS[k] for k in ("severity", "message", "expected", "computed", "actual")]
    missing = [label for label in want if re.sub(r"\s+", "", label) not in printed]
    assert not missing, missing


def test_overview_counts_are_the_checklist_lines(built: tuple[Path, Overview, Path]) -> None:
    """The 概览's 错误/警告/提示 are the lines of the 问题清单; reading notes are on 读取记录 only."""
    _snap, o, path = built
    wb = openpyxl.load_workbook(path)
    col = {k: i for i, (k, _) in enumerate(overview_columns())}
    rows = {r[1].value: [c.value for c in r] for r in wb[SHEETS["overview"]].iter_rows(min_row=4, max_row=11)}
    listed = [[c.value for c in r] for r in wb[SHEETS["findings"]].iter_rows(min_row=2) if r[0].value]
    notes = [[c.value for c in r] for r in wb[SHEETS["notes"]].iter_rows(min_row=2) if r[0].value]
    assert notes and len(listed) + len(notes) == len(o.findings)
    for t in o.townships:
        if t.report_id is None:
            continue
        for key, sev in (("errors", "error"), ("warnings", "warning"), ("infos", "info")):
            n = sum(1 for r in listed if r[1] == t.township and r[0] == SEVERITY[sev])
            assert rows[t.township][col[key]] == n, (t.township, key)
