"""The crosswalk (schemas/templates/crosswalk.toml) against the two formats of templates.md §4.

One test per crosswalk entry: its cells exist in the formats it names (and only there), its labels
are the template's wording, and a `same` or `derivable` entry gives one value per format.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.schemas import TEMPLATE
from nianbao.schemas.crosswalk import Measure, cell_maps, expand, measures
from nianbao.warehouse import Warehouse
from tests.schemas.builders import make_report, set_cell

# templates.md §4, machine-readable summary: table-2 cells per format (row, col).
T2_2019 = {(r, c) for b in TEMPLATE.blocks for r in b.rows["2019"] for c in b.columns["2019"]}
T2_2021 = {(r, c) for b in TEMPLATE.blocks for r in b.rows["2021"] for c in b.columns["2021"]}
FORMAT_CELLS = {
    "2019": set(TEMPLATE.expected_cells({t.id: "2019" for t in TEMPLATE.varied})),
    "2021": set(TEMPLATE.expected_cells({t.id: "2021" for t in TEMPLATE.varied})),
}


def test_every_cell_of_both_formats_is_mapped_once() -> None:
    for variant, cells in FORMAT_CELLS.items():
        mapped = [(m.table, m.row, m.col) for m in cell_maps() if m.variant == variant]
        assert len(mapped) == len(set(mapped))
        assert set(mapped) == cells
    assert len(T2_2019) == 22 and len(T2_2021) == 10


@pytest.mark.parametrize("m", measures(), ids=lambda m: m.series)
def test_mapping(m: Measure, tmp_path: Path) -> None:
    for variant, specs in m.cells.items():
        cells = expand(m, variant)
        assert cells and all((m.table, r, c) in FORMAT_CELLS[variant] for r, c in cells)
        # a wildcard row lists every column of the table; labels name the template's rows
        table = TEMPLATE.table(m.table)
        for spec in specs:
            label = table.row_by_code[spec.split(".")[0]].label_for(variant)
            assert label[:3] in m.labels[variant] or m.table == "t2"
    if m.kind == "not_comparable":
        assert all(cm.series is None for cm in cell_maps() if cm.measure == m.series)
        return
    assert set(m.cells) == {"2019", "2021"}  # same/derivable: both formats give the measure
    # load one report of each format and read the series back, one subtraction apart
    r19 = make_report(issuer="淮安市洪泽区蒋坝镇人民政府", year=2020, t2="2019", t3="2019")
    r21 = make_report(issuer="淮安市洪泽区蒋坝镇人民政府", year=2021)
    for rep, variant, value in ((r19, "2019", 7), (r21, "2021", 4)):
        cells = expand(m, variant)
        for i, (row, col) in enumerate(cells):
            # a derivable 2021 entry sums its rows: spread the value over them, per column
            share = (
                value
                if len({r for r, _ in cells}) == 1 or i < len(cells) // len({r for r, _ in cells})
                else 0
            )
            set_cell(rep, m.table, row, col, share)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load([r19, r21])
        col = expand(m, "2019")[-1][1]
        series = m.series + (f".{col}" if m.cells["2019"][0].endswith(".*") else "")
        got = wh.query(
            "SELECT year, value, change FROM measure_series WHERE series = ? ORDER BY year", [series]
        )
        assert [(y, float(v), None if c is None else float(c)) for y, v, c in got] == [
            (2020, 7.0, None),
            (2021, 4.0, -3.0),
        ]
