"""Word .docx reports: body in reading order, tables with their real merges expanded into a grid.

The package is read with `zipfile` and a locked-down lxml parser rather than python-docx: we need
the raw `w:tc` elements anyway (python-docx repeats merged cells in `row.cells`), and owning the
open lets us refuse hostile files before any XML is parsed:

* not a zip / truncated zip / OLE container (encrypted OOXML and legacy .doc are OLE files);
* zip bombs: declared sizes and compression ratios are checked, and reads are bounded regardless;
* ambiguous or unsafe packages: two members named word/document.xml (in any case), or names with
  `..` or absolute paths, are refused (`extractors.readers.package`);
* tables over the row/column/cell limits are skipped with a warning before their grid is built;
* DTDs: a document.xml with `<!DOCTYPE`/`<!ENTITY` is refused (Word never writes one), which
  stops XXE and billion-laughs before lxml sees them; the parser also resolves no entities.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from nianbao.extractors.document import Block, Document, GridCell, Heading, Paragraph, Table
from nianbao.extractors.limits import LIMITS
from nianbao.extractors.readers.guard import check, check_blocks, open_regular
from nianbao.extractors.readers.package import find_member, open_package, read_member
from nianbao.schemas.errors import UnreadableFile
from nianbao.schemas.text import clean_space

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_CORE_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
MAX_PART_BYTES = LIMITS.max_part_bytes  # uncompressed word/document.xml; real reports are < 2 MB
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
    remove_comments=True, remove_pis=True,
)  # fmt: skip


def read_docx(path: str) -> Document:
    """Read a .docx report into blocks (paragraphs, headings, tables) in reading order.

    Args:
        path: the .docx file.

    Raises:
        UnreadableFile: not a docx, truncated, encrypted, a zip bomb, or XML with a DTD.
    """
    parts = _read_parts(path, ("word/document.xml", "word/styles.xml", "docProps/core.xml"))
    if parts.get("word/document.xml") is None:
        raise UnreadableFile(path, "not a Word document: the package has no word/document.xml")
    root = _parse(path, "word/document.xml", parts["word/document.xml"] or b"")
    body = root.find(f"{W}body")
    if body is None:
        raise UnreadableFile(path, "word/document.xml has no w:body")
    # mc:Fallback repeats the mc:Choice content (text boxes, shapes): keep only one copy. Text moved
    # away in tracked changes (w:moveFrom) is shown struck through; the w:moveTo copy is the real one.
    for el in list(body.iter(f"{MC}Fallback", f"{W}moveFrom")):
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    styles = _heading_styles(path, parts.get("word/styles.xml"))
    doc = Document(path=path, format="docx")
    doc.metadata.update(_core_properties(path, parts.get("docProps/core.xml")))
    _walk(body, styles, doc.blocks, doc.warnings)
    check_blocks(path, doc.blocks)
    for k, t in enumerate(doc.tables):
        t.index = k
    return doc


# ------------------------------------------------------------------------------------------------
# Package safety
# ------------------------------------------------------------------------------------------------
def _read_parts(path: str, names: tuple[str, ...]) -> dict[str, bytes | None]:
    """The named parts' bytes (None when absent), after the container and size checks."""
    with open_regular(path) as fh:
        head = fh.read(8)
    if not head:
        raise UnreadableFile(path, "empty file")
    if head == _OLE_MAGIC:
        raise UnreadableFile(
            path, "an OLE container, not a .docx zip: the document is password-protected (encrypted) "
            "or a legacy .doc renamed to .docx; remove the password or save it as .docx again",
        )  # fmt: skip
    if not head.startswith(b"PK"):
        raise UnreadableFile(path, "not a .docx: the file is not a zip package")
    out: dict[str, bytes | None] = {}
    with open_package(path, ".docx") as zf:
        for name in names:
            info = find_member(zf, name)
            out[name] = None if info is None else read_member(path, zf, info)
    return out


def _parse(path: str, name: str, data: bytes) -> etree._Element:
    """Parse one XML part with no DTD, no entities, no network."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        probe = data.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    else:
        probe = data
    if b"<!DOCTYPE" in probe or b"<!ENTITY" in probe:
        raise UnreadableFile(
            path, f"{name} declares a DTD or entities, which Word never writes: refused (XXE risk)"
        )
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(path, f"{name} is not well-formed XML: {exc}") from exc


def _core_properties(path: str, data: bytes | None) -> dict[str, str]:
    """title, author and created from docProps/core.xml (missing or broken core props are ignored)."""
    if not data:
        return {}
    try:
        root = _parse(path, "docProps/core.xml", data)
    except UnreadableFile:
        return {}
    out: dict[str, str] = {}
    for key, tag in (("title", "dc:title"), ("author", "dc:creator"), ("created", "dcterms:created")):
        el = root.find(tag, _CORE_NS)
        if el is not None and el.text and el.text.strip():
            out[key] = el.text.strip()
    return out


def _heading_styles(path: str, data: bytes | None) -> dict[str, int]:
    """styleId -> heading level, from the style names ("heading 2", "Title") or outline levels.

    Chinese Word and WPS give styles numeric ids ("2") with English built-in names, so the name,
    not the id, tells a heading.
    """
    out: dict[str, int] = {}
    if not data:
        return out
    try:
        root = _parse(path, "word/styles.xml", data)
    except UnreadableFile:
        return out
    for st in root.iter(f"{W}style"):
        sid = st.get(f"{W}styleId")
        name_el = st.find(f"{W}name")
        name = (name_el.get(f"{W}val") or "").lower() if name_el is not None else ""
        lvl_el = st.find(f"{W}pPr/{W}outlineLvl")
        if not sid:
            continue
        if name == "title":
            out[sid] = 1
        elif name.startswith(("heading ", "标题 ")) and _small_int(name.rsplit(" ", 1)[-1]) is not None:
            out[sid] = _small_int(name.rsplit(" ", 1)[-1]) or 0
        elif lvl_el is not None and _small_int(lvl_el.get(f"{W}val")) is not None:
            level = _small_int(lvl_el.get(f"{W}val")) or 0
            if level < 9:
                out[sid] = level + 1
    return out


# ------------------------------------------------------------------------------------------------
# Body
# ------------------------------------------------------------------------------------------------
def _walk(container: etree._Element, styles: dict[str, int], out: list[Block], warns: list[str]) -> None:
    """Append the blocks of a body, cell or content control in document order."""
    for child in container:
        tag = child.tag
        if tag == f"{W}p":
            text = clean_space(_para_text(child))
            if text:
                level = _heading_level(child, styles)
                out.append(Heading(text, level) if level else Paragraph(text))
        elif tag == f"{W}tbl":
            _table(child, styles, out, warns)
        elif tag in (f"{W}sdt", f"{W}customXml", f"{W}ins", f"{W}moveTo"):
            content = child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child
            if content is not None:
                _walk(content, styles, out, warns)


def _heading_level(p: etree._Element, styles: dict[str, int]) -> int:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        return 0
    lvl = ppr.find(f"{W}outlineLvl")
    level = _small_int(lvl.get(f"{W}val")) if lvl is not None else None
    if level is not None and level < 9:
        return level + 1
    st = ppr.find(f"{W}pStyle")
    return styles.get(st.get(f"{W}val") or "", 0) if st is not None else 0


_TEXT_TAGS = (f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen")


def _para_text(p: etree._Element) -> str:
    """A paragraph's visible text: w:t runs (including tracked insertions), tabs and breaks.

    w:delText (tracked deletions) and w:instrText (field codes) are not w:t, so they drop out.
    """
    parts: list[str] = []
    for el in p.iter(*_TEXT_TAGS):
        tag = el.tag
        if tag == f"{W}t":
            parts.append(el.text or "")
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


@dataclass
class _Origin:
    text: str
    row: int
    col: int
    rowspan: int
    colspan: int
    vmerge: bool  # starts or continues a vertical merge, so a `continue` below may extend it


def _table(tbl: etree._Element, styles: dict[str, int], out: list[Block], warns: list[str]) -> None:
    """Emit a data table as a Table; walk a layout table (nested tables, one cell) as body content.

    A table over the row/column/cell limits (extractors.limits) is skipped with a warning before
    its grid is built.
    """
    check()
    trs = [tr for tr in tbl.iterchildren(f"{W}tr")]
    if len(trs) > LIMITS.max_table_rows:
        warns.append(f"table of {len(trs)} rows skipped (limit {LIMITS.max_table_rows}): not a report table")
        return
    tcs = [tc for tr in trs for tc in _row_cells(tr)]
    nested = any(tc.find(f".//{W}tbl") is not None for tc in tcs)
    if nested or len(tcs) <= 1:
        # A page layout table (the whole report boxed in a cell, or tables inside tables): its
        # content is the report, so only the innermost tables become Tables.
        for tc in tcs:
            _walk(tc, styles, out, warns)
        return
    width = max(_row_width(tr) for tr in trs)
    if width > LIMITS.max_table_cols or width * len(trs) > LIMITS.max_table_cells:
        warns.append(
            f"table of {len(trs)} rows x {width} columns skipped (limits {LIMITS.max_table_cols} columns, "
            f"{LIMITS.max_table_cells} cells): not a report table"
        )
        return
    grid = _grid(trs)
    if grid:
        out.append(Table(rows=grid, structured=True))


def _row_cells(tr: etree._Element) -> list[etree._Element]:
    """The w:tc of a row, including those wrapped in content controls or tracked insertions."""
    cells: list[etree._Element] = []
    for el in tr:
        if el.tag == f"{W}tc":
            cells.append(el)
        elif el.tag in (f"{W}sdt", f"{W}customXml", f"{W}ins"):
            cells.extend(el.iter(f"{W}tc"))
    return cells


def _cell_text(tc: etree._Element) -> str:
    """Non-empty paragraphs of a cell joined by "\\n" (a label split over paragraphs reads 商业\\n企业).

    A blank cell keeps its raw U+3000 or NBSP text, which marks it as printed blank.
    """
    paras = [_para_text(p) for p in tc.iter(f"{W}p")]
    kept = [t.strip() for t in paras if t.strip()]
    if kept:  # empty paragraphs and edge spaces around a value or label carry nothing
        return "\n".join(kept)
    return "".join(paras).strip("\r\n\t ")


def _small_int(value: str | None) -> int | None:
    """An attribute of 1-9 ASCII digits as an int (str.isdigit also accepts ², which int() rejects)."""
    v = (value or "").strip()
    return int(v) if 0 < len(v) <= 9 and v.isascii() and v.isdigit() else None


def _int_val(el: etree._Element | None, default: int) -> int:
    """A w:val attribute as an int: ASCII digits only, clamped just past the column limit."""
    if el is None:
        return default
    v = (el.get(f"{W}val") or "").strip()
    if not v or not v.isascii() or not v.isdigit():
        return default
    return min(int(v[:9]), LIMITS.max_table_cols)


def _row_width(tr: etree._Element) -> int:
    """Grid columns a row covers: w:gridBefore plus each cell's w:gridSpan (clamped values)."""
    trpr = tr.find(f"{W}trPr")
    width = _int_val(trpr.find(f"{W}gridBefore") if trpr is not None else None, 0)
    for tc in _row_cells(tr):
        tcpr = tc.find(f"{W}tcPr")
        width += max(1, _int_val(tcpr.find(f"{W}gridSpan") if tcpr is not None else None, 1))
    return width


def _grid(trs: list[etree._Element]) -> list[list[GridCell]]:
    """Expand w:gridSpan (colspan), w:vMerge (rowspan), w:hMerge and w:gridBefore into a grid."""
    owner: dict[tuple[int, int], _Origin] = {}
    origins: list[_Origin] = []
    for r, tr in enumerate(trs):
        trpr = tr.find(f"{W}trPr")
        c = _int_val(trpr.find(f"{W}gridBefore") if trpr is not None else None, 0)
        for tc in _row_cells(tr):
            tcpr = tc.find(f"{W}tcPr")
            span = max(1, _int_val(tcpr.find(f"{W}gridSpan") if tcpr is not None else None, 1))
            vm = tcpr.find(f"{W}vMerge") if tcpr is not None else None
            hm = tcpr.find(f"{W}hMerge") if tcpr is not None else None
            vcont = vm is not None and (vm.get(f"{W}val") or "continue") == "continue"
            hcont = hm is not None and (hm.get(f"{W}val") or "continue") == "continue"
            above = owner.get((r - 1, c))
            left = owner.get((r, c - 1))
            if vcont and above is not None and above.vmerge and above.col == c:
                if above.row + above.rowspan == r:  # first cell of this row to extend the merge
                    above.rowspan += 1
                for dc in range(span):
                    owner[(r, c + dc)] = above
            elif hcont and left is not None and left.row == r:
                left.colspan += span
                for dc in range(span):
                    owner[(r, c + dc)] = left
            else:
                o = _Origin(_cell_text(tc), r, c, 1, span, vm is not None)
                origins.append(o)
                for dc in range(span):
                    owner[(r, c + dc)] = o
            c += span
    n_rows = len(trs)
    rows: list[list[GridCell]] = [[] for _ in range(n_rows)]
    for (r, c), o in sorted(owner.items()):
        is_origin = (r, c) == (o.row, o.col)
        rows[r].append(
            GridCell(
                text=o.text, row=r, col=c, rowspan=o.rowspan, colspan=o.colspan,
                origin=None if is_origin else (o.row, o.col),
            )
        )  # fmt: skip
    return rows if any(rows) else []
