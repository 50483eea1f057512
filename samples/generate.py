"""Regenerate the synthetic sample corpus of the fictional 青溪市云岭区 (seeded, deterministic).

    .venv/bin/python samples/generate.py                 # everything, into samples/reports
    .venv/bin/python samples/generate.py --no-convert    # skip the LibreOffice-derived pdf/doc/scan files
    .venv/bin/python samples/generate.py --out /tmp/x    # somewhere else

Every document gets a `<document>.truth.json` beside it (expected-file conventions of
../shared/corpus/README.md). LibreOffice output is not byte-reproducible, so pdf/doc/scan files are
only re-converted when the .docx they come from changes (`.convert-cache.json`), or with
--force-convert. The generator re-derives every planted finding from the truth files and stops if
the result differs from the plan.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from opencc import OpenCC  # type: ignore[import-untyped]  # noqa: E402
from samplegen.convert import scan_pdf, soffice_convert  # noqa: E402
from samplegen.doc import Doc  # noqa: E402
from samplegen.model import TOWNSHIP, TOWNSHIPS, Township, YearData, build_township  # noqa: E402
from samplegen.plan import PLAN, QUIRKS, TWEAKS, Spec  # noqa: E402
from samplegen.printed import Printed, narrative_count, print_report  # noqa: E402
from samplegen.prose import FICTION, compose  # noqa: E402
from samplegen.readme import write_readme  # noqa: E402
from samplegen.render_docx import render_docx  # noqa: E402
from samplegen.render_flat import render_tab_txt, render_xlsx  # noqa: E402
from samplegen.render_html import render_cms_html, render_simple_html, render_word_html  # noqa: E402
from samplegen.truth import cross_year_findings, identity_findings, truth_json  # noqa: E402

SEED = 20240611
LO_FORMATS = ("pdf", "doc", "scan")


def published_date(spec: Spec) -> date:
    """The signature date: the plan's, or a day in the second half of January of year+1."""
    if spec.published:
        return spec.published
    return date(spec.year + 1, 1, random.Random(f"pub:{spec.stem}").randint(12, 29))


def evidence(spec: Spec, p: Printed) -> dict[str, list[str]]:
    """Text that proves each planted quirk is in the document (checked by tests/samples)."""
    amount = p.t2.get(("procurement", "procured_amount"), "")
    ev: dict[str, list[str]] = {
        "label_split_cell": ["本年新\n制作数量" if p.v2 == "2019" else "本年制发\n件数"],
        "label_space": ["商业 企业"],
        "group_label_breaks": ["（三）\n\n不予公开"],
        "halfwidth_parens": ["第二十条第(一)项"],
        "normative_2019_label_in_2021": ["\n规范性文件\n"],
        "other6_short": ["（六）其他\n"],
        "carry_next_year_label": ["四、结转下一年度继续办理"],
        "heji_total": ["合计"],
        "traditional_script": ["規範性檔案", "本年處理決定數量", "總計"],
        "hubei_extra_row": ["其他主动公开文件（含", "规章（仅设区的市级以上人民政府填报）"],
        "unit_yuan": [amount],
        "unit_wanyuan": [amount],
        "fee_decimal": [p.t2.get(("fees", "fee_amount"), "")],
        "signed_delta": sorted({v for (_, c), v in p.t2.items() if c == "delta" and v.startswith("+")})[:1],
        "cell_annotation": [p.t2.get(("normative", "issued"), "")],
        "null_dash": ["| - |"],
        "null_wu": ["\t无\n"],
        "t2_cols_scrambled": ["本年新制作数量对外公开总数量本年新公开数量"],
        "parens_dropped": ["第二十条第\n", "本年收费金额单位:万元"],
        "heading_retitled": ["一、工作基本情况", "五、存在的主要问题及整改措施"],
        "heading_misnumbered": ["五、政府信息公开行政复议、行政诉讼情况"],
        "issuer_only_meta": ["发布机构：", "我镇"],
        "u3000_blanks": ["\u3000"],
        "outdated_t2_layout": ["本年新制作数量" if "label_split_cell" not in spec.quirks else "制作数量"],
        "mixed_t3_2019": ["（六）其他处理"],
        "all_blank": ["收到和处理政府信息公开申请情况（无）"],
        "tab_cells": ["\t\u3000\n" if spec.has("gbk") else "\t\u00a0\n"],
        "cms_page": ["索引号：", "成文日期："],
        "pipe_rows": ["| 信息内容 |"],
        "narrative_mismatch": [f"本年度共收到政府信息公开申请{narrative_count(spec, p)}件"],
    }
    return {q: [e for e in ev.get(q, []) if e] for q in spec.quirks}


def render(spec: Spec, tw: Township, p: Printed, pub: date) -> tuple[bytes, Doc]:
    """Bytes of the document (for pdf/doc/scan: of the .docx they are converted from)."""
    doc = compose(spec, tw, p, pub, docx=spec.fmt in ("docx", *LO_FORMATS))
    if spec.fmt in ("docx", *LO_FORMATS):
        return render_docx(doc, blank="\u3000" if spec.has("u3000_blanks") else ""), doc
    if spec.fmt == "txt":
        return render_tab_txt(doc, "gbk" if spec.has("gbk") else "utf-8"), doc
    if spec.style == "word":
        return render_word_html(doc), doc
    if spec.style == "cms":
        y = spec.year
        meta = {
            "index": f"YL-{tw.code.upper()}/{y + 1}-{random.Random(spec.stem).randint(10, 99):05d}",
            "publisher": tw.issuer,
            "written": f"{pub.year}年{pub.month}月{pub.day}日",
            "released": pub.isoformat(),
            "page_title": f"{doc.title}_云岭区人民政府（虚构）",
        }
        return render_cms_html(doc, meta), doc
    if spec.style == "trad":
        conv = OpenCC("s2twp")
        marker = str(conv.convert(FICTION))  # the fiction notice stays legible in Simplified
        trad = doc.map_text(lambda s: str(conv.convert(s)).replace(marker, FICTION))
        return render_simple_html(trad, "plain"), doc
    return render_simple_html(doc, spec.style), doc


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def generate(out: Path, convert: bool = True, force_convert: bool = False) -> list[dict[str, Any]]:
    """Write every document and truth file under `out`; return the truth objects."""
    models: dict[str, dict[int, YearData]] = {
        t.code: build_township(SEED, t.code, {y: tw for (c, y), tw in TWEAKS.items() if c == t.code})
        for t in TOWNSHIPS
    }
    cache_path = out / ".convert-cache.json"
    cache: dict[str, str] = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    build = Path(tempfile.mkdtemp(prefix="nianbao_samples_"))
    truths: dict[str, dict[str, Any]] = {}
    pending: list[tuple[Spec, Path, Path, str]] = []  # spec, docx in build dir, final path, docx sha
    for spec in PLAN:
        tw = TOWNSHIP[spec.tw]
        p = print_report(spec, models[spec.tw][spec.year])
        pub = published_date(spec)
        data, doc = render(spec, tw, p, pub)
        ydir = out / "reports" / str(spec.year)
        ydir.mkdir(parents=True, exist_ok=True)
        name = f"{spec.stem}.{spec.ext}"
        truth = truth_json(spec, tw, p, name, pub, spec.fmt, evidence(spec, p))
        truths[name] = truth
        final = ydir / name
        if spec.fmt in LO_FORMATS:
            if not convert:
                truths.pop(name)
                continue
            src = build / f"{spec.stem}.docx"
            src.write_bytes(data)
            pending.append((spec, src, final, sha256(data)))
        else:
            final.write_bytes(data)
        if spec.xlsx:
            xname = f"{spec.stem}_tables.xlsx"
            (ydir / xname).write_bytes(
                render_xlsx(doc.title, doc.tables(), ["表二 主动公开", "表三 依申请公开", "表四 复议诉讼"])
            )
            xt = truth_json(spec, tw, p, xname, pub, "xlsx", {"xlsx_attachment": []})
            xt["quirks"] = [{"code": "xlsx_attachment", "what": QUIRKS["xlsx_attachment"], "evidence": []}]
            xt["companion_of"] = name
            truths[xname] = xt
    _convert(pending, build, cache, force_convert)
    if convert:
        cache_path.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    _findings(truths)
    for name, truth in truths.items():
        path = out / "reports" / str(truth["year"]) / name
        truth["sha256"] = sha256(path.read_bytes())
        write_json(path.with_name(name + ".truth.json"), truth)
    return list(truths.values())


def _convert(
    pending: list[tuple[Spec, Path, Path, str]], build: Path, cache: dict[str, str], force: bool
) -> None:
    todo = [t for t in pending if force or not t[2].exists() or cache.get(t[2].name) != t[3]]
    pdf_src = [s for spec, s, _, _ in todo if spec.fmt in ("pdf", "scan")]
    doc_src = [s for spec, s, _, _ in todo if spec.fmt == "doc"]
    pdfs = soffice_convert(pdf_src, "pdf", build / "pdf")
    docs = soffice_convert(doc_src, "doc", build / "doc")
    for spec, src, final, digest in todo:
        if spec.fmt == "doc":
            final.write_bytes(docs[src].read_bytes())
        elif spec.fmt == "pdf":
            final.write_bytes(pdfs[src].read_bytes())
        else:
            final.write_bytes(scan_pdf(pdfs[src].read_bytes(), spec.stem))
        cache[final.name] = digest


def _findings(truths: dict[str, dict[str, Any]]) -> None:
    """Derive the findings from the truth files; they must equal the plan's planted findings."""
    by_key = {(t["issuer"], t["year"]): t for t in truths.values() if "companion_of" not in t}
    plan = {f"{s.stem}.{s.ext}": s for s in PLAN}
    for name, t in truths.items():
        found = identity_findings(t)
        prev = by_key.get((t["issuer"], t["year"] - 1))
        if prev is not None:
            found += cross_year_findings(prev, t)
        t["expected_findings"] = found
        spec = plan[t.get("companion_of", name)]
        got = sorted({f["rule"] for f in found})
        if got != sorted(spec.findings):
            raise SystemExit(f"{name}: findings {got} differ from the plan {sorted(spec.findings)}")
        missing = [q["code"] for q in t["quirks"] if q["code"] in _NEEDS_EVIDENCE and not q["evidence"]]
        if missing:
            raise SystemExit(f"{name}: no evidence for quirks {missing}")


_NEEDS_EVIDENCE = {"signed_delta", "unit_yuan", "unit_wanyuan", "fee_decimal", "cell_annotation"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE, help="output root (reports/ goes under it)")
    ap.add_argument("--no-convert", action="store_true", help="skip LibreOffice-derived pdf/doc/scan files")
    ap.add_argument("--force-convert", action="store_true", help="re-run LibreOffice even if cached")
    a = ap.parse_args(argv)
    truths = generate(a.out, convert=not a.no_convert, force_convert=a.force_convert)
    if a.out == HERE:
        write_readme(HERE / "README.md", truths)
    print(f"wrote {len(truths)} documents with truth files under {a.out / 'reports'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
