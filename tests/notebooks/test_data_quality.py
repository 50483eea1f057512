"""The data-quality notebook runs in a real kernel against a snapshot of sample reports."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.notebooks.run import execute, images, stderr_of, stripped, text_of
from tests.warehouse.district_data import build


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("nbq") / "data")[1]


def test_notebook_runs_on_a_snapshot(snapshot: Path) -> None:
    nb = execute("data_quality.ipynb", snapshot)
    assert len(images(nb)) == 2  # findings per township, OCR confidence (a scanned sample is included)
    assert "missing from font" not in stderr_of(nb)
    con = duckdb.connect(str(snapshot), read_only=True)
    top = con.execute(
        "select r.township, count(*) - count(c.value) from cells c join current_reports r using (report_id) "
        "group by r.township, r.year order by 2 desc, r.township, r.year limit 1"
    ).fetchone()
    formats = con.execute(
        "select count(distinct (format, parser_version, status)) from current_reports"
    ).fetchone()
    con.close()
    assert top is not None and formats is not None
    first = text_of(nb, "blanks = ").splitlines()[1].split()
    assert first[1] == top[0] and int(first[5]) == top[1]
    assert len(text_of(nb, "formats = ").splitlines()) == formats[0] + 1
    assert "Empty DataFrame" in text_of(nb, "corrections = ")


def test_committed_without_outputs() -> None:
    assert stripped("data_quality.ipynb")
