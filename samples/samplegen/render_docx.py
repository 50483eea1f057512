"""Word .docx rendering with real merges (gridSpan horizontally, vMerge vertically)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from samplegen.doc import Doc, Para, Table

FIXED_TIME = datetime(2024, 1, 1, 8, 0, 0)


def _font(run_or_style: object, size: float, east_asia: str = "宋体") -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.size = Pt(size)
    font.name = "Times New Roman"
    rpr = run_or_style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _table(d: docx.document.Document, t: Table, blank: str) -> None:
    wt = d.add_table(rows=t.nrows, cols=t.width)
    wt.style = "Table Grid"
    for c in t.cells:
        cell = wt.cell(c.row, c.col)
        if c.rs > 1 or c.cs > 1:
            cell = cell.merge(wt.cell(c.row + c.rs - 1, c.col + c.cs - 1))
        text = c.text if c.text else (blank if c.value else "")
        lines = text.split("\n")
        para = cell.paragraphs[0]
        for i, line in enumerate(lines):
            if i:
                para = cell.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if line:
                _font(para.add_run(line), 9)


def render_docx(doc: Doc, blank: str = "") -> bytes:
    """The report as .docx bytes; blank value cells hold `blank` (e.g. U+3000)."""
    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.2)
    _font(d.styles["Normal"], 11)
    cp = d.core_properties
    cp.author = cp.last_modified_by = "nianbao samples/generate.py"
    cp.created = cp.modified = cp.last_printed = FIXED_TIME
    cp.title = doc.title
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(doc.title), 16, "黑体")
    for b in doc.blocks:
        if isinstance(b, Table):
            _table(d, b, blank)
            continue
        assert isinstance(b, Para)
        p = d.add_paragraph()
        if b.kind == "heading":
            _font(p.add_run(b.text), 12, "黑体")
        elif b.kind == "sign":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(p.add_run(b.text), 11)
        else:
            p.paragraph_format.first_line_indent = Pt(22)
            _font(p.add_run(b.text), 11)
    buf = io.BytesIO()
    d.save(buf)
    return fixed_zip(buf.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip (docx/xlsx) with fixed timestamps so that output bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, src.read(info.filename))
    return out.getvalue()
