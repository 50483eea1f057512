"""`nianbao show` and `nianbao explain`: one report's tables as printed, and where one number came from."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import duckdb

from nianbao.analyst.district import report_findings, report_sources
from nianbao.analyst.lookup import ReportRef, find_report
from nianbao.analyst.words import CHECKS, EXPLAIN, SEVERITY, TABLES, WORDS, CellRef, resolve_cell
from nianbao.schemas.template import TEMPLATE


@dataclass
class ShownTable:
    """One table of a report: printed row labels, column labels and the values as shown."""

    table: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]


@dataclass
class Shown:
    """A report as `nianbao show` prints it."""

    report: ReportRef
    published: Any
    status: str
    tables: list[ShownTable]
    sources: list[dict[str, Any]]
    findings: list[dict[str, Any]]


@dataclass
class Explained:
    """Where one number came from."""

    report: ReportRef
    cell: CellRef
    label: str
    printed: float | None
    analysed: float | None
    raw: str | None
    row_label: str | None
    col_label: str | None
    file: str | None
    part: dict[str, Any]
    provenance: dict[str, Any]
    parser_version: str
    checks: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    override: str | None = None


def display(printed: float | None, raw: str | None, analysed: float | None) -> str:
    """A value as shown to analysts: the analysed number, a printed marker, or empty for blank."""
    value = analysed if analysed is not None else printed
    if value is None:
        return (raw or "").strip()
    text = str(int(value)) if float(value).is_integer() else f"{value:g}"
    if printed is not None and analysed is not None and analysed != printed:
        text += f" ({WORDS['printed']} {int(printed) if float(printed).is_integer() else printed})"
    return text


def show_report(con: duckdb.DuckDBPyConnection, who: str, year: int | None = None) -> Shown:
    """A report's three tables with the printed labels of its variant, its parts and findings."""
    ref = find_report(con, who, year)
    published, status = con.execute(
        "SELECT published, status FROM reports WHERE report_id = ?", [ref.report_id]
    ).fetchone() or (None, "")
    values = {
        (t, r, c): (p, raw, a)
        for t, r, c, p, raw, a in con.execute(
            "SELECT table_id, row_code, col_code, printed, raw, analysed FROM cells_analysed WHERE report_id = ?",
            [ref.report_id],
        ).fetchall()
    }
    tables = []
    for tid in TABLES:
        t = TEMPLATE.table(tid)
        variant = ref.variants.get(tid)
        cols = [c for c in t.columns if any((tid, r.code, c.code) in values for r in t.rows)]
        rows = []
        for r in t.rows_for(variant) if variant else t.rows:
            if not any((tid, r.code, c.code) in values for c in cols):
                continue
            shown = [
                display(*values[(tid, r.code, c.code)]) if (tid, r.code, c.code) in values else ""
                for c in cols
            ]
            rows.append((r.label_for(variant), shown))
        tables.append(ShownTable(tid, [c.label_for(variant) for c in cols], rows))
    return Shown(
        ref,
        published,
        status,
        tables,
        report_sources(con, [ref.report_id]),
        report_findings(con, [ref.report_id]),
    )


def checks_of(cell: CellRef) -> list[str]:
    """Identities of the template the cell takes part in: 'code (rule)'."""
    out = []
    for ident in TEMPLATE.identities:
        if ident.table != cell.table:
            continue
        t = TEMPLATE.table(ident.table)
        names = set(t.expand(ident.lhs)) | set(t.expand(ident.rhs))
        if (cell.row if ident.along == "columns" else cell.col) in names:
            rule = re.sub(r"\s*\(per (\w+)\)$", lambda m: EXPLAIN.get(f"per_{m.group(1)}", ""), ident.rule)
            out.append(f"{ident.code}（{CHECKS.get(ident.code, ident.code)}）：{rule}")
    return out


def explain_cell(con: duckdb.DuckDBPyConnection, who: str, year: int, cell: str) -> Explained:
    """Where a number came from: file, part, page, table, printed labels, raw text, box or confidence.

    Args:
        con: warehouse or snapshot connection.
        who: issuer, township or region code.
        year: report year.
        cell: code (<table>.<row>.<column>) or printed labels (一、本年新收 总计).
    """
    ref = find_report(con, who, year)
    c = resolve_cell(cell)
    row = con.execute(
        "SELECT printed, analysed, raw, row_label, col_label, provenance, override_id, override_reason, override_by, "
        "part_report_id FROM cells_analysed WHERE report_id = ? AND table_id = ? AND row_code = ? AND col_code = ?",
        [ref.report_id, c.table, c.row, c.col],
    ).fetchone()
    if row is None:
        raise ValueError(
            f"{ref.issuer} {ref.year} has no cell {c.code} (its variant has no such row or column)"
        )
    printed, analysed, raw, rl, cl, prov, oid, reason, by, part_id = row
    source, version = con.execute(
        "SELECT source, parser_version FROM reports WHERE report_id = ?", [part_id]
    ).fetchone() or (None, "")
    variant = ref.variants.get(c.table)
    named = [
        f"[{SEVERITY.get(f['severity'], f['severity'])}] {f['message']}"
        for f in report_findings(con, [ref.report_id])
        if c.code in f["cells"]
    ]
    parts = [p for p in report_sources(con, [ref.report_id]) if p["part_report_id"] == part_id]
    return Explained(
        report=ref,
        cell=c,
        label=c.label(variant),
        printed=printed,
        analysed=analysed,
        raw=raw,
        row_label=rl,
        col_label=cl,
        file=source,
        part=parts[0] if parts else {},
        provenance=json.loads(prov) if prov else {},
        parser_version=str(version),
        checks=checks_of(c),
        findings=named,
        override=EXPLAIN["override_value"].format(id=oid, by=by, reason=reason) if oid is not None else None,
    )


def explain_lines(e: Explained) -> list[tuple[str, str]]:
    """What `nianbao explain` prints: (Chinese label, value) lines; grid rows and columns 1-based."""
    w = EXPLAIN
    p = e.provenance

    def text(v: Any) -> str:
        if v is None:
            return "-"
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)

    def one_based(v: Any) -> str:
        return "-" if v is None else str(int(v) + 1)

    value = text(e.analysed if e.analysed is not None else e.printed)
    if e.override:
        value += f"   {WORDS['printed']} {text(e.printed)}"
    lines = [
        (w["cell"], f"{e.label}  ({e.cell.code})"),
        (w["value"], value),
        (w["raw"], f"“{e.raw}”" if e.raw is not None else "-"),
        (w["printed_as"], f"{e.row_label} / {e.col_label}"),
        (w["report"], f"{e.report.issuer} {e.report.year}"),
        (w["file"], str(e.file)),
        (
            w["part"],
            w["part_value"].format(
                format=e.part.get("format"),
                sha256=str(e.part.get("sha256"))[:16],
                version=e.part.get("version"),
            ),
        ),
        (w["page"], text(p.get("page"))),
        (
            w["grid"],
            w["grid_value"].format(
                table=one_based(p.get("table")), row=one_based(p.get("row")), col=one_based(p.get("col"))
            ),
        ),
    ]
    if p.get("bbox") is not None:
        lines.append((w["bbox"], ", ".join(f"{v:.1f}" for v in p["bbox"]) + w["bbox_note"]))
    if p.get("confidence") is not None:
        lines.append((w["confidence"], f"{p['confidence']:.2f}"))
    lines.append((w["parser"], e.parser_version))
    if e.override:
        lines.append((w["override"], e.override))
    lines += [(w["check"], c) for c in e.checks] or [(w["check"], w["no_check"])]
    lines += [(w["finding"], f) for f in e.findings]
    return lines
