"""Every cell of every report in ../shared/corpus, compared with its verified expected values."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nianbao.extractors import extract_file
from tests.conftest import SHARED, needs_shared
from tests.expected import mismatches, variants_ok

CORPUS = SHARED / "corpus"
STEMS = ["wangdian_2019", "template_2021_blank", "huaian_2024", "hongze_2023"]


def _doc(stem: str) -> Path:
    return next((CORPUS / "real").glob(stem + ".*"))


def _issuer_ok(got: str | None, truth: dict) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"(人民政府办公室|人民政府|办公室|办事处)$", "", s or "")

    names = [truth.get("issuer")] + list(truth.get("alt_issuers") or [])
    return got is not None and any(norm(got) == norm(n) for n in names if n)


@needs_shared
@pytest.mark.parametrize("stem", STEMS)
def test_every_cell_matches_expected(stem: str) -> None:
    truth = json.loads((CORPUS / "expected" / f"{stem}.json").read_text("utf-8"))
    report = extract_file(_doc(stem))
    assert report.status != "failed", report.error
    assert mismatches(report, truth) == []
    assert variants_ok(report, truth), report.variants
    assert report.year == truth.get("report_year")
    if truth.get("issuer"):
        assert _issuer_ok(report.issuer, truth), report.issuer
    if truth.get("published"):
        assert report.published == truth["published"]
