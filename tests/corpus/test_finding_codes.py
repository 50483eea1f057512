"""Every finding code the extractor or validation emits on the bundled samples (and on the invented
quirk reports) is documented: in rules.toml with severity, both messages and its meaning, and in the
generated data dictionary."""

from __future__ import annotations

from pathlib import Path

from nianbao.extractors import extract_file
from nianbao.schemas.validate import RULES, validate
from tests.conftest import REPO, SAMPLES
from tests.extractors.quirk_reports import QuirkReport

DICTIONARY = (REPO / "docs" / "data-dictionary.md").read_text("utf-8")


def _emitted(paths: list[Path]) -> dict[str, set[str]]:
    """rule code -> the origins it was emitted with."""
    out: dict[str, set[str]] = {}
    for path in paths:
        report = extract_file(path)
        for f in report.findings + validate(report):
            out.setdefault(f.rule, set()).add(str(f.origin))
    return out


def test_every_emitted_code_is_documented(tmp_path: Path) -> None:
    docs = [p for p in sorted((SAMPLES / "reports").rglob("*")) if p.is_file() and ".truth" not in p.name]
    q = QuirkReport.build("2021")
    run = tmp_path / "run_together.txt"
    run.write_text(q.run_together(), "utf-8")
    emitted = _emitted([*docs, run])
    assert {"digits_split", "digits_run_together", "missing_cells"} <= set(emitted)
    for code, origins in emitted.items():
        assert code in RULES, f"{code} is emitted but not in rules.toml"
        rule = RULES[code]
        assert origins == {rule.origin}, (code, origins, rule.origin)
        assert rule.message_zh and rule.message_en and rule.description, code
        assert f"| `{code}` | {rule.severity} |" in DICTIONARY, f"{code} missing from docs/data-dictionary.md"


def test_parser_and_validation_do_not_report_the_same_fact() -> None:
    """Completeness is validation's: the parser has no code of its own for a missing table or cell."""
    parser_codes = {r.code for r in RULES.values() if r.origin == "parser"}
    assert not {"table_missing", "cells_missing"} & set(RULES)
    assert parser_codes.isdisjoint({"missing_table", "missing_cells", "missing_section"})
