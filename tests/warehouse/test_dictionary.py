"""The data dictionary is generated, and the views stay in step with the template."""

from __future__ import annotations

from pathlib import Path

from nianbao.schemas import TEMPLATE
from nianbao.warehouse import Warehouse
from nianbao.warehouse.dictionary import DOC_PATH, render


def test_data_dictionary_is_not_stale() -> None:
    assert DOC_PATH.exists(), "run: python -m nianbao.warehouse.dictionary"
    assert DOC_PATH.read_text("utf-8") == render(), (
        "docs/data-dictionary.md is stale: python -m nianbao.warehouse.dictionary"
    )


def test_every_column_is_described() -> None:
    rows = [line for line in render().splitlines() if line.startswith("| `")]
    assert rows and not [line for line in rows if line.endswith("|  |")]


def test_wide_views_have_a_column_per_template_code(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:

        def cols(view: str) -> set[str]:
            names = {r[0] for r in wh.query(f"DESCRIBE {view}")}
            return {{"natural_person": "natural"}.get(n, n) for n in names}  # an SQL keyword, renamed

        assert {c.code for c in TEMPLATE.table("t2").columns} <= cols("active_disclosure")
        assert {c.code for c in TEMPLATE.table("t3").columns} <= cols("applications")
        assert {
            f"{r.code}_{c.code}" for r in TEMPLATE.table("t4").rows for c in TEMPLATE.table("t4").columns
        } <= cols("review_litigation")
