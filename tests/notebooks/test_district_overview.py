"""The analysts' notebook runs against a real snapshot built from sample reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import extract_file
from tests.conftest import REPO, SAMPLES
from warehouse import Warehouse

NOTEBOOK = REPO / "notebooks" / "district_overview.ipynb"


def test_notebook_runs_on_a_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted((SAMPLES / "reports").rglob("*.docx"))[:4]
    with Warehouse(tmp_path / "work.duckdb") as wh:
        wh.load([extract_file(f) for f in files])
        snapshot = wh.publish_snapshot(tmp_path / "snapshot.duckdb")
    monkeypatch.setenv("NIANBAO_SNAPSHOT", str(snapshot))
    namespace: dict[str, object] = {}
    for cell in json.loads(NOTEBOOK.read_text("utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), namespace)  # noqa: S102 - our own notebook
    overview = namespace["overview"]
    assert len(overview) == len(files)  # type: ignore[arg-type]
    assert set(namespace["side_by_side"].columns) <= {2020, 2022, 2023}  # type: ignore[attr-defined]
