"""The Python API for notebooks: reports as tidy pandas frames, findings, the snapshot, wide tables.

Every frame is built through the frame schema (`schemas.frames`): the same columns and dtypes
whether it comes from files (`read`, `read_findings`) or from the analysts' snapshot (`connect`
views `tidy_cells`, `tidy_findings`). A blank cell is <NA>, never 0, and keeps its raw text.
Heavy packages (pandas, duckdb, the extractors) are imported on first use so `import nianbao`
stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from nianbao.schemas.records import Report

PathLike = str | Path


def _inputs(what: Any) -> list[Any]:
    """Paths, SourceFacts or Reports; a folder stands for the report files under it, sorted."""
    from nianbao.schemas.records import Report, SourceFacts

    items = [what] if isinstance(what, str | Path | SourceFacts | Report) else list(what)
    out: list[Any] = []
    for it in items:
        if isinstance(it, str | Path) and Path(it).is_dir():
            # The sample corpus keeps its truth files beside the reports; .json is never a report.
            out += sorted(
                str(p)
                for p in Path(it).rglob("*")
                if p.is_file() and not p.name.startswith(".") and p.suffix != ".json"
            )
        else:
            out.append(it)
    return out


def _reports(what: Any) -> list[tuple[Report, str | None]]:
    """(report, region code the source gives) for every input, extracting files as needed."""
    from nianbao.extractors import extract_file
    from nianbao.schemas.records import Report, SourceFacts

    out: list[tuple[Report, str | None]] = []
    for it in _inputs(what):
        if isinstance(it, Report):
            out.append((it, None))
        elif isinstance(it, SourceFacts):
            out.append((extract_file(it), it.region))
        else:
            out.append((extract_file(str(it)), None))
    return out


def read(path_or_paths: Any) -> pd.DataFrame:
    """Extract report files into one tidy frame of cells (schema `schemas.frames.CELLS`).

    One row per cell: the report's source, issuer, region code, year and status, the cell's table,
    variant, block, codes, printed labels, `value` (counts, Int64) or `amount` (amount columns,
    Float64, in `unit`), raw text, note, page and provenance. Blanks and markers are <NA>, never 0.

    Args:
        path_or_paths: a file, a folder (every report file under it), a `SourceFacts`, an already
            extracted `Report`, or a list of these. A file that cannot be read has no cells; its
            reason is in `read_findings`.
    """
    from nianbao.schemas import TEMPLATE
    from nianbao.schemas.frames import CELLS, value_kind

    tables = set(TEMPLATE.table_ids)
    cols: dict[str, list[Any]] = {n: [] for n in CELLS.names}
    for report, region in _reports(path_or_paths):
        for c in report.cells:
            kind = value_kind(c.table, c.col_code) if c.table in tables else "count"
            p = c.provenance
            row = {
                "source": report.source,
                "issuer": report.issuer,
                "region_code": region,
                "year": report.year,
                "variant": report.variants.get(c.table),
                "table": c.table,
                "block": c.block,
                "row_code": c.row_code,
                "row_label": c.row_label,
                "col_code": c.col_code,
                "col_label": c.col_label,
                "value": _count(c.value) if kind == "count" else None,
                "amount": _number(c.value) if kind == "amount" else None,
                "raw": c.raw,
                "unit": c.unit,
                "note": c.note,
                "page": p.page if p else None,
                "prov_file": p.file if p else None,
                "prov_table": p.table if p else None,
                "prov_row": p.row if p else None,
                "prov_col": p.col if p else None,
                "prov_bbox": json.dumps(list(p.bbox)) if p and p.bbox else None,
                "prov_confidence": p.confidence if p else None,
                "status": report.status,
            }
            for k, v in row.items():
                cols[k].append(v)
    return CELLS.build(cols)


def _count(v: Any) -> int | None:
    """A count as an integer; a non-integer in a count column stays out (check() reports it)."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return int(v) if float(v).is_integer() else None


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def read_findings(path_or_paths: Any = None, *, data_dir: PathLike | None = None) -> pd.DataFrame:
    """Findings of report files, or of the snapshot's current reports (schema `FINDINGS`).

    From files: the extractor's findings, then `schemas.validate` (with the frame schema), the
    previous year taken from the same batch when it is there. From `data_dir`: the open findings
    of every part of every current report, as the warehouse judged them (the same findings
    `nianbao findings` lists and the run summary counts); one a correction answered is not open,
    and stays in the snapshot's `current_findings` view with status `corrected`.

    Args:
        path_or_paths: as for `read`; leave out to read the snapshot instead.
        data_dir: the data folder whose snapshot to read (default: settings, NIANBAO_DATA_DIR).
    """
    if path_or_paths is None:
        con = connect(data_dir)
        try:
            return _frame_from_sql(con, "FINDINGS", "SELECT * FROM tidy_findings")
        finally:
            con.close()
    from nianbao.schemas.frames import FINDINGS
    from nianbao.schemas.text import norm_label
    from nianbao.schemas.validate import validate

    reports = [r for r, _ in _reports(path_or_paths)]
    by_key = {
        (norm_label(r.issuer), r.year): r for r in reports if r.issuer and r.year and r.status != "failed"
    }
    cols: dict[str, list[Any]] = {n: [] for n in FINDINGS.names}
    for r in reports:
        prev = by_key.get((norm_label(r.issuer), r.year - 1)) if r.issuer and r.year else None
        items = [("extractor", f) for f in r.findings] + [("validate", f) for f in validate(r, prev)]
        for seq, (origin, f) in enumerate(items):
            row = {
                "source": r.source,
                "issuer": r.issuer,
                "year": r.year,
                "seq": seq,
                "origin": origin,
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "cells": json.dumps(f.cells, ensure_ascii=False, default=str) if f.cells else None,
                "expected": _number(f.expected),
                "actual": _number(f.actual),
                "source_inconsistent": f.source_inconsistent,
            }
            for k, v in row.items():
                cols[k].append(v)
    return FINDINGS.build(cols)


# The tidy views of `connect`: the same columns as `read` and `read_findings`, over current reports.
_TIDY_CELLS = """
CREATE OR REPLACE TEMP VIEW tidy_cells AS
SELECT r.source, r.issuer, r.region_code, r.year,
       {variant} AS variant,
       c.table_id AS "table", c.block, c.row_code, c.row_label, c.col_code, c.col_label,
       CASE WHEN coalesce(t.amount, false) THEN NULL ELSE c.count END AS value,
       CASE WHEN coalesce(t.amount, false) THEN CAST(c.value AS DOUBLE) END AS amount,
       c.raw, c.unit, c.note, c.page,
       c.provenance->>'file' AS prov_file,
       CAST(c.provenance->>'table' AS BIGINT) AS prov_table,
       CAST(c.provenance->>'row' AS BIGINT) AS prov_row,
       CAST(c.provenance->>'col' AS BIGINT) AS prov_col,
       CAST(c.provenance->'bbox' AS VARCHAR) AS prov_bbox,
       CAST(c.provenance->>'confidence' AS DOUBLE) AS prov_confidence,
       r.status,
       c.corrected, c.printed_value, c.corrected_by, c.corrected_at, c.correction_reason
FROM current_reports r
JOIN current_cells c ON c.report_id = r.report_id
LEFT JOIN template_columns t ON t.table_id = c.table_id AND t.col_code = c.col_code
LEFT JOIN template_rows o ON o.table_id = c.table_id AND o.row_code = c.row_code
ORDER BY r.issuer, r.year, r.source, c.table_id, o.row_order, t.col_order
"""


def _tidy_cells() -> str:
    """The tidy_cells view; a cell's variant is its report's variant of the cell's table."""
    from nianbao.schemas import TEMPLATE

    whens = " ".join(f"WHEN '{t.id}' THEN r.{t.variant_column}" for t in TEMPLATE.varied)
    return _TIDY_CELLS.replace("{variant}", f"CASE c.table_id {whens} END")


# Open findings only: a finding a correction answered (status corrected) is in `current_findings`.
_TIDY_FINDINGS = """
CREATE OR REPLACE TEMP VIEW tidy_findings AS
SELECT f.source, f.issuer, f.year, f.seq, f.origin, f.rule, f.severity, f.message,
       CAST(f.cells AS VARCHAR) AS cells, f.expected, f.actual, f.source_inconsistent
FROM current_findings f
WHERE f.status = 'open'
ORDER BY f.issuer, f.year, f.part_rank, f.source, f.seq
"""
# The columns `cells` adds after those of `read`: how each value was corrected, if it was.
CORRECTION_COLUMNS = ("corrected", "printed_value", "corrected_by", "corrected_at", "correction_reason")


def connect(data_dir: PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the analysts' snapshot, with tidy views added.

    Besides the warehouse's views (`report_overview`, `applications`, `current_cells` with the
    corrections applied and marked, `current_findings` with each finding's status, …) the
    connection has `tidy_cells` and `tidy_findings`: the columns of `read` and `read_findings`, for
    the current version of every report. Use `.df()` on a query for a pandas frame.

    Args:
        data_dir: the data folder (`nianbao run --data-dir`); default from the settings
            (NIANBAO_DATA_DIR, else ./data). The snapshot is data_dir/snapshot/nianbao.duckdb.
    """

    from nianbao.flows.settings import Settings
    from nianbao.warehouse.database import open_database

    settings = Settings.build({"data_dir": data_dir})
    path = settings.snapshot
    if not path.exists():
        raise FileNotFoundError(f"no snapshot at {path}: run `nianbao run` first (or pass data_dir=)")
    con = open_database(path, read_only=True)
    con.execute(_tidy_cells())
    con.execute(_TIDY_FINDINGS)
    return con


def _frame_from_sql(con: duckdb.DuckDBPyConnection, schema: str, sql: str) -> pd.DataFrame:
    """A query's result as a frame of one of the frame schemas (its columns and dtypes)."""
    from nianbao.schemas import frames

    fs = getattr(frames, schema)
    rel = con.sql(sql)
    rows = rel.fetchall()
    names = rel.columns
    data = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    return fs.build(data)


def cells(data_dir: PathLike | None = None) -> pd.DataFrame:
    """The snapshot's current cells as a tidy frame: the columns and dtypes of `read`, then five more.

    Values are the current ones: a correction (`nianbao override`) replaces the printed value in
    `value`/`amount`; `corrected` (boolean) says so, `printed_value` keeps what the report prints
    (印载值), and `corrected_by`, `corrected_at` (UTC) and `correction_reason` say who, when and why.
    `raw` stays the printed text.

    Args:
        data_dir: as for `connect`.
    """
    import pandas as pd

    from nianbao.schemas.frames import CELLS

    con = connect(data_dir)
    try:
        rel = con.sql("SELECT * FROM tidy_cells")
        rows = rel.fetchall()
        names = rel.columns
    finally:
        con.close()
    data = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    frame = CELLS.build(data)
    dtypes = ("boolean", "Float64", "string", "datetime64[us]", "string")
    for name, dtype in zip(CORRECTION_COLUMNS, dtypes, strict=True):
        frame[name] = pd.Series(data[name], dtype=dtype, index=frame.index)
    return frame


def wide(frame: pd.DataFrame, table: str | None = None) -> pd.DataFrame:
    """The printed shape of one table: rows × columns in the template's order, printed labels.

    For one report the index is the row label; for several (a township's series, a district's
    year) it is (issuer, year, row). Count columns are Int64, amount columns Float64; a blank
    stays <NA>. Labels and order come from `schemas.TEMPLATE` in each report's variant.

    Args:
        frame: tidy cells, from `read` or `cells` (or the `tidy_cells` view).
        table: a table id of the template (`TEMPLATE.table_ids`); default the table of the
            applications section (table 3).
    """
    import pandas as pd

    from nianbao.schemas import TEMPLATE
    from nianbao.schemas.frames import value_kind

    if table is None:
        table = TEMPLATE.of_section("applications").id
    if table not in TEMPLATE.table_ids:
        raise ValueError(f"unknown table {table!r}; tables: {', '.join(TEMPLATE.table_ids)}")
    tbl = TEMPLATE.table(table)
    sub = frame[frame["table"] == table]
    if sub.empty:
        present = sorted(set(frame["table"].dropna())) if len(frame) else []
        raise ValueError(f"no cells of table {table} in the frame; tables present: {present}")
    sources = sub.groupby(["issuer", "year"], dropna=False)["source"].nunique()
    if (sources > 1).any():
        dup = sources[sources > 1].index.tolist()
        raise ValueError(f"several files for one report {dup}: filter the frame by `source` first")
    parts: list[pd.DataFrame] = []
    keys: list[tuple[Any, Any, str]] = []  # (issuer, year, row label) of each row
    col_codes: list[str] = []
    last_variant: str | None = None
    # A report without issuer or year still gets its table: missing keys are grouped, not dropped.
    for (issuer, year), one in sub.groupby(["issuer", "year"], dropna=False, sort=True):
        variant = one["variant"].dropna().iloc[0] if one["variant"].notna().any() else None
        rows, cols = _layout(table, variant)
        got = {
            (r, c): (v if value_kind(table, c) == "count" else a)
            for r, c, v, a in one[["row_code", "col_code", "value", "amount"]].itertuples(index=False)
        }
        labels = [tbl.row_by_code[r].label_for(variant) for r in rows]
        data = {c: [got.get((r, c), pd.NA) for r in rows] for c in cols}
        parts.append(pd.DataFrame(data, index=pd.RangeIndex(len(labels))))
        who, when = _key(issuer), _key(year)
        keys += [(who, int(when) if when is not None else None, x) for x in labels]
        col_codes += [c for c in cols if c not in col_codes]
        last_variant = variant or last_variant
    order = [c.code for c in tbl.columns if c.code in col_codes]
    out = pd.concat(parts, ignore_index=True).reindex(columns=order)
    issuers, years, row_labels = zip(*keys, strict=True)
    out.index = pd.MultiIndex.from_arrays(
        [pd.array(issuers, dtype="string"), pd.array(years, dtype="Int64"), list(row_labels)],
        names=["issuer", "year", "row"],
    )
    for c in order:
        out[c] = out[c].astype("Float64" if value_kind(table, c) == "amount" else "Int64")
    out.columns = pd.Index([tbl.column_by_code[c].label_for(last_variant) for c in order], name="column")
    if len(parts) == 1:
        out.index = out.index.get_level_values("row")
    return out


def _key(value: Any) -> Any:
    """A groupby key with pandas' missing markers (NaN, <NA>) turned into None."""
    import pandas as pd

    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else value


def _layout(table: str, variant: str | None) -> tuple[list[str], list[str]]:
    """Row and column codes of a table as printed in a variant (a blocks table: block by block)."""
    from nianbao.schemas import TEMPLATE
    from nianbao.schemas.template import VARIANTS

    t = TEMPLATE.table(table)
    if t.blocks:
        variants = [variant] if variant else list(VARIANTS)
        rows = [r for v in variants for b in t.blocks for r in b.rows[v]]
        cols = [c for v in variants for b in t.blocks for c in b.columns[v]]
        return list(dict.fromkeys(rows)), list(dict.fromkeys(cols))
    rows_ = t.rows_for(variant) if variant else t.rows
    return [r.code for r in rows_], [c.code for c in t.columns]


__all__ = ["cells", "connect", "read", "read_findings", "wide"]
