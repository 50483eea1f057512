"""One district and year, as the workbook, the HTML page and `nianbao compare` show it.

Townships come from the `coverage` view (missing ones included); figures are current values
(`cells_analysed` over `current_cells`: a correction where one applies, else the printed value);
findings are the open ones of `current_findings` (a finding a correction answered is listed apart). A blank stays None and
is never summed as 0: a sum with a blank part is blank.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from nianbao.analyst.words import (
    HEADLINES,
    MIN_RATE_BASE,
    RATES,
    SEVERITY_ORDER,
    CellRef,
    finding_message,
    mark_reading_notes,
)
from nianbao.schemas.template import TEMPLATE

Key = tuple[int, str, str, str]  # report_id, table, row, col


class UnknownDistrict(ValueError):
    """A district (or year) the warehouse has no townships for."""


@dataclass
class CellValue:
    """One cell of one report: printed and analysed value, raw text, and the correction if any
    (its number, why, who and when)."""

    printed: float | None
    raw: str | None
    analysed: float | None
    override_id: int | None = None
    reason: str | None = None
    by: str | None = None
    at: Any = None  # when the correction was made (UTC)

    @property
    def marker(self) -> str | None:
        """The printed text when it is not a number (-, 无), else None."""
        text = (self.raw or "").strip()
        return text if self.printed is None and text else None


@dataclass
class Township:
    """One row of the overview."""

    region_code: str | None
    township: str
    issuer: str | None
    report_id: int | None
    status: str | None
    published: Any
    days_late: int | None
    figures: dict[str, float | None] = field(default_factory=dict)
    previous: dict[str, float | None] = field(default_factory=dict)
    rates: dict[str, tuple[float | None, float | None, float | None]] = field(default_factory=dict)
    ranks: dict[str, int | None] = field(default_factory=dict)
    overridden: set[str] = field(default_factory=set)
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    def change(self, key: str) -> float | None:
        """The headline figure minus last year's (None when either is blank)."""
        now, before = self.figures.get(key), self.previous.get(key)
        return None if now is None or before is None else now - before


@dataclass
class Overview:
    """The district in one year: townships, totals, cells, findings and sources."""

    district: str
    year: int
    vs_year: int | None
    townships: list[Township]
    cells: dict[Key, CellValue]
    findings: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    variants: dict[int, dict[str, str | None]]
    corrected_findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def report_ids(self) -> list[int]:
        return [t.report_id for t in self.townships if t.report_id is not None]

    def total(self, key: str) -> float | None:
        """District total of a headline figure; blank when any published report has it blank."""
        values = [t.figures.get(key) for t in self.townships if t.report_id is not None]
        return (
            None
            if not values or any(v is None for v in values)
            else float(sum(v for v in values if v is not None))
        )

    def cell_total(self, ref: CellRef) -> float | None:
        """District total of one cell over the published reports; blank when any of them is blank."""
        values = [self.cells.get((rid, ref.table, ref.row, ref.col)) for rid in self.report_ids]
        nums = [v.analysed if v else None for v in values]
        return (
            None if not nums or any(n is None for n in nums) else float(sum(n for n in nums if n is not None))
        )


def districts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Districts the warehouse has townships for."""
    return [r[0] for r in con.execute("SELECT DISTINCT district FROM coverage ORDER BY 1").fetchall()]


def latest_year(con: duckdb.DuckDBPyConnection, district: str | None = None) -> int | None:
    """The latest report year (of a district)."""
    row = con.execute(
        "SELECT max(year) FROM coverage WHERE report_id IS NOT NULL AND (CAST(? AS VARCHAR) IS NULL OR district = ?)",
        [district, district],
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def district_overview(
    con: duckdb.DuckDBPyConnection, district: str, year: int, vs_year: int | None = None
) -> Overview:
    """Everything the district outputs show, read from `coverage`, `cells_analysed` and `findings`.

    Args:
        con: a connection to a warehouse or snapshot (read-only is enough).
        district: district name as in regions.district (e.g. 云岭区).
        year: report year.
        vs_year: year to compare with (default year - 1, when the warehouse has it).

    Raises:
        UnknownDistrict: naming the districts and years there are.
    """
    known = districts(con)
    if district not in known:
        raise UnknownDistrict(f"unknown district {district!r}; known: {', '.join(known) or 'none'}")
    rows = con.execute(
        "SELECT region_code, township, issuer, report_id, status, published, days_late, year FROM coverage "
        "WHERE district = ? ORDER BY township, year",
        [district],
    ).fetchall()
    years = sorted({int(r[7]) for r in rows})
    if year not in years:
        raise UnknownDistrict(f"no reports of {district} for {year}; years: {', '.join(map(str, years))}")
    if vs_year is not None and vs_year not in years:
        raise UnknownDistrict(f"no reports of {district} for {vs_year}; years: {', '.join(map(str, years))}")
    if vs_year is None and year - 1 in years:
        vs_year = year - 1
    now = [r for r in rows if r[7] == year]
    before = {r[1]: r[3] for r in rows if vs_year is not None and r[7] == vs_year}
    ids = [int(r[3]) for r in now if r[3] is not None] + [int(v) for v in before.values() if v is not None]
    cells = _cells(con, ids)
    counts = _finding_counts(con, ids)
    townships: list[Township] = []
    for code, name, issuer, rid, status, published, days_late, _y in now:
        t = Township(code, name, issuer, rid, status, published, days_late)
        if rid is not None:
            t.figures, t.overridden = _headlines(cells, int(rid))
            t.rates = {r.key: _rate(cells, int(rid), r.numerator, r.denominator) for r in RATES}
            t.errors, t.warnings, t.infos = counts.get(int(rid), (0, 0, 0))
        prev_id = before.get(name)
        if prev_id is not None:
            t.previous, _ = _headlines(cells, int(prev_id))
        townships.append(t)
    _rank(townships)
    current = [int(r[3]) for r in now if r[3] is not None]
    return Overview(
        district=district,
        year=year,
        vs_year=vs_year,
        townships=townships,
        cells={k: v for k, v in cells.items() if k[0] in set(current)},
        findings=report_findings(con, current),
        corrected_findings=report_findings(con, current, status="corrected"),
        sources=report_sources(con, current),
        variants={
            int(r[0]): {t.id: v for t, v in zip(TEMPLATE.varied, r[1:], strict=True)}
            for r in con.execute(
                f"SELECT report_id, {', '.join(t.variant_column for t in TEMPLATE.varied)} FROM reports "
                "WHERE report_id IN (SELECT unnest(?::BIGINT[]))",
                [current],
            ).fetchall()
        },
    )


def _cells(con: duckdb.DuckDBPyConnection, ids: list[int]) -> dict[Key, CellValue]:
    if not ids:
        return {}
    out: dict[Key, CellValue] = {}
    for rid, t, r, c, printed, raw, analysed, oid, reason, by, at in con.execute(
        "SELECT report_id, table_id, row_code, col_code, printed, raw, analysed, override_id, override_reason, "
        "override_by, override_at "
        "FROM cells_analysed WHERE report_id IN (SELECT unnest(?::BIGINT[]))",
        [ids],
    ).fetchall():
        out[(int(rid), t, r, c)] = CellValue(printed, raw, analysed, oid, reason, by, at)
    return out


def _sum(cells: dict[Key, CellValue], rid: int, refs: tuple[CellRef, ...]) -> tuple[float | None, bool]:
    """Sum of analysed values (None if any is blank or missing) and whether a correction is involved."""
    total, corrected = 0.0, False
    for ref in refs:
        v = cells.get((rid, ref.table, ref.row, ref.col))
        if v is None or v.analysed is None:
            return None, False
        total += v.analysed
        corrected |= v.override_id is not None
    return total, corrected


def _headlines(cells: dict[Key, CellValue], rid: int) -> tuple[dict[str, float | None], set[str]]:
    figures: dict[str, float | None] = {}
    corrected: set[str] = set()
    for h in HEADLINES:
        figures[h.key], flag = _sum(cells, rid, h.cells)
        if flag:
            corrected.add(h.key)
    return figures, corrected


def _rate(
    cells: dict[Key, CellValue], rid: int, num: tuple[CellRef, ...], den: tuple[CellRef, ...]
) -> tuple[float | None, float | None, float | None]:
    n, _ = _sum(cells, rid, num)
    d, _ = _sum(cells, rid, den)
    return n, d, (n / d if n is not None and d else None)


def _rank(townships: list[Township]) -> None:
    """Rank each rate among townships whose base reaches MIN_RATE_BASE (1 = best); others get None."""
    for rate in RATES:
        ranked = [
            t
            for t in townships
            if (r := t.rates.get(rate.key)) and r[2] is not None and (r[1] or 0) >= MIN_RATE_BASE
        ]
        ranked.sort(key=lambda t: t.rates[rate.key][2] or 0.0, reverse=rate.higher_is_better)
        for t in townships:
            t.ranks[rate.key] = None
        pos = 0
        last: float | None = None
        for i, t in enumerate(ranked, start=1):
            value = t.rates[rate.key][2]
            if value != last:
                pos, last = i, value
            t.ranks[rate.key] = pos


def _finding_counts(con: duckdb.DuckDBPyConnection, ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """report_id -> (errors, warnings, infos): the open findings of every part of the report."""
    if not ids:
        return {}
    return {
        int(r[0]): (int(r[1]), int(r[2]), int(r[3]))
        for r in con.execute(
            "SELECT report_id, count(*) FILTER (WHERE severity = 'error'), "
            "count(*) FILTER (WHERE severity = 'warning'), count(*) FILTER (WHERE severity = 'info') "
            "FROM current_findings WHERE status = 'open' AND report_id IN (SELECT unnest(?::BIGINT[])) GROUP BY 1",
            [ids],
        ).fetchall()
    }


def report_findings(
    con: duckdb.DuckDBPyConnection, ids: list[int], status: str | None = "open"
) -> list[dict[str, Any]]:
    """Findings of these reports (every part; `current_findings`), errors first, in Chinese.

    Args:
        con: warehouse or snapshot connection.
        ids: current_reports.report_id of the reports.
        status: "open" (the checklist: what still needs a person), "corrected" (已更正: answered by
            a correction, kept for the record), or None for both.
    """
    if not ids:
        return []
    rows = con.execute(
        "SELECT f.report_id, f.issuer, f.year, f.township, f.part_rank * 10000 + f.seq, f.rule, f.severity, "
        "f.message, f.cells, f.expected, f.actual, r.variant_t3, f.status, f.answered_by "
        "FROM current_findings f JOIN current_reports r ON r.report_id = f.report_id "
        "WHERE f.report_id IN (SELECT unnest(?::BIGINT[])) AND (CAST(? AS VARCHAR) IS NULL OR f.status = ?)",
        [ids, status, status],
    ).fetchall()
    out = []
    for (
        rid,
        issuer,
        year,
        township,
        seq,
        rule,
        severity,
        message,
        cells,
        expected,
        actual,
        v3,
        st,
        by,
    ) in rows:
        named = json.loads(cells) if cells else None
        if not isinstance(named, dict):
            named = None
        out.append(
            {
                "report_id": int(rid),
                "issuer": issuer,
                "year": year,
                "township": township,
                "seq": seq,
                "rule": rule,
                "severity": severity,
                "message": finding_message(rule, message, named, expected, actual, v3),
                "raw_message": message,
                "cells": list(named or {}),
                "expected": expected,
                "actual": actual,
                "status": st,
                "answered_by": list(by or []),
            }
        )
    out.sort(
        key=lambda f: (
            f["status"] != "open",
            SEVERITY_ORDER.get(f["severity"], 9),
            f["township"] or "",
            f["year"] or 0,
            f["seq"],
        )
    )
    return mark_reading_notes(out)


def report_sources(con: duckdb.DuckDBPyConnection, ids: list[int]) -> list[dict[str, Any]]:
    """Every part (file) of these reports: part, location, sha256, format, size, parser version, version."""
    if not ids:
        return []
    cols = [
        "report_id",
        "issuer",
        "year",
        "township",
        "part",
        "part_report_id",
        "location",
        "sha256",
        "format",
        "size",
        "parser_version",
        "version",
    ]
    rows = con.execute(
        "SELECT r.report_id, r.issuer, r.year, r.township, p.part, x.report_id, x.source, x.sha256, x.format, "
        "(SELECT max(s.size) FROM sources s WHERE s.sha256 = x.sha256), x.parser_version, x.version "
        "FROM current_reports r JOIN report_parts p ON p.report_key = r.report_key "
        "JOIN reports x ON x.report_id = p.report_id "
        "WHERE r.report_id IN (SELECT unnest(?::BIGINT[])) ORDER BY r.township, r.year, p.part_rank",
        [ids],
    ).fetchall()
    return [dict(zip(cols, r, strict=True)) for r in rows]
