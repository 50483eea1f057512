"""The one list of headline figures: report_overview is generated from it, the analysts read it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nianbao.analyst.words import CHARTED, HEADLINES
from nianbao.warehouse import Warehouse
from nianbao.warehouse.headlines import charted, headlines, overview_sql, parse_headlines
from tests.conftest import REPO
from tests.schemas.builders import make_report, set_t4

T4 = [7, 3, 1, 0, 11, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]  # review: 7+3+1 = 11; suits: direct 0, after review 1


def test_report_overview_has_a_column_per_headline_and_the_district_outputs_the_marked_ones(
    tmp_path: Path,
) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        columns = [r[0] for r in wh.query("DESCRIBE report_overview")]
    keys = [h.key for h in headlines()]
    assert columns[columns.index("sha256") + 1 : columns.index("n_cells")] == keys
    assert [h.key for h in HEADLINES] == [h.key for h in headlines() if h.district]
    assert CHARTED.key == charted().key and charted().district
    assert sum(h.charted for h in headlines()) == 1


def test_a_figure_is_its_cells_summed_and_blank_when_one_is_blank(tmp_path: Path) -> None:
    r = make_report(issuer="云岭区青岚乡人民政府", year=2023)
    set_t4(r, T4)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load([r])
        assert wh.query(
            "SELECT review_total, suit_direct_total, suit_after_review_total, suits_total FROM report_overview"
        ) == [(11, 0, 1, 1)]
        wh.con.execute(
            "UPDATE cells SET value = NULL, count = NULL WHERE row_code = 'suit_direct' AND col_code = 'total'"
        )
        assert wh.query("SELECT suit_direct_total, suits_total FROM report_overview") == [(None, None)]


def test_a_headline_added_to_the_list_becomes_a_column(tmp_path: Path) -> None:
    text = (
        '[[headlines]]\nkey = "open_granted"\ncells = ["t3.r1_open.total", "t3.r2_partial.total"]\n'
        'comment = "予以公开 + 部分公开."\ndistrict = true\ncharted = true\n'
    )
    items = parse_headlines(text)
    sql = overview_sql(items)
    assert "AS open_granted" in sql and "COMMENT ON COLUMN report_overview.open_granted" in sql
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.con.execute(sql)
        assert "open_granted" in [r[0] for r in wh.query("DESCRIBE report_overview")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[headlines]]\nkey = "x"\ncells = ["t3.nope.total"]\ncharted = true\ndistrict = true\n',
            "not a template cell",
        ),
        ('[[headlines]]\nkey = "Bad-Key"\ncells = ["t3.new.total"]\n', "column name"),
        ('[[headlines]]\nkey = "a"\ncells = ["t3.new.total"]\ndistrict = true\n', "exactly one"),
        (
            '[[headlines]]\nkey = "a"\ncells = ["t3.new.total"]\ndistrict = true\ncharted = true\n'
            '[[headlines]]\nkey = "a"\ncells = ["t4.review.total"]\n',
            "used twice",
        ),
    ],
)
def test_a_wrong_headline_list_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_headlines(text)


def test_the_warehouse_does_not_import_the_analysts_outputs() -> None:
    for path in sorted((REPO / "warehouse").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n.startswith(("nianbao.analyst", "analyst"))], path.name
    analyst_toml = (REPO / "analyst" / "analyst.toml").read_text("utf-8")
    assert "[[headline]]" not in analyst_toml  # one list, not two
