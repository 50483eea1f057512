"""validate() on the real corpus, through the real extractor (../shared/corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.schemas.validate import validate
from tests.conftest import needs_shared


@needs_shared
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # hongze_2023: exactly the two table-4 identity failures, marked as source inconsistencies
        (
            "hongze_2023.pdf",
            [("t4_block_total", "error", True, 11, 0), ("t4_block_total", "error", True, 5, 0)],
        ),
        # wangdian_2019: no identity failure; tables 3 and 4 are blank (declared （无）), never zeros
        ("wangdian_2019.txt", [("no_data", "info", None, None, None), ("no_data", "info", None, None, None)]),
        # huaian_2024: identities and narrative figures (受理3119, 复议351, 诉讼46, 顺延103) all agree
        ("huaian_2024.pdf", []),
    ],
)
def test_corpus_findings(shared_corpus: Path, name: str, expected: list[tuple[object, ...]]) -> None:
    from nianbao.extractors import extract_file

    report = extract_file(shared_corpus / "real" / name)
    found = [(f.rule, f.severity, f.source_inconsistent, f.expected, f.actual) for f in validate(report)]
    assert found == expected
