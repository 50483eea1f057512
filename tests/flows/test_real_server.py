"""Integration: a real `prefect server start`, `nianbao serve` registering the nightly deployment with
its cron schedule, a run triggered through the API, and the warehouse checked afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.flows.harness import make_source, warehouse_reports
from tests.sources.portal import free_port

BIN = Path(sys.executable).parent


def _wait(url: str, proc: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise TimeoutError(url)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
    }
    log = open(home / "server.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/api/health", proc, 120)
        yield env
    finally:
        _stop(proc)
        log.close()


@pytest.mark.slow
def test_served_deployment_runs_on_a_real_server(server: dict[str, str], tmp_path: Path) -> None:
    yaml_path = make_source(tmp_path / "src")
    data = tmp_path / "data"
    env = {**server, "NIANBAO_HTTP_RETRIES": "0"}
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115
    serve = subprocess.Popen(
        [str(BIN / "nianbao"), "serve", "--source", str(yaml_path), "--data-dir", str(data)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        from prefect.client.orchestration import get_client
        from prefect.deployments import run_deployment
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: server["PREFECT_API_URL"]}):
            deployment = _wait_for_deployment(get_client, serve, 90)
            (schedule,) = deployment.schedules
            assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 2 * * *", "Asia/Shanghai")
            run = run_deployment("nightly/nightly", timeout=180, poll_interval=1)
        assert run.state is not None and run.state.is_completed(), (
            run.state,
            (tmp_path / "serve.log").read_text(),
        )
    finally:
        _stop(serve)
        log.close()
    assert [r[:2] for r in warehouse_reports(data / "nianbao.duckdb")] == [
        ("bad.docx", "failed"),
        ("bailu_2020.html", "ok"),
        ("qinglan_2020.txt", "ok"),
        ("songxi_2020.docx", "ok"),
        ("songxi_2022.docx", "ok"),
    ]
    assert (data / "snapshot" / "nianbao.duckdb").is_file()


def _wait_for_deployment(get_client: object, serve: subprocess.Popen[bytes], seconds: float) -> object:
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + seconds
    with get_client(sync_client=True) as client:  # type: ignore[operator]
        while time.monotonic() < deadline:
            if serve.poll() is not None:
                raise RuntimeError(f"nianbao serve exited with {serve.returncode}")
            try:
                return client.read_deployment_by_name("nightly/nightly")
            except ObjectNotFound:
                time.sleep(0.5)
    raise TimeoutError("the nightly deployment was not registered")
