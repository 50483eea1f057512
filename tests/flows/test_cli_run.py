"""`nianbao run` as a user runs it: a subprocess with its embedded Prefect API under the data folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.flows.harness import make_source

NIANBAO = str(Path(sys.executable).parent / "nianbao")


def _run(args: list[str], cwd: Path, code: int) -> tuple[list[str], float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    done = subprocess.run(
        [NIANBAO, "run", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == code, done.stdout + done.stderr
    lines = [
        ln.rstrip()
        for ln in done.stdout.splitlines()
        if ln.strip() and not ln.startswith(("fetch ", "extract "))
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
