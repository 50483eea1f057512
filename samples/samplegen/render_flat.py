"""Flattened renderings: wangdian-style tab text, and the .xlsx statistics attachment."""

from __future__ import annotations

import io
from datetime import datetime

import xlsxwriter

from nianbao.schemas import TEMPLATE
from samplegen.doc import Doc, Para, Table
from samplegen.printed import truth_value


def _tab_table(t: Table, blank: str, bare_last_blank: bool) -> list[str]:
    """Each cell a tab-prefixed line, rows separated by an empty line. A vertical-merge continuation
    is a bare tab; a horizontally covered slot prints nothing; a wrapped label continues untabbed."""
    lines: list[str] = []
    for r in range(t.nrows):
        slots = list(t.slots(r))
        last_value = max(
            (i for i, (_, c, k) in enumerate(slots) if k == "origin" and c and c.value), default=-1
        )
        for i, (_, c, kind) in enumerate(slots):
            if kind == "vcont":
                lines.append("\t")
            elif kind == "origin" and c is not None:
                if not c.text:
                    bare = (
                        bare_last_blank
                        and i == last_value
                        and r == t.nrows - 1
                        and t.name != TEMPLATE.of_kind("blocks").id
                    )
                    lines.append("\t" if bare or not c.value else "\t" + blank)
                    continue
                first, *rest = c.text.split("\n")
                lines.append("\t" + first)
                lines.extend(rest)
        lines.append("")
    return lines


def render_tab_txt(doc: Doc, encoding: str = "utf-8") -> bytes:
    """Plain text as pasted from Word (wangdian_2019 style). GBK cannot hold U+00A0, so a GBK file
    marks blank cells with TAB+U+3000 instead."""
    blank = "\u00a0" if encoding == "utf-8" else "\u3000"
    bare = any(isinstance(b, Para) and b.text.endswith("（无）") for b in doc.blocks)
    lines = [doc.title, ""]
    for b in doc.blocks:
        if isinstance(b, Table):
            lines += _tab_table(b, blank, bare)
            lines += ["", ""]
        elif b.kind == "heading":
            lines.append(b.text)
        elif b.kind == "sign":
            lines.append(("    " if b.text[:1].isdigit() else "") + b.text)
        else:
            lines.append(b.text)
    return ("\n".join(lines) + "\n").encode(encoding)


def render_xlsx(title: str, tables: list[Table], sheet_names: list[str]) -> bytes:
    """The statistics tables as a workbook, one sheet per table, merges as merged ranges."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties(
        {"title": title, "author": "nianbao samples/generate.py", "created": datetime(2024, 1, 1, 8, 0, 0)}
    )
    fmt = wb.add_format(
        {
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "font_name": "宋体",
            "font_size": 10,
        }
    )
    head = wb.add_format({"bold": True, "font_size": 12, "font_name": "宋体"})
    for t, name in zip(tables, sheet_names, strict=True):
        ws = wb.add_worksheet(name)
        ws.write(0, 0, f"{title}（{name}）", head)
        ws.set_column(0, t.width - 1, 12)
        for c in t.cells:
            r0, r1, c0, c1 = c.row + 1, c.row + c.rs, c.col, c.col + c.cs - 1
            v: object = truth_value(c.text) if c.value else c.text
            if r1 > r0 or c1 > c0:
                ws.merge_range(r0, c0, r1, c1, "", fmt)
            if v == "":
                ws.write_blank(r0, c0, None, fmt)
            else:
                ws.write(r0, c0, v, fmt)
    wb.close()
    return buf.getvalue()
