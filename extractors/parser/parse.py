"""The template parser: a `Document` (any format) in, a `Report` with canonical cells out.

Sections are found by heading text, never by numbering. Table rows are assigned to table 2, 3 or 4
by anchors (第二十条/信息内容, 申请人情况/本年新收, 行政复议+行政诉讼) and by the section they sit in,
so a table broken across pages, or several tables run together, still reads as one.
"""

from __future__ import annotations

import re

from extractors.document import Document, Heading, Paragraph, Table
from extractors.parser.meta import read_metadata
from extractors.parser.segments import PrintedRow, Segmentation, segment_rows
from extractors.parser.tables import (
    TableResult,
    TableSpace,
    detect_t2_variant,
    detect_t3_variant,
    parse_t2,
    parse_t3,
    parse_t4,
)
from schemas import TEMPLATE, Finding, Report
from schemas.text import norm_label

_SECTION_TABLE = {"active": "t2", "applications": "t3", "review_litigation": "t4"}
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+[、.]")
_DECLARED_NONE = re.compile(r"[(（]\s*无\s*[)）]\s*$")
_SPACES = {t: TableSpace(TEMPLATE.table(t)) for t in ("t2", "t3", "t4")}

RowRef = PrintedRow


def section_of(text: str) -> str | None:
    """The section code a heading-like line names, or None for body text."""
    normed = norm_label(text)
    if not normed or len(normed) > 45 or normed.startswith("("):
        return None  # "（一）主动公开情况" is a sub-heading of 一、总体情况 in the 2021 format
    if not _NUMBERED.match(normed) and len(normed) > 20:
        return None
    sec = TEMPLATE.match_section(normed)
    if sec is None:
        return None
    # A sentence that mentions a section's words is not its heading.
    if "。" in text or ("，" in text and not _NUMBERED.match(normed)):
        return None
    return sec.code


def _row_anchor(normed_row: str) -> str | None:
    if ("行政复议" in normed_row and ("行政诉讼" in normed_row or "维持" in normed_row)) or (
        "维持" in normed_row and "纠正" in normed_row
    ):
        return "t4"
    if any(a in normed_row for a in TEMPLATE.t3.anchors) or ("自然人" in normed_row and "商业" in normed_row):
        return "t3"
    if any(a in normed_row for a in TEMPLATE.t2.anchors):
        return "t2"
    return None


def _label_kind(normed_row: str) -> str | None:
    """Which table a row with no anchor belongs to, judged from its labels (used before any anchor)."""
    for t in ("t3", "t2"):
        if TEMPLATE.table(t).match_row(normed_row) is not None:
            return t
    return None


def collect_rows(doc: Document, report: Report) -> dict[str, list[RowRef]]:
    """Walk the document: record sections and narrative, and sort table rows into t2/t3/t4."""
    rows: dict[str, list[RowRef]] = {"t2": [], "t3": [], "t4": []}
    guessed: dict[str, list[RowRef]] = {"t2": [], "t3": [], "t4": []}  # rows placed by label alone
    kind: str | None = None
    kind_guessed = False
    section: str | None = None
    narrative: dict[str, list[str]] = {}
    for block in doc.blocks:
        if isinstance(block, (Heading, Paragraph)):
            code = section_of(block.text)
            if code is not None:
                section = code
                kind = _SECTION_TABLE.get(code)
                kind_guessed = False
                if code not in report.sections:
                    report.sections.append(code)
                if _DECLARED_NONE.search(block.text):
                    report.findings.append(
                        Finding(
                            "section_declared_none",
                            "info",
                            f"section {block.text.strip()!r} is declared 无 (none)",
                        )
                    )
                continue
            narrative.setdefault(section or "preamble", []).append(block.text)
            continue
        assert isinstance(block, Table)
        for cells in block.rows:
            text = norm_label("".join(c.text for c in cells if not c.is_continuation))
            anchor = _row_anchor(text)
            if anchor is not None:
                kind, kind_guessed = anchor, False
            elif kind is None and section in (None, "active", "applications", "review_litigation"):
                kind, kind_guessed = _label_kind(text), True
            if kind is not None:
                (guessed if kind_guessed else rows)[kind].append(
                    PrintedRow(cells, block.index, block.structured, block.run_together)
                )
    for t, extra in guessed.items():
        # Rows placed by their labels alone count only when no anchored table of that kind exists
        # (an overview table listing 行政许可 must not shadow the real table 2).
        if extra and not rows[t]:
            rows[t] = extra
    report.narrative = {k: "\n".join(v) for k, v in narrative.items()}
    return rows


def _status(report: Report, results: dict[str, TableResult]) -> None:
    missing = [t for t, r in results.items() if not r.cells]
    expected = TEMPLATE.expected_cells(report.variants.get("t2"), report.variants.get("t3"))
    got = {c.key for c in report.cells}
    lost = [k for k in expected if k not in got and (k[0] not in missing)]
    for t in missing:
        report.findings.append(
            Finding(
                "table_missing",
                "error",
                f"table {t[1]} ({_TABLE_NAMES[t]}) not found or not readable",
                source_inconsistent=False,
            )
        )
    if lost:
        rows = sorted({f"{t}.{r}" for t, r, _ in lost})
        report.findings.append(
            Finding(
                "cells_missing",
                "warning",
                f"{len(lost)} template cells not found, rows: {', '.join(rows)}",
                source_inconsistent=False,
            )
        )
    if len(missing) == 3:
        if not report.sections:
            report.status = "failed"
            report.error = "no report found: neither section headings nor statistical tables"
        else:
            report.status = "partial"
            report.error = "no statistical tables found (they may be images or missing)"
    elif missing or lost:
        report.status = "partial"


_TABLE_NAMES = {"t2": "主动公开", "t3": "依申请公开", "t4": "行政复议、行政诉讼"}


def _variants(segs: dict[str, Segmentation]) -> tuple[str | None, str | None, list[Finding]]:
    """The variants of tables 2 and 3, from their own labels; a table that tells nothing takes the
    other's (one report follows one format). Never from the report year (templates.md §2.1)."""
    v2, why = detect_t2_variant(segs["t2"])
    v3 = detect_t3_variant(segs["t3"])
    notes: list[Finding] = []
    if why == "block width" and segs["t2"].segments:
        notes.append(Finding("variant_guessed", "info", f"table 2 variant {v2} taken from a block's width"))
    if v2 is None and v3 is not None and segs["t2"].segments:
        v2 = v3
        notes.append(Finding("variant_guessed", "info", f"table 2 variant {v2} taken from table 3's rows"))
    if v3 is None and v2 is not None and segs["t3"].segments:
        v3 = v2
        notes.append(Finding("variant_guessed", "info", f"table 3 variant {v3} taken from table 2's labels"))
    return v2, v3, notes


def parse_document(doc: Document) -> Report:
    """Parse a document into a Report: metadata, sections, cells of tables 2–4 and findings."""
    report = Report(source=doc.path, sha256="", format=doc.format, pages=doc.pages)
    meta = read_metadata(doc)
    report.title, report.issuer, report.year, report.published = (
        meta.title,
        meta.issuer,
        meta.year,
        meta.published,
    )
    rows = collect_rows(doc, report)
    segs = {t: segment_rows(r, _SPACES[t]) for t, r in rows.items()}
    v2, v3, notes = _variants(segs)
    results = {
        "t2": parse_t2(segs["t2"], doc.path, v2),
        "t3": parse_t3(segs["t3"], doc.path, v3),
        "t4": parse_t4(segs["t4"], doc.path),
    }
    report.findings.extend(notes)
    report.variants = {"t2": results["t2"].variant, "t3": results["t3"].variant}
    for r in results.values():
        report.cells.extend(r.cells)
        report.findings.extend(r.findings)
        report.extra_cells.extend(r.extra)
    for w in doc.warnings:
        report.findings.append(Finding("reader_warning", "warning", w, source_inconsistent=False))
    _status(report, results)
    return report
