"""Truth files (`<document>.truth.json`) in the expected-file conventions, and the checks that find
the planted findings again from the truth alone."""

from __future__ import annotations

from datetime import date
from typing import Any

from nianbao.schemas import TEMPLATE
from samplegen.model import Township
from samplegen.plan import QUIRKS, Spec
from samplegen.printed import Printed, t2_cells, t3_cells, t4_cells, truth_value
from samplegen.tables import HUBEI_EXTRA

FORMAT_TEXT = {
    "docx": "Word .docx generated with python-docx (real gridSpan/vMerge merges)",
    "html": "HTML page",
    "txt": "plain text, one table cell per tab-prefixed line",
    "pdf": "PDF with a text layer (LibreOffice export of a generated .docx)",
    "doc": "Word 97-2003 .doc (LibreOffice conversion of a generated .docx)",
    "scan": "image-only PDF (scanned look: 150 dpi, slight rotation, noise); no text layer",
    "xlsx": "Excel workbook with the three statistics tables (merged cells)",
}


def tables_json(p: Printed) -> dict[str, Any]:
    """table2/table3/table4 with canonical labels and printed values."""
    t2: dict[str, dict[str, dict[str, Any]]] = {}
    for row, col in t2_cells(p.v2):
        block = TEMPLATE.block_of_row(row).label
        rlab = TEMPLATE.of_kind("blocks").row_by_code[row].label_for(p.v2)
        clab = TEMPLATE.of_kind("blocks").column_by_code[col].label_for(p.v2)
        t2.setdefault(block, {}).setdefault(rlab, {})[clab] = truth_value(p.t2[(row, col)])
    if p.extra_t2:
        t2[TEMPLATE.block("一").label][HUBEI_EXTRA] = {
            TEMPLATE.of_kind("blocks").column_by_code[c].label_for(p.v2): truth_value(v)
            for c, v in p.extra_t2.items()
        }
    cols = [c.label for c in TEMPLATE.of_kind("groups").columns]
    rows: dict[str, dict[str, Any]] = {}
    for row, col in t3_cells(p.v3):
        rows.setdefault(TEMPLATE.of_kind("groups").row_by_code[row].label, {})[
            TEMPLATE.of_kind("groups").column_by_code[col].label
        ] = truth_value(p.t3[(row, col)])
    t4: dict[str, dict[str, Any]] = {}
    for row, col in t4_cells():
        t4.setdefault(TEMPLATE.of_kind("grid").row_by_code[row].label, {})[
            TEMPLATE.of_kind("grid").column_by_code[col].label
        ] = truth_value(p.t4[(row, col)])
    return {"table2": t2, "table3": {"columns": cols, "rows": rows}, "table4": t4}


def _num(v: Any) -> float | None:
    """Arithmetic value of a truth cell; None when blank or not a number."""
    if isinstance(v, int | float):
        return v
    return None


def identity_findings(truth: dict[str, Any]) -> list[dict[str, str]]:
    """Identities 1-4 on a truth file, plus blank-总计 and no-data detection. Blank cells make a
    check undeterminable (never 0); a blank 总计 whose parts are numbers is reported as blank_total."""
    out: list[dict[str, str]] = []
    rows = truth["table3"]["rows"]
    t4 = truth["table4"]
    cells = [v for b in truth["table2"].values() for r in b.values() for v in r.values()]
    cells += [v for r in rows.values() for v in r.values()] + [v for r in t4.values() for v in r.values()]
    if all(v == "" for v in cells):
        return [{"rule": "no_data", "where": "all tables", "detail": "every table cell is blank"}]
    parts = [c.label for c in TEMPLATE.of_kind("groups").columns[:6]]
    for rname, r in rows.items():
        vals = [_num(r[c]) for c in parts]
        tot = _num(r["总计"])
        if r["总计"] == "" and any(v for v in vals):
            out.append(
                {
                    "rule": "blank_total",
                    "where": f"table3 {rname} 总计",
                    "detail": "blank 总计, parts are numbers",
                }
            )
        elif tot is not None and None not in vals and sum(vals) != tot:  # type: ignore[arg-type]
            out.append(
                {
                    "rule": "t3_row_total",
                    "where": f"table3 {rname}",
                    "detail": f"parts sum to {sum(vals)}, 总计 printed {tot}",
                }
            )  # type: ignore[arg-type]
    labels = list(rows)
    res = [r for r in labels if r.startswith("（") and not r.startswith("（七）")]
    for c in [c.label for c in TEMPLATE.of_kind("groups").columns]:
        a = [_num(rows[labels[0]][c]), _num(rows[labels[1]][c])]
        b = [_num(rows["（七）总计"][c]), _num(rows[labels[-1]][c])]
        if None not in a + b and sum(a) != sum(b):  # type: ignore[arg-type]
            out.append({"rule": "t3_balance", "where": f"table3 column {c}", "detail": f"{a} vs {b}"})
        parts_c = [_num(rows[r][c]) for r in res]
        tot = b[0]
        if tot is not None and None not in parts_c and sum(parts_c) != tot:  # type: ignore[arg-type]
            out.append(
                {
                    "rule": "t3_results_total",
                    "where": f"table3 column {c}",
                    "detail": f"results sum to {sum(parts_c)}, （七）总计 printed {tot}",
                }
            )  # type: ignore[arg-type]
    for bname, b in t4.items():
        vals = [_num(b[c]) for c in ("结果维持", "结果纠正", "其他结果", "尚未审结")]
        tot = _num(b["总计"])
        if tot is not None and None not in vals and sum(vals) != tot:  # type: ignore[arg-type]
            out.append(
                {
                    "rule": "t4_block_total",
                    "where": f"table4 {bname}",
                    "detail": f"parts sum to {sum(vals)}, 总计 printed {tot}",
                }
            )  # type: ignore[arg-type]
    for block in truth["table2"].values():
        for c, v in block.get("规章", {}).items():
            if isinstance(_num(v), int | float) and v > 0:
                out.append(
                    {
                        "rule": "township_rules",
                        "where": f"table2 规章 {c}",
                        "detail": f"a township reports 规章 {c} = {v}",
                    }
                )
    pub = truth.get("published")
    if pub and date.fromisoformat(pub) > date(truth["year"] + 1, 1, 31):
        out.append({"rule": "late_publication", "where": "signature date", "detail": f"published {pub}"})
    return out


def cross_year_findings(prev: dict[str, Any], cur: dict[str, Any]) -> list[dict[str, str]]:
    """上年结转 (Y) == 结转下年度 (Y-1), per column, where both are numbers."""
    out = []
    a = cur["table3"]["rows"]["二、上年结转政府信息公开申请数量"]
    b = prev["table3"]["rows"]["四、结转下年度继续办理"]
    for c in cur["table3"]["columns"]:
        if _num(a[c]) is not None and _num(b[c]) is not None and a[c] != b[c]:
            out.append(
                {
                    "rule": "cross_year_carry_over",
                    "where": f"table3 二 column {c}",
                    "detail": f"{cur['year']} 上年结转 {a[c]} vs {prev['year']} 结转下年度 {b[c]} ({prev['document']})",
                }
            )
    return out


def truth_json(
    spec: Spec,
    tw: Township,
    p: Printed,
    doc_name: str,
    published: date,
    fmt: str,
    evidence: dict[str, list[str]],
) -> dict[str, Any]:
    """The truth file of one document (before sha256 and findings are filled in)."""
    issuer_note = (
        "issuer only in <title>/metadata block (发布机构)"
        if spec.has("issuer_only_meta")
        else "title and signature"
    )
    return {
        "document": doc_name,
        "synthetic": True,
        "issuer": tw.issuer,
        "alt_issuers": tw.alt_issuers,
        "issuer_as_printed": f"{tw.issuer} ({issuer_note})",
        "level": tw.kind,
        "province": "虚构 (fictional 青溪市云岭区)",
        "year": spec.year,
        "report_year": spec.year,
        "published": published.isoformat(),
        "url": None,
        "format": fmt,
        "format_note": FORMAT_TEXT[fmt] + (f" ({spec.style} style)" if spec.style and fmt == "html" else ""),
        "completeness": "complete" + (" (every table cell blank)" if spec.has("all_blank") else ""),
        "template": spec.v2 if spec.v2 == spec.v3 else "mixed",
        "variants": {TEMPLATE.of_kind("blocks").id: spec.v2, TEMPLATE.of_kind("groups").id: spec.v3},
        "file": f"samples/reports/{spec.year}/{doc_name}",
        "sha256": None,
        **tables_json(p),
        "extra_rows": (
            [
                {
                    "table": TEMPLATE.of_kind("blocks").id,
                    "block": TEMPLATE.block("一").label,
                    "row": HUBEI_EXTRA,
                    "note": "not a canonical cell",
                }
            ]
            if p.extra_t2
            else []
        ),
        "cell_conventions": 'number = value as printed; "" = cell visibly blank (blank is NOT zero); '
        "other strings = printed text (units, signs, annotations, '-', '无')",
        "quirks": [{"code": q, "what": QUIRKS[q], "evidence": evidence.get(q, [])} for q in spec.quirks],
        "expected_findings": [],
        "notes": [
            "SYNTHETIC sample: fictional issuer, invented prose and numbers (nianbao samples/generate.py)."
        ]
        + p.notes,
    }
