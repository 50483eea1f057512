"""Text-line geometry shared by the PDF reader and OCR: positioned words, lines, paragraphs.

A `Word` is a positioned piece of text (a pdfplumber word, a merged run of words, or an OCR box).
Words are grouped into lines by vertical overlap (`group_lines`) and merged into segments across
small gaps (`segments`); lines outside tables become `TextLine`s, which `paragraphs` groups into
headings and paragraphs by indent, short lines, gaps and size changes. Page numbers are recognised
here too (`is_page_number`), since both readers drop them. Nothing here knows where the words came
from: `readers.pdf` feeds it text-layer words, `readers.ocr` recognised boxes.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nianbao.extractors.document import Block, Heading, Paragraph

BBox = tuple[float, float, float, float]

# `- 4 -`, `— 1 —`, `第 3 页`, `3 / 12`, `第3页 共12页`: page numbers, wherever they are printed.
_PAGE_NO = re.compile(
    r"^[\s\-—–－_~·•]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:[/／]\s*(?:共\s*)?\d{1,4}\s*页?|共\s*\d{1,4}\s*页)?[\s\-—–－_~·•]*$"
)
DASHED_PAGE_NO = re.compile(r"^\s*[\-—–－]+\s*\d{1,4}\s*[\-—–－]+\s*$")


@dataclass
class Word:
    """A positioned piece of text: a pdfplumber word, a merged run of words, or an OCR box."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float | None = None

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


def is_wide(ch: str) -> bool:
    """True for CJK characters and full-width punctuation, which wrap without a space."""
    return ord(ch) >= 0x2E80


def join_lines(lines: Iterable[str]) -> str:
    """Join the text lines of one cell: no separator inside wrapped Chinese, a space elsewhere.

    The space keeps `2` / `0` printed on two lines visible as `2 0`, which the value parser refuses
    rather than reading as 20.
    """
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and not (is_wide(out[-1]) or is_wide(line[0])):
            out += " "
        out += line
    return out


def group_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into text lines by vertical overlap, each line sorted left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.yc, w.x0)):
        if lines:
            last = lines[-1]
            ref_top = min(x.top for x in last)
            ref_bottom = max(x.bottom for x in last)
            overlap = min(ref_bottom, w.bottom) - max(ref_top, w.top)
            if overlap > 0.5 * min(w.height, ref_bottom - ref_top):
                last.append(w)
                continue
        lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w.x0)
    return lines


def segments(line: Sequence[Word], gap: float) -> list[Word]:
    """Merge the words of a line into segments separated by gaps wider than `gap`."""
    out: list[Word] = []
    for w in line:
        if out and w.x0 - out[-1].x1 <= gap:
            prev = out[-1]
            sep = "" if (prev.text and w.text and (is_wide(prev.text[-1]) or is_wide(w.text[0]))) else " "
            conf = (
                min(c for c in (prev.confidence, w.confidence) if c is not None)
                if (prev.confidence is not None or w.confidence is not None)
                else None
            )
            out[-1] = Word(
                prev.text + sep + w.text,
                prev.x0,
                min(prev.top, w.top),
                w.x1,
                max(prev.bottom, w.bottom),
                conf,
            )
        else:
            out.append(Word(w.text, w.x0, w.top, w.x1, w.bottom, w.confidence))
    return out


@dataclass
class TextLine:
    """A text line outside tables, with the geometry paragraph grouping needs."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int


def is_page_number(text: str) -> bool:
    """True for a line that is only a page number (`- 4 -`, `— 1 —`, `第 3 页`, `3/12`)."""
    return bool(_PAGE_NO.match(text) or DASHED_PAGE_NO.match(text))


def paragraphs(lines: list[TextLine], body_size: float) -> list[tuple[float, Block]]:
    """Group the lines of one page into paragraphs.

    A new paragraph starts at an indented line (Chinese paragraphs open with two spaces' indent),
    after a line that stops short of the right margin, or after a vertical gap.
    """
    if not lines:
        return []
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    ordered = sorted(lines, key=lambda ln: (ln.top, ln.x0))
    steps = [b.top - a.top for a, b in zip(ordered, ordered[1:], strict=False) if b.top - a.top > 1]
    # Line pitch, not font size, tells a paragraph break: OCR boxes are taller than the font.
    pitch = statistics.median(steps) if steps else body_size * 1.5
    out: list[tuple[float, Block]] = []
    cur: list[TextLine] = []

    def flush() -> None:
        if not cur:
            return
        text = join_lines(ln.text for ln in cur)
        big = cur[0].size > body_size * 1.2 and len(cur) <= 3
        block: Block = Heading(text, 1, cur[0].page) if big else Paragraph(text, cur[0].page)
        out.append((cur[0].top, block))
        cur.clear()

    for ln in ordered:
        if cur:
            prev = cur[-1]
            indented = ln.x0 > left + 1.2 * ln.size
            short = prev.x1 < right - 2 * prev.size
            gap = ln.top - prev.top > 1.6 * pitch
            size_change = abs(ln.size - prev.size) > 0.3 * min(ln.size, prev.size)
            if indented or short or gap or size_change:
                flush()
        cur.append(ln)
    flush()
    return out
