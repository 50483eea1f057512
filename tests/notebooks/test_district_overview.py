"""The district overview notebook runs in a real kernel against a snapshot of sample reports."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.notebooks.run import execute, images, probed, stderr_of, stripped, text_of
from tests.warehouse.district_data import build


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("nb") / "data")[1]


def test_notebook_runs_on_a_snapshot(snapshot: Path) -> None:
    nb = execute(
        "district_overview.ipynb",
        snapshot,
        "import json\nprint(json.dumps({'rows': len(overview), 'new': float(overview['applications_new'].sum()), "
        "'missing': sorted(coverage[coverage.status == 'missing'].township), 'first': problems.severity.iloc[0]}))",
    )
    assert len(images(nb)) == 1  # the bar chart
    assert "missing from font" not in stderr_of(nb)  # Chinese labels found their glyphs
    con = duckdb.connect(str(snapshot), read_only=True)
    rows, new = con.execute("select count(*), sum(applications_new) from report_overview").fetchone() or (
        0,
        0,
    )
    missing = [
        r[0]
        for r in con.execute("select township from coverage where status = 'missing' order by 1").fetchall()
    ]
    con.close()
    assert probed(nb) == {"rows": rows, "new": float(new), "missing": missing, "first": "error"}
    assert missing and "missing" in text_of(nb, "coverage = ")


def test_committed_without_outputs() -> None:
    assert stripped("district_overview.ipynb")
