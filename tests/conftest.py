"""Shared test fixtures: where ../shared is, and how to compare a Report with an expected file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.install.wheel import WheelVenv, build_wheel_venv

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "samples"

needs_shared = pytest.mark.skipif(
    not (SHARED / "corpus").exists(), reason="../shared/corpus is not beside the repo"
)


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    return SHARED / "corpus"


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> WheelVenv:
    """A clean venv with nianbao installed from a wheel built from this checkout (tests/install/wheel.py)."""
    return build_wheel_venv(tmp_path_factory.mktemp("wheel"))


# `make test-fast` (pytest -m "not slow") is the edit loop: it leaves out every test that starts a
# Prefect API or server, LibreOffice, the OCR engine, a wheel build or a whole `nianbao run`.
# `make test` and CI run everything. Tests may also carry @pytest.mark.slow themselves.
SLOW_PATHS = (
    "tests/flows/",
    "tests/install/",
    "tests/notebooks/",
    "tests/scripts/test_readme.py",
    "tests/warehouse/test_crash.py",
    "tests/warehouse/test_snapshot.py",
    "tests/extractors/test_ocr.py",
    "tests/extractors/test_office.py",
    "tests/robustness/",
    "tests/corpus/test_finding_codes.py",
    "tests/test_api.py",
    "tests/test_cli_analyst.py",
    "tests/warehouse/test_html_report.py",
    "tests/warehouse/test_workbook.py",
    "tests/corpus/test_sample_findings.py",
)
# Parametrised cases that read a scan (OCR) or go through LibreOffice (.doc, .wps, .xls).
SLOW_CASES = (
    ".doc]",
    ".wps]",
    ".xls]",
    "heming_2022.pdf",
    "wangyue_2023.pdf",
    "libreoffice",
    "scan",
    "test_generator_is_deterministic",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).resolve().relative_to(REPO).as_posix()
        if path.startswith(SLOW_PATHS) or any(case in item.nodeid for case in SLOW_CASES):
            item.add_marker(pytest.mark.slow)
