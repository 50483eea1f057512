"""The analysts' vocabulary: words, sheet names, headline figures, rates and finding messages.

All of it is data: words, sheets, figures and rates in analyst/analyst.toml; table, row and
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
from nianbao.warehouse.headlines import charted as charted_headline
from nianbao.warehouse.headlines import headlines as headline_specs

TABLES = TEMPLATE.table_ids
_DATA: dict[str, Any] = tomllib.loads(
    resources.files("nianbao.analyst").joinpath("analyst.toml").read_text("utf-8")
)
WORDS: dict[str, str] = _DATA["words"]
SHEETS: dict[str, str] = _DATA["sheets"]
SEVERITY: dict[str, str] = _DATA["severity"]
UNITS: dict[str, str] = _DATA["units"]
MIN_RATE_BASE: int = int(_DATA["settings"]["min_rate_base"])
FIXES: frozenset[str] = frozenset(_DATA["settings"].get("fixes", ()))
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
EXAMPLE_CODE: str = charted_headline().cells[0]  # a cell code messages give as an example


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


# The headline figures the district outputs show: the template's one list (report_overview's
# columns, nianbao.warehouse.headlines), those marked `district`; CHARTED is the one charted.
HEADLINES = tuple(
    Headline(h.key, tuple(parse_code(c) for c in h.cells)) for h in headline_specs() if h.district
)
CHARTED = next(h for h in HEADLINES if h.key == charted_headline().key)
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


MESSAGES: tuple[dict[str, Any], ...] = tuple(_DATA.get("messages", ()))
CHECKS: dict[str, str] = _DATA.get("checks", {})
EXPLAIN: dict[str, str] = _DATA["explain"]
NOTES: dict[str, Any] = _DATA.get("reading_notes", {})
_SECTIONS = {s.code: s.label for s in TEMPLATE.sections}
_PAGE = re.compile(r"\bp(?:age|\.)\s*(\d+)")
_QUOTED = re.compile(r"['‘“]([^'’”]*[\u4e00-\u9fff][^'’”]*)['’”]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


class _Fields(dict[str, str]):
    """Named fields of a message template; a field the finding does not have stops the template."""

    def __missing__(self, key: str) -> str:
        raise KeyError(key)


def _field(key: str, value: Any) -> str:
    """A finding's named value (`cells` key that is not a cell code) in the analysts' words."""
    if key == "checks" and isinstance(value, list):
        return "、".join(CHECKS.get(str(v), str(v)) for v in value)
    if key == "table" or re.fullmatch(r"t[234]", str(value)):
        return SHEETS.get(str(value), str(value)).split()[0]
    return _num(value) if not isinstance(value, str) else value


def _reader_message(rule: str, message: str) -> tuple[str | None, bool]:
    """A reader's (English) message in Chinese by the patterns of analyst.toml, and whether it is a note."""
    for m in MESSAGES:
        if m.get("rule", rule) != rule:
            continue
        hit = re.search(m["pattern"], message)
        if hit:
            fields = {k: _field(k, v) for k, v in hit.groupdict().items() if v is not None}
            return m["zh"].format(**fields), bool(m.get("note", False))
    return None, False


def _chinese_fallback(known_zh: str, message: str) -> str:
    """The rule's Chinese message with what can be carried over without English: page, quoted labels."""
    extra = []
    page = _PAGE.search(message)
    if page:
        extra.append(WORDS["page_n"].format(page=page.group(1)))
    extra += [f"“{q}”" for q in _QUOTED.findall(message) if not _LATIN.search(q)]
    return known_zh + (f"（{'，'.join(extra)}）" if extra else "")


def finding_message(
    rule: str,
    message: str,
    cells: dict[str, Any] | None,
    expected: Any,
    actual: Any,
    variant: str | None = None,
) -> str:
    """The Chinese message of a finding, naming its cells by their printed labels.

    In order: the rule's `detail_zh` in rules.toml with the cells named by labels (sections by
    their headings, tables by their names) and the finding's named values; a reader's message put
    into Chinese by a pattern of analyst.toml ([[messages]]); the rule's `message_zh` with the
    page and quoted Chinese labels of the message. Never the English message of a known rule; a
    code that is not a rule keeps the finding's own message.
    """
    named: list[str] = []
    fields = _Fields()
    for code, value in (cells or {}).items():
        prefix = ""
        if code.startswith("previous."):
            prefix, code = WORDS["previous_year"] + " ", code[len("previous.") :]
        if code in _SECTIONS:
            named.append(_SECTIONS[code])
            continue
        if code in SHEETS and code in TABLES:
            named.append(SHEETS[code])
            continue
        try:
            named.append(f"{prefix}{parse_code(code).short_label(variant)}={_num(value)}")
        except UnknownCell:
            fields[code] = _field(code, value)
    known = RULES.get(rule)
    if known is None:
        return message
    translated, _note = _reader_message(rule, message)
    if translated is not None and not named:
        return translated
    shown = "；".join(named[:3]) + (f"…（{len(named)}）" if len(named) > 3 else "")
    fallback = _chinese_fallback(known.message_zh or rule, message)
    if known.detail_zh:
        fields.update(rule=rule, cells=shown or fallback, expected=_num(expected), actual=_num(actual))
        try:
            return known.detail_zh.format_map(fields)
        except (KeyError, IndexError, ValueError):
            pass
    return f"{known.message_zh}：{shown}" if shown and known.message_zh else fallback


def is_note_candidate(rule: str, message: str) -> bool:
    """A finding that may be a technical reading note (analyst.toml [reading_notes] and [[messages]])."""
    return rule in NOTES.get("rules", ()) or _reader_message(rule, message)[1]


def mark_reading_notes(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set `note` on each finding: True for a 读取记录 (reading note), False for the 问题清单.

    A note candidate (`is_note_candidate`: a deskew angle, an OCR confidence...) is a reading note
    when nothing it concerns is in doubt: the cells it names take part in no other error or
    warning of the same report, or, naming no cell, its report has no error at all. Otherwise it
    stays on the checklist beside the error it may explain.
    """
    candidates = [is_note_candidate(f["rule"], f.get("raw_message", "")) for f in findings]
    doubted: dict[Any, set[str]] = {}
    erring: set[Any] = set()
    for f, cand in zip(findings, candidates, strict=True):
        if cand or f["severity"] == "info":
            continue
        doubted.setdefault(f["report_id"], set()).update(f.get("cells") or [])
        if f["severity"] == "error":
            erring.add(f["report_id"])
    for f, cand in zip(findings, candidates, strict=True):
        cells = [c for c in f.get("cells") or [] if _is_cell(c)]
        if not cand:
            f["note"] = False
        elif cells:
            f["note"] = not (set(cells) & doubted.get(f["report_id"], set()))
        else:
            f["note"] = f["report_id"] not in erring
    return findings


def _is_cell(code: str) -> bool:
    try:
        parse_code(code)
    except UnknownCell:
        return False
    return True


def _num(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return WORDS["blank"]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
