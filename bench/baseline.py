"""Plain-library baselines: what the bare libraries take to read the same files, timed in the same run.

Each reads everything nianbao needs from the file and nothing more: python-docx every paragraph and
every table cell, lxml the parsed HTML tree and its text, pdfplumber every page's text and tables, a
text file decoded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def read_docx(path: Path) -> int:
    """python-docx: every paragraph and every cell's text."""
    import docx

    d = docx.Document(str(path))
    n = sum(len(p.text) for p in d.paragraphs)
    for table in d.tables:
        for row in table.rows:
            n += sum(len(c.text) for c in row.cells)
    return n


def read_html(path: Path) -> int:
    """lxml: parse and take the text."""
    import lxml.html

    return len(lxml.html.parse(str(path)).getroot().text_content())


def read_pdf(path: Path) -> int:
    """pdfplumber: every page's text and tables."""
    import pdfplumber

    n = 0
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            n += len(page.extract_text() or "")
            n += sum(len(t) for t in page.extract_tables())
    return n


def read_txt(path: Path) -> int:
    """Decode the bytes (UTF-8, else GB18030)."""
    data = path.read_bytes()
    try:
        return len(data.decode("utf-8"))
    except UnicodeDecodeError:
        return len(data.decode("gb18030", errors="replace"))


BASELINES: dict[str, tuple[str, Callable[[Path], int]]] = {
    "docx": ("python-docx, all cells", read_docx),
    "html": ("lxml parse + text", read_html),
    "pdf": ("pdfplumber text + tables", read_pdf),
    "txt": ("decode", read_txt),
}
