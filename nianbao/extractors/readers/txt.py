"""Plain-text reports: decode, find the tab-cell tables of Word's text export, rebuild flattened tables.

Word's "plain text" export (the wangdian_2019 style) writes every table cell on its own line
prefixed with a TAB and ends each table row with an empty line. Inside such a table:

* `\\t` + text is a cell; a following line without a TAB and without a blank line in between is the
  cell's wrapped continuation (`\\t本年新` / `制作数量`);
* a bare `\\t` is an empty cell: a vertical-merge continuation or an empty value, the parser decides;
* `\\t` + U+00A0 is a blank value cell and keeps its NBSP.

Rows are true rows but columns are not aligned, so these tables are `structured=False`. Everything
else goes through `textblocks.blocks_from_lines` (pipe rows, pipe per cell, one cell per line).
"""

from __future__ import annotations

import re

from nianbao.extractors.decode import decode_bytes
from nianbao.extractors.document import Document, GridCell, Table
from nianbao.extractors.limits import LIMITS
from nianbao.extractors.readers.guard import check_blocks, read_bounded
from nianbao.extractors.textblocks import (
    Item,
    blocks_from_lines,
    is_prose,
    section_code,
    split_lines,
)
from nianbao.schemas.errors import UnreadableFile

MAX_TXT_BYTES = LIMITS.max_text_bytes  # a text report is tens of KB; anything this large is not one
_MAX_WRAP = 20  # a wrapped cell continuation is a short fragment, never a sentence
# C0 controls a text export never writes (TAB, LF, CR, FF and Word's VT line break aside)
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def read_txt(path: str) -> Document:
    """Read a plain-text report into blocks.

    Args:
        path: the file to read.

    Raises:
        UnreadableFile: empty, too large, or binary.
    """
    data = read_bounded(path, MAX_TXT_BYTES, "text file")
    if not data.strip():
        raise UnreadableFile(path, "empty file")
    return read_txt_text(*_decode(data, path), path=path)


def _decode(data: bytes, path: str) -> tuple[str, list[str]]:
    text, _enc, warnings = decode_bytes(data)
    sample = text[:20000]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f") + sample.count("\ufffd")
    if controls > max(16, len(sample) // 50):  # control characters or undecodable bytes: not text
        raise UnreadableFile(path, "binary data, not text")
    damage = len(_CONTROLS.findall(text))
    if damage:
        warnings = [*warnings, f"{damage} control characters in the text: the file is damaged"]
    return text, warnings


def read_txt_text(text: str, warnings: list[str] | None = None, path: str = "") -> Document:
    """Blocks of already decoded report text (used by `read_txt`, and by other readers' fallbacks)."""
    lines = split_lines(text.lstrip("\ufeff"))
    items = _tab_tables(lines)
    check_blocks(path, items)
    blocks = blocks_from_lines(items, blank_is_cell=False)
    for k, t in enumerate(b for b in blocks if isinstance(b, Table)):
        t.index = k
    return Document(path=path, format="txt", blocks=blocks, warnings=list(warnings or []))


def _tab_tables(lines: list[str]) -> list[Item]:
    """Replace the runs of TAB-prefixed lines by tables; other lines stay as strings."""
    if sum(1 for ln in lines if ln.startswith("\t")) < 4:
        return list(lines)  # not a Word text export: leave every line to the segmenter
    out: list[Item] = []
    rows: list[list[str]] = []
    row: list[str] = []
    prev_cell = False  # the previous line was a cell line (so a TAB-less line may continue it)

    def close_table() -> None:
        nonlocal rows, row
        if row:
            rows.append(row)
        if rows:
            out.append(_table(rows))
        rows, row = [], []

    for line in lines:
        if line.startswith("\t"):
            row.append(line[1:].rstrip("\r\n"))
            prev_cell = True
            continue
        s = line.strip()
        if not s:  # an empty line ends a table row; a NBSP-only line without TAB counts as empty too
            if row:
                rows.append(row)
                row = []
            prev_cell = False
            continue
        if (
            prev_cell
            and row
            and len(s) <= _MAX_WRAP
            and not is_prose(s)
            and section_code(s) is None
            and not _CONTROLS.search(s)  # a damaged line never continues a cell
            and "\t" not in row[-1]
        ):
            row[-1] = f"{row[-1]}\n{line.strip(' ')}"  # wrapped label: 本年新 / 制作数量
            continue
        close_table()
        prev_cell = False
        out.append(line)
    close_table()
    return out


def _table(rows: list[list[str]]) -> Table:
    grid = [[GridCell(text=t, row=r, col=c) for c, t in enumerate(row)] for r, row in enumerate(rows)]
    return Table(rows=grid, structured=False)
