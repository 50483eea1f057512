"""Turning reports into bulk-insertable frames, and deciding which reports are new versions.

Everything here is pure Python over plain data; `warehouse.store` runs the SQL. Frames are built
column-wise (one list per column) because 3 million cells through row-by-row executes or
`DataFrame.from_records` of dataclasses would take minutes, not seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from nianbao.schemas.crosswalk import cell_unit, to_measure_unit
from nianbao.schemas.frames import WAREHOUSE_CELLS, WAREHOUSE_FINDINGS, WAREHOUSE_REPORTS
from nianbao.schemas.places import Place, clean_issuer
from nianbao.schemas.records import Finding, Report
from nianbao.schemas.template import TEMPLATE
from nianbao.schemas.text import norm_label

Key = tuple[str, str, str]
# Which part of a report a file is, by its format; the order is the metadata priority.
PART_OF_FORMAT = {
    "html": "page",
    "htm": "page",
    "xlsx": "attachment",
    "xls": "attachment",
    "csv": "attachment",
}
PARTS = ("document", "page", "attachment")


def part_of(report: Report) -> str:
    """page (HTML), attachment (a statistics workbook) or document (Word, PDF, text, scans)."""
    return PART_OF_FORMAT.get((report.format or "").lower(), "document")


def issuer_identity(issuer: str | None, place: Place | None = None) -> str | None:
    """Who a report is by, across years and spellings: the place code when the issuer is the
    government of a resolved place (洪泽县蒋坝镇 and 淮安市洪泽区蒋坝镇 are one line), else the
    normalised issuer name."""
    if place is not None and place.code and place.status in ("resolved", "configured"):
        return place.code
    return norm_label(clean_issuer(issuer)) or None


def report_key(report: Report, place: Place | None = None) -> str:
    """Identity of a report across files, parts and parser versions: issuer identity + year.

    A report without issuer or year (typically a failed extraction) is identified by its file.
    """
    who = issuer_identity(report.issuer, place)
    if who and report.year and report.status != "failed":
        return f"{who}|{report.year}"
    return f"sha256:{report.sha256}"


def part_key(key: str, part: str) -> str:
    """The unit of versioning: one part of one report (a new version is a changed part)."""
    return f"{key}#{part}"


@dataclass
class Current:
    """A current (not superseded) version already in the warehouse or planned in this batch."""

    report_id: int
    key: str
    sha256: str
    parser_version: str


@dataclass
class Planned:
    """A report that becomes a new row of `reports`."""

    report_id: int
    report: Report
    key: str
    version: int
    supersedes: list[int] = field(default_factory=list)


@dataclass
class Plan:
    """Outcome of planning one batch: new rows, their supersessions, and the no-ops."""

    planned: list[Planned]
    unchanged: int


def plan_batch(
    reports: Iterable[Report],
    current: Iterable[Current],
    max_version: Mapping[str, int],
    next_id: int,
    keys: Mapping[str, str] | None = None,
) -> Plan:
    """Decide, in order, what each report of a batch becomes.

    * same sha256 and parser version as a current version -> unchanged (no-op);
    * otherwise a new version (report_id from `next_id` on): it supersedes the current version of
      its key (a changed file) and any current version of the same file under an older parser
      (which may have had another key, e.g. a failed extraction keyed by its sha256).
    Later reports in the batch see the earlier ones, so a batch behaves like sequential loads.
    Keys are part keys (`part_key`): a report's page, document and attachment never supersede
    each other. `keys` maps a report's sha256 to its part key (default: computed without a place).
    """
    by_key: dict[str, Current] = {}
    by_sha: dict[str, list[Current]] = {}
    for c in current:
        by_key[c.key] = c
        by_sha.setdefault(c.sha256, []).append(c)
    versions = dict(max_version)
    planned: list[Planned] = []
    unchanged = 0
    for rep in reports:
        same_file = by_sha.get(rep.sha256, [])
        if any(c.parser_version == rep.parser_version for c in same_file):
            unchanged += 1
            continue
        key = (keys or {}).get(rep.sha256) or part_key(report_key(rep), part_of(rep))
        old = {c.report_id: c for c in same_file}
        if key in by_key:
            old[by_key[key].report_id] = by_key[key]
        for c in old.values():
            by_key.pop(c.key, None)
            by_sha[c.sha256] = [x for x in by_sha.get(c.sha256, []) if x.report_id != c.report_id]
        version = versions.get(key, 0) + 1
        versions[key] = version
        new = Current(next_id, key, rep.sha256, rep.parser_version)
        by_key[key] = new
        by_sha.setdefault(rep.sha256, []).append(new)
        planned.append(Planned(next_id, rep, key, version, sorted(old)))
        next_id += 1
    return Plan(planned, unchanged)


# ------------------------------------------------------------------------------------------------
# Frames
# ------------------------------------------------------------------------------------------------
def reports_frame(
    planned: list[Planned],
    regions: Mapping[int, int | None],
    loaded_at: datetime,
    places: Mapping[int, Place] | None = None,
) -> pd.DataFrame:
    """Rows for `reports`; `regions` maps report_id -> region_id, `places` report_id -> Place."""
    rows: list[dict[str, Any]] = []
    for p in planned:
        r = p.report
        place = (places or {}).get(p.report_id)
        rows.append(
            {
                "report_id": p.report_id,
                "report_key": p.key.rsplit("#", 1)[0],
                "sha256": r.sha256,
                "source": r.source,
                "format": r.format,
                "issuer": clean_issuer(r.issuer),
                "title": r.title,
                "region_id": regions.get(p.report_id),
                "year": r.year,
                **{t.variant_column: r.variants.get(t.id) for t in TEMPLATE.varied},
                "status": r.status,
                "error": r.error,
                "published": r.published[:10] if r.published else None,
                "pages": r.pages,
                "sections": json.dumps(list(r.sections), ensure_ascii=False),
                "extra_cells": json.dumps(r.extra_cells, ensure_ascii=False) if r.extra_cells else None,
                "parser_version": r.parser_version,
                "loaded_at": loaded_at,
                "version": p.version,
                "part": part_of(r),
                "issuer_raw": r.issuer,
                "place_status": place.status if place else None,
                "place_note": place.reason if place else None,
            }
        )
    return WAREHOUSE_REPORTS.build({n: [r[n] for r in rows] for n in REPORT_COLUMNS}, strings_as_object=True)


# Columns and dtypes are declared once, in the frame schema (schemas/frames.py).
REPORT_COLUMNS = WAREHOUSE_REPORTS.names

_NO_PROV = (None, None, None, None, None, None, None)


def cells_frame(planned: list[Planned]) -> pd.DataFrame:
    """Rows for `cells`, column-wise; provenance travels as separate columns, made JSON in SQL."""
    cols: dict[str, list[Any]] = {k: [] for k in CELL_FRAME_COLUMNS}
    rid, tab, blk, rc, cc = (
        cols["report_id"],
        cols["table_id"],
        cols["block"],
        cols["row_code"],
        cols["col_code"],
    )
    rl, cl, val, raw, unit, note = (
        cols["row_label"],
        cols["col_label"],
        cols["value"],
        cols["raw"],
        cols["unit"],
        cols["note"],
    )
    pf, pp, pt, pr, pc, pb, pk = (cols[k] for k in CELL_FRAME_COLUMNS if k.startswith("prov_"))
    cnt, amt, amt_unit = cols["count"], cols["amount"], cols["amount_unit"]
    for p in planned:
        report_id = p.report_id
        for c in p.report.cells:
            rid.append(report_id)
            tab.append(c.table)
            blk.append(c.block)
            rc.append(c.row_code)
            cc.append(c.col_code)
            rl.append(c.row_label)
            cl.append(c.col_label)
            val.append(c.value)
            raw.append(c.raw)
            unit.append(c.unit)
            note.append(c.note)
            count, amount, a_unit = typed_value(c.table, c.col_code, c.value, c.unit)
            cnt.append(count)
            amt.append(amount)
            amt_unit.append(a_unit)
            pv = c.provenance
            if pv is None:
                prov: tuple[Any, ...] = _NO_PROV
            else:
                bbox = json.dumps(list(pv.bbox)) if pv.bbox else None
                prov = (pv.file, pv.page, pv.table, pv.row, pv.col, bbox, pv.confidence)
            pf.append(prov[0])
            pp.append(prov[1])
            pt.append(prov[2])
            pr.append(prov[3])
            pc.append(prov[4])
            pb.append(prov[5])
            pk.append(prov[6])
    return WAREHOUSE_CELLS.build(cols, strings_as_object=True)


CELL_FRAME_COLUMNS = WAREHOUSE_CELLS.names


def typed_value(
    table: str, col_code: str, value: float | None, printed_unit: str | None
) -> tuple[int | None, str | None, str | None]:
    """(count, amount as decimal text, amount unit) of a cell: counts are integers, money is in
    its measure's unit (万元). A printed non-integer count stays out of `count` (value keeps it)."""
    unit = cell_unit(table, col_code)
    if unit is not None:
        amount = to_measure_unit(value, printed_unit, col_code)
        return None, (str(amount) if amount is not None else None), unit
    if value is None or not float(value).is_integer():
        return None, None, None
    return int(value), None, None


def unit_findings(report: Report) -> list[Finding]:
    """Findings for amounts whose printed unit contradicts the template or is unknown."""
    out: list[Finding] = []
    for c in report.cells:
        unit = cell_unit(c.table, c.col_code)
        if unit is None or c.value is None:
            continue
        col = TEMPLATE.table(c.table).column_by_code.get(c.col_code)
        template_unit = col.unit if col else None
        amount = to_measure_unit(c.value, c.unit, c.col_code)
        path = f"{c.table}.{c.row_code}.{c.col_code}"
        if amount is None:
            out.append(
                Finding(
                    rule="amount_unit_unknown",
                    severity="info",
                    message=f"{path} printed {c.raw!r} without a unit; the form gives none, so it is not "
                    f"put on {unit} (amount left blank, the printed value kept)",
                    cells={path: c.value},
                    actual=c.value,
                )
            )
        elif template_unit and c.unit and c.unit != template_unit:
            out.append(
                Finding(
                    rule="unit_converted",
                    severity="warning",
                    message=f"{path} printed {c.raw!r} in {c.unit} where the form says {template_unit}; "
                    f"stored as {amount.normalize():f} {unit}",
                    cells={path: c.value},
                    expected=float(amount),
                    actual=c.value,
                    source_inconsistent=True,
                )
            )
    return out


def findings_frame(findings: Mapping[int, list[tuple[str, Finding]]]) -> pd.DataFrame:
    """Rows for `findings`: report_id -> [(origin, Finding)]."""
    rows: list[tuple[Any, ...]] = []
    for report_id, items in findings.items():
        for seq, (origin, f) in enumerate(items):
            rows.append(
                (
                    report_id,
                    seq,
                    origin,
                    f.rule,
                    f.severity,
                    f.message,
                    json.dumps(f.cells, ensure_ascii=False, default=str) if f.cells else None,
                    _num(f.expected),
                    _num(f.actual),
                    f.source_inconsistent,
                )
            )
    return WAREHOUSE_FINDINGS.build(
        {n: [r[i] for r in rows] for i, n in enumerate(FINDING_COLUMNS)}, strings_as_object=True
    )


FINDING_COLUMNS = WAREHOUSE_FINDINGS.names


def narratives_frame(planned: list[Planned]) -> pd.DataFrame:
    """Rows for `narratives`."""
    rows = [(p.report_id, s, t) for p in planned for s, t in p.report.narrative.items()]
    return pd.DataFrame(rows, columns=["report_id", "section", "text"])


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None
