"""Helpers for tests that run real processes against warehouse files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    """Start `python -c code args…` in the repo, with the repo importable."""
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# Builds `n` consistent reports of distinct issuers for `year` (importable in a child process).
MAKE_BATCH = """
from tests.schemas.builders import make_report
def batch(n, year, tag=""):
    return [make_report(issuer=f"测试{tag}{i}镇人民政府", year=year) for i in range(n)]
"""
