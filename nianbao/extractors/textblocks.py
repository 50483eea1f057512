"""Shared helpers of the text-like readers (HTML, TXT): rebuilding flattened tables (bytes are decoded by
extractors.decode).

Many published reports reach us with their tables flattened to text (quirks.md §A): one cell per
line or per `<p>` (quirk A), one cell per line ending in `|` (quirk C), or one row per line with
`|` between cells (quirk B). `blocks_from_lines` turns a sequence of raw lines into `Paragraph` blocks and
`Table(structured=False)` blocks. It never aligns columns: the template parser labels the cells
by their labels.

Section headings and table anchors come from the template (`schemas.TEMPLATE`), never from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from nianbao.extractors.document import Block, GridCell, Heading, Paragraph, Table
from nianbao.extractors.inline import split_run_together
from nianbao.schemas import TEMPLATE
from nianbao.schemas.text import clean_space, is_value_text, norm_label

_SPLIT_LINES = re.compile(r"\r\n|\r|\n")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PROSE_MIN = 60  # a line longer than this is prose: no template label is this long


def split_lines(text: str) -> list[str]:
    """Split on CR, LF and CRLF only (str.splitlines would also split on form feeds and U+2028)."""
    return _SPLIT_LINES.split(text)


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


# ------------------------------------------------------------------------------------------------
# Line classification
# ------------------------------------------------------------------------------------------------
_ANCHORS = tuple(
    norm_label(a)
    for t in TEMPLATE.tables
    for a in (*t.anchors, *t.weak_anchors)
    if len(a) >= 4  # "维持", "商业" alone are too common to open a table
)
_TABLE_SECTIONS = frozenset(s.code for s in TEMPLATE.sections if s.table)


def is_prose(s: str) -> bool:
    """True for a line of running text, which no table cell is."""
    return len(s) > PROSE_MIN or ("。" in s and len(s) > 20)


def section_code(s: str) -> str | None:
    """The template section a heading-like line opens, or None.

    Table-3 row labels such as 四、结转下年度继续办理 look like section headings and are excluded.
    """
    if len(s) > PROSE_MIN:
        return None
    normed = norm_label(s)
    sec = TEMPLATE.match_section(normed)
    if (
        sec is None
        or TEMPLATE.of_kind("groups").match_row(normed) is not None  # 四、结转下年度继续办理
        or TEMPLATE.of_kind("grid").match_column(normed) is not None
    ):
        return None
    return sec.code


def is_intro(s: str) -> bool:
    """A line that introduces what follows ("具体情况如下：", "详见下表："): text, never a table cell."""
    return s.rstrip().endswith(("：", ":")) and len(s) > 6


def is_anchor(s: str) -> bool:
    """True for a short line that can only be a table cell (第二十条…, 信息内容, 申请人情况, 行政复议…)."""
    if len(s) > 40 or is_prose(s):
        return False
    normed = norm_label(s)
    return any(a in normed for a in _ANCHORS)


def is_pipe_cell(s: str) -> bool:
    """`text |` or a lone `|`: quirk C, one cell per line."""
    return s == "|" or (s.endswith("|") and s.count("|") == 1)


def is_pipe_row(s: str) -> bool:
    """`a | b | c` or `| a | b |`: quirk B, one row per line."""
    return "|" in s and not is_pipe_cell(s)


def is_table_pipe_row(s: str) -> bool:
    """A pipe row whose cells are all cell-like: judged per cell, since a whole row of table 3
    (long labels, ten cells) is longer than any single cell and must not read as prose."""
    return is_pipe_row(s) and s.count("|") >= 2 and not any(is_prose(c) for c in split_pipe_row(s))


_RULE_CELL = re.compile(r"^:?-{3,}:?$")


def is_rule_row(s: str) -> bool:
    """`|---|:---:|`: the rule under a markdown table's first row, not a row of dashes as values."""
    cells = [c.strip() for c in split_pipe_row(s)]
    return bool(cells) and all(_RULE_CELL.match(c) for c in cells)


def split_pipe_row(s: str) -> list[str]:
    """Cells of a pipe row; the outer pipes are dropped, empty cells (merge artefacts) kept."""
    s = s.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip(" \t") for c in s.split("|")]


def make_table(rows: Iterable[Sequence[str]], structured: bool = False) -> Table:
    """A Table of plain rows of texts (no spans)."""
    grid = [[GridCell(text=t, row=r, col=c) for c, t in enumerate(row)] for r, row in enumerate(rows)]
    return Table(rows=grid, structured=structured)


# ------------------------------------------------------------------------------------------------
# Segmentation
# ------------------------------------------------------------------------------------------------
Item = str | Block


def blocks_from_lines(items: Sequence[Item], blank_is_cell: bool) -> list[Block]:
    """Turn raw lines (and already built blocks, passed through) into Paragraphs and flattened Tables.

    `blank_is_cell`: in HTML every `<p>` is a cell, so an empty or NBSP-only `<p>` inside a flattened
    table is a blank value; in plain text empty lines only separate cells (quirk A), while a line of
    only NBSP or U+3000 is a printed blank cell.
    """
    out: list[Block] = []
    pending = False  # after the heading of section 二/三/四: the next short lines may be a table
    i, n = 0, len(items)
    while i < n:
        item = items[i]
        if not isinstance(item, str):
            out.append(item)
            # an HTML <h2>三、收到和处理…</h2> opens a table section like a plain heading line does
            pending = isinstance(item, Heading) and section_code(item.text) in _TABLE_SECTIONS
            i += 1
            continue
        s = item.strip()
        if not s:
            i += 1
            continue
        if is_prose(s):
            inline = split_run_together(s)  # a whole report on one line (issue 11, class 6)
            if inline is not None:
                out.extend(inline)
                pending = False
                i += 1
                continue
        if is_table_pipe_row(s):
            i = _pipe_rows(items, i, out)
            pending = False
            continue
        sec = section_code(s)
        if sec is not None:
            out.append(Paragraph(clean_space(item)))
            pending = sec in _TABLE_SECTIONS
            i += 1
            continue
        if not is_prose(s) and not is_intro(s) and (pending or is_anchor(s) or is_pipe_cell(s)):
            j, cells, anchored, piped = _cell_run(items, i, blank_is_cell)
            numeric = sum(1 for c in cells if not isinstance(c, _Gap) and c.strip() and is_value_text(c))
            if sum(1 for c in cells if not isinstance(c, _Gap)) >= 4 and (
                anchored or piped >= 3 or numeric >= 2
            ):
                out.append(_one_cell_rows(cells))
                pending = False
                i = j
                continue
        # an intro line ("本年度情况如下。") keeps the section open: its table may follow
        out.append(Paragraph(clean_space(item)))
        i += 1
    return out


def _pipe_rows(items: Sequence[Item], i: int, out: list[Block]) -> int:
    """Collect consecutive pipe rows (blank lines between them allowed) into one table."""
    rows: list[list[str]] = []
    while i < len(items):
        item = items[i]
        if not isinstance(item, str):
            break
        s = item.strip()
        if s and not (is_table_pipe_row(s)):
            break
        if s and not is_rule_row(s):
            rows.append(split_pipe_row(s))
        i += 1
    out.append(make_table(rows))
    return i


class _Gap(str):
    """An empty line between the cells of plain text (told from an empty cell by its type)."""


_GAP = _Gap("")


def _cell_run(items: Sequence[Item], i: int, blank_is_cell: bool) -> tuple[int, list[str], bool, int]:
    """Collect one-cell-per-line cells from index i up to a section heading, prose or a block.

    In plain text an empty line is kept as `_GAP` (a blank cell whose TAB was stripped, or a
    separator: the parser decides by the template's row widths); in HTML every `<p>` is a cell.

    Returns (next index, cells, whether an anchor was seen, number of pipe-terminated lines).
    A lone `|` after a text line is a separator (quirk C, second form); after another pipe line it
    is an empty cell.
    """
    cells: list[str] = []
    anchored, piped = False, 0
    prev_plain = False  # previous non-blank line was text without a pipe
    while i < len(items):
        item = items[i]
        if not isinstance(item, str):
            break
        s = item.strip()
        if not s:
            # an NBSP or U+3000 line is a printed blank cell in text too; an empty line is one only
            # in HTML (an empty <p>), in text it separates cells
            printed = item.strip(" \t\r\n")
            if blank_is_cell or printed:
                cells.append(printed)
            elif cells:
                cells.append(_GAP)
            i += 1
            continue
        if (is_prose(s) and not is_table_pipe_row(s)) or section_code(s) is not None or is_table_pipe_row(s):
            break
        anchored = anchored or is_anchor(s)
        if is_pipe_cell(s):
            piped += 1
            if s == "|":
                if not prev_plain:
                    cells.append("")
            else:
                cells.append(s[:-1].strip(" \t"))
            prev_plain = False
        else:
            cells.append(item.strip(" \t\r\n"))
            prev_plain = True
        i += 1
    return i, cells, anchored, piped


def _one_cell_rows(cells: Sequence[str]) -> Table:
    """A flattened table, one printed row per cell. The blanks after the last filled cell are kept
    and marked `trailing`: blank cells of the last row (a carry-over row printed blank to its end,
    just before the next heading) or layout spacers; the parser tells them apart by the template's
    row width."""
    last = max((k for k, c in enumerate(cells) if c.strip()), default=-1)
    grid = [
        [GridCell(text=t, row=r, col=0, trailing=r > last, gap=isinstance(t, _Gap))]
        for r, t in enumerate(cells)
    ]
    return Table(rows=grid, structured=False)
