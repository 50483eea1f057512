"""samples/README.md, written from the plan and the truth files so that it cannot go stale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nianbao.schemas import TEMPLATE
from samplegen.plan import QUIRKS

HEAD = """# Synthetic sample corpus: 青溪市云岭区 (fictional)

**Everything in `samples/reports/` is SYNTHETIC.** 青溪市, 云岭区 and its townships (松溪镇, 白鹭镇, 青岚乡,
鹤鸣乡, 枫林街道, 望月街道, 石泉镇, 清水镇) are invented; any likeness to a real place is accidental. The
prose was written for this corpus, and the numbers come from a seeded random model. Each document
says so in its first paragraph: "（本文件为虚构样例，仅用于测试）". License: CC0 1.0 (public domain dedication).

The corpus exercises the pipeline end to end: 8 townships × 3 report years (2020 on the 2019 format;
2022 and 2023 on the 2021 format, with deliberate exceptions), in every input format the extractor
reads, with the layout quirks of ../shared/spec/quirks.md planted and documented, and with known
validation findings.

## Regenerate

    .venv/bin/python samples/generate.py                  # deterministic (seed in generate.py)
    .venv/bin/python samples/generate.py --no-convert     # without LibreOffice (skips pdf/doc/scan)
    .venv/bin/python samples/generate.py --force-convert  # re-run LibreOffice for pdf/doc/scan

docx, html, txt and xlsx files are byte-reproducible. The pdf/doc files come from LibreOffice
(`soffice --convert-to`), whose output embeds dates; they are re-made only when the .docx they are
converted from changes (`reports/.convert-cache.json`). The generator stops if the findings it
re-derives from the truth files differ from the planted ones.

## Layout

* `generate.py`: the entry point; `samplegen/`: model (numbers) → plan (formats, quirks, planted
  errors) → printed (cell texts) → tables/prose (a format-neutral document) → renderers
  (`render_docx`, `render_html`, `render_flat`, `convert`) → truth.
* `reports/<year>/<stem>.<ext>` with `reports/<year>/<stem>.<ext>.truth.json` beside each document.
  Score an extractor with
  `python3 ../shared/tools/score.py --cmd '.venv/bin/nianbao extract {files} --json' --set samples/reports/2020 --set samples/reports/2022 --set samples/reports/2023`.

## Truth files

The expected-file conventions of the shared corpus: `table2` block → row → column, `table3`
{columns, rows}, `table4`, with canonical labels from `schemas/templates/template.toml`. A number
is the value as printed; `""` is a visibly blank cell (blank is not zero); any other string is the
printed text (`"251000元"`, `"+3"`, `"3（其中修订1件）"`, `"-"`, `"无"`). Extra fields:
`synthetic`, `quirks` (code, meaning, `evidence` = text that proves the quirk is in the file),
`expected_findings` (planted validation findings by rule code), `extra_rows` (printed rows that are
not canonical cells, e.g. Hubei's 其他主动公开文件), `companion_of` (for the .xlsx attachment).

Model chains hold across years (2021 is modelled but not rendered): 上年结转 (Y) = 结转下年度 (Y−1),
现行有效件数 and 上一年项目数量 roll forward. Identities 1–4 hold in every report except where planted.

## Planted findings

| rule code | file | what |
|---|---|---|
"""

FINDING_TEXT = {
    "no_data": "every table cell blank (headings end in （无）)",
    "blank_total": "a table-3 总计 cell blank while its parts are numbers",
    "late_publication": "signed after 31 January of the following year",
    "cross_year_carry_over": "上年结转 differs from last year's 结转下年度 (an agency re-count)",
    "t4_block_total": "行政复议 总计 printed 0 while its parts sum to 11 (source inconsistency, like hongze_2023)",
    "township_rules": "a township reports 规章",
    "t3_row_total": "a typo in a row 总计 (off by one)",
    "t3_results_total": "the same typo breaks （七）总计 = Σ results in the 总计 column",
}


def write_readme(path: Path, truths: list[dict[str, Any]]) -> None:
    """Write samples/README.md: fixed text plus tables generated from the truth files."""
    lines = [HEAD.rstrip("\n")]
    for t in sorted(truths, key=lambda t: (t["year"], t["document"])):
        for f in sorted({f["rule"] for f in t["expected_findings"]}):
            lines.append(f"| `{f}` | `{t['year']}/{t['document']}` | {FINDING_TEXT.get(f, '')} |")
    varied = [x.id for x in TEMPLATE.varied]
    lines += [
        "",
        "## Files",
        "",
        f"| file | format | variants {'/'.join(varied)} | quirks |",
        "|---|---|---|---|",
    ]
    for t in sorted(truths, key=lambda t: (t["year"], t["document"])):
        q = ", ".join(f"`{x['code']}`" for x in t["quirks"])
        lines.append(
            f"| `{t['year']}/{t['document']}` | {t['format_note']} | "
            f"{'/'.join(str(t['variants'][x]) for x in varied)} | {q} |"
        )
    lines += ["", "## Quirk codes", "", "| code | meaning | files |", "|---|---|---|"]
    for code, what in QUIRKS.items():
        files = [t["document"] for t in truths if any(x["code"] == code for x in t["quirks"])]
        lines.append(f"| `{code}` | {what} | {', '.join(files)} |")
    lines += [
        "",
        "## Known gaps",
        "",
        "* OCR-style errors (wrong characters) are not planted; the scanned PDFs are clean renders.",
        "* The GBK tab-text report marks blank cells with TAB+U+3000 (GBK has no U+00A0).",
        "* 石泉镇 2020 (`issuer_only_meta`) omits the issuer from the title and signature on purpose.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
