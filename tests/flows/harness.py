"""Shared pieces of the flow tests: a small report folder with one corrupt file, warehouse readers."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "reports"
# Fast formats only (no LibreOffice), three townships, two years.
PICKED = ("2020/songxi_2020.docx", "2020/bailu_2020.html", "2020/qinglan_2020.txt", "2022/songxi_2022.docx")


def make_source(root: Path, list_page: str | None = None) -> Path:
    """A sources.yaml over copies of four sample reports plus `bad.docx` (random bytes); returns its path."""
    reports = root / "reports"
    reports.mkdir(parents=True)
    for rel in PICKED:
        shutil.copyfile(SAMPLES / rel, reports / Path(rel).name)
    (reports / "bad.docx").write_bytes(bytes(range(256)) * 7)
    pages = f"\n  list_pages: [{list_page}]" if list_page else ""
    (root / "sources.yaml").write_text(
        f"""allowed_hosts: [127.0.0.1]
district:
  name: 云岭区
  city: 青溪市
  code: "990101"{pages}
  files: [reports/bad.docx]
  townships:
    - {{name: 松溪镇, code: "990101001", globs: ["reports/songxi_*"]}}
    - {{name: 白鹭镇, globs: ["reports/bailu_*"]}}
    - {{name: 青岚乡, globs: ["reports/qinglan_*"]}}
""",
        encoding="utf-8",
    )
    return root / "sources.yaml"


def warehouse_cells(db: Path) -> list[tuple[Any, ...]]:
    """Every current cell as (sha256, table, row, col, value, raw), sorted: the comparable contents."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT r.sha256, c.table_id, c.row_code, c.col_code, c.value, c.raw FROM cells c "
            "JOIN reports r USING (report_id) WHERE r.superseded_by IS NULL ORDER BY ALL"
        ).fetchall()


def warehouse_reports(db: Path) -> list[tuple[Any, ...]]:
    """(file name, status, issuer, year, township) of every current report, sorted."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT r.source, r.status, r.issuer, r.year, g.township FROM reports r "
            "LEFT JOIN regions g USING (region_id) WHERE r.superseded_by IS NULL"
        ).fetchall()
    return sorted((Path(s).name, *rest) for s, *rest in rows)
