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

from nianbao.schemas.crosswalk import cell_maps
from nianbao.schemas.places import Place, fill_region, gazetteer, resolve_issuer
from nianbao.schemas.records import Finding, Report
from nianbao.schemas.template import TEMPLATE
from nianbao.schemas.text import path_text
from nianbao.schemas.validate import RULES, count_by_severity, validate
from nianbao.warehouse import checks
from nianbao.warehouse import load as ld
from nianbao.warehouse.database import open_database, transaction
from nianbao.warehouse.headlines import overview_sql
from nianbao.warehouse.migrate import add_columns, migrate
from nianbao.warehouse.wide import wide_views_sql

SCHEMA_VERSION = "2"
REGION_FIELDS = ("province", "city", "district", "township", "code")


def sql_text(name: str) -> str:
    """The text of a bundled .sql file (schema.sql, views.sql)."""
    return resources.files("nianbao.warehouse").joinpath(name).read_text("utf-8")


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

    def add(self, other: LoadResult) -> None:
        """Count another load's result into this one."""
        self.loaded += other.loaded
        self.new_versions += other.new_versions
        self.unchanged += other.unchanged
        self.failed += other.failed
        for severity, n in other.findings_by_severity.items():
            self.findings_by_severity[severity] = self.findings_by_severity.get(severity, 0) + n
        self.report_ids += other.report_ids


# SQL used by the loader; named so the load code reads as steps.
_INSERT_REPORTS = """
INSERT INTO reports BY NAME
SELECT * REPLACE (CAST(json(sections) AS VARCHAR[]) AS sections, json(extra_cells) AS extra_cells,
                  CAST(published AS DATE) AS published),
       NULL::BIGINT AS superseded_by
FROM reports_df
"""
_INSERT_CELLS = """
INSERT INTO cells BY NAME
SELECT report_id, table_id, block, row_code, col_code, row_label, col_label, value, raw, unit, note,
       count, CAST(amount AS DECIMAL(18, 6)) AS amount, amount_unit,
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
_PART_KEY = "report_key || '#' || coalesce(part, 'document')"
_CURRENT_FOR = f"""
SELECT report_id, {_PART_KEY}, sha256, parser_version FROM reports
WHERE superseded_by IS NULL
  AND ({_PART_KEY} IN (SELECT k FROM batch_keys_df) OR sha256 IN (SELECT s FROM batch_shas_df))
"""
_MAX_VERSION = f"SELECT {_PART_KEY}, max(version) FROM reports WHERE {_PART_KEY} IN (SELECT k FROM batch_keys_df) GROUP BY 1"


class Warehouse:
    """The working warehouse file. Single writer; not thread-safe.

    Args:
        path: DuckDB file to open or create; the schema and views are created if missing.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.con = open_database(self.path)
        self.loaded_keys: set[str] = set()  # report_keys loaded through this instance
        self._create_schema()

    # -- schema ------------------------------------------------------------------------------------
    def _create_schema(self) -> None:
        with transaction(self.con):
            add_columns(self.con)
            self.con.execute(sql_text("schema.sql"))
            migrate(self.con)
            self._write_template()
            self.con.execute(sql_text("overrides.sql"))  # before the views: every reading applies them
            self.con.execute(sql_text("views.sql"))
            self.con.execute(wide_views_sql())  # the tables' wide views, from the template
            self.con.execute(overview_sql())  # report_overview, from the template's headline figures
            self.con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?), ('rules', ?)",
                [SCHEMA_VERSION, ",".join(RULES)],
            )

    def _write_template(self) -> None:
        """Refresh template_rows / template_columns from TEMPLATE (reference data, not history)."""
        rows: list[tuple[Any, ...]] = []
        cols: list[tuple[Any, ...]] = []
        for t in TEMPLATE.tables:
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
        self.con.execute("DELETE FROM crosswalk")
        self.con.executemany(
            "INSERT INTO crosswalk VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(m.variant, m.table, m.row, m.col, m.measure, m.kind, m.series) for m in cell_maps()],
        )

    # -- sources and regions -------------------------------------------------------------------------
    def configure(self, regions: Mapping[str, Mapping[str, Any]] | list[Mapping[str, Any]]) -> list[int]:
        """Record configured regions (sources.yaml `region_rows()`), so coverage knows every township
        and, for a district with `first_year`, from which year its reports are due.

        A configured district with a real code also gets all its townships and streets from the
        gazetteer. Configured values win; the gazetteer fills what they leave out.
        """
        items = list(regions.values()) if isinstance(regions, Mapping) else list(regions)
        with transaction(self.con):
            ids = [self.region_id(r) for r in items]
            for rid, r in zip(ids, items, strict=True):
                if "first_year" in r:  # a configured start of coverage (or its removal)
                    self.con.execute(
                        "UPDATE regions SET first_year = ? WHERE region_id = ?", [r.get("first_year"), rid]
                    )
        return ids

    def region_id(self, region: Mapping[str, Any], origin: str = "configured") -> int:
        """The region_id of a region dict (province, city, district, township, code), created if new.

        Gaps are filled from the gazetteer; a new district-level region brings its townships.
        """
        region = fill_region(region)
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
        level = "township" if vals[3] else "county"
        self.con.execute(
            "INSERT INTO regions (region_id, province, city, district, township, code, level, origin) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [new_id, *vals, code, level, origin],
        )
        if level == "county" and code:
            for town in gazetteer().township_list(code):
                self.region_id(town.as_region(), origin="gazetteer")
        return new_id

    def record_sources(
        self, files: list[tuple[str, str, int | None, str | None, Mapping[str, Any] | None]]
    ) -> None:
        """Record that each location served a file with this hash (first_seen on insert, last_seen
        always), in one transaction and one statement.

        Args:
            files: (location, sha256, size, format, region) per file; size, format and region may be None.
        """
        now = _now()
        region_ids: dict[tuple[tuple[str, Any], ...], int] = {}
        rows: dict[tuple[str, str], tuple[Any, ...]] = {}
        with transaction(self.con):
            for location, sha256, size, fmt, region in files:
                rid = None
                if region:
                    key = tuple(sorted(region.items()))
                    if key not in region_ids:
                        region_ids[key] = self.region_id(region)
                    rid = region_ids[key]
                rows[(location, sha256)] = (location, sha256, size, fmt, rid)
            if not rows:
                return
            frame = pd.DataFrame(
                {
                    "location": pd.array([r[0] for r in rows.values()], dtype="string"),
                    "sha256": pd.array([r[1] for r in rows.values()], dtype="string"),
                    "size": pd.array([r[2] for r in rows.values()], dtype="Int64"),
                    "format": pd.array([r[3] for r in rows.values()], dtype="string"),
                    "region_id": pd.array([r[4] for r in rows.values()], dtype="Int32"),
                }
            )
            with _registered(self.con, new_sources_df=frame):
                self.con.execute(
                    "INSERT INTO sources SELECT location, sha256, size, format, region_id, ?, ? FROM new_sources_df "
                    "ON CONFLICT (location, sha256) DO UPDATE SET "
                    "last_seen = excluded.last_seen, size = coalesce(excluded.size, sources.size), "
                    "format = coalesce(excluded.format, sources.format), "
                    "region_id = coalesce(excluded.region_id, sources.region_id)",
                    [now, now],
                )

    def loaded(self, sha256s: list[str], parser_version: str) -> set[str]:
        """Which of these files were already extracted by this parser version.

        Superseded versions count too: two files for one issuer and year (a report and its
        statistics attachment) would otherwise supersede each other and be re-parsed every night.
        """
        if not sha256s:
            return set()
        frame = pd.DataFrame({"sha256": pd.array(sha256s, dtype="string")})
        with _registered(self.con, asked_df=frame):
            rows = self.query(
                "SELECT DISTINCT sha256 FROM reports WHERE parser_version = ? "
                "AND sha256 IN (SELECT sha256 FROM asked_df)",
                [parser_version],
            )
        return {r[0] for r in rows}

    # -- loading -------------------------------------------------------------------------------------
    def load(
        self,
        reports: list[Report],
        regions: Mapping[str, Mapping[str, Any]] | None = None,
        validated: bool = False,
    ) -> LoadResult:
        """Validate and load a batch of reports in one transaction.

        Args:
            reports: extracted reports, failed ones included (they are recorded with their error).
            regions: region dicts keyed by a report's sha256 or source location; otherwise the region
                recorded for the file by `record_sources` is used.
            validated: the reports went through `schemas.validate` already (the flow's validate
                stage), so a report without findings is clean, not unchecked.

        Single-report validation is a stage of its own (schemas.validate, run by the flow and by
        `nianbao extract`): the findings a report carries are stored as they are. Unless
        `validated`, a report that carries no validation findings is validated here.
        After storing, the cross-report stage runs: parts of one report that disagree, and the
        cross-year checks of every loaded year and its neighbours, whose findings are replaced.
        Either the whole batch is committed or nothing is (a crash leaves the file as before).
        """
        con = self.con
        result = LoadResult()
        with transaction(con):
            places, region_of_sha = self._places(reports, regions or {})
            plan = self._plan(reports, places)
            result.unchanged = plan.unchanged
            if plan.planned:
                region_of = {p.report_id: region_of_sha.get(p.report.sha256) for p in plan.planned}
                findings = self._validate(plan.planned, places, validated)
                by_id = {
                    p.report_id: places[p.report.sha256] for p in plan.planned if p.report.sha256 in places
                }
                self._insert(plan, region_of, findings, by_id)
                keys = sorted({p.key.rsplit("#", 1)[0] for p in plan.planned})
                checks.run_cross_report(self.con, keys)
                self.loaded_keys.update(keys)
                for p in plan.planned:
                    result.report_ids.append(p.report_id)
                    result.loaded += 1
                    result.new_versions += bool(p.supersedes)
                    result.failed += p.report.status == "failed"
                counts = count_by_severity(f for items in findings.values() for _, f in items)
                result.findings_by_severity = counts
        return result

    def _plan(self, reports: list[Report], places: Mapping[str, Place]) -> ld.Plan:
        part_keys = {
            r.sha256: ld.part_key(ld.report_key(r, places.get(r.sha256)), ld.part_of(r)) for r in reports
        }
        keys = pd.DataFrame({"k": sorted(set(part_keys.values()))})
        shas = pd.DataFrame({"s": sorted({r.sha256 for r in reports})})
        with _registered(self.con, batch_keys_df=keys, batch_shas_df=shas):
            current = [
                ld.Current(int(a), b, c, d) for a, b, c, d in self.con.execute(_CURRENT_FOR).fetchall()
            ]
            max_version = {k: int(v) for k, v in self.con.execute(_MAX_VERSION).fetchall()}
        next_id = int(self.query("SELECT coalesce(max(report_id), 0) + 1 FROM reports")[0][0])
        return ld.plan_batch(reports, current, max_version, next_id, part_keys)

    def load_isolating(self, reports: list[Report], validated: bool = False) -> LoadResult:
        """`load`, and when the batch cannot be stored, each report alone: one that still cannot is
        recorded as failed with the reason (its numbers are not stored), and the rest are loaded.

        Failures of the database itself (a full disk, a damaged file) are raised as they are.
        """
        try:
            return self.load(reports, validated=validated)
        except Exception as exc:
            if _fatal(exc):
                raise
        total = LoadResult()
        for r in reports:
            try:
                total.add(self.load([r], validated=validated))
            except Exception as exc:
                if _fatal(exc):
                    raise
                first = (str(exc).strip().splitlines() or [""])[0][:200]
                total.add(self.load([_unstorable(r, f"could not be stored ({type(exc).__name__}: {first})")]))
        return total

    def _places(
        self, reports: list[Report], regions: Mapping[str, Mapping[str, Any]]
    ) -> tuple[dict[str, Place], dict[str, int | None]]:
        """sha256 -> the issuer's Place, and sha256 -> region_id.

        The configured region (the `regions` argument, else the one recorded for the file by
        `record_sources`) is the hint and wins; the gazetteer resolves the rest. Regions are matched
        in memory and new ones bulk-inserted: a batch of 10,000 townships must not cost 10,000
        round trips.
        """
        known = {
            tuple(r[1:5]): (int(r[0]), r[5])
            for r in self.query("SELECT region_id, province, city, district, township, code FROM regions")
        }
        by_id = {v[0]: dict(zip(REGION_FIELDS, (*k, v[1]), strict=True)) for k, v in known.items()}
        shas = pd.DataFrame({"s": sorted({r.sha256 for r in reports})})
        with _registered(self.con, shas_df=shas):
            by_source = dict(
                self.con.execute(
                    "SELECT sha256, arg_max(region_id, last_seen) FROM sources WHERE region_id IS NOT NULL "
                    "AND sha256 IN (SELECT s FROM shas_df) GROUP BY 1"
                ).fetchall()
            )
        places: dict[str, Place] = {}
        region_of: dict[str, int | None] = {}
        for r in reports:
            given = regions.get(r.sha256) or regions.get(r.source)
            configured = fill_region(given) if given else by_id.get(by_source.get(r.sha256, -1))
            place = resolve_issuer(r.issuer, configured, (r.title,))
            places[r.sha256] = place
            region: dict[str, Any] | None = None
            if place.status in ("resolved", "configured") and place.code:
                region = place.as_region()
                if configured and (configured.get("township") or None) == place.township:
                    region = {k: configured.get(k) or region.get(k) for k in REGION_FIELDS}
            else:
                region = dict(configured) if configured else None
            if region is None:
                region_of[r.sha256] = None
                continue
            key = tuple(region.get(f) or None for f in REGION_FIELDS[:4])
            if key not in known:
                # A new place: created through region_id (gazetteer gaps filled, districts expanded).
                rid = self.region_id(region, origin="configured" if given else "issuer")
                known[key] = (rid, region.get("code"))
            elif region.get("code") and known[key][1] != region.get("code"):
                self.con.execute(
                    "UPDATE regions SET code = ? WHERE region_id = ?", [region["code"], known[key][0]]
                )
                known[key] = (known[key][0], region["code"])
            region_of[r.sha256] = known[key][0]
        return places, region_of

    def _validate(
        self, planned: list[ld.Planned], places: Mapping[str, Place], validated: bool = False
    ) -> dict[int, list[tuple[str, Finding]]]:
        """The findings each report carries, with their origin, plus the load's own unit findings.

        Fallback: a report that carries no validation findings is validated here (single report).
        Cross-year findings a report carries are dropped: the cross-year stage owns them.
        """
        out: dict[int, list[tuple[str, Finding]]] = {}
        for p in planned:
            items = [(_origin(f), f) for f in p.report.findings if _group(f.rule) != "cross_year"]
            if not validated and not any(origin == "validate" for origin, _ in items):  # never raises
                items += [("validate", f) for f in validate(p.report) if _group(f.rule) != "cross_year"]
            items += [("warehouse", f) for f in ld.unit_findings(p.report)]
            place = places.get(p.report.sha256)
            if (
                place is not None
                and place.status in ("ambiguous", "unresolved")
                and p.report.status != "failed"
            ):
                items.append(("warehouse", _unplaced(p.report.issuer, place)))
            out[p.report_id] = items
        return out

    def _insert(
        self,
        plan: ld.Plan,
        region_of: dict[int, int | None],
        findings: dict[int, list[tuple[str, Finding]]],
        places: dict[int, Place],
    ) -> None:
        now = _now()
        frames = {
            "reports_df": ld.reports_frame(plan.planned, region_of, now, places),
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
            # Files loaded without record_sources are still listed, so nothing is untraceable.
            self.con.execute(
                "INSERT INTO sources SELECT location, sha256, NULL, format, NULL, ?, ? FROM sources_df "
                "ON CONFLICT (location, sha256) DO NOTHING",
                [now, now],
            )

    def finding_counts(self, keys: set[str] | list[str] | None = None) -> dict[str, int]:
        """Open findings by severity (`current_findings`: every part, corrections judged), of the
        reports with these report_keys, or of every current report. The one count the run summary,
        `nianbao findings`, report_overview and `nianbao.read_findings` share."""
        counts = {"error": 0, "warning": 0, "info": 0}
        frame = pd.DataFrame({"k": pd.array(sorted(keys or ()), dtype="string")})
        with _registered(self.con, count_keys_df=frame):
            rows = self.query(
                "SELECT severity, count(*) FROM current_findings WHERE status = 'open' "
                "AND (? OR report_key IN (SELECT k FROM count_keys_df)) GROUP BY 1",
                [keys is None],
            )
        for severity, n in rows:
            counts[str(severity)] = int(n)
        return counts

    # -- outputs -------------------------------------------------------------------------------------
    def publish_snapshot(self, snapshot_path: str | Path) -> Path:
        """Atomically replace `snapshot_path` with a complete read-only copy (see warehouse.export)."""
        from nianbao.warehouse.export import publish_snapshot

        return publish_snapshot(self.con, self.path, Path(snapshot_path))

    def export_parquet(self, out_dir: str | Path) -> list[Path]:
        """Write the normalized tables as Parquet, partitioned by year; returns the files written."""
        from nianbao.warehouse.export import export_parquet

        return export_parquet(self.con, Path(out_dir))

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


def _unplaced(issuer: str | None, place: Place) -> Finding:
    return Finding(
        rule="issuer_unplaced",
        severity=RULES["issuer_unplaced"].severity,
        message=f"issuer {issuer} has no 统计用区划代码: {place.reason}",
        cells={"issuer": issuer, "candidates": list(place.candidates)}
        if place.candidates
        else {"issuer": issuer},
    )


def _group(rule: str) -> str | None:
    r = RULES.get(rule)
    return r.group if r else None


def _origin(f: Finding) -> str:
    """How the warehouse names the stage that reported a finding: "validate" or "extractor".

    The finding says which stage it came from (`Finding.origin`); one made without it takes its
    rule's origin in rules.toml, and a code that is not a rule counts as the extractor's.
    """
    rule = RULES.get(f.rule)
    origin = f.origin or (rule.origin if rule else "parser")
    return "validate" if origin == "validation" else "extractor"


def _fatal(exc: BaseException) -> bool:
    """A failure of the database or the machine (a full disk, a failed commit), not of one report's
    data: recording reports as failed for it would keep them from being read again."""
    kinds = (
        duckdb.FatalException | duckdb.IOException | duckdb.TransactionException | duckdb.InternalException
    )
    return isinstance(exc, kinds | OSError | MemoryError) or "No space left" in str(exc)


def _unstorable(r: Report, reason: str) -> Report:
    """A report the warehouse could not take, as a failed report: where it came from and why."""
    return Report(
        source=path_text(r.source),
        sha256=r.sha256,
        format=r.format,
        status="failed",
        error=reason,
        parser_version=r.parser_version,
    )


class _registered:
    """Context manager: register pandas frames as DuckDB views, unregister on exit."""

    def __init__(self, con: duckdb.DuckDBPyConnection, **frames: pd.DataFrame) -> None:
        self.con, self.frames = con, frames

    def __enter__(self) -> None:
        for name, df in self.frames.items():
            self.con.register(name, df)

    def __exit__(self, exc_type: object, *exc: object) -> None:
        for name in self.frames:
            try:
                self.con.unregister(name)
            except duckdb.Error:
                if exc_type is None:  # an aborted transaction refuses it: keep the error that aborted it
                    raise
