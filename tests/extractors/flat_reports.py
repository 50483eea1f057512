"""Seeded generators of reports whose tables lost their grid (issue 18, classes 1 and 2).

`flat_report(seed)` invents a whole report in the official layout (`QuirkReport.build`) with its own
random numbers: consistent totals, many zeros, zeros printed blank at random, whole rows printed
blank (the carry-over row, table 4's last block or all of table 4), so blank cells fall at the ends
of rows and of tables. The renderers below print it the ways a grid gets lost, each shape chosen by the seed:

* `tab_text`: Word's plain-text export, one TAB-indented cell per line, rows separated by an empty
  line or not at all, blank cells as a bare TAB, TAB + NBSP or TAB + U+3000, header labels wrapped
  onto a TAB-less line or split into two cells, and, as Word prints them, the positions a merged
  cell covers below its first row as a bare TAB (the group labels of table 3, the review columns
  under table 4's header);
* `plain_text`: one cell per line without indentation, blank cells as NBSP or U+3000 lines or as
  empty lines, an empty line after each printed row or not;
* `stripped_export`: `tab_text` with its TABs stripped (blank cells and merged positions become
  empty lines);
* `p_per_cell`: HTML with every cell its own `<p>`, blank cells as `&nbsp;`, a literal NBSP,
  `<span>&nbsp;</span>` or U+3000, headings as `<p>`, `<strong>` or `<h3>`, spacer paragraphs
  after a table.

`html_rows` and `html_grid` print the same reports as true HTML tables, so that blank rows are
checked in a real grid too.

Every rendering carries its truth: a number printed is that number, a blank printed is None.
All text is invented.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

from nianbao.schemas import TEMPLATE
from tests.extractors.quirk_reports import Key, QuirkReport, Row, _page

NBSP, IDEO = "\u00a0", "\u3000"


def _t3_numbers(rng: random.Random, variant: str) -> dict[str, list[int]]:
    """Random table-3 rows that satisfy the template's identities (totals and the balance)."""
    rows = [r.code for r in TEMPLATE.table("t3").rows_for(variant)]
    results = [r for r in TEMPLATE.table("t3").sets["results"] if r in rows]
    out: dict[str, list[int]] = {}
    for r in results:
        busy = rng.random() < 0.4
        out[r] = [
            rng.choice((0, 0, 1, 2, 7, 31)) if busy and (j < 2 or rng.random() < 0.2) else 0 for j in range(6)
        ]
    total = [sum(out[r][j] for r in results) for j in range(6)]
    out["r7_total"] = total
    carry = [rng.choice((0, 0, 1, 3)) if rng.random() < 0.3 else 0 for _ in range(6)]
    out["carry_over"] = carry
    out["carried_in"] = [rng.randint(0, total[j] + carry[j]) if rng.random() < 0.4 else 0 for j in range(6)]
    out["new"] = [total[j] + carry[j] - out["carried_in"][j] for j in range(6)]
    return {r: v + [sum(v)] for r, v in out.items()}


def _t4_numbers(rng: random.Random) -> list[int]:
    out: list[int] = []
    for _ in TEMPLATE.table("t4").rows:
        block = [rng.choice((0, 0, 1, 2, 5)) if rng.random() < 0.5 else 0 for _ in range(4)]
        out += [*block, sum(block)]
    return out


@dataclass
class FlatReport:
    """An invented report and the random choices its renderings are printed with."""

    q: QuirkReport
    rng: random.Random

    @property
    def truth(self) -> dict[Key, float | None]:
        return self.q.truth


def flat_report(seed: int, variant: str | None = None) -> FlatReport:
    """A report with random numbers, zeros printed blank at random and some rows printed all blank."""
    rng = random.Random(seed)
    variant = variant or rng.choice(("2019", "2021"))
    q = QuirkReport.build(variant)
    blank_zero = rng.choice((0.0, 0.3, 0.7, 1.0))  # how often a zero is printed blank
    t3 = _t3_numbers(rng, variant)
    blank_rows = {code for code, vals in t3.items() if not any(vals) and rng.random() < 0.6}
    if rng.random() < 0.5:  # the carry-over row printed blank to its end, just before table 4
        t3["carry_over"] = [0] * 7
        t3["carried_in"] = [min(a, b) for a, b in zip(t3["carried_in"], t3["r7_total"], strict=True)]
        t3["new"] = [a - b for a, b in zip(t3["r7_total"], t3["carried_in"], strict=True)]
        blank_rows.add("carry_over")
    data_rows = q.t3_rows[len(q.t3_rows) - len(TEMPLATE.table("t3").rows_for(variant)) :]
    for row, t3row in zip(data_rows, TEMPLATE.table("t3").rows_for(variant), strict=True):
        code = t3row.code
        printed = []
        for col, v in zip(TEMPLATE.table("t3").columns, t3[code], strict=True):
            blank = code in blank_rows or (v == 0 and rng.random() < blank_zero)
            printed.append("" if blank else str(v))
            q.truth[("t3", code, col.code)] = None if blank else float(v)
        row[-7:] = printed
    t4 = _t4_numbers(rng)
    blank_t4 = rng.random() < 0.2  # no case at all: the whole row printed blank
    if blank_t4:
        t4 = [0] * len(t4)
    blank_last_block = not any(t4[-5:]) and rng.random() < 0.6
    printed4 = []
    for i, r4 in enumerate(TEMPLATE.table("t4").rows):
        for j, c4 in enumerate(TEMPLATE.table("t4").columns):
            v = t4[i * 5 + j]
            blank = (
                blank_t4
                or (blank_last_block and i == len(TEMPLATE.table("t4").rows) - 1)
                or (v == 0 and rng.random() < blank_zero)
            )
            printed4.append("" if blank else str(v))
            q.truth[("t4", r4.code, c4.code)] = None if blank else float(v)
    q.t4_rows[-1] = printed4
    t2_codes = {
        TEMPLATE.table("t2").row_by_code[r].label_for(variant): (r, b.columns[variant])
        for b in TEMPLATE.blocks
        for r in b.rows[variant]
    }
    for row in q.t2_rows:
        if len(row) < 2 or row[0] not in t2_codes:
            continue
        code, cols = t2_codes[row[0]]
        if rng.random() < 0.3:
            row[1:] = ["0"] * len(cols)
        for k, col in enumerate(cols):
            blank = row[1 + k] == "0" and rng.random() < blank_zero
            if blank:
                row[1 + k] = ""
            q.truth[("t2", code, col)] = None if blank else float(row[1 + k])
    return FlatReport(q, rng)


# ------------------------------------------------------------------------------------------------
# Renderers
# ------------------------------------------------------------------------------------------------
def _wrapped_header(rng: random.Random, cell: str) -> list[str] | str:
    """A header label of table 4 or 3, or a group label of table 3, as printed: whole, or broken in two."""
    if (
        cell in ("结果维持", "结果纠正", "其他结果", "尚未审结", "商业企业", "科研机构")
        and rng.random() < 0.5
    ):
        return [cell[:2], cell[2:]]
    if cell in ("（三）不予公开", "（四）无法提供", "（五）不予处理") and rng.random() < 0.5:
        return [cell[:3], cell[3:]]  # a group label broken after its numbering
    return cell


def tab_text(f: FlatReport) -> str:
    """Word's plain-text export: a TAB before every cell, one cell per line."""
    rng = f.rng
    blank = rng.choice(("", NBSP, IDEO))  # printed after the TAB of a blank cell
    row_gap = rng.random() < 0.5  # an empty line after every printed row
    split_header = rng.choice(("none", "cells", "continuation"))
    merged = rng.random() < 0.5  # the positions merged cells cover printed as bare TABs
    lines: list[str] = []
    for kind, item in f.q.blocks():
        if kind == "line":
            lines.append(str(item))
            continue
        rows: list[Row] = item  # type: ignore[assignment]
        for r, row in enumerate(rows):
            if merged:
                lines += ["\t"] * _covered(f.q, rows, r)
            for cell in row:
                piece = _wrapped_header(rng, cell) if split_header != "none" else cell
                if isinstance(piece, list):
                    if split_header == "cells":
                        lines += [f"\t{p}" for p in piece]
                    else:
                        lines += [f"\t{piece[0]}", piece[1]]
                else:
                    lines.append(f"\t{piece or blank}")
            if row_gap:
                lines.append("")
    return "\n".join(lines) + "\n"


def _covered(q: QuirkReport, rows: list[Row], r: int) -> int:
    """How many positions at the start of printed row r merged cells of the rows above cover."""
    if rows is q.t3_rows:
        return sum(1 for (r0, _), span in q.t3_spans.items() if r0 < r < r0 + span)
    if rows is q.t4_rows and r == 2:
        return len(TEMPLATE.table("t4").columns)  # the review block's column labels span two header rows
    return 0


def plain_text(f: FlatReport) -> str:
    """One cell per line with no indentation; blank cells as an NBSP or U+3000 line, or as an
    empty line (Word's export with its TABs stripped), with or without an empty line after each
    printed row and after each table; header and group labels whole or broken over two lines."""
    rng = f.rng
    blank = rng.choice((NBSP, IDEO, NBSP * 2, ""))
    row_gap = rng.random() < 0.5
    # With blank cells as empty lines, more empty lines after a table would make table 4's ends
    # undecidable (`test_undecidable_empty_lines_are_not_guessed`).
    after_table = rng.choice((0, 1, 2)) if blank else 0
    lines: list[str] = []
    for kind, item in f.q.blocks():
        if kind == "line":
            lines.append(str(item))
            continue
        rows: list[Row] = item  # type: ignore[assignment]
        for row in rows:
            for cell in row:
                piece = _wrapped_header(rng, cell)
                lines += piece if isinstance(piece, list) else [cell or blank]
            if row_gap:
                lines.append("")
        lines += [""] * after_table
    return "\n".join(lines) + "\n"


def stripped_export(f: FlatReport) -> str:
    """Word's plain-text export with every line's leading TAB stripped: blank cells and the
    positions merged cells cover become empty lines, indistinguishable from the empty line after
    each printed row but by the rows' widths."""
    return "\n".join(line.lstrip("\t") for line in tab_text(f).split("\n"))


def p_per_cell(f: FlatReport) -> str:
    """HTML whose tables became one `<p>` per cell (a portal after a bad paste)."""
    rng = f.rng
    blank = rng.choice(("&nbsp;", NBSP, "<span>&nbsp;</span>", IDEO, "<o:p>&nbsp;</o:p>"))
    heading = rng.choice(("<p>{}</p>", "<p><strong>{}</strong></p>", "<h3>{}</h3>"))
    spacers = rng.choice((0, 1, 3))  # empty paragraphs after each table
    body: list[str] = []
    for kind, item in f.q.blocks():
        if kind == "line":
            text = html.escape(str(item))
            is_heading = text[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")
            body.append(heading.format(text) if is_heading else f"<p>{text}</p>")
            continue
        rows: list[Row] = item  # type: ignore[assignment]
        body += [f"<p>{html.escape(c) if c else blank}</p>" for row in rows for c in row]
        body += ["<p>&nbsp;</p>"] * spacers
    return _page(f.q.title_lines[0], body)


RENDERERS = {
    "tab_text": ("txt", tab_text),
    "plain_text": ("txt", plain_text),
    "stripped_export": ("txt", stripped_export),
    "p_per_cell": ("html", p_per_cell),
    # the same reports with their grid kept, for blank rows in true tables
    "html_rows": ("html", lambda f: f.q.html_table()),
    "html_grid": ("html", lambda f: f.q.html_grid()),
}
