"""`make notebooks` runs every notebook headless, copied away from notebooks/ (no ../data)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO
from tests.warehouse.district_data import build


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("nbmake") / "data"
    build(data)
    return data


def test_make_notebooks_executes_each_notebook_from_a_scratch_folder(data_dir: Path, tmp_path: Path) -> None:
    venv = Path(sys.executable).parent.parent
    out = tmp_path / "executed"
    run = subprocess.run(
        [
            "make",
            "-C",
            str(REPO),
            "notebooks",
            f"VENV={venv}",
            f"NB_DATA={data_dir}",
            f"NB_OUT={out}",
            "-o",
            f"{venv}/.installed",  # the environment is there: do not set it up again
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if not k.startswith("NIANBAO_")},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    names = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in out.glob("*.ipynb")) == names and len(names) >= 2
    for name in names:
        nb = nbformat.read(out / name, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), name  # every cell ran
        assert not [o for c in code for o in c.outputs if o.get("output_type") == "error"], name


def test_no_notebook_reads_a_path_relative_to_its_folder() -> None:
    for path in (REPO / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert not any("../" in c.source for c in nb.cells if c.cell_type == "code"), path.name


def test_make_notebooks_fails_without_a_snapshot(tmp_path: Path) -> None:
    venv = Path(sys.executable).parent.parent
    run = subprocess.run(
        [
            "make",
            "-C",
            str(REPO),
            "notebooks",
            f"VENV={venv}",
            f"NB_DATA={tmp_path}",
            "-o",
            f"{venv}/.installed",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode != 0 and "no snapshot" in run.stdout + run.stderr
