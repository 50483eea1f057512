"""Builders of the reader tests' fixture files: real .docx packages, written with python-docx and
then edited at the XML level where Word features (gridSpan, vMerge, gridBefore) are needed.

All sentences are invented for the tests; numbers are arbitrary.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document as new_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table as DocxTable

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def _set_tcpr(tc: object, tag: str, val: str | None) -> None:
    tcpr = tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    el = OxmlElement(tag)
    if val is not None:
        el.set(qn("w:val"), val)
    tcpr.append(el)


def merged_row(table: DocxTable, r: int, spec: list[tuple[str, int, str | None]]) -> None:
    """Rewrite row r as cells (text, gridSpan, vMerge) — Word's own encoding of merges."""
    tr = table.rows[r]._tr
    for tc in list(tr.tc_lst):
        tr.remove(tc)
    for text, span, vmerge in spec:
        tc = tr.add_tc()
        p = tc.add_p()
        for k, part in enumerate(text.split("\n") if text else []):
            if k:
                p = tc.add_p()  # a second paragraph in the same cell: 商业 / 企业
            run = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = part
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(t)
            p.append(run)
        if span > 1:
            _set_tcpr(tc, "w:gridSpan", str(span))
        if vmerge is not None:
            _set_tcpr(tc, "w:vMerge", vmerge if vmerge == "restart" else None)


def build_report_docx(path: Path) -> Path:
    """A small 2021-style report: heading, paragraphs, a merged table 3 fragment, trailing text."""
    d = new_docx()
    d.core_properties.title = "测试镇2023年政府信息公开工作年度报告"
    d.core_properties.author = "测试作者"
    d.add_heading("测试镇2023年政府信息公开工作年度报告", level=1)
    d.add_paragraph("一、总体情况")
    d.add_paragraph("本镇全年认真推进公开工作，各项任务按期完成。")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=6, cols=5)
    merged_row(t, 0, [("说明", 2, "restart"), ("申请人情况", 3, None)])
    merged_row(t, 1, [("", 2, "continue"), ("自然人", 1, None), ("商业\n企业", 1, None), ("总计", 1, None)])
    merged_row(
        t,
        2,
        [("一、本年新收政府信息公开申请数量", 2, None), ("5", 1, None), ("\u3000", 1, None), ("5", 1, None)],
    )
    merged_row(t, 3, [("三、本年度办理结果", 1, "restart"), ("（一）予以公开", 1, None), ("2", 1, None),
                      ("0", 1, None), ("2", 1, None)])  # fmt: skip
    merged_row(t, 4, [("", 1, "continue"), ("（二）部分公开", 1, None), ("1", 1, None), ("\u3000\u3000", 1, None),
                      ("1", 1, None)])  # fmt: skip
    merged_row(
        t, 5, [("", 1, "continue"), ("（七）总计", 1, None), ("3", 1, None), ("0", 1, None), ("3", 1, None)]
    )
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph("公开形式仍需丰富。")
    d.save(str(path))
    return path


def build_gridbefore_docx(path: Path) -> Path:
    """A table whose second row starts one grid column in (w:gridBefore=1)."""
    d = new_docx()
    t = d.add_table(rows=2, cols=3)
    merged_row(t, 0, [("甲", 1, None), ("乙", 1, None), ("丙", 1, None)])
    merged_row(t, 1, [("乙2", 1, None), ("丙2", 1, None)])
    tr = t.rows[1]._tr
    trpr = tr.get_or_add_trPr()
    gb = OxmlElement("w:gridBefore")
    gb.set(qn("w:val"), "1")
    trpr.insert(0, gb)
    d.save(str(path))
    return path


def rewrite_part(src: Path, dst: Path, name: str, data: bytes) -> Path:
    """Copy a zip package replacing one part (used to plant hostile XML in a real docx)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, data if info.filename == name else zin.read(info.filename))
    return dst
