"""The README's shown command output is what the commands print now (scripts/readme.py --update fixes it)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "readme.py"


def _readme() -> ModuleType:
    spec = importlib.util.spec_from_file_location("readme_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_normalise_keeps_what_matters() -> None:
    readme = _readme()
    assert readme.normalise("time: 56.1 s total, flow 36.4 s\nextract  ━━━━ 25/25 0:00:30  \n") == (
        "time: N s total, flow N s\nextract  ━ 25/25 H:MM:SS\n"
    )
    assert readme.normalise("failed: 1") != readme.normalise("failed: 0")


def test_blocks_are_found() -> None:
    readme = _readme()
    commands = [b.command for b in readme.blocks(readme.README.read_text("utf-8"))]
    assert commands[:3] == [
        "nianbao run",
        "nianbao extract samples/reports/2023/qinglan_2023.docx",
        "nianbao --help",
    ]


@pytest.mark.slow
def test_readme_output_is_current() -> None:
    stale = _readme().check(update=False)
    assert stale == [], "\n\n".join(stale) + "\n\nrun: .venv/bin/python scripts/readme.py --update"


def test_the_analysts_block_is_generated_and_checked() -> None:
    """The analysts' commands are a checked session, and the list of views is made from the dictionary."""
    readme = _readme()
    found = readme.blocks(readme.README.read_text("utf-8"))
    session = next(b for b in found if b.kind == "each")
    commands = session.command.splitlines()
    assert len(commands) >= 10 and all(c.startswith("nianbao ") for c in commands)
    assert {c.split()[1] for c in commands} >= {"query", "show", "explain", "findings", "compare", "override"}
    assert [line[2:] for line in session.shown.splitlines() if line.startswith("$ ")] == commands
    views = next(b for b in found if b.kind == "generated" and b.command == "views")
    assert views.shown == readme.views()
    listed = [line.split("`")[1] for line in views.shown.splitlines()]
    assert {"coverage", "report_overview", "review_litigation", "cells_analysed"} <= set(listed)
    assert session.start > views.start > found[0].start  # after `nianbao run`, which builds ./data


def test_volatile_times_of_corrections_are_normalised() -> None:
    readme = _readme()
    assert readme.normalise("1  王明  2026-11-28 13:00:55\n") == readme.normalise(
        "1  王明  2026-12-04 17:02:11.123\n"
    )
