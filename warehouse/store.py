"""The working DuckDB database: schema, sources, loading reports with validation, snapshots.

One process writes the working file (DuckDB allows one writer). Analysts never open it: they open
the read-only snapshot that `publish_snapshot` replaces atomically (see `warehouse.export`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from schemas.records import Finding, Report
from schemas.template import TEMPLATE
from schemas.validate import RULES, Previous, cell_values, count_by_severity, validate
from warehouse import load as ld

SCHEMA_VERSION = "1"
REGION_FIELDS = ("province", "city", "district", "township", "code")


def sql_text(name: str) -> str:
    """The text of a bundled .sql file (schema.sql, views.sql)."""
    return resources.files("warehouse").joinpath(name).read_text("utf-8")


@dataclass
class LoadResult:
    """What one `Warehouse.load` call did.

    loaded: reports written as new rows (including failed ones); new_versions: how many of those
    superseded an earlier version; unchanged: same file and parser version already current (no-op);
    failed: reports recorded with status failed; findings_by_severity: findings of the new rows.
    """

    loaded: int = 0
    new_versions: int = 0
    unchanged: int = 0
    failed: int = 0
    findings_by_severity: dict[str, int] = field(
        default_factory=lambda: {"error": 0, "warning": 0, "info": 0}
    )
    report_ids: list[int] = field(default_factory=list)


# SQL used by the loader; named so the load code reads as steps.
_INSERT_REPORTS = """
INSERT INTO reports BY NAME
SELECT * REPLACE (CAST(json(sections) AS VARCHAR[]) AS sections, json(extra_cells) AS extra_cells,
                  CAST(published AS DATE) AS published),
       NULL::BIGINT AS superseded_by
FROM reports_df
"""
_INSERT_CELLS = """
INSERT INTO cells
SELECT report_id, table_id, block, row_code, col_code, row_label, col_label, value, raw, unit, note,
       CAST(prov_page AS INTEGER) AS page,
       CASE WHEN prov_file IS NULL THEN NULL ELSE json_object(
           'file', prov_file, 'page', CAST(prov_page AS INTEGER), 'table', CAST(prov_table AS INTEGER),
           'row', CAST(prov_row AS INTEGER), 'col', CAST(prov_col AS INTEGER),
           'bbox', json(prov_bbox), 'confidence', prov_confidence) END AS provenance
FROM cells_df
"""
_INSERT_FINDINGS = """
INSERT INTO findings
SELECT report_id, seq, origin, rule, severity, message, json(cells), expected, actual,
       CAST(source_inconsistent AS BOOLEAN)
FROM findings_df
"""
_SUPERSEDE = (
    "UPDATE reports SET superseded_by = s.new_id FROM supersede_df s WHERE reports.report_id = s.old_id"
)
_CURRENT_FOR = """
SELECT report_id, report_key, sha256, parser_version FROM reports
WHERE superseded_by IS NULL
  AND (report_key IN (SELECT k FROM batch_keys_df) OR sha256 IN (SELECT s FROM batch_shas_df))
"""
_MAX_VERSION = "SELECT report_key, max(version) FROM reports WHERE report_key IN (SELECT k FROM batch_keys_df) GROUP BY 1"
_PREVIOUS_CELLS = """
SELECT r.report_key, c.table_id, c.row_code, c.col_code, c.value
FROM reports r JOIN cells c ON c.report_id = r.report_id
WHERE r.superseded_by IS NULL AND r.report_key IN (SELECT k FROM prev_keys_df)
"""


class Warehouse:
    """The working warehouse file. Single writer; not thread-safe.

    Args:
        path: DuckDB file to open or create; the schema and views are created if missing.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.con = duckdb.connect(str(self.path))
        self._create_schema()

    # -- schema ------------------------------------------------------------------------------------
    def _create_schema(self) -> None:
        self.con.execute("BEGIN")
        try:
            self.con.execute(sql_text("schema.sql"))
            self._write_template()
            self.con.execute(sql_text("views.sql"))
            self.con.execute("".join(sql_text(f) for f in ("overrides.sql", "coverage_tmp.sql")))
            self.con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?), ('rules', ?)",
                [SCHEMA_VERSION, ",".join(RULES)],
            )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _write_template(self) -> None:
        """Refresh template_rows / template_columns from TEMPLATE (reference data, not history)."""
        rows: list[tuple[Any, ...]] = []
        cols: list[tuple[Any, ...]] = []
        for t in (TEMPLATE.t2, TEMPLATE.t3, TEMPLATE.t4):
            rows += [
                (t.id, r.code, i, r.label, r.label_2021, r.variant, r.block) for i, r in enumerate(t.rows)
            ]
            cols += [
                (t.id, c.code, i, c.label, c.label_2021, c.variant, c.signed, c.amount, c.unit)
                for i, c in enumerate(t.columns)
            ]
        self.con.execute("DELETE FROM template_rows")
        self.con.execute("DELETE FROM template_columns")
        self.con.executemany("INSERT INTO template_rows VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        self.con.executemany("INSERT INTO template_columns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", cols)

    # -- sources and regions -------------------------------------------------------------------------
    def region_id(self, region: Mapping[str, Any]) -> int:
        """The region_id of a region dict (province, city, district, township, code), created if new."""
        vals = [region.get(k) or None for k in REGION_FIELDS[:4]]
        found = self.query(
            "SELECT region_id, code FROM regions WHERE province IS NOT DISTINCT FROM ? AND city IS NOT DISTINCT "
            "FROM ? AND district IS NOT DISTINCT FROM ? AND township IS NOT DISTINCT FROM ?",
            vals,
        )
        row = found[0] if found else None
        code = region.get("code") or None
        if row:
            if code and row[1] != code:
                self.con.execute("UPDATE regions SET code = ? WHERE region_id = ?", [code, row[0]])
            return int(row[0])
        new_id = int(self.query("SELECT coalesce(max(region_id), 0) + 1 FROM regions")[0][0])
        self.con.execute("INSERT INTO regions VALUES (?, ?, ?, ?, ?, ?)", [new_id, *vals, code])
        return new_id

    def record_source(
        self, location: str, sha256: str, size: int, fmt: str, region: Mapping[str, Any] | None = None
    ) -> None:
        """Record that `location` served a file with this hash: first_seen on insert, last_seen always."""
        now = _now()
        self.con.execute("BEGIN")
        try:
            rid = self.region_id(region) if region else None
            self.con.execute(
                "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (location, sha256) DO UPDATE SET "
                "last_seen = excluded.last_seen, size = coalesce(excluded.size, sources.size), "
                "format = coalesce(excluded.format, sources.format), "
                "region_id = coalesce(excluded.region_id, sources.region_id)",
                [location, sha256, size, fmt, rid, now, now],
            )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def is_loaded(self, sha256: str, parser_version: str) -> bool:
        """True when this file was already extracted by this parser version.

        Superseded versions count too: two files for one issuer and year (a report and its
        statistics attachment) would otherwise supersede each other and be re-parsed every night.
        """
        rows = self.query(
            "SELECT count(*) FROM reports WHERE sha256 = ? AND parser_version = ?",
            [sha256, parser_version],
        )
        return bool(rows[0][0])

    # -- loading -------------------------------------------------------------------------------------
    def load(
        self, reports: list[Report], regions: Mapping[str, Mapping[str, Any]] | None = None
    ) -> LoadResult:
        """Validate and load a batch of reports in one transaction.

        Args:
            reports: extracted reports, failed ones included (they are recorded with their error).
            regions: region dicts keyed by a report's sha256 or source location; otherwise the region
                recorded for the file by `record_source` is used.

        Cross-year checks use the previous year's current version, from this batch or the warehouse.
        Either the whole batch is committed or nothing is (a crash leaves the file as before).
        """
        con = self.con
        result = LoadResult()
        con.execute("BEGIN")
        try:
            plan = self._plan(reports)
            result.unchanged = plan.unchanged
            if plan.planned:
                region_of = self._regions_for(plan.planned, regions or {})
                findings = self._validate(plan.planned)
                self._insert(plan, region_of, findings)
                for p in plan.planned:
                    result.report_ids.append(p.report_id)
                    result.loaded += 1
                    result.new_versions += bool(p.supersedes)
                    result.failed += p.report.status == "failed"
                counts = count_by_severity(f for items in findings.values() for _, f in items)
                result.findings_by_severity = counts
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return result

    def _plan(self, reports: list[Report]) -> ld.Plan:
        keys = pd.DataFrame({"k": sorted({ld.report_key(r) for r in reports})})
        shas = pd.DataFrame({"s": sorted({r.sha256 for r in reports})})
        with _registered(self.con, batch_keys_df=keys, batch_shas_df=shas):
            current = [
                ld.Current(int(a), b, c, d) for a, b, c, d in self.con.execute(_CURRENT_FOR).fetchall()
            ]
            max_version = {k: int(v) for k, v in self.con.execute(_MAX_VERSION).fetchall()}
        next_id = int(self.query("SELECT coalesce(max(report_id), 0) + 1 FROM reports")[0][0])
        return ld.plan_batch(reports, current, max_version, next_id)

    def _regions_for(
        self, planned: list[ld.Planned], regions: Mapping[str, Mapping[str, Any]]
    ) -> dict[int, int | None]:
        """report_id -> region_id, from the `regions` argument or the file's recorded source.

        Regions are matched in memory and new ones bulk-inserted: a batch of 10,000 townships must
        not cost 10,000 round trips.
        """
        known_regions = {
            tuple(r[1:5]): (int(r[0]), r[5])
            for r in self.query("SELECT region_id, province, city, district, township, code FROM regions")
        }
        next_id = max((v[0] for v in known_regions.values()), default=0) + 1
        new_rows: list[tuple[Any, ...]] = []
        code_updates: list[tuple[str, int]] = []
        out: dict[int, int | None] = {}
        shas = pd.DataFrame({"s": sorted({p.report.sha256 for p in planned})})
        with _registered(self.con, shas_df=shas):
            by_source = dict(
                self.con.execute(
                    "SELECT sha256, arg_max(region_id, last_seen) FROM sources WHERE region_id IS NOT NULL "
                    "AND sha256 IN (SELECT s FROM shas_df) GROUP BY 1"
                ).fetchall()
            )
        for p in planned:
            reg = regions.get(p.report.sha256) or regions.get(p.report.source)
            if not reg:
                out[p.report_id] = by_source.get(p.report.sha256)
                continue
            key = tuple(reg.get(f) or None for f in REGION_FIELDS[:4])
            code = reg.get("code") or None
            if key not in known_regions:
                known_regions[key] = (next_id, code)
                new_rows.append((next_id, *key, code))
                next_id += 1
            elif code and known_regions[key][1] != code:
                code_updates.append((code, known_regions[key][0]))
                known_regions[key] = (known_regions[key][0], code)
            out[p.report_id] = known_regions[key][0]
        if new_rows:
            frame = pd.DataFrame(new_rows, columns=["region_id", *REGION_FIELDS])
            with _registered(self.con, new_regions_df=frame):
                self.con.execute("INSERT INTO regions SELECT * FROM new_regions_df")
        if code_updates:
            self.con.executemany("UPDATE regions SET code = ? WHERE region_id = ?", code_updates)
        return out

    def _validate(self, planned: list[ld.Planned]) -> dict[int, list[tuple[str, Finding]]]:
        """Extractor findings plus schemas.validate, with the previous year from batch or warehouse."""
        in_batch: dict[str, Report] = {p.key: p.report for p in planned if p.report.status != "failed"}
        wanted = {k for p in planned if (k := ld.previous_key(p.report)) and k not in in_batch}
        from_db: dict[str, dict[ld.Key, float | None]] = {}
        if wanted:
            with _registered(self.con, prev_keys_df=pd.DataFrame({"k": sorted(wanted)})):
                for key, t, r, c, v in self.con.execute(_PREVIOUS_CELLS).fetchall():
                    from_db.setdefault(key, {})[(t, r, c)] = v
        out: dict[int, list[tuple[str, Finding]]] = {}
        for p in planned:
            pk = ld.previous_key(p.report)
            prev: Previous | None = None
            if pk in in_batch:
                prev = cell_values(in_batch[pk])
            elif pk in from_db:
                prev = from_db[pk]
            items = [("extractor", f) for f in p.report.findings]
            try:
                items += [("validate", f) for f in validate(p.report, prev)]
            except Exception as exc:  # a validator bug must not lose the report
                items.append(("validate", _validator_error(exc)))
            out[p.report_id] = items
        return out

    def _insert(
        self, plan: ld.Plan, region_of: dict[int, int | None], findings: dict[int, list[tuple[str, Finding]]]
    ) -> None:
        now = _now()
        frames = {
            "reports_df": ld.reports_frame(plan.planned, region_of, now),
            "cells_df": ld.cells_frame(plan.planned),
            "findings_df": ld.findings_frame(findings),
            "narratives_df": ld.narratives_frame(plan.planned),
            "supersede_df": pd.DataFrame(
                [(old, p.report_id) for p in plan.planned for old in p.supersedes],
                columns=["old_id", "new_id"],
            ),
            "sources_df": pd.DataFrame(
                [(p.report.source, p.report.sha256, p.report.format) for p in plan.planned],
                columns=["location", "sha256", "format"],
            ).drop_duplicates(["location", "sha256"]),
        }
        with _registered(self.con, **frames):
            self.con.execute(_INSERT_REPORTS)
            self.con.execute(_INSERT_CELLS)
            self.con.execute(_INSERT_FINDINGS)
            self.con.execute("INSERT INTO narratives SELECT report_id, section, text FROM narratives_df")
            self.con.execute(_SUPERSEDE)
            # Files loaded without record_source are still listed, so nothing is untraceable.
            self.con.execute(
                "INSERT INTO sources SELECT location, sha256, NULL, format, NULL, ?, ? FROM sources_df "
                "ON CONFLICT (location, sha256) DO NOTHING",
                [now, now],
            )

    # -- outputs -------------------------------------------------------------------------------------
    def publish_snapshot(self, snapshot_path: str | Path) -> Path:
        """Atomically replace `snapshot_path` with a complete read-only copy (see warehouse.export)."""
        from warehouse.export import publish_snapshot

        return publish_snapshot(self.con, self.path, Path(snapshot_path))

    def export_parquet(self, out_dir: str | Path) -> list[Path]:
        """Write the normalized tables as Parquet, partitioned by year; returns the files written."""
        from warehouse.export import export_parquet

        return export_parquet(self.con, Path(out_dir))

    def write_comparison(
        self, xlsx_path: str | Path, district: str | None = None, year: int | None = None
    ) -> Path:
        """Comparison spreadsheet: a sheet per table with reports side by side, and a findings sheet."""
        from warehouse.compare import write_comparison

        return write_comparison(self.con, Path(xlsx_path), district=district, year=year)

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a read query on the working database (tests, CLI); returns all rows."""
        return self.con.execute(sql, params or []).fetchall()

    def close(self) -> None:
        """Checkpoint and close the working database."""
        try:
            self.con.execute("CHECKPOINT")
        finally:
            self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _validator_error(exc: Exception) -> Finding:
    return Finding(
        rule="validator_error",
        severity="error",
        message=f"validation raised {type(exc).__name__}: {exc}",
        source_inconsistent=False,
    )


class _registered:
    """Context manager: register pandas frames as DuckDB views, unregister on exit."""

    def __init__(self, con: duckdb.DuckDBPyConnection, **frames: pd.DataFrame) -> None:
        self.con, self.frames = con, frames

    def __enter__(self) -> None:
        for name, df in self.frames.items():
            self.con.register(name, df)

    def __exit__(self, *exc: object) -> None:
        for name in self.frames:
            self.con.unregister(name)
