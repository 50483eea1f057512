"""PDF -> Document: ruled and rule-less tables, text flow, and OCR for pages without usable text.

Each page is read on its own. A page with a text layer gives its ruled tables (pdfplumber, see
`extractors.readers.pdftables`), then rule-less tables rebuilt from word positions, then paragraphs from
the remaining lines in reading order. A page without characters, or whose text is mostly a large
picture (a table pasted in as an image), goes to OCR (`extractors.readers.ocr`, loaded only when needed).
Tables that cross pages are emitted as one `Table` per page fragment, in order; the parser joins
them by their labels. Page numbers (`- 4 -`, `— 1 —`) and running headers/footers are dropped.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pdfplumber

from nianbao.extractors.document import Block, Document, Heading, Table
from nianbao.extractors.limits import LIMITS
from nianbao.extractors.readers.guard import LimitExceeded, check
from nianbao.extractors.readers.pdfstreams import decoded_budget, page_content_bytes
from nianbao.extractors.readers.pdftables import (
    find_rowless_regions,
    grid_warnings,
    rowless_grid,
    ruled_tables,
)
from nianbao.extractors.readers.textlines import (
    DASHED_PAGE_NO,
    BBox,
    TextLine,
    Word,
    group_lines,
    is_page_number,
    paragraphs,
    segments,
)
from nianbao.schemas.errors import UnreadableFile

MAX_PAGES = LIMITS.max_pdf_pages  # a 年报 runs 3-20 pages; the rest of a longer file is skipped
MAX_OCR_PAGES = LIMITS.max_ocr_pages  # at ~5 s a page, OCR of a long scan is capped
MIN_TEXT_CHARS = 10  # fewer characters than this: the page is a scan
IMAGE_PAGE_SHARE = 0.25  # an image covering a quarter of the page ...
IMAGE_PAGE_MAX_CHARS = 400  # ... on a page with little text: its table is a picture
OCR_DPI = LIMITS.ocr_dpi

MARGIN_BAND = 0.08  # top/bottom share of the page where running headers and footers live


@dataclass
class _PageItems:
    """What one page yields before cross-page clean-up: lines and finished tables, by top."""

    page: int
    height: float
    lines: list[TextLine] = field(default_factory=list)
    tables: list[tuple[float, Table]] = field(default_factory=list)
    blocks: list[tuple[float, Block]] = field(default_factory=list)  # from OCR, already grouped


def _open(path: str) -> Any:
    """Open with pdfplumber; the empty user password is tried by pdfminer itself."""
    try:
        pdf = pdfplumber.open(path)
        _ = pdf.pages  # forces the page tree to be parsed: truncated files fail here
        return pdf
    except Exception as exc:  # pdfminer raises many unrelated classes for broken files
        limit = limit_in(exc)
        if limit is not None:
            raise limit from exc
        raise UnreadableFile(path, _open_error(exc)) from exc


def limit_in(exc: BaseException) -> LimitExceeded | None:
    """The LimitExceeded inside an exception pdfplumber wrapped (PdfminerException(e)), if any."""
    seen: list[BaseException] = [exc]
    while seen:
        e = seen.pop()
        if isinstance(e, LimitExceeded):
            return e
        seen.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
        seen.extend(x for x in (e.__cause__, e.__context__) if x is not None and len(seen) < 20)
    return None


def _page_size_problem(page: Any, page_no: int) -> str | None:
    """Why a page is refused before any work on it: a side over `LIMITS.max_page_side_pt`."""
    w, h = float(page.width), float(page.height)
    if max(w, h) > LIMITS.max_page_side_pt:
        return (
            f"p.{page_no} is {w / 72:.0f} x {h / 72:.0f} in, over the page-size limit "
            f"({LIMITS.max_page_side_pt / 72:.0f} in): page skipped"
        )
    return None


def _open_error(exc: BaseException) -> str:
    """A clear reason for a PDF that cannot be opened, naming encryption when that is the cause."""
    chain = [exc, *([exc.__cause__] if exc.__cause__ else []), *getattr(exc, "args", ())]
    names = " ".join(type(e).__name__ + " " + str(e) for e in chain if e is not None)
    if re.search(r"Password|Encrypt|crypt", names, re.I):
        return "encrypted PDF, password required"
    return f"corrupt or truncated PDF ({type(exc).__name__}: {str(exc)[:120] or 'no detail'})"


def _words(page: Any, exclude: list[BBox]) -> list[Word]:
    """Words of the page outside the given boxes, as `Word`s with their font size kept aside."""
    out: list[Word] = []
    for w in page.extract_words(x_tolerance=1.5, y_tolerance=3, extra_attrs=["size"]):
        xc, yc = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        if any(b[0] <= xc <= b[2] and b[1] <= yc <= b[3] for b in exclude):
            continue
        word = Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"])
        word.confidence = None
        setattr(word, "size", float(w.get("size", w["bottom"] - w["top"])))  # noqa: B010
        out.append(word)
    return out


def _line_of(words: list[Word], page: int) -> TextLine:
    segs = segments(words, gap=0.2 * max(words[0].height, 1))
    text = " ".join(s.text for s in segs)
    size = statistics.median(getattr(w, "size", w.height) for w in words)
    return TextLine(
        text, words[0].x0, words[-1].x1, min(w.top for w in words), max(w.bottom for w in words), size, page
    )


def _text_page(page: Any, page_no: int, doc: Document) -> _PageItems:
    """Tables and text lines of a page that has a text layer."""
    items = _PageItems(page_no, float(page.height))
    boxes: list[BBox] = []
    for bbox, grid in ruled_tables(page, page_no):
        boxes.append(bbox)
        table = Table(rows=grid, page=page_no, structured=True)
        doc.warnings.extend(grid_warnings(grid, f"table on p.{page_no}"))
        items.tables.append((bbox[1], table))
    words = _words(page, boxes)
    lines = group_lines(words)
    if not lines:
        return items
    size = statistics.median(getattr(w, "size", w.height) for w in words)
    gap = 1.2 * size
    taken: set[int] = set()
    for start, end in find_rowless_regions(lines, gap):
        grid, warns = rowless_grid(lines[start:end], gap, page_no)
        doc.warnings.extend(warns)
        items.tables.append(
            (min(w.top for w in lines[start]), Table(rows=grid, page=page_no, structured=False))
        )
        taken.update(range(start, end))
    items.lines = [_line_of(line, page_no) for i, line in enumerate(lines) if i not in taken]
    return items


def _image_share(page: Any) -> tuple[float, BBox | None]:
    """Share of the page covered by its largest image, and that image's box (clipped to the page)."""
    best: tuple[float, BBox | None] = (0.0, None)
    area = float(page.width * page.height) or 1.0
    for im in page.images:
        x0, top = max(0.0, float(im["x0"])), max(0.0, float(im["top"]))
        x1, bottom = min(float(page.width), float(im["x1"])), min(float(page.height), float(im["bottom"]))
        share = max(0.0, x1 - x0) * max(0.0, bottom - top) / area
        if share > best[0]:
            best = (share, (x0, top, x1, bottom))
    return best


def _drop_page_furniture(pages: list[_PageItems]) -> None:
    """Remove page numbers and running headers/footers (text repeated in the margin bands)."""

    def in_band(line: TextLine, height: float) -> bool:
        return line.top < height * MARGIN_BAND or line.bottom > height * (1 - MARGIN_BAND)

    keys: Counter[str] = Counter()
    for p in pages:
        seen = {re.sub(r"\d+", "#", ln.text.replace(" ", "")) for ln in p.lines if in_band(ln, p.height)}
        keys.update(seen)
    n = len(pages)
    repeated = {k for k, v in keys.items() if n >= 2 and v >= max(2, n // 2)}
    for p in pages:
        p.lines = [
            ln
            for ln in p.lines
            if not DASHED_PAGE_NO.match(ln.text)
            and not (
                in_band(ln, p.height)
                and (is_page_number(ln.text) or re.sub(r"\d+", "#", ln.text.replace(" ", "")) in repeated)
            )
        ]


def read_pdf(path: str) -> Document:
    """Read a PDF into the document model.

    Args:
        path: a PDF file. Encrypted files open if their user password is empty.

    Raises:
        UnreadableFile: encrypted with a password, corrupt or truncated.
    """
    with decoded_budget(path) as damaged:
        doc = _read_pdf(path)
    if damaged[0]:
        doc.warnings.append(
            f"{damaged[0]} compressed PDF stream(s) damaged (checksum failed): the file is damaged, "
            "text and numbers read from it may be wrong"
        )
    return doc


def _read_pdf(path: str) -> Document:
    pdf = _open(path)
    doc = Document(path=path, format="pdf")
    refused: list[str] = []  # pages skipped by a limit: the reason if nothing else is read
    try:
        n_pages = len(pdf.pages)
        doc.pages = n_pages
        if n_pages == 0:
            raise UnreadableFile(path, "PDF has no pages")
        if n_pages > MAX_PAGES:
            doc.warnings.append(
                f"{n_pages} pages: only the first {MAX_PAGES} were read (a report is far shorter)"
            )
        pages: list[_PageItems] = []
        ocr_budget = MAX_OCR_PAGES
        budget = [LIMITS.max_pdf_content_bytes]  # content bytes left to interpret in this file
        for i, page in enumerate(pdf.pages[:MAX_PAGES]):
            page_no = i + 1
            check()
            problem = _page_size_problem(page, page_no)
            if problem is None:
                _check_content(path, page, page_no, budget)
            if problem:
                doc.warnings.append(problem)
                refused.append(problem)
                page.close()
                continue
            try:
                n_chars = len(page.chars)
                share, img_box = _image_share(page)
                if n_chars < MIN_TEXT_CHARS or (share >= IMAGE_PAGE_SHARE and n_chars < IMAGE_PAGE_MAX_CHARS):
                    if ocr_budget <= 0:
                        doc.warnings.append(
                            f"p.{page_no}: needs OCR but the OCR page limit ({MAX_OCR_PAGES}) is used up"
                        )
                        pages.append(_PageItems(page_no, float(page.height)))
                        continue
                    ocr_budget -= 1
                    pages.append(_ocr_page(path, page, page_no, n_chars, img_box, doc))
                else:
                    pages.append(_text_page(page, page_no, doc))
            except UnreadableFile:
                raise
            except Exception as exc:  # one damaged page must not lose the others
                limit = limit_in(exc)
                if limit is not None:
                    raise limit from exc
                doc.warnings.append(f"p.{page_no}: unreadable page skipped ({type(exc).__name__}: {exc})")
            finally:
                page.close()  # frees the page's parsed objects: keeps long files in bounded memory
    finally:
        pdf.close()
    _drop_page_furniture(pages)
    all_sizes = [ln.size for p in pages for ln in p.lines]
    body = statistics.median(all_sizes) if all_sizes else 12.0
    index = 0
    for p in pages:
        items: list[tuple[float, Block]] = [*p.tables, *p.blocks, *paragraphs(p.lines, body)]
        items.sort(key=lambda it: it[0])
        for _, block in items:
            if isinstance(block, Table):
                block.index = index
                index += 1
            doc.blocks.append(block)
    # The title is the large print opening page 1 (`淮安市人民政府` / `2024 年…年度报告`); the PDF
    # info title is often generic or mis-encoded, so it is not used.
    heads = []
    for b in doc.blocks:
        if not isinstance(b, Heading) or b.page != 1:
            break
        heads.append(b.text)
    if heads:
        doc.metadata["title"] = "".join(heads)
    if not any(b.text.strip() for b in doc.text_blocks()) and not doc.tables:
        if refused:
            raise LimitExceeded(path, refused[0])
        raise UnreadableFile(path, "PDF has no text layer and OCR found no text")
    return doc


def _check_content(path: str, page: Any, page_no: int, budget: list[int]) -> None:
    """Refuse the file when a page's content is over the page or file budget, before interpreting it.

    pdfminer interprets about 1 MB of content in 5 s; a report page has under 200 KB.
    """
    cap = min(LIMITS.max_page_content_bytes, budget[0])
    try:
        size = page_content_bytes(page.page_obj, cap)
    except LimitExceeded:
        raise
    except Exception:  # a damaged content reference: the page read itself reports it
        return
    if size > LIMITS.max_page_content_bytes:
        raise LimitExceeded(
            path,
            f"p.{page_no} has {size / 2**20:.1f} MB of drawing instructions (limit "
            f"{LIMITS.max_page_content_bytes / 2**20:g} MB; a report page has under 0.2 MB): refused",
        )
    if size > budget[0]:
        raise LimitExceeded(
            path,
            f"the pages up to p.{page_no} hold over {LIMITS.max_pdf_content_bytes / 2**20:g} MB of drawing "
            "instructions (limit for one file): refused",
        )
    budget[0] -= size


def _huge_image(page: Any) -> str | None:
    """An embedded image over `LIMITS.max_image_pixels` (rendering would decode it in full)."""
    for im in page.images:
        size = im.get("srcsize") or (0, 0)
        try:
            w, h = int(size[0] or 0), int(size[1] or 0)
        except (TypeError, ValueError):
            continue
        if w * h > LIMITS.max_image_pixels:
            return f"an embedded image of {w} x {h} pixels (limit {LIMITS.max_image_pixels // 10**6} M)"
    return None


def _ocr_page(
    path: str, page: Any, page_no: int, n_chars: int, img_box: BBox | None, doc: Document
) -> _PageItems:
    """OCR a scanned page, or only the picture on a text page whose table is an image."""
    from nianbao.extractors.readers.ocr import (  # loads onnxruntime lazily
        ocr_image,
        ocr_scale,
        render_pdf_page,
    )

    items = _PageItems(page_no, float(page.height))
    big = _huge_image(page)
    if big:
        doc.warnings.append(f"p.{page_no}: {big}; OCR skipped")
        return items
    scale = ocr_scale(float(page.width), float(page.height))
    image = render_pdf_page(path, page_no - 1, scale)
    crop: BBox = (0.0, 0.0, float(page.width), float(page.height))
    if n_chars >= MIN_TEXT_CHARS and img_box is not None:
        # Text page with a pictured table: keep the text layer, OCR only the picture.
        crop = img_box
        text_part = _text_page(page, page_no, doc)
        items.lines = [
            ln for ln in text_part.lines if not (img_box[1] <= (ln.top + ln.bottom) / 2 <= img_box[3])
        ]
        items.tables = [t for t in text_part.tables if not (img_box[1] <= t[0] <= img_box[3])]
        image = image.crop((crop[0] * scale, crop[1] * scale, crop[2] * scale, crop[3] * scale))
    blocks, warns = ocr_image(image, page_no, scale=scale, offset=(crop[0], crop[1]))
    items.blocks.extend(blocks)
    doc.warnings.extend(warns)
    doc.metadata.setdefault("ocr_pages", "")
    doc.metadata["ocr_pages"] = ",".join(filter(None, [doc.metadata["ocr_pages"], str(page_no)]))
    return items
