"""The robustness suite in the normal test run: the reduced set of generated hostile and mutated
inputs, each extracted in a worker process under a memory rlimit and a wall-clock limit.

`ROBUSTNESS_FULL=1 pytest tests/robustness` runs the full set (>= 1,000 cases) instead; so does
`python -m tests.robustness.run --full`, which also prints the summary. See docs/robustness.md.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from tests.robustness.generate import generate
from tests.robustness.run import Outcome, run_cases

FULL = os.environ.get("ROBUSTNESS_FULL") == "1"


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    where: Path = tmp_path_factory.mktemp("robustness")
    return run_cases(generate(where, seed=2024, full=FULL), workers=2)


def _problems(outcomes: list[Outcome], prefix: str) -> list[str]:
    return [f"{o.case.name}: {p}" for o in outcomes for p in o.problems if p.startswith(prefix)]


def test_every_format_and_attack_is_covered(outcomes: list[Outcome]) -> None:
    exts = Counter(o.case.path.suffix.lower() for o in outcomes)
    for ext in (".docx", ".html", ".txt", ".pdf", ".doc", ".wps", ".xls", ".xlsx", ".png", ".jpg", ".gif"):
        assert exts[ext] > 0, ext
    families = {o.case.family for o in outcomes}
    assert {
        "pdf-stream-bomb", "pdf-huge-page", "gigantic-spans", "gigantic-tables", "special-file",
        "duplicate-member", "zip-bomb", "xml-entities", "encrypted", "binary-garbage", "hostile-name",
        "empty-paragraphs", "mutated-flip", "mutated-truncate", "mutated-rename",
    } <= families  # fmt: skip
    assert len(outcomes) >= (1000 if FULL else 250)


def test_no_crash(outcomes: list[Outcome]) -> None:
    assert _problems(outcomes, "crash") == []


def test_no_hang(outcomes: list[Outcome]) -> None:
    assert _problems(outcomes, "hang") == []


def test_no_memory_over_the_limit(outcomes: list[Outcome]) -> None:
    assert _problems(outcomes, "memory") == []


def test_failures_carry_a_clear_reason_and_hostile_files_are_refused(outcomes: list[Outcome]) -> None:
    others = ("failed without", "reason ", "expected a refusal")
    assert [p for o in outcomes for p in o.problems if p.startswith(others)] == []
    refused = [o for o in outcomes if o.case.expect == "failed"]
    assert refused and all(o.kind == "failed" for o in refused)


def test_no_wrong_number_without_a_finding(outcomes: list[Outcome]) -> None:
    checked = [o for o in outcomes if o.case.truth is not None]
    assert len(checked) >= 60
    assert _problems(outcomes, "wrong number") == []
