"""Rebuild table grids from positioned text: ruled PDF tables, rule-less tables and OCR boxes.

Two builders share this module because they meet the same quirks of printed 年报 tables:

* `ruled_tables` reads the ruling lines of a text PDF page with pdfplumber and turns the cell
  rectangles into a `GridCell` grid with continuations for merged cells. Cell text is rebuilt from
  the characters inside each cell, so labels printed one character per line (`三/、/本/年/…`) and
  wrapped labels (`商业企` / `业`) come out whole.
* `rowless_grid` rebuilds rows and columns from word boxes alone (tables printed without rules,
  OCR output without ruling lines): lines from `top`, columns from the x ranges of the widest line.

Both report suspicious numbers (digits printed apart, numbers run together across a column edge)
as warnings; the printed text is kept as is, since the value parser refuses and flags it.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

from nianbao.extractors.document import GridCell
from nianbao.extractors.readers.textlines import BBox, Word, is_wide, join_lines, segments

# pdfplumber settings for tables drawn with rules. Tolerances of 3 pt absorb the double rules and
# hairline gaps that Word/WPS exports leave at cell corners.
LATTICE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}

_DIGITS_APART = re.compile(r"^[+-]?\d+(?:[ \n]+\d+)+(?:\.\d+)?$")
_NUMERIC = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def _white(color: Any) -> bool:
    if color is None:
        return True
    if isinstance(color, (int, float)):
        return float(color) >= 0.95
    if isinstance(color, (tuple, list)):
        vals = [float(v) for v in color if isinstance(v, (int, float))]
        if len(vals) == 4:  # CMYK: white is no ink at all
            return all(v <= 0.05 for v in vals)
        return bool(vals) and all(v >= 0.95 for v in vals)
    return False


def visible_graphic(obj: dict[str, Any]) -> bool:
    """pdfplumber filter: drop invisible rectangles before looking for ruling lines.

    WPS exports lay every text line and table cell on a white, unstroked filled rectangle
    (hongze_2023: 22 of them on page 1). Their edges would turn body text into one-column "tables".
    A rectangle counts as a rule only when it is stroked in a visible colour or is a thin dark bar.
    """
    if obj.get("object_type") != "rect":
        return True
    if obj.get("stroke") and not _white(obj.get("stroking_color")):
        return True
    thin = min(float(obj.get("width", 0)), float(obj.get("height", 0))) < 3
    return bool(obj.get("fill")) and thin and not _white(obj.get("non_stroking_color"))


def _cluster(values: Iterable[float], tol: float) -> list[float]:
    """Sorted representatives of values, merging those closer than tol."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(edges: list[float], v: float, tol: float = 2.5) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v)) if edges else 0


def text_in_box(chars: Sequence[dict[str, Any]], box: BBox) -> tuple[str, BBox | None]:
    """The text of the characters whose centre lies in box, rebuilt line by line.

    Lines are grouped by `top` (half a character height); inside a line a gap wider than a third of
    the font size becomes a space, so `10 1` printed apart is not read as `101`.
    """
    x0, top, x1, bottom = box
    inside = [
        c
        for c in chars
        if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom
    ]
    if not any(c["text"].strip() for c in inside):
        return "", None
    inside.sort(key=lambda c: (c["top"], c["x0"]))
    lines: list[list[dict[str, Any]]] = []
    for c in inside:
        size = max(c["bottom"] - c["top"], 1.0)
        if lines and abs(c["top"] - lines[-1][0]["top"]) < size * 0.5:
            lines[-1].append(c)
        else:
            lines.append([c])
    texts = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        s = ""
        prev = None
        spaced = False  # a printed space character: kept between digits and Latin text
        for c in line:
            if not c["text"].strip():
                spaced = prev is not None
                continue
            size = max(c.get("size", c["bottom"] - c["top"]), 1.0)
            # Letter-spaced Chinese (justified cells, CJK-Latin autospacing) gets no space: labels are
            # compared without whitespace. A gap between digits is kept: it may split a number.
            wide_pair = prev is not None and (is_wide(prev["text"][-1]) or is_wide(c["text"][0]))
            if prev is not None and not wide_pair and (spaced or c["x0"] - prev["x1"] > size * 0.2):
                s += " "
            s += c["text"]
            prev = c
            spaced = False
        texts.append(s)
    inside = [c for c in inside if c["text"].strip()]
    bb = (
        min(c["x0"] for c in inside),
        min(c["top"] for c in inside),
        max(c["x1"] for c in inside),
        max(c["bottom"] for c in inside),
    )
    return join_lines(texts), bb


def suspicious_number(text: str) -> str | None:
    """A reason to distrust a numeric cell as printed, or None."""
    if _DIGITS_APART.match(text):
        return f"digits printed apart {text!r} (one number split, or several run together?)"
    return None


def grid_from_boxes(
    cells: Sequence[BBox],
    text_of: Any,
    page: int | None,
    tol: float = 2.5,
) -> list[list[GridCell]]:
    """Turn cell rectangles (merged cells are single rectangles) into a grid with continuations.

    `text_of(box) -> (text, confidence)` supplies the text. Grid positions no rectangle covers (a
    page fragment whose top rule is missing over some columns, hongze_2023 p.3) become cells of
    their own, so text printed there is not lost.
    """
    xs = _cluster([v for b in cells for v in (b[0], b[2])], tol)
    ys = _cluster([v for b in cells for v in (b[1], b[3])], tol)
    if len(xs) < 2 or len(ys) < 2:
        return []
    grid: dict[tuple[int, int], GridCell] = {}
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    for b in sorted(cells, key=lambda b: (b[1], b[0])):
        c0, c1 = _index(xs, b[0]), _index(xs, b[2])
        r0, r1 = _index(ys, b[1]), _index(ys, b[3])
        if c1 <= c0 or r1 <= r0 or (r0, c0) in grid:
            continue
        text, conf = text_of(b)[:2]
        for r in range(r0, r1):
            for c in range(c0, c1):
                if (r, c) in grid:
                    continue
                grid[(r, c)] = GridCell(
                    text=text,
                    row=r,
                    col=c,
                    rowspan=r1 - r0,
                    colspan=c1 - c0,
                    origin=None if (r, c) == (r0, c0) else (r0, c0),
                    page=page,
                    bbox=(b[0], b[1], b[2], b[3]),
                    confidence=conf,
                )
    for r in range(n_rows):
        c = 0
        while c < n_cols:
            if (r, c) in grid:
                c += 1
                continue
            c_end = c
            while c_end < n_cols and (r, c_end) not in grid:
                c_end += 1
            hole = (xs[c], ys[r], xs[c_end], ys[r + 1])
            text, conf = text_of(hole)[:2]
            for cc in range(c, c_end):
                grid[(r, cc)] = GridCell(
                    text=text,
                    row=r,
                    col=cc,
                    colspan=c_end - c,
                    origin=None if cc == c else (r, c),
                    page=page,
                    bbox=hole,
                    confidence=conf,
                )
            c = c_end
    return [[grid[(r, c)] for c in range(n_cols)] for r in range(n_rows)]


def closing_edges(edges: Sequence[dict[str, Any]], tol: float = 3.0) -> list[dict[str, Any]]:
    """Horizontal rules to close tables left open at a page break.

    A table cut by a page break often has no bottom rule on the first page (or no top rule on the
    next): its vertical rules just stop. Without a closing edge pdfplumber finds no cells in the
    last row, and the row's text is lost (hongze_2023 p.3, the row `2.没有现成信息需要另行制作`).
    Where two or more vertical rules end at the same height with no horizontal rule there, one is
    added across them.
    """
    vs = [e for e in edges if e.get("orientation") == "v"]
    hs = [e for e in edges if e.get("orientation") == "h"]

    def has_rule(y: float, x: float) -> bool:
        return any(abs(h["top"] - y) <= tol and h["x0"] - tol <= x <= h["x1"] + tol for h in hs)

    out: list[dict[str, Any]] = []
    for key in ("top", "bottom"):
        open_ends = sorted(
            (float(v[key]), float(v["x0"])) for v in vs if not has_rule(float(v[key]), float(v["x0"]))
        )
        groups: list[list[tuple[float, float]]] = []
        for y, x in open_ends:
            if groups and y - groups[-1][0][0] <= tol:
                groups[-1].append((y, x))
            else:
                groups.append([(y, x)])
        for g in groups:
            if len(g) < 2:
                continue
            y = statistics.median(v[0] for v in g)
            x0, x1 = min(v[1] for v in g), max(v[1] for v in g)
            out.append(
                {
                    "x0": x0,
                    "x1": x1,
                    "top": y,
                    "bottom": y,
                    "width": x1 - x0,
                    "height": 0.0,
                    "object_type": "line",
                }
            )
    return out


def ruled_tables(page: Any, page_no: int) -> list[tuple[BBox, list[list[GridCell]]]]:
    """The ruled tables of a pdfplumber page as (bbox, grid), top to bottom.

    A "table" of a single column is a boxed paragraph, not a table, and is left to the text flow.
    A single row of three or more cells is kept: the last row of a table a page break cut off (the
    carry-over row printed alone at the top of the next page, blank or not).
    """
    ruled = page.filter(visible_graphic)
    chars = page.chars
    settings = dict(LATTICE_SETTINGS)
    settings["explicit_horizontal_lines"] = closing_edges(ruled.edges)
    out: list[tuple[BBox, list[list[GridCell]]]] = []
    for t in ruled.find_tables(settings):
        grid = grid_from_boxes(
            [tuple(c) for c in t.cells],
            lambda b: (text_in_box(chars, b)[0], None),
            page_no,
        )
        if not grid or len(grid[0]) < 2 or (len(grid) < 2 and len(grid[0]) < 3):
            continue
        out.append((tuple(t.bbox), grid))
    out.sort(key=lambda tb: tb[0][1])
    return out


def grid_warnings(grid: list[list[GridCell]], where: str) -> list[str]:
    """Warnings for cells whose printed digits look split or run together."""
    out = []
    for row in grid:
        for cell in row:
            if cell.is_continuation:
                continue
            reason = suspicious_number(cell.text)
            if reason:
                out.append(f"{where} cell ({cell.row},{cell.col}) p.{cell.page}: {reason}")
    return out


# ---------------------------------------------------------------------------------------------
# Tables without rules


def _is_tabular(segs: Sequence[Word]) -> bool:
    numeric = sum(1 for s in segs if _NUMERIC.match(s.text.replace(" ", "")))
    return len(segs) >= 3 or (len(segs) >= 2 and numeric >= 1)


def find_rowless_regions(lines: Sequence[Sequence[Word]], gap: float) -> list[tuple[int, int]]:
    """Runs of text lines that look like table rows: [start, end) indices into lines.

    A run needs three tabular lines (several segments, or a label and a number); single-segment
    lines between tabular ones are kept in the run, since wrapped labels print that way.
    """
    flags = [_is_tabular(segments(line, gap)) for line in lines]
    regions: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not flags[i]:
            i += 1
            continue
        j = i
        last_tab = i
        count = 0
        while j < len(lines):
            if flags[j]:
                last_tab = j
                count += 1
            elif j - last_tab > 2:  # more than two plain lines: the table has ended
                break
            j += 1
        if count >= 3:
            regions.append((i, last_tab + 1))
        i = last_tab + 1
    return regions


def rowless_grid(
    lines: Sequence[Sequence[Word]], gap: float, page: int | None
) -> tuple[list[list[GridCell]], list[str]]:
    """A grid for a rule-less table: one row per text line, columns from the widest line.

    The line with most segments (the header or a full value row) gives the column x ranges; every
    other segment goes to the column its centre falls in. A segment that covers two columns'
    centres is a number run together with its neighbour and is reported.
    """
    segged = [segments(line, gap) for line in lines]
    widest = max(segged, key=len)
    bounds = [(s.x0, s.x1) for s in widest]
    # Column edges: halfway between neighbouring columns of the widest line.
    edges = [-1e9] + [(bounds[i][1] + bounds[i + 1][0]) / 2 for i in range(len(bounds) - 1)] + [1e9]
    centres = [(a + b) / 2 for a, b in bounds]
    warnings: list[str] = []
    rows: list[list[GridCell]] = []
    for r, segs in enumerate(segged):
        cols: dict[int, list[Word]] = {}
        for s in segs:
            c = next(i for i in range(len(edges) - 1) if edges[i] <= s.xc < edges[i + 1])
            covered = [i for i, x in enumerate(centres) if s.x0 <= x <= s.x1]
            if len(covered) > 1 and _NUMERIC.match(s.text.replace(" ", "")) and c > 0:
                warnings.append(
                    f"rule-less table row {r} p.{page}: number {s.text!r} spans columns "
                    f"{covered[0]}-{covered[-1]} (run-together digits?)"
                )
            cols.setdefault(c, []).append(s)
        row = []
        for c in range(len(bounds)):
            got = cols.get(c, [])
            text = " ".join(s.text for s in got)
            conf = min((s.confidence for s in got if s.confidence is not None), default=None)
            bbox = (
                (
                    min(s.x0 for s in got),
                    min(s.top for s in got),
                    max(s.x1 for s in got),
                    max(s.bottom for s in got),
                )
                if got
                else (bounds[c][0], min(s.top for s in segs), bounds[c][1], max(s.bottom for s in segs))
            )
            row.append(GridCell(text=text, row=r, col=c, page=page, bbox=bbox, confidence=conf))
        rows.append(row)
    # Adjacent single digits closer than a column gap: one number printed with a wide space.
    for r, segs in enumerate(segged):
        for a, b in zip(segs, segs[1:], strict=False):
            if (
                len(a.text) == 1
                and len(b.text) == 1
                and a.text.isdigit()
                and b.text.isdigit()
                and b.x0 - a.x1 < gap * 2.5
                and len(segs) < len(bounds)
            ):
                warnings.append(
                    f"rule-less table row {r} p.{page}: digits {a.text!r} {b.text!r} "
                    "printed close together (one split number?)"
                )
    return rows, warnings
