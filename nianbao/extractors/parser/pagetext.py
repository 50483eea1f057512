"""Run-together page text: a portal's text copy or a web archive whose table cells lost their grid.

Such a page prints a header block (`标题：…` / `发布时间：…` / `发布机构：…` / `原文链接：…`), then the
report with section headings and table titles in the middle of long lines, and the tables' cells
run into each other: row labels glued to their numbers, several rows on one line, numbers separated
by single spaces or by nothing at all (`规章000行政规范性文件1203115…`).

`inline_document` recognises such a document from its lines and rebuilds its blocks from its whole
text with `extractors.inline.split_run_together`: headings found inline, each table section's text
cut into cells (labels, and runs of digits that keep their separators). Line ends are separators
like spaces. The tables built are marked `run_together`, so the template parser splits a run of
digits only where the identities leave one reading (`parser.digits`).
"""

from __future__ import annotations

import re

from nianbao.extractors.document import Block, Document, Heading, Paragraph, Table
from nianbao.extractors.inline import cells_of, split_run_together
from nianbao.extractors.parser.meta import is_header_line
from nianbao.schemas import TEMPLATE
from nianbao.schemas.text import norm_label

_DIGITS = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_ITEM_MARKS = ".、．"  # what follows an item number (1.属于…, 2、重复申请) or a decimal's digits
_LABEL_DIGIT = re.compile(r"[\u3400-\u9fff）)][ \t\u3000\u00a0]?\d")
_ANCHORS = tuple(a for t in TEMPLATE.tables for a in t.anchors)
MIN_PAIRS = 3  # label-then-number pairs on one line that make it a table printed as text
MIN_ROWS = 5  # or row labels on one line, their cells printed blank
MIN_ROW_LINES = 3  # or lines that are a row label and its numbers


def _is_row(label: str) -> bool:
    normed = norm_label(label)
    return any(t.match_row(normed) is not None for t in TEMPLATE.tables)


def _table_like(line: str) -> tuple[int, int]:
    """(row labels directly followed by a number, row labels) on one line of text."""
    cells = cells_of(line)
    pairs = sum(
        1
        for a, b in zip(cells, cells[1:], strict=False)
        if _DIGITS.match(b) and not _DIGITS.match(a) and _is_row(a)
    )
    rows = sum(1 for c in cells if not _DIGITS.match(c) and _is_row(c))
    return pairs, rows


def is_page_text(doc: Document) -> bool:
    """A document whose tables are printed as lines of text: a table cut from run-together text
    already; or a line holding several template row labels each followed by a number (or by the
    next label: a row printed blank); or several lines that are each a row label and its numbers.
    Neither prose nor a table's cell prints a row label and its numbers together that often."""
    row_lines = 0
    for b in doc.blocks:
        if isinstance(b, Table):
            if b.run_together:
                return True
            if b.structured:
                continue
            texts = [c.text for row in b.rows for c in row]
        else:
            texts = [b.text]
        for text in texts:
            if len(text) < 4 or not (_LABEL_DIGIT.search(text) or any(a in text for a in _ANCHORS)):
                continue  # neither a label glued to a number nor a table's words: cheap to pass by
            pairs, rows = _table_like(text)
            if pairs >= MIN_PAIRS or rows >= MIN_ROWS:
                return True
            if pairs and "。" not in text:
                row_lines += 1
    return row_lines >= MIN_ROW_LINES


def _lines(doc: Document) -> list[tuple[str, bool]]:
    """The document's text in reading order: (a paragraph's text, False), or (a table cell's text,
    True): a cell is a cell of its own, never the rest of the line before it."""
    out: list[tuple[str, bool]] = []
    for b in doc.blocks:
        if isinstance(b, (Heading, Paragraph)):
            if not is_header_line(b.text):
                out.append((b.text, False))
        else:
            out += [(c.text, True) for row in b.rows for c in row if not c.is_continuation and c.text.strip()]
    return out


def _join(lines: list[tuple[str, bool]]) -> str:
    """The lines as one text, a line end a separator like a space, except between two digits or two
    Chinese characters of two paragraph lines: a line wrapped inside a run of digits must not cut it
    (a cut the print did not make could make a wrong reading; a separator lost only leaves more
    readings to the identities), nor inside a label. Text run together needs no line end between
    words anyway. A table's value cell (one number) always stands alone."""
    out, after_value = "", False
    for line, cell in lines:
        value = cell and _DIGITS.match(line.strip()) is not None  # a table's value cell stands alone
        if out and line and not value and not after_value and _wrapped(out, line):
            out += line  # a wrap inside a run of digits, a number or a label ("本年新收政府" / "信息公开…")
        else:
            out = f"{out}\n{line}" if out else line
        after_value = value
    return out


def _wrapped(before: str, after: str) -> bool:
    """True when a line end between these two texts can only be a wrap: inside a run of digits or a
    decimal (`4068.` / `208`), between an item number and its mark (`…0	10 2` / `、申请人…`), or
    between two Chinese characters."""
    a, b = before[-1], after[0]
    if a.isdigit() and (b.isdigit() or b in _ITEM_MARKS):
        return True
    if a in _ITEM_MARKS and b.isdigit() and len(before) > 1 and before[-2].isdigit():
        return True
    return _is_cjk(a) and _is_cjk(b)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _template_grid(block: Block) -> bool:
    """A true grid holding a row of tables 2-4 (a page layout table is not one)."""
    return (
        isinstance(block, Table)
        and block.structured
        and any(
            _is_row(c.text) for row in block.rows for c in row if not c.is_continuation and c.text.strip()
        )
    )


def inline_document(doc: Document) -> Document:
    """The document rebuilt from its whole text when it is run-together page text; else itself."""
    if doc.format not in ("txt", "html") or any(_template_grid(b) for b in doc.blocks):
        return doc  # the tables kept their grid
    if not is_page_text(doc):
        return doc
    blocks = split_run_together(_join(_lines(doc)))
    if blocks is None:
        return doc
    k = 0
    for b in blocks:
        if isinstance(b, Table):
            b.index = k
            k += 1
    return Document(
        path=doc.path,
        format=doc.format,
        blocks=blocks,
        metadata=doc.metadata,
        warnings=doc.warnings,
        pages=doc.pages,
    )
