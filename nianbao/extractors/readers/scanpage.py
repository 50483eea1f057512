"""A scanned page analysed once: upright, binarised, its ruling lines, table cells and text ink.

Everything OCR needs to know about a page image before any recognition is computed here, once
per page: the page is binarised a single time (adaptive threshold, robust to an uneven scan
background), its skew is measured from the long horizontal rules and both the image and its binary
are turned upright; the ruling lines come from that binary by morphology, the cell rectangles from
the lines, and the ink that is not a rule tells where text is. Inside a cell, text is found from
its glyph-sized ink blobs: lines from their vertical extent, segments from wide horizontal gaps.
Outside the tables, groups of text lines are found the same way for the detector.

No OCR model is used here; `readers.ocr` recognises what this module cuts out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from nianbao.extractors.readers.textlines import BBox

MAX_SKEW_DEG = 5.0  # larger angles are not scanner skew; leave those images alone
CELL_INSET = 3  # px kept off each side of a cell so its ruling lines do not count as ink
INK_MIN_HEIGHT = 10  # px: glyph-tall (a 10 pt digit is 14+ px at 150 dpi; scan specks 1-9 px)
INK_MIN_AREA = 20  # px of ink in that blob
DASH_MIN_WIDTH = 8  # px: a flat blob this wide, clear of the cell's edges, is a printed dash
DASH_MIN_AREA = 12
MARK_MIN_AREA = 6  # px: a smaller flat mark (a minus sign) just left of a glyph belongs to its segment
GLYPH_MARGIN = 4  # px of page kept around the glyph blobs of a segment (inside the inset cell)
SEGMENT_GAP = 1.5  # a gap wider than this many line heights splits a line (a full-width 、 or （ leaves ~1)
REGION_GAP = 2.5  # text lines closer than this many glyph heights go to the detector together
REGION_PAD = 12  # px of page kept around a region given to the detector

Box = tuple[int, int, int, int]  # pixel x0, y0, x1, y1


@dataclass
class ScanPage:
    """One page image, upright, with its binary, ruling-line masks and non-rule ink."""

    rgb: np.ndarray
    binary: np.ndarray
    horiz: np.ndarray
    vert: np.ndarray
    ink: np.ndarray
    angle: float  # degrees turned to make the page upright (0.0 when none)


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on black, robust to uneven scan background."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def line_masks(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling lines, by opening with long thin kernels."""
    h, w = binary.shape
    # Never shorter than a glyph: the stem of a "1" or a stroke of 一 is not a rule (small images).
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(30, w // 35), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(25, h // 60)))
    horiz = cv2.dilate(cv2.morphologyEx(binary, cv2.MORPH_OPEN, hk), np.ones((3, 3), np.uint8))
    vert = cv2.dilate(cv2.morphologyEx(binary, cv2.MORPH_OPEN, vk), np.ones((3, 3), np.uint8))
    return horiz, vert


def skew_angle(binary: np.ndarray) -> float:
    """Skew of the page in degrees, from long near-horizontal rules (0.0 when none are found).

    Each rule is a long component of the horizontally opened binary; its angle is a least-squares
    fit through its pixels, and the page's skew the median over the rules (a line fit per rule
    costs milliseconds where a fine Hough transform of the page took seconds).
    """
    h, w = binary.shape
    # A short kernel so that rules still survive the opening while tilted by a degree or two.
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, w // 60), 1))
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, k)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(horiz, connectivity=8)
    angles = []
    for i in range(1, n):
        x, y, bw, bh, _ = (int(v) for v in stats[i])
        if bw < w // 8 or bh > bw * math.tan(math.radians(MAX_SKEW_DEG)) + 12:
            continue
        ys, xs = np.nonzero(labels[y : y + bh, x : x + bw] == i)
        slope = float(np.polyfit(xs.astype(float), ys.astype(float), 1)[0])
        angles.append(math.degrees(math.atan(slope)))
    return float(np.median(angles)) if angles else 0.0


def analyse(rgb: np.ndarray) -> ScanPage:
    """The page turned upright, binarised once, with its rules and ink.

    The binary of the tilted page is turned with the image (nearest neighbour, so it stays
    two-valued) rather than thresholded again.
    """
    binary = binarise(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    angle = skew_angle(binary)
    if abs(angle) < 0.1:
        angle = 0.0
    else:
        h, w = binary.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rgb = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
        binary = cv2.warpAffine(binary, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    horiz, vert = line_masks(binary)
    ink = cv2.bitwise_and(binary, cv2.bitwise_not(cv2.bitwise_or(horiz, vert)))
    return ScanPage(np.ascontiguousarray(rgb), binary, horiz, vert, ink, angle)


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


def table_cells(page: ScanPage) -> list[list[BBox]]:
    """Cell rectangles of each ruled table of the page, in pixels, one list per table.

    Grid lines come from the ruling masks; two neighbouring grid cells are one merged cell when the
    rule between them is (mostly) absent. Union-find then gives each merged rectangle.
    """
    horiz, vert = page.horiz, page.vert
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
        cells = _merge_cells(xs, ys, horiz[y : y + h, x : x + w], vert[y : y + h, x : x + w])
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


def _glyph_blobs(ink: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> tuple[list[Box], list[Box]]:
    """Glyph-sized ink blobs of a page area, and its smaller marks, as page pixel boxes.

    Blobs smaller than a glyph (scan specks) are not glyphs. A flat blob is kept as a dash only when
    it is wide and clear of the area's edges (a rule's leftover runs along an edge). Marks (a minus
    sign, a 、) are blobs of MARK_MIN_AREA px or more clear of the edges: they count only beside
    glyphs (`cell_segments`), never on their own. (Marks between glyphs, such as a decimal
    point, are inside the segment's bounds anyway; a speck after a number is not read as a point.)
    """
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink[y0:y1, x0:x1], connectivity=8)
    glyphs: list[Box] = []
    marks: list[Box] = []
    for i in range(1, n):
        bx, by, bw, bh, area = (int(v) for v in stats[i])
        inside = bx > 0 and by > 0 and bx + bw < x1 - x0 and by + bh < y1 - y0
        glyph = bh >= INK_MIN_HEIGHT and area >= INK_MIN_AREA
        dash = inside and bw >= DASH_MIN_WIDTH and bw >= 3 * bh and area >= DASH_MIN_AREA
        box = (x0 + bx, y0 + by, x0 + bx + bw, y0 + by + bh)
        if glyph or dash:
            glyphs.append(box)
        elif inside and area >= MARK_MIN_AREA:
            marks.append(box)
    return glyphs, marks


def _bands(blobs: list[Box], gap: int) -> list[list[Box]]:
    """Blobs grouped into horizontal bands whose vertical extents overlap or lie within `gap` px.

    A band much lower than the tallest (the strokes of 一 or 二, a dash) joins its nearest neighbour
    when that one is close: it is part of a line, not a line of its own.
    """
    bands: list[list[Box]] = []
    for b in sorted(blobs, key=lambda b: b[1]):
        if bands and b[1] <= max(x[3] for x in bands[-1]) + gap:
            bands[-1].append(b)
        else:
            bands.append([b])
    tallest = max((max(x[3] for x in band) - min(x[1] for x in band) for band in bands), default=0)
    merged = True
    while merged and len(bands) > 1:
        merged = False
        for i, band in enumerate(bands):
            top, bottom = min(x[1] for x in band), max(x[3] for x in band)
            if bottom - top >= 0.5 * tallest:
                continue
            gaps = []
            if i > 0:
                gaps.append((top - max(x[3] for x in bands[i - 1]), i - 1))
            if i + 1 < len(bands):
                gaps.append((min(x[1] for x in bands[i + 1]) - bottom, i + 1))
            g, j = min(gaps)
            if g <= 0.5 * tallest:
                bands[j].extend(band)
                del bands[i]
                merged = True
                break
    return bands


def cell_segments(page: ScanPage, cell: BBox) -> list[list[Box]]:
    """The text of a table cell as lines of segments (page pixel boxes), top to bottom, left to right.

    The cell is shrunk by CELL_INSET so the rules around it do not count. Each segment is the glyph
    blobs of one line between gaps wider than SEGMENT_GAP line heights (digits printed apart stay
    apart), with GLYPH_MARGIN px of page around them. [] for a cell without glyph-sized ink.
    """
    h, w = page.ink.shape
    x0, y0 = max(0, int(cell[0]) + CELL_INSET), max(0, int(cell[1]) + CELL_INSET)
    x1, y1 = min(w, int(cell[2]) - CELL_INSET), min(h, int(cell[3]) - CELL_INSET)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return []
    blobs, marks = _glyph_blobs(page.ink, x0, y0, x1, y1)
    lines: list[tuple[int, int, list[list[Box]]]] = []
    for band in _bands(blobs, gap=1):
        top, bottom = min(b[1] for b in band), max(b[3] for b in band)
        reach = SEGMENT_GAP * (bottom - top)
        segs: list[list[Box]] = []
        for b in sorted(band, key=lambda b: b[0]):
            if segs and b[0] - max(x[2] for x in segs[-1]) <= reach:
                segs[-1].append(b)
            else:
                segs.append([b])
        for mk in marks:  # a minus sign just left of a segment joins it
            for seg in segs:
                if _is_sign(mk, min(x[0] for x in seg), top, bottom):
                    seg.append(mk)
                    break
        lines.append((top, bottom, segs))
    lines += _stacked_marks(lines, marks)
    lines.sort(key=lambda ln: ln[0])
    return [[_segment_box(s, top, bottom, (x0, y0, x1, y1)) for s in segs] for top, bottom, segs in lines]


def _segment_box(blobs: list[Box], top: int, bottom: int, inset: Box) -> Box:
    """A segment's crop: its blobs' bounds with GLYPH_MARGIN px of page, inside the inset cell.

    Tight on purpose: a speck a little way after a number stays out (it would read as a point).
    """
    m = GLYPH_MARGIN
    left, right = min(b[0] for b in blobs) - m, max(b[2] for b in blobs) + m
    return (max(inset[0], left), max(inset[1], top - m), min(inset[2], right), min(inset[3], bottom + m))


def _is_sign(mark: Box, left: int, top: int, bottom: int) -> bool:
    """A mark shaped and placed as a minus sign before text starting at `left` in the line top..bottom.

    Wider than tall and at least a quarter of the line high in width, at mid-height, and no further
    than 0.6 line heights before the text: a speck elsewhere never turns a number negative.
    """
    h = bottom - top
    w, mh = mark[2] - mark[0], mark[3] - mark[1]
    yc = (mark[1] + mark[3]) / 2
    return (
        w > mh
        and w >= 0.25 * h
        and top + 0.3 * h <= yc <= bottom - 0.2 * h
        and 0 <= left - mark[2] <= 0.6 * h
    )


def _stacked_marks(
    lines: list[tuple[int, int, list[list[Box]]]], marks: list[Box]
) -> list[tuple[int, int, list[list[Box]]]]:
    """Punctuation on a line of its own in a label printed one character per line (三 / 、 / 本 …).

    Only when every line is a single glyph in one column: a mark in that column between two of them
    is a character of the label. Anywhere else a lone mark is a speck, never read.
    """
    if len(lines) < 3 or any(len(segs) != 1 for _, _, segs in lines):
        return []
    boxes = [(min(b[0] for b in s[0]), max(b[2] for b in s[0]), top, bottom) for top, bottom, s in lines]
    if any(bx1 - bx0 > 1.6 * (bottom - top) for bx0, bx1, top, bottom in boxes):
        return []
    col0, col1 = min(b[0] for b in boxes), max(b[1] for b in boxes)
    spans = sorted((top, bottom) for _, _, top, bottom in boxes)
    out = []
    for mk in marks:
        xc, yc = (mk[0] + mk[2]) / 2, (mk[1] + mk[3]) / 2
        between = any(a[1] <= yc <= b[0] for a, b in zip(spans, spans[1:], strict=False))
        if col0 <= xc <= col1 and between:
            out.append((mk[1], mk[3], [[mk]]))
    return out


def text_regions(page: ScanPage, tables: list[list[BBox]]) -> list[Box]:
    """Areas of the page outside its ruled tables that hold text, for the detector ([] if none).

    Glyph-sized ink outside the tables' rectangles is grouped into bands of lines less than
    REGION_GAP glyph heights apart; each band's bounds (with REGION_PAD px of page) is a region.
    """
    ink = page.ink
    h, w = ink.shape
    if tables:
        ink = ink.copy()
        for cells in tables:
            tx0, ty0 = int(min(c[0] for c in cells)), int(min(c[1] for c in cells))
            tx1, ty1 = int(max(c[2] for c in cells)), int(max(c[3] for c in cells))
            ink[max(0, ty0 - 2) : ty1 + 3, max(0, tx0 - 2) : tx1 + 3] = 0
    blobs = [b for b in _glyph_blobs(ink, 0, 0, w, h)[0] if b[3] - b[1] >= INK_MIN_HEIGHT]
    if not blobs:
        return []
    glyph = float(np.median([b[3] - b[1] for b in blobs]))
    out: list[Box] = []
    for band in _bands(blobs, gap=int(REGION_GAP * glyph)):
        p = REGION_PAD
        out.append(
            (
                max(0, min(b[0] for b in band) - p),
                max(0, min(b[1] for b in band) - p),
                min(w, max(b[2] for b in band) + p),
                min(h, max(b[3] for b in band) + p),
            )
        )
    return out


def crop_for_recognition(page: ScanPage, box: Box) -> np.ndarray:
    """A segment cut from the page for the recogniser: upscaled 2x when small, a white margin around.

    Specks in the segment's margin (ink not touching its glyphs' bounds) are whitened first: a
    speck just after a number would otherwise read as a decimal point.
    """
    x0, y0, x1, y1 = box
    crop = page.rgb[y0:y1, x0:x1].copy()
    n, labels, stats, _ = cv2.connectedComponentsWithStats(page.ink[y0:y1, x0:x1], connectivity=8)
    h, w = crop.shape[:2]
    m = GLYPH_MARGIN
    for i in range(1, n):
        bx, by, bw, bh, _ = (int(v) for v in stats[i])
        if bx + bw <= m or bx >= w - m or by + bh <= m or by >= h - m:
            crop[labels == i] = 255
    if crop.shape[0] < 32:
        crop = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    pad = max(8, crop.shape[0] // 2)
    crop = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    return np.ascontiguousarray(crop)
