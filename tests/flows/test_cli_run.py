"""`nianbao run` as a user runs it: a subprocess with its embedded Prefect API under the data folder."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.flows.harness import make_source

NIANBAO = str(Path(sys.executable).parent / "nianbao")


def _run(args: list[str], cwd: Path, code: int, timeout: float = 180) -> tuple[list[str], float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    done = subprocess.run(
        [NIANBAO, "run", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == code, done.stdout + done.stderr
    lines = [
        ln.rstrip()
        for ln in done.stdout.splitlines()
        if ln.strip() and not ln.startswith(("fetch ", "extract ", "load "))
    ]
    m = re.fullmatch(
        r"time: ([\d.]+) s total, Prefect API startup [\d.]+ s \(waited [\d.]+ s\), flow [\d.]+ s", lines[-1]
    )
    assert m, lines[-1]
    return lines[:-1], float(m.group(1))


@pytest.mark.slow
def test_run_twice(tmp_path: Path) -> None:
    yaml_path = make_source(tmp_path / "src")
    first, first_s = _run(["--source", str(yaml_path), "--data-dir", "data"], tmp_path, 1)  # bad.docx
    bad = tmp_path / "src/reports/bad.docx"
    assert first == [
        "sources 4, files seen 5: 5 to parse, 0 already loaded (skipped)",
        "extracted: failed 1, ok 4",
        "warehouse: 5 reports loaded, 0 new versions, 0 unchanged",
        first[3],  # findings: counts belong to the validator's tests
        "failed: 1",
        f"  failed  {bad}: not a .docx: the file is not a zip package",
        f"snapshot   {tmp_path}/data/snapshot/nianbao.duckdb",
        "comparison data/exports/comparison.xlsx",
        first[8],
    ]
    assert first[3].startswith("findings: ") and re.fullmatch(
        r"parquet    \d+ files in data/exports/parquet", first[8]
    )
    assert (tmp_path / "data/prefect").is_dir()  # Prefect's database lives in the data folder
    second, second_s = _run(["--source", str(yaml_path), "--data-dir", "data"], tmp_path, 0)
    assert second == [
        "sources 4, files seen 5: 0 to parse, 5 already loaded (skipped)",
        "extracted: none",
        "warehouse: 0 reports loaded, 0 new versions, 0 unchanged",
        "findings: none",
        "failed: 0",
    ]
    assert second_s < first_s


STOPPED_LINE = re.compile(r"stopped: (\d+)(?: of (\d+))? files loaded; run again to continue")


def _ours_alive(data: Path) -> list[int]:
    """Processes (the embedded API, extraction workers) whose environment names this data folder."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(data).encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
def test_ctrl_c_twenty_seconds_into_a_cold_run_stops_it_cleanly_and_the_next_run_completes(
    tmp_path: Path,
) -> None:
    from bench.corpus import generate

    corpus = tmp_path / "corpus"
    total = sum(generate(corpus, 1500, scan_share=0.0).values())  # text formats: ~30 s of extraction idle
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    env["NIANBAO_DATA_DIR"] = str(data)  # also marks the run's processes (see _ours_alive)
    proc = subprocess.Popen(
        [NIANBAO, "run", "--source", str(corpus)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    time.sleep(20)
    assert proc.poll() is None, "the run ended before the Ctrl-C"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    sent = time.monotonic()
    out, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert took < 20, f"took {took:.1f} s to stop"
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err and "Error" not in out + err
    said = [
        ln
        for ln in (out + err).splitlines()
        if ln.strip() and not ln.startswith(("fetch ", "extract ", "load "))
    ]
    assert len(said) == 1, said  # one line; progress bars aside
    m = STOPPED_LINE.fullmatch(said[0])
    assert m, said
    loaded = int(m.group(1))
    assert m.group(2) is None or int(m.group(2)) == total
    deadline = time.monotonic() + 10
    while _ours_alive(data) and time.monotonic() < deadline:  # workers and the API are gone
        time.sleep(0.2)
    assert _ours_alive(data) == []
    with duckdb.connect(str(data / "nianbao.duckdb"), read_only=True) as con:
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        kept, empty = (0, 0)  # stopped before the warehouse was set up (a loaded machine starts slowly)
        if "reports" in tables:
            (kept,) = con.execute("SELECT count(*) FROM reports").fetchone() or (0,)
            (empty,) = con.execute(
                "SELECT count(*) FROM reports r WHERE r.status <> 'failed' AND NOT EXISTS "
                "(SELECT 1 FROM cells c WHERE c.report_id = r.report_id)"
            ).fetchone() or (0,)
    assert (kept, empty) == (loaded, 0)  # what was loaded is whole, nothing more
    lines, _ = _run(["--source", str(corpus), "--data-dir", str(data)], tmp_path, 0, timeout=900)
    assert (
        lines[0]
        == f"sources 1, files seen {total}: {total - loaded} to parse, {loaded} already loaded (skipped)"
    )
    assert lines[1] == f"extracted: ok {total - loaded}"
