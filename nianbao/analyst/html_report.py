"""The district report page: one self-contained HTML file (inline CSS and SVG, no network, no script).

It holds the overview table (the same model as the workbook's 概览: analyst.tables), two bar
charts, the checklist (问题清单, errors first), the reading notes (读取记录), the sources and the
corrections (更正记录, with their dates); a corrected figure shows its printed value beside it, as
the legend says. It can be sent as an e-mail attachment and opened anywhere.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from nianbao.analyst.district import Overview, Township
from nianbao.analyst.tables import (
    checklist,
    checklist_counts,
    correction_columns,
    corrections,
    overview_columns,
    overview_rows,
    part_word,
    printed_figure,
    rank_class,
    reading_notes,
)
from nianbao.analyst.words import CHARTED, MIN_RATE_BASE, RATES, SEVERITY, SHEETS, WORDS

CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:2px solid #5B9BD5}
table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #bbb;padding:3px 6px}td{white-space:nowrap}
th{background:#DDEBF7;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.missing td{background:#D9D9D9}td.bad{background:#FFC7CE}td.fixed{background:#FFEB9C}td.good{background:#C6EFCE}
span.printed{color:#7F6000;font-size:11px;margin-left:4px}td.wrap{white-space:normal;max-width:520px}
tr.total td{font-weight:bold;border-top:2px solid #333}.legend span{display:inline-block;width:14px;height:14px;
margin:0 6px 0 16px;vertical-align:middle}li.error{color:#9C0006}.charts{display:flex;gap:24px;flex-wrap:wrap}
@media print{th{position:static}}
"""


def _fmt(value: Any, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and key.startswith("rate:"):
        return f"{value:.1%}"
    if isinstance(value, float):
        text = f"{value:+g}" if key.startswith("chg:") and value else f"{value:g}"
        return text
    if isinstance(value, int) and key.startswith("chg:") and value:
        return f"{value:+d}"
    return str(value)


def bar_chart(title: str, labels: list[str], values: list[float | None], percent: bool = False) -> str:
    """An inline SVG bar chart; a blank value draws no bar and is labelled as blank."""
    width, bar, gap, top, height = 60 + len(labels) * 64, 40, 24, 40, 200
    peak = max([v for v in values if v is not None] + [1e-9])
    parts = [
        f'<svg width="{width}" height="{top + height + 50}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="40" y1="{top + height}" x2="{width - 10}" y2="{top + height}" stroke="#555"/>',
    ]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        x = 50 + i * (bar + gap)
        h = 0 if v is None else height * v / peak
        text = WORDS["blank"] if v is None else (f"{v:.0%}" if percent else f"{v:g}")
        parts.append(
            f'<rect class="bar" data-label="{escape(label)}" data-value="{"" if v is None else v}" x="{x}" '
            f'y="{top + height - h:.1f}" width="{bar}" height="{h:.1f}" fill="#5B9BD5"/>'
        )
        parts.append(
            f'<text x="{x + bar / 2}" y="{top + height - h - 4:.1f}" text-anchor="middle" font-size="11">{text}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2}" y="{top + height + 16}" text-anchor="middle" font-size="11">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(o: Overview) -> str:
    """The page as a string."""
    title = WORDS["overview_title"].format(district=o.district, year=o.year)
    cols = overview_columns()
    heads, rows = overview_rows(o)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing may load from the network: a stray reference becomes a console error in tests.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<h2>{escape(SHEETS["overview"])}</h2><table id="overview"><thead><tr>',
        "".join(f"<th>{escape(h)}</th>" for h in heads),
        "</tr></thead><tbody>",
    ]
    for t, row in zip(o.townships, rows, strict=True):
        cls = ' class="missing"' if t.report_id is None else ""
        out.append(f'<tr{cls} data-township="{escape(t.township)}">')
        for (key, _h), v in zip(cols, row, strict=True):
            css = ["num"] if isinstance(v, int | float) else []
            if key == "errors" and v:
                css.append("bad")
            note = ""
            if key.startswith("fig:") and key[4:] in t.overridden:
                css.append("fixed")
                note = _printed_note(o, t, key[4:])
            if key.startswith("rank:") and (rc := rank_class(o, t, key[5:])):
                css.append(rc)
            attr = f' class="{" ".join(css)}"' if css else ""
            out.append(f'<td data-key="{escape(key)}"{attr}>{escape(_fmt(v, key))}{note}</td>')
        out.append("</tr>")
    out.append('<tr class="total">')
    for key, _h in cols:
        total: Any = None
        if key == "township":
            total = WORDS["total"]
        elif key.startswith("fig:"):
            total = o.total(key[4:])
        elif key in ("errors", "warnings", "infos"):
            total = sum(c[key] for c in checklist_counts(o).values())
        out.append(f'<td data-key="{escape(key)}" class="num">{escape(_fmt(total, key))}</td>')
    out.append("</tr></tbody></table>")
    out.append(
        f'<p class="legend">{escape(WORDS["legend"])}：<span style="background:#FFC7CE"></span>{escape(WORDS["legend_error"])}'
        f'<span style="background:#FFEB9C"></span>{escape(WORDS["legend_override"])}'
        f'<span style="background:#D9D9D9"></span>{escape(WORDS["legend_missing"])}'
        f'<span style="background:#C6EFCE"></span>{escape(WORDS["legend_rank"])}'
        f'<span style="background:#FFC7CE"></span>{escape(WORDS["legend_rank_bad"])}</p>'
        f"<p>{escape(WORDS['base_note'].format(n=MIN_RATE_BASE))}</p>"
    )
    names = [t.township for t in o.townships]
    headline = CHARTED
    rate = RATES[0]
    out.append('<div class="charts">')
    out.append(bar_chart(WORDS["chart_title"], names, [t.figures.get(headline.key) for t in o.townships]))
    out.append(
        bar_chart(
            rate.label, names, [t.rates.get(rate.key, (None, None, None))[2] for t in o.townships], True
        )
    )
    out.append("</div>")
    for title, none, items, list_id in (
        (WORDS["findings_title"], WORDS["findings_none"], checklist(o), "findings"),
        (WORDS["notes_title"], WORDS["notes_none"], reading_notes(o), "notes"),
    ):
        out.append(f'<h2>{escape(title)}</h2><ol id="{list_id}">')
        for f in items:
            out.append(
                f'<li class="{escape(f["severity"])}" data-rule="{escape(f["rule"])}">'
                f"<b>{escape(SEVERITY.get(f['severity'], f['severity']))}</b> "
                f"{escape(f['township'] or f['issuer'] or '')}：{escape(f['message'])}</li>"
            )
        if not items:
            out.append(f"<li>{escape(none)}</li>")
        out.append("</ol>")
    out.append(f'<h2>{escape(WORDS["sources_title"])}</h2><table id="sources"><thead><tr>')
    keys = ("township", "issuer", "part", "location", "format", "sha256", "parser_version", "version")
    out.append("".join(f"<th>{escape(WORDS[k])}</th>" for k in keys) + "</tr></thead><tbody>")
    for s in o.sources:
        values = [part_word(s[k]) if k == "part" else s[k] for k in keys]
        out.append(
            "<tr>" + "".join(f"<td>{escape(str(v if v is not None else ''))}</td>" for v in values) + "</tr>"
        )
    out.append("</tbody></table>")
    out += _corrections(o)
    out.append("</body></html>")
    return "\n".join(out)


def _printed_note(o: Overview, t: Township, key: str) -> str:
    """The printed value of a corrected figure, shown beside it."""
    printed = printed_figure(o, t, key)
    text = WORDS["blank"] if printed is None else _fmt(printed, "fig:")
    return f'<span class="printed">{escape(WORDS["printed"])} {escape(text)}</span>'


def _corrections(o: Overview) -> list[str]:
    """更正记录: every correction of the year's cells, who made it, when and why."""
    rows = corrections(o)
    out = [f"<h2>{escape(WORDS['overrides_title'])}</h2>"]
    if not rows:
        return [*out, f'<p id="overrides">{escape(WORDS["overrides_none"])}</p>']
    out.append('<table id="overrides"><thead><tr>')
    out.append("".join(f"<th>{escape(h)}</th>" for h in correction_columns()) + "</tr></thead><tbody>")
    for c in rows:
        at = c.at.strftime("%Y-%m-%d %H:%M") if hasattr(c.at, "strftime") else str(c.at or "")
        values = (c.override_id, c.township, c.year, c.cell, c.printed, c.analysed, c.reason, c.by, at)
        out.append(
            "<tr>"
            + "".join(
                f"<td{' class=num' if isinstance(v, int | float) else ''}>{escape(_fmt(v, ''))}</td>"
                for v in values
            )
            + "</tr>"
        )
    out.append("</tbody></table>")
    return out


def write_html(o: Overview, path: Path) -> Path:
    """Write the page to `path` (UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(o), encoding="utf-8")
    return path
