"""`nianbao extract`: the JSON contract and the readable summary, run in-process."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from nianbao.cli import app
from tests.conftest import SAMPLES

DOC = SAMPLES / "reports" / "2023" / "qinglan_2023.docx"
CONTRACT = {"source", "sha256", "format", "issuer", "year", "published", "variants", "cells", "findings",
            "status", "error"}  # fmt: skip


def test_json_contract_one_line_per_file() -> None:
    result = CliRunner().invoke(app, ["extract", str(DOC), str(DOC), "--json"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    obj = json.loads(lines[0])
    assert CONTRACT <= set(obj)
    assert obj["variants"] == {"t2": "2021", "t3": "2019"}
    cell = obj["cells"][0]
    assert {"table", "block", "row_label", "col_label", "value", "raw", "unit", "page"} <= set(cell)
    rules = [f["rule"] for f in obj["findings"]]
    assert rules.count("t4_block_total") == 1  # the planted 总计 printed 0, reported not repaired
    review_total = next(
        c
        for c in obj["cells"]
        if c["table"] == "t4" and c["row_code"] == "review" and c["col_code"] == "total"
    )
    assert review_total["value"] == 0


def test_summary_and_no_validate() -> None:
    result = CliRunner().invoke(app, ["extract", str(DOC)])
    assert result.exit_code == 0
    assert "variants t2=2021 t3=2019" in result.stdout
    assert "t4_block_total" in result.stdout
    quiet = CliRunner().invoke(app, ["extract", str(DOC), "--no-validate"])
    assert "t4_block_total" not in quiet.stdout


def test_bad_file_is_reported_not_raised(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = CliRunner().invoke(app, ["extract", str(bad), "--json"])
    assert result.exit_code == 1  # some inputs failed
    obj = json.loads(result.stdout)
    assert obj["status"] == "failed" and obj["error"]
