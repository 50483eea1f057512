"""The analysts' vocabulary: words, sheet names, headline figures, rates and finding messages.

All of it is data: words, sheets, figures and rates in warehouse/analyst.toml; table, row and
column labels from nianbao.schemas.TEMPLATE; finding messages from schemas/templates/rules.toml
(`detail_zh`, else `message_zh`). Cells are named either by code (`<table>.<row>.<column>`, e.g. the
cells of the headline figures in analyst.toml) or by their printed
labels (`表3 （二）部分公开 自然人`, `行政复议 总计`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from nianbao.schemas.template import TEMPLATE
from nianbao.schemas.text import norm_label
from nianbao.schemas.validate import RULES

TABLES = TEMPLATE.table_ids
_DATA: dict[str, Any] = tomllib.loads(
    resources.files("nianbao.analyst").joinpath("analyst.toml").read_text("utf-8")
)
WORDS: dict[str, str] = _DATA["words"]
SHEETS: dict[str, str] = _DATA["sheets"]
SEVERITY: dict[str, str] = _DATA["severity"]
MIN_RATE_BASE: int = int(_DATA["settings"]["min_rate_base"])
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
EXAMPLE_CODE: str = _DATA["headline"][0]["cell"].split("+")[0]  # a cell code messages give as an example


class UnknownCell(ValueError):
    """A cell name that is neither a template code nor printed labels of one cell."""


@dataclass(frozen=True)
class CellRef:
    """One cell of the template by its codes."""

    table: str
    row: str
    col: str

    @property
    def code(self) -> str:
        return f"{self.table}.{self.row}.{self.col}"

    def short_label(self, variant: str | None = None) -> str:
        """Row and column labels without the table name or long printed notes: '（二）部分公开 自然人'."""
        t = TEMPLATE.table(self.table)
        row = t.row_by_code.get(self.row)
        col = t.column_by_code.get(self.col)
        rl = re.sub(r"（[^）]{6,}）$", "", row.label_for(variant)) if row else self.row
        return f"{rl} {col.label_for(variant) if col else self.col}"

    def label(self, variant: str | None = None) -> str:
        """The printed labels: '表3 （二）部分公开… / 自然人'."""
        t = TEMPLATE.table(self.table)
        row = t.row_by_code.get(self.row)
        col = t.column_by_code.get(self.col)
        rl = row.label_for(variant) if row else self.row
        cl = col.label_for(variant) if col else self.col
        return f"{table_title(self.table)} {rl} / {cl}"


@dataclass(frozen=True)
class Rate:
    """A rate of the overview: sum of numerator cells over sum of denominator cells."""

    key: str
    label: str
    numerator: tuple[CellRef, ...]
    denominator: tuple[CellRef, ...]
    higher_is_better: bool


@dataclass(frozen=True)
class Headline:
    """A headline figure: one cell, or the sum of a few ('+')."""

    key: str
    cells: tuple[CellRef, ...]

    @property
    def label(self) -> str:
        """Printed labels: the row label, and the column label unless it is the table's total."""
        parts = []
        for c in self.cells:
            t = TEMPLATE.table(c.table)
            parts.append(t.row_by_code[c.row].label_for("2021"))
        col = TEMPLATE.table(self.cells[0].table).column_by_code[self.cells[0].col].label_for("2021")
        return f"{'+'.join(parts)} {col}"


def parse_code(code: str) -> CellRef:
    """A CellRef from a code `<table>.<row>.<column>` (checked against the template)."""
    parts = code.split(".")
    if len(parts) != 3 or parts[0] not in TABLES:
        raise UnknownCell(f"not a cell code: {code!r} (expected e.g. {EXAMPLE_CODE})")
    t = TEMPLATE.table(parts[0])
    if parts[1] not in t.row_by_code or parts[2] not in t.column_by_code:
        raise UnknownCell(f"unknown cell {code!r}: no row {parts[1]!r} or column {parts[2]!r} in {parts[0]}")
    return CellRef(parts[0], parts[1], parts[2])


HEADLINES = tuple(
    Headline(h["key"], tuple(parse_code(c) for c in h["cell"].split("+"))) for h in _DATA["headline"]
)
RATES = tuple(
    Rate(
        r["key"],
        r["label"],
        tuple(parse_code(c) for c in r["numerator"]),
        tuple(parse_code(c) for c in r["denominator"]),
        bool(r["higher_is_better"]),
    )
    for r in _DATA["rates"]
)


def table_title(table_id: str) -> str:
    """The sheet title of a table (表2 主动公开 …)."""
    return SHEETS[table_id]


def resolve_cell(text: str) -> CellRef:
    """The cell named by a code or by printed labels (row, then column; a table prefix is optional).

    Raises:
        UnknownCell: with the closest names when nothing or more than one cell matches.
    """
    text = text.strip()
    if re.fullmatch(rf"(?:{'|'.join(map(re.escape, TABLES))})\.\w+\.\w+", text):
        return parse_code(text)
    tables: tuple[str, ...] = TABLES
    for tid in TABLES:
        m = re.match(rf"^(?:{re.escape(SHEETS[tid].split()[0])}|{tid})(?:\s+|[:/]|$)", text)
        if m:
            tables, text = (tid,), text[m.end() :]
            break
    pieces = [p for p in re.split(r"\s*[/|]\s*|\s+", text) if p]
    if len(pieces) < 2:
        raise UnknownCell(
            f"no cell named {text!r}: give its row and column labels, or a code ({EXAMPLE_CODE})"
        )
    found: list[CellRef] = []
    for tid in tables:
        t = TEMPLATE.table(tid)
        for split in range(len(pieces) - 1, 0, -1):
            row_text, col_text = norm_label("".join(pieces[:split])), norm_label("".join(pieces[split:]))
            rows = _matching(t.rows, row_text)
            cols = _matching(t.columns, col_text)
            found += [CellRef(tid, r, c) for r in rows for c in cols]
            if rows and cols:
                break
    found = list(dict.fromkeys(found))
    if len(found) == 1:
        return found[0]
    if not found:
        raise UnknownCell(
            f"no cell named {text!r}; name it by row and column labels or by code ({EXAMPLE_CODE})"
        )
    names = ", ".join(f.code for f in found[:6])
    raise UnknownCell(f"{text!r} names {len(found)} cells ({names}); add the table or use a code")


def _matching(labels: tuple[Any, ...], text: str) -> list[str]:
    """Codes of labels equal to `text`, else starting with it, else matched by the template's keys."""
    if not text:
        return []
    for test in (
        lambda lab: (
            text in (norm_label(lab.label), norm_label(lab.label_2021 or lab.label)) or text == lab.code
        ),
        lambda lab: (
            norm_label(lab.label).startswith(text) or norm_label(lab.label_2021 or "").startswith(text)
        ),
        lambda lab: lab.matches(text),
    ):
        codes = [lab.code for lab in labels if test(lab)]
        if codes:
            return codes
    return []


def finding_message(
    rule: str,
    message: str,
    cells: dict[str, Any] | None,
    expected: Any,
    actual: Any,
    variant: str | None = None,
) -> str:
    """The Chinese message of a finding, naming its cells by their printed labels.

    The rule's `detail_zh` in rules.toml, else its `message_zh` followed by the cells; a code that is
    not a rule keeps the finding's own message. Keys of `cells` that are not cell codes (a section, a narrative sentence) are left out; when
    none is a cell code, the finding's own message stands in for the cells.
    """
    named: list[str] = []
    for code, value in (cells or {}).items():
        prefix = ""
        if code.startswith("previous."):
            prefix, code = WORDS["previous_year"] + " ", code[len("previous.") :]
        try:
            named.append(f"{prefix}{parse_code(code).short_label(variant)}={_num(value)}")
        except UnknownCell:
            continue
    known = RULES.get(rule)
    if known is None:
        return message
    template = known.detail_zh or (
        f"{known.message_zh}：{{cells}}" if known.message_zh else "{rule}：{cells}"
    )
    shown = "；".join(named[:3]) + (f"…（{len(named)}）" if len(named) > 3 else "")
    return template.format(
        rule=rule, cells=shown or message, expected=_num(expected), actual=_num(actual), message=message
    )


def _num(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return WORDS["blank"]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
