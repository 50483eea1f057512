"""Fixture files for the PDF, OCR, office and sheet reader tests, built at test time.

A report-like .docx is written with python-docx (all text invented, numbers arbitrary), then
LibreOffice turns it into a text PDF and a .doc; the scanned variants are rendered from that PDF
with pypdfium2, rotated 0.7° and sprinkled with noise. Everything is built once per session in a
temporary directory (`build_all`), because each LibreOffice run costs seconds.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import numpy as np
from docx import Document as new_docx
from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

# Invented values. "2 0" is printed with a space on purpose: the split-digit quirk.
T3_ROWS = [
    ("（一）予以公开", "12", "2 0"),
    ("（二）部分公开", "3", "4"),
    ("（三）不予公开", "5", "6"),
    ("（四）无法提供", "7", "8"),
]
T4_VALUES = ["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]
RULELESS = [
    ("项目名称", "甲栏", "乙栏", "丙栏"),
    ("第一事项", "11", "22", "33"),
    ("第二事项", "44", "55", "66"),
    ("第三事项", "77", "88", "99"),
]
LONG_ROWS = 45  # rows of the table that must cross a page break


def _cell_prop(cell: object, tag: str, val: str | None = None) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    el = OxmlElement(tag)
    if val is not None:
        el.set(qn("w:val"), val)
    tcpr.append(el)


def _page_number_footer(section: object) -> None:
    """Footer `- N -` with a PAGE field, the way Chinese government documents number pages."""
    p = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    p.add_run("- ")
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    p.add_run(" -")


def build_docx(path: Path) -> Path:
    """The report-like Word file every other fixture derives from."""
    d = new_docx()
    style = d.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    _page_number_footer(d.sections[0])
    d.add_heading("样例市人民政府2099年政府信息公开工作年度报告", level=1)
    d.add_paragraph("本报告为测试而编写，内容纯属虚构。正文第一段用于检验表格之外的文字按阅读顺序输出。")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=len(T3_ROWS), cols=4)
    t.style = "Table Grid"
    for r, (label, a, b) in enumerate(T3_ROWS):
        cells = t.rows[r].cells
        cells[0].text = "三、本年度办理结果" if r == 0 else ""
        _cell_prop(cells[0], "w:vMerge", "restart" if r == 0 else None)
        cells[1].text, cells[2].text, cells[3].text = label, a, b
    for row in t.rows:
        for k, w in enumerate((Cm(0.9), Cm(6), Cm(3), Cm(3))):
            row.cells[k].width = w
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t4 = d.add_table(rows=3, cols=15)
    t4.style = "Table Grid"
    top = t4.rows[0].cells
    top[0].merge(top[4]).text = "行政复议"
    top[5].merge(top[14]).text = "行政诉讼"
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for k in range(15):
        t4.rows[1].cells[k].text = heads[k % 5]
        t4.rows[2].cells[k].text = T4_VALUES[k]
    d.add_paragraph("五、不带边框的表格")
    free = d.add_table(rows=len(RULELESS), cols=4)  # default style: no rules at all
    for r, row in enumerate(RULELESS):
        for k, text in enumerate(row):
            free.rows[r].cells[k].text = text
    d.add_paragraph("六、跨页的长表格")
    long = d.add_table(rows=LONG_ROWS, cols=3)
    long.style = "Table Grid"
    for r in range(LONG_ROWS):
        cells = long.rows[r].cells
        cells[0].text, cells[1].text, cells[2].text = f"第{r + 1}行事项", str(r + 1), str(2 * (r + 1))
    d.add_paragraph("报告结束。")
    d.add_section(WD_SECTION.CONTINUOUS)
    d.save(str(path))
    return path


def _scan(img: Image.Image, angle: float, seed: int) -> Image.Image:
    """A page image made to look scanned: slightly rotated, grey noise."""
    img = img.convert("RGB").rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=(255, 255, 255))
    arr = np.asarray(img).astype(np.int16)
    noise = np.random.default_rng(seed).normal(0, 10, arr.shape[:2])[..., None]
    return Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8))


@functools.lru_cache(maxsize=1)
def build_all() -> dict[str, Path]:
    """Build every fixture once per test session; returns name -> path."""
    import pypdfium2 as pdfium

    from nianbao.extractors.readers.office import convert_with_libreoffice

    root = Path(tempfile.mkdtemp(prefix="nianbao-pdf-fixtures-"))
    out: dict[str, Path] = {"docx": build_docx(root / "report.docx")}
    out["pdf"] = convert_with_libreoffice(str(out["docx"]), "pdf", str(root))
    doc_dir = root / "doc"
    doc_dir.mkdir()
    out["doc"] = convert_with_libreoffice(str(out["docx"]), "doc:MS Word 97", str(doc_dir))
    pdf = pdfium.PdfDocument(str(out["pdf"]))
    page1 = pdf[0].render(scale=150 / 72).to_pil()
    scan = _scan(page1, 0.7, 1)
    out["scan_pdf"] = root / "scan.pdf"
    scan.save(out["scan_pdf"], "PDF", resolution=150)
    out["png"] = root / "scan.png"
    _scan(page1, -0.5, 2).save(out["png"])
    # A 300-page file that is not a report: page 1 of the fixture, 300 times.
    big = pdfium.PdfDocument.new()
    big.import_pages(pdf, [len(pdf) - 1] * 300)
    out["pages300"] = root / "pages300.pdf"
    big.save(str(out["pages300"]))
    big.close()
    pdf.close()
    return out
