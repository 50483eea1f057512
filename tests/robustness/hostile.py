"""Crafted hostile inputs, one family per attack, in every format the readers take.

Each builder writes files into a directory and returns `Case`s. `expect="failed"` marks inputs that
must be refused (bombs, ambiguous packages, special files); the reason must then contain `reason`
when given. All text is invented; the numbers are arbitrary.
"""

from __future__ import annotations

import io
import os
import random
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.robustness.pdfgen import PdfPage, build_pdf, flate_zeros, lzw_encode_repeat

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "reports"


@dataclass
class Case:
    """One generated input and what the suite demands of its extraction."""

    name: str
    family: str
    path: Path
    expect: str = "any"  # "failed": must end failed; "any": ok/partial/failed, never a crash
    reason: str = ""  # substring the failure reason must contain (when expect == "failed")
    truth: Path | None = None  # truth file of the real report this input was mutated from
    slow: bool = False  # LibreOffice, OCR or near-limit work: fewer of these in the reduced set


Builder = Callable[[random.Random, Path], list[Case]]


def _write(d: Path, name: str, data: bytes) -> Path:
    p = d / name
    p.write_bytes(data)
    return p


def _zip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", method) as zf:
        warnings.simplefilter("ignore")  # duplicate names are the point of some cases
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buf.getvalue()


def _zip_bomb(name: str, mib: int) -> bytes:
    """A zip whose one member inflates to `mib` MiB of spaces (streamed: the generator stays small)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w", force_zip64=True) as fh:
        chunk = b" " * (1 << 20)
        for _ in range(mib):
            fh.write(chunk)
    return buf.getvalue()


def _replace_member(package: bytes, name: str, donor: zipfile.ZipFile) -> bytes:
    """The package with member `name` taken (still compressed) from the donor zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info))
        info = donor.getinfo(name)
        target = zipfile.ZipInfo(name)
        target.compress_type = zipfile.ZIP_DEFLATED
        with donor.open(info) as fh, dst.open(target, "w", force_zip64=True) as out:
            while chunk := fh.read(1 << 20):
                out.write(chunk)
    return buf.getvalue()


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bytes(body: str, extra: list[tuple[str, bytes]] | None = None, prolog: str = "") -> bytes:
    """A minimal .docx whose body is the given WordprocessingML."""
    doc = f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document {W_NS}><w:body>{body}</w:body></w:document>'
    ct = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/></Types>'
    )
    return _zip([("[Content_Types].xml", ct.encode()), ("word/document.xml", doc.encode()), *(extra or [])])


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text)}</w:tc>"


def xlsx_bytes(sheet_xml: str, extra: list[tuple[str, bytes]] | None = None, strings: str = "") -> bytes:
    """A minimal .xlsx with one worksheet (and optional sharedStrings)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    pr = "http://schemas.openxmlformats.org/package/2006/relationships"
    od = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    )
    members = [
        ("[Content_Types].xml", ct.encode()),
        ("_rels/.rels", f'<Relationships xmlns="{pr}"><Relationship Id="r1" Type="{od}/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>'.encode()),
        ("xl/workbook.xml", f'<workbook {ns} {rns}><sheets><sheet name="S" sheetId="1" r:id="r1"/></sheets>'
         "</workbook>".encode()),
        ("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{pr}"><Relationship Id="r1" '
         f'Type="{od}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'.encode()),
        ("xl/worksheets/sheet1.xml", f"<worksheet {ns}>{sheet_xml}</worksheet>".encode()),
    ]  # fmt: skip
    if strings:
        members.append(("xl/sharedStrings.xml", strings.encode()))
    return _zip(members + (extra or []))


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lololololololololol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)
XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


# ------------------------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------------------------
def pdf_cases(rng: random.Random, d: Path) -> list[Case]:
    out = []
    for mb in (40, 120, 500):
        p = _write(d, f"stream-bomb-{mb}mb.pdf", build_pdf([PdfPage(encoded=flate_zeros(mb << 20))]))
        out.append(Case(p.name, "pdf-stream-bomb", p, "failed", "decompression bomb"))
    p = _write(
        d,
        "form-bomb.pdf",
        build_pdf([PdfPage(content=b"/X0 Do", xobjects={"X0": 4})], forms=[b" " * (40 << 20)]),
    )
    out.append(Case(p.name, "pdf-stream-bomb", p, "failed", "MB"))
    forms = [b"BT /F1 12 Tf 72 720 Td (12) Tj ET\n"] + [b"/F Do\n" * 10] * 9  # form k draws form k-1 10x
    laughs = build_pdf(
        [PdfPage(content=b"/X0 Do", xobjects={"X0": 4 + 9})],
        forms=forms,
        form_xobjects={k: {"F": 4 + k - 1} for k in range(1, 10)},
    )
    p = _write(d, "form-laughs.pdf", laughs)
    out.append(Case(p.name, "pdf-stream-bomb", p, "failed", "drawing instructions"))
    p = _write(d, "lzw-bomb.pdf", build_pdf([PdfPage(encoded=lzw_encode_repeat(30000), filter="LZWDecode")]))
    out.append(Case(p.name, "pdf-stream-bomb", p, "failed", "decompression bomb"))
    ops = b"BT /F1 12 Tf 72 720 Td (12 345) Tj ET\n"
    p = _write(d, "dense-page.pdf", build_pdf([PdfPage(content=ops * ((3 << 20) // len(ops)))]))
    out.append(Case(p.name, "pdf-content-size", p, "failed", "drawing instructions"))
    p = _write(d, "dense-file.pdf", build_pdf([PdfPage(content=ops * ((900 << 10) // len(ops)))] * 6))
    out.append(Case(p.name, "pdf-content-size", p, "failed", "drawing instructions", slow=True))
    for inches in (200, 100):
        side = inches * 72
        p = _write(d, f"huge-page-{inches}in.pdf", build_pdf([PdfPage(box=(0, 0, side, side), content=b"")]))
        out.append(Case(p.name, "pdf-huge-page", p, "failed", "page-size limit"))
    p = _write(d, "long-thin-page.pdf", build_pdf([PdfPage(box=(0, 0, 14400, 20), content=b"")]))
    out.append(Case(p.name, "pdf-huge-page", p, "failed", "page-size limit"))
    head = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
    body = b"100 beginbfchar\n" + b"<41> <0031>\n" * 100 + b"endbfchar\n"
    cmap = head + body * ((15 << 20) // len(body)) + b"endcmap end end\n"
    p = _write(
        d, "cmap-15mb.pdf", build_pdf([PdfPage()], font_extra="/ToUnicode 900 0 R", streams={900: cmap})
    )
    out.append(Case(p.name, "pdf-stream-size", p, slow=True))
    p = _write(d, "cmaps-over-budget.pdf", build_pdf(
        [PdfPage()], font_extra="/ToUnicode 900 0 R /Encoding 901 0 R /Widths 902 0 R",
        streams={900: cmap, 901: cmap, 902: cmap},
    ))  # fmt: skip
    out.append(Case(p.name, "pdf-stream-size", p, slow=True))
    kids = build_pdf([PdfPage()]).replace(b"/Kids [4 0 R]", b"/Kids [2 0 R 4 0 R 2 0 R]")
    p = _write(d, "kids-cycle.pdf", kids)
    out.append(Case(p.name, "pdf-structure", p))
    p = _write(d, "encrypted.pdf", build_pdf([PdfPage()], encrypt=True))
    out.append(Case(p.name, "pdf-encrypted", p, "failed", "encrypted"))
    p = _write(d, "billion-pages.pdf", build_pdf([PdfPage()], count=10**9))
    out.append(Case(p.name, "pdf-structure", p))
    p = _write(d, "many-pages.pdf", build_pdf([PdfPage()] * 400))
    out.append(Case(p.name, "pdf-structure", p))
    p = _write(d, "zero-page.pdf", build_pdf([PdfPage(box=(0, 0, 0, 0))]))
    out.append(Case(p.name, "pdf-structure", p))
    p = _write(d, "negative-box.pdf", build_pdf([PdfPage(box=(0, 0, -1e30, 1e30))]))
    out.append(Case(p.name, "pdf-huge-page", p, "failed"))
    p = _write(
        d,
        "loop-xref.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
    )
    out.append(Case(p.name, "pdf-structure", p, "failed"))
    p = _write(d, "header-only.pdf", b"%PDF-1.7\n")
    out.append(Case(p.name, "pdf-structure", p, "failed"))
    p = _write(d, "garbage-after-header.pdf", b"%PDF-1.5\n" + rng.randbytes(20000))
    out.append(Case(p.name, "pdf-structure", p, "failed"))
    bad_flate = build_pdf([PdfPage(encoded=zlib.compress(ops * 50)[:-9] + rng.randbytes(9))])
    p = _write(d, "corrupt-flate.pdf", bad_flate)
    out.append(Case(p.name, "pdf-structure", p))
    for i in range(4):
        w = rng.choice([1, 10, 100000, 10**9])
        img = f"<< /Type /XObject /Subtype /Image /Width {w} /Height {w} /BitsPerComponent 8 /ColorSpace /DeviceRGB /Length 0 >>"
        page = PdfPage(content=b"q 595 0 0 842 0 0 cm /Im0 Do Q", extra="")
        data = build_pdf([page]).replace(b"/XObject <<  >>", b"/XObject << /Im0 " + img.encode() + b" >>")
        p = _write(d, f"image-{w}px-{i}.pdf", data)
        out.append(Case(p.name, "pdf-image", p, slow=w < 10000))
    return out


# ------------------------------------------------------------------------------------------------
# DOCX
# ------------------------------------------------------------------------------------------------
def docx_cases(rng: random.Random, d: Path) -> list[Case]:
    out = []
    p = _write(d, "zip-bomb.docx", _zip_bomb("word/document.xml", 400))
    out.append(Case(p.name, "zip-bomb", p, "failed", "zip bomb"))
    data = bytearray(_zip([("word/document.xml", b" " * (5 << 20))]))  # declared size made to lie
    cd = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, 1000)
    struct.pack_into("<I", data, 22, 1000)
    p = _write(d, "lying-size.docx", bytes(data))
    out.append(Case(p.name, "zip-bomb", p, "failed"))
    p = _write(d, "laughs.docx", docx_bytes("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", prolog=LAUGHS))
    out.append(Case(p.name, "xml-entities", p, "failed", "DTD"))
    p = _write(d, "xxe.docx", docx_bytes("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", prolog=XXE))
    out.append(Case(p.name, "xml-entities", p, "failed", "DTD"))
    real = (SAMPLES / "2022" / "songxi_2022.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(real)) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    doc = dict(parts)["word/document.xml"]
    for variant, name in [
        ("exact", "word/document.xml"),
        ("case", "Word/Document.xml"),
        ("slash", "/word/document.xml"),
    ]:
        second = doc.replace(b">1<", b">7<").replace(b">2<", b">9<")  # every small number changed
        p = _write(d, f"duplicate-member-{variant}.docx", _zip(parts + [(name, second)]))
        out.append(Case(p.name, "duplicate-member", p, "failed", "refused"))
    for k, name in enumerate(["../../evil.xml", "/abs/evil.xml", "C:/evil.xml", "word/../../x.xml"]):
        p = _write(d, f"unsafe-name-{k}.docx", _zip(parts + [(name, b"<x/>")]))
        out.append(Case(p.name, "unsafe-member", p, "failed", "unsafe member name"))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    marker = "EncryptionInfo".encode("utf-16-le") + bytes(50) + "EncryptedPackage".encode("utf-16-le")
    for ext in ("docx", "xlsx", "doc"):
        p = _write(d, f"encrypted-ole.{ext}", ole + marker + rng.randbytes(4096))
        out.append(Case(p.name, "encrypted", p, "failed", "encrypted"))
    p = _write(d, "ole-garbage.docx", ole + rng.randbytes(4096))
    out.append(Case(p.name, "encrypted", p, "failed", slow=True))
    enc = bytearray(_zip(parts))
    for at in range(len(enc) - 4):
        if enc[at : at + 4] in (b"PK\x03\x04",):
            enc[at + 6] |= 1
        elif enc[at : at + 4] == b"PK\x01\x02":
            enc[at + 8] |= 1
    p = _write(d, "encrypted-member.docx", bytes(enc))
    out.append(Case(p.name, "encrypted", p, "failed", "encrypted"))
    header = "".join(_tc(t) for t in ("项目", "本年制发件数", "本年废止件数", "现行有效件数"))
    for span in ("999999999", "99999999999999999999", "-5", "²", "1e9", "0"):
        props = f'<w:gridSpan w:val="{span}"/>'
        row = f"<w:tr>{_tc('规章', props)}{_tc('1')}</w:tr>"
        body = f"<w:tbl><w:tr>{header}</w:tr>{row * 3}</w:tbl>"
        p = _write(d, f"gridspan-{span[:12]}.docx", docx_bytes(_p("年度报告") + body))
        out.append(Case(p.name, "gigantic-spans", p))
    before = '<w:tr><w:trPr><w:gridBefore w:val="999999999"/></w:trPr>' + _tc("1") + "</w:tr>"
    p = _write(d, "gridbefore.docx", docx_bytes(f"<w:tbl><w:tr>{header}</w:tr>{before * 2}</w:tbl>"))
    out.append(Case(p.name, "gigantic-spans", p))
    vm = f"<w:tr>{_tc('x', '<w:vMerge/>')}{_tc('1')}</w:tr>"
    for n in (3000, 20000):
        first = _tc("a", '<w:vMerge w:val="restart"/>') + _tc("b")
        body = f"<w:tbl><w:tr>{first}</w:tr>{vm * n}</w:tbl>"
        p = _write(d, f"vmerge-{n}-rows.docx", docx_bytes(body))
        out.append(Case(p.name, "gigantic-tables", p))
    wide = "<w:tr>" + _tc("1") * 500 + "</w:tr>"
    p = _write(d, "wide-table.docx", docx_bytes(f"<w:tbl>{wide * 300}</w:tbl>"))
    out.append(Case(p.name, "gigantic-tables", p))
    p = _write(d, "empty-paragraphs.docx", docx_bytes("<w:p/>" * 10000 + _p("一、总体情况")))
    out.append(Case(p.name, "empty-paragraphs", p))
    paras = "".join(_p(f"本年新收{rng.randrange(10**9)}件") for _ in range(110000))
    p = _write(d, "many-paragraphs.docx", docx_bytes(paras))
    out.append(Case(p.name, "many-blocks", p, "failed", "limit"))
    nested = "<w:tbl><w:tr><w:tc>" * 300 + _p("x") + "</w:tc></w:tr></w:tbl>" * 300
    p = _write(d, "nested-tables.docx", docx_bytes(nested))
    out.append(Case(p.name, "deep-nesting", p))
    p = _write(
        d,
        "many-entries.docx",
        _zip(parts + [(f"junk/{i}.xml", b"") for i in range(6000)], zipfile.ZIP_STORED),
    )
    out.append(Case(p.name, "zip-entries", p, "failed", "entries"))
    p = _write(d, "no-document.docx", _zip([("word/other.xml", b"<x/>")]))
    out.append(Case(p.name, "zip-structure", p, "failed"))
    p = _write(
        d,
        "outline-super.docx",
        docx_bytes('<w:p><w:pPr><w:outlineLvl w:val="²"/></w:pPr><w:r><w:t>x</w:t></w:r></w:p>'),
    )
    out.append(Case(p.name, "unicode-numerals", p))
    return out


# ------------------------------------------------------------------------------------------------
# HTML and text
# ------------------------------------------------------------------------------------------------
def html_cases(rng: random.Random, d: Path) -> list[Case]:
    out = []
    head = "<html><head><meta charset='utf-8'></head><body><h1>2023年政府信息公开工作年度报告</h1>"
    hdr = "<tr><td>项目</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
    for attr, v in [("colspan", "999999999"), ("rowspan", "999999999"), ("colspan", "1" * 40), ("rowspan", "0"),
                    ("colspan", "²"), ("rowspan", "-3"), ("colspan", "٣"), ("colspan", "1e9")]:  # fmt: skip
        row = f"<tr><td {attr}='{v}'>规章</td><td>1</td><td>2</td><td>3</td></tr>"
        p = _write(
            d, f"span-{attr}-{v[:10]}.html", (head + f"<table>{hdr}{row * 4}</table></body></html>").encode()
        )
        out.append(Case(p.name, "gigantic-spans", p))
    both = "<tr><td colspan='999999999' rowspan='999999999'>x</td></tr>"
    p = _write(d, "span-both.html", (head + f"<table>{hdr}{both * 200}</table></body></html>").encode())
    out.append(Case(p.name, "gigantic-spans", p))
    for n in (2500, 20000):
        rows = "<tr><td>行政处罚</td><td>12</td></tr>" * n
        p = _write(d, f"rows-{n}.html", (head + f"<table>{hdr}{rows}</table></body></html>").encode())
        out.append(Case(p.name, "gigantic-tables", p))
    wide = "<tr>" + "<td>1</td>" * 5000 + "</tr>"
    p = _write(d, "cols-5000.html", (head + f"<table>{wide * 3}</table></body></html>").encode())
    out.append(Case(p.name, "gigantic-tables", p))
    fat = "<td " + " ".join(f"a{i}='{i}'" for i in range(300_000)) + ">规章</td>"  # libxml2: quadratic
    p = _write(
        d,
        "attributes-300000.html",
        (head + f"<table>{hdr}<tr>{fat}<td>1</td></tr></table></body></html>").encode(),
    )
    out.append(Case(p.name, "gigantic-tags", p))
    many = ("<table><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></table>") * 30000
    p = _write(d, "many-tables.html", (head + many + "</body></html>").encode())
    out.append(Case(p.name, "gigantic-tables", p))
    p = _write(
        d,
        "empty-paragraphs.html",
        (head + "<p></p>" * 10000 + "<p>&nbsp;</p>" * 10000 + "</body></html>").encode(),
    )
    out.append(Case(p.name, "empty-paragraphs", p))
    p = _write(d, "deep-big-text.html", (head + "<div>" * 250 + "<p>" + "数" * 5_000_000 + "</p>").encode())
    out.append(Case(p.name, "deep-nesting", p, slow=True))
    p = _write(d, "deep-nesting.html", (head + "<div>" * 100000 + "x" + "</div>" * 100000).encode())
    out.append(Case(p.name, "deep-nesting", p))
    p = _write(
        d,
        "nested-tables.html",
        (head + "<table><tr><td>" * 3000 + "1" + "</td></tr></table>" * 3000).encode(),
    )
    out.append(Case(p.name, "deep-nesting", p))
    for k in range(3):
        p = _write(d, f"garbage-{k}.html", rng.randbytes(rng.choice([10, 5000, 300000])))
        out.append(Case(p.name, "binary-garbage", p))
    p = _write(d, "nul-bytes.html", (head + "\x00" * 10000 + "</body></html>").encode())
    out.append(Case(p.name, "binary-garbage", p))
    p = _write(d, "laughs.html", (LAUGHS + "<html><body><p>&lol9;</p></body></html>").encode())
    out.append(Case(p.name, "xml-entities", p))
    p = _write(
        d,
        "xxe.xhtml.html",
        ('<?xml version="1.0"?>' + XXE + "<html><body><p>&xxe;</p></body></html>").encode(),
    )
    out.append(Case(p.name, "xml-entities", p))
    p = _write(d, "long-line.html", (head + "<p>" + "数" * 3_000_000 + "</p></body></html>").encode())
    out.append(Case(p.name, "huge-text", p, slow=True))
    p = _write(
        d,
        "bad-charset.html",
        b"<html><head><meta charset='x-no-such-codec'></head><body>\xff\xfe</body></html>",
    )
    out.append(Case(p.name, "encoding", p))
    p = _write(d, "utf16-no-bom.html", "<html><body><p>一、总体情况</p></body></html>".encode("utf-16-le"))
    out.append(Case(p.name, "encoding", p))
    p = _write(d, "superscript-values.html", (head + f"<table>{hdr}<tr><td>规章</td><td>²</td><td>①</td><td>{'9' * 30}</td></tr>"
                                               f"<tr><td>行政规范性文件</td><td>1e400</td><td>inf</td><td>٣</td></tr></table></body></html>").encode())  # fmt: skip
    out.append(Case(p.name, "unicode-numerals", p))
    return out


def txt_cases(rng: random.Random, d: Path) -> list[Case]:
    out = []
    p = _write(d, "binary.txt", rng.randbytes(50000))
    out.append(Case(p.name, "binary-garbage", p))
    p = _write(d, "over-limit.txt", b"a" * (20 * 2**20 + 10))
    out.append(Case(p.name, "huge-text", p, "failed", "limit"))
    p = _write(d, "pipe-rows.txt", ("行政处罚 | 12 | 3\n" * 60000).encode())
    out.append(Case(p.name, "gigantic-tables", p))
    p = _write(d, "tab-cells.txt", ("\t规章\n\t1\n\t2\n\n" * 40000).encode())
    out.append(Case(p.name, "gigantic-tables", p))
    p = _write(d, "blank-lines.txt", ("\n" * 10000 + "一、总体情况\n" + "\u3000\n" * 10000).encode())
    out.append(Case(p.name, "empty-paragraphs", p))
    p = _write(d, "pipe-bomb.txt", b"|1" * 5_000_000)
    out.append(Case(p.name, "gigantic-tables", p, "failed", "table cells"))
    p = _write(d, "one-line.txt", ("数" * 5_000_000).encode())
    out.append(Case(p.name, "huge-text", p, slow=True))
    p = _write(d, "many-lines.txt", ("本年新收12件\n" * 400000).encode())
    out.append(Case(p.name, "many-blocks", p, "failed", "limit"))
    p = _write(
        d,
        "numerals.txt",
        "一、总体情况\n规章 | ² | ① | 1e400\n行政处罚 | ٣ | inf | 999999999999999999999999999999\n".encode(),
    )
    out.append(Case(p.name, "unicode-numerals", p))
    p = _write(d, "utf16.txt", ("\ufeff一、总体情况\n" * 100).encode("utf-16"))
    out.append(Case(p.name, "encoding", p))
    return out


# ------------------------------------------------------------------------------------------------
# Spreadsheets, legacy office, images
# ------------------------------------------------------------------------------------------------
def sheet_cases(rng: random.Random, d: Path) -> list[Case]:
    out = []
    cells = '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>规章</t></is></c><c r="B1"><v>1</v></c></row></sheetData>'
    p = _write(d, "ok-small.xlsx", xlsx_bytes(cells))
    out.append(Case(p.name, "xlsx-structure", p))
    merge = cells + '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    p = _write(d, "merge-everything.xlsx", xlsx_bytes(merge))
    out.append(Case(p.name, "gigantic-spans", p, "failed", "limit"))
    far = '<sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row><row r="1"><c r="A1"><v>2</v></c></row></sheetData>'
    p = _write(d, "far-cell.xlsx", xlsx_bytes(far))
    out.append(Case(p.name, "gigantic-tables", p, "failed", "limit"))
    wide = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(1, 25001)
    )
    p = _write(d, "cells-250000.xlsx", xlsx_bytes(f"<sheetData>{wide}</sheetData>"))
    out.append(Case(p.name, "gigantic-tables", p, "failed", "cells"))
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 30001))
    p = _write(d, "rows-30000.xlsx", xlsx_bytes(f"<sheetData>{rows}</sheetData>"))
    out.append(Case(p.name, "gigantic-tables", p, slow=True))
    bomb = zipfile.ZipFile(io.BytesIO(_zip_bomb("xl/worksheets/sheet1.xml", 300)))
    p = _write(d, "bomb.xlsx", _replace_member(xlsx_bytes(cells), "xl/worksheets/sheet1.xml", bomb))
    out.append(Case(p.name, "zip-bomb", p, "failed", "zip bomb"))
    p = _write(
        d,
        "laughs.xlsx",
        xlsx_bytes(cells, strings='<?xml version="1.0"?>' + LAUGHS + "<sst><si><t>&lol9;</t></si></sst>"),
    )
    out.append(Case(p.name, "xml-entities", p))
    p = _write(
        d,
        "xxe.xlsx",
        xlsx_bytes(cells, strings='<?xml version="1.0"?>' + XXE + "<sst><si><t>&xxe;</t></si></sst>"),
    )
    out.append(Case(p.name, "xml-entities", p))
    real = (SAMPLES / "2022" / "qingshui_2022_tables.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(real)) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    p = _write(
        d,
        "duplicate-sheet.xlsx",
        _zip(parts + [("xl/worksheets/sheet1.xml", dict(parts)["xl/worksheets/sheet2.xml"])]),
    )
    out.append(Case(p.name, "duplicate-member", p, "failed", "appears twice"))
    for k in range(6):
        data = bytearray(real)
        start = rng.randrange(30, len(data) - 200)
        for i in range(start, start + rng.choice([1, 8, 64])):
            data[i] ^= 0xFF
        p = _write(d, f"corrupt-{k}.xlsx", bytes(data))
        out.append(Case(p.name, "corrupt-package", p))
    p = _write(
        d,
        "huge-number.xlsx",
        xlsx_bytes(
            '<sheetData><row r="1"><c r="A1"><v>1e400</v></c><c r="B1"><v>1e300</v></c></row></sheetData>'
        ),
    )
    out.append(Case(p.name, "unicode-numerals", p))
    for ext in ("xls", "et"):
        p = _write(d, f"ole-garbage.{ext}", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(8192))
        out.append(Case(p.name, "legacy-office", p, "failed", slow=True))
    return out


def office_cases(rng: random.Random, d: Path) -> list[Case]:
    out = []
    for ext in ("doc", "wps"):
        p = _write(d, f"ole-garbage.{ext}", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(16384))
        out.append(Case(p.name, "legacy-office", p, "failed", slow=True))
        p = _write(d, f"text-as.{ext}", "一、总体情况\n本年新收12件。\n".encode())
        out.append(Case(p.name, "wrong-extension", p, slow=True))
    return out


def image_cases(rng: random.Random, d: Path) -> list[Case]:
    from PIL import Image

    out = []
    png = io.BytesIO()
    Image.new("L", (64, 64), 255).save(png, "PNG")
    raw = bytearray(png.getvalue())

    def ihdr(w: int, h: int) -> bytes:
        struct.pack_into(">II", raw, 16, w, h)
        struct.pack_into(">I", raw, 29, zlib.crc32(bytes(raw[12:29])))  # a valid chunk: PIL trusts it
        return bytes(raw)

    p = _write(d, "png-bomb.png", ihdr(100000, 100000))  # 10 G pixels declared
    out.append(Case(p.name, "image-bomb", p, "failed", "pixels"))
    p = _write(d, "png-81m-truncated.png", ihdr(9000, 9000))  # under the refusal, over OCR's cap
    out.append(Case(p.name, "image-bomb", p, "failed"))
    p = _write(d, "truncated.jpg", b"\xff\xd8\xff\xe0" + rng.randbytes(3000))
    out.append(Case(p.name, "truncated", p, "failed"))
    gif = io.BytesIO()
    frames = [Image.new("L", (8, 8), i % 255) for i in range(300)]
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    p = _write(d, "frames-300.gif", gif.getvalue())
    out.append(Case(p.name, "image-frames", p, slow=True))
    tif = io.BytesIO()
    Image.new("RGB", (1, 1)).save(tif, "TIFF")
    p = _write(d, "one-pixel.tif", tif.getvalue())
    out.append(Case(p.name, "image-tiny", p, slow=True))
    return out


# ------------------------------------------------------------------------------------------------
# Special files and hostile names
# ------------------------------------------------------------------------------------------------
def special_cases(rng: random.Random, d: Path) -> list[Case]:
    out = []
    fifo = d / "report.txt"
    os.mkfifo(fifo)
    out.append(Case(fifo.name, "special-file", fifo, "failed", "FIFO"))
    fifo2 = d / "fifo-report.pdf"
    os.mkfifo(fifo2)
    out.append(Case(fifo2.name, "special-file", fifo2, "failed", "FIFO"))
    for name in ("zero.pdf", "zero.txt", "zero.docx"):
        link = d / name
        link.symlink_to("/dev/zero")
        out.append(Case(name, "special-file", link, "failed", "character device"))
    link = d / "urandom.html"
    link.symlink_to("/dev/urandom")
    out.append(Case(link.name, "special-file", link, "failed", "character device"))
    sparse = d / "sparse-1tb.pdf"
    with open(sparse, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(2**40)  # a terabyte of holes: hashing it would take an hour
    out.append(Case(sparse.name, "special-file", sparse, "failed", "over the 200 MB limit"))
    dirp = d / "x.pdf"
    dirp.mkdir()
    out.append(Case(dirp.name, "special-file", dirp, "failed", "directory"))
    loop = d / "loop.docx"
    loop.symlink_to(d / "loop.docx")
    out.append(Case(loop.name, "special-file", loop, "failed"))
    dangling = d / "dangling.html"
    dangling.symlink_to(d / "no-such-file")
    out.append(Case(dangling.name, "special-file", dangling, "failed"))
    p = _write(d, "empty.docx", b"")
    out.append(Case(p.name, "special-file", p, "failed", "empty"))
    text = "一、总体情况\n本年新收12件。\n".encode()
    names = ["-rf.txt", "报告 (1).txt", "a\nb.txt", "$(touch pwned).txt", "`id`.html", "x" * 240 + ".txt",
             "\u202egnp.txt", "..txt", " leading.txt", "名称;rm -rf ~.html", "report.TXT", "no-extension"]  # fmt: skip
    for k, name in enumerate(names):
        p = _write(d, name, text if not name.endswith(".html") else b"<p>" + text + b"</p>")
        out.append(Case(f"name-{k}", "hostile-name", p))
    raw = os.fsencode(d) + b"/bad-\xff\xfe.txt"
    with open(raw, "wb") as fh:
        fh.write(text)
    out.append(Case("name-non-utf8", "hostile-name", Path(os.fsdecode(raw))))
    return out


FAMILIES: list[Builder] = [
    pdf_cases,
    docx_cases,
    html_cases,
    txt_cases,
    sheet_cases,
    office_cases,
    image_cases,
    special_cases,
]
