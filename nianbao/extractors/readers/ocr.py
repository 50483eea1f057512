"""OCR for scanned pages and pictures: the ruled grid gives the cells, the recogniser reads them.

A page is analysed once (`readers.scanpage`: binarised, turned upright, ruling lines, cell
rectangles, text ink). The text of every table cell is then cut out of the page line by line and
read by the recogniser alone, all cells of a page in one batch: no detection inside tables. The
detector runs only on the parts of the page outside the tables that hold text (title, headings,
the lines naming the issuer, the date and the sections), and not at all on a page whose text is
all in tables. Rule-less tables and paragraphs are rebuilt from those detected boxes.

Every check against a wrong number stays: a cell read below LOW_CONFIDENCE, a cell with ink that
reads as nothing, and a numeric cell read unsurely get a second look (detection and recognition on
the cell alone); what is still unsure is listed in Document.warnings, and a cell with ink but no
trustworthy read is left blank with confidence 0.0 so that it is flagged, never guessed.

The engine uses only the ONNX models shipped inside the rapidocr wheel (model paths are given
explicitly, so nothing is ever downloaded) and is created once per process, with onnxruntime's
intra-op threads set to the cores this process may use divided by the processes sharing them
(`share_cores`).
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from nianbao.extractors.document import Block, Document, Heading, Paragraph, Table
from nianbao.extractors.limits import LIMITS, ocr_threads
from nianbao.extractors.readers.guard import LimitExceeded, check, open_regular
from nianbao.extractors.readers.pdftables import (
    find_rowless_regions,
    grid_from_boxes,
    rowless_grid,
    suspicious_number,
)
from nianbao.extractors.readers.scanpage import (
    Box,
    ScanPage,
    analyse,
    cell_segments,
    crop_for_recognition,
    table_cells,
    text_regions,
)
from nianbao.extractors.readers.textlines import (
    BBox,
    TextLine,
    Word,
    group_lines,
    is_page_number,
    join_lines,
    paragraphs,
)
from nianbao.schemas.errors import UnreadableFile

LOW_CONFIDENCE = 0.80  # cells read below this get a second look, then are listed for a human look
REREAD_MIN_SCORE = 0.5  # a cell with ink read below this is not trusted at all: blank, confidence 0.0
REC_BATCH = 16  # crops per recogniser call (sorted by width, so little padding is wasted)
REC_MIN_WIDTH = 96
LIBRARY_REC_WIDTH = 320  # the library's own recogniser input width (second look)  # px the recogniser pads a batch to at least: the library's 320 spends most of
# its work on the padding of a one-digit cell; below ~96 lone digits are read unsurely
TEXT_SCORE = 0.5  # detected text read below this is dropped (the library's default)
DET_MAX_SIDE = 1024  # the detector sees the page shrunk to this longest side: 10.5 pt digits survive

_ENGINE: Any = None
_LOCK = threading.Lock()
_REC_LOCK = threading.Lock()  # the recogniser's input width is set per call
_ENGINE_THREADS = [0]  # the intra-op threads the engine was built with


def engine() -> Any:
    """The process-wide RapidOCR engine, built on first use from the models inside the wheel, with
    its share of the cores (`ocr_threads`); rebuilt when that share changed (`share_cores`)."""
    global _ENGINE
    if _ENGINE is None or _ENGINE_THREADS[0] != ocr_threads():
        with _LOCK:
            if _ENGINE is None or _ENGINE_THREADS[0] != ocr_threads():
                import rapidocr
                from rapidocr import RapidOCR

                models = Path(rapidocr.__file__).parent / "models"
                threads = ocr_threads()
                _ENGINE_THREADS[0] = threads
                _ENGINE = RapidOCR(
                    params={
                        "Global.log_level": "warning",
                        "Global.use_cls": False,  # pages are upright after deskew
                        "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
                        "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
                        "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
                        # Detect on an area shrunk to 1024 px at most: 10.5 pt digits are still found
                        # (recognition reads full-size crops).
                        "Det.limit_type": "max",
                        "Det.limit_side_len": DET_MAX_SIDE,
                        "Rec.rec_batch_num": REC_BATCH,
                        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                    }
                )
    return _ENGINE


def ocr_scale(width_pt: float, height_pt: float, dpi: float = LIMITS.ocr_dpi) -> float:
    """Pixels per point for OCR: `dpi`, lowered so the page stays under `LIMITS.max_ocr_pixels`.

    Args:
        width_pt: page width in points.
        height_pt: page height in points.
        dpi: the resolution wanted.
    """
    scale = dpi / 72.0
    area = max(1.0, width_pt) * max(1.0, height_pt)
    return min(scale, math.sqrt(LIMITS.max_ocr_pixels / area))


def render_pdf_page(path: str, index: int, scale: float) -> Image.Image:
    """Render one PDF page (0-based) to an RGB image with pypdfium2, never over the pixel cap.

    The page size is read first and `scale` lowered when the rendered page would exceed
    `LIMITS.max_ocr_pixels` (a 200-inch page at 170 dpi would be 1.2 G pixels).
    """
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[index]
        w, h = page.get_size()
        scale = min(scale, ocr_scale(float(w), float(h), scale * 72.0))
        return page.render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()


def recognise(crops: list[np.ndarray], min_width: int = REC_MIN_WIDTH) -> list[tuple[str, float]]:
    """Recognition only (no detection) of text-line crops, in batched calls: [(text, score)].

    Args:
        crops: RGB text-line images.
        min_width: the width the recogniser pads each batch to at least (its input is 48 px high).
            The first read of a page uses REC_MIN_WIDTH; a second look uses the library's own 320,
            on which lone glyphs read surer.
    """
    if not crops:
        return []
    from rapidocr.ch_ppocr_rec import TextRecInput

    # The recogniser itself rather than engine()(crop, use_det=False): that call would switch the
    # shared engine's detection off for every later caller.
    rec = engine()._load_rec_model()
    with _REC_LOCK:
        rec.rec_image_shape = [3, 48, min_width]
        res = rec(TextRecInput(img=crops))
    txts, scores = list(res.txts or ()), list(res.scores or ())
    out = []
    for i in range(len(crops)):
        text = str(txts[i]).strip() if i < len(txts) else ""
        out.append((text, float(scores[i]) if i < len(scores) and text else 0.0))
    return out


def detect(image: np.ndarray, origin: tuple[int, int] = (0, 0)) -> list[Word]:
    """Detection and recognition on an RGB image: its text boxes as `Word`s in page pixels.

    Args:
        image: the page or a part of it.
        origin: where the part's top-left corner lies on the page.
    """
    result = engine()(np.ascontiguousarray(image))
    words: list[Word] = []
    if result.boxes is None:
        return words
    for box, text, score in zip(result.boxes, result.txts, result.scores, strict=False):
        pts = np.asarray(box)
        words.append(
            Word(
                str(text),
                float(pts[:, 0].min()) + origin[0],
                float(pts[:, 1].min()) + origin[1],
                float(pts[:, 0].max()) + origin[0],
                float(pts[:, 1].max()) + origin[1],
                float(score),
            )
        )
    return words


Read = tuple[str, float | None]  # a cell's text and confidence (None: blank, nothing printed)


def read_cells(page: ScanPage, cells: list[BBox]) -> dict[BBox, Read]:
    """The text of each cell: its lines of ink cut out and recognised in one batch, then checked."""
    layout = {c: cell_segments(page, c) for c in cells}
    boxes = [seg for c in cells for line in layout[c] for seg in line]
    return assemble_cells(cells, layout, recognise([crop_for_recognition(page, b) for b in boxes]))


def assemble_cells(
    cells: list[BBox], layout: dict[BBox, list[list[Box]]], reads: list[tuple[str, float]]
) -> dict[BBox, Read]:
    """Cell texts from the reads of their segments (in the order of `layout`'s cells, lines, segments).

    Segments join as printed (a space between Latin or digit segments, none in Chinese) and lines
    as `join_lines` does; the cell's confidence is its least sure segment's. A cell without glyph
    ink is blank (confidence None). A segment read as nothing or below REREAD_MIN_SCORE leaves a
    cell with digits, or with nothing else, blank with confidence 0.0: part of a number is no number.
    """
    it = iter(reads)
    out: dict[BBox, Read] = {}
    for c in cells:
        if not layout[c]:
            out[c] = ("", None)
            continue
        lines: list[str] = []
        scores: list[float] = []
        unread = False
        for line in layout[c]:
            texts = []
            for _ in line:
                text, score = next(it)
                if not text or score < REREAD_MIN_SCORE:
                    unread = True
                    continue
                texts.append(text)
                scores.append(score)
            lines.append(join_lines(texts))
        text = join_lines(lines)
        if unread and (not text or any(ch.isdigit() for ch in text)):
            out[c] = ("", 0.0)
        else:
            out[c] = (text, min(scores) if scores else 0.0)
    return out


def _letter_read(text: str) -> bool:
    """A short read with a Latin letter: in a table cell, most likely a digit misread (0 as o, 1 as l)."""
    return 0 < len(text) <= 3 and any(ch.isascii() and ch.isalpha() for ch in text)


def _doubtful(read: Read) -> bool:
    """A read worth a second look: ink read as nothing, a short or numeric text read unsurely, a letter."""
    text, conf = read
    if conf is None:
        return False
    if _letter_read(text):
        return True
    if conf >= LOW_CONFIDENCE:
        return False
    return len(text) <= 2 or (len(text) <= 12 and any(ch.isdigit() for ch in text))


def second_look(page: ScanPage, reads: dict[BBox, Read], layout: dict[BBox, list[list[Box]]]) -> None:
    """Re-read, in place, the cells whose first read is doubtful (`_doubtful`).

    First the same segments again at the library's own recogniser width (a lone digit padded to
    320 px reads far surer than at REC_MIN_WIDTH); then, for what is still doubtful, detection and
    recognition on the cell alone (a speck beside a digit, or two numbers in one cell, fall apart).
    A new read replaces the first only when it scores at least LOW_CONFIDENCE, better than the
    first, and is not a lone letter. A cell with ink that still reads as nothing stays "" with
    confidence 0.0, and a lone letter keeps a confidence under LOW_CONFIDENCE: flagged, never guessed.
    """
    doubt = [c for c in reads if _doubtful(reads[c]) and layout.get(c)]
    boxes = [seg for c in doubt for line in layout[c] for seg in line]
    again = assemble_cells(
        doubt, layout, recognise([crop_for_recognition(page, b) for b in boxes], LIBRARY_REC_WIDTH)
    )
    for c in doubt:
        _take(reads, c, again[c])
    h, w = page.ink.shape
    for c, read in list(reads.items()):
        if not _doubtful(read):
            continue
        x0, y0, x1, y1 = (
            max(0, int(c[0]) + 2),
            max(0, int(c[1]) + 2),
            min(w, int(c[2]) - 2),
            min(h, int(c[3]) - 2),
        )
        if x1 - x0 >= 8 and y1 - y0 >= 8:
            crop = page.rgb[y0:y1, x0:x1].copy()
            crop[page.horiz[y0:y1, x0:x1] > 0] = 255  # the cell's own rules are not text
            crop[page.vert[y0:y1, x0:x1] > 0] = 255
            pad = max(8, (y1 - y0) // 2)
            words = detect(np.pad(crop, ((pad, pad), (pad, pad), (0, 0)), constant_values=255))
            if words:
                text = join_lines(" ".join(wd.text for wd in line) for line in group_lines(words))
                _take(reads, c, (text, min(wd.confidence or 0.0 for wd in words)))
        text, conf = reads[c]
        if _letter_read(text) and conf is not None and conf >= LOW_CONFIDENCE:
            reads[c] = (text, round(LOW_CONFIDENCE - 0.01, 2))


def _take(reads: dict[BBox, Read], cell: BBox, new: Read) -> None:
    text, score = new
    old = reads[cell][1] or 0.0
    if _letter_read(reads[cell][0]):
        old = min(old, LOW_CONFIDENCE - 0.01)
    if text and score is not None and score >= LOW_CONFIDENCE and score > old and not _letter_read(text):
        reads[cell] = (text, score)


def ocr_image(
    image: Image.Image, page: int | None, scale: float = 1.0, offset: tuple[float, float] = (0.0, 0.0)
) -> tuple[list[tuple[float, Block]], list[str]]:
    """OCR one page image into positioned blocks (tables and paragraphs) plus warnings.

    Args:
        image: the page (or the pictured part of a page).
        page: its 1-based page number, stored on every cell.
        scale: pixels per output unit (PDF points for PDF pages, 1 for images).
        offset: where the image's top-left corner lies in output units.

    Returns:
        ([(top, block)], warnings), tops in output units for ordering with text-layer blocks.
    """
    scan = analyse(np.asarray(image.convert("RGB")))
    warnings: list[str] = []
    if scan.angle:
        warnings.append(f"p.{page}: scan deskewed by {scan.angle:.2f}°")

    def to_out(b: BBox) -> BBox:
        return (
            b[0] / scale + offset[0],
            b[1] / scale + offset[1],
            b[2] / scale + offset[0],
            b[3] / scale + offset[1],
        )

    blocks: list[tuple[float, Block]] = []
    tables = table_cells(scan)
    cells = [c for t in tables for c in t]
    layout = {c: cell_segments(scan, c) for c in cells}
    boxes = [seg for c in cells for line in layout[c] for seg in line]
    found = detect_outside_tables(scan, tables)
    # Every text line of the page, in the cells and outside them, in one recogniser batch.
    crops = [crop_for_recognition(scan, b) for b in boxes]
    crops += [np.ascontiguousarray(scan.rgb[b[1] : b[3], b[0] : b[2]]) for b in found]
    got = recognise(crops)
    reads = assemble_cells(cells, layout, got[: len(boxes)])
    second_look(scan, reads, layout)
    words = [
        Word(text, float(b[0]), float(b[1]), float(b[2]), float(b[3]), score)
        for b, (text, score) in zip(found, got[len(boxes) :], strict=True)
        if text and score >= TEXT_SCORE
    ]
    for cells in tables:
        grid = grid_from_boxes(cells, lambda b: reads.get(b) or _hole(scan, b), page, tol=6)
        if not grid or len(grid) < 2 or len(grid[0]) < 2:
            continue
        for row in grid:
            for cell in row:
                if cell.bbox is not None:
                    cell.bbox = to_out(cell.bbox)
                if cell.is_continuation:
                    continue
                if cell.confidence is not None and cell.confidence < LOW_CONFIDENCE:
                    warnings.append(
                        f"p.{page} OCR table cell ({cell.row},{cell.col}) {cell.text!r}: "
                        f"low confidence {cell.confidence:.2f}"
                    )
                reason = suspicious_number(cell.text)
                if reason:
                    warnings.append(f"p.{page} OCR table cell ({cell.row},{cell.col}): {reason}")
        top = min(c[1] for c in cells) / scale + offset[1]
        blocks.append((top, Table(rows=grid, page=page, structured=True)))
    blocks.extend(_free_text(words, page, to_out, warnings))
    blocks.sort(key=lambda b: b[0])
    return blocks, warnings


def _hole(scan: ScanPage, box: BBox) -> Read:
    """A grid position no cell rectangle covers (a rule missing over a fragment's top): read it too."""
    layout = {box: cell_segments(scan, box)}
    reads = read_cells(scan, [box])
    second_look(scan, reads, layout)
    return reads[box]


def detect_outside_tables(scan: ScanPage, tables: list[list[BBox]]) -> list[Box]:
    """Text-line boxes outside the tables, from the detector run only on regions that hold text.

    Each region is shrunk as the whole page would be for detection (longest side DET_MAX_SIDE px)
    and padded to a height the detector handles; boxes come back in page pixels, and those whose
    centre lies in a table are dropped (the cells are read already).
    """
    regions = text_regions(scan, tables)
    if not regions:
        return []
    detector = engine()._load_det_model()
    h, w = scan.ink.shape
    f = min(1.0, DET_MAX_SIDE / max(h, w))
    rects = [
        (min(c[0] for c in t), min(c[1] for c in t), max(c[2] for c in t), max(c[3] for c in t))
        for t in tables
    ]
    out: list[Box] = []
    for x0, y0, x1, y1 in regions:
        part = scan.rgb[y0:y1, x0:x1]
        if f < 1.0:
            part = cv2.resize(part, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        pad = max(0, (max(64, part.shape[1] // 8) - part.shape[0] + 1) // 2)
        if pad:
            part = cv2.copyMakeBorder(part, pad, pad, 0, 0, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        res = detector(np.ascontiguousarray(part))
        if res.boxes is None:
            continue
        for quad in res.boxes:
            pts = np.asarray(quad, dtype=float)
            bx0 = int(max(x0, math.floor(pts[:, 0].min() / f + x0)))
            bx1 = int(min(x1, math.ceil(pts[:, 0].max() / f + x0)))
            by0 = int(max(y0, math.floor((pts[:, 1].min() - pad) / f + y0)))
            by1 = int(min(y1, math.ceil((pts[:, 1].max() - pad) / f + y0)))
            if bx1 - bx0 < 4 or by1 - by0 < 4:
                continue
            xc, yc = (bx0 + bx1) / 2, (by0 + by1) / 2
            if not any(r[0] <= xc <= r[2] and r[1] <= yc <= r[3] for r in rects):
                out.append((bx0, by0, bx1, by1))
    return out


def _free_text(
    words: list[Word], page: int | None, to_out: Any, warnings: list[str]
) -> list[tuple[float, Block]]:
    """OCR boxes outside ruled tables: rule-less tables from box positions, the rest as paragraphs."""
    lines = group_lines(words)
    if not lines:
        return []
    size = float(np.median([w.height for w in words]))
    gap = 1.2 * size
    out: list[tuple[float, Block]] = []
    taken: set[int] = set()
    for start, end in find_rowless_regions(lines, gap):
        grid, warns = rowless_grid(lines[start:end], gap, page)
        warnings.extend(warns)
        for row in grid:
            for cell in row:
                cell.bbox = to_out(cell.bbox) if cell.bbox else None
        top = to_out((0, min(w.top for w in lines[start]), 0, 0))[1]
        out.append((top, Table(rows=grid, page=page, structured=False)))
        taken.update(range(start, end))
    text_lines = []
    for i, line in enumerate(lines):
        text = join_lines(w.text for w in line)
        if i in taken or is_page_number(text):
            continue
        x0, top, x1, bottom = to_out(
            (line[0].x0, min(w.top for w in line), line[-1].x1, max(w.bottom for w in line))
        )
        text_lines.append(TextLine(text, x0, x1, top, bottom, bottom - top, page or 0))
    body = float(np.median([ln.size for ln in text_lines])) if text_lines else 12.0
    for top, block in paragraphs(text_lines, body):
        if isinstance(block, Heading) or isinstance(block, Paragraph):
            out.append((top, block))
    return out


def read_image(path: str) -> Document:
    """Read a picture of a report page (.png, .jpg, .tif …) with OCR.

    Multi-frame TIFF and GIF files give one page per frame (at most `LIMITS.max_image_frames`).
    Bounding boxes are in pixels of the image as OCR saw it: a frame over `LIMITS.max_ocr_pixels`
    is shrunk first (boxes then are in the shrunk image's pixels), one over
    `LIMITS.max_image_pixels` is refused before it is decoded.

    Raises:
        UnreadableFile: the image cannot be decoded, is too large, or no text was found on it.
    """
    try:
        img = Image.open(open_regular(path))
        n_frames = int(getattr(img, "n_frames", 1))
    except UnreadableFile:
        raise
    except Image.DecompressionBombError as exc:  # PIL's own cap (~179 M pixels) is checked at open
        raise LimitExceeded(
            path,
            f"image over the pixel limit ({LIMITS.max_image_pixels // 10**6} M pixels): refused before decoding",
        ) from exc
    except Exception as exc:  # PIL raises several classes for truncated or unknown data
        raise UnreadableFile(path, f"cannot decode image ({type(exc).__name__}: {exc})") from exc
    doc = Document(path=path, format="image", pages=min(n_frames, LIMITS.max_image_frames))
    if n_frames > LIMITS.max_image_frames:
        doc.warnings.append(f"{n_frames} frames: only the first {LIMITS.max_image_frames} were read")
    index = 0
    try:
        for n in range(1, min(n_frames, LIMITS.max_image_frames) + 1):
            check()
            frame = _frame(path, img, n - 1)
            blocks, warns = ocr_image(frame, n)
            doc.warnings.extend(warns)
            for _, block in blocks:
                if isinstance(block, Table):
                    block.index = index
                    index += 1
                doc.blocks.append(block)
    finally:
        img.close()
    if not doc.blocks:
        raise UnreadableFile(path, "no text found in the image")
    return doc


def _frame(path: str, img: Image.Image, i: int) -> Image.Image:
    """Frame i as RGB, refused over `LIMITS.max_image_pixels` and shrunk over `LIMITS.max_ocr_pixels`."""
    try:
        img.seek(i)
        w, h = img.size
        if w * h > LIMITS.max_image_pixels:
            raise LimitExceeded(
                path, f"image of {w} x {h} pixels (limit {LIMITS.max_image_pixels // 10**6} M pixels): "
                "refused before decoding",
            )  # fmt: skip
        if w * h > LIMITS.max_ocr_pixels:
            k = math.sqrt(LIMITS.max_ocr_pixels / (w * h))
            img.draft("RGB", (int(w * k), int(h * k)))  # JPEG: decode at reduced size
            frame = img.convert("RGB")
            frame.thumbnail((int(w * k), int(h * k)))
            return frame
        return img.convert("RGB")
    except UnreadableFile:
        raise
    except Exception as exc:  # truncated data is found when the frame is decoded
        raise UnreadableFile(path, f"cannot decode image ({type(exc).__name__}: {exc})") from exc
