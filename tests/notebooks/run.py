"""Execute a notebook of notebooks/ with nbclient in a real kernel, against a given snapshot."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from tests.conftest import REPO


def execute(name: str, snapshot: Path, probe: str = "") -> Any:
    """Run notebooks/NAME in the project's environment; returns the executed notebook.

    `probe` is code appended as a last cell (its printed output is read by `probed`), so a test
    can check the notebook's variables exactly.
    """
    nb = nbformat.read(REPO / "notebooks" / name, as_version=4)
    if probe:
        nb.cells.append(nbformat.v4.new_code_cell(probe, id="probe"))
    env = {
        **os.environ,
        "NIANBAO_DATA_DIR": str(snapshot.parent.parent),  # the snapshot is DATA_DIR/snapshot/nianbao.duckdb
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    client = NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(REPO / "notebooks")}}
    )
    client.execute(env=env)  # the kernel's environment only; this process's stays as it was
    return nb


def probed(nb: Any) -> Any:
    """The JSON the probe cell printed."""
    import json

    return json.loads("".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout"))


def outputs(nb: Any) -> list[dict[str, Any]]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def text_of(nb: Any, cell_source_start: str) -> str:
    """The text/plain result of the code cell whose source starts with the given text."""
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith(cell_source_start))
    return "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def stderr_of(nb: Any) -> str:
    return "".join(o.get("text", "") for o in outputs(nb) if o.get("name") == "stderr")


def images(nb: Any) -> list[str]:
    return [o["data"]["image/png"] for o in outputs(nb) if "image/png" in o.get("data", {})]


def stripped(name: str) -> bool:
    """True when the committed notebook has no outputs and no execution counts."""
    nb = nbformat.read(REPO / "notebooks" / name, as_version=4)
    return all(
        not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code"
    )
