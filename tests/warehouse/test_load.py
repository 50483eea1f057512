"""Warehouse.load on real DuckDB files: versions, idempotence, failures, cross-year, regions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from nianbao.schemas import Report
from nianbao.warehouse import Warehouse
from tests.schemas.builders import make_report, set_cell, set_t4

COUNTS = (
    "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM cells), (SELECT count(*) FROM findings)"
)
REGION = {
    "province": "江苏省",
    "city": "淮安市",
    "district": "洪泽区",
    "township": None,
    "code": "320813000000",
}


def test_load_counts_and_views(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        rep = make_report(narrative={"overview": "全区受理政府信息公开申请16件"})
        set_t4(rep, [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0])  # hongze_2023 as printed
        res = wh.load([rep], regions={rep.sha256: REGION})
        assert (res.loaded, res.new_versions, res.unchanged, res.failed) == (1, 0, 0, 0)
        assert res.findings_by_severity == {"error": 2, "warning": 0, "info": 0}
        assert wh.query(COUNTS) == [(1, 200, 2)]
        assert wh.query("SELECT rule, expected, actual, source_inconsistent FROM findings ORDER BY seq") == [
            ("t4_block_total", 11.0, 0.0, True),
            ("t4_block_total", 5.0, 0.0, True),
        ]
        ov = wh.query(
            "SELECT issuer, district, region_code, year, applications_new, review_total, suits_total, errors "
            "FROM report_overview"
        )
        assert ov == [("淮安市洪泽区人民政府", "洪泽区", "320813000000", 2023, 16.0, 0.0, 0.0, 2)]
        assert wh.query("SELECT natural_person, total FROM applications WHERE row_code = 'new'") == [
            (12.0, 16.0)
        ]
        assert wh.query("SELECT count(*), min(row_order) FROM applications") == [(25, 0)]
        assert wh.query(
            "SELECT review_upheld, review_total, suit_after_review_upheld FROM review_litigation"
        ) == [(10.0, 0.0, 5.0)]
        assert wh.query("SELECT fee_amount FROM active_disclosure WHERE row_code = 'fees'") == [
            (Decimal("7730.280000"),)
        ]
        assert wh.query("SELECT text FROM narratives") == [("全区受理政府信息公开申请16件",)]
        page = wh.query("SELECT page, provenance->>'$.page' FROM cells WHERE table_id = 't4' LIMIT 1")
        assert page == [(4, "4")]


def test_blank_cells_stay_null(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        rep = make_report()
        set_cell(rep, "t3", "carry_over", "total", None)
        wh.load([rep])
        assert wh.query(
            "SELECT value, raw FROM cells WHERE row_code = 'carry_over' AND col_code = 'total'"
        ) == [(None, "")]
        assert wh.query("SELECT applications_carry_over FROM report_overview") == [(None,)]
        assert wh.query("SELECT count(*) FROM findings WHERE rule = 'blank_total'") == [(1,)]


def test_double_load_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    reports = [make_report(year=y) for y in (2021, 2022, 2023)]
    with Warehouse(path) as wh:
        first = wh.load(reports)
        before = wh.query(COUNTS)
        again = wh.load(reports)
        assert (first.loaded, again.loaded, again.unchanged) == (3, 0, 3)
        assert wh.query(COUNTS) == before
        assert wh.loaded([reports[0].sha256], "1.0.0") == {reports[0].sha256}
        assert wh.loaded([reports[0].sha256], "2.0.0") == set()
    with Warehouse(path) as wh:  # reopening changes nothing either
        assert wh.load(reports).unchanged == 3
        assert wh.query(COUNTS) == before


def test_changed_file_gives_second_version(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        v1 = make_report(sha256="a" * 64)
        v2 = make_report(sha256="b" * 64)  # same issuer and year, corrected file
        set_cell(v2, "t4", "review", "total", 4)
        wh.load([v1])
        res = wh.load([v2])
        assert (res.loaded, res.new_versions) == (1, 1)
        rows = wh.query("SELECT report_id, sha256, version, superseded_by FROM reports ORDER BY report_id")
        assert rows == [(1, "a" * 64, 1, 2), (2, "b" * 64, 2, None)]
        assert wh.query("SELECT count(*) FROM cells") == [(400,)]  # the old version's cells are kept
        assert wh.query("SELECT report_id FROM report_overview") == [(2,)]
        assert wh.query("SELECT count(DISTINCT report_id) FROM applications") == [(1,)]
        # an issuer name printed with spaces is the same report
        v3 = make_report(issuer="淮安市洪泽区 人民政府", sha256="c" * 64)
        wh.load([v3])
        assert wh.query("SELECT max(version), count(*) FILTER (superseded_by IS NULL) FROM reports") == [
            (3, 1)
        ]


def test_parser_upgrade_supersedes(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        old = make_report(parser_version="1.0.0")
        new = make_report(parser_version="1.1.0")  # same file, re-extracted
        wh.load([old])
        assert wh.load([old]).unchanged == 1
        res = wh.load([new])
        assert (res.loaded, res.new_versions) == (1, 1)
        assert wh.query("SELECT parser_version, version, superseded_by FROM reports ORDER BY report_id") == [
            ("1.0.0", 1, 2),
            ("1.1.0", 2, None),
        ]
        assert wh.loaded([new.sha256], "1.1.0") == {new.sha256}
        assert wh.loaded([new.sha256], "2.0.0") == set()  # a newer parser still re-reads it


def test_superseded_file_is_not_parsed_again(tmp_path: Path) -> None:
    """A report and its statistics attachment share issuer and year: each is read once, not every night."""
    with Warehouse(tmp_path / "w.duckdb") as wh:
        report = make_report()
        attachment = make_report(sha256="a" * 64)
        wh.load([report, attachment])
        assert wh.loaded([report.sha256], report.parser_version) == {report.sha256}
        assert wh.loaded([attachment.sha256], attachment.parser_version) == {attachment.sha256}


def test_failed_report_recorded_then_replaced(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        sha = "f" * 64
        failed = Report(
            source="https://x.gov.cn/a.pdf", sha256=sha, format="pdf", status="failed", error="encrypted PDF",
            parser_version="1.0.0",
        )  # fmt: skip
        res = wh.load([failed])
        assert (res.loaded, res.failed) == (1, 1)
        assert wh.query("SELECT status, error, report_key FROM reports") == [
            ("failed", "encrypted PDF", f"sha256:{sha}")
        ]
        assert wh.query("SELECT count(*) FROM cells") == [(0,)]
        assert wh.query("SELECT rule, severity FROM findings") == [("extraction_failed", "error")]
        assert wh.query("SELECT location FROM sources") == [("https://x.gov.cn/a.pdf",)]
        # a newer parser reads it: the failed row is superseded, not deleted
        ok = make_report(sha256=sha, parser_version="1.1.0", source="https://x.gov.cn/a.pdf")
        assert wh.load([ok]).new_versions == 1
        assert wh.query("SELECT status, superseded_by FROM reports ORDER BY report_id") == [
            ("failed", 2),
            ("ok", None),
        ]


def test_cross_year_from_warehouse_and_within_batch(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        prev = make_report(year=2022)  # 结转下年度 natural 3, but 2023 says 上年结转 2
        wh.load([prev])
        wh.load([make_report(year=2023)])
        q = "SELECT r.year, f.cells->>'$.\"t3.carried_in.natural\"' FROM findings f JOIN reports r USING (report_id) WHERE rule = 'carry_over_mismatch' ORDER BY 1"
        assert ("2023" in str(wh.query(q))) and len(wh.query(q)) == 2  # natural and total columns
    with Warehouse(tmp_path / "w2.duckdb") as wh:
        wh.load([make_report(year=2022), make_report(year=2023)])  # one batch: same result
        assert wh.query("SELECT count(*) FROM findings WHERE rule = 'carry_over_mismatch'") == [(2,)]


def test_record_source_first_and_last_seen(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.record_sources([("https://x.gov.cn/a.pdf", "a" * 64, 1234, "pdf", REGION)])
        wh.record_sources([("https://x.gov.cn/a.pdf", "a" * 64, 1234, "pdf", None)])
        wh.record_sources([("https://x.gov.cn/a.pdf", "b" * 64, 1300, "pdf", None)])  # the page changed
        rows = wh.query("SELECT sha256, size, region_id, first_seen < last_seen FROM sources ORDER BY sha256")
        assert rows == [("a" * 64, 1234, 1, True), ("b" * 64, 1300, None, False)]
        # the region recorded with the source is used when the report is loaded
        wh.load([make_report(sha256="a" * 64, source="https://x.gov.cn/a.pdf")])
        assert wh.query("SELECT district FROM current_reports") == [("洪泽区",)]
        # the district and its 9 townships and streets from the gazetteer
        assert wh.query("SELECT count(*), count(township) FROM regions") == [(10, 9)]


def test_record_sources_in_one_batch_equals_one_by_one(tmp_path: Path) -> None:
    files = [
        ("https://x.gov.cn/a.pdf", "a" * 64, 1234, None, REGION),
        ("https://x.gov.cn/b.pdf", "b" * 64, None, "pdf", None),
        ("https://x.gov.cn/a.pdf", "a" * 64, None, "pdf", None),  # the same file again: kept once, filled in
    ]
    seen = "SELECT location, sha256, size, format, region_id FROM sources ORDER BY ALL"
    with Warehouse(tmp_path / "one.duckdb") as one, Warehouse(tmp_path / "batch.duckdb") as batch:
        for f in files:
            one.record_sources([f])
        batch.record_sources(files[:2])
        batch.record_sources(files[2:])
        assert (
            batch.query(seen)
            == one.query(seen)
            == [
                ("https://x.gov.cn/a.pdf", "a" * 64, 1234, "pdf", 1),
                ("https://x.gov.cn/b.pdf", "b" * 64, None, "pdf", None),
            ]
        )
        batch.load([make_report(sha256="a" * 64, source="https://x.gov.cn/a.pdf")])
        assert batch.loaded(["a" * 64, "b" * 64, "c" * 64], "1.0.0") == {"a" * 64}
        assert batch.loaded(["a" * 64], "2.0.0") == set()  # a newer parser reads it again
        assert batch.loaded([], "1.0.0") == set()


def test_a_report_the_warehouse_cannot_take_fails_alone(tmp_path: Path) -> None:
    """Text DuckDB refuses (a lone surrogate, from a hostile file) in one report of a batch: the batch is
    loaded report by report, the bad one recorded as failed with the reason, the others as they are."""
    good = [make_report(year=2022), make_report(year=2023)]
    bad = make_report(
        issuer="淮安市洪泽区\ud800人民政府",
        year=2021,
        sha256="b" * 64,
        source="https://example.gov.cn/\ud800.pdf",
    )
    with Warehouse(tmp_path / "w.duckdb") as wh:
        result = wh.load_isolating([good[0], bad, good[1]])
        rows = wh.query(
            "SELECT year, status, source, error FROM reports ORDER BY sha256 = ?, year", [bad.sha256]
        )
        cells = wh.query("SELECT count(*) FROM cells")[0][0]
    assert (result.loaded, result.failed) == (3, 1)
    assert rows[:2] == [(2022, "ok", good[0].source, None), (2023, "ok", good[1].source, None)]
    assert rows[2][:3] == (None, "failed", "https://example.gov.cn/\\ud800.pdf")
    assert rows[2][3].startswith("could not be stored (InvalidInputException: ") and "surrogate" in rows[2][3]
    assert cells == len(good[0].cells) + len(good[1].cells)
