"""The one document model every format reader produces.

A `Document` is an ordered list of blocks: `Heading`, `Paragraph` and `Table`. A table is a grid of
`GridCell`s with rowspan/colspan already expanded: a merged cell appears once as its origin and once
per covered position as a continuation (`origin` set), so grid columns line up row by row. Readers
that cannot know the grid (text flattened one cell per line, PDF text lines) emit rows as they see
them and set `Table.structured = False`; the template parser then relies on labels, not columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GridCell:
    """One position of a table grid.

    `origin` is None for a real cell and the (row, col) of its origin for a position covered by a
    merge. `text` of a continuation repeats the origin's text so that labels give context to every
    row they span; parsers read values only from origins.
    """

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    origin: tuple[int, int] | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None
    # A blank printed after the last filled cell of a flattened table (`<p>&nbsp;</p>` before the
    # next heading): a blank cell of the last row, or a layout spacer. The parser drops such cells
    # first when a row has more cells than its columns, and keeps them as cells otherwise.
    trailing: bool = False
    # An empty line of text flattened one cell per line: a blank cell (a bare TAB whose TAB was
    # stripped), or only a separator between cells. The parser decides by the row's width.
    gap: bool = False

    @property
    def is_continuation(self) -> bool:
        return self.origin is not None


@dataclass
class Heading:
    text: str
    level: int = 1
    page: int | None = None


@dataclass
class Paragraph:
    text: str
    page: int | None = None


@dataclass
class Table:
    """A table as a list of rows of grid cells (rows may be ragged when `structured` is False)."""

    rows: list[list[GridCell]]
    index: int = 0
    page: int | None = None
    structured: bool = True
    # Cells cut from text printed without separators (extractors/inline.py): a run of digits may
    # hold several values, which the parser splits only where the identities allow one reading.
    run_together: bool = False

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    def texts(self) -> list[list[str]]:
        """The grid as plain text, for debugging and tests."""
        return [[c.text for c in row] for row in self.rows]


Block = Heading | Paragraph | Table


@dataclass
class Document:
    """A file read into blocks, plus whatever metadata the format carried.

    `metadata` holds named fields found outside the body: "title" (HTML <title>, docx core title),
    "breadcrumb", "发布机构", "成文日期", "发布日期", "索引号", "author", "created".
    """

    path: str
    format: str
    blocks: list[Block] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text_blocks(self) -> list[Heading | Paragraph]:
        return [b for b in self.blocks if isinstance(b, (Heading, Paragraph))]


def grid_from_spans(rows: list[list[tuple[str, int, int]]], page: int | None = None) -> list[list[GridCell]]:
    """Expand rows of (text, rowspan, colspan) cells, as HTML and Word give them, into a grid.

    Positions covered by a rowspan from above are filled before the next cell of a row is placed,
    exactly as browsers lay out HTML tables.
    """
    grid: dict[tuple[int, int], GridCell] = {}
    for r, cells in enumerate(rows):
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in grid:
                c += 1
            rowspan = max(1, rowspan)
            colspan = max(1, colspan)
            for dr in range(rowspan):
                for dc in range(colspan):
                    pos = (r + dr, c + dc)
                    if pos in grid:  # overlapping spans in broken markup: first one wins
                        continue
                    grid[pos] = GridCell(
                        text=text,
                        row=r + dr,
                        col=c + dc,
                        rowspan=rowspan,
                        colspan=colspan,
                        origin=None if (dr, dc) == (0, 0) else (r, c),
                        page=page,
                    )
            c += colspan
    n_rows = max((p[0] for p in grid), default=-1) + 1
    out: list[list[GridCell]] = [[] for _ in range(n_rows)]
    for r, c in sorted(grid):  # one pass: a scan of every cell per row is quadratic in big tables
        out[r].append(grid[(r, c)])
    return out
