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
