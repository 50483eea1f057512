"""Lay the labelled rows of tables 2, 3 and 4 onto the template and emit canonical cells.

Values are mapped by label first and by position inside a block second: the header's column labels
decide the order when they are all there; the template's order is used when the count matches it.
Anything that cannot be placed with certainty is left out and reported as a finding, because a
wrong number is worse than a missing one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from nianbao.extractors.parser.digits import (
    RunTogether,
    blank_row,
    known_cells,
    one_reading,
    readings,
    resolve,
)
from nianbao.extractors.parser.findings import parser_finding
from nianbao.extractors.parser.gaps import t4_cut, without_gaps
from nianbao.extractors.parser.labelling import Kind, LabelledRow, LabelledTable, RowCell
from nianbao.schemas import TEMPLATE, Cell, Finding, Provenance
from nianbao.schemas.template import VARIANTS, Label, TableSpec
from nianbao.schemas.text import norm_label, strip_parens

# A block caption of the blocks table (table 2): the template's caption words, then the item
# numeral (often dropped).
_CAPTION = re.compile(
    re.escape(TEMPLATE.of_kind("blocks").caption or "")
    + r"(?:第)?(?:\(([一二三四五六七八九十]+)\)|([一二三四五六七八九十]+)项)?"
)


class TableSpace:
    """Answers "what is this label?" for one table from the template."""

    def __init__(self, table: TableSpec) -> None:
        self.table = table
        self._cache: dict[tuple[str, str | None], Kind] = {}

    def classify(self, normed: str, group: str | None) -> Kind:
        """What a normalised label is; answers are cached (the same labels recur in every report)."""
        key = (normed, group)
        if key not in self._cache:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[key] = self._classify(normed, group)
        return replace(self._cache[key])  # a copy: the segmenter may refine it

    def _classify(self, normed: str, group: str | None) -> Kind:
        if not normed:
            return Kind()
        if self.table.caption:
            m = _CAPTION.search(normed)
            if m:
                return Kind(caption=m.group(1) or m.group(2) or "")
        row = self.table.match_row(normed, group)
        grp = self.table.match_group(normed)
        col = self.table.match_column(normed)
        return Kind(
            row=row.code if row else None,
            group=grp.code if grp else None,
            column=col.code if col else None,
            overridable=row is not None and grp is not None,
        )

    def group_of_row(self, row_code: str) -> str | None:
        return self.table.row_by_code[row_code].group_of

    def group_after(self, row_code: str) -> str | None:
        """The group of the row the template prints after `row_code` (its order is the form's)."""
        codes = [r.code for r in self.table.rows]
        i = codes.index(row_code)
        return self.table.rows[i + 1].group_of if i + 1 < len(codes) else None


@dataclass
class TableResult:
    cells: list[Cell] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    extra: list[dict[str, object]] = field(default_factory=list)
    variant: str | None = None
    rows_found: set[str] = field(default_factory=set)
    pending: list[RunTogether] = field(default_factory=list)  # run-together rows still ambiguous


def _cell(
    table: str, row: Label, col: Label, variant: str | None, rc: RowCell, file: str, block: str | None = None
) -> Cell:
    pv = rc.parsed
    assert pv is not None
    g = rc.cell
    return Cell(
        table=table,
        row_code=row.code,
        col_code=col.code,
        row_label=row.label_for(variant),
        col_label=col.label_for(variant),
        value=pv.value,
        raw=pv.raw,
        block=block,
        unit=pv.unit or (col.unit if pv.value is not None else None),
        note=pv.note,
        provenance=Provenance(
            file=file, page=g.page, table=rc.table, row=g.row, col=g.col, bbox=g.bbox, confidence=g.confidence
        ),
    )


def _blank(rc: RowCell) -> bool:
    return rc.parsed is not None and rc.parsed.is_blank


def _trim_blank_tail(
    values: list[RowCell], n: int, tail_first: bool = False, lead_cells: bool = True
) -> list[RowCell]:
    """Drop blank cells beyond n at the ends: merged cells flattened into empty positions.

    Blanks printed after a flattened table's last filled cell (`GridCell.trailing`) go first: they
    are the page's spacers once the row is full. Then leading blanks: in flattened text they are the rest of a label's colspan
    ("| （七）总计 |  | 17 |"); trailing ones are a merged value's colspan ("| 行政许可 | 550 |  |  |").
    """
    out = without_gaps(values, n, lead_cells)
    while len(out) > n and out[-1].cell.trailing and _blank(out[-1]):
        out.pop()  # blanks after a flattened table's last filled cell: layout spacers first
    while tail_first and len(out) > n and _blank(out[-1]):
        out.pop()  # a flattened row: the next row's merged positions follow its last cell
    while len(out) > n:
        if _blank(out[0]):
            out.pop(0)
        elif _blank(out[-1]):
            out.pop()
        else:
            break
    return out


def place_values(
    values: list[RowCell],
    expected: tuple[str, ...],
    header: list[tuple[str | None, int]],
    structured: bool,
    flat: bool = False,
) -> list[tuple[str, RowCell]] | None:
    """Pair value cells with column codes, or None when that cannot be done with certainty."""
    n = len(expected)
    named = [(c, col) for c, col in header if c is not None]
    header_codes = [c for c, _ in named]
    # 1. The header names every expected column once: its order wins (scrambled headers exist).
    header_ok = sorted(header_codes) == sorted(expected) and len(set(header_codes)) == n
    vals = _trim_blank_tail(values, n, tail_first=flat)
    if len(vals) == n:
        order = header_codes if header_ok else list(expected)
        return list(zip(order, vals, strict=True))
    # 2. A true grid whose header positions account for every value (blank header cells allowed).
    if structured and header_ok and header:
        by_col = {col: code for code, col in header}
        placed = [(by_col.get(v.cell.col), v) for v in values]
        if all(code is not None or (v.parsed is not None and v.parsed.is_blank) for code, v in placed):
            got = [(code, v) for code, v in placed if code is not None]
            if len({c for c, _ in got}) == len(got):
                return got
    return None


def _check_values(res: TableResult, table: str, row: Label, col: Label, rc: RowCell) -> None:
    pv = rc.parsed
    assert pv is not None
    where = f"{table}.{row.code}.{col.code}"
    if pv.suspect:
        res.findings.append(
            parser_finding(
                "suspect_value",
                f"{where}: printed {pv.raw!r} ({pv.suspect}); left blank",
                cells={where: pv.raw},
            )
        )
    if rc.cell.confidence is not None and rc.cell.confidence < 0.8:
        res.findings.append(
            parser_finding(
                "low_confidence",
                f"{where}: OCR confidence {rc.cell.confidence:.2f} for {pv.raw!r}",
                cells={where: pv.value},
            )
        )


def _emit(
    res: TableResult,
    table: str,
    seg: LabelledRow,
    cols: tuple[str, ...],
    tpl: TableSpec,
    variant: str | None,
    file: str,
    block: str | None = None,
) -> None:
    row = tpl.row_by_code[seg.row]
    placed = place_values(seg.values, cols, seg.header, seg.structured, seg.flat)
    if not seg.values and seg.run_together:
        placed = blank_row(res.findings, f"{table} row {row.label_for(variant)}", cols)
    if placed is None and seg.run_together:
        placed = _split_run(res, table, f"{table} row {row.label_for(variant)}", seg, cols)
        if placed is None:
            return
    if placed is None:
        raw = [v.text for v in seg.values]
        res.findings.append(
            parser_finding(
                "row_ambiguous",
                f"{table} row {row.label_for(variant)}: {len(seg.values)} value cells for {len(cols)} columns "
                f"({raw}); not placed",
                cells={f"{table}.{seg.row}": raw},
            )
        )
        return
    _place(res, table, seg, placed, tpl, variant, file, block)


def _place(
    res: TableResult,
    table: str,
    seg: LabelledRow,
    placed: list[tuple[str, RowCell]],
    tpl: TableSpec,
    variant: str | None,
    file: str,
    block: str | None = None,
) -> None:
    row = tpl.row_by_code[seg.row]
    res.rows_found.add(seg.row)
    for code, rc in placed:
        col = tpl.column_by_code[code]
        res.cells.append(_cell(table, row, col, variant, rc, file, block))
        _check_values(res, table, row, col, rc)


def _split_run(
    res: TableResult, table: str, where: str, seg: LabelledRow, cols: tuple[str, ...]
) -> list[tuple[str, RowCell]] | None:
    """Values printed run together (`2100003` for seven cells, or `21 00003`: fewer runs than
    cells): cut only when one reading is left.

    A row with several readings that fit its own identities waits in `res.pending`: the column
    identities, once the other rows are placed, may leave one (see `resolve_pending`).
    """
    runs = [v.text.strip() for v in seg.values]
    if not runs or len(runs) >= len(cols) or not all(r.isdigit() for r in runs):
        return None
    raw, breaks, at = "".join(runs), set(), 0
    for r in runs[:-1]:
        at += len(r)
        breaks.add(at)
    found = readings(raw, table, cols, frozenset(breaks))
    raw = " ".join(runs)
    if found is not None and len(found) > 1:
        res.pending.append(RunTogether(seg, where, raw, cols, found))
        return None
    if found is None or not found:
        res.findings.append(run_together_finding(where, raw, len(cols)))
        return None
    return one_reading(res.findings, where, seg.values[0], cols, found[0], "its row's identities", raw)


def run_together_finding(where: str, raw: str, n: int) -> Finding:
    return parser_finding(
        "digits_run_together",
        f"{where}: {raw!r} holds {n} values printed without separators and not exactly one reading "
        f"fits the template's identities; left blank",
        cells={where: raw},
    )


def resolve_pending(res: TableResult, table: str, tpl: TableSpec, variant: str | None, file: str) -> None:
    """Rows printed run together with several readings: the column identities (table 3: 一 + 二 ==
    （七） + 四, （七） == Σ results), over the whole table, decide the rows they leave one reading."""
    rows: dict[str, dict[str, float | int | None]] = {}
    for c in res.cells:
        if c.table == table and not (c.value is None and c.raw.strip()):  # an unreadable cell is unknown
            rows.setdefault(c.row_code, {})[c.col_code] = c.value
    known = known_cells(rows, tuple(col.code for col in tpl.columns))
    for item, values, by in resolve(res.pending, known, tpl, variant):
        res.pending.remove(item)
        placed = one_reading(res.findings, item.where, item.seg.values[0], item.cols, values, by, item.raw)
        _place(res, table, item.seg, placed, tpl, variant, file)
    for item in res.pending:
        res.findings.append(run_together_finding(item.where, item.raw, len(item.cols)))
    res.pending.clear()


SIMILAR = 0.5  # a garbled label must share this much with the template's wording to be placed


def _similar(printed: str, row: Label) -> bool:
    return SequenceMatcher(None, norm_label(printed), norm_label(row.label)).ratio() >= SIMILAR


def _strip_empty(values: list[RowCell]) -> list[RowCell]:
    """Without the empty cells at both ends (an empty label cell, grid padding)."""
    out = list(values)
    while out and not out[0].text.strip():
        out.pop(0)
    while out and not out[-1].text.strip():
        out.pop()
    return out


def _garbled(printed: str, row: Label) -> bool:
    """A printed label that may be the row's own, garbled or cut by the recogniser: it resembles the
    template's wording, or is a run of its characters in order (2.其 for 2.其他法律…), or is a mark of
    a character or two that names nothing."""
    got, want = norm_label(printed), norm_label(row.label)
    if _similar(printed, row) or len(got) <= 2:
        return True
    it = iter(want)
    return all(ch in it for ch in got)


def by_position(
    res: TableResult,
    seg: LabelledTable,
    tpl: TableSpec,
    order: tuple[str, ...],
    table: str,
    width: Callable[[str], int],
) -> list[LabelledRow]:
    """Segments with rows whose label the reader lost or garbled placed by the template's row order.

    A row of a true grid with no label, or with a label no template row matches but that may be a
    garbled one (OCR: 一、本年新牧…, a stray mark), sits between two labelled rows; when the
    template prints exactly as many rows between them as there are such rows, none of them printed
    elsewhere, they are those rows, in order.
    """
    segs = list(seg.labelled)
    candidates = [(before, "", values, "lost") for before, values in seg.unlabelled]
    candidates += [
        (before, label, values, "garbled")
        for before, (label, values) in zip(seg.unknown_at, seg.unknown_labels, strict=True)
        if values and seg.labelled and seg.labelled[0].structured
    ]
    # a header label followed by the grid's empty cells is no row: only rows printing a value count
    candidates = [c for c in candidates if any(v.parsed and v.parsed.value is not None for v in c[2])]
    printed = {s.row for s in segs}
    gaps: dict[tuple[int, int], list[tuple[int, str, list[RowCell], str]]] = {}
    for cand in candidates:
        before = cand[0]
        prev = next((s.row for s in reversed(segs[:before]) if s.row in order), None)
        nxt = next((s.row for s in segs[before:] if s.row in order), None)
        lo = order.index(prev) + 1 if prev else 0
        hi = order.index(nxt) if nxt else len(order)
        gaps.setdefault((lo, hi), []).append(cand)
    placed: list[tuple[int, LabelledRow]] = []
    for (lo, hi), cands in gaps.items():
        rows = order[lo:hi]
        if len(rows) != len(cands) or any(r in printed for r in rows):
            continue
        if len(cands) > 1 and len({c[3] for c in cands}) > 1:
            continue  # lost and garbled labels in one gap: their printed order is not known
        fits = []
        for row, (before, label, values, _) in zip(rows, cands, strict=True):
            kept = _strip_empty(values)
            # Exactly the row's width once empty ends are dropped: an empty label cell must never be
            # read as a blank first value, nor a missing value be made up by shifting.
            if len(kept) != width(row) or not any(v.parsed and v.parsed.value is not None for v in kept):
                break
            if label and not _garbled(label, tpl.row_by_code[row]):
                break
            fits.append((row, before, label, values, kept))
        if len(fits) != len(cands):
            continue
        prev = order[lo - 1] if lo else None
        nxt = order[hi] if hi < len(order) else None
        for row, before, label, values, kept in fits:
            printed.add(row)
            placed.append((before, LabelledRow(row, label, values=list(kept), structured=True)))
            seg.unknown_labels = [(lab, v) for lab, v in seg.unknown_labels if v is not values]
            res.findings.append(
                parser_finding(
                    "row_by_position",
                    f"{table}: a row of {len(kept)} values labelled {label!r}, between "
                    f"{prev or 'the header'} and {nxt or 'the end'}, read as row {row} by the template's order",
                    cells={f"{table}.{row}": [v.text for v in kept]},
                )
            )
    for before, s in sorted(placed, key=lambda p: p[0], reverse=True):
        segs.insert(before, s)
    return segs


def _dedupe(res: TableResult, segs: list[LabelledRow], table: str) -> list[LabelledRow]:
    """Keep the first labelled row of each row code; a repeated row label is reported, not merged.

    A label printed without values (a sentence above the table naming a row) gives way to the same
    row printed with values.
    """
    valued = {s.row for s in segs if s.values}
    seen: set[str] = set()
    out = []
    for s in segs:
        if not s.values and s.row in valued:
            continue
        if s.row in seen:
            if s.values:
                res.findings.append(
                    parser_finding(
                        "duplicate_row",
                        f"{table}: row {s.row} printed again ({s.label!r}); second ignored",
                    )
                )
            continue
        seen.add(s.row)
        out.append(s)
    return out


# ------------------------------------------------------------------------------------------------
# Table 2
# ------------------------------------------------------------------------------------------------
def detect_t2_variant(seg: LabelledTable) -> tuple[str | None, str]:
    """Table 2's variant and what told it: column labels, row labels, or a block's width."""
    rules = TEMPLATE.variant_rules
    tid = TEMPLATE.of_kind("blocks").id
    codes = {c for h in seg.headers for c, _ in h if c}
    codes |= {c for s in seg.labelled for c, _ in s.header if c}
    if codes & set(rules[f"{tid}_2021_columns"]):
        return "2021", "column labels"
    if codes & set(rules[f"{tid}_2019_columns"]):
        return "2019", "column labels"
    rows = {s.row for s in seg.labelled}
    if rows & set(rules[f"{tid}_2019_rows"]):
        return "2019", "row labels"
    for s in seg.labelled:  # a block's width tells the variants apart (五/六: 3 columns vs 1)
        b = TEMPLATE.block_of_row(s.row)
        widths = {v: len(b.columns[v]) for v in VARIANTS}
        if widths["2019"] != widths["2021"]:
            n = len(_trim_blank_tail(s.values, min(widths.values())))
            for v, w in widths.items():
                if n == w:
                    return v, "block width"
    return None, "nothing to tell"


def detect_t3_variant(seg: LabelledTable) -> str | None:
    """Table 3's variant from the rows only one variant has (（六）其他处理 alone, or its sub-rows)."""
    rows = {s.row for s in seg.labelled if s.values}
    rules = TEMPLATE.variant_rules
    tid = TEMPLATE.of_kind("groups").id
    if rows & set(rules[f"{tid}_2021_rows"]):
        return "2021"
    if rows & set(rules[f"{tid}_2019_rows"]):
        return "2019"
    return None


def parse_t2(seg: LabelledTable, file: str, variant: str | None) -> TableResult:
    """Table 2's cells in the given variant (None: nothing placed, the table was not told apart)."""
    res = TableResult(variant=variant)
    tpl = TEMPLATE.of_kind("blocks")
    tid = tpl.id
    if variant is None:
        return res
    order = tuple(r for b in tpl.blocks for r in b.rows[variant])

    def t2_width(row: str) -> int:
        return len(TEMPLATE.block_of_row(row).columns[variant or "2021"])

    for s in _dedupe(res, by_position(res, seg, tpl, order, tid, t2_width), tid):
        block = TEMPLATE.block_of_row(s.row)
        if s.block and s.block != block.item:
            res.findings.append(
                parser_finding(
                    "block_mismatch",
                    f"row {s.row} printed under block ({s.block}); placed in {block.label}",
                )
            )
        cols = block.columns[variant]
        if s.row not in block.rows[variant] or not cols:
            res.findings.append(
                parser_finding(
                    "row_not_in_variant",
                    f"table {tpl.number} row {s.label!r} is not part of the {variant} format; kept aside",
                )
            )
            res.extra.append({"table": tid, "row_label": s.label, "raw": [v.text for v in s.values]})
            continue
        _emit(res, tid, s, cols, tpl, variant, file, block.label)
    resolve_pending(res, tid, tpl, variant, file)
    _extra_rows(res, seg, tid)
    return res


def _extra_rows(res: TableResult, seg: LabelledTable, table: str) -> None:
    for label, values in seg.unknown_labels:
        if strip_parens(label).strip() and any(v.parsed and v.parsed.value is not None for v in values):
            res.extra.append({"table": table, "row_label": label, "raw": [v.text for v in values]})
            res.findings.append(
                parser_finding(
                    "extra_row", f"{table}: row {label!r} is not in the template; kept in extra_cells"
                )
            )


# ------------------------------------------------------------------------------------------------
# Table 3
# ------------------------------------------------------------------------------------------------
def parse_t3(seg: LabelledTable, file: str, variant: str | None) -> TableResult:
    """Table 3's cells in the given variant (None: only rows both variants share are placed)."""
    res = TableResult(variant=variant)
    tpl = TEMPLATE.of_kind("groups")
    tid = tpl.id
    cols = tuple(c.code for c in tpl.columns)
    order = tuple(r.code for r in tpl.rows_for(variant)) if variant else ()
    for s in _dedupe(res, by_position(res, seg, tpl, order, tid, lambda _: len(cols)), tid):
        if tpl.row_by_code[s.row].variant not in ("both", variant):
            if not s.values:
                continue  # a group label that is also a row of the other variant: context only
            res.findings.append(
                parser_finding(
                    "row_not_in_variant",
                    f"table {tpl.number} row {s.label!r} does not belong to the {variant} format",
                )
            )
            continue
        _emit(res, tid, s, cols, tpl, variant, file)
    resolve_pending(res, tid, tpl, variant, file)
    _extra_rows(res, seg, tid)
    return res


# ------------------------------------------------------------------------------------------------
# Table 4
# ------------------------------------------------------------------------------------------------
def parse_t4(seg: LabelledTable, file: str, separators: int | None = None) -> TableResult:
    """Table 4's cells. `separators`: the empty lines the document prints after each table row
    (`row_separators` of table 3), which tells the empty lines before table 4's row of values from
    its blank first cells when blank cells are printed as empty lines."""
    res = TableResult()
    tpl = TEMPLATE.of_kind("grid")
    tid = tpl.id
    cols = tuple(c.code for c in tpl.columns)
    n = len(tpl.rows) * len(cols)
    # Header labels (行政复议 / 复议后起诉) followed by the empty cells of their colspan are not rows.
    labelled = [
        s
        for s in seg.labelled
        if s.values and not (all(_blank(v) for v in s.values) and len(s.values) != len(cols))
    ]
    labelled = _dedupe(res, labelled, tid)
    loose_rows = list(seg.loose_values)
    # A header label left open directly above the 15 values took them: they are the loose row.
    loose_rows += [s.values for s in labelled if len(_trim_blank_tail(s.values, n, lead_cells=False)) == n]
    labelled = [s for s in labelled if len(_trim_blank_tail(s.values, n, lead_cells=False)) != n]
    printed = seg.labelled or seg.headers  # table 4's header (or its row labels) printed...
    if seg.run_together and printed and not loose_rows and not any(s.values for s in seg.labelled):
        # ...with no value after it in run-together text: its fifteen cells are printed blank
        loose_rows = [[rc for _, rc in blank_row(res.findings, "table 4", cols * len(tpl.rows))]]
    in_rows = [[v for r in loose_rows for v in r], *loose_rows]  # one cell per line, or rows
    if any(len(_trim_blank_tail(r, n, lead_cells=False)) == n for r in in_rows):
        # the full row of values is there: a header label followed only by blanks took the bare
        # positions its merged header cells cover (Word's text export), it is not a printed row
        labelled = [s for s in labelled if not all(_blank(v) for v in s.values)]
    if labelled:  # one printed row per block (a transposed layout)
        for s in labelled:
            _emit(res, tid, s, cols, tpl, None, file)
        return res
    # The official layout: one row of 15 values under a three-level header.
    loose = [v for row in loose_rows for v in row]
    values = _trim_blank_tail(loose, n, lead_cells=False)
    if len(values) > n:  # blank corner cells of header rows come first; keep the last full row
        values = next((r for r in loose_rows if len(_trim_blank_tail(r, n, lead_cells=False)) == n), values)
        values = _trim_blank_tail(values, n, lead_cells=False)
    tried_split = len(values) != n and seg.run_together and 0 < len(values) < n
    if tried_split:
        whole = LabelledRow("", "", values=values, run_together=True)
        placed = _split_run(res, tid, f"table {tpl.number}", whole, cols * len(tpl.rows))
        if res.pending:  # no column identities in table 4: several readings stay ambiguous
            res.findings += [run_together_finding(p.where, p.raw, len(p.cols)) for p in res.pending]
            res.pending.clear()
        values = [rc for _, rc in placed] if placed else values
    if len(values) != n and any(v.cell.gap for v in loose):
        values, finding = t4_cut(loose, values, n, separators)
        res.findings += [finding] if finding else []
    if len(values) != n:
        if loose and not tried_split:  # a failed split has said so already
            res.findings.append(
                parser_finding(
                    "row_ambiguous",
                    f"table {tpl.number}: {len(loose)} value cells for {n} columns; not placed",
                    cells={tid: [v.text for v in loose]},
                )
            )
        return res
    for i, row in enumerate(tpl.rows):
        res.rows_found.add(row.code)
        for j, code in enumerate(cols):
            rc = values[i * len(cols) + j]
            col = tpl.column_by_code[code]
            res.cells.append(_cell(tid, row, col, None, rc, file))
            _check_values(res, tid, row, col, rc)
    return res
