"""The nightly comparison workbook: the district workbook (analyst.workbook) of each district.

`nianbao compare` writes one district and year; the nightly run writes every district's latest
year: the first district to `comparison.xlsx`, any others beside it as `comparison-<district>.xlsx`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from nianbao.analyst.district import Overview, district_overview, districts, latest_year
from nianbao.analyst.workbook import write_workbook


def write_comparison(
    con: duckdb.DuckDBPyConnection, xlsx_path: Path, district: str | None = None, year: int | None = None
) -> Path:
    """Write the district workbook(s); returns the main path.

    Args:
        con: warehouse or snapshot connection.
        xlsx_path: where the (first) workbook goes.
        district: one district, or None for every district.
        year: report year, or None for each district's latest year.
    """
    names = [district] if district else districts(con)
    written = False
    for i, name in enumerate(names):
        y = year or latest_year(con, name)
        if y is None:
            continue
        path = xlsx_path if i == 0 else xlsx_path.with_name(f"{xlsx_path.stem}-{name}{xlsx_path.suffix}")
        write_workbook(district_overview(con, name, y), path)
        written = written or i == 0
    if not written:  # no district known yet: an empty workbook, so the nightly output always exists
        write_workbook(Overview(district or "", year or 0, None, [], {}, [], [], {}), xlsx_path)
    return xlsx_path
