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

from nianbao.extractors.document import Document, Heading, Paragraph, Table
from nianbao.extractors.inline import cells_of, split_run_together
from nianbao.extractors.parser.meta import is_header_line
from nianbao.schemas import TEMPLATE
from nianbao.schemas.text import norm_label

_STRONG_ANCHORS = tuple(norm_label(a) for t in ("t2", "t3", "t4") for a in TEMPLATE.table(t).anchors)
_DIGITS = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
MIN_PAIRS = 3  # label-then-number pairs on one line that make it a table printed as text


def _pairs(line: str) -> int:
    """How many template row labels on the line are directly followed by a number."""
    cells = cells_of(line)
    n = 0
    for a, b in zip(cells, cells[1:], strict=False):
        if not _DIGITS.match(b) or _DIGITS.match(a):
            continue
        normed = norm_label(a)
        if any(TEMPLATE.table(t).match_row(normed) is not None for t in ("t2", "t3", "t4")):
            n += 1
    return n


def is_page_text(doc: Document) -> bool:
    """A document whose tables are printed as lines of text: a table cut from run-together text
    already, or a line holding a table's anchor words and several labels followed by numbers."""
    for b in doc.blocks:
        if isinstance(b, Table):
            if b.run_together:
                return True
            continue
        text = b.text
        if len(text) < 20 or not any(a in norm_label(text) for a in _STRONG_ANCHORS):
            continue
        if _pairs(text) >= MIN_PAIRS:
            return True
    return False


def _lines(doc: Document) -> list[str]:
    """The document's text in reading order, a line per paragraph and per table cell."""
    out: list[str] = []
    for b in doc.blocks:
        if isinstance(b, (Heading, Paragraph)):
            if not is_header_line(b.text):
                out.append(b.text)
        else:
            out += [c.text for row in b.rows for c in row if not c.is_continuation and c.text.strip()]
    return out


def inline_document(doc: Document) -> Document:
    """The document rebuilt from its whole text when it is run-together page text; else itself."""
    if doc.format not in ("txt", "html") or any(isinstance(b, Table) and b.structured for b in doc.blocks):
        return doc
    if not is_page_text(doc):
        return doc
    blocks = split_run_together("\n".join(_lines(doc)))
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
