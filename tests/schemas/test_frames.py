"""The frame schema: declarations driven by the template, and a report's violations as findings."""

from __future__ import annotations

import tomllib
from datetime import datetime

import pandas as pd
import pytest

from nianbao.schemas import TEMPLATE
from nianbao.schemas.frames import (
    CELLS,
    FINDINGS,
    FRAME_RULES,
    WAREHOUSE_CELLS,
    WAREHOUSE_FINDINGS,
    WAREHOUSE_REPORTS,
    allowed_pairs,
    check,
    check_frame,
    value_kind,
)
from nianbao.schemas.records import Finding
from nianbao.schemas.validate import RULES, validate
from nianbao.warehouse import load as ld
from tests.conftest import REPO
from tests.schemas.builders import make_report, set_cell


def _rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def test_a_consistent_report_breaks_nothing() -> None:
    for t2, t3 in (("2021", "2021"), ("2019", "2019"), ("2021", "2019")):
        assert check(make_report(t2=t2, t3=t3)) == []


def test_unknown_row_code_is_a_finding() -> None:
    rep = make_report()
    rep.cell("t3", "new", "natural").row_code = "nonsense"  # type: ignore[union-attr]
    found = check(rep)
    assert _rules(found) == ["unknown_code"]
    assert found[0].cells == {"t3.nonsense.natural": 12}
    assert found[0].severity == "error" and found[0].source_inconsistent is False
    assert "t3.nonsense.natural=12" in found[0].message


def test_row_of_the_other_variant_is_unknown() -> None:
    # （六）其他处理 is a data row (r6) only in the 2019 table 3: in a 2021 report it is unknown.
    rep = make_report(t3="2021")
    rep.cell("t3", "r6_1", "total").row_code = "r6"  # type: ignore[union-attr]
    assert check(rep)[0].cells == {"t3.r6.total": 0}
    rep.variants["t3"] = "2019"
    assert "unknown_code" in _rules(check(rep))  # r6_2 etc. are now the unknown ones
    assert "t3.r6.total" not in check(rep)[0].cells


def test_float_in_a_count_column_is_a_finding() -> None:
    rep = make_report()
    set_cell(rep, "t3", "new", "natural", 12.5, "12.5")
    set_cell(rep, "t4", "review", "upheld", 2.0, "2.0")
    found = check(rep)
    assert _rules(found) == ["count_not_integer"]
    assert found[0].cells == {"t3.new.natural": 12.5, "t4.review.upheld": 2.0}


def test_float_in_an_amount_column_is_fine() -> None:
    rep = make_report()
    set_cell(rep, "t2", "fees", "fee_amount", 1.105, "1.105")
    assert value_kind("t2", "fee_amount") == "amount" and value_kind("t3", "total") == "count"
    assert check(rep) == []


@pytest.mark.parametrize("raw", ["", "\u3000", "-", "无", "——"])
def test_zero_where_the_print_is_blank_is_a_finding(raw: str) -> None:
    rep = make_report()
    set_cell(rep, "t4", "suit_direct", "upheld", 0, raw)
    found = check(rep)
    assert _rules(found) == ["blank_as_zero"]
    assert found[0].cells == {"t4.suit_direct.upheld": 0}


def test_printed_zero_and_true_blank_break_nothing() -> None:
    rep = make_report()
    set_cell(rep, "t4", "suit_direct", "upheld", 0, "0")
    set_cell(rep, "t4", "suit_after_review", "upheld", None, "")
    assert check(rep) == []


def test_missing_wrong_type_domain_and_range() -> None:
    rep = make_report(year=1899)
    rep.status = "finished"  # type: ignore[assignment]
    c = rep.cell("t3", "new", "business")
    assert c is not None and c.provenance is not None
    c.raw = None  # type: ignore[assignment]
    c.provenance.page = 0
    rep.cell("t3", "new", "research").value = "3"  # type: ignore[union-attr,assignment]
    rep.cell("t2", "rules", "issued").block = "第二十条第（十）项"  # type: ignore[union-attr]
    found = {f.rule: f.cells for f in check(rep)}
    assert found == {
        "frame_type": {"t3.new.research": "3"},
        "frame_missing": {"t3.new.business": None},
        "frame_domain": {"report.status": "finished", "t2.rules.issued": "第二十条第（十）项"},
        "frame_range": {"report.year": 1899, "t3.new.business": 0},
    }
    assert [f.severity for f in check(rep)] == ["error", "error", "error", "warning"]


def test_validate_runs_the_frame_schema_and_never_raises() -> None:
    rep = make_report()
    set_cell(rep, "t4", "suit_direct", "upheld", 0, "")
    rep.cell("t3", "new", "business").row_code = "nonsense"  # type: ignore[union-attr]
    rules = _rules(validate(rep))
    assert rules[:2] == ["unknown_code", "blank_as_zero"]


def test_every_frame_rule_is_documented_in_both_languages() -> None:
    data = tomllib.loads((REPO / "schemas/templates/rules.toml").read_text("utf-8"))
    by_code = {r["code"]: r for r in data["rules"]}
    for code in FRAME_RULES:
        assert code in RULES
        if code != "unknown_code":  # older than the frame schema: its description is its message
            assert by_code[code]["message_en"] and by_code[code]["message_zh"], code
            assert by_code[code]["group"] == "frame"


def test_allowed_codes_come_from_the_template() -> None:
    t2_2021 = {(r, c) for b in TEMPLATE.blocks for r in b.rows["2021"] for c in b.columns["2021"]}
    assert allowed_pairs("t2", "2021") == t2_2021
    assert ("licensing", "decisions") in t2_2021 and ("licensing", "issued") not in t2_2021
    assert len(allowed_pairs("t3", "2019")) == 7 * len(TEMPLATE.table("t3").rows_for("2019"))
    # an unknown variant allows either variant's cells
    assert allowed_pairs("t3", None) == allowed_pairs("t3", "2019") | allowed_pairs("t3", "2021")


def test_build_gives_the_declared_dtypes() -> None:
    data = {n: [None] for n in CELLS.names} | {"value": [3], "amount": [1.105], "raw": ["3"]}
    df = CELLS.build(data)
    assert list(df.columns) == CELLS.names
    assert {k: str(v) for k, v in df.dtypes.items()} == CELLS.dtypes
    assert df.loc[0, "value"] == 3 and df.loc[0, "amount"] == 1.105 and df.loc[0, "page"] is pd.NA
    with pytest.raises(KeyError, match="no data for columns"):
        CELLS.build({"value": [1]})
    assert FINDINGS.names[:3] == ["source", "issuer", "year"]


def test_the_warehouse_frames_are_built_through_the_schema() -> None:
    rep = make_report()
    rep.cells[0].value, rep.cells[0].raw = None, ""
    planned = [ld.Planned(1, rep, ld.report_key(rep), 1)]
    frames = {
        WAREHOUSE_REPORTS: ld.reports_frame(planned, {1: 7}, datetime(2024, 1, 2)),
        WAREHOUSE_CELLS: ld.cells_frame(planned),
        WAREHOUSE_FINDINGS: ld.findings_frame({1: [("validate", f) for f in validate(rep)]}),
    }
    for schema, df in frames.items():
        assert list(df.columns) == schema.names
        for col in schema.columns:  # strings travel as plain str (DuckDB reads both as VARCHAR)
            want = ("object", "str") if col.dtype == "string" else (col.dtype,)
            assert str(df[col.name].dtype) in want, col
    cells = frames[WAREHOUSE_CELLS]
    assert len(cells) == len(rep.cells) and cells["value"].isna().sum() == 1
    assert cells.loc[0, "value"] is pd.NA  # a blank stays missing on its way to DuckDB, never 0
    assert frames[WAREHOUSE_REPORTS].loc[0, "region_id"] == 7


def test_check_frame_names_columns_and_rows() -> None:
    data = {n: [None, None] for n in CELLS.names} | {
        "source": ["a.docx", None],
        "table": ["t3", "t3"],
        "row_code": ["new", "new"],
        "col_code": ["total", "total"],
        "raw": ["1", ""],
        "status": ["ok", "done"],
        "year": [2023, 1900],
    }
    df = CELLS.build(data)
    assert check_frame(df, CELLS) == check_frame(df, CELLS)
    found = {f.rule: f.cells for f in check_frame(df, CELLS)}
    assert found == {
        "frame_missing": {"source": [1]},
        "frame_domain": {"status": [1]},
        "frame_range": {"year": [1]},
    }
    df["value"] = df["value"].astype("float64")
    df = df.drop(columns=["note"])
    found = {f.rule: f.cells for f in check_frame(df, CELLS)}
    assert found["frame_type"] == {"value": "dtype float64, declared Int64"}
    assert found["frame_missing"] == {"source": [1], "note": "no such column"}


def test_frames_from_read_pass_check_frame() -> None:
    from nianbao.api import read

    rep = make_report()
    assert check_frame(read(rep), CELLS) == []
