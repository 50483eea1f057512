"""The source errors planted in the sample corpus are caught once the reports are in the warehouse
(cross-year checks need the previous year, so this goes through a real DuckDB load)."""

from __future__ import annotations

import json
from pathlib import Path

from nianbao.extractors import extract_file
from nianbao.warehouse import Warehouse
from tests.conftest import SAMPLES

# The sample truth files name the carry-over rule as the brief did; schemas/templates/rules.toml
# calls it carry_over_mismatch.
RULE_NAMES = {"cross_year_carry_over": "carry_over_mismatch"}


def test_planted_findings_are_reported(tmp_path: Path) -> None:
    truths = {
        p: json.loads(p.read_text("utf-8")) for p in sorted((SAMPLES / "reports").rglob("*.truth.json"))
    }
    # Scans are left out for speed; none of them carries a planted error.
    docs = [
        p.with_name(p.name[: -len(".truth.json")])
        for p, t in truths.items()
        if "scan" not in str(t.get("format"))
    ]
    docs = [d for d in docs if d.suffix != ".xlsx"]  # the attachment would supersede its report
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(sorted((extract_file(d) for d in docs), key=lambda r: r.year or 0))
        rows = wh.query(
            "SELECT r.source, f.rule, f.cells FROM findings f JOIN reports r USING (report_id) "
            "WHERE r.superseded_by IS NULL"
        )
    found: dict[str, set[str]] = {}
    for source, rule, cells in rows:
        found.setdefault(Path(source).name, set()).add(rule)
        if rule == "misprinted_cell":  # one misprinted cell stands for the identity failures it explains
            found[Path(source).name].update(json.loads(cells)["checks"])
    planted = 0
    for p, truth in truths.items():
        doc = p.name[: -len(".truth.json")]
        want = {e if isinstance(e, str) else e.get("rule") for e in truth.get("expected_findings") or []}
        want = {RULE_NAMES.get(w, w) for w in want}
        if not want or Path(doc).suffix == ".xlsx":
            continue
        planted += 1
        assert want <= found.get(doc, set()), (doc, want, found.get(doc))
    assert planted >= 6
