"""A tiny format-neutral document model shared by every renderer: paragraphs and merged-cell tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Cell:
    """One cell at its top-left grid position; `text` may hold "\\n" (separate lines/paragraphs)."""

    row: int
    col: int
    text: str
    rs: int = 1
    cs: int = 1
    value: bool = False  # a data cell (not a label or header)


@dataclass
class Table:
    """A table on a grid `width` columns wide; merges are rowspan/colspan of the origin cells."""

    name: str  # the table id (TEMPLATE.table_ids)
    width: int
    cells: list[Cell] = field(default_factory=list)

    @property
    def nrows(self) -> int:
        return max(c.row + c.rs for c in self.cells) if self.cells else 0

    def add(self, row: int, col: int, text: str, rs: int = 1, cs: int = 1, value: bool = False) -> None:
        self.cells.append(Cell(row, col, text, rs, cs, value))

    def rows(self) -> Iterator[list[Cell]]:
        """Origin cells row by row, left to right."""
        for r in range(self.nrows):
            yield sorted((c for c in self.cells if c.row == r), key=lambda c: c.col)

    def slots(self, row: int) -> Iterator[tuple[int, Cell | None, str]]:
        """Every grid slot of a row: (col, origin cell or covering cell, kind), kind in
        origin | vcont (covered from a row above) | hcont (covered from the left)."""
        for col in range(self.width):
            for c in self.cells:
                if c.row <= row < c.row + c.rs and c.col <= col < c.col + c.cs:
                    if c.row == row and c.col == col:
                        yield col, c, "origin"
                    elif c.row < row and c.col == col:
                        yield col, c, "vcont"
                    else:
                        yield col, c, "hcont"
                    break
            else:
                yield col, None, "empty"

    def map_text(self, fn: Callable[[str], str]) -> Table:
        return Table(self.name, self.width, [replace(c, text=fn(c.text)) for c in self.cells])


@dataclass(frozen=True)
class Para:
    """A paragraph; kind: title | heading | body | sign."""

    text: str
    kind: str = "body"


Block = Para | Table


@dataclass
class Doc:
    """A whole report: title, blocks in reading order, and page metadata for HTML renderers."""

    title: str
    blocks: list[Block]
    meta: dict[str, str] = field(default_factory=dict)

    def map_text(self, fn: Callable[[str], str]) -> Doc:
        blocks: list[Block] = [
            b.map_text(fn) if isinstance(b, Table) else Para(fn(b.text), b.kind) for b in self.blocks
        ]
        return Doc(fn(self.title), blocks, {k: fn(v) for k, v in self.meta.items()})

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
