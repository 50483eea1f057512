"""Every bundled sample report, extracted and compared cell by cell with its truth file.

Text formats and text PDFs must be exact; OCR'd scans must reach 99.5% of cells, and every wrong
OCR cell must be caught by a finding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.extractors import extract_file
from tests.conftest import SAMPLES
from tests.expected import expected_cells, mismatches, variants_ok

TRUTHS = sorted((SAMPLES / "reports").rglob("*.truth.json"))


def _doc(truth_path: Path) -> Path:
    return truth_path.with_name(truth_path.name[: -len(".truth.json")])


def _is_scan(truth: dict) -> bool:
    return "scan" in str(truth.get("render_format") or truth.get("format") or "").lower()


def test_sample_corpus_is_bundled() -> None:
    assert len(TRUTHS) >= 24, "samples/reports must hold at least 8 townships x 3 years"


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name[: -len(".truth.json")])
def test_sample_report(truth_path: Path) -> None:
    truth = json.loads(truth_path.read_text("utf-8"))
    report = extract_file(_doc(truth_path))
    assert report.status != "failed", report.error
    errors = mismatches(report, truth)
    if _is_scan(truth):
        scored = sum(1 for v in expected_cells(truth).values() if v is not None)
        assert len(errors) <= 0.005 * scored, errors
        flagged = {
            f.message
            for f in report.findings
            if f.rule in ("low_confidence", "suspect_value", "row_ambiguous")
        }
        for e in errors:  # every wrong OCR cell is caught by a finding
            table, row, col = e.split(":")[0].strip("()").replace("'", "").split(", ")
            assert any(f"{table}.{row}" in m for m in flagged), e
    else:
        assert errors == []
    assert variants_ok(report, truth), report.variants
    assert report.year == truth["report_year"]
    if truth.get("published") and report.format != "xlsx":  # a statistics attachment carries no date
        assert report.published == truth["published"]
