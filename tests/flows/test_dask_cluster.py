"""Scale-out on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on 127.0.0.1; the
nightly flow spreads its extraction (OCR-heavy scans included) over both, and loads in this process
(the warehouse keeps a single writer). Scheduler and workers run from a venv that has nianbao only as
its wheel, outside the checkout, as on another machine (tests/install/wheel.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from tests.flows.harness import SAMPLES, make_source, warehouse_reports
from tests.install.wheel import WheelVenv

SCANS = ("2022/heming_2022.pdf", "2023/wangyue_2023.pdf")


def _wait_for(path: Path, procs: list[subprocess.Popen[bytes]], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() or not path.read_text().strip():
        for p in procs:
            assert p.poll() is None, f"{p.args!r} exited with {p.returncode}"
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, wheel_venv: WheelVenv) -> Iterator[str]:
    home = tmp_path_factory.mktemp("dask")
    env = wheel_venv.env()
    python = str(wheel_venv.python)
    sched_file = home / "scheduler.json"
    common = {"env": env, "cwd": home, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [
        subprocess.Popen(
            [python, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", ":0",
             "--scheduler-file", str(sched_file)],
            **common,  # type: ignore[call-overload]
        )
    ]  # fmt: skip
    try:
        _wait_for(sched_file, procs, 90)
        address = json.loads(sched_file.read_text())["address"]
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [python, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--nworkers", "1",
                     "--host", "127.0.0.1", "--dashboard-address", ":0"],
                    **common,  # type: ignore[call-overload]
                )
            )  # fmt: skip
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.mark.slow
def test_nightly_spreads_extraction_over_two_dask_workers(
    cluster: str, wheel_venv: WheelVenv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import Client

    from nianbao.flows.nightly import nightly
    from nianbao.flows.runners import task_runner
    from nianbao.flows.settings import Settings

    yaml_path = make_source(tmp_path / "src")
    for rel in SCANS:  # township 松溪镇's glob is songxi_*: name the scans so they belong to it
        shutil.copyfile(SAMPLES / rel, tmp_path / "src/reports" / f"songxi_scan_{Path(rel).name}")
    monkeypatch.setenv("NIANBAO_BATCH_SIZE", "1")
    monkeypatch.setenv("NIANBAO_DASK_ADDRESS", cluster)
    runner = task_runner(Settings.build())
    with prefect_test_harness(server_startup_timeout=120):
        s = nightly.with_options(task_runner=runner)(source=str(yaml_path), data_dir=str(tmp_path / "data"))
    assert (s.files_seen, s.loaded, s.statuses) == (7, 7, {"ok": 6, "failed": 1})
    with Client(cluster, timeout=60) as client:
        extracted_on = client.run(
            lambda: __import__("nianbao.flows.isolation").flows.isolation.started_here()
        )
        code_from = client.run(lambda: __import__("nianbao").__file__)
    assert len(extracted_on) == 2 and all(n >= 1 for n in extracted_on.values()), extracted_on
    assert all(Path(f).is_relative_to(wheel_venv.root) for f in code_from.values()), code_from
    assert [r[:2] for r in warehouse_reports(tmp_path / "data/nianbao.duckdb")] == [
        ("bad.docx", "failed"),
        ("bailu_2020.html", "ok"),
        ("qinglan_2020.txt", "ok"),
        ("songxi_2020.docx", "ok"),
        ("songxi_2022.docx", "ok"),
        ("songxi_scan_heming_2022.pdf", "ok"),
        ("songxi_scan_wangyue_2023.pdf", "ok"),
    ]
