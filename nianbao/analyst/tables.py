"""The table model the district workbook and the HTML page both show (neither owns it).

Columns and headers of the overview (with units), the table layouts (table 2 and 3 separated by
their 2019 and 2021 forms, each named), the colour of a rank (in the rate's own direction), the
corrections (更正记录, with their dates) and the checklist apart from the reading notes.
Words come from analyst.toml, labels from the template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nianbao.analyst.district import Overview, Township
from nianbao.analyst.words import HEADLINES, RATES, SHEETS, TABLES, UNITS, WORDS, CellRef
from nianbao.schemas.template import TEMPLATE

Columns = list[CellRef]


def part_word(part: str | None) -> str:
    """document, page, attachment in the analysts' words."""
    return WORDS.get("page_part" if part == "page" else str(part), str(part or ""))


def unit_of(ref: CellRef, variant: str | None = None) -> str:
    """The unit of a cell's column (件, 项, 万元…), from analyst.toml [units]; '' when its label says it."""
    col = TEMPLATE.table(ref.table).column_by_code.get(ref.col)
    label = col.label_for(variant) if col else ""
    if "单位" in label:
        return ""
    return UNITS.get(ref.col, UNITS["default"])


def with_unit(label: str, unit: str) -> str:
    """'本年新收（件）'; the label alone when the unit is empty."""
    return f"{label}（{unit}）" if unit else label


def rank_header(rate_label: str, higher_is_better: bool) -> str:
    """The rank column's header, saying which way is better."""
    return f"{rate_label} {WORDS['rank']}（{WORDS['rank_high' if higher_is_better else 'rank_low']}）"


def overview_columns() -> list[tuple[str, str]]:
    """(key, header) of the overview columns; figures with their unit, ranks with their direction."""
    cols = [
        ("region_code", WORDS["region_code"]),
        ("township", WORDS["township"]),
        ("status", WORDS["status"]),
        ("published", WORDS["published"]),
        ("days_late", with_unit(WORDS["days_late"], WORDS["unit_days"])),
    ]
    for h in HEADLINES:
        unit = unit_of(h.cells[0], "2021")
        cols += [
            (f"fig:{h.key}", with_unit(h.label, unit)),
            (f"chg:{h.key}", with_unit(f"{h.label} {WORDS['change']}", unit)),
        ]
    for r in RATES:
        cols += [(f"rate:{r.key}", r.label), (f"rank:{r.key}", rank_header(r.label, r.higher_is_better))]
    cols += [
        ("errors", with_unit(WORDS["errors"], WORDS["unit_items"])),
        ("warnings", with_unit(WORDS["warnings"], WORDS["unit_items"])),
        ("infos", with_unit(WORDS["infos"], WORDS["unit_items"])),
    ]
    return cols


def checklist_counts(overview: Overview) -> dict[int, dict[str, int]]:
    """report_id -> {"errors", "warnings", "infos"} counted on the 问题清单 (reading notes apart),
    so the overview's counts are the lines a clerk finds on the checklist."""
    out: dict[int, dict[str, int]] = {}
    for f in checklist(overview):
        counts = out.setdefault(int(f["report_id"]), {"errors": 0, "warnings": 0, "infos": 0})
        key = {"error": "errors", "warning": "warnings", "info": "infos"}.get(f["severity"])
        if key:
            counts[key] += 1
    return out


def overview_value(t: Township, key: str, counts: dict[int, dict[str, int]] | None = None) -> Any:
    """One township's value of an overview column (None = blank); finding counts from `counts`
    (checklist_counts) when given, else the township's own."""
    if key.startswith("fig:"):
        return t.figures.get(key[4:])
    if key.startswith("chg:"):
        return t.change(key[4:])
    if key.startswith("rate:"):
        return t.rates.get(key[5:], (None, None, None))[2]
    if key.startswith("rank:"):
        rate = t.rates.get(key[5:], (None, None, None))
        if t.ranks.get(key[5:]) is None and rate[2] is not None:
            return WORDS["not_ranked"]
        return t.ranks.get(key[5:])
    if key == "status":
        return WORDS.get(t.status or "", "")
    if key in ("errors", "warnings", "infos"):
        if t.report_id is None:
            return None
        return (counts.get(t.report_id) or {}).get(key, 0) if counts is not None else getattr(t, key)
    return getattr(t, key)


def overview_rows(overview: Overview) -> tuple[list[str], list[list[Any]]]:
    """The overview as plain rows (for CSV, the page and tests): header, then one row per township."""
    cols = overview_columns()
    counts = checklist_counts(overview)
    return [c[1] for c in cols], [[overview_value(t, k, counts) for k, _ in cols] for t in overview.townships]


def rank_class(overview: Overview, t: Township, rate_key: str) -> str | None:
    """'good', 'bad' or None for a township's rank of a rate.

    Rank 1 is always the best in the rate's own direction (for 复议纠错率 the lowest). With fewer
    than three ranked townships nothing is coloured: being first of one or two says nothing.
    Otherwise the best third is good and the worst third bad.
    """
    rank = t.ranks.get(rate_key)
    ranked = [x.ranks.get(rate_key) for x in overview.townships if x.ranks.get(rate_key) is not None]
    n = len(ranked)
    if rank is None or n < 3:
        return None
    third = max(1, n // 3)
    if rank <= third:
        return "good"
    if rank > max(r for r in ranked if r is not None) - third:
        return "bad"
    return None


@dataclass(frozen=True)
class Layout:
    """One table sheet: a table in one of its forms, its columns and the townships printing it."""

    key: str  # sheet key, e.g. "t2:2019"
    table: str
    variant: str | None
    title: str
    columns: Columns
    report_ids: tuple[int, ...]


def _variant_of(overview: Overview, rid: int, table: str) -> str | None:
    return (overview.variants.get(rid) or {}).get(table) if table in {t.id for t in TEMPLATE.varied} else None


def table_columns(overview: Overview, table_id: str, variant: str | None = None) -> Columns:
    """The cells shown as columns of a table sheet in one form (default 2021).

    A blocks table (table 2): the form's blocks' rows x columns. A groups table (table 3): every
    row's 总计, then the applicant columns of 一、本年新收. A grid (table 4): all its cells.
    """
    v = variant or "2021"
    spec = TEMPLATE.table(table_id)
    if spec.kind == "blocks":
        return [CellRef(spec.id, r, c) for b in spec.blocks for r in b.rows[v] for c in b.columns[v]]
    if spec.kind == "groups":
        out = [CellRef(spec.id, r.code, "total") for r in spec.rows_for(v)]
        return out + [CellRef(spec.id, "new", c.code) for c in spec.columns if c.code != "total"]
    return [CellRef(spec.id, r.code, c.code) for r in spec.rows for c in spec.columns]


def table_layouts(overview: Overview) -> list[Layout]:
    """The table sheets: table 2 and 3 once per form some report of the year prints, each named.

    A township is on the sheet of the form its report prints; a township without a report is on
    the first sheet of each table (greyed), so every township appears once per table.
    """
    out: list[Layout] = []
    published = [t.report_id for t in overview.townships if t.report_id is not None]
    for tid in TABLES:
        if TEMPLATE.table(tid).kind == "grid":  # one form: its cells do not vary
            out.append(Layout(tid, tid, None, SHEETS[tid], table_columns(overview, tid), tuple(published)))
            continue
        forms = sorted({_variant_of(overview, rid, tid) or "2021" for rid in published}, reverse=True)
        for v in forms or ["2021"]:
            ids = tuple(rid for rid in published if (_variant_of(overview, rid, tid) or "2021") == v)
            title = f"{SHEETS[tid]}（{WORDS['layout'].format(variant=v)}）"
            out.append(Layout(f"{tid}:{v}", tid, v, title, table_columns(overview, tid, v), ids))
    return out


def column_headers(layout: Layout) -> list[tuple[str, str]]:
    """(row label, column label with unit) of each column of a layout, in the layout's form."""
    t = TEMPLATE.table(layout.table)
    out = []
    for ref in layout.columns:
        row = t.row_by_code[ref.row].label_for(layout.variant)
        col = t.column_by_code[ref.col].label_for(layout.variant)
        out.append((re.sub(r"（[^）]{6,}）$", "", row), with_unit(col, unit_of(ref, layout.variant))))
    return out


@dataclass(frozen=True)
class Correction:
    """One row of 更正记录."""

    override_id: int
    township: str | None
    year: int
    cell: str
    printed: Any
    analysed: Any
    reason: str | None
    by: str | None
    at: Any


def corrections(overview: Overview) -> list[Correction]:
    """The corrections applied to the year's cells, in the order they were made, with their dates."""
    names = {t.report_id: t.township for t in overview.townships}
    out = []
    for (rid, tid, row, col), v in sorted(overview.cells.items(), key=lambda kv: kv[1].override_id or 0):
        if v.override_id is None:
            continue
        variant = _variant_of(overview, rid, tid)
        out.append(
            Correction(
                v.override_id,
                names.get(rid),
                overview.year,
                CellRef(tid, row, col).label(variant),
                v.printed if v.printed is not None else v.marker,
                v.analysed,
                v.reason,
                v.by,
                getattr(v, "at", None),
            )
        )
    return out


def correction_columns() -> list[str]:
    """Headers of 更正记录."""
    return [
        WORDS[k]
        for k in ("override_id", "township", "year", "cell", "printed", "analysed", "reason", "by", "at")
    ]


def checklist(overview: Overview) -> list[dict[str, Any]]:
    """The 问题清单: findings that are not reading notes."""
    return [f for f in overview.findings if not f.get("note")]


def reading_notes(overview: Overview) -> list[dict[str, Any]]:
    """The 读取记录: technical reading notes (analyst.words.mark_reading_notes)."""
    return [f for f in overview.findings if f.get("note")]


def printed_note(v: Any) -> str:
    """The comment of a corrected cell: its printed value and the reason."""
    return f"{WORDS['printed']}: {v.raw or WORDS['blank']}\n{WORDS['reason']}: {v.reason}"


def printed_figure(overview: Overview, t: Township, key: str) -> float | None:
    """A headline figure as printed (before corrections); None when a printed part is blank."""
    head = next(h for h in HEADLINES if h.key == key)
    total = 0.0
    for ref in head.cells:
        v = overview.cells.get((t.report_id or -1, ref.table, ref.row, ref.col))
        if v is None or v.printed is None:
            return None
        total += v.printed
    return total
