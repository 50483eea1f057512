"""Invented reports for the failure classes of issue 11, rendered in several text formats.

A `QuirkReport` is a whole report as rows of cells (the official layouts of templates.md, labels
taken from the template), with consistent numbers, and knows its own truth. Renderers turn it into
text one cell per line, HTML with every cell its own `<p>`, a real HTML table, or a run-together
single line. Each failure class is a small change to the rows (a label variant, a group label
broken over two lines, table 4 without a header...). All sentences are invented; numbers arbitrary.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import cast

from nianbao.schemas import TEMPLATE

Key = tuple[str, str, str]
Row = list[str]


def _t2_numbers(variant: str) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    k = 3
    for b in TEMPLATE.blocks:
        for r in b.rows[variant]:
            for c in b.columns[variant]:
                out[(r, c)] = str(k % 9 + (10 if c in ("in_force", "public_total") else 0))
                k += 1
    if variant == "2021":  # rules in force = 0 (townships enact none); keeps the sums honest
        out[("rules", "issued")], out[("rules", "repealed")], out[("rules", "in_force")] = "0", "0", "0"
    return out


def _t3_numbers(variant: str) -> dict[str, list[int]]:
    rows = [r.code for r in TEMPLATE.table("t3").rows_for(variant)]
    results = [r for r in TEMPLATE.table("t3").sets["results"] if r in rows]
    out: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        out[r] = [(i * 3 + j) % 4 if j < 2 else (1 if (i + j) % 7 == 0 else 0) for j in range(6)]
    total = [sum(out[r][j] for r in results) for j in range(6)]
    out["r7_total"] = total
    out["carry_over"] = [1, 0, 0, 0, 0, 0]
    out["carried_in"] = [2, 1, 0, 0, 0, 0]
    out["new"] = [total[j] + out["carry_over"][j] - out["carried_in"][j] for j in range(6)]
    return {r: v + [sum(v)] for r, v in out.items()}


T4_VALUES = ["2", "1", "0", "1", "4", "1", "0", "0", "2", "3", "0", "1", "0", "0", "1"]


@dataclass
class QuirkReport:
    """One invented report: its printed text lines and tables, and what a reader must find."""

    issuer: str = "青溪市云岭区人民政府枫林街道办事处"
    year: int = 2023
    variant: str = "2021"
    title_lines: list[str] = field(default_factory=list)
    t2_rows: list[Row] = field(default_factory=list)
    t3_rows: list[Row] = field(default_factory=list)
    t4_rows: list[Row] = field(default_factory=list)
    t3_spans: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, cell) -> rowspan
    truth: dict[Key, float | None] = field(default_factory=dict)

    # ------------------------------------------------------------------ building
    @classmethod
    def build(cls, variant: str = "2021", year: int = 2023) -> QuirkReport:
        """The official layout of the given table variant, numbers filled in, truth recorded."""
        q = cls(variant=variant, year=year)
        q.title_lines = [f"{q.issuer}{year}年政府信息公开工作年度报告"]
        t2 = _t2_numbers(variant)
        for b in TEMPLATE.blocks:
            cols = b.columns[variant]
            if not cols:
                continue
            q.t2_rows.append([b.label])
            q.t2_rows.append(
                ["信息内容", *(TEMPLATE.table("t2").column_by_code[c].label_for(variant) for c in cols)]
            )
            for r in b.rows[variant]:
                q.t2_rows.append(
                    [TEMPLATE.table("t2").row_by_code[r].label_for(variant), *(t2[(r, c)] for c in cols)]
                )
                for c in cols:
                    q.truth[("t2", r, c)] = float(t2[(r, c)])
        t3 = _t3_numbers(variant)
        q.t3_rows.append(
            ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]
        )
        q.t3_rows.append(["自然人", "法人或其他组织", "总计"])
        q.t3_rows.append(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])
        groups = {g.code: g.label for g in TEMPLATE.table("t3").groups}
        t3_rows = TEMPLATE.table("t3").rows_for(variant)
        n_results = sum(1 for r in t3_rows if r.code in TEMPLATE.table("t3").sets["results"]) + 1
        for t3row in t3_rows:
            label = t3row.label
            cells: Row = []
            if t3row.code == "r1_open":
                q.t3_spans[(len(q.t3_rows), 0)] = n_results
                cells.append(groups["results"])
            g = t3row.group_of
            if g and not (g == "六" and variant == "2019"):
                sub = label.split("）", 1)[1]
                if sub.startswith("1."):
                    size = sum(1 for r in t3_rows if r.group_of == g)
                    q.t3_spans[(len(q.t3_rows), len(cells))] = size
                    cells.append(groups[g])
                cells.append(sub)
            else:
                cells.append(label)
            q.t3_rows.append(cells + [str(v) for v in t3[t3row.code]])
            for col3, v in zip(TEMPLATE.table("t3").columns, t3[t3row.code], strict=True):
                q.truth[("t3", t3row.code, col3.code)] = float(v)
        q.t4_rows = [
            ["行政复议", "行政诉讼"],
            ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
            ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
            list(T4_VALUES),
        ]
        for i, r4 in enumerate(TEMPLATE.table("t4").rows):
            for j, c4 in enumerate(TEMPLATE.table("t4").columns):
                q.truth[("t4", r4.code, c4.code)] = float(T4_VALUES[i * 5 + j])
        return q

    def relabel(self, table: str, old: str, new: str) -> None:
        """Print one label cell of a table with other wording (a variant seen in real reports)."""
        rows = {"t2": self.t2_rows, "t3": self.t3_rows, "t4": self.t4_rows}[table]
        for row in rows:
            for i, c in enumerate(row):
                if c == old:
                    row[i] = new
                    return
        raise KeyError(old)

    # ------------------------------------------------------------------ the text around the tables
    def blocks(self) -> list[tuple[str, object]]:
        """("line", text) and ("table", rows) in reading order."""
        y = self.year
        out: list[tuple[str, object]] = [("line", t) for t in self.title_lines]
        out += [
            ("line", f"本报告由本街道办事处编制，统计期限为{y}年1月1日至{y}年12月31日。"),
            ("line", "一、总体情况"),
            ("line", "本年度街道持续推进政务公开，公开质量稳步提升，群众获得感不断增强。"),
            ("line", "二、主动公开政府信息情况"),
            ("table", self.t2_rows),
            ("line", "三、收到和处理政府信息公开申请情况"),
            ("table", self.t3_rows),
            ("line", "四、政府信息公开行政复议、行政诉讼情况"),
            ("table", self.t4_rows),
            ("line", "五、存在的主要问题及改进情况"),
            ("line", "公开内容的深度仍有不足，下一步将加强培训，提高公开质量。"),
            ("line", "六、其他需要报告的事项"),
            ("line", "本年度未收取信息处理费。"),
            ("line", self.issuer),
            ("line", f"{y + 1}年1月20日"),
        ]
        return out

    # ------------------------------------------------------------------ renderers
    def txt_cell_per_line(self) -> str:
        """Plain text, every table cell on its own line (quirk A)."""
        lines: list[str] = []
        for kind, item in self.blocks():
            if kind == "line":
                lines.append(str(item))
            else:
                lines += [c for row in cast(list[Row], item) for c in row]
        return "\n".join(lines) + "\n"

    def html_p_per_cell(self) -> str:
        """An HTML page with every table cell its own `<p>` (Word-pasted, tables flattened)."""
        body: list[str] = []
        for kind, item in self.blocks():
            if kind == "line":
                body.append(f"<p>{html.escape(str(item))}</p>")
            else:
                body += [f"<p>{html.escape(c)}</p>" for row in cast(list[Row], item) for c in row]
        return _page(self.title_lines[0] if self.title_lines else "", body)

    def html_table(self) -> str:
        """An HTML page with real `<table>`s, one `<tr>` per printed row (spans left out)."""
        body: list[str] = []
        for kind, item in self.blocks():
            if kind == "line":
                body.append(f"<p>{html.escape(str(item))}</p>")
            else:
                body.append("<table border='1'>")
                for row in cast(list[Row], item):
                    body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
                body.append("</table>")
        return _page(self.title_lines[0] if self.title_lines else "", body)

    def html_grid(self) -> str:
        """An HTML page with real `<table>`s whose table-3 group labels span their rows (rowspan)."""
        body: list[str] = []
        for kind, item in self.blocks():
            if kind == "line":
                body.append(f"<p>{html.escape(str(item))}</p>")
                continue
            body.append("<table border='1'>")
            for r, row in enumerate(cast(list[Row], item)):
                tds = []
                for i, c in enumerate(row):
                    span = self.t3_spans.get((r, i)) if item is self.t3_rows else None
                    attr = f" rowspan='{span}'" if span else ""
                    tds.append(f"<td{attr}>{html.escape(c)}</td>")
                body.append("<tr>" + "".join(tds) + "</tr>")
            body.append("</table>")
        return _page(self.title_lines[0] if self.title_lines else "", body)

    def markdown(self) -> str:
        """A markdown conversion: one `| a | b |` row per printed row, a `|---|` rule under the first."""
        lines: list[str] = []
        for kind, item in self.blocks():
            if kind == "line":
                lines += [str(item), ""]
                continue
            for r, row in enumerate(cast(list[Row], item)):
                lines.append("| " + " | ".join(row) + " |")
                if r == 0:
                    lines.append("|" + "---|" * len(row))
            lines.append("")
        return "\n".join(lines) + "\n"

    def run_together(self, t4_sep: str = " ") -> str:
        """The whole report on one line, cells concatenated; table 4's values joined by `t4_sep`."""
        parts: list[str] = []
        for kind, item in self.blocks():
            if kind == "line":
                parts.append(str(item))
            elif item is self.t4_rows:
                rows = cast(list[Row], item)
                parts.append("".join(c for row in rows[:-1] for c in row))
                parts.append(t4_sep.join(rows[-1]))
            else:
                parts.append("".join(c for row in cast(list[Row], item) for c in row))
        return "".join(parts) + "\n"


def _page(title: str, body: list[str]) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
        + html.escape(title)
        + "</title></head><body><div class='article'>"
        + "\n".join(body)
        + "</div></body></html>"
    )


def found(report: object) -> dict[Key, float | None]:
    """(table, row, col) -> value of a Report's cells."""
    return {c.key: c.value for c in report.cells}  # type: ignore[attr-defined]
