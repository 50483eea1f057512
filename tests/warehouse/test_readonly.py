"""The analysts' connection refuses writes, files and extensions even without the statement check."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from nianbao.warehouse import Warehouse
from nianbao.warehouse.readonly import QueryRefused, SnapshotMissing, connect_readonly, run_query
from tests.schemas.builders import make_report


@pytest.fixture()
def snapshot(tmp_path: Path) -> Path:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load([make_report(year=2023)])
        return wh.publish_snapshot(tmp_path / "snap" / "nianbao.duckdb")


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("create table t (a int)", "read-only"),
        ("attach '{tmp}/x.duckdb' as x", "disabled by configuration"),
        ("copy cells to '{tmp}/c.csv'", "disabled by configuration"),
        ("install httpfs", "disabled by configuration"),
        ("load httpfs", "disabled through configuration"),
        ("set enable_external_access = true", "configuration has been locked"),
        ("reset lock_configuration", "configuration has been locked"),
        ("select * from read_text('/etc/hostname')", "disabled by configuration"),
    ],
)
def test_duckdb_itself_refuses(snapshot: Path, tmp_path: Path, sql: str, reason: str) -> None:
    con = connect_readonly(snapshot)
    try:
        with pytest.raises(duckdb.Error, match=reason):
            con.execute(sql.format(tmp=tmp_path))  # straight to DuckDB, past run_query's check
    finally:
        con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap", "w.duckdb"]


def test_run_query_allows_reads_only(snapshot: Path) -> None:
    con = connect_readonly(snapshot)
    try:
        assert run_query(con, "select count(*) as n from reports") == (["n"], [(1,)])
        assert run_query(con, "describe reports")[1][0][0] == "report_id"
        for sql in ("create temp table t as select 1", "select 1; select 2", "checkpoint", "selec 1"):
            with pytest.raises(QueryRefused):
                run_query(con, sql)
    finally:
        con.close()


def test_missing_snapshot_is_named(tmp_path: Path) -> None:
    with pytest.raises(SnapshotMissing, match="no snapshot at"):
        connect_readonly(tmp_path / "nope.duckdb")


def test_a_runaway_query_is_stopped_with_a_reason(snapshot: Path) -> None:
    con = connect_readonly(snapshot)
    try:
        endless = "select count(*) from range(1000000000) a, range(1000000000) b"  # 10^18 rows to count
        with pytest.raises(QueryRefused, match=r"^stopped after 0.5 s: narrow the query"):
            run_query(con, endless, seconds=0.5)
        with pytest.raises(QueryRefused, match=r"^more than 1,000 rows: aggregate or add a LIMIT"):
            run_query(con, "select * from range(5000)", max_rows=1000)
        assert run_query(con, "select * from range(1000)", max_rows=1000)[1][-1] == (999,)
        assert run_query(con, "select current_setting('memory_limit')")[1][0][0].startswith("3.7 GiB")
    finally:
        con.close()
