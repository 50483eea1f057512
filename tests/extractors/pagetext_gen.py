"""Seeded page text: a report's facts printed the way portals' text copies and web archives print them.

`page_text(facts, seed)` takes a report's facts in the shape of ../shared/tools/practice/*.json
(issuer, report_year, table2 {block: {row: {column: value}}}, table3 {rows: {row: {column: value}}},
table4 {row: {column: value}}; "" = printed blank) and prints:

* a header block of `标题` / `发布时间` / `发布机构` / `原文链接` lines (full- or half-width colons,
  spaced or not, sometimes all on one line), the title sometimes without the issuer;
* the report's prose and section headings, with line breaks in odd places: a heading at the end
  of a sentence's line, a whole section on one line, sometimes the whole body on one line, or the
  text hard-wrapped at a fixed width (a line may end inside a label or a run of digits);
* sometimes a breadcrumb above the header and the page's links and footer below the report;
* the tables as text: header labels run together, row labels glued to their numbers, several rows
  per line, the numbers of a table printed with nothing between them, or separated by single spaces
  or tabs (a blank cell then prints nothing between two separators, or vanishes).

`random_facts(seed)` invents consistent facts (identities hold) so that tests need nothing outside
the repository; `truth_of(facts)` gives the (table, row code, column code) -> value a reader must
find. All sentences are invented.

    python -m tests.extractors.pagetext_gen --facts DIR --out OUT --seeds 1-20
writes OUT/<name>__page__<seed>.txt with a .truth.json beside it (for ../shared/tools/score.py --set).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import Any

from nianbao.schemas import TEMPLATE
from nianbao.schemas.text import norm_label

Facts = dict[str, Any]
Key = tuple[str, str, str]

T3_COLS = [c.label for c in TEMPLATE.table("t3").columns]
T4_ROWS = ["行政复议", "行政诉讼-未经复议直接起诉", "行政诉讼-复议后起诉"]
T4_COLS = [c.label for c in TEMPLATE.table("t4").columns]
ISSUERS = [
    "青溪市云岭区人民政府枫林街道办事处",
    "临川县石门镇人民政府",
    "江口市人民政府办公室",
    "白水县发展和改革局",
    "松源市自然资源和规划局",
    "东湖片区管理委员会",
]


# ------------------------------------------------------------------------------------------------
# Facts
# ------------------------------------------------------------------------------------------------
def random_facts(seed: int) -> Facts:
    """Invented, consistent facts of one report (a township's small counts or a city's large ones)."""
    rng = random.Random(seed)
    variant = rng.choice(["2019", "2021", "2021"])
    year = rng.randint(2019, 2020) if variant == "2019" else rng.randint(2021, 2025)
    big = rng.random() < 0.4
    zero_blank = rng.random() < 0.2  # zeros printed blank in tables 3 and 4

    def count(p_zero: float, hi: int) -> int:
        return 0 if rng.random() < p_zero else rng.randint(1, hi)

    t2: dict[str, dict[str, dict[str, Any]]] = {}
    for b in TEMPLATE.blocks:
        cols = b.columns[variant]
        if not cols:
            continue
        rows: dict[str, dict[str, Any]] = {}
        for r in b.rows[variant]:
            row = TEMPLATE.table("t2").row_by_code[r]
            vals: dict[str, Any] = {}
            for c in cols:
                col = TEMPLATE.table("t2").column_by_code[c]
                if col.amount:
                    v: Any = round(rng.uniform(0, 9000), rng.choice([0, 1, 2])) if rng.random() < 0.6 else 0
                    v = int(v) if float(v).is_integer() else v
                elif c == "delta":
                    v = rng.randint(-3, 5)
                else:
                    v = count(0.4, 5000 if big else 30)
                vals[col.label_for(variant)] = v
            rows[row.label_for(variant)] = vals
        t2[b.label] = rows
    rows3 = [r.code for r in TEMPLATE.table("t3").rows_for(variant)]
    results = [r for r in TEMPLATE.table("t3").sets["results"] if r in rows3]
    parts = list(TEMPLATE.table("t3").sets["parts"])
    grid: dict[str, list[int]] = {r: [0] * len(parts) for r in rows3}
    for j in range(len(parts)):
        scale = (3000 if big else 12) if j == 0 else (60 if big else 2)
        p_zero = 0.3 if j == 0 else 0.75
        for r in results:
            grid[r][j] = count(p_zero + (0.4 if r not in ("r1_open", "r4_1", "r2_partial") else 0), scale)
        grid["r7_total"][j] = sum(grid[r][j] for r in results)
        grid["carried_in"][j] = count(0.8, max(1, scale // 10))
        grid["carry_over"][j] = count(0.8, max(1, scale // 10))
        grid["new"][j] = grid["r7_total"][j] + grid["carry_over"][j] - grid["carried_in"][j]
        if grid["new"][j] < 0:
            grid["carried_in"][j] -= grid["new"][j]
            grid["new"][j] = 0
    t3rows: dict[str, dict[str, Any]] = {}
    for r in rows3:
        vals3 = [*grid[r], sum(grid[r])]
        t3rows[TEMPLATE.table("t3").row_by_code[r].label] = {
            c: ("" if zero_blank and v == 0 else v) for c, v in zip(T3_COLS, vals3, strict=True)
        }
    t4: dict[str, dict[str, Any]] = {}
    for name in T4_ROWS:
        p4 = [count(0.7, 40 if big else 2) for _ in range(4)]
        t4[name] = {
            c: ("" if zero_blank and v == 0 else v) for c, v in zip(T4_COLS, [*p4, sum(p4)], strict=True)
        }
    return {
        "issuer": rng.choice(ISSUERS),
        "report_year": year,
        "variants": {"t2": variant, "t3": variant},
        "table2": t2,
        "table3": {"columns": T3_COLS, "rows": t3rows},
        "table4": t4,
    }


def _variant(facts: Facts) -> str:
    v = (facts.get("variants") or {}).get("t3") or facts.get("template")
    if v in ("2019", "2021"):
        return str(v)
    labels = " ".join(facts["table3"]["rows"])
    return "2021" if "逾期不补正" in labels else "2019"


def truth_of(facts: Facts) -> dict[Key, float | None]:
    """(table, row code, column code) -> value (None: printed blank) of the facts' known cells."""
    v = _variant(facts)
    out: dict[Key, float | None] = {}

    def put(table: str, row: str, col: str, value: Any) -> None:
        if value is None:
            return  # unknown: not scored
        if isinstance(value, str) and value:  # printed with a unit: 251000元
            m = re.match(r"[+-]?\d+(?:\.\d+)?", value.strip())
            if m is None:
                return
            value = m.group()
        out[(table, row, col)] = None if value == "" else float(value)

    for rows in facts.get("table2", {}).values():
        for rlab, cols in rows.items():
            row = TEMPLATE.table("t2").match_row(norm_label(rlab))
            for clab, value in cols.items():
                col = TEMPLATE.table("t2").match_column(norm_label(clab))
                if row and col:
                    put("t2", row.code, col.code, value)
    group = None
    for rlab, cols in facts["table3"]["rows"].items():
        normed = norm_label(rlab)
        row = TEMPLATE.table("t3").match_row(normed, group) or TEMPLATE.table("t3").match_row(normed, "六")
        if row is None or row.variant not in ("both", v):
            continue
        for clab, value in cols.items():
            col = TEMPLATE.table("t3").match_column(norm_label(clab))
            if col:
                put("t3", row.code, col.code, value)
    for rlab, cols in facts.get("table4", {}).items():
        row = TEMPLATE.table("t4").match_row(norm_label(rlab.split("-")[-1]))
        for clab, value in cols.items():
            col = TEMPLATE.table("t4").match_column(norm_label(clab))
            if row and col:
                put("t4", row.code, col.code, value)
    return out


# ------------------------------------------------------------------------------------------------
# Printing
# ------------------------------------------------------------------------------------------------
def _num(v: Any) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class _Printer:
    """The choices one rendering makes, drawn from its seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        r = self.rng
        self.colon = r.choice(["：", ":", "： ", ": ", " ：", "："])
        self.header_one_line = r.random() < 0.2
        self.title_has_issuer = r.random() < 0.8
        self.repeat_title = r.random() < 0.5
        self.body_one_line = r.random() < 0.25
        self.dot = r.choice([".", ".", "、"])
        self.note = r.random() < 0.6
        self.glue_label = r.random() < 0.7  # labels glued to their numbers when numbers are spaced
        self.blank_vanishes = r.random() < 0.5  # a blank cell between separators prints nothing at all
        self.wrap = r.choice([0, 0, 0, 0, 38, 60])  # a web archive's text hard-wrapped at this width
        self.furniture = r.random() < 0.4  # a breadcrumb above the header, print/close links below

    def sep(self) -> str:
        """How one table's numbers are separated."""
        return self.rng.choice(["", "", " ", "\t"])

    def cells(self, values: list[str], sep: str) -> str:
        if not sep:
            return "".join(values)
        if self.blank_vanishes:
            return sep.join(v for v in values if v)
        return sep.join(values)

    def row(self, label: str, values: list[str], sep: str) -> str:
        body = self.cells(values, sep)
        gap = "" if (not sep or self.glue_label) else sep
        return label + gap + body

    def join_rows(self, rows: list[str]) -> str:
        """Rows of a table, several per line, line breaks between some of them."""
        out = ""
        for i, row in enumerate(rows):
            if i:
                out += "\n" if self.rng.random() < 0.35 else ""
            out += row
        return out


def _t2_text(p: _Printer, facts: Facts, variant: str) -> str:
    sep = p.sep()
    rows: list[str] = []
    for b in TEMPLATE.blocks:
        cols = b.columns[variant]
        src = facts["table2"].get(b.label) or next(
            (v for k, v in facts["table2"].items() if norm_label(k) == norm_label(b.label)), {}
        )
        if not cols:
            continue
        caption = b.label if p.rng.random() < 0.7 else b.label.replace("（", "(").replace("）", ")")
        heads = [TEMPLATE.table("t2").column_by_code[c].label_for(variant) for c in cols]
        rows.append(caption + "信息内容" + "".join(heads))
        for rlab, vals in src.items():
            row = TEMPLATE.table("t2").match_row(norm_label(rlab))
            printed = [
                _num(
                    next(
                        (
                            v
                            for k, v in vals.items()
                            if TEMPLATE.table("t2").match_column(norm_label(k)) == col
                        ),
                        "",
                    )
                )
                for col in (TEMPLATE.table("t2").column_by_code[c] for c in cols)
            ]
            rows.append(p.row(row.label_for(variant) if row else rlab, printed, sep))
    return p.join_rows(rows)


def _t3_text(p: _Printer, facts: Facts, variant: str) -> str:
    sep = p.sep()
    head = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" if p.note else ""
    rows = [head + "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"]
    src = {}
    group = None
    for rlab, vals in facts["table3"]["rows"].items():
        row = TEMPLATE.table("t3").match_row(norm_label(rlab), group) or TEMPLATE.table("t3").match_row(
            norm_label(rlab), "六"
        )
        if row is not None:
            src[row.code] = vals
    groups = {g.code: g.label for g in TEMPLATE.table("t3").groups}
    seen_groups: set[str] = set()
    for r in TEMPLATE.table("t3").rows_for(variant):
        label = r.label
        vals = src.get(r.code, {})
        printed = [_num(vals.get(c, "")) for c in T3_COLS]
        prefix = ""
        if r.code == "r1_open":
            prefix = groups["results"]
        g = r.group_of
        if g and not (g == "六" and variant == "2019"):
            sub = label.split("）", 1)[1].replace(".", p.dot, 1)
            if g not in seen_groups:
                seen_groups.add(g)
                prefix += groups[g]
            label = sub
        rows.append(p.row(prefix + label, printed, sep))
    return p.join_rows(rows)


def _t4_text(p: _Printer, facts: Facts) -> str:
    sep = p.sep()
    res = "".join(T4_COLS)
    head = "行政复议行政诉讼" + res + "未经复议直接起诉复议后起诉" + res + res
    values: list[str] = []
    for name in T4_ROWS:
        src = next((v for k, v in facts["table4"].items() if k.split("-")[-1] == name.split("-")[-1]), {})
        values += [_num(src.get(c, "")) for c in T4_COLS]
    gap = "\n" if p.rng.random() < 0.4 else ""
    return head + gap + p.cells(values, sep)


def title_of(facts: Facts, with_issuer: bool = True) -> str:
    y = facts["report_year"]
    return (
        f"{facts['issuer']}{y}年政府信息公开工作年度报告" if with_issuer else f"{y}年政府信息公开工作年度报告"
    )


def page_text(facts: Facts, seed: int) -> str:
    """The facts printed as one portal text copy; every choice follows from `seed`."""
    p = _Printer(seed)
    r = p.rng
    variant = _variant(facts)
    y, issuer = int(facts["report_year"]), str(facts["issuer"])
    title = title_of(facts, p.title_has_issuer)
    published = (
        f"{y + 1}-0{r.randint(1, 3)}-{r.randint(10, 28)} {r.randint(8, 17):02d}:{r.randint(0, 59):02d}"
    )
    fields = [
        ("标题", title),
        ("发布时间", published),
        ("发布机构", issuer),
        ("原文链接", f"http://www.example.gov.cn/zwgk/ndbg/{y + 1}/t{r.randint(10**6, 10**7)}.html"),
    ]
    header = [f"{k}{p.colon}{v}" for k, v in fields]
    lines = ["  ".join(header)] if p.header_one_line else header
    if p.repeat_title:
        lines.append(title_of(facts))
    pieces = [
        f"按照《中华人民共和国政府信息公开条例》要求，现公布本单位{y}年度政府信息公开工作情况。"
        f"本报告数据统计期限为{y}年1月1日至{y}年12月31日。",
        "一、总体情况",
        f"{y}年，我们围绕年度重点工作，持续完善公开制度，拓展公开渠道，不断提升公开实效。",
        "二、主动公开政府信息情况",
        _t2_text(p, facts, variant),
        "三、收到和处理政府信息公开申请情况",
        _t3_text(p, facts, variant),
        "四、政府信息公开行政复议、行政诉讼情况",
        _t4_text(p, facts),
        "五、存在的主要问题及改进情况",
        "公开内容的解读还不够深入，栏目更新有时滞后。下一步将加强业务培训，压实审核责任。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费，无其他需要报告的事项。",
        issuer,
        f"{y + 1}年1月{r.randint(10, 28)}日",
    ]
    if p.body_one_line:
        body = ["".join(pieces)]
    else:
        body = [pieces[0]]
        for piece in pieces[1:]:
            if r.random() < 0.3:
                body[-1] += piece  # a heading or a table printed right after the previous text
            else:
                body.append(piece)
    if p.wrap:  # hard-wrapped: a line may end anywhere, inside a label or a run of digits
        body = [
            ln[i : i + p.wrap]
            for text in body
            for ln in text.split("\n")
            for i in range(0, len(ln) or 1, p.wrap)
        ]
    if p.furniture:
        lines = ["首页 > 政务公开 > 政府信息公开年报", *lines]
        body += ["【打印本页】【关闭窗口】", "主办单位：本级人民政府办公室  网站标识码：0000000000"]
    return "\n".join(lines + body) + "\n"


def _seeds(spec: str) -> list[int]:
    a, _, b = spec.partition("-")
    return list(range(int(a), int(b or a) + 1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--facts", required=True, help="a directory of facts files (*.json, truth format)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", default="1-5")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for f in sorted(Path(a.facts).glob("*.json")):
        if f.name.endswith(".truth.json") and "__" in f.name and "__0." not in f.name:
            continue  # one rendering's truth per report is enough: the facts are the same
        facts = json.loads(f.read_text("utf-8"))
        name = f.name.split("__")[0].removesuffix(".json")
        for seed in _seeds(a.seeds):
            doc = f"{name}__page__{seed}.txt"
            (out / doc).write_text(page_text(facts, seed), "utf-8")
            truth = {**facts, "document": doc, "format": "page_text", "seed": seed}
            (out / f"{doc}.truth.json").write_text(json.dumps(truth, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
