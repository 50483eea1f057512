"""The nightly flow on a small folder: a corrupt file and an unreachable list page never fail the run;
a second run parses nothing; the summary artifact exists; Dask gives the same warehouse as threads."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from nianbao.extractors import extract_file
from nianbao.flows.nightly import nightly
from nianbao.flows.reprocess import reprocess
from nianbao.flows.runners import task_runner
from nianbao.flows.settings import Settings
from tests.flows.harness import PICKED, make_source, warehouse_cells, warehouse_reports
from tests.sources.portal import free_port


@pytest.fixture(scope="module", autouse=True)
def prefect_api() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(autouse=True)
def fast_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_HTTP_RETRIES", "1")
    monkeypatch.setenv("NIANBAO_HTTP_BACKOFF", "0.01")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object, float]:
    root = tmp_path_factory.mktemp("nightly")
    dead = f"http://127.0.0.1:{free_port()}/col/col1/index.html"
    yaml_path = make_source(root / "src", list_page=dead)
    mp = pytest.MonkeyPatch()
    mp.setenv("NIANBAO_HTTP_RETRIES", "1")
    mp.setenv("NIANBAO_HTTP_BACKOFF", "0.01")
    clock = time.perf_counter()
    summary = nightly(source=str(yaml_path), data_dir=str(root / "data"))
    mp.undo()
    return root, yaml_path, summary, time.perf_counter() - clock


def test_bad_file_and_dead_source_are_reported_and_the_rest_loads(first_run: tuple) -> None:
    root, _, s, _ = first_run
    assert (s.sources, s.files_seen, s.to_parse, s.skipped) == (5, 5, 5, 0)
    assert (s.loaded, s.new_versions) == (5, 0)
    assert s.statuses == {"ok": 4, "failed": 1}
    reasons = dict(s.failed)
    assert reasons[str(root / "src/reports/bad.docx")] == "not a .docx: the file is not a zip package"
    (dead,) = [loc for loc in reasons if loc.startswith("http://")]
    assert reasons[dead].startswith("unreachable (ConnectError") and reasons[dead].endswith(
        "after 2 attempts"
    )
    assert warehouse_reports(root / "data/nianbao.duckdb") == [
        ("bad.docx", "failed", None, None, None),
        ("bailu_2020.html", "ok", "青溪市云岭区白鹭镇人民政府", 2020, "白鹭镇"),
        ("qinglan_2020.txt", "ok", "青溪市云岭区青岚乡人民政府", 2020, "青岚乡"),
        ("songxi_2020.docx", "ok", "青溪市云岭区松溪镇人民政府", 2020, "松溪镇"),
        ("songxi_2022.docx", "ok", "青溪市云岭区松溪镇人民政府", 2022, "松溪镇"),
    ]


def test_warehouse_holds_exactly_what_the_extractor_gave(first_run: tuple) -> None:
    root, *_ = first_run
    expected = sorted(
        (r.sha256, c.table, c.row_code, c.col_code, None if c.value is None else float(c.value), c.raw)
        for r in (extract_file(root / "src/reports" / Path(p).name) for p in PICKED)
        for c in r.cells
    )
    assert len(expected) == 3 * 198 + 200  # three reports on the 2019 format, one on the 2021 format
    assert warehouse_cells(root / "data/nianbao.duckdb") == expected


def test_outputs_published(first_run: tuple) -> None:
    root, _, s, _ = first_run
    assert s.outputs["snapshot"] == str(root / "data/snapshot/nianbao.duckdb")
    assert Path(s.outputs["snapshot"]).is_file()
    assert Path(s.outputs["comparison"]) == root / "data/exports/comparison.xlsx"
    assert Path(s.outputs["comparison"]).stat().st_size > 0
    assert list((root / "data/exports/parquet").rglob("*.parquet"))


def test_summary_artifact(first_run: tuple) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def latest() -> str:
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["nightly-summary"]))
            )
            return str(found[0].data)

    text = asyncio.run(latest())
    assert "| files seen | 5 |" in text and "| reports loaded | 5 |" in text
    assert "bad.docx` | not a .docx: the file is not a zip package |" in text


def test_second_run_parses_nothing(first_run: tuple) -> None:
    root, yaml_path, _, first_seconds = first_run
    before = warehouse_cells(root / "data/nianbao.duckdb")
    clock = time.perf_counter()
    s = nightly(source=str(yaml_path), data_dir=str(root / "data"))
    seconds = time.perf_counter() - clock
    assert (s.files_seen, s.to_parse, s.skipped, s.loaded, s.statuses) == (5, 0, 5, 0, {})
    assert s.outputs == {}  # nothing changed: the snapshot is not rewritten
    assert warehouse_cells(root / "data/nianbao.duckdb") == before
    assert seconds < first_seconds


def test_reprocess_chosen_file_makes_no_duplicate(first_run: tuple) -> None:
    root, *_ = first_run
    songxi = root / "src/reports/songxi_2020.docx"
    s = reprocess(paths=[str(songxi)], data_dir=str(root / "data"))
    assert (s.files_seen, s.to_parse, s.loaded + s.unchanged) == (1, 1, 1)
    assert len(warehouse_reports(root / "data/nianbao.duckdb")) == 5


def test_dask_gives_the_same_warehouse(first_run: tuple, tmp_path: Path) -> None:
    root, yaml_path, *_ = first_run
    runner = task_runner(Settings(workers=2), dask=True)
    runner.cluster_kwargs["processes"] = False  # threads in this process: same code path, fast start
    s = nightly.with_options(task_runner=runner)(source=str(yaml_path), data_dir=str(tmp_path / "data"))
    assert (s.loaded, s.statuses) == (5, {"ok": 4, "failed": 1})
    assert warehouse_cells(tmp_path / "data/nianbao.duckdb") == warehouse_cells(root / "data/nianbao.duckdb")


def test_backfill_loads_only_the_years_asked(first_run: tuple, tmp_path: Path) -> None:
    from nianbao.flows.backfill import backfill

    _, yaml_path, *_ = first_run
    s = backfill(years=[2022], districts=["云岭区"], source=str(yaml_path), data_dir=str(tmp_path / "data"))
    assert (s.to_parse, s.loaded, s.out_of_range) == (5, 2, 3)
    assert [r[:2] for r in warehouse_reports(tmp_path / "data/nianbao.duckdb")] == [
        ("bad.docx", "failed"),
        ("songxi_2022.docx", "ok"),
    ]


def test_reprocess_by_report_id(first_run: tuple) -> None:
    from nianbao.sources.store import sha256_of

    root, *_ = first_run
    sha = sha256_of(root / "src/reports/qinglan_2020.txt")
    s = reprocess(report_ids=[sha[:10]], data_dir=str(root / "data"))
    assert (s.files_seen, s.to_parse, s.statuses, s.loaded + s.unchanged) == (1, 1, {"ok": 1}, 1)
    assert len(warehouse_reports(root / "data/nianbao.duckdb")) == 5
