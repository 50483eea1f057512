"""A load killed by SIGKILL leaves the warehouse as it was before the load began."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.schemas.builders import make_report
from tests.warehouse.procs import MAKE_BATCH, spawn
from warehouse import Warehouse

LOADER = (
    MAKE_BATCH
    + """
import sys, time
from warehouse import Warehouse
wh = Warehouse(sys.argv[1])
wh.load(batch(20, 2022, "a"))                 # committed
big = batch(int(sys.argv[2]), 2023, "b")     # built before the load so the kill lands inside it
if sys.argv[3] == "after_insert":
    # Every row of the batch is inserted but not committed when the parent kills us.
    original = Warehouse._insert
    def _insert_then_wait(self, *a):
        original(self, *a)
        print("inserted", flush=True)
        time.sleep(60)
    Warehouse._insert = _insert_then_wait
print("loading", flush=True)
wh.load(big)
print("done", flush=True)
"""
)


@pytest.mark.parametrize("when", ["timed", "after_insert"])
def test_sigkill_mid_load_leaves_db_consistent(tmp_path: Path, when: str) -> None:
    path = tmp_path / "w.duckdb"
    # 3000 reports = 600k cells, a few seconds of loading
    proc = spawn(LOADER, str(path), "3000" if when == "timed" else "1000", when)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "loading", proc.stderr.read() if proc.stderr else ""
    if when == "timed":
        time.sleep(0.5)  # somewhere in planning/validation/insertion
    else:
        assert proc.stdout.readline().strip() == "inserted"
    proc.send_signal(signal.SIGKILL)
    out, _err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert "done" not in out, "the load finished before the kill; make the batch bigger"

    with Warehouse(path) as wh:
        # exactly the first, committed batch; no orphan cells or findings of the killed one
        assert wh.query("SELECT count(*), count(DISTINCT year) FROM reports") == [(20, 1)]
        assert wh.query("SELECT count(*) FROM cells") == [(20 * 200,)]
        assert wh.query(
            "SELECT count(*) FROM cells WHERE report_id NOT IN (SELECT report_id FROM reports)"
        ) == [(0,)]
        assert wh.query(
            "SELECT count(*) FROM findings WHERE report_id NOT IN (SELECT report_id FROM reports)"
        ) == [(0,)]
        # and the next load completes
        res = wh.load([make_report(issuer=f"测试b{i}镇人民政府", year=2023) for i in range(50)])
        assert res.loaded == 50
        assert wh.query("SELECT count(*) FROM reports") == [(70,)]
        assert wh.query("SELECT count(*) FROM cells") == [(70 * 200,)]
