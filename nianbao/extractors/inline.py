"""Run-together page text: a whole report printed on one line, headings inline, cells concatenated.

Portals' text-only copies print `…二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数…
规章000行政规范性文件1203115…` (issue 11, class 6). `split_run_together` cuts such a line at the
section headings the template names, and the text of a table section into cells: runs of digits
(values, or several values run together) and runs of text cut before item numbering (一、 （一） 1.).
Which cells are values and how a run of digits splits is left to the template parser; the tables
built here are marked `run_together` so that it may try (and only where the identities leave one
solution).
"""

from __future__ import annotations

import re

from nianbao.extractors.document import Block, GridCell, Paragraph, Table
from nianbao.schemas import TEMPLATE
from nianbao.schemas.text import norm_label

_NUMERAL = re.compile(r"[一二三四五六七八九十]{1,2}、")
_HEADING_WINDOW = 14  # chars between 一、 and the section's key words ("四、政府信息公开行政复议…")
# A value: digits, maybe signed or decimal ("0.092"); "1.属于…" is item numbering, not a value.
_TOKEN = re.compile(r"[+-]?\d+(?:\.\d+)?(?![.、．]\D)|\s+")
# Item numbering that starts a new label: 一、 （一） (一) 1. 1、
_ITEM = re.compile(r"(?=[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,2}[）)]|\d[.、．](?!\d))")
_TABLE_SECTIONS = {s.code: s.table for s in TEMPLATE.sections if s.table}


def _section_keys() -> list[tuple[str, str, str]]:
    """(key, section code, the canonical wording after the key) of every section key."""
    out = []
    for s in TEMPLATE.sections:
        for k in s.keys:
            i = s.label.find(k)
            out.append((k, s.code, s.label[i + len(k) :] if i >= 0 else ""))
    return out


def find_headings(text: str) -> list[tuple[int, int, str]]:
    """(start, end, section code) of the numbered section headings printed inside a line."""
    out: list[tuple[int, int, str]] = []
    for m in _NUMERAL.finditer(text):
        window = text[m.end() : m.end() + _HEADING_WINDOW + 12]
        best: tuple[int, int, str, str] | None = None
        for key, code, rest in _section_keys():
            i = window.find(key)
            if 0 <= i <= _HEADING_WINDOW and (best is None or i < best[0]):
                best = (i, i + len(key), code, rest)
        if best is None:
            continue
        end = m.end() + best[1]
        if best[3] and text.startswith(best[3], end):  # the heading's canonical ending, when printed
            end += len(best[3])
        if TEMPLATE.of_kind("groups").match_row(norm_label(text[m.start() : end])) is not None:
            continue  # 四、结转下年度继续办理 is a row of table 3 (the groups table), not a heading
        if not out or out[-1][1] <= m.start():
            out.append((m.start(), end, best[2]))
    return out


def cells_of(text: str) -> list[str]:
    """Cut the text of a table section into cells: values, and labels cut before item numbers."""
    cells: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            cells += _labels(text[pos : m.start()])
        if m.group().strip():
            cells.append(m.group())
        pos = m.end()
    if pos < len(text):
        cells += _labels(text[pos:])
    return cells


def _row_labels() -> tuple[str, ...]:
    """Printed row labels without item numbers, and table 2's block caption, longest first
    (行政规范性文件 before 规范性文件)."""
    out = {
        lab
        for t in TEMPLATE.tables
        for r in t.rows
        for lab in (r.label, r.label_2021)
        if lab and not _ITEM.match(lab) and len(lab) >= 2
    }
    caption = TEMPLATE.of_kind("blocks").caption  # a block caption glued to the last row's label
    if caption:
        out.add(caption)
    return tuple(sorted(out, key=len, reverse=True))


_ROW_LABELS = _row_labels()


def _labels(text: str) -> list[str]:
    """Label cells of a text run: cut before item numbers and before the template's row labels
    (`现行有效件数规章` is the last header cell and the row 规章)."""
    out: list[str] = []
    for part in _ITEM.split(text):
        start, i = 0, 1
        while i < len(part):
            lab = next((x for x in _ROW_LABELS if part.startswith(x, i)), None)
            if lab is None:
                i += 1
                continue
            out.append(part[start:i])
            start, i = i, i + len(lab)
        out.append(part[start:])
    return [p for p in out if p.strip()]


_SENTENCE_END = re.compile(r"[。：:；;]")


def _intro(body: str, table: str) -> tuple[str, str]:
    """The sentences before a table (up to its first anchor word), and the table's text."""
    spec = TEMPLATE.table(table)
    at = [i for a in spec.anchors if (i := body.find(a)) >= 0]
    if not at:
        return "", body
    ends = [m.end() for m in _SENTENCE_END.finditer(body, 0, min(at))]
    cut = ends[-1] if ends else 0
    return body[:cut].strip(), body[cut:]


def split_run_together(line: str) -> list[Block] | None:
    """Blocks of a line holding at least two section headings; None for any other line."""
    heads = find_headings(line)
    if len({code for _, _, code in heads}) < 2:
        return None
    out: list[Block] = []
    if heads[0][0] > 0:
        out.append(Paragraph(line[: heads[0][0]].strip()))
    for k, (start, end, code) in enumerate(heads):
        body = line[end : heads[k + 1][0] if k + 1 < len(heads) else len(line)].strip()
        out.append(Paragraph(line[start:end]))
        if not body:
            continue
        if code in _TABLE_SECTIONS:
            intro, body = _intro(body, _TABLE_SECTIONS[code])
            if intro:
                out.append(Paragraph(intro))  # "本年度情况如下：" is narrative, never cells
            cells = cells_of(body)
            grid = [[GridCell(text=c, row=r, col=0)] for r, c in enumerate(cells)]
            out.append(Table(rows=grid, structured=False, run_together=True))
        else:
            out.append(Paragraph(body))
    return out
