"""The district workbook for a leader's desk (xlsxwriter): 概览, a sheet per table, 问题清单, 来源, 更正记录.

Every sheet: Chinese headers from the template and analyst.toml, frozen panes, autofilter, number
formats, fitted widths, landscape A4 fit to one page wide with the header rows and the township
column repeated. A blank cell stays blank, 0 stays 0, a printed marker (-, 无) stays text. Values are
ANALYSED values; a corrected cell is yellow with the printed value in its comment.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from nianbao.analyst.district import Overview, Township
from nianbao.analyst.words import HEADLINES, MIN_RATE_BASE, RATES, SEVERITY, SHEETS, TABLES, WORDS, CellRef
from nianbao.schemas.template import TEMPLATE

A4 = 9
HEADER_ROWS = 2  # table sheets: row label, then column label
MESSAGE_WIDTH = 66  # 问题清单: the message column, in half-width characters
Columns = list[CellRef]


def table_columns(overview: Overview, table_id: str) -> Columns:
    """The cells shown as columns of a table sheet, on the 2021 format; 2019-only cells when present.

    A blocks table (table 2): the 2021 blocks' rows x columns, then 2019 ones some report of the
    district has. A groups table (table 3): every row's 总计, then the applicant columns of 一、本年新收.
    A grid (table 4): all its cells.
    """
    present = {(k[1], k[2], k[3]) for k in overview.cells}
    spec = TEMPLATE.table(table_id)
    tid = spec.id
    out: list[CellRef] = []
    if spec.kind == "blocks":
        for variant in ("2021", "2019"):
            for b in spec.blocks:
                for r in b.rows[variant]:
                    for c in b.columns[variant]:
                        ref = CellRef(tid, r, c)
                        if ref not in out and (variant == "2021" or (tid, r, c) in present):
                            out.append(ref)
    elif spec.kind == "groups":
        rows = [
            r.code for r in spec.rows if r.variant in ("both", "2021") or (tid, r.code, "total") in present
        ]
        out = [CellRef(tid, r, "total") for r in rows]
        out += [CellRef(tid, "new", c.code) for c in spec.columns if c.code != "total"]
    else:
        out = [CellRef(tid, r.code, c.code) for r in spec.rows for c in spec.columns]
    return out


def overview_columns() -> list[tuple[str, str]]:
    """(key, header) of the overview columns."""
    cols = [
        ("region_code", WORDS["region_code"]),
        ("township", WORDS["township"]),
        ("status", WORDS["status"]),
        ("published", WORDS["published"]),
        ("days_late", WORDS["days_late"]),
    ]
    for h in HEADLINES:
        cols += [(f"fig:{h.key}", h.label), (f"chg:{h.key}", f"{h.label} {WORDS['change']}")]
    for r in RATES:
        cols += [(f"rate:{r.key}", r.label), (f"rank:{r.key}", f"{r.label} {WORDS['rank']}")]
    cols += [("errors", WORDS["errors"]), ("warnings", WORDS["warnings"]), ("infos", WORDS["infos"])]
    # The issuer's full name is on 来源 and 问题清单; the overview stays one page wide.
    return cols


def _overview_value(t: Township, key: str) -> Any:
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
        return getattr(t, key) if t.report_id is not None else None
    return getattr(t, key)


def overview_rows(overview: Overview) -> tuple[list[str], list[list[Any]]]:
    """The overview as plain rows (for CSV and tests): header, then one row per township."""
    cols = overview_columns()
    return [c[1] for c in cols], [[_overview_value(t, k) for k, _ in cols] for t in overview.townships]


def _width(value: Any) -> int:
    text = (
        f"{value:.1%}"
        if isinstance(value, float) and value < 1.01
        else str(value if value is not None else "")
    )
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Sheet:
    """A worksheet that remembers the widest text of each column, to fit widths at the end."""

    def __init__(self, ws: Any, cap: int = 12) -> None:
        self.ws, self.cap = ws, cap
        self.widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Any, fmt: Any = None, num_fmt: Any = None) -> None:
        if value is None:
            if fmt is not None:
                self.ws.write_blank(row, col, None, fmt)
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.ws.write_string(row, col, str(value), fmt)
        else:
            self.ws.write_number(row, col, value, num_fmt or fmt)
        self.widths[col] = max(self.widths.get(col, 0), _width(value))

    def fit(self, header_widths: dict[int, int] | None = None) -> None:
        for col, w in {**(header_widths or {}), **self.widths}.items():
            w = max(w, (header_widths or {}).get(col, 0))
            self.ws.set_column(col, col, min(max(w + 2, 6), self.cap))


def _print_setup(ws: Any, header_last_row: int, last_col: int, repeat_cols: int = 1) -> None:
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, header_last_row)
    ws.repeat_columns(0, repeat_cols)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def write_workbook(overview: Overview, path: Path) -> Path:
    """Write the district workbook.

    Args:
        overview: from nianbao.analyst.district.district_overview.
        path: the .xlsx file to write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"default_date_format": "yyyy-mm-dd"})
    try:
        f = _formats(wb)
        _write_overview(wb, f, overview)
        cell_pos: dict[tuple[int, str], str] = {}
        for tid in TABLES:
            cell_pos.update(_write_table(wb, f, overview, tid))
        _write_findings(wb, f, overview, cell_pos)
        _write_sources(wb, f, overview)
        _write_overrides(wb, f, overview)
    finally:
        wb.close()
    return path


def _formats(wb: Any) -> dict[str, Any]:
    base = {"font_name": "Noto Sans CJK SC", "font_size": 10, "valign": "vcenter"}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": 14}),
        "head": wb.add_format(
            {**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center"}
        ),
        "text": wb.add_format(base),
        "num": wb.add_format({**base, "num_format": "#,##0.###"}),
        "signed": wb.add_format({**base, "num_format": "+#,##0.###;-#,##0.###;0"}),
        "pct": wb.add_format({**base, "num_format": "0.0%"}),
        "date": wb.add_format({**base, "num_format": "yyyy-mm-dd"}),
        "total": wb.add_format({**base, "bold": True, "top": 2, "num_format": "#,##0.###"}),
        "override": wb.add_format({**base, "bg_color": "#FFEB9C", "num_format": "#,##0.###"}),
        "error": wb.add_format({**base, "bg_color": "#FFC7CE", "num_format": "#,##0.###"}),
        "missing": wb.add_format({**base, "bg_color": "#D9D9D9"}),
        "good": wb.add_format({"bg_color": "#C6EFCE"}),
        "bad": wb.add_format({"bg_color": "#FFC7CE"}),
        "link": wb.add_format({**base, "font_color": "#0563C1", "underline": 1}),
        "wrap": wb.add_format({**base, "text_wrap": True}),
    }


def _write_overview(wb: Any, f: dict[str, Any], o: Overview) -> None:
    ws = wb.add_worksheet(SHEETS["overview"])
    s = _Sheet(ws)
    cols = overview_columns()
    ws.write(0, 0, WORDS["overview_title"].format(district=o.district, year=o.year), f["title"])
    head = 2
    for j, (_k, label) in enumerate(cols):
        ws.write_string(head, j, label, f["head"])
    first = head + 1
    for i, t in enumerate(o.townships):
        r = first + i
        missing = t.report_id is None
        for j, (key, _label) in enumerate(cols):
            v = _overview_value(t, key)
            fmt = f["missing"] if missing else None
            if key.startswith("rate:"):
                s.put(r, j, v, fmt, f["pct"])
            elif key.startswith("chg:"):
                s.put(r, j, v, fmt, f["signed"])
            elif key == "published" and v is not None:
                ws.write_datetime(r, j, _dt(v), f["date"])
                s.widths[j] = 10
            elif key.startswith("fig:") and key[4:] in t.overridden:
                s.put(r, j, v, f["override"])
                ws.write_comment(r, j, WORDS["legend_override"])
            else:
                s.put(r, j, v, fmt, f["num"])
    last = first + len(o.townships) - 1
    total_row = last + 1
    ws.write_string(total_row, 1, WORDS["total"], f["total"])
    for j, (key, _label) in enumerate(cols):
        if key.startswith("fig:"):
            s.put(total_row, j, o.total(key[4:]), f["total"])
        elif key in ("errors", "warnings", "infos"):
            s.put(total_row, j, sum(getattr(t, key) for t in o.townships), f["total"])
    col_of = {k: j for j, (k, _l) in enumerate(cols)}
    for key in ("errors",):
        c = col_of[key]
        ws.conditional_format(
            first, c, last, c, {"type": "cell", "criteria": ">", "value": 0, "format": f["bad"]}
        )
    for rate in RATES:
        c = col_of[f"rank:{rate.key}"]
        ws.conditional_format(
            first,
            c,
            last,
            c,
            {"type": "cell", "criteria": "between", "minimum": 1, "maximum": 3, "format": f["good"]},
        )
        c = col_of[f"rate:{rate.key}"]
        ws.conditional_format(
            first, c, last, c, {"type": "data_bar", "bar_color": "#9BC2E6", "bar_solid": True}
        )
    ws.freeze_panes(first, 2)
    ws.autofilter(head, 0, last, len(cols) - 1)
    legend = total_row + 2
    ws.write_string(legend, 1, WORDS["legend"], f["title"])
    notes = [
        (WORDS["legend_error"], f["bad"]),
        (WORDS["legend_override"], f["override"]),
        (WORDS["legend_missing"], f["missing"]),
        (WORDS["legend_rank"], f["good"]),
        (WORDS["base_note"].format(n=MIN_RATE_BASE), None),
    ]
    for i, (text, fmt) in enumerate(notes, start=1):
        ws.write_blank(legend + i, 0, None, fmt) if fmt is not None else None
        ws.write_string(legend + i, 1, text)
    s.fit({j: 6 for j in range(len(cols))})
    ws.set_column(col_of["region_code"], col_of["region_code"], 15)  # 12 digits, never cut
    ws.set_row(head, 90)
    if not o.townships:
        _print_setup(ws, head, len(cols) - 1, repeat_cols=1)
        return
    chart = wb.add_chart({"type": "column"})
    key = HEADLINES[2].key if len(HEADLINES) > 2 else HEADLINES[0].key
    c = col_of[f"fig:{key}"]
    name_col = col_of["township"]
    chart.add_series(
        {
            "name": [ws.name, head, c],
            "categories": [ws.name, first, name_col, last, name_col],
            "values": [ws.name, first, c, last, c],
            "data_labels": {"value": True},
            "fill": {"color": "#5B9BD5"},
        }
    )
    chart.set_title({"name": WORDS["chart_title"], "name_font": {"name": "Noto Sans CJK SC", "size": 12}})
    chart.set_x_axis({"num_font": {"name": "Noto Sans CJK SC"}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 720, "height": 300})
    ws.insert_chart(legend + len(notes) + 2, 1, chart)
    _print_setup(ws, head, len(cols) - 1, repeat_cols=1)
    ws.repeat_rows(head, head)


def _write_table(wb: Any, f: dict[str, Any], o: Overview, tid: str) -> dict[tuple[int, str], str]:
    """One sheet per table: townships as rows, printed labels as columns. Returns cell -> A1 reference."""
    ws = wb.add_worksheet(SHEETS[tid])
    s = _Sheet(ws, cap=18)
    cols = table_columns(o, tid)
    t = TEMPLATE.table(tid)
    ws.write_string(0, 0, WORDS["township"], f["head"])
    ws.write_string(1, 0, "", f["head"])
    ws.merge_range(0, 0, 1, 0, WORDS["township"], f["head"])
    ws.set_row(0, 60)
    ws.set_row(1, 32)
    # Row labels over their columns (merged where a row spans several), column labels below.
    j = 0
    while j < len(cols):
        k = j
        while k + 1 < len(cols) and cols[k + 1].row == cols[j].row:
            k += 1
        label = t.row_by_code[cols[j].row].label_for("2021")
        if k > j:
            ws.merge_range(0, 1 + j, 0, 1 + k, label, f["head"])
        else:
            ws.write_string(0, 1 + j, label, f["head"])
        j = k + 1
    for j, ref in enumerate(cols):
        ws.write_string(1, 1 + j, t.column_by_code[ref.col].label_for("2021"), f["head"])
    flagged = {
        (fi["report_id"], code) for fi in o.findings if fi["severity"] == "error" for code in fi["cells"]
    }
    where: dict[tuple[int, str], str] = {}
    r = HEADER_ROWS
    for tw in o.townships:
        s.put(r, 0, tw.township, f["missing"] if tw.report_id is None else f["text"])
        for j, ref in enumerate(cols):
            if tw.report_id is None:
                ws.write_blank(r, 1 + j, None, f["missing"])
                continue
            where[(tw.report_id, ref.code)] = f"'{ws.name}'!{xl_rowcol_to_cell(r, 1 + j)}"
            v = o.cells.get((tw.report_id, ref.table, ref.row, ref.col))
            if v is None:
                continue
            fmt = f["num"]
            if (tw.report_id, ref.code) in flagged:
                fmt = f["error"]
            if v.override_id is not None:
                fmt = f["override"]
                ws.write_comment(
                    r, 1 + j, f"{WORDS['printed']}: {v.raw or WORDS['blank']}\n{WORDS['reason']}: {v.reason}"
                )
            if v.analysed is not None:
                s.put(r, 1 + j, v.analysed, fmt)
            elif v.marker is not None:
                s.put(r, 1 + j, v.marker, fmt)
            elif fmt is not f["num"]:
                ws.write_blank(r, 1 + j, None, fmt)
        r += 1
    s.put(r, 0, WORDS["total"], f["total"])
    for j, ref in enumerate(cols):
        s.put(r, 1 + j, o.cell_total(ref), f["total"])
    last = r - 1
    ws.freeze_panes(HEADER_ROWS, 1)
    ws.autofilter(1, 0, max(last, 1), len(cols))
    s.fit({0: 12})
    ws.set_column(1, len(cols), 9)
    ws.set_column(0, 0, max(s.widths.get(0, 8) + 2, 10))
    _print_setup(ws, HEADER_ROWS - 1, len(cols), repeat_cols=0)
    ws.repeat_columns(0, 0)
    return where


def _write_findings(wb: Any, f: dict[str, Any], o: Overview, where: dict[tuple[int, str], str]) -> None:
    ws = wb.add_worksheet(SHEETS["findings"])
    s = _Sheet(ws, cap=90)
    heads = [
        WORDS[k]
        for k in ("severity", "township", "issuer", "year", "rule", "message", "link", "expected", "actual")
    ]
    ws.write_row(0, 0, heads, f["head"])
    for i, fi in enumerate(o.findings, start=1):
        sev = SEVERITY.get(fi["severity"], fi["severity"])
        s.put(i, 0, sev, f["bad"] if fi["severity"] == "error" else None)
        s.put(i, 1, fi["township"])
        s.put(i, 2, fi["issuer"])
        s.put(i, 3, fi["year"])
        s.put(i, 4, fi["rule"])
        ws.write_string(i, 5, fi["message"], f["wrap"])
        ws.set_row(i, 14 * max(1, -(-_width(fi["message"]) // MESSAGE_WIDTH)))  # wrapped lines, as printed
        target = next(
            (where[(fi["report_id"], c)] for c in fi["cells"] if (fi["report_id"], c) in where), None
        )
        if target:
            ws.write_url(i, 6, f"internal:{target}", f["link"], string=target.split("!")[1])
        s.put(i, 7, fi["expected"], None, f["num"])
        s.put(i, 8, fi["actual"], None, f["num"])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(o.findings), 1), len(heads) - 1)
    s.fit({j: _width(h) for j, h in enumerate(heads)})
    ws.set_column(5, 5, MESSAGE_WIDTH + 2)
    ws.set_column(2, 2, 26)
    ws.set_column(3, 3, 8)
    ws.set_column(4, 4, 24)
    _print_setup(ws, 0, len(heads) - 1, repeat_cols=0)


def _write_sources(wb: Any, f: dict[str, Any], o: Overview) -> None:
    ws = wb.add_worksheet(SHEETS["sources"])
    s = _Sheet(ws, cap=70)
    keys = ("township", "issuer", "year", "part", "location", "format", "sha256", "parser_version", "version")
    heads = [WORDS[k if k != "format" else "format"] for k in keys]
    ws.write_row(0, 0, heads, f["head"])
    for i, src in enumerate(o.sources, start=1):
        for j, k in enumerate(keys):
            s.put(i, j, part_word(src[k]) if k == "part" else src[k])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(o.sources), 1), len(keys) - 1)
    s.fit({j: _width(h) for j, h in enumerate(heads)})
    _print_setup(ws, 0, len(keys) - 1, repeat_cols=0)


def _write_overrides(wb: Any, f: dict[str, Any], o: Overview) -> None:
    ws = wb.add_worksheet(SHEETS["overrides"])
    s = _Sheet(ws, cap=60)
    heads = [
        WORDS[k] for k in ("override_id", "township", "year", "cell", "printed", "analysed", "reason", "by")
    ]
    ws.write_row(0, 0, heads, f["head"])
    names = {t.report_id: t.township for t in o.townships}
    i = 1
    for (rid, tid, row, col), v in sorted(o.cells.items(), key=lambda kv: kv[1].override_id or 0):
        if v.override_id is None:
            continue
        ref = CellRef(tid, row, col)
        for j, value in enumerate(
            (
                v.override_id,
                names.get(rid),
                o.year,
                ref.label(),
                v.printed if v.printed is not None else v.marker,
                v.analysed,
                v.reason,
                v.by,
            )
        ):
            s.put(i, j, value, f["override"] if j == 5 else None)
        i += 1
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(i - 1, 1), len(heads) - 1)
    s.fit({j: _width(h) for j, h in enumerate(heads)})
    _print_setup(ws, 0, len(heads) - 1, repeat_cols=0)


def part_word(part: str | None) -> str:
    """document, page, attachment in the analysts' words."""
    return WORDS.get("page_part" if part == "page" else str(part), str(part or ""))


def _dt(value: Any) -> Any:
    from datetime import date, datetime

    return datetime(value.year, value.month, value.day) if isinstance(value, date) else value


__all__ = ["overview_rows", "table_columns", "write_workbook", "xl_col_to_name"]
