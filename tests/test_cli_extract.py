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


def test_someone_elses_manifest_two_folders_up_costs_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "manifest.jsonl").write_text(
        "".join(json.dumps({"id": i, "files": [i]}) + "\n" for i in range(1100)), "utf-8"
    )
    folder = tmp_path / "inbox" / "2023"
    folder.mkdir(parents=True)
    (folder / DOC.name).write_bytes(DOC.read_bytes())
    result = CliRunner().invoke(app, ["extract", str(folder / DOC.name), str(folder), "--json"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2  # the file given, and the same file in its folder
    assert json.loads(result.stdout.splitlines()[0])["source"] == str(folder / DOC.name)  # not from the file
    said = [ln for ln in result.stderr.splitlines() if "manifest" in ln]
    assert len(said) <= 1 and all("not a nianbao crawl manifest" in ln for ln in said), result.stderr


def test_an_empty_folder_is_said_with_exit_1(tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "dir.pdf"  # a folder named like a report
    (empty / "sub").mkdir(parents=True)
    (empty / "notes.md").write_text("no reports here", "utf-8")
    result = CliRunner().invoke(app, ["extract", str(empty), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"error: {empty}: no report files in this folder (looked for "
                                          ".pdf .doc(x) .wps .html .txt .xls(x) .et and images)"]  # fmt: skip
    both = CliRunner().invoke(app, ["extract", str(empty), str(DOC)])
    assert both.exit_code == 1 and "variants t2=2021 t3=2019" in both.stdout  # the rest is still read
