"""A load killed by SIGKILL leaves the warehouse as it was before the load began."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from nianbao.warehouse import Warehouse
from tests.schemas.builders import make_report
from tests.warehouse.procs import MAKE_BATCH, spawn

LOADER = (
    MAKE_BATCH
    + """
import sys, time
from nianbao.warehouse import Warehouse
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


# `nianbao run` whose second load is held inside its transaction (rows inserted, not committed).
RUN_HELD_IN_LOAD = """
import os, sys, time
from nianbao.warehouse import Warehouse
original = Warehouse._insert
loads = []
def _insert_then_wait(self, *a):
    original(self, *a)
    loads.append(1)
    if len(loads) == 2:
        os.write(2, b"inserted\\n")  # past the progress bar's redirection of sys.stdout/sys.stderr
        time.sleep(120)
Warehouse._insert = _insert_then_wait
from nianbao.cli import app
app(sys.argv[1:])
"""


@pytest.mark.slow
def test_sigkill_of_a_nightly_run_during_load_then_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole `nianbao run` killed while a load is open: the rerun loads every file exactly once."""
    import os
    import shutil
    import subprocess
    import sys

    from tests.flows.harness import SAMPLES, warehouse_cells, warehouse_reports

    src = tmp_path / "src"
    src.mkdir()
    names = ["qinglan_2020.txt", "bailu_2020.html", "songxi_2020.docx", "songxi_2022.docx"]
    for name in names:
        shutil.copyfile(next(SAMPLES.rglob(name)), src / name)
    data = tmp_path / "data"
    for name in [n for n in os.environ if n.startswith(("PREFECT_", "NIANBAO_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("NIANBAO_BATCH_SIZE", "1")  # one file per extraction task
    monkeypatch.setenv("NIANBAO_LOAD_BATCH_SIZE", "1")  # and one load per file
    proc = spawn(RUN_HELD_IN_LOAD, "run", "--source", str(src), "--data-dir", str(data))
    assert proc.stderr is not None
    deadline = time.monotonic() + 240
    line, errors = "", list[str]()
    while line.strip() != "inserted":
        line = proc.stderr.readline()
        assert line or proc.poll() is None, "".join(errors)
        errors.append(line)
        assert time.monotonic() < deadline
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    with Warehouse(data / "nianbao.duckdb") as wh:
        (loaded,) = wh.query("SELECT count(*) FROM reports")[0]
    assert loaded == 1  # the first load is committed, the held one is not
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    env["NIANBAO_BATCH_SIZE"] = "1"
    done = subprocess.run(
        [str(Path(sys.executable).parent / "nianbao"), "run", "--source", str(src), "--data-dir", str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert [r[:2] for r in warehouse_reports(data / "nianbao.duckdb")] == [(n, "ok") for n in sorted(names)]
    cells = warehouse_cells(data / "nianbao.duckdb")
    assert len(cells) == len(set(cells)) == 3 * 198 + 200
