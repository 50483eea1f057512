"""One frame schema for the normalized frames: cells, findings and reports.

Every frame that leaves a report (the tidy cells of `nianbao.read`, the findings, and the frames the
warehouse bulk-loads) is declared here once, as data: a `FrameSchema` is a tuple of `Column`s, each
with its pandas dtype, whether it may be missing, the set of values it may take and its range. The
value sets come from the template (`schemas.TEMPLATE`: table, row and column codes per variant, which
columns are counts and which are amounts) and from the record types (`Status`, `Severity`), never
from lists typed here.

`check(report)` holds a report's cells and facts against these declarations and returns findings
(codes in `templates/rules.toml`, group "frame"), never an exception: an unknown row code, a float
in a count column and a number where the printed text is blank are each a finding. It works on the
records directly, not on a built DataFrame, because it runs for every report of a load.
`check_frame(df, schema)` does the same for a DataFrame someone built by hand.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, get_args

from nianbao.schemas.records import Cell, Finding, Report, Severity, Status, cell_path
from nianbao.schemas.rules import RULES, finding
from nianbao.schemas.template import TEMPLATE, VARIANTS, Template
from nianbao.schemas.text import parse_value

if TYPE_CHECKING:
    import pandas as pd

Dtype = Literal["string", "Int64", "Float64", "boolean", "datetime64[ns]"]
Kind = Literal["count", "amount"]


@dataclass(frozen=True)
class Column:
    """One column of a frame: name, pandas dtype, nullability, allowed values and range.

    `domain` names a value set of `domains()` (e.g. "table", "severity"); `low`/`high` bound numbers.
    """

    name: str
    dtype: Dtype
    doc: str
    nullable: bool = True
    domain: str | None = None
    low: float | None = None
    high: float | None = None

    def renamed(self, name: str) -> Column:
        """The same declaration under another name (the warehouse calls `table` table_id)."""
        return replace(self, name=name)


@dataclass(frozen=True)
class FrameSchema:
    """An ordered set of columns; builds frames with their dtypes and checks frames against them."""

    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        """Column names, in order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """The declaration of one column; KeyError names the known ones."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"frame {self.name} has no column {name!r}; known: {self.names}")

    @property
    def dtypes(self) -> dict[str, str]:
        """name -> pandas dtype."""
        return {c.name: c.dtype for c in self.columns}

    def build(self, data: Mapping[str, Sequence[Any]], strings_as_object: bool = False) -> pd.DataFrame:
        """A DataFrame with exactly these columns, in order, each with its declared dtype.

        Args:
            data: column name -> values (None for missing); every declared column must be given.
            strings_as_object: keep string columns as plain Python objects (what DuckDB reads as
                VARCHAR just the same) to save time on millions of cells.
        """
        import pandas as pd

        missing = [n for n in self.names if n not in data]
        if missing:
            raise KeyError(f"frame {self.name}: no data for columns {missing}")
        out = {c.name: _series(c, data[c.name], strings_as_object) for c in self.columns}
        return pd.DataFrame(out, columns=self.names, copy=False)


def _series(col: Column, values: Sequence[Any], strings_as_object: bool) -> Any:
    import numpy as np
    import pandas as pd

    if col.dtype == "string":
        if strings_as_object:
            return np.array(values, dtype=object)
        return pd.array(values, dtype="string")
    if col.dtype in ("Int64", "Float64"):
        floats = np.array(values, dtype="float64")  # None -> NaN, the mask below
        mask = np.isnan(floats)
        if col.dtype == "Float64":
            return pd.arrays.FloatingArray(np.where(mask, 0.0, floats), mask)
        return pd.arrays.IntegerArray(np.where(mask, 0, floats).astype("int64"), mask)
    if col.dtype == "boolean":
        return pd.array(values, dtype="boolean")
    return pd.to_datetime(pd.Series(values, dtype=object)).astype(col.dtype).array


# ------------------------------------------------------------------------------------------------
# Value sets, from the template and the rules
# ------------------------------------------------------------------------------------------------
def value_kind(table: str, col_code: str, tpl: Template = TEMPLATE) -> Kind:
    """Whether a template column holds counts (integers) or amounts (decimals with a unit)."""
    col = tpl.table(table).column_by_code.get(col_code)
    return "amount" if col is not None and col.amount else "count"


@lru_cache(maxsize=8)  # per template: a Template hashes by identity
def domains(tpl: Template = TEMPLATE) -> dict[str, frozenset[str]]:
    """The named value sets columns refer to, the codes among them read from the template."""
    tables = tpl.tables
    return {
        "table": frozenset(t.id for t in tables),
        "variant": frozenset(VARIANTS),
        "row_code": frozenset(r.code for t in tables for r in t.rows),
        "col_code": frozenset(c.code for t in tables for c in t.columns),
        "block": frozenset(b.label for b in tpl.blocks),
        "status": frozenset(get_args(Status)),
        "severity": frozenset(get_args(Severity)),
        "origin": frozenset({"extractor", "validate"}),
    }


# ------------------------------------------------------------------------------------------------
# The declarations
# ------------------------------------------------------------------------------------------------
_YEAR = Column("year", "Int64", "Report year (the statistical year).", low=2008, high=2100)
_TABLE = Column(
    "table", "string", " or ".join(f"{t.id} ({t.name})" for t in TEMPLATE.tables) + ".", False, "table"
)
_ROW = Column("row_code", "string", "Template row code.", False, "row_code")
_COL = Column("col_code", "string", "Template column code.", False, "col_code")
_VALUE = Column(
    "value", "Int64", "A count as printed (template count columns); <NA> = blank or marker, never 0."
)
_AMOUNT = Column(
    "amount", "Float64", "An amount as printed (template amount columns), in `unit`; <NA> = blank."
)
_NUMBER = Column("value", "Float64", "The number as printed, count or amount; NULL = blank, never 0.")
_PROV = (
    Column("prov_file", "string", "File the value was read from."),
    Column("prov_page", "Int64", "Page (1-based), when paged.", low=1),
    Column("prov_table", "Int64", "Index of the table in the document (0-based).", low=0),
    Column("prov_row", "Int64", "Grid row inside that table (0-based).", low=0),
    Column("prov_col", "Int64", "Grid column inside that table (0-based).", low=0),
    Column("prov_bbox", "string", "PDF box [x0, top, x1, bottom] in points, as JSON."),
    Column("prov_confidence", "Float64", "OCR confidence.", low=0, high=1),
)
_CELL_BODY = (
    Column("block", "string", "Table 2 only: the 第二十条 block.", domain="block"),
    Column("row_label", "string", "Canonical row label in the report's variant (as the form prints it)."),
    Column("col_label", "string", "Canonical column label in the report's variant."),
)
_RAW = (
    Column("raw", "string", "Text as printed; empty for a visibly blank cell.", nullable=False),
    Column("unit", "string", "Unit printed with the value or implied by the column (万元)."),
    Column("note", "string", "Annotation printed in the cell (其中修订16件)."),
)
_REPORT_ID = Column("report_id", "Int64", "Warehouse report version.", False, low=1)
_SOURCE = Column("source", "string", "Location (path or URL) of the source file.", False)
_ISSUER = Column("issuer", "string", "Issuing authority.")
_FINDING_BODY = (
    Column("seq", "Int64", "Order of the finding within its report.", False, low=0),
    Column("origin", "string", "extractor or validate.", False, "origin"),
    # No value set: the extractor's codes (row_ambiguous, low_confidence …) are not all in rules.toml yet.
    Column("rule", "string", "Rule code (schemas/templates/rules.toml).", False),
    Column("severity", "string", "error, warning or info.", False, "severity"),
    Column("message", "string", "What is wrong, naming the cells and numbers.", False),
    Column("cells", "string", "Cells involved and their values, as JSON."),
    Column("expected", "Float64", "What the other cells compute to."),
    Column("actual", "Float64", "What is printed."),
    Column("source_inconsistent", "boolean", "TRUE: the printed numbers disagree with each other."),
)

CELLS = FrameSchema(
    "cells",
    (
        _SOURCE,
        _ISSUER,
        Column("region_code", "string", "Region code the source attributes the file to."),
        _YEAR,
        Column(
            "variant",
            "string",
            "Layout of the cell's table: 2019 or 2021 (NULL for a table with one).",
            domain="variant",
        ),
        _TABLE,
        _CELL_BODY[0],
        _ROW,
        _CELL_BODY[1],
        _COL,
        _CELL_BODY[2],
        _VALUE,
        _AMOUNT,
        *_RAW,
        Column("page", "Int64", "Page (1-based) the value was printed on.", low=1),
        *(c for c in _PROV if c.name != "prov_page"),
        Column("status", "string", "Extraction status of the report: ok, partial, failed.", False, "status"),
    ),
)
"""The tidy cells of `nianbao.read`: one row per cell, counts in `value`, amounts in `amount`."""

FINDINGS = FrameSchema("findings", (_SOURCE, _ISSUER, _YEAR, *_FINDING_BODY))
"""The findings of `nianbao.read_findings`: one row per finding of a report."""

WAREHOUSE_REPORTS = FrameSchema(
    "reports",
    (
        _REPORT_ID,
        Column("report_key", "string", "Normalised issuer + year.", False),
        Column("sha256", "string", "SHA-256 of the source file.", False),
        _SOURCE.renamed("source"),
        Column("format", "string", "Format of the source file."),
        _ISSUER,
        Column("title", "string", "Title as printed."),
        Column("region_id", "Int64", "regions.region_id."),
        _YEAR,
        *(
            Column(t.variant_column, "string", f"Variant of {t.title}: 2019 or 2021.", domain="variant")
            for t in TEMPLATE.varied
        ),
        Column("status", "string", "ok, partial or failed.", False, "status"),
        Column("error", "string", "Why the extraction failed or is partial."),
        Column("published", "string", "ISO date of the signature line."),
        Column("pages", "Int64", "Pages of the source.", low=0),
        Column("sections", "string", "Codes of the sections found, as a JSON list.", False),
        Column("extra_cells", "string", "Rows the template does not know, as JSON."),
        Column("parser_version", "string", "Parser version.", False),
        Column("loaded_at", "datetime64[ns]", "When loaded (UTC).", False),
        Column("version", "Int64", "1, 2, 3 … per report_key.", False, low=1),
        Column(
            "part", "string", "Which part of its report the file is: page, document or attachment.", False
        ),
        Column("issuer_raw", "string", "The issuer as the report printed it."),
        Column("place_status", "string", "How the issuer was placed on the gazetteer."),
        Column("place_note", "string", "Why an issuer could not be placed."),
    ),
)
"""Rows of the warehouse table `reports` (warehouse.load.reports_frame)."""

WAREHOUSE_CELLS = FrameSchema(
    "warehouse_cells",
    (
        _REPORT_ID,
        _TABLE.renamed("table_id"),
        _CELL_BODY[0],
        _ROW,
        _COL,
        *_CELL_BODY[1:],
        _NUMBER,
        *_RAW,
        *_PROV,
        Column("count", "Int64", "The value as an integer count (count columns only)."),
        Column("amount", "string", "An amount in its measure's unit, as decimal text (amount columns only)."),
        Column("amount_unit", "string", "The measure's unit of `amount` (万元)."),
    ),
)
"""Rows of the warehouse table `cells` (warehouse.load.cells_frame); provenance made JSON in SQL."""

WAREHOUSE_FINDINGS = FrameSchema("warehouse_findings", (_REPORT_ID, *_FINDING_BODY))
"""Rows of the warehouse table `findings` (warehouse.load.findings_frame)."""

SCHEMAS = (CELLS, FINDINGS, WAREHOUSE_REPORTS, WAREHOUSE_CELLS, WAREHOUSE_FINDINGS)


# ------------------------------------------------------------------------------------------------
# Checking a report against the declarations
# ------------------------------------------------------------------------------------------------
_REPORT_FIELDS: tuple[tuple[Column, Callable[[Report], Any]], ...] = (
    (_SOURCE, lambda r: r.source or None),
    (_ISSUER, lambda r: r.issuer),
    (_YEAR, lambda r: r.year),
    (WAREHOUSE_REPORTS.column("status"), lambda r: r.status),
    *(
        (WAREHOUSE_REPORTS.column(t.variant_column), lambda r, tid=t.id: r.variants.get(tid))
        for t in TEMPLATE.varied
    ),
    (WAREHOUSE_REPORTS.column("pages"), lambda r: r.pages),
)
_CELL_FIELDS: tuple[tuple[Column, Callable[[Cell], Any]], ...] = (
    (_CELL_BODY[1], lambda c: c.row_label),
    (_CELL_BODY[2], lambda c: c.col_label),
    (_RAW[0], lambda c: c.raw),
    (_RAW[1], lambda c: c.unit),
    (_RAW[2], lambda c: c.note),
)


def _type_ok(col: Column, value: Any) -> bool:
    if col.dtype == "string":
        return isinstance(value, str)
    if col.dtype == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if col.dtype == "Int64":
        return isinstance(value, int)
    if col.dtype == "Float64":
        return isinstance(value, int | float) and not math.isnan(value)
    return isinstance(value, date)


def problem(col: Column, value: Any, tpl: Template = TEMPLATE) -> str | None:
    """The rule code a value breaks in a column (frame_missing, frame_type, frame_domain, frame_range).

    Args:
        col: the declaration.
        value: a plain Python value; None is missing.
        tpl: the template the value sets come from.
    """
    if value is None:
        return None if col.nullable else "frame_missing"
    if not _type_ok(col, value):
        return "frame_type"
    if col.domain and value not in domains(tpl)[col.domain]:
        return "frame_domain"
    if (col.low is not None and value < col.low) or (col.high is not None and value > col.high):
        return "frame_range"
    return None


@dataclass(frozen=True)
class _Allowed:
    """What the cells of one report may be, worked out once per report rather than per cell."""

    pairs: dict[str, frozenset[tuple[str, str]]]  # table -> (row, column) in the report's variant
    amounts: frozenset[tuple[str, str]]  # (table, column) of amount columns
    blocks: frozenset[str]


def _allowed(report: Report, tpl: Template) -> _Allowed:
    tables = domains(tpl)["table"]
    pairs = {
        t.id: allowed_pairs(t.id, report.variants.get(t.id) if t.varies else None, tpl) for t in tpl.tables
    }
    amounts = frozenset((t, c.code) for t in tables for c in tpl.table(t).columns if c.amount)
    return _Allowed(pairs, amounts, domains(tpl)["block"])


_DIGIT = re.compile(r"\d")


def _cell_problems(c: Cell, ok: _Allowed, tpl: Template) -> Iterable[tuple[str, Any]]:
    """(rule, value) for each way one cell breaks the cells schema."""
    pairs = ok.pairs.get(c.table)
    if pairs is None or (c.row_code, c.col_code) not in pairs:
        yield "unknown_code", c.value
        return
    v = c.value
    if v is not None:
        kind = type(v)
        if kind is float and not math.isnan(v):
            if (c.table, c.col_code) not in ok.amounts:
                yield "count_not_integer", v
        elif kind is not int:
            yield "frame_type", v
        # Only text without a digit can be blank or a marker; parse just those.
        if isinstance(c.raw, str) and not _DIGIT.search(c.raw):
            parsed = parse_value(c.raw)
            if parsed is not None and parsed.value is None and parsed.suspect is None:
                yield "blank_as_zero", v
    if c.block is not None and c.block not in ok.blocks:
        yield problem(_CELL_BODY[0], c.block, tpl) or "frame_domain", c.block
    # The common case (a string, an allowed None, an int in range) is decided inline: this runs for
    # every cell of every report a load validates.
    for col, get in _CELL_FIELDS:
        value = get(c)
        if type(value) is not str and (value is not None or not col.nullable):
            yield problem(col, value, tpl) or "frame_type", value
    p = c.provenance
    if p is not None:
        for col, pv in zip(_PROV_INTS, (p.page, p.table, p.row, p.col), strict=True):
            if pv is not None and not (type(pv) is int and pv >= (col.low or 0)):
                yield problem(col, pv, tpl) or "frame_type", pv
        if p.confidence is not None:
            rule = problem(_PROV_BY_NAME["confidence"], p.confidence, tpl)
            if rule:
                yield rule, p.confidence


_PROV_BY_NAME = {c.name[5:]: c for c in _PROV}
_PROV_INTS = tuple(_PROV_BY_NAME[n] for n in ("page", "table", "row", "col"))


@lru_cache(maxsize=64)  # per template (hashed by identity), table and variant
def allowed_pairs(table: str, variant: str | None, tpl: Template = TEMPLATE) -> frozenset[tuple[str, str]]:
    """(row, column) pairs a table has in a variant (a blocks table: per block); all when unknown."""
    spec = tpl.table(table)
    variants = [variant] if variant in VARIANTS else list(VARIANTS)
    return frozenset((r, c) for v in variants for _t, r, c in spec.cells(v))


# Rule codes of the frame schema, in the order findings are given. Their texts live in rules.toml.
FRAME_RULES = (
    "unknown_code",
    "frame_type",
    "frame_missing",
    "frame_domain",
    "frame_range",
    "count_not_integer",
    "blank_as_zero",
)


def rule_texts() -> dict[str, tuple[str, str]]:
    """code -> (English, Chinese) message of each frame rule, from the rules catalogue."""
    return {c: (RULES[c].message_en or RULES[c].description, RULES[c].message_zh) for c in FRAME_RULES}


def check(report: Report, tpl: Template = TEMPLATE) -> list[Finding]:
    """Hold a report's facts and cells against the frame schema; one finding per broken rule.

    Args:
        report: the extracted report; it is not modified.
        tpl: the template the allowed codes and column kinds come from.

    Returns:
        Findings (codes in templates/rules.toml), in the order of FRAME_RULES; never raises.
    """
    broken: dict[str, dict[str, Any]] = {}
    for col, get in _REPORT_FIELDS:
        value = get(report)
        rule = problem(col, value, tpl)
        if rule:
            broken.setdefault(rule, {})[f"report.{col.name}"] = _jsonable(value)
    ok = _allowed(report, tpl)
    for c in report.cells:
        for rule, value in _cell_problems(c, ok, tpl):
            broken.setdefault(rule, {})[cell_path(c.key)] = _jsonable(value)
    out = []
    for rule in FRAME_RULES:
        if rule in broken:
            cells = broken[rule]
            en, zh = rule_texts()[rule]
            listed = ", ".join(f"{k}={v!r}" for k, v in list(cells.items())[:10])
            more = f" and {len(cells) - 10} more" if len(cells) > 10 else ""
            where = f" (variants {dict(report.variants)})" if rule == "unknown_code" else ""
            message = f"{en}{where}; {zh}: {len(cells)} cell(s): {listed}{more}"
            out.append(finding(rule, message, cells=cells))
    return out


def _jsonable(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float | bool) else repr(value)


def check_frame(df: pd.DataFrame, schema: FrameSchema, tpl: Template = TEMPLATE) -> list[Finding]:
    """Hold a DataFrame (one someone built or changed by hand) against a frame schema.

    Column by column: present, of the declared dtype, not missing where it may not be, inside its
    value set and range. One finding per broken rule, naming the columns and the first bad rows.

    Args:
        df: the frame.
        schema: its declaration, e.g. `CELLS`.
        tpl: the template the value sets come from.
    """
    broken: dict[str, dict[str, Any]] = {}

    def flag(rule: str, col: Column, rows: Any) -> None:
        broken.setdefault(rule, {})[col.name] = [int(i) for i in list(rows)[:5]]

    for col in schema.columns:
        if col.name not in df.columns:
            broken.setdefault("frame_missing", {})[col.name] = "no such column"
            continue
        s = df[col.name]
        if str(s.dtype) != col.dtype and not (col.dtype == "string" and str(s.dtype) in ("object", "str")):
            broken.setdefault("frame_type", {})[col.name] = f"dtype {s.dtype}, declared {col.dtype}"
            continue
        missing = s.isna()
        if not col.nullable and missing.any():
            flag("frame_missing", col, s.index[missing])
        present = s[~missing]
        if col.domain:
            outside = ~present.isin(domains(tpl)[col.domain])
            if outside.any():
                flag("frame_domain", col, present.index[outside])
        if col.low is not None or col.high is not None:
            bad = present.lt(col.low) if col.low is not None else present.gt(math.inf)
            if col.high is not None:
                bad = bad | present.gt(col.high)
            if bad.any():
                flag("frame_range", col, present.index[bad.to_numpy(dtype=bool)])
    out = []
    for rule in FRAME_RULES:
        if rule in broken:
            en, zh = rule_texts()[rule]
            where = "; ".join(f"{k}: {v}" for k, v in broken[rule].items())
            out.append(finding(rule, f"frame {schema.name}: {en}; {zh}: {where}", cells=broken[rule]))
    return out
