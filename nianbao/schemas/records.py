"""The records every stage passes on: a report's cells, its findings, and the report itself.

`Report.to_json()` is the `nianbao extract --json` contract that other tools rely on; keep its
field names.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["ok", "partial", "failed"]
Severity = Literal["error", "warning", "info"]
Origin = Literal["parser", "validation"]


def cell_path(key: tuple[str, str, str]) -> str:
    """The dotted name of a cell used in Finding.cells, e.g. "t4.review.upheld"."""
    return ".".join(key)


@dataclass(frozen=True)
class SourceFacts:
    """What is known about a file before it is read: computed once where the file is found, then handed on.

    `path` is the file to read; `location` the canonical URL or original path that reports name as
    their source. The optional fields are what the source itself says (a crawl manifest, a
    sources.yaml): extraction prefers what the document prints and falls back to these when it is vague.
    """

    path: str
    location: str
    sha256: str
    size: int
    format: str | None = None  # sniffed once, when known
    title: str | None = None  # page or link title
    issuer: str | None = None  # 发布机构 of the page's metadata block
    published: str | None = None  # ISO date the page gives
    year: int | None = None  # report year the listing or title gives
    region: str | None = None  # region code or name the source attributes the file to
    part_of: str | None = None  # location of the page an attachment belongs to (parts of one report)


@dataclass
class Provenance:
    """Where a value was printed: file, page (1-based, when known), table and grid position."""

    file: str
    page: int | None = None
    table: int | None = None  # index of the table in the document, 0-based
    row: int | None = None  # grid row inside that table, 0-based
    col: int | None = None  # grid column inside that table, 0-based
    bbox: tuple[float, float, float, float] | None = None  # PDF points (x0, top, x1, bottom)
    confidence: float | None = None  # OCR confidence, 0..1


@dataclass
class Cell:
    """One value of a statistical table, labelled canonically, with its raw text and provenance.

    `value` is None for a blank or a printed marker ("-", "无"); `raw` keeps what was printed
    ("" for a visibly blank cell).
    """

    table: str  # a table id of the template (TEMPLATE.table_ids)
    row_code: str
    col_code: str
    row_label: str
    col_label: str
    value: int | float | None
    raw: str
    block: str | None = None  # table 2 only, e.g. "第二十条第（一）项"
    unit: str | None = None
    note: str | None = None
    provenance: Provenance | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row_code, self.col_code)

    def to_json(self) -> dict[str, Any]:
        prov = self.provenance
        return {
            "table": self.table,
            "block": self.block,
            "row_label": self.row_label,
            "col_label": self.col_label,
            "row_code": self.row_code,
            "col_code": self.col_code,
            "value": self.value,
            "raw": self.raw,
            "unit": self.unit,
            "note": self.note,
            "page": prov.page if prov else None,
            "provenance": _drop_none(asdict(prov)) if prov else None,
        }


@dataclass
class Finding:
    """Something a check or the extractor wants a person to know, with the cells involved.

    `source_inconsistent` is True when the printed numbers themselves disagree (the extraction is
    believed right); False when the extraction itself is in doubt; None when it does not apply.
    """

    rule: str
    severity: Severity
    message: str
    cells: dict[str, Any] = field(default_factory=dict)  # "t3.new.total" -> value as extracted
    expected: float | int | None = None
    actual: float | int | None = None
    source_inconsistent: bool | None = None
    origin: Origin | None = None  # the stage that reported it: the parser (what it saw) or validation

    def to_json(self) -> dict[str, Any]:
        return _drop_none(asdict(self), keep=("rule", "severity", "message"))


@dataclass
class Report:
    """Everything extracted from one file."""

    source: str
    sha256: str
    format: str
    status: Status = "ok"
    error: str | None = None
    issuer: str | None = None
    year: int | None = None
    published: str | None = None  # ISO date
    title: str | None = None
    # table id -> the variant its labels show ("2019"/"2021"); the parser sets every varied table,
    # a report that failed before parsing has none (records stay free of the template)
    variants: dict[str, str | None] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # codes of the sections found, in order
    narrative: dict[str, str] = field(default_factory=dict)  # section code -> its text
    extra_cells: list[dict[str, Any]] = field(default_factory=list)  # rows the template does not know
    pages: int | None = None
    parser_version: str = ""

    def cell(self, table: str, row: str, col: str) -> Cell | None:
        for c in self.cells:
            if c.table == table and c.row_code == row and c.col_code == col:
                return c
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "format": self.format,
            "issuer": self.issuer,
            "year": self.year,
            "published": self.published,
            "title": self.title,
            "variants": dict(self.variants),
            "status": self.status,
            "error": self.error,
            "pages": self.pages,
            "parser_version": self.parser_version,
            "sections": list(self.sections),
            "cells": [c.to_json() for c in self.cells],
            "extra_cells": list(self.extra_cells),
            "findings": [f.to_json() for f in self.findings],
        }


def _drop_none(d: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None or k in keep}
