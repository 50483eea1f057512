"""nianbao.schemas.validate on reports built in code, with the numbers of real reports where they matter."""

from __future__ import annotations

import pytest

from nianbao.schemas import Report
from nianbao.schemas.validate import RULES, cell_values, validate
from tests.schemas.builders import blank_table, make_report, set_cell, set_t4

HONGZE_T4 = [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]  # as printed in hongze_2023.pdf


def rules(findings: list) -> list[str]:
    return [f.rule for f in findings]


def test_consistent_report_has_no_findings() -> None:
    assert validate(make_report()) == []
    assert validate(make_report(t2="2019", t3="2019", year=2019)) == []


def test_hongze_2023_table4_gives_exactly_two_block_total_errors() -> None:
    rep = make_report(issuer="淮安市洪泽区人民政府", year=2023, t2="2021", t3="2019")
    set_t4(rep, HONGZE_T4)
    found = validate(rep)
    assert rules(found) == ["t4_block_total", "t4_block_total"]
    review, after = found
    assert review.severity == "error" and review.source_inconsistent is True
    assert review.cells == {
        "t4.review.total": 0,
        "t4.review.upheld": 10,
        "t4.review.corrected": 1,
        "t4.review.other": 0,
        "t4.review.pending": 0,
    }
    assert (review.expected, review.actual) == (11, 0)
    assert after.cells["t4.suit_after_review.upheld"] == 5
    assert (after.expected, after.actual) == (5, 0)
    # Nothing is repaired: the printed 0 is still there.
    assert rep.cell("t4", "review", "total").value == 0  # type: ignore[union-attr]


def test_identity1_failure_names_lhs_and_rhs() -> None:
    rep = make_report()
    total = rep.cell("t3", "carry_over", "total").value  # type: ignore[union-attr]
    set_cell(rep, "t3", "carry_over", "natural", 4)  # 12 + 2 != 11 + 4
    set_cell(rep, "t3", "carry_over", "total", total + 1)  # the row adds up; the balance fails twice
    found = validate(rep)
    assert rules(found) == ["t3_balance", "t3_balance"]  # two columns: no one cell explains both
    bal = next(f for f in found if "t3.carry_over.natural" in f.cells)
    assert bal.cells == {
        "t3.new.natural": 12,
        "t3.carried_in.natural": 2,
        "t3.r7_total.natural": 11,
        "t3.carry_over.natural": 4,
    }
    assert (bal.expected, bal.actual) == (15, 14)


def test_one_misprinted_cell_is_one_finding_with_the_value_the_identities_fix() -> None:
    rep = make_report()
    set_cell(rep, "t3", "carry_over", "natural", 4)  # balance at 自然人 and the row total of 四 both fail
    found = validate(rep)
    assert rules(found) == ["misprinted_cell"]
    f = found[0]
    assert f.severity == "error" and f.source_inconsistent is True
    assert f.cells == {"t3.carry_over.natural": 4, "checks": ["t3_balance", "t3_row_total"]}
    assert (f.expected, f.actual) == (3, 4)
    assert rep.cell("t3", "carry_over", "natural").value == 4  # type: ignore[union-attr]  # never repaired


def test_fenglin_2023_partial_total_is_pinpointed() -> None:
    """（二）部分公开 总计 printed 3 over parts of 2: row total and （七）总计 fail, one cell explains both."""
    rep = make_report(t3="2021")
    partial = rep.cell("t3", "r2_partial", "total").value  # type: ignore[union-attr]
    set_cell(rep, "t3", "r2_partial", "total", partial + 1)
    found = validate(rep)
    assert rules(found) == ["misprinted_cell"]
    assert found[0].cells["checks"] == ["t3_row_total", "t3_results_total"]
    assert (found[0].expected, found[0].actual) == (partial, partial + 1)


def test_no_should_be_when_the_identities_do_not_fix_one_cell() -> None:
    rep = make_report()
    for col in ("natural", "total"):  # r1_open still adds up; （七）总计 fails at 自然人 and at 总计
        set_cell(rep, "t3", "r1_open", col, rep.cell("t3", "r1_open", col).value + 5)  # type: ignore[operator,union-attr]
    found = validate(rep)
    assert rules(found) == ["t3_results_total", "t3_results_total"]  # two columns, no common cell
    # One failed position: the identities alone do not say which of its cells is wrong.
    rep = make_report()
    set_t4(rep, [2, 1, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    assert rules(validate(rep)) == ["t4_block_total"]


def test_a_fix_must_be_a_value_the_cell_can_hold() -> None:
    from nianbao.schemas.validate import misprint_candidates

    rep = make_report()
    set_t4(rep, [7, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])  # 总计 0: a part would have to be < 0
    found = misprint_candidates(cell_values(rep), rep.variants)
    assert [(k, v) for k, v, _c in found] == [(("t4", "review", "total"), 11.0)]
    assert rules(validate(rep)) == ["t4_block_total"]  # one check only: no "should be"


def test_identity3_results_total() -> None:
    rep = make_report(t3="2019")
    set_cell(rep, "t3", "r6", "natural", 1)
    set_cell(rep, "t3", "r6", "total", 1)
    found = validate(rep)
    assert rules(found) == ["t3_results_total", "t3_results_total"]  # natural and total columns
    assert {f.cells.get("t3.r6.natural", f.cells.get("t3.r6.total")) for f in found} == {1}


def test_blank_part_makes_identity_undeterminable_not_zero() -> None:
    rep = make_report()
    set_cell(rep, "t4", "review", "corrected", None)  # 2 + blank + 0 + 1 vs 4: not a contradiction
    found = validate(rep)
    assert rules(found) == ["identity_undeterminable"]
    assert found[0].severity == "info"
    assert found[0].cells == {"t4.review.corrected": None}


def test_blank_total_with_parts_present_is_its_own_finding() -> None:
    # 上海市科委 2024: 四、结转 总计 blank, its parts sum to 1.
    rep = make_report()
    set_cell(rep, "t3", "carry_over", "total", None)
    found = validate(rep)
    blank = [f for f in found if f.rule == "blank_total"]
    assert len(blank) == 1
    assert blank[0].expected == 3 and blank[0].actual is None
    assert blank[0].severity == RULES["blank_total"].severity
    # identity 1 in the 总计 column involves the blank: undeterminable, never an error
    assert "t3_balance" not in rules(found)
    assert any(f.rule == "identity_undeterminable" and "t3.carry_over.total" in f.cells for f in found)
    assert not [f for f in found if f.severity == "error"]


def test_wangdian_2019_blank_tables_say_no_data_without_identity_failures() -> None:
    rep = make_report(
        issuer="嘉兴市秀洲区王店镇人民政府", year=2019, t2="2019", t3="2019", published="2020-01-15"
    )
    blank_table(rep, "t3")
    blank_table(rep, "t4")
    found = validate(rep)
    assert rules(found) == ["no_data", "no_data"]
    assert [list(f.cells) for f in found] == [["t3"], ["t4"]]
    assert all(f.severity == "info" for f in found)


T3_COLS = ["natural", "business", "research", "public_interest", "legal_service", "other_org", "total"]


def previous_year(year: int = 2022) -> Report:
    """Last year's report whose 结转下年度 equals this year's default 上年结转 (2 natural persons)."""
    prev = make_report(year=year)
    for col, v in zip(T3_COLS, [2, 0, 0, 0, 0, 0, 2], strict=True):
        set_cell(prev, "t3", "carry_over", col, v)
    set_cell(prev, "t2", "normative", "in_force", 10)  # 10 + 3 issued - 1 repealed = 12 this year
    return prev


def test_cross_year_carry_over_caught() -> None:
    prev = previous_year()
    rep = make_report(year=2023)
    set_cell(prev, "t3", "carry_over", "natural", 5)  # last year carried 5 natural-person requests out
    found = validate(rep, previous=cell_values(prev))
    carry = [f for f in found if f.rule == "carry_over_mismatch"]
    assert len(carry) == 1
    assert carry[0].cells == {"t3.carried_in.natural": 2, "previous.t3.carry_over.natural": 5}
    assert (carry[0].expected, carry[0].actual) == (5, 2)
    assert carry[0].severity == "warning"
    # A Report is accepted as `previous` as well
    assert rules(validate(rep, previous=prev)) == rules(found)


def test_cross_year_carry_over_holds() -> None:
    found = validate(make_report(year=2023), previous=previous_year())
    assert found == []


def test_cross_year_in_force_stock_and_prev_items_chain() -> None:
    prev = previous_year()
    set_cell(prev, "t2", "normative", "in_force", 9)  # 9 + 3 - 1 = 11, printed 12
    found = [f for f in validate(make_report(year=2023), previous=prev) if f.rule == "in_force_stock"]
    assert len(found) == 1 and (found[0].expected, found[0].actual) == (11, 12)

    prev19 = make_report(year=2019, t2="2019", t3="2019")
    rep20 = make_report(year=2020, t2="2019", t3="2019")
    set_cell(rep20, "t2", "penalty", "prev_items", 15)  # 13 + 2: holds
    set_cell(rep20, "t2", "licensing", "prev_items", 6)  # 5 + 0: fails
    chain = [f for f in validate(rep20, previous=prev19) if f.rule == "prev_items_chain"]
    assert [(f.expected, f.actual) for f in chain] == [(5, 6)]
    assert chain[0].cells == {
        "t2.licensing.prev_items": 6,
        "previous.t2.licensing.prev_items": 5,
        "previous.t2.licensing.delta": 0,
    }


def test_township_rules_warning() -> None:
    rep = make_report(issuer="桃江县松木塘镇人民政府", year=2022)
    set_cell(rep, "t2", "rules", "issued", 2)
    set_cell(rep, "t2", "rules", "in_force", 2)
    found = [f for f in validate(rep) if f.rule == "township_rules"]
    assert len(found) == 1 and found[0].severity == "warning" and found[0].actual == 2
    # the same numbers from a district government are fine
    rep2 = make_report(issuer="淮安市洪泽区人民政府")
    set_cell(rep2, "t2", "rules", "issued", 2)
    set_cell(rep2, "t2", "rules", "in_force", 2)
    assert "township_rules" not in rules(validate(rep2))
    for name in ("王店镇", "某某乡人民政府", "佳荣里街道", "佳荣里街道办事处"):
        r = make_report(issuer=name)
        set_cell(r, "t2", "rules", "in_force", 1)
        assert "township_rules" in rules(validate(r)), name


def test_negative_counts_except_signed_delta() -> None:
    rep = make_report(year=2019, t2="2019", t3="2019")
    set_cell(rep, "t2", "licensing", "delta", -8, raw="-8")
    assert validate(rep) == []
    set_cell(rep, "t2", "licensing", "decisions", -1, raw="-1")
    found = validate(rep)
    assert rules(found) == ["negative_count"] and found[0].cells == {"t2.licensing.decisions": -1}


def test_timeliness() -> None:
    assert validate(make_report(year=2023, published="2024-01-31")) == []
    late = validate(make_report(year=2023, published="2024-02-26"))
    assert rules(late) == ["late_publication"]
    assert late[0].severity == "warning" and "第五十条" in late[0].message


def test_narrative_vs_tables() -> None:
    text = "2023年全区受理政府信息公开申请 16 件，均在法定期限答复。政府信息公开行政复议4件；政府信息公开行政诉讼 3 件。"
    assert validate(make_report(narrative={"overview": text})) == []
    wrong = text.replace("16 件", "21 件").replace("行政诉讼 3 件", "行政诉讼 46 件")
    found = validate(make_report(narrative={"overview": wrong}))
    assert rules(found) == ["narrative_applications", "narrative_suits"]
    assert (found[0].expected, found[0].actual) == (16, 21)
    assert (found[1].expected, found[1].actual) == (3, 46)
    assert found[1].cells["t4.suit_direct.total"] == 2


def test_completeness_sections_tables_and_cells() -> None:
    rep = make_report()
    rep.sections = ["overview", "active", "applications", "review_litigation"]
    rep.cells = [c for c in rep.cells if c.table != "t4" and not (c.table == "t3" and c.row_code == "r6_3")]
    found = validate(rep)
    # a missing cell also makes identity 3 undeterminable: missing is not 0 either
    assert rules(found) == ["identity_undeterminable", "missing_section", "missing_table", "missing_cells"]
    assert list(found[1].cells) == ["problems", "other"]
    assert len(found[3].cells) == 7 and all(k.startswith("t3.r6_3.") for k in found[3].cells)


def test_unknown_code_and_variant_mismatch() -> None:
    rep = make_report(t3="2019")
    set_cell(rep, "t3", "r6", "natural", 0)
    rep.cells[-1].row_code = "nonsense"
    assert "unknown_code" in rules(validate(rep))


def test_failed_report() -> None:
    rep = Report(source="a.pdf", sha256="0" * 64, format="pdf", status="failed", error="encrypted PDF")
    found = validate(rep)
    assert rules(found) == ["extraction_failed"] and "encrypted PDF" in found[0].message


def test_every_identity_and_rule_has_metadata() -> None:
    from nianbao.schemas import TEMPLATE

    assert {i.code for i in TEMPLATE.identities} <= set(RULES)
    assert all(r.severity in ("error", "warning", "info") for r in RULES.values())
    assert {c.code for c in TEMPLATE.cross_year} <= set(RULES)
    assert all(r.origin in ("parser", "validation") and r.message_zh and r.message_en for r in RULES.values())


def test_cross_year_chains_are_read_from_the_template() -> None:
    """A chain defined in the data is checked; the code names no cell of its own."""
    from dataclasses import replace

    from nianbao.schemas import TEMPLATE
    from nianbao.schemas.template import CrossYear, Term
    from nianbao.schemas.validate import check_cross_year

    chain = CrossYear(
        "carry_over_mismatch", "t3", "column", ("total",), (Term(False, "new"),), (Term(True, "new"),), "test"
    )
    tpl = replace(TEMPLATE, cross_year=(chain,))
    now, before = {("t3", "new", "total"): 7}, {("t3", "new", "total"): 5}
    found = check_cross_year(now, before, tpl)
    assert [(f.rule, f.expected, f.actual, f.origin) for f in found] == [
        ("carry_over_mismatch", 5, 7, "validation")
    ]
    assert found[0].cells == {"t3.new.total": 7, "previous.t3.new.total": 5}
    assert check_cross_year(now, {("t3", "new", "total"): 7}, tpl) == []
    assert check_cross_year(now, {("t3", "new", "total"): None}, tpl) == []  # blank: not checked


def test_a_check_that_raises_is_one_finding_not_a_stopped_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection: a check meets a report it cannot handle. The report keeps one error finding."""
    import nianbao.schemas.validate as v

    clean = validate(make_report())
    monkeypatch.setattr(v, "check_identities", lambda report, tpl: 1 / 0)
    (finding,) = validate(make_report())
    assert (finding.rule, finding.severity, finding.origin) == ("validator_error", "error", "validation")
    assert finding.message == "validation raised ZeroDivisionError: division by zero"
    assert all(f.rule != "validator_error" for f in clean)
