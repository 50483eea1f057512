"""Layouts of tables 2, 3 and 4 (templates.md §1-§2) with a report's printed labels and values.

Canonical labels come from TEMPLATE; a report's quirks only change how a label is printed
(`Labels`), the grid style of table 2, and the order of the block-（一） columns.
"""

from __future__ import annotations

from nianbao.schemas import TEMPLATE
from samplegen.doc import Table
from samplegen.plan import Spec
from samplegen.printed import Printed

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
HUBEI_EXTRA = "其他主动公开文件（含以本乡或乡办公室名义印发的通知、方案、公告等）"
HUBEI_ROWS = {
    "规章": "规章（仅设区的市级以上人民政府填报）",
    "规范性文件": "规范性文件（以本级政府或其办公室名义印发、具有普遍约束力的文件）",
}
HUBEI_COLS = {
    "上一年项目数量": "上一年项目数量（指{prev}年底事项数）",
    "本年增/减": "本年增/减（指{year}年增加或减少的事项数，减少用负数）",
    "处理决定数量": "处理决定数量（指{year}年办件量）",
}


class Labels:
    """How one report prints the canonical labels."""

    def __init__(self, spec: Spec, docx: bool = False) -> None:
        self.spec = spec
        m: dict[str, str] = {}
        if docx:  # the official Word template splits these header cells over two paragraphs
            m |= {"商业企业": "商业\n企业", "科研机构": "科研\n机构"}
        if spec.has("label_split_cell"):
            m |= {
                "本年新制作数量": "本年新\n制作数量",
                "本年新公开数量": "本年新\n公开数量",
                "对外公开总数量": "对外公开\n总数量",
                "本年制发件数": "本年制发\n件数",
                "现行有效件数": "现行有效\n件数",
            }
        if spec.has("label_space"):
            m |= {"商业企业": "商业 企业", "科研机构": "科研 机构"}
        if spec.has("group_label_breaks"):
            m |= {"（三）不予公开": "（三）\n\n不予公开", "（四）无法提供": "（四）\n无法提供"}
        if spec.has("other6_short"):
            m |= {"（六）其他处理": "（六）其他"}
        if spec.has("carry_next_year_label"):
            m |= {"四、结转下年度继续办理": "四、结转下一年度继续办理"}
        if spec.has("heji_total"):
            m |= {"总计": "合计"}
        if spec.has("normative_2019_label_in_2021"):
            m |= {"行政规范性文件": "规范性文件"}
        if spec.has("parens_dropped"):
            m |= {"本年收费金额（单位：万元）": "本年收费金额单位:万元"}
        if spec.has("hubei_extra_row"):
            m |= HUBEI_ROWS | {k: v.format(prev=spec.year - 1, year=spec.year) for k, v in HUBEI_COLS.items()}
        self.map = m

    def __call__(self, canonical: str) -> str:
        return self.map.get(canonical, canonical)

    def caption(self, item: str) -> str:
        if self.spec.has("parens_dropped"):
            return "第二十条第"
        if self.spec.has("halfwidth_parens"):
            return f"第二十条第({item})项"
        return f"第二十条第（{item}）项"


def _col_label(code: str, variant: str) -> str:
    return TEMPLATE.of_kind("blocks").column_by_code[code].label_for(variant)


def _row_label(code: str, variant: str) -> str:
    return TEMPLATE.of_kind("blocks").row_by_code[code].label_for(variant)


def table2(p: Printed, lab: Labels) -> Table:
    """Table 2 in the report's variant. Standard grid: 4 columns; 上海 style: 5 columns with
    header and data rows using different colspans."""
    v = p.v2
    wide = lab.spec.has("colspan_mismatch")
    t = Table(TEMPLATE.of_kind("blocks").id, 5 if wide else 4)
    r = 0
    for b in TEMPLATE.blocks:
        cols = list(b.columns[v])
        if not cols:
            continue
        if b.item == "一" and lab.spec.has("t2_cols_scrambled"):
            cols = [cols[0], cols[2], cols[1]]
        t.add(r, 0, lab.caption(b.item), cs=t.width)
        r += 1
        head_spans, data_spans = _spans(len(cols), t.width, b.item, wide)
        t.add(r, 0, "信息内容")
        c0 = 1
        for code, span in zip(cols, head_spans, strict=True):
            t.add(r, c0, lab(_col_label(code, v)), cs=span)
            c0 += span
        r += 1
        rows: list[tuple[str, list[str]]] = [
            (lab(_row_label(row, v)), [p.t2[(row, c)] for c in cols]) for row in b.rows[v]
        ]
        if b.item == "一" and p.extra_t2:
            rows.append((HUBEI_EXTRA, [p.extra_t2[c] for c in cols]))
        for label, values in rows:
            t.add(r, 0, label)
            c0 = 1
            for val, span in zip(values, data_spans, strict=True):
                t.add(r, c0, val, cs=span, value=True)
                c0 += span
            r += 1
    return t


def _spans(n: int, width: int, item: str, wide: bool) -> tuple[list[int], list[int]]:
    """Colspans of the header and data cells of a block after the 信息内容 column."""
    free = width - 1
    if not wide:
        spans = [1] * (n - 1) + [free - (n - 1)]
        return spans, spans
    shanghai = {  # header spans, data spans on a 5-column grid (4 free columns)
        "一": ([1, 1, 2], [1, 1, 2]),
        "五": ([1, 2, 1], [2, 1, 1]),
        "六": ([1, 2, 1], [2, 1, 1]),
        "八": ([1, 3], [2, 2]),
        "九": ([2, 2], [1, 3]),
    }
    return shanghai[item]


def _t3_row_text(code: str) -> tuple[str | None, str]:
    """(group code, label printed in the sub-item column) of a table-3 row."""
    row = TEMPLATE.of_kind("groups").row_by_code[code]
    for g in TEMPLATE.of_kind("groups").groups:
        if g.code in "三四五六" and row.label.startswith(f"（{g.code}）") and row.label[3:4].isdigit():
            return g.code, row.label[3:]
    return None, row.label


def table3(p: Printed, lab: Labels) -> Table:
    """Table 3: 3 label columns + 7 value columns, with the official merges."""
    t = Table(TEMPLATE.of_kind("groups").id, 10)
    note = "" if lab.spec.has("t3_note_missing") else T3_NOTE
    t.add(0, 0, note, rs=3, cs=3)
    t.add(0, 3, "申请人情况", cs=7)
    t.add(1, 3, lab("自然人"), rs=2)
    t.add(1, 4, "法人或其他组织", cs=5)
    t.add(1, 9, lab("总计"), rs=2)
    for i, col in enumerate(TEMPLATE.of_kind("groups").columns[1:6]):
        t.add(2, 4 + i, lab(col.label))
    rows = [r.code for r in TEMPLATE.of_kind("groups").rows_for(p.v3)]
    results = [r for r in rows if r not in ("new", "carried_in", "carry_over")]
    group_sizes: dict[str, int] = {}
    for code in results:
        g, _ = _t3_row_text(code)
        if g:
            group_sizes[g] = group_sizes.get(g, 0) + 1
    seen: set[str] = set()
    r = 3
    for code in rows:
        label = TEMPLATE.of_kind("groups").row_by_code[code].label
        if code in ("new", "carried_in", "carry_over"):
            t.add(r, 0, lab(label), cs=3)
        else:
            if code == results[0]:
                t.add(r, 0, lab("三、本年度办理结果"), rs=len(results))
            g, sub = _t3_row_text(code)
            if g is None:
                t.add(r, 1, lab(label), cs=2)
            else:
                if g not in seen:
                    seen.add(g)
                    glabel = next(x.label for x in TEMPLATE.of_kind("groups").groups if x.code == g)
                    t.add(r, 1, lab(glabel), rs=group_sizes[g])
                t.add(r, 2, lab(sub))
        for i, col in enumerate(TEMPLATE.of_kind("groups").columns):
            t.add(r, 3 + i, p.t3[(code, col.code)], value=True)
        r += 1
    return t


def table4(p: Printed, lab: Labels) -> Table:
    """Table 4: 15 value columns under a three-row header."""
    t = Table(TEMPLATE.of_kind("grid").id, 15)
    t.add(0, 0, "行政复议", cs=5)
    t.add(0, 5, "行政诉讼", cs=10)
    cols = [lab(c.label) for c in TEMPLATE.of_kind("grid").columns]
    for i, c in enumerate(cols):
        t.add(1, i, c, rs=2)
    t.add(1, 5, "未经复议直接起诉", cs=5)
    t.add(1, 10, "复议后起诉", cs=5)
    for i, c in enumerate(cols * 2):
        t.add(2, 5 + i, c)
    i = 0
    for row in TEMPLATE.of_kind("grid").rows:
        for col in TEMPLATE.of_kind("grid").columns:
            t.add(3, i, p.t4[(row.code, col.code)], value=True)
            i += 1
    return t
