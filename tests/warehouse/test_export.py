"""Parquet export partitioned by year, and the comparison workbook read back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl

from tests.schemas.builders import make_report, set_cell, set_t4
from warehouse import Warehouse

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
        path = wh.write_comparison(tmp_path / "cmp.xlsx", district="洪泽区", year=2023)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["表2 主动公开", "表3 依申请公开", "表4 复议诉讼", "问题 findings"]

    t4 = wb["表4 复议诉讼"]
    header = [c.value for c in t4[1]]
    assert header == ["区块/组", "行", "列", "洪泽区岔河镇人民政府", "洪泽区高良涧街道办事处"]  # by township
    assert [c.value for c in t4[3]][3:] == ["岔河镇", "高良涧街道"]
    rows = {(r[1].value, r[2].value): [c.value for c in r[3:]] for r in t4.iter_rows(min_row=4)}
    assert rows[("行政复议", "结果维持")] == [10, 2]
    assert rows[("行政复议", "总计")] == [0, 4]
    assert rows[("行政诉讼-复议后起诉", "结果维持")] == [5, 0]
    assert len(rows) == 15
    assert t4.cell(row=4 + list(rows).index(("行政复议", "总计")), column=4).fill.fgColor.rgb.endswith(
        "FFC7CE"
    )

    t3 = wb["表3 依申请公开"]
    rows3 = {(r[1].value, r[2].value): [c.value for c in r[3:]] for r in t3.iter_rows(min_row=4)}
    assert rows3[("一、本年新收政府信息公开申请数量", "总计")] == [16, 16]
    assert rows3[("四、结转下年度继续办理", "总计")] == [3, None]  # blank, not 0
    assert len(rows3) == 25 * 7
    t2 = wb["表2 主动公开"]
    rows2 = {(r[1].value, r[2].value): [c.value for c in r[3:]] for r in t2.iter_rows(min_row=4)}
    assert rows2[("行政事业性收费", "本年收费金额（单位：万元）")] == [7730.28, "-"]

    f = wb["问题 findings"]
    findings = [[c.value for c in r] for r in f.iter_rows(min_row=2)]
    errors = [r for r in findings if r[3] == "error"]
    assert [(r[0], r[2], r[6], r[7], r[8]) for r in errors] == [
        ("洪泽区岔河镇人民政府", "t4_block_total", 11, 0, True),
        ("洪泽区岔河镇人民政府", "t4_block_total", 5, 0, True),
    ]
    assert any(r[0] == "洪泽区高良涧街道办事处" and r[2] == "blank_total" for r in findings)
    assert not any(r[0] == "淮阴区王营镇人民政府" for r in findings)
