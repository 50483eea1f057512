"""The template parser: a `Document` (any format) in, a `Report` with canonical cells out.

Sections are found by heading text, never by numbering. Table rows are assigned to table 2, 3 or 4
by the template's anchors (`TEMPLATE.table(id).anchors`) and by the table the section they sit in holds
(`TEMPLATE.sections[].table`), so a table broken across pages, or several tables run together,
still reads as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nianbao.extractors.document import Document, GridCell, Heading, Paragraph, Table
from nianbao.extractors.parser.gaps import row_separators
from nianbao.extractors.parser.labelling import LabelledTable, PrintedRow, label_rows
from nianbao.extractors.parser.meta import Metadata, read_metadata
from nianbao.extractors.parser.pagetext import inline_document
from nianbao.extractors.parser.tables import (
    TableResult,
    TableSpace,
    detect_t2_variant,
    detect_t3_variant,
    parse_t2,
    parse_t3,
    parse_t4,
    parser_finding,
)
from nianbao.schemas import TEMPLATE, Finding, Report
from nianbao.schemas.text import is_value_text, norm_label, path_text

TABLE_IDS = TEMPLATE.table_ids
# The tables by how they are built (template.toml [tables]): each kind is read its own way.
BLOCKS, GROUPS, GRID = (TEMPLATE.of_kind(k).id for k in ("blocks", "groups", "grid"))
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+[、.]")
_DECLARED_NONE = re.compile(r"[(（]\s*无\s*[)）]\s*$")
_SPACES = {t: TableSpace(TEMPLATE.table(t)) for t in TABLE_IDS}
_SECTION_TABLE = {s.code: s.table for s in TEMPLATE.sections if s.table}
# Anchors in the order they are tried (the template's anchor_order: table 4's words never occur in
# tables 2 and 3, table 3's never in table 2). (table, anchors, weak anchors)
_ANCHORS = tuple(
    (t, tuple(norm_label(a) for a in spec.anchors), tuple(norm_label(a) for a in spec.weak_anchors))
    for t, spec in ((t, TEMPLATE.table(t)) for t in TEMPLATE.anchor_order)
)


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


def _row_anchor(normed_row: str, section: str | None) -> str | None:
    """The table a printed row belongs to by the template's anchor words, or None.

    A weak anchor (行政复议, 自然人) suffices inside a table section or before any section; in the
    narrative sections (an overview table listing 行政复议 0 件) two must be printed together.
    """
    in_tables = section is None or section in _SECTION_TABLE
    for t, anchors, weak in _ANCHORS:
        if any(a in normed_row for a in anchors):
            return t
        n_weak = sum(1 for a in weak if a in normed_row)
        if n_weak >= 2 or (n_weak == 1 and in_tables):
            return t
    return None


def _label_kind(normed_row: str) -> str | None:
    """Which table a row with no anchor belongs to, judged from its labels (used before any anchor)."""
    for t in TEMPLATE.label_order:  # the more specific labels first
        if TEMPLATE.table(t).match_row(normed_row) is not None:
            return t
    return None


def _value_line(block: Heading | Paragraph, table_index: int) -> PrintedRow | None:
    """A text line made only of three or more separate values ("2 1 0 1 4 …"), as a printed row."""
    tokens = block.text.split()
    if len(tokens) < 3 or not all(is_value_text(t) and any(ch.isdigit() for ch in t) for t in tokens):
        return None
    cells = [GridCell(text=t, row=0, col=i, page=block.page) for i, t in enumerate(tokens)]
    return PrintedRow(cells, table_index, structured=False)


_T4_WIDTH = len(TEMPLATE.table(GRID).rows) * len(TEMPLATE.table(GRID).columns)  # 15: three blocks of five


def _t4_by_shape(block: Table, section: str | None, t3_seen: bool) -> bool:
    """A grid in table 4's place with table 4's shape, whatever the OCR made of its header.

    Its place: after section 四's heading, or after table 3's rows when that heading was not read
    (and before 五) if the grid has header rows. Its shape: a row of exactly 15 value cells (three
    blocks of five), which no row of tables 2 and 3 has, and no row anchored to table 3 or 2.
    """
    if not block.structured or not (
        section == "review_litigation" or (t3_seen and section in (None, "applications"))
    ):
        return False
    shaped = header = False
    for cells in block.rows:
        texts = [c.text for c in cells if not c.is_continuation]
        values = [t for t in texts if t.strip()]
        inner = _strip_ends(texts)  # an empty corner cell of the grid is not a value column
        if _T4_WIDTH in (len(texts), len(inner)) and values and all(is_value_text(t) for t in values):
            shaped = True
        elif values:
            header = True
        anchor = _row_anchor(norm_label("".join(texts)), None)
        if anchor in (BLOCKS, GROUPS) and _label_kind(norm_label("".join(texts))) is not None:
            return False
    # Without section 四's heading, the grid must have a header of its own (garbled or not): a bare
    # row of numbers after table 3 is nothing to go by.
    return shaped and (header or section == "review_litigation")


def _strip_ends(texts: list[str]) -> list[str]:
    lo, hi = 0, len(texts)
    while lo < hi and not texts[lo].strip():
        lo += 1
    while hi > lo and not texts[hi - 1].strip():
        hi -= 1
    return texts[lo:hi]


@dataclass
class Walk:
    """What one pass over a document saw: sections, narrative, table rows, findings."""

    sections: list[str] = field(default_factory=list)
    narrative: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[PrintedRow]] = field(default_factory=lambda: {t: [] for t in TABLE_IDS})
    findings: list[Finding] = field(default_factory=list)


def collect_rows(doc: Document) -> Walk:
    """Walk the document: record sections and narrative, and sort table rows into the tables."""
    walk = Walk()
    guessed: dict[str, list[PrintedRow]] = {t: [] for t in TABLE_IDS}  # rows placed by label alone
    kind: str | None = None
    kind_guessed = False
    section: str | None = None
    narrative: dict[str, list[str]] = {}
    last_table = 0
    for block in doc.blocks:
        if isinstance(block, (Heading, Paragraph)):
            code = section_of(block.text)
            if code is not None:
                section = code
                kind = _SECTION_TABLE.get(code)
                kind_guessed = False
                if code not in walk.sections:
                    walk.sections.append(code)
                if _DECLARED_NONE.search(block.text):
                    walk.findings.append(
                        parser_finding(
                            "section_declared_none", f"section {block.text.strip()!r} is declared 无 (none)"
                        )
                    )
                continue
            values = _value_line(block, last_table)
            if values is not None and kind is not None and not kind_guessed:
                # A line of values printed under a table's rules (Word PDFs: table 4's 15 numbers
                # below its ruled header) is a row of that table, not narrative.
                walk.rows[kind].append(values)
                continue
            narrative.setdefault(section or "preamble", []).append(block.text)
            continue
        assert isinstance(block, Table)
        last_table = block.index
        if _t4_by_shape(block, section, bool(walk.rows[GROUPS])):
            kind, kind_guessed = GRID, False
            walk.rows[GRID] += [PrintedRow(cells, block.index, block.structured) for cells in block.rows]
            if not any(
                _row_anchor(norm_label("".join(c.text for c in cells)), section) == GRID
                for cells in block.rows
            ):
                walk.findings.append(
                    parser_finding(
                        "table_by_shape",
                        f"a grid with a row of {_T4_WIDTH} values in table 4's place, its header "
                        f"unreadable, read as {TEMPLATE.table(GRID).title}",
                    )
                )
            continue
        for cells in block.rows:
            text = norm_label("".join(c.text for c in cells if not c.is_continuation))
            anchor = _row_anchor(text, section)
            if anchor is not None:
                kind, kind_guessed = anchor, False
            elif kind is None and (section is None or section in _SECTION_TABLE):
                kind, kind_guessed = _label_kind(text), True
            if kind is not None:
                (guessed if kind_guessed else walk.rows)[kind].append(
                    PrintedRow(cells, block.index, block.structured, block.run_together)
                )
    for t, extra in guessed.items():
        # Rows placed by their labels alone count only when no anchored table of that kind exists
        # (an overview table listing 行政许可 must not shadow the real table 2).
        if extra and not walk.rows[t]:
            walk.rows[t] = extra
    walk.narrative = {k: "\n".join(v) for k, v in narrative.items()}
    return walk


def _status(sections: list[str], results: dict[str, TableResult]) -> tuple[str, str | None]:
    """The report's status from what was seen; completeness itself is judged by validation."""
    missing = [t for t, r in results.items() if not r.cells]
    if len(missing) == len(results):
        if not sections:
            return "failed", "no report found: neither section headings nor statistical tables"
        return "partial", "no statistical tables found (they may be images or missing)"
    found = {(c.table, c.row_code, c.col_code) for r in results.values() for c in r.cells}
    variants = {t.id: results[t.id].variant for t in TEMPLATE.varied}
    if missing or any(k not in found for k in TEMPLATE.expected_cells(variants)):
        return "partial", None
    return "ok", None


def _t4_after_t3(segs: dict[str, LabelledTable]) -> list[Finding]:
    """Table 4 printed with neither heading nor header right after table 3, in text flattened one
    cell per line: table 3's last row then holds its own values and exactly table 4's after them."""
    groups, grid = segs[GROUPS], segs[GRID]
    spec3, spec4 = TEMPLATE.table(GROUPS), TEMPLATE.table(GRID)
    if grid.labelled or grid.loose_values or not groups.labelled:
        return []
    last = groups.labelled[-1]
    n3, n4 = len(spec3.columns), len(spec4.rows) * len(spec4.columns)
    if last.structured or last.row != spec3.rows[-1].code or len(last.values) != n3 + n4:
        return []
    grid.loose_values.append(last.values[n3:])
    del last.values[n3:]
    return [
        parser_finding(
            "table_by_position",
            f"the {n4} values printed after table 3's last row, with no heading or header of their own, "
            f"read as {spec4.title}",
        )
    ]


def _note(message: str) -> Finding:
    return parser_finding("variant_guessed", message)


def _variants(segs: dict[str, LabelledTable]) -> tuple[str | None, str | None, list[Finding]]:
    """The variants of tables 2 and 3, from their own labels; a table that tells nothing takes the
    other's (one report follows one format). Never from the report year (templates.md §2.1)."""
    n2, n3 = TEMPLATE.table(BLOCKS).number, TEMPLATE.table(GROUPS).number
    v2, why = detect_t2_variant(segs[BLOCKS])
    v3 = detect_t3_variant(segs[GROUPS])
    notes: list[Finding] = []
    if why == "block width" and segs[BLOCKS].labelled:
        notes.append(_note(f"table {n2} variant {v2} taken from a block's width"))
    if v2 is None and v3 is not None and segs[BLOCKS].labelled:
        v2 = v3
        notes.append(_note(f"table {n2} variant {v2} taken from table {n3}'s rows"))
    if v3 is None and v2 is not None and segs[GROUPS].labelled:
        v3 = v2
        notes.append(_note(f"table {n3} variant {v3} taken from table {n2}'s labels"))
    return v2, v3, notes


def parse_document(
    doc: Document,
    defaults: Metadata | None = None,
    source: str | None = None,
    sha256: str = "",
    parser_version: str = "",
) -> Report:
    """Parse a document into a Report: metadata, sections, cells of tables 2-4 and findings.

    Args:
        doc: the document a reader made.
        defaults: metadata the source already knows (a manifest, a page title), used for the
            fields the document itself does not give.
        source: the location the report names as its source (default: the document's path).
        sha256: the file's digest, as its source computed it.
        parser_version: the version stamped on the report.
    """
    meta = read_metadata(doc)
    if defaults is not None:
        meta = meta.filled_from(defaults)
    doc = inline_document(doc)  # run-together page text: headings and tables found inline
    walk = collect_rows(doc)
    segs = {t: label_rows(r, _SPACES[t]) for t, r in walk.rows.items()}
    v2, v3, notes = _variants(segs)
    notes += _t4_after_t3(segs)
    file = path_text(doc.path)  # a name that is not UTF-8 must still be storable
    parsed = {
        BLOCKS: parse_t2(segs[BLOCKS], file, v2),
        GROUPS: parse_t3(segs[GROUPS], file, v3),
        GRID: parse_t4(segs[GRID], file, row_separators(segs[GROUPS], len(TEMPLATE.table(GROUPS).columns))),
    }
    results = {t: parsed[t] for t in TABLE_IDS}  # in the form's order
    findings = walk.findings + notes
    for r in results.values():
        findings.extend(r.findings)
    findings += [parser_finding("reader_warning", w) for w in doc.warnings]
    status, error = _status(walk.sections, results)
    return Report(
        source=source or file,
        sha256=sha256,
        format=doc.format,
        status=status,  # type: ignore[arg-type]
        error=error,
        issuer=meta.issuer,
        year=meta.year,
        published=meta.published,
        title=meta.title,
        variants={t: results[t].variant for t in (x.id for x in TEMPLATE.varied)},
        cells=[c for r in results.values() for c in r.cells],
        findings=findings,
        sections=walk.sections,
        narrative=walk.narrative,
        extra_cells=[e for r in results.values() for e in r.extra],
        pages=doc.pages,
        parser_version=parser_version,
    )
