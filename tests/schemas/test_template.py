"""The template's structure as data: its tables, their kinds and order, and its narrative checks."""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest

import nianbao.schemas
from nianbao.schemas import TEMPLATE
from nianbao.schemas.frames import allowed_pairs, domains
from nianbao.schemas.rules import RULES, catalogue, finding
from nianbao.schemas.template import NarrativeCheck
from nianbao.schemas.validate import check_narrative
from tests.schemas.builders import make_report


def _file() -> dict:
    text = resources.files("nianbao.schemas").joinpath("templates/template.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_tables_ids_names_and_order_come_from_the_file() -> None:
    data = _file()
    order = data["tables"]["order"]
    assert list(TEMPLATE.table_ids) == order
    assert [t.name for t in TEMPLATE.tables] == [data[tid]["name"] for tid in order]
    assert [t.number for t in TEMPLATE.tables] == sorted(t.number for t in TEMPLATE.tables)
    for t in TEMPLATE.tables:
        assert TEMPLATE.table(t.id) is t
        assert t.kind == data[t.id]["kind"]
        assert TEMPLATE.of_kind(t.kind) is t
        assert t.section is not None and TEMPLATE.of_section(t.section) is t
    with pytest.raises(KeyError, match="known"):
        TEMPLATE.table("t9")


def test_a_table_varies_when_its_labels_differ_between_the_variants() -> None:
    for t in TEMPLATE.tables:
        per_variant = {v: tuple(t.cells(v)) for v in ("2019", "2021")}
        assert t.varies == (per_variant["2019"] != per_variant["2021"])
        assert t.variant_column == f"variant_{t.id}"
        # an unknown variant: a table that varies has no expected cells, a grid all of them
        assert (t.cells(None) == []) == t.varies
    assert TEMPLATE.varied == tuple(t for t in TEMPLATE.tables if t.varies)


def test_expected_cells_are_the_tables_cells_in_the_reports_variants() -> None:
    variants = {t.id: "2021" for t in TEMPLATE.varied}
    cells = TEMPLATE.expected_cells(variants)
    assert cells == [k for t in TEMPLATE.tables for k in t.cells(variants.get(t.id))]
    assert {k[0] for k in cells} == set(TEMPLATE.table_ids)
    blocks = TEMPLATE.of_kind("blocks")
    n_blocks = sum(len(b.rows["2021"]) * len(b.columns["2021"]) for b in blocks.blocks)
    assert sum(1 for k in cells if k[0] == blocks.id) == n_blocks


def test_a_template_with_a_renamed_table_is_read_by_its_new_id() -> None:
    """Caches key on the template itself: another template gets its own value sets."""
    t = TEMPLATE.of_kind("grid")
    other = replace(TEMPLATE, tables=(*(x for x in TEMPLATE.tables if x is not t), replace(t, id="t9")))
    assert "t9" in domains(other)["table"] and "t9" not in domains(TEMPLATE)["table"]
    assert allowed_pairs("t9", None, other) == allowed_pairs(t.id, None, TEMPLATE)
    assert hash(other) != hash(TEMPLATE) and other != TEMPLATE


def test_narrative_checks_are_read_from_the_template() -> None:
    data = _file()["narrative"]["checks"]
    assert [c.rule for c in TEMPLATE.narrative_checks] == [c["rule"] for c in data]
    assert all(c.rule in RULES for c in TEMPLATE.narrative_checks)
    apps = next(c for c in TEMPLATE.narrative_checks if c.rule == "narrative_applications")
    values = {apps.cells[0]: 5}
    assert check_narrative({"overview": "全年共收到政府信息公开申请 7 件。"}, values)[0].actual == 7
    # the same text against a template whose check reads another phrase: the data decides
    changed = replace(
        TEMPLATE,
        narrative_checks=(NarrativeCheck(apps.rule, re.compile(r"申请量(\d+)件"), apps.cells),),
    )
    assert check_narrative({"overview": "全年共收到政府信息公开申请 7 件。"}, values, changed) == []
    found = check_narrative({"overview": "申请量 9 件"}, values, changed)
    assert [(f.rule, f.expected, f.actual) for f in found] == [(apps.rule, 5, 9)]


def test_narrative_sections_first_decide_which_figure_is_read() -> None:
    apps = next(c for c in TEMPLATE.narrative_checks if c.rule == "narrative_applications")
    text = {"other": "收到信息公开申请3件", "overview": "收到信息公开申请5件"}
    values = {apps.cells[0]: 5}
    assert check_narrative(text, values) == []  # 总体情况 is read first
    reordered = replace(TEMPLATE, narrative_first=("other",))
    assert [f.actual for f in check_narrative(text, values, reordered)] == [3]


def test_validate_reads_the_narrative_checks() -> None:
    rep = make_report(narrative={"overview": "本年度共收到政府信息公开申请999件。"})
    assert "narrative_applications" in {f.rule for f in nianbao.schemas.validate.validate(rep)}


def test_rules_catalogue_is_parsed_once_and_makes_findings() -> None:
    assert catalogue() is catalogue()
    assert catalogue().rules is RULES
    f = finding("t3_balance", "boom", cells={"t3.new.total": 1})
    assert (f.rule, f.severity, f.origin, f.source_inconsistent) == (
        "t3_balance",
        RULES["t3_balance"].severity,
        "validation",
        RULES["t3_balance"].source_inconsistent,
    )
    assert finding("t3_balance", "x", origin="parser", source_inconsistent=False).source_inconsistent is False
    with pytest.raises(KeyError):
        finding("no_such_rule", "x")


def _module_imports(path: Path, package: str) -> set[str]:
    """The nianbao modules a module imports at its top level (not inside functions)."""
    tree = ast.parse(path.read_text("utf-8"))
    out: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nianbao."):
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("nianbao."))
    return out


def test_no_import_circle_among_the_schemas_modules() -> None:
    folder = Path(nianbao.schemas.__file__).parent
    graph = {
        f"nianbao.schemas.{p.stem}": _module_imports(p, "nianbao.schemas")
        for p in folder.glob("*.py")
        if p.stem != "__init__"
    }
    graph = {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}
    assert "nianbao.schemas.validate" not in graph["nianbao.schemas.frames"]

    def reach(start: str) -> set[str]:
        seen, todo = set(), list(graph[start])
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo.extend(graph[m])
        return seen

    circles = sorted(m for m in graph if m in reach(m))
    assert circles == []


def test_township_rows_come_from_the_template() -> None:
    from nianbao.schemas.validate import check_plausibility
    from tests.schemas.builders import set_cell

    (tid, row) = TEMPLATE.township_nil[0]
    assert row in TEMPLATE.table(tid).row_by_code
    col = next(c for b in TEMPLATE.table(tid).blocks for c in b.columns["2021"] if row in b.rows["2021"])
    rep = make_report(issuer="青溪市云岭区白鹭镇人民政府")
    set_cell(rep, tid, row, col, 2)
    assert [f.rule for f in check_plausibility(rep)] == ["township_rules"]
    # another template that names no row a township cannot have: no finding
    assert check_plausibility(rep, replace(TEMPLATE, township_nil=())) == []


def test_cell_units_follow_the_templates_amount_columns() -> None:
    from nianbao.schemas.crosswalk import cell_unit

    amounts = [(t.id, c.code) for t in TEMPLATE.tables for c in t.columns if c.amount]
    assert amounts and all(cell_unit(t, c) == "万元" for t, c in amounts)
    counts = [(t.id, c.code) for t in TEMPLATE.tables for c in t.columns if not c.amount]
    assert all(cell_unit(t, c) is None for t, c in counts)
    t, c = amounts[0]
    other = next(x.id for x in TEMPLATE.tables if x.id != t)
    assert cell_unit(other, c) is None and cell_unit("no_table", c) is None


def test_no_table_id_is_spelled_outside_schemas() -> None:
    """Code outside schemas/ reads the tables from TEMPLATE.tables: no string constant that is a
    table id ("t3"), no `TEMPLATE.t3`, no variant rule key spelled with one."""
    root = Path(nianbao.__file__).resolve().parent  # the package: nianbao/ and its subpackages
    ids = set(TEMPLATE.table_ids)
    spelled = re.compile(rf"\b(?:{'|'.join(map(re.escape, sorted(ids)))})\b")
    found = []
    for pkg in ("extractors", "sources", "warehouse", "analyst", "flows", ""):
        folder = root / pkg
        files = folder.glob("*.py") if not pkg else folder.rglob("*.py")
        for path in files:
            tree = ast.parse(path.read_text("utf-8"))
            for node in ast.walk(tree):
                text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
                if (text is not None and spelled.search(text)) or (
                    isinstance(node, ast.Attribute) and node.attr in ids
                ):
                    found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []
