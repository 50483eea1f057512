"""The district workbook an officer sends (xlsxwriter): 概览, a sheet per table and form, 问题清单, 读取记录, 来源, 更正记录.

The model (columns, units, layouts, ranks, corrections) is analyst.tables, shared with the HTML page.
Every sheet prints readably: landscape A4 at a fixed scale (body >= 8 pt, never shrunk to one page
wide), headers wrapped (row heights fitted) and repeated on every page with the township column,
a footer with 制表日期 and page numbers. A blank cell stays blank, 0 stays 0, a printed marker
(-, 无) stays text. Values are ANALYSED values; a corrected cell is yellow with the printed value in
its comment.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from nianbao.analyst.district import Overview
from nianbao.analyst.tables import (
    Layout,
    checklist,
    checklist_counts,
    column_headers,
    correction_columns,
    corrections,
    overview_columns,
    overview_rows,
    overview_value,
    part_word,
    printed_figure,
    printed_note,
    rank_class,
    reading_notes,
    table_columns,
    table_layouts,
)
from nianbao.analyst.words import (
    _DATA,
    CHARTED,
    FIXES,
    MIN_RATE_BASE,
    RATES,
    SEVERITY,
    SHEETS,
    WORDS,
)

A4 = 9
HEADER_ROWS = 2  # table sheets: row label, then column label
MESSAGE_WIDTH = 38  # 问题清单: the message column, in half-width characters
FONT_SIZE = int(_DATA["settings"]["font_size"])
PRINT_SCALE = int(_DATA["settings"]["print_scale"])
LINE_HEIGHT = FONT_SIZE * 1.45  # points per wrapped line
COLUMNS_PER_PAGE = 10  # value columns (10 characters wide) that fit one landscape A4 page beside the township


def _width(value: Any) -> int:
    text = (
        f"{value:.1%}"
        if isinstance(value, float) and value < 1.01
        else str(value if value is not None else "")
    )
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Sheet:
    """A worksheet that remembers the widest text of each column, to fit widths at the end."""

    def __init__(self, ws: Any, cap: int = 12, base: Any = None, num: Any = None) -> None:
        self.ws, self.cap, self.base, self.num = ws, cap, base, num
        self.widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Any, fmt: Any = None, num_fmt: Any = None) -> None:
        if value is None:
            if fmt is not None:
                self.ws.write_blank(row, col, None, fmt)
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.ws.write_string(row, col, str(value), fmt or self.base)
        else:
            self.ws.write_number(row, col, value, num_fmt or fmt or self.num)
        self.widths[col] = max(self.widths.get(col, 0), _width(value))

    def fit(self, header_widths: dict[int, int] | None = None) -> dict[int, int]:
        """Set each column's width to its widest text (within 6..cap); returns the widths set."""
        out = {}
        for col, w in {**(header_widths or {}), **self.widths}.items():
            w = max(w, (header_widths or {}).get(col, 0))
            out[col] = min(max(w + 2, 6), self.cap)
            self.ws.set_column(col, col, out[col])
        return out


def _lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide."""
    return max(1, -(-_width(text) // max(1, int(width) - 1)))


def _header_height(labels: list[tuple[str, float]]) -> float:
    """The height (points) of a header row whose wrapped labels (text, column width) must all show."""
    return LINE_HEIGHT * max([_lines(t, w) for t, w in labels] or [1]) + 4


def _print_setup(ws: Any, header_last_row: int, repeat_cols: int | None, title: str) -> None:
    """Landscape A4 at a fixed scale, header rows (and the township column) on every page, a footer."""
    ws.set_landscape()
    ws.set_paper(A4)
    ws.set_print_scale(PRINT_SCALE)
    ws.repeat_rows(0, header_last_row)
    if repeat_cols is not None:
        ws.repeat_columns(0, repeat_cols)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
    ws.set_header(f"&L&{FONT_SIZE}{_footer_text(title)}")
    ws.set_footer(
        f"&L&{FONT_SIZE}{WORDS['prepared']}：{date.today().isoformat()}"
        f"&R&{FONT_SIZE}{_footer_text(WORDS['page_footer'])}"
    )


def _footer_text(text: str) -> str:
    """Header/footer text: '&' is a control character there (the page codes &P, &N are kept)."""
    return text.replace("&", "&&").replace("&&P", "&P").replace("&&N", "&N")


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
        title = WORDS["overview_title"].format(district=overview.district, year=overview.year)
        _write_overview(wb, f, overview, title)
        cell_pos: dict[tuple[int, str], str] = {}
        for layout in table_layouts(overview):
            cell_pos.update(_write_table(wb, f, overview, layout, title))
        _write_findings(wb, f, checklist(overview), cell_pos, SHEETS["findings"], title, with_values=True)
        _write_findings(wb, f, reading_notes(overview), cell_pos, SHEETS["notes"], title, with_values=False)
        _write_sources(wb, f, overview, title)
        _write_overrides(wb, f, overview, title)
    finally:
        wb.close()
    return path


def _formats(wb: Any) -> dict[str, Any]:
    base = {"font_name": "Noto Sans CJK SC", "font_size": FONT_SIZE, "valign": "vcenter"}
    num = {**base, "num_format": "#,##0.###"}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": FONT_SIZE + 4}),
        "head": wb.add_format(
            {**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center"}
        ),
        "text": wb.add_format(base),
        "num": wb.add_format(num),
        "year": wb.add_format({**base, "num_format": "0", "align": "center"}),
        "signed": wb.add_format({**base, "num_format": "+#,##0.###;-#,##0.###;0"}),
        "pct": wb.add_format({**base, "num_format": "0.0%"}),
        "date": wb.add_format({**base, "num_format": "yyyy-mm-dd"}),
        "datetime": wb.add_format({**base, "num_format": "yyyy-mm-dd hh:mm"}),
        "total": wb.add_format({**base, "bold": True, "top": 2, "num_format": "#,##0.###"}),
        "override": wb.add_format({**num, "bg_color": "#FFEB9C"}),
        "error": wb.add_format({**num, "bg_color": "#FFC7CE"}),
        "missing": wb.add_format({**base, "bg_color": "#D9D9D9"}),
        "good": wb.add_format({**num, "bg_color": "#C6EFCE"}),
        "bad": wb.add_format({**num, "bg_color": "#FFC7CE"}),
        "link": wb.add_format({**base, "font_color": "#0563C1", "underline": 1}),
        "wrap": wb.add_format({**base, "text_wrap": True}),
    }


def _write_overview(wb: Any, f: dict[str, Any], o: Overview, title: str) -> None:
    ws = wb.add_worksheet(SHEETS["overview"])
    s = _Sheet(ws, base=f["text"], num=f["num"])
    cols = overview_columns()
    ws.write(0, 0, title, f["title"])
    head = 2
    for j, (_k, label) in enumerate(cols):
        ws.write_string(head, j, label, f["head"])
    first = head + 1
    counts = checklist_counts(o)
    for i, t in enumerate(o.townships):
        r = first + i
        missing = t.report_id is None
        for j, (key, _label) in enumerate(cols):
            v = overview_value(t, key, counts)
            fmt = f["missing"] if missing else None
            if key.startswith("rate:"):
                s.put(r, j, v, fmt, f["pct"])
            elif key.startswith("rank:"):
                cls = rank_class(o, t, key[5:])
                s.put(r, j, v, f[cls] if cls else fmt)
            elif key.startswith("chg:"):
                s.put(r, j, v, fmt, f["signed"])
            elif key == "published" and v is not None:
                ws.write_datetime(r, j, _dt(v), f["date"])
                s.widths[j] = 10
            elif key.startswith("fig:") and key[4:] in t.overridden:
                s.put(r, j, v, f["override"])
                printed = printed_figure(o, t, key[4:])
                ws.write_comment(
                    r, j, f"{WORDS['printed']}: {WORDS['blank'] if printed is None else f'{printed:g}'}"
                )
            elif key == "errors" and v:
                s.put(r, j, v, f["bad"])
            else:
                s.put(r, j, v, fmt, f["num"])
    last = first + len(o.townships) - 1
    total_row = last + 1
    ws.write_string(total_row, 1, WORDS["total"], f["total"])
    for j, (key, _label) in enumerate(cols):
        if key.startswith("fig:"):
            s.put(total_row, j, o.total(key[4:]), f["total"])
        elif key in ("errors", "warnings", "infos"):
            s.put(total_row, j, sum(c[key] for c in counts.values()), f["total"])
    col_of = {k: j for j, (k, _l) in enumerate(cols)}
    for rate in RATES:
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
        (WORDS["legend_rank_bad"], f["bad"]),
        (WORDS["base_note"].format(n=MIN_RATE_BASE), None),
    ]
    for i, (text, fmt) in enumerate(notes, start=1):
        if fmt is not None:
            ws.write_blank(legend + i, 0, None, fmt)
        ws.write_string(legend + i, 1, text, f["text"])
    widths = s.fit({j: 8 for j in range(len(cols))})
    widths[col_of["region_code"]] = 14  # 12 digits, never cut
    ws.set_column(col_of["region_code"], col_of["region_code"], 14)
    ws.set_row(head, _header_height([(label, widths.get(j, 8)) for j, (_k, label) in enumerate(cols)]))
    if o.townships:
        chart = wb.add_chart({"type": "column"})
        key = CHARTED.key
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
        chart.set_size({"width": 640, "height": 240})
        ws.insert_chart(legend + len(notes) + 2, 2, chart)  # right of the repeated columns
    _print_setup(ws, head, 1, title)
    ws.repeat_rows(head, head)


def _write_table(
    wb: Any, f: dict[str, Any], o: Overview, layout: Layout, title: str
) -> dict[tuple[int, str], str]:
    """One sheet per table and form: townships as rows, printed labels (with units) as columns.

    Returns cell -> A1 reference, for the checklist's links.
    """
    ws = wb.add_worksheet(layout.title[:31])
    s = _Sheet(ws, cap=18, base=f["text"], num=f["num"])
    cols = layout.columns
    heads = column_headers(layout)
    ws.merge_range(0, 0, 1, 0, WORDS["township"], f["head"])
    width = 10
    # Row labels over their columns (merged where a row spans several), column labels below.
    j = 0
    while j < len(cols):
        k = j
        while k + 1 < len(cols) and cols[k + 1].row == cols[j].row:
            k += 1
        if k > j:
            ws.merge_range(0, 1 + j, 0, 1 + k, heads[j][0], f["head"])
        else:
            ws.write_string(0, 1 + j, heads[j][0], f["head"])
        j = k + 1
    for j, (_row, col) in enumerate(heads):
        ws.write_string(1, 1 + j, col, f["head"])
    row_spans: dict[str, int] = {}
    for ref in cols:
        row_spans[ref.row] = row_spans.get(ref.row, 0) + 1
    ws.set_row(
        0, _header_height([(h[0], width * row_spans[ref.row]) for h, ref in zip(heads, cols, strict=True)])
    )
    ws.set_row(1, _header_height([(h[1], width) for h in heads]))
    flagged = {
        (fi["report_id"], code)
        for fi in o.findings
        if fi["severity"] == "error" and not fi.get("note")
        for code in fi["cells"]
    }
    where: dict[tuple[int, str], str] = {}
    r = HEADER_ROWS
    shown = set(layout.report_ids)
    first_of_table = next(x for x in table_layouts(o) if x.table == layout.table).key == layout.key
    for tw in o.townships:
        if tw.report_id is None:
            if first_of_table:
                s.put(r, 0, tw.township, f["missing"])
                for j in range(len(cols)):
                    ws.write_blank(r, 1 + j, None, f["missing"])
                r += 1
            continue
        if tw.report_id not in shown:
            continue
        s.put(r, 0, tw.township, f["text"])
        for j, ref in enumerate(cols):
            where[(tw.report_id, ref.code)] = f"'{ws.name}'!{xl_rowcol_to_cell(r, 1 + j)}"
            v = o.cells.get((tw.report_id, ref.table, ref.row, ref.col))
            if v is None:
                continue
            fmt = f["num"]
            if (tw.report_id, ref.code) in flagged:
                fmt = f["error"]
            if v.override_id is not None:
                fmt = f["override"]
                ws.write_comment(r, 1 + j, printed_note(v))
            if v.analysed is not None:
                s.put(r, 1 + j, v.analysed, fmt)
            elif v.marker is not None:
                s.put(r, 1 + j, v.marker, fmt)
            elif fmt is not f["num"]:
                ws.write_blank(r, 1 + j, None, fmt)
        r += 1
    s.put(r, 0, WORDS["total"], f["total"])
    for j, ref in enumerate(cols):
        values = [o.cells.get((rid, ref.table, ref.row, ref.col)) for rid in layout.report_ids]
        nums = [v.analysed if v else None for v in values]
        total = None if not nums or any(n is None for n in nums) else sum(n for n in nums if n is not None)
        s.put(r, 1 + j, total, f["total"])
    last = r - 1
    ws.freeze_panes(HEADER_ROWS, 1)
    ws.autofilter(1, 0, max(last, 1), len(cols))
    ws.set_column(1, len(cols), width)
    ws.set_column(0, 0, max(s.widths.get(0, 8) + 2, 10))
    _print_setup(ws, HEADER_ROWS - 1, 0, title)
    breaks = _page_breaks(cols)
    if breaks:
        ws.set_v_pagebreaks(breaks)
    return where


def _page_breaks(cols: list[Any]) -> list[int]:
    """Sheet columns to start a new page at, so that no printed row label (merged over its columns)
    is split between two pages: whole row groups, greedily, COLUMNS_PER_PAGE a page."""
    groups: list[int] = []  # sizes of consecutive runs of one row
    for j, ref in enumerate(cols):
        if j and ref.row == cols[j - 1].row:
            groups[-1] += 1
        else:
            groups.append(1)
    breaks, used, start = [], 0, 1
    for size in groups:
        if used and used + size > COLUMNS_PER_PAGE:
            breaks.append(start)
            used = 0
        used += size
        start += size
    return breaks


def _write_findings(
    wb: Any,
    f: dict[str, Any],
    items: list[dict[str, Any]],
    where: dict[tuple[int, str], str],
    name: str,
    title: str,
    with_values: bool,
) -> None:
    """问题清单 (with 应为 / 计算值 / 印载) or 读取记录 (messages only), errors first, linked to the cells."""
    ws = wb.add_worksheet(name)
    s = _Sheet(ws, cap=90, base=f["text"], num=f["num"])
    keys = ["severity", "township", "issuer", "year", "rule", "message", "link"]
    if with_values:
        keys += ["expected", "computed", "actual"]
    heads = [WORDS[k] for k in keys]
    widths = {"severity": 6, "township": 9, "issuer": 12, "year": 6, "rule": 19, "message": MESSAGE_WIDTH}
    widths |= {"link": 7, "expected": 7, "computed": 8, "actual": 7}
    ws.write_row(0, 0, heads, f["head"])
    ws.set_row(0, _header_height([(h, widths[k]) for h, k in zip(heads, keys, strict=True)]))
    for i, fi in enumerate(items, start=1):
        sev = SEVERITY.get(fi["severity"], fi["severity"])
        s.put(i, 0, sev, f["bad"] if fi["severity"] == "error" else None)
        s.put(i, 1, fi["township"])
        ws.write_string(i, 2, fi["issuer"] or "", f["wrap"])
        s.put(i, 3, fi["year"], f["year"])
        s.put(i, 4, fi["rule"])
        ws.write_string(i, 5, fi["message"], f["wrap"])
        lines = max(_lines(fi["message"], MESSAGE_WIDTH), _lines(fi["issuer"] or "", widths["issuer"]))
        ws.set_row(i, LINE_HEIGHT * lines + 2)  # wrapped lines, as printed
        target = next(
            (where[(fi["report_id"], c)] for c in fi["cells"] if (fi["report_id"], c) in where), None
        )
        if target:
            ws.write_url(i, 6, f"internal:{target}", f["link"], string=target.split("!")[1])
        if with_values:
            fix = fi["rule"] in FIXES
            s.put(i, 7, fi["expected"] if fix else None, None, f["num"])
            s.put(i, 8, None if fix else fi["expected"], None, f["num"])
            s.put(i, 9, fi["actual"], None, f["num"])
    if not items:
        ws.write_string(1, 5, WORDS["findings_none" if with_values else "notes_none"], f["text"])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(items), 1), len(heads) - 1)
    for j, k in enumerate(keys):
        ws.set_column(j, j, widths[k])
    _print_setup(ws, 0, None, title)


def _write_sources(wb: Any, f: dict[str, Any], o: Overview, title: str) -> None:
    ws = wb.add_worksheet(SHEETS["sources"])
    s = _Sheet(ws, cap=40, base=f["text"], num=f["num"])
    keys = ("township", "issuer", "year", "part", "location", "format", "sha256", "parser_version", "version")
    heads = [WORDS[k] for k in keys]
    ws.write_row(0, 0, heads, f["head"])
    wrap = {"issuer", "location", "sha256"}
    for i, src in enumerate(o.sources, start=1):
        lines = 1
        for j, k in enumerate(keys):
            value = part_word(src[k]) if k == "part" else src[k]
            if k in wrap:
                ws.write_string(i, j, str(value or ""), f["wrap"])
                lines = max(lines, _lines(str(value or ""), {"issuer": 16, "location": 40, "sha256": 18}[k]))
            else:
                s.put(i, j, value, f["year"] if k in ("year", "version") else None)
        ws.set_row(i, LINE_HEIGHT * lines + 2)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(o.sources), 1), len(keys) - 1)
    s.fit({j: _width(h) for j, h in enumerate(heads)})
    ws.set_column(1, 1, 16)
    ws.set_column(4, 4, 40)
    ws.set_column(6, 6, 18)
    _print_setup(ws, 0, None, title)


def _write_overrides(wb: Any, f: dict[str, Any], o: Overview, title: str) -> None:
    """更正记录: every correction applied this year, who made it, when and why."""
    ws = wb.add_worksheet(SHEETS["overrides"])
    s = _Sheet(ws, cap=40, base=f["text"], num=f["num"])
    heads = correction_columns()
    ws.write_row(0, 0, heads, f["head"])
    i = 0
    for i, c in enumerate(corrections(o), start=1):
        values = (c.override_id, c.township, c.year, c.cell, c.printed, c.analysed, c.reason, c.by)
        for j, value in enumerate(values):
            s.put(i, j, value, f["override"] if j == 5 else f["year"] if j == 2 else None)
        if c.at is not None:
            ws.write_datetime(i, 8, _dt(c.at), f["datetime"])
            s.widths[8] = 16
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(i, 1), len(heads) - 1)
    s.fit({j: _width(h) for j, h in enumerate(heads)})
    _print_setup(ws, 0, None, title)


def _dt(value: Any) -> Any:
    from datetime import datetime

    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime(value.year, value.month, value.day) if isinstance(value, date) else value


__all__ = [
    "overview_columns",
    "overview_rows",
    "part_word",
    "table_columns",
    "write_workbook",
    "xl_col_to_name",
]
