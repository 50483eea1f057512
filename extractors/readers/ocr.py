"""OCR for scanned pages and pictures: RapidOCR text boxes laid onto a grid rebuilt from ruling lines.

The engine uses only the ONNX models shipped inside the rapidocr wheel (model paths are given
explicitly, so nothing is ever downloaded) and is created once per process. A page image is first
deskewed from the angle of its long horizontal rules, then its ruling lines are found with OpenCV
morphology; cell rectangles come from those lines and each OCR box goes to the cell holding its
centre. Images without rules fall back to rows rebuilt from box positions.
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
from nianbao.extractors.limits import LIMITS
from nianbao.extractors.readers.guard import LimitExceeded, check, open_regular
from nianbao.extractors.readers.pdftables import (
    find_rowless_regions,
    grid_from_boxes,
    rowless_grid,
    suspicious_number,
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

LOW_CONFIDENCE = 0.80  # cells read below this are listed in Document.warnings for a human look
MAX_SKEW_DEG = 5.0  # larger angles are not scanner skew; leave those images alone
# Second look at empty cells: the detector misses isolated single characters ("0", "1").
CELL_INSET = 3  # px kept off each side of a cell so its ruling lines do not count as ink
INK_MIN_HEIGHT = 10  # px: glyph-tall (a 10 pt digit is 14+ px at 150 dpi; scan specks 1-9 px)
INK_MIN_AREA = 20  # px of ink in that blob
GLYPH_MARGIN = 4  # px of page kept around the glyph blobs in a re-read crop (inside the inset cell)
REREAD_MIN_SCORE = 0.5  # score to accept a re-read empty cell (kept as its confidence); else flagged

_ENGINE: Any = None
_LOCK = threading.Lock()


def engine() -> Any:
    """The process-wide RapidOCR engine, built on first use from the models inside the wheel."""
    global _ENGINE
    if _ENGINE is None:
        with _LOCK:
            if _ENGINE is None:
                import rapidocr
                from rapidocr import RapidOCR

                models = Path(rapidocr.__file__).parent / "models"
                _ENGINE = RapidOCR(
                    params={
                        "Global.log_level": "warning",
                        "Global.use_cls": False,  # pages are upright after deskew; saves ~15% time
                        "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
                        "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
                        "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
                        # Detect on a page shrunk to 1024 px: 3x faster than full size at 150-200 dpi,
                        # and 10.5 pt table digits are still found (recognition uses full-size crops).
                        "Det.limit_type": "max",
                        "Det.limit_side_len": 1024,
                        # One thread per engine: batch workers run one file each on a shared machine.
                        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
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


def _binary(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on black, robust to uneven scan background."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def _line_masks(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling lines, by opening with long thin kernels."""
    h, w = binary.shape
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 35), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, h // 60)))
    horiz = cv2.dilate(cv2.morphologyEx(binary, cv2.MORPH_OPEN, hk), np.ones((3, 3), np.uint8))
    vert = cv2.dilate(cv2.morphologyEx(binary, cv2.MORPH_OPEN, vk), np.ones((3, 3), np.uint8))
    return horiz, vert


def skew_angle(gray: np.ndarray) -> float:
    """Skew of the page in degrees, from long near-horizontal rules (0.0 when none are found)."""
    binary = _binary(gray)
    h, w = binary.shape
    # A short kernel so that rules still survive the opening while tilted by a degree or two.
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, w // 60), 1))
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, k)
    lines = cv2.HoughLinesP(horiz, 1, np.pi / 1800, threshold=w // 8, minLineLength=w // 4, maxLineGap=20)
    if lines is None:
        return 0.0
    angles = []
    for x1, y1, x2, y2 in np.asarray(lines).reshape(-1, 4):
        a = float(np.degrees(np.arctan2(y2 - y1, x2 - x1)))
        if abs(a) <= MAX_SKEW_DEG:
            angles.append(a)
    return float(np.median(angles)) if angles else 0.0


def deskew(image: np.ndarray) -> tuple[np.ndarray, float]:
    """The image rotated upright, and the angle that was corrected."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    angle = skew_angle(gray)
    if abs(angle) < 0.1:
        return image, 0.0
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    return out, angle


def _positions(mask: np.ndarray, axis: int, min_len: int) -> list[tuple[int, int, int]]:
    """Ruling lines of a mask as (position, start, end): y,x0,x1 for axis 0; x,y0,y1 for axis 1."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if axis == 0 and w >= min_len:
            out.append((int(y + h // 2), int(x), int(x + w)))
        elif axis == 1 and h >= min_len:
            out.append((int(x + w // 2), int(y), int(y + h)))
    return out


def table_cells(image: np.ndarray) -> list[list[BBox]]:
    """Cell rectangles of each ruled table in an (upright) image, in pixels, one list per table.

    Grid lines come from the ruling masks; two neighbouring grid cells are one merged cell when the
    rule between them is (mostly) absent. Union-find then gives each merged rectangle.
    """
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    horiz, vert = _line_masks(_binary(gray))
    grid_mask = cv2.bitwise_or(horiz, vert)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grid_mask, connectivity=8)
    tables: list[list[BBox]] = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if w < 80 or h < 40:
            continue
        sub = (labels[y : y + h, x : x + w] == i).astype(np.uint8) * 255
        hs = _positions(cv2.bitwise_and(horiz[y : y + h, x : x + w], sub), 0, 20)
        vs = _positions(cv2.bitwise_and(vert[y : y + h, x : x + w], sub), 1, 12)
        ys = _merge_close(sorted(p for p, _, _ in hs))
        xs = _merge_close(sorted(p for p, _, _ in vs))
        if len(ys) < 2 or len(xs) < 2:
            continue
        sub_h, sub_v = horiz[y : y + h, x : x + w], vert[y : y + h, x : x + w]
        cells = _merge_cells(xs, ys, sub_h, sub_v)
        tables.append([(c[0] + x, c[1] + y, c[2] + x, c[3] + y) for c in cells])
    tables.sort(key=lambda t: min(c[1] for c in t))
    return tables


def _merge_close(values: list[int], tol: int = 6) -> list[int]:
    out: list[int] = []
    for v in values:
        if out and v - out[-1] <= tol:
            out[-1] = (out[-1] + v) // 2
        else:
            out.append(v)
    return out


def _merge_cells(xs: list[int], ys: list[int], horiz: np.ndarray, vert: np.ndarray) -> list[BBox]:
    """Merged cell rectangles of one grid, from which separating rules are present."""
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def covered(mask: np.ndarray, fixed: int, lo: int, hi: int, vertical: bool) -> float:
        lo, hi = lo + 3, hi - 3
        if hi <= lo:
            return 1.0
        band = (
            mask[lo:hi, max(0, fixed - 2) : fixed + 3]
            if vertical
            else mask[max(0, fixed - 2) : fixed + 3, lo:hi]
        )
        return float((band.max(axis=1 if vertical else 0) > 0).mean()) if band.size else 0.0

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and covered(vert, xs[c + 1], ys[r], ys[r + 1], True) < 0.5:
                parent[find(r * nc + c + 1)] = find(r * nc + c)
            if r + 1 < nr and covered(horiz, ys[r + 1], xs[c], xs[c + 1], False) < 0.5:
                parent[find((r + 1) * nc + c)] = find(r * nc + c)
    groups: dict[int, list[int]] = {}
    for k in range(nr * nc):
        groups.setdefault(find(k), []).append(k)
    out: list[BBox] = []
    for members in groups.values():
        rs = [k // nc for k in members]
        cs = [k % nc for k in members]
        out.append((float(xs[min(cs)]), float(ys[min(rs)]), float(xs[max(cs) + 1]), float(ys[max(rs) + 1])))
    return out


def run_ocr(image: np.ndarray) -> list[Word]:
    """OCR boxes of an RGB image as `Word`s (pixel coordinates, axis-aligned)."""
    result = engine()(image)
    words: list[Word] = []
    if result.boxes is None:
        return words
    for box, text, score in zip(result.boxes, result.txts, result.scores, strict=False):
        pts = np.asarray(box)
        words.append(
            Word(
                str(text),
                float(pts[:, 0].min()),
                float(pts[:, 1].min()),
                float(pts[:, 0].max()),
                float(pts[:, 1].max()),
                float(score),
            )
        )
    return words


def _ink_masks(image: np.ndarray, words: list[Word]) -> tuple[np.ndarray, np.ndarray]:
    """Ink of an upright page that is not a ruling line: all of it, and the part outside OCR boxes."""
    binary = _binary(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY))
    horiz, vert = _line_masks(binary)
    ink = cv2.bitwise_and(binary, cv2.bitwise_not(cv2.bitwise_or(horiz, vert)))
    unread = ink.copy()
    for w in words:  # a box straddling two cells has been read already: its ink is not "missed"
        unread[int(w.top) : int(np.ceil(w.bottom)) + 1, int(w.x0) : int(np.ceil(w.x1)) + 1] = 0
    return ink, unread


def _glyph_box(ink: np.ndarray, box: BBox) -> tuple[int, int, int, int] | None:
    """Pixel bounds (x0, y0, x1, y1) around the glyph-sized ink blobs of a cell, None if it has none.

    The cell is shrunk by CELL_INSET so the rules around it do not count; blobs smaller than a
    glyph (scan specks) are ignored, so a speck a little way from a digit falls outside the bounds.
    """
    h, w = ink.shape
    x0, y0 = max(0, int(box[0]) + CELL_INSET), max(0, int(box[1]) + CELL_INSET)
    x1, y1 = min(w, int(box[2]) - CELL_INSET), min(h, int(box[3]) - CELL_INSET)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink[y0:y1, x0:x1], connectivity=8)
    blobs = [stats[i] for i in range(1, n) if stats[i][3] >= INK_MIN_HEIGHT and stats[i][4] >= INK_MIN_AREA]
    if not blobs:
        return None
    m = GLYPH_MARGIN  # some page around the blobs: the threshold thins blurred strokes
    return (
        max(x0, x0 + min(int(b[0]) for b in blobs) - m),
        max(y0, y0 + min(int(b[1]) for b in blobs) - m),
        min(x1, x0 + max(int(b[0] + b[2]) for b in blobs) + m),
        min(y1, y0 + max(int(b[1] + b[3]) for b in blobs) + m),
    )


def _reread(image: np.ndarray, ink: np.ndarray, boxes: list[BBox]) -> dict[BBox, tuple[str, float]]:
    """Recognition only (no detection) of the glyph ink in each cell: {cell: (text, score)}.

    Cells without glyph-sized ink are left out. The ink's bounds are cut from the page with a white
    margin (upscaled 2x when small) and all crops go to the recogniser in one batch.
    """
    found: list[tuple[BBox, np.ndarray]] = []
    for box in boxes:
        g = _glyph_box(ink, box)
        if g is None:
            continue
        crop = image[g[1] : g[3], g[0] : g[2]]
        if crop.shape[0] < 32:
            crop = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        pad = max(8, crop.shape[0] // 2)
        crop = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        found.append((box, np.ascontiguousarray(crop)))
    if not found:
        return {}
    from rapidocr.ch_ppocr_rec import TextRecInput

    # The recogniser itself rather than engine()(crop, use_det=False): that call would switch the
    # shared engine's detection off for every later caller.
    res = engine()._load_rec_model()(TextRecInput(img=[c for _, c in found]))
    txts, scores = list(res.txts or ()), list(res.scores or ())
    out: dict[BBox, tuple[str, float]] = {}
    for i, (box, _) in enumerate(found):
        text = str(txts[i]).strip() if i < len(txts) else ""
        out[box] = (text, float(scores[i]) if i < len(scores) and text else 0.0)
    return out


def _second_look(
    image: np.ndarray,
    masks: tuple[np.ndarray, np.ndarray],
    texts: dict[BBox, tuple[str, float | None, list[Word]]],
) -> None:
    """Re-read, in place, the cells the page-wide OCR got wrong or doubtful.

    * An empty cell holding unread ink (the detector misses isolated characters such as a lone
      "0"): the read is kept with its score when that is at least REREAD_MIN_SCORE, otherwise the
      cell stays "" with confidence 0.0 so that it is flagged, never guessed. Empty cells without
      ink stay blank with confidence None.
    * A short numeric cell read below LOW_CONFIDENCE (a speck read as "0."): the glyph-only crop
      replaces the read when it scores at least LOW_CONFIDENCE and better than the first read.
    """
    ink, unread = masks
    empty = [c for c, (text, _, _) in texts.items() if not text]
    for c, (text, score) in _reread(image, unread, empty).items():
        texts[c] = (text, score, []) if text and score >= REREAD_MIN_SCORE else ("", 0.0, [])
    doubtful = [
        c
        for c, (text, conf, _) in texts.items()
        if text
        and conf is not None
        and conf < LOW_CONFIDENCE
        and len(text) <= 12
        and any(ch.isdigit() for ch in text)
    ]
    for c, (text, score) in _reread(image, ink, doubtful).items():
        old_text, old_conf, inside = texts[c]
        if text and score >= LOW_CONFIDENCE and score > (old_conf or 0.0):
            texts[c] = (text, score, inside)


def _cell_text(words: list[Word], box: BBox) -> tuple[str, float | None, list[Word]]:
    inside = [w for w in words if box[0] <= w.xc <= box[2] and box[1] <= w.yc <= box[3]]
    if not inside:
        return "", None, []
    lines = group_lines(inside)
    text = join_lines(" ".join(w.text for w in line) for line in lines)
    return text, min(w.confidence or 0.0 for w in inside), inside


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
    arr, angle = deskew(np.asarray(image.convert("RGB")))
    warnings: list[str] = []
    if angle:
        warnings.append(f"p.{page}: scan deskewed by {angle:.2f}°")
    words = run_ocr(arr)

    def to_out(b: BBox) -> BBox:
        return (
            b[0] / scale + offset[0],
            b[1] / scale + offset[1],
            b[2] / scale + offset[0],
            b[3] / scale + offset[1],
        )

    blocks: list[tuple[float, Block]] = []
    used: set[int] = set()
    masks: tuple[np.ndarray, np.ndarray] | None = None
    for cells in table_cells(arr):
        texts = {c: _cell_text(words, c) for c in cells}
        masks = masks or _ink_masks(arr, words)
        _second_look(arr, masks, texts)
        for _, _, inside in texts.values():
            used.update(id(w) for w in inside)
        grid = grid_from_boxes(
            cells, lambda b, texts=texts: texts.get(b) or _cell_text(words, b), page, tol=6
        )
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
    rest = [w for w in words if id(w) not in used]
    blocks.extend(_free_text(rest, page, to_out, warnings))
    blocks.sort(key=lambda b: b[0])
    return blocks, warnings


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
