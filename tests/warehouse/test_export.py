"""Parquet export partitioned by year, and the nightly comparison workbook read back with openpyxl."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import openpyxl

from nianbao.analyst.compare import write_comparison
from nianbao.analyst.words import SEVERITY, SHEETS, WORDS
from nianbao.warehouse import Warehouse
from tests.schemas.builders import make_report, set_cell, set_t4

HONGZE_T4 = [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]


def region(district: str, township: str | None) -> dict[str, str | None]:
    return {"province": "江苏省", "city": "淮安市", "district": district, "township": township}


def test_parquet_partitioned_by_year(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(
            [make_report(year=2022), make_report(year=2023), make_report(issuer="别的县人民政府", year=2023)]
        )
        files = wh.export_parquet(tmp_path / "pq")
    rel = sorted(str(p.relative_to(tmp_path / "pq")) for p in files)
    assert "cells/year=2022/data_0.parquet" in rel and "cells/year=2023/data_0.parquet" in rel
    assert "reports/year=2023/data_0.parquet" in rel and "findings/year=2023/data_0.parquet" in rel
    assert {"regions.parquet", "sources.parquet", "template_rows.parquet"} <= set(rel)
    con = duckdb.connect()
    counts = con.execute(
        f"SELECT year, count(*) FROM read_parquet('{tmp_path}/pq/cells/*/*.parquet', hive_partitioning = true) "
        "GROUP BY year ORDER BY year"
    ).fetchall()
    assert counts == [(2022, 200), (2023, 400)]
    blank = con.execute(
        f"SELECT count(*) FROM read_parquet('{tmp_path}/pq/reports/*/*.parquet', hive_partitioning = true)"
    ).fetchall()
    assert blank == [(3,)]


def headers(ws: Any) -> list[tuple[Any, Any]]:
    """(row label, column label) per column of a table sheet (row labels are merged over their columns)."""
    out, last = [], None
    for c in range(1, ws.max_column + 1):
        last = ws.cell(1, c).value or last
        out.append((last, ws.cell(2, c).value))
    return out


def test_comparison_workbook_values(tmp_path: Path) -> None:
    a = make_report(issuer="洪泽区高良涧街道办事处", year=2023)
    b = make_report(issuer="洪泽区岔河镇人民政府", year=2023)
    other = make_report(issuer="淮阴区王营镇人民政府", year=2023)
    set_t4(b, HONGZE_T4)
    set_cell(a, "t3", "carry_over", "total", None)  # blank stays blank in the sheet
    set_cell(a, "t2", "fees", "fee_amount", None, raw="-")  # a printed marker is kept as text
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(
            [a, b, other],
            regions={
                a.sha256: region("洪泽区", "高良涧街道"),
                b.sha256: region("洪泽区", "岔河镇"),
                other.sha256: region("淮阴区", "王营镇"),
            },
        )
        path = write_comparison(wh.con, tmp_path / "cmp.xlsx", district="洪泽区", year=2023)
    wb = openpyxl.load_workbook(path)
    forms = [
        f"{SHEETS[t]}（{WORDS['layout'].format(variant='2021')}）" for t in ("t2", "t3")
    ]  # both 2021 forms
    assert wb.sheetnames == [
        SHEETS["overview"],
        *forms,
        SHEETS["t4"],
        *(SHEETS[k] for k in ("findings", "notes", "sources", "overrides")),
    ]

    t4 = wb[SHEETS["t4"]]
    assert [r[0].value for r in t4.iter_rows(min_row=3)] == ["岔河镇", "高良涧街道", WORDS["total"]]
    cols = headers(t4)
    rows = {r[0].value: [c.value for c in r] for r in t4.iter_rows(min_row=3)}
    assert len(cols) == 1 + 15
    at = {h: i for i, h in enumerate(cols)}
    assert [rows[t][at[("行政复议", "结果维持（件）")]] for t in ("岔河镇", "高良涧街道")] == [10, 2]
    assert [rows[t][at[("行政复议", "总计（件）")]] for t in ("岔河镇", "高良涧街道")] == [0, 4]
    assert rows[WORDS["total"]][at[("行政复议", "结果维持（件）")]] == 12
    assert [rows[t][at[("行政诉讼-复议后起诉", "结果维持（件）")]] for t in ("岔河镇", "高良涧街道")] == [
        5,
        0,
    ]
    assert t4.cell(row=3, column=1 + at[("行政复议", "总计（件）")]).fill.fgColor.rgb.endswith("FFC7CE")

    t3 = wb[forms[1]]
    at3 = {h: i for i, h in enumerate(headers(t3))}
    rows3 = {r[0].value: [c.value for c in r] for r in t3.iter_rows(min_row=3)}
    assert [
        rows3[t][at3[("一、本年新收政府信息公开申请数量", "总计（件）")]] for t in ("岔河镇", "高良涧街道")
    ] == [16, 16]
    assert [rows3[t][at3[("四、结转下年度继续办理", "总计（件）")]] for t in ("岔河镇", "高良涧街道")] == [
        3,
        None,
    ]
    assert (
        rows3[WORDS["total"]][at3[("四、结转下年度继续办理", "总计（件）")]] is None
    )  # a blank part: no total
    t2 = wb[forms[0]]
    at2 = {h: i for i, h in enumerate(headers(t2))}
    rows2 = {r[0].value: [c.value for c in r] for r in t2.iter_rows(min_row=3)}
    fee = at2[("行政事业性收费", "本年收费金额（单位：万元）")]
    assert [rows2[t][fee] for t in ("岔河镇", "高良涧街道")] == [7730.28, "-"]

    f = wb[SHEETS["findings"]]
    findings = [[c.value for c in r] for r in f.iter_rows(min_row=2)]
    errors = [r for r in findings if r[0] == SEVERITY["error"]]
    # 计算值 (what the parts compute) and 印载; 应为 stays empty: one failed check does not fix a cell
    assert all(r[7] is None for r in errors)
    assert [(r[1], r[4], r[8], r[9]) for r in errors] == [
        ("岔河镇", "t4_block_total", 11, 0),
        ("岔河镇", "t4_block_total", 5, 0),
    ]
    assert findings[: len(errors)] == errors  # errors first
    assert any(r[1] == "高良涧街道" and r[4] == "blank_total" for r in findings)
    assert not any(r[1] == "王营镇" for r in findings)


def test_comparison_of_an_empty_warehouse(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        path = write_comparison(wh.con, tmp_path / "cmp.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEETS["overview"]]
    assert ws.cell(3, 2).value == WORDS["township"] and ws.cell(4, 2).value == WORDS["total"]  # no township
