"""From true values to printed cell texts: the one place where a report's cells get their final text.

A printed cell is a string ("" = visibly blank). The truth file is derived from these strings and
the renderers print exactly these strings, so truth and documents cannot drift apart. Planted
source errors (a 总计 printed 0, a typo, a blank 总计) are applied here, on the printed text; the
model underneath stays consistent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nianbao.schemas import TEMPLATE
from samplegen.model import T3_COLS, YearData
from samplegen.plan import Spec

Key = tuple[str, str]  # (row code, column code)


@dataclass
class Printed:
    """The printed cells of one report, keyed by template codes."""

    v2: str
    v3: str
    t2: dict[Key, str] = field(default_factory=dict)
    t3: dict[Key, str] = field(default_factory=dict)
    t4: dict[Key, str] = field(default_factory=dict)
    extra_t2: dict[str, str] = field(default_factory=dict)  # Hubei extra row: column code -> text
    notes: list[str] = field(default_factory=list)


def fmt_number(v: float | int) -> str:
    """A number as a township clerk would type it: no trailing zeros, no exponent."""
    if isinstance(v, float):
        s = f"{v:.3f}".rstrip("0").rstrip(".")
        return s or "0"
    return str(v)


def truth_value(printed: str) -> int | float | str:
    """The expected-file value of a printed cell: a plain number as a number, else the text."""
    if re.fullmatch(r"-?\d+", printed):
        return int(printed)
    if re.fullmatch(r"-?\d+\.\d+", printed):
        return float(printed)
    return printed


def t2_cells(v2: str) -> list[Key]:
    """(row, column) codes of table 2 in a variant, block by block in template order."""
    return [(r, c) for b in TEMPLATE.blocks for r in b.rows[v2] for c in b.columns[v2]]


def t3_cells(v3: str) -> list[Key]:
    return [(r.code, c) for r in TEMPLATE.of_kind("groups").rows_for(v3) for c in T3_COLS]


def t4_cells() -> list[Key]:
    return [(r.code, c.code) for r in TEMPLATE.of_kind("grid").rows for c in TEMPLATE.of_kind("grid").columns]


def print_report(spec: Spec, yd: YearData) -> Printed:
    """All printed cells of one report, with the spec's quirks and planted errors applied."""
    p = Printed(spec.v2, spec.v3)
    src2 = yd.t2_2019 if spec.v2 == "2019" else yd.t2_2021
    for key in t2_cells(spec.v2):
        v = src2[key]
        txt = fmt_number(v)
        if key[1] == "delta" and spec.has("signed_delta") and isinstance(v, int) and v > 0:
            txt = f"+{v}"
        if key[1] == "procured_amount":
            if spec.has("unit_yuan"):
                txt = f"{v}元"
            elif spec.has("unit_wanyuan"):
                txt = f"{v / 10000:.2f}万元"
        p.t2[key] = txt
    t3 = yd.t3_rows(spec.v3)
    for key in t3_cells(spec.v3):
        v = t3[key[0]][key[1]]
        blank = spec.has("blank_cells") and v == 0 and key[1] in ("research", "public_interest")
        p.t3[key] = "" if blank else str(v)
    for key in t4_cells():
        p.t4[key] = str(yd.t4[key[0]][key[1]])
    _apply_quirks(spec, yd, p)
    return p


def _apply_quirks(spec: Spec, yd: YearData, p: Printed) -> None:
    if spec.has("all_blank"):
        for d in (p.t2, p.t3, p.t4):
            for k in d:
                d[k] = ""
        p.notes.append(
            "Every table cell is printed blank; the headings of 三 and 四 end in （无）. Blank is not zero."
        )
    if spec.has("hubei_extra_row"):
        made, pub, total = yd.extra_other_docs
        p.extra_t2 = {"made": str(made), "published": str(pub), "public_total": str(total)}
        for key in [("fees", "prev_items"), ("fees", "delta"), ("procurement", "procured_amount")]:
            if p.t2[key] in ("0", "0.00万元", "0元"):
                p.t2[key] = "-"
        p.t2[("rules", "made")] = p.t2[("rules", "published")] = p.t2[("rules", "public_total")] = "-"
        p.notes.append(
            "Block （一） has an extra annotated row 其他主动公开文件（含…）: kept in table2 as an extra row, not a canonical cell."
        )
    if spec.has("fee_decimal") and spec.v2 == "2021":
        p.t2[("fees", "fee_amount")] = {2022: "0.092", 2023: "1.35"}.get(spec.year, "0.092")
    if spec.has("null_wu") and spec.v2 == "2021":
        p.t2[("fees", "fee_amount")] = "无"
    if spec.has("cell_annotation"):
        issued = yd.t2_2021[("normative", "issued")]
        p.t2[("normative", "issued")] = f"{issued}（其中修订1件）" if issued else "0（无修订）"
    if "blank_total" in spec.findings:
        p.t3[("r1_open", "total")] = ""
        p.notes.append("Planted: the 总计 cell of （一）予以公开 is blank although its parts are not.")
    if "t4_block_total" in spec.findings:
        p.t4[("review", "total")] = "0"
        p.notes.append(
            "Planted source inconsistency: 行政复议 总计 printed 0 while its parts sum to 11 (like hongze_2023)."
        )
    if "t3_row_total" in spec.findings:
        v = int(p.t3[("r2_partial", "total")])
        p.t3[("r2_partial", "total")] = str(v + 1)
        p.notes.append(f"Planted typo: （二）部分公开 总计 printed {v + 1}; its parts sum to {v}.")


def narrative_count(spec: Spec, p: Printed) -> int:
    """N in 本年度共收到政府信息公开申请N件: table 3 (一, 总计), or deliberately off by 2."""
    raw = p.t3[("new", "total")]
    n = int(raw) if raw else 0
    return n + 2 if spec.has("narrative_mismatch") else n
