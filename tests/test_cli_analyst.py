"""The analysts' commands, run in-process against a real snapshot of sample reports."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from nianbao.analyst.words import SHEETS, WORDS
from nianbao.cli import app
from nianbao.warehouse import Warehouse
from tests.warehouse.district_data import build, district_name, extracted, regions_by_file, township_of
from tests.warehouse.procs import spawn

runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("analyst") / "data"
    build(d)
    return d


def nianbao(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def table_headers(ws: Any) -> list[tuple[Any, Any]]:
    """(row label, column label) of each column of a table sheet; row labels are merged over their columns."""
    out, last = [], None
    for c in range(1, ws.max_column + 1):
        last = ws.cell(1, c).value or last
        out.append((last, ws.cell(2, c).value))
    return out


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_query_prints_a_table(data_dir: Path) -> None:
    code, out = nianbao(
        "query",
        "select township, year, applications_new from report_overview where year = 2022 order by applications_new desc limit 2",
        "--data-dir",
        str(data_dir),
    )
    con = duckdb.connect(str(data_dir / "snapshot" / "nianbao.duckdb"), read_only=True)
    rows = con.execute(
        "select township, applications_new from report_overview where year = 2022 order by applications_new desc limit 2"
    ).fetchall()
    con.close()
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["township", "year", "applications_new"]
    assert [line.split() for line in lines[1:]] == [[t, "2022", str(int(n))] for t, n in rows]


def test_query_json_and_csv(data_dir: Path) -> None:
    code, out = nianbao("query", "select 1 as a, 'x' as b", "--format", "json", "--data-dir", str(data_dir))
    assert (code, out) == (0, '{"a": 1, "b": "x"}\n')
    code, out = nianbao("query", "select 1 as a, null as b", "--format", "csv", "--data-dir", str(data_dir))
    assert (code, out.replace("\r", "")) == (0, "a,b\n1,\n")
    target = data_dir.parent / "q.csv"
    assert nianbao(
        "query", "select 2 as n", "--format", "csv", "-o", str(target), "--data-dir", str(data_dir)
    ) == (0, "")
    assert target.read_text("utf-8").splitlines() == ["n", "2"]


def test_query_to_xlsx(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    sql = "select township, year, published, applications_new from report_overview order by township, year"
    code, text = nianbao("query", sql, "--format", "xlsx", "-o", str(out), "--data-dir", str(data_dir))
    con = duckdb.connect(str(data_dir / "snapshot" / "nianbao.duckdb"), read_only=True)
    rows = con.execute(sql).fetchall()
    con.close()
    assert (code, text) == (0, f"{len(rows)} rows -> {out}\n")
    ws = openpyxl.load_workbook(out).active
    got = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [[t, y, p.date() if p else None, n] for t, y, p, n in got] == [list(r) for r in rows]
    assert nianbao("query", sql, "--format", "xlsx", "--data-dir", str(data_dir))[0] == 2


@pytest.mark.parametrize(
    "sql",
    [
        "create table t (a int)",
        "create temp table t as select 1",
        "insert into meta values ('x', 'y')",
        "update reports set issuer = 'x'",
        "attach '{tmp}/other.duckdb' as other",
        "copy cells to '{tmp}/cells.csv'",
        "export database '{tmp}/dump'",
        "install httpfs",
        "load httpfs",
        "set enable_external_access = true",
        "pragma enable_profiling",
        "select * from read_csv('/etc/passwd')",
    ],
)
def test_query_cannot_write_attach_or_install(data_dir: Path, tmp_path: Path, sql: str) -> None:
    before = sha(data_dir / "snapshot" / "nianbao.duckdb")
    code, out = nianbao("query", sql.format(tmp=tmp_path), "--data-dir", str(data_dir))
    assert code == 2
    assert out.startswith("error: ") and len(out.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere
    assert sha(data_dir / "snapshot" / "nianbao.duckdb") == before


def test_query_time_limit(data_dir: Path) -> None:
    endless = "select count(*) from range(1000000000) a, range(1000000000) b"
    code, out = nianbao("query", endless, "--timeout", "0.5", "--data-dir", str(data_dir))
    assert (code, out) == (
        2,
        "error: stopped after 0.5 s: narrow the query (a WHERE, a LIMIT, a join's ON)\n",
    )


def test_user_mistakes_are_one_line(data_dir: Path, tmp_path: Path) -> None:
    for args in (
        ("findings", "--district", "朝阳区"),
        ("show", "nowhere"),
        ("explain", township_of("songxi_2023.pdf"), "2023", "no such cell"),
        ("compare", "--district", "朝阳区", "--year", "2023"),
        ("compare", "--district", district_name(), "--year", "1999"),
        ("compare", "--district", district_name(), "--year", "2023", "--vs-year", "2019"),
        ("query", "select", "--format", "yaml"),
    ):
        code, out = nianbao(*args, "--data-dir", str(data_dir))
        assert code == 2, args
        assert out.startswith("error: ") and len(out.splitlines()) == 1, out
    code, out = nianbao("query", "select 1", "--data-dir", str(tmp_path / "nope"))
    assert (code, out) == (2, f"error: no data directory {tmp_path / 'nope'}\n")
    code, out = nianbao("query", "select 1", "--data-dir", str(tmp_path))
    assert code == 2 and "no snapshot" in out


def test_show_prints_the_tables_as_printed(data_dir: Path) -> None:
    who = township_of("qinglan_2023.docx")
    code, out = nianbao("show", who, "--year", "2023", "--data-dir", str(data_dir))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("青溪市云岭区青岚乡人民政府  2023")
    assert SHEETS["t2"] in lines and SHEETS["t3"] in lines and SHEETS["t4"] in lines
    review = next(line for line in lines if line.startswith("行政复议 "))
    assert review.split() == ["行政复议", "7", "3", "1", "0", "0"]  # the printed total 0 is kept
    assert any(line.split()[:2] == ["一、本年新收政府信息公开申请数量", "9"] for line in lines)
    findings = lines[lines.index(WORDS["findings_title"]) + 1 :]
    assert findings[0].split()[0] == "错误" and "行政复议 总计=0" in findings[0]
    assert any("samples/reports/2023/qinglan_2023.docx" in line for line in lines)


def test_reading_notes_are_apart_from_the_checklist(data_dir: Path) -> None:
    """望月街道 2023 is read right: its deskew angles and OCR confidences are 读取记录, not problems."""
    who = township_of("wangyue_2023.pdf")
    code, out = nianbao("show", who, "--year", "2023", "--data-dir", str(data_dir))
    assert code == 0
    lines = out.splitlines()
    checklist = lines[lines.index(WORDS["findings_title"]) + 1 : lines.index(WORDS["notes_title"])]
    notes = lines[lines.index(WORDS["notes_title"]) + 1 :]
    assert not any("倾斜" in line or "置信度" in line for line in checklist)
    assert sum("扫描件倾斜" in line for line in notes) >= 2
    code, out = nianbao("findings", "--notes", "--data-dir", str(data_dir))
    assert code == 0 and "扫描件倾斜" in out
    code, out = nianbao("findings", "--data-dir", str(data_dir))
    assert "扫描件倾斜" not in out
    assert not any(re.search(r"[A-Za-z]{2,}", line.split(maxsplit=4)[-1]) for line in out.splitlines()[1:])


def test_show_by_region_code(data_dir: Path) -> None:
    con = duckdb.connect(str(data_dir / "snapshot" / "nianbao.duckdb"), read_only=True)
    code_, issuer = con.execute(
        "select region_code, issuer from coverage where year = 2023 and report_id is not null order by township limit 1"
    ).fetchone() or ("", "")
    con.close()
    code, out = nianbao("show", code_, "--data-dir", str(data_dir))
    assert code == 0 and out.splitlines()[0].startswith(f"{issuer}  2023  ")


def test_explain_pdf_cell_names_page_and_box(data_dir: Path) -> None:
    code, out = nianbao(
        "explain",
        township_of("songxi_2023.pdf"),
        "2023",
        "表4 行政复议 结果纠正",
        "--data-dir",
        str(data_dir),
    )
    assert code == 0
    fields = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in out.splitlines())
    assert fields["单元格"] == "表4 复议诉讼 行政复议 / 结果纠正  (t4.review.corrected)"
    assert fields["文件"].endswith("samples/reports/2023/songxi_2023.pdf")
    assert fields["页码"] == "3"
    assert fields["原文"] == "“0”" and fields["数值"] == "0"
    con = duckdb.connect(str(data_dir / "snapshot" / "nianbao.duckdb"), read_only=True)
    (bbox,) = con.execute(
        "select c.provenance->>'bbox' from cells c join current_reports r using (report_id) "
        "where r.source like '%songxi_2023.pdf' and c.table_id = 't4' and c.row_code = 'review' "
        "and c.col_code = 'corrected'"
    ).fetchone()
    con.close()
    x0, top, x1, bottom = json.loads(bbox)
    assert fields["页面位置"] == f"{x0:.1f}, {top:.1f}, {x1:.1f}, {bottom:.1f}（左, 上, 右, 下）"
    assert "OCR置信度" not in fields
    assert fields["校验"].startswith("t4_block_total")


def test_explain_ocr_cell_names_confidence(data_dir: Path) -> None:
    code, out = nianbao(
        "explain", township_of("wangyue_2023.pdf"), "2023", "t3.new.total", "--data-dir", str(data_dir)
    )
    assert code == 0
    fields: dict[str, list[str]] = {}
    for line in out.splitlines():
        key, value = re.split(r"\s{2,}", line, maxsplit=1)
        fields.setdefault(key, []).append(value)
    assert fields["文件"][0].endswith("samples/reports/2023/wangyue_2023.pdf")
    assert 0.0 < float(fields["OCR置信度"][0]) <= 1.0
    assert fields["页码"] == ["1"]
    assert fields["表格位置"] == ["第2张表  第4行  第9列（从1数起，按印载）"]  # 1-based, as a person counts
    assert [c.split("（")[0] for c in fields["校验"]] == ["t3_balance", "t3_row_total"]
    assert not any(re.search(r"[A-Za-z]{2,}", k) for k in fields if k not in ("OCR置信度",))


def test_findings_errors_first_in_chinese(data_dir: Path) -> None:
    code, out = nianbao(
        "findings", "--district", district_name(), "--year", "2023", "--data-dir", str(data_dir)
    )
    assert code == 0
    severities = [line.split()[0] for line in out.splitlines()[1:]]
    order = {"错误": 0, "警告": 1, "提示": 2}
    assert severities == sorted(severities, key=order.__getitem__)
    assert severities.count("错误") == 2
    code, out = nianbao("findings", "--severity", "error", "--data-dir", str(data_dir))
    lines = out.splitlines()[1:]
    assert [line.split()[1:4] for line in lines] == [
        ["枫林街道", "2023", "misprinted_cell"],  # one misprint, one finding
        ["青岚乡", "2023", "t4_block_total"],
    ]
    assert "（二）部分公开 总计=3，应为 2" in lines[0]
    assert not any(re.search(r"[A-Za-z]{2,}", line.split(maxsplit=4)[-1]) for line in out.splitlines()[1:])


def test_compare_writes_each_format(data_dir: Path, tmp_path: Path) -> None:
    for suffix in ("xlsx", "csv", "html"):
        out_file = tmp_path / f"cmp.{suffix}"
        code, out = nianbao(
            "compare",
            "--district",
            district_name(),
            "--year",
            "2023",
            "-o",
            str(out_file),
            "--data-dir",
            str(data_dir),
        )
        assert code == 0, out
        assert (
            out
            == f"{district_name()} 2023: 8 townships, 6 reports, 0 late, 2 missing, 2 errors -> {out_file}\n"
        )
        assert out_file.stat().st_size > 1000
    code, out = nianbao(
        "compare", "--district", district_name(), "--year", "2023", "-o", "x.pdf", "--data-dir", str(data_dir)
    )
    assert code == 2


def test_compare_vs_year_sets_the_change(data_dir: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "cmp.csv"
    code, _ = nianbao(
        "compare",
        "--district",
        district_name(),
        "--year",
        "2023",
        "--vs-year",
        "2022",
        "-o",
        str(out_file),
        "--data-dir",
        str(data_dir),
    )
    assert code == 0
    import csv

    rows = list(csv.DictReader(out_file.open(encoding="utf-8-sig")))
    con = duckdb.connect(str(data_dir / "snapshot" / "nianbao.duckdb"), read_only=True)
    figures = {
        (t, y): n
        for t, y, n in con.execute("select township, year, applications_new from report_overview").fetchall()
    }
    con.close()
    new = next(k for k in rows[0] if k.startswith("一、本年新收") and WORDS["change"] not in k)
    change = next(k for k in rows[0] if k.startswith("一、本年新收") and WORDS["change"] in k)
    assert new.endswith("（件）") and change.endswith(f"{WORDS['change']}（件）")  # units in the headers
    for row in rows:
        t = row[WORDS["township"]]
        if (t, 2023) in figures:
            assert row[new] == str(int(figures[(t, 2023)]))
            assert row[change] == str(int(figures[(t, 2023)] - figures[(t, 2022)]))
        else:
            assert row[new] == row[change] == ""


def test_override_survives_reload_and_reprocess(tmp_path: Path) -> None:
    data = tmp_path / "data"
    build(data)
    who = township_of("qinglan_2023.docx")
    code, out = nianbao(
        "override",
        who,
        "2023",
        "行政复议 总计",
        "11",
        "--reason",
        "乡政府来电确认",
        "--by",
        "王明",
        "--data-dir",
        str(data),
    )
    assert code == 0, out
    assert out == (
        "correction 1: 青溪市云岭区青岚乡人民政府 2023 表4 复议诉讼 行政复议 / 总计 (t4.review.total) = 11, printed 0\n"
    )
    # Reload the same files, then reprocess them with a newer parser: the correction stays.
    reports = list(extracted())
    regions = {r.sha256: regions_by_file()[Path(r.source).name] for r in reports}
    with Warehouse(data / "nianbao.duckdb") as wh:
        assert wh.load(reports, regions=regions).unchanged == len(reports)
        newer = [replace(r, parser_version=r.parser_version + "+next") for r in reports]
        assert wh.load(newer, regions=regions).new_versions == len(reports)
        wh.publish_snapshot(data / "snapshot" / "nianbao.duckdb")
    code, out = nianbao("explain", who, "2023", "t4.review.total", "--data-dir", str(data))
    fields = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in out.splitlines())
    assert fields["数值"] == f"11   {WORDS['printed']} 0"
    assert fields["更正"] == "第1号更正，王明：乡政府来电确认"
    assert fields["解析版本"].endswith("+next")

    xlsx = tmp_path / "cmp.xlsx"
    assert (
        nianbao(
            "compare",
            "--district",
            district_name(),
            "--year",
            "2023",
            "-o",
            str(xlsx),
            "--data-dir",
            str(data),
        )[0]
        == 0
    )
    wb = openpyxl.load_workbook(xlsx)
    t4 = wb[SHEETS["t4"]]
    row = next(r for r in t4.iter_rows(min_row=3) if r[0].value == who)
    col = table_headers(t4).index(("行政复议", "总计（件）"))
    assert row[col].value == 11
    assert row[col].comment is not None and row[col].comment.text.startswith(f"{WORDS['printed']}: 0")
    fixes = [[c.value for c in r] for r in wb[SHEETS["overrides"]].iter_rows(min_row=2)]
    assert [f[:8] for f in fixes] == [
        [1, who, 2023, "表4 复议诉讼 行政复议 / 总计", 0, 11, "乡政府来电确认", "王明"]
    ]
    assert isinstance(fixes[0][8], datetime) and fixes[0][8].date() == date.today()  # when it was made
    page = tmp_path / "cmp.html"
    assert (
        nianbao(
            "compare",
            "--district",
            district_name(),
            "--year",
            "2023",
            "-o",
            str(page),
            "--data-dir",
            str(data),
        )[0]
        == 0
    )
    dom = lxml_html.fromstring(page.read_text("utf-8"))
    fixed = dom.xpath(
        f"//table[@id='overview']//tr[@data-township='{who}']/td[@data-key='fig:review_total']"
    )[0]
    assert fixed.text == "11" and "fixed" in fixed.get("class") and fixed.xpath("span[@class='printed']")
    assert fixed.xpath("string(span)") == f"{WORDS['printed']} 0"  # the printed value, as the legend says
    log = dom.xpath("//table[@id='overrides']/tbody/tr")
    assert len(log) == 1 and log[0].xpath("string(td[last()])").startswith(date.today().isoformat())

    code, out = nianbao("override", "--list", "--data-dir", str(data))
    assert code == 0 and out.splitlines()[1].split()[:7] == [
        "1",
        "青溪市云岭区青岚乡人民政府",
        "2023",
        "t4",
        "review",
        "total",
        "11",
    ]
    assert nianbao("override", "--undo", "1", "--by", "王明", "--data-dir", str(data)) == (
        0,
        "correction 1 undone\n",
    )
    code, out = nianbao("explain", who, "2023", "t4.review.total", "--data-dir", str(data))
    assert "更正" not in out and out.splitlines()[1].split() == ["数值", "0"]
    assert nianbao("override", "--undo", "1", "--data-dir", str(data))[0] == 2


def test_override_waits_for_a_running_pipeline(tmp_path: Path) -> None:
    data = tmp_path / "data"
    build(data)
    holder = spawn(
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)",
        str(data / "nianbao.duckdb"),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        code, out = nianbao(
            "override",
            township_of("qinglan_2023.docx"),
            "2023",
            "t4.review.total",
            "11",
            "--reason",
            "x",
            "--data-dir",
            str(data),
        )
    finally:
        holder.kill()
        holder.wait()
    assert code == 3 and out.startswith(f"error: {data / 'nianbao.duckdb'}: in use by process ")
    with Warehouse(data / "nianbao.duckdb") as wh:
        assert wh.query("select count(*) from overrides") == [(0,)]


def test_copy_of_data_dir_is_independent(data_dir: Path, tmp_path: Path) -> None:
    """The snapshot is read-only on disk too (what analysts open cannot be changed by accident)."""
    snap = data_dir / "snapshot" / "nianbao.duckdb"
    assert not (snap.stat().st_mode & 0o222)
    shutil.copy(snap, tmp_path / "copy.duckdb")


def _snapshot_rows(data: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(data / "snapshot" / "nianbao.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _errors(out: str) -> list[list[str]]:
    """(level, township, year, rule) of each line of `nianbao findings`."""
    return [line.split()[:4] for line in out.splitlines()[1:]]


def test_a_correction_reaches_every_reading_and_answers_its_error(tmp_path: Path) -> None:
    import nianbao as api

    data = tmp_path / "data"
    build(data)
    who = township_of("qinglan_2023.docx")
    code, out = nianbao(
        "compare", "-d", district_name(), "-y", "2023", "-o", str(tmp_path / "a.csv"), "--data-dir", str(data)
    )
    assert code == 0 and out.rstrip().endswith(f"2 errors -> {tmp_path / 'a.csv'}")
    code, out = nianbao(
        "override",
        who,
        "2023",
        "t4.review.total",
        "11",
        "--reason",
        "乡政府来电确认",
        "--by",
        "王明",
        "--data-dir",
        str(data),
    )
    assert code == 0, out
    where = "township = ? AND year = 2023"
    assert _snapshot_rows(
        data, f"SELECT review_total, corrected_cells, errors FROM report_overview WHERE {where}", [who]
    ) == [(11, ["t4.review.total"], 0)]
    assert _snapshot_rows(
        data, f"SELECT review_total, corrected_columns FROM review_litigation WHERE {where}", [who]
    ) == [(11, ["review_total"])]
    assert _snapshot_rows(
        data,
        f"SELECT value, corrected FROM measure_series WHERE {where} AND series = 't4.review.total'",
        [who],
    ) == [(11, True)]
    assert _snapshot_rows(
        data,
        f"SELECT value, printed_value FROM measures WHERE {where} AND measure = 't4.review.total'",
        [who],
    ) == [(11, 0)]
    assert _snapshot_rows(
        data,
        "SELECT c.value, c.count, c.corrected, c.printed_value, c.raw, c.corrected_by, c.correction_reason "
        "FROM current_cells c JOIN current_reports r USING (report_id) "
        f"WHERE r.{where} AND c.table_id = 't4' AND c.row_code = 'review' AND c.col_code = 'total'",
        [who],
    ) == [(11.0, 11, True, 0.0, "0", "王明", "乡政府来电确认")]
    cells = api.cells(data)
    row = cells[(cells["year"] == 2023) & (cells["row_code"] == "review") & (cells["col_code"] == "total")]
    row = row[row["issuer"].str.contains(who)]
    assert row[["value", "corrected", "printed_value", "corrected_by"]].values.tolist() == [
        [11, True, 0.0, "王明"]
    ]
    # the error it answers is 已更正: kept, not open
    assert _snapshot_rows(
        data,
        f"SELECT rule, status, answered_by FROM current_findings WHERE {where} AND severity = 'error'",
        [who],
    ) == [("t4_block_total", "corrected", [1])]
    code, out = nianbao("findings", "--severity", "error", "--data-dir", str(data))
    assert code == 0 and _errors(out) == [
        ["错误", "枫林街道", "2023", "misprinted_cell"],
        [WORDS["corrected"], who, "2023", "t4_block_total"],
    ]
    code, out = nianbao(
        "compare", "-d", district_name(), "-y", "2023", "-o", str(tmp_path / "b.csv"), "--data-dir", str(data)
    )
    assert out.rstrip().endswith(f"1 errors -> {tmp_path / 'b.csv'}")
    assert api.read_findings(data_dir=data)["rule"].tolist().count("t4_block_total") == 0
    # exports: the current cells carry the correction, the loaded record the print
    with Warehouse(data / "nianbao.duckdb") as wh:
        wh.export_parquet(tmp_path / "pq")
        # reprocessing under a newer parser keeps the correction and its verdict
        newer = [replace(r, parser_version=r.parser_version + "+next") for r in extracted()]
        wh.load(newer, regions={r.sha256: regions_by_file()[Path(r.source).name] for r in newer})
        wh.publish_snapshot(data / "snapshot" / "nianbao.duckdb")
    pq = duckdb.connect()
    assert pq.execute(
        f"SELECT value, printed_value, corrected_by FROM read_parquet('{tmp_path}/pq/current_cells/*/*.parquet', "
        "hive_partitioning = true) WHERE corrected"
    ).fetchall() == [(11.0, 0.0, "王明")]
    assert _snapshot_rows(
        data, f"SELECT rule, status FROM current_findings WHERE {where} AND severity = 'error'", [who]
    ) == [("t4_block_total", "corrected")]
    # undone: the print is the current value again and the error is open again
    assert nianbao("override", "--undo", "1", "--data-dir", str(data))[0] == 0
    assert _snapshot_rows(
        data, f"SELECT review_total, corrected_cells, errors FROM report_overview WHERE {where}", [who]
    ) == [(0, [], 1)]
    assert _snapshot_rows(
        data, f"SELECT rule, status FROM current_findings WHERE {where} AND severity = 'error'", [who]
    ) == [("t4_block_total", "open")]


def test_one_misprint_corrected_answers_its_error_and_a_wrong_one_raises_a_new(tmp_path: Path) -> None:
    data = tmp_path / "data"
    build(data)
    who = township_of("fenglin_2023.html")
    errors = f"SELECT rule, status, origin FROM current_findings WHERE township = '{who}' AND year = 2023 AND severity = 'error' ORDER BY ALL"
    # （二）部分公开 总计 is printed 3 where its applicants sum to 2: with 2, （七）总计 18 adds up too
    assert (
        nianbao(
            "override", who, "2023", "t3.r2_partial.total", "2", "--reason", "核实", "--data-dir", str(data)
        )[0]
        == 0
    )
    assert _snapshot_rows(data, errors) == [("misprinted_cell", "corrected", "validate")]
    # a correction that breaks an identity is an open error of its own
    assert (
        nianbao(
            "override", who, "2023", "t3.r1_open.total", "12", "--reason", "误改", "--data-dir", str(data)
        )[0]
        == 0
    )
    # judged on the corrected values, the first misprint stays answered and the broken row is open
    assert _snapshot_rows(data, errors) == [
        ("misprinted_cell", "corrected", "validate"),
        ("t3_row_total", "open", "correction"),
    ]
    assert nianbao("override", "--undo", "2", "--data-dir", str(data))[0] == 0
    assert _snapshot_rows(data, errors) == [("misprinted_cell", "corrected", "validate")]


def test_override_takes_only_values_the_column_can_hold(data_dir: Path, tmp_path: Path) -> None:
    from nianbao.analyst.overrides import BadValue, check_value
    from nianbao.analyst.words import parse_code

    data = tmp_path / "data"
    shutil.copytree(data_dir, data)
    who = township_of("qinglan_2023.docx")
    for cell, value, word in (
        ("t4.review.total", "11.5", "整数"),
        ("t4.review.total", "-1", "负数"),
        ("t2.fees.fee_amount", "-0.5", "负数"),
    ):
        code, out = nianbao(
            "override", "--reason", "x", "--data-dir", str(data), "--", who, "2023", cell, value
        )
        assert code == 2 and len(out.strip().splitlines()) == 1 and word in out and cell in out, out
    code, out = nianbao(
        "override", "--reason", "x", "--data-dir", str(data), "--", who, "2023", "t2.fees.fee_amount", "1.25"
    )
    assert code == 0 and "= 1.25" in out
    assert _snapshot_rows(
        data,
        "SELECT value, amount, unit, printed_value FROM current_cells WHERE corrected",
    ) == [(1.25, 1.25, "万元", 1.105)]
    assert check_value(parse_code("t2.licensing.delta"), -3) == -3  # the signed 本年增/减
    with pytest.raises(BadValue):
        check_value(parse_code("t2.licensing.prev_items"), -3)
    with Warehouse(data / "nianbao.duckdb") as wh:
        assert wh.query("SELECT count(*) FROM overrides") == [(1,)]


def test_findings_says_when_there_is_no_report(data_dir: Path) -> None:
    result = runner.invoke(app, ["findings", "--year", "2032", "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    assert "2032" in result.output and WORDS["no_report"].format(what="2032年") in result.output
    assert "2022、2023" in result.output
    code, out = nianbao("findings", "--year", "2022", "--severity", "error", "--data-dir", str(data_dir))
    assert code == 0 and out.strip() == WORDS["findings_none"]
