"""Analysts query the published snapshot from other processes while the pipeline loads."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import duckdb

from nianbao.warehouse import Warehouse
from tests.schemas.builders import make_report
from tests.warehouse.procs import spawn

BATCH = 10
CELLS_PER_REPORT = 200

# An analyst: queries the snapshot in a loop until `stop` exists and reports every state it saw.
# mode "hold": one connection for the whole run (keeps the inode it opened: sees one state).
# mode "reopen": a fresh read-only connection per query (sees each newly published snapshot).
ANALYST = """
import json, os, sys, time, duckdb
path, stop, mode, per_report, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
seen, bad, n = set(), [], 0
con = duckdb.connect(path, read_only=True) if mode == "hold" else None
while not os.path.exists(stop):
    c = con or duckdb.connect(path, read_only=True)
    reports, cells, overview = c.execute(
        "SELECT (SELECT count(*) FROM reports WHERE superseded_by IS NULL), (SELECT count(*) FROM cells), "
        "(SELECT count(*) FROM report_overview)").fetchall()[0]
    if con is None:
        c.close()
    n += 1
    seen.add(reports)
    if cells != reports * per_report or overview != reports or reports % batch:
        bad.append([reports, cells, overview])
    time.sleep(0.005)
print(json.dumps({"seen": sorted(seen), "bad": bad, "queries": n}))
"""


def batch(k: int) -> list:
    return [make_report(issuer=f"某区{k}-{i}街道办事处", year=2023) for i in range(BATCH)]


def test_analysts_never_see_half_loaded_state(tmp_path: Path) -> None:
    snap, stop = tmp_path / "snapshot.duckdb", tmp_path / "stop"
    with Warehouse(tmp_path / "work.duckdb") as wh:
        wh.load(batch(0))
        wh.publish_snapshot(snap)
        analysts = [
            spawn(ANALYST, str(snap), str(stop), mode, str(CELLS_PER_REPORT), str(BATCH))
            for mode in ("hold", "reopen")
        ]
        time.sleep(1.0)  # both have connected
        published = [BATCH]
        for k in range(1, 6):
            wh.load(batch(k))
            wh.publish_snapshot(snap)
            published.append(BATCH * (k + 1))
            time.sleep(0.2)
        time.sleep(0.5)
        stop.touch()
        results = []
        for proc in analysts:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            results.append(json.loads(out))
    hold, reopen = results
    assert hold["bad"] == [] and reopen["bad"] == []
    assert hold["seen"] == [BATCH]  # an open connection keeps the snapshot it opened
    assert set(reopen["seen"]) <= set(published) and reopen["seen"][-1] == published[-1]
    assert hold["queries"] > 10 and reopen["queries"] > 10


def test_snapshot_is_read_only_and_complete(tmp_path: Path) -> None:
    snap = tmp_path / "out" / "snapshot.duckdb"
    with Warehouse(tmp_path / "work.duckdb") as wh:
        wh.load(batch(0))
        assert wh.publish_snapshot(snap) == snap.resolve()
        wh.load(batch(1))  # not published yet
    assert not os.access(snap, os.W_OK) or os.geteuid() == 0
    assert [p.name for p in snap.parent.iterdir()] == ["snapshot.duckdb"]  # no temp file left behind
    con = duckdb.connect(str(snap), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM report_overview").fetchall() == [(BATCH,)]
        assert con.execute("SELECT count(*) FROM cells").fetchall() == [(BATCH * CELLS_PER_REPORT,)]
    finally:
        con.close()
