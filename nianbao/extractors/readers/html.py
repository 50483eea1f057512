"""HTML reports (CMS article pages, Word-saved HTML): decode, find the article, read its tables.

Steps: decode (extractors.decode); parse with lxml.html; take the title, the breadcrumb and the
索引号/发布机构/成文日期 block as metadata (extractors.page, the page reader the crawler uses too)
and remove them; pick the element that holds the report; walk it into paragraphs and
tables. Only innermost data tables become `Table`s (page-layout tables are walked as content), and
paragraph runs that are tables flattened one cell per `<p>` or one row per `a | b` line are rebuilt
by `textblocks.blocks_from_lines`.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from nianbao.extractors.decode import declared_charset, decode_bytes
from nianbao.extractors.document import Document, Heading, Table, grid_from_spans
from nianbao.extractors.limits import LIMITS
from nianbao.extractors.page import breadcrumb, metadata, page_title
from nianbao.extractors.readers.guard import check, check_blocks, read_bounded
from nianbao.extractors.textblocks import (
    Item,
    blocks_from_lines,
    cjk_count,
    is_anchor,
    section_code,
)
from nianbao.schemas.errors import UnreadableFile
from nianbao.schemas.text import clean_space

MAX_HTML_BYTES = LIMITS.max_html_bytes  # a report page is < 1 MB; Word-saved HTML a few MB
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "select", "button",
         "input", "textarea", "svg", "canvas", "map", "head")  # fmt: skip
_BLOCK = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
                    "section", "article", "header", "footer", "nav", "aside", "blockquote", "pre", "center",
                    "form", "fieldset", "address", "figure", "figcaption", "hr", "main", "tr", "td", "th",
                    "tbody", "thead", "tfoot", "caption", "body", "html"})  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_TABLEISH = frozenset({"table", "tbody", "thead", "tfoot", "tr", "td", "th"})
_WS = re.compile(r"[ \t\r\n\f]+")  # HTML collapses ASCII whitespace only; NBSP and U+3000 are text
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")  # C0 controls that are not HTML whitespace

# A tag whose inside is over 4 KB long (real ones: under 1 KB, or one long data: URI); only such tags
# have their attributes counted, so the scan stays linear.
_LONG_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:_-]{0,40})([^<>]{4096,})>")
_ATTRIBUTE = re.compile(r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def _cap_attributes(text: str) -> tuple[str, int]:
    """The page with every tag cut to `LIMITS.max_html_attributes` attributes; and how many were cut.

    libxml2 compares each attribute of a tag with the ones before it, so a tag with 200,000
    attributes takes minutes to parse; no real tag has more than a few dozen.
    """
    cut = 0

    def shorten(m: re.Match[str]) -> str:
        nonlocal cut
        attrs: list[str] = []
        for k, a in enumerate(_ATTRIBUTE.finditer(m.group(2))):
            if k == LIMITS.max_html_attributes:
                cut += 1
                return f"<{m.group(1)} {' '.join(attrs)}>"
            attrs.append(a.group(0))
        return m.group(0)

    return _LONG_TAG.sub(shorten, text), cut


def read_html(path: str) -> Document:
    """Read an HTML report page into blocks and page metadata.

    Args:
        path: the .html/.htm/.shtml file.

    Raises:
        UnreadableFile: empty, too large, or no HTML content.
    """
    data = read_bounded(path, MAX_HTML_BYTES, "HTML file")
    return read_html_bytes(data, path)


def read_html_bytes(data: bytes, path: str) -> Document:
    """Read HTML given as bytes (e.g. straight from a fetch); `path` names it in errors."""
    if not data.strip():
        raise UnreadableFile(path, "empty file")
    text, _enc, warnings = decode_bytes(data, declared_charset(data))
    controls = len(_CONTROLS.findall(text))
    if controls:  # never in a real page; lxml also refuses them when the tree is edited
        text = _CONTROLS.sub(" ", text)
        warnings.append(f"{controls} control characters replaced by spaces: the page is damaged")
    text, cut = _cap_attributes(text)
    if cut:
        warnings.append(
            f"{cut} tags with over {LIMITS.max_html_attributes} attributes cut to the first "
            f"{LIMITS.max_html_attributes}: the page is damaged or hostile"
        )
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(path, f"no HTML content: {exc}") from exc
    doc = Document(path=path, format="html", warnings=warnings)
    title = page_title(root)
    if title:
        doc.metadata["title"] = title
    for el in list(root.iter(*_DROP)):
        el.drop_tree()
    body = root.find("body")
    if body is None:
        body = root
    _page_furniture(body, doc)
    container = _article(body)
    items: list[Item] = []
    heading = _article_title(body, container)
    if heading:
        items.append(Heading(heading, 1))
    _walk(container, [], items, doc.warnings)
    check_blocks(path, items)
    doc.blocks = blocks_from_lines(items, blank_is_cell=True)
    for k, t in enumerate(doc.tables):
        t.index = k
    return doc


# ------------------------------------------------------------------------------------------------
# Page furniture: breadcrumb and metadata block (read by the one page reader, extractors.page)
# ------------------------------------------------------------------------------------------------
def _page_furniture(body: lxml.html.HtmlElement, doc: Document) -> None:
    """Read the breadcrumb and the 索引号/发布机构/成文日期 block into the metadata and remove them
    from the tree, so they stay out of the report's text."""
    crumb = breadcrumb(body)
    if crumb is not None:
        doc.metadata["breadcrumb"] = crumb.text
        crumb.element.drop_tree()
    meta = metadata(body, not_meta=lambda t: bool(is_anchor(t) or section_code(t)))
    for key, value in meta.named().items():
        doc.metadata.setdefault(key, value)
    for el in meta.blocks:
        el.drop_tree()


# ------------------------------------------------------------------------------------------------
# Article container
# ------------------------------------------------------------------------------------------------
def _article(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element holding the report: descend while one child holds most of the non-link CJK text
    and all the data tables. Navigation, link lists and footers are mostly link text or short."""
    counts: dict[lxml.html.HtmlElement, tuple[int, int]] = {}
    _measure(body, counts)
    node = body
    while True:
        total, tables = counts.get(node, (0, 0))
        kids = [c for c in node if isinstance(c.tag, str)]
        if not kids or total == 0:
            return node
        best = max(kids, key=lambda c: counts.get(c, (0, 0))[0])
        btotal, btables = counts.get(best, (0, 0))
        if btotal < 0.7 * total or btables != tables:
            return node
        if best.tag in _TABLEISH and _is_data_table(best if best.tag == "table" else _table_of(best)):
            return node  # never descend into a data table: the report around it would be lost
        node = best


def _table_of(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for anc in el.iterancestors("table"):
        return anc
    return el


def _measure(
    el: lxml.html.HtmlElement, counts: dict[lxml.html.HtmlElement, tuple[int, int]]
) -> tuple[int, int]:
    """(non-link CJK characters, data tables) of every element, bottom-up in one pass."""
    n = 0 if el.tag == "a" else cjk_count(el.text or "")
    tables = 1 if el.tag == "table" and _is_data_table(el) else 0
    for child in el:
        if not isinstance(child.tag, str):
            continue
        cn, ct = _measure(child, counts)
        n += 0 if el.tag == "a" else cn + cjk_count(child.tail or "")
        tables += ct
    counts[el] = (n, tables)
    return n, tables


def _is_layout_table(t: lxml.html.HtmlElement) -> bool:
    """A table used for page layout: tables inside it, a single cell, or one column of long text."""
    if t.find(".//table") is not None:
        return True
    rows = [[c for c in tr if c.tag in ("td", "th")] for tr in t.iter("tr")]
    n_cells = sum(len(r) for r in rows)
    if n_cells <= 1:
        return True
    return max(len(r) for r in rows) == 1 and any(cjk_count(c.text_content()) > 100 for r in rows for c in r)


def _is_data_table(t: lxml.html.HtmlElement) -> bool:
    return t.tag == "table" and not _is_layout_table(t) and sum(1 for _ in t.iter("tr")) >= 2


def _article_title(body: lxml.html.HtmlElement, container: lxml.html.HtmlElement) -> str:
    """The report's title when it sits outside the chosen container (an <h1> above the article div)."""
    if container is body:
        return ""
    inside = set(container.iter())
    for el in body.iter("h1", "h2", "h3", "div", "p", "td", "span"):
        if el in inside:
            return ""  # reached the article without meeting a title
        cls = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if el.tag in ("h1", "h2", "h3") or "title" in cls or "bt" in cls.split():
            text = clean_space(el.text_content())
            if "报告" in text and len(text) <= 100:
                return text
    return ""


# ------------------------------------------------------------------------------------------------
# Body walk
# ------------------------------------------------------------------------------------------------
def _walk(el: lxml.html.HtmlElement, buf: list[str], items: list[Item], warns: list[str]) -> None:
    """Append paragraphs (raw text) and tables of `el`'s content in document order."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "br":
        _flush(buf, items)
    elif tag == "table":
        _flush(buf, items)
        if _is_layout_table(el):
            for tr in el.xpath("./tr|./tbody/tr|./thead/tr|./tfoot/tr"):
                for cell in tr:
                    if cell.tag in ("td", "th"):
                        _walk_children(cell, buf, items, warns)
                        _flush(buf, items)
        else:
            table = _table(el, warns)
            if table is not None:
                items.append(table)
    elif tag in _HEADINGS:
        _flush(buf, items)
        text = clean_space(el.text_content())
        if text:
            items.append(Heading(text, _HEADINGS[tag]))
    elif tag in _BLOCK:
        _flush(buf, items)
        _walk_children(el, buf, items, warns)
        _flush(buf, items)
    else:
        _walk_children(el, buf, items, warns)


def _walk_children(el: lxml.html.HtmlElement, buf: list[str], items: list[Item], warns: list[str]) -> None:
    if el.text:
        buf.append(el.text)
    for child in el:
        _walk(child, buf, items, warns)
        if child.tail:
            buf.append(child.tail)


def _flush(buf: list[str], items: list[Item]) -> None:
    """End the current paragraph. A paragraph of only NBSP/U+3000 is kept (a blank flattened cell);
    one of only source-code whitespace is not a paragraph at all."""
    if not buf:
        return
    text = _WS.sub(" ", "".join(buf)).strip(" ")
    buf.clear()
    if text:
        items.append(text)


def _table(t: lxml.html.HtmlElement, warns: list[str]) -> Table | None:
    """A data table with rowspan/colspan expanded, spans clamped to the table as browsers do.

    A table over the row, column or cell limits (extractors.limits) is skipped with a warning
    before its grid is built: it is not a report table, and reading part of it could mislead.
    """
    check()
    trs = list(t.iter("tr"))
    if len(trs) > LIMITS.max_table_rows:
        warns.append(f"table of {len(trs)} rows skipped (limit {LIMITS.max_table_rows}): not a report table")
        return None
    rows: list[list[tuple[str, int, int]]] = []
    width = 0
    for r, tr in enumerate(trs):
        cells = []
        row_width = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            rowspan = _span(td.get("rowspan"), len(trs) - r, zero=len(trs) - r)
            colspan = _span(td.get("colspan"), LIMITS.max_table_cols)
            row_width += colspan
            cells.append((_cell_text(td), rowspan, colspan))
        width = max(width, row_width)
        rows.append(cells)
    area = sum(rs * cs for cells in rows for _, rs, cs in cells)  # positions the spans would fill
    if width > LIMITS.max_table_cols or max(area, len(trs) * width) > LIMITS.max_table_cells:
        warns.append(
            f"table of {len(trs)} rows x {width} columns skipped (limits {LIMITS.max_table_cols} columns, "
            f"{LIMITS.max_table_cells} cells): not a report table"
        )
        return None
    if not any(rows):
        return None
    return Table(rows=grid_from_spans(rows), structured=True)


def _span(value: str | None, limit: int, zero: int = 1) -> int:
    """A span attribute clamped to [1, limit]; `zero` is what 0 means (rowspan=0: to the table end)."""
    digits = re.match(r"\s*([0-9]{1,9})", value or "")  # ASCII digits only; 10+ digits clamp anyway
    if not digits:
        return 1
    n = int(digits.group(1))
    return zero if n == 0 else max(1, min(n, limit))


def _cell_text(td: lxml.html.HtmlElement) -> str:
    """Cell text with `<p>`/`<div>`/`<br>` as "\\n" (so 商业</p><p>企业 reads 商业\\n企业); a blank
    cell keeps its NBSP or U+3000."""
    parts: list[str] = []
    _cell_parts(td, parts)
    lines = [_WS.sub(" ", ln).strip(" ") for ln in "".join(parts).split("\x00")]
    kept = [ln.strip() for ln in lines if ln.strip()]
    if kept:  # Word pastes trailing <o:p>&nbsp;</o:p> after values: trim it off text cells
        return "\n".join(kept)
    return "".join(lines)


def _cell_parts(el: lxml.html.HtmlElement, parts: list[str]) -> None:
    """Text of a cell's content; "\\x00" marks a line break (source newlines are only whitespace)."""
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            parts.append("\x00")
        elif tag in _BLOCK or tag in _HEADINGS:
            parts.append("\x00")
            _cell_parts(child, parts)
            parts.append("\x00")
        else:
            _cell_parts(child, parts)
        if child.tail:
            parts.append(child.tail)
