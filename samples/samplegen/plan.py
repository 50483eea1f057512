"""The corpus plan: which township-year is rendered in which format, with which quirks and errors.

Every quirk and planted finding of the sample corpus is declared here, and only here; the
printing, layout and rendering steps read these flags. README.md's file table is generated from
this list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samplegen.model import Tweak

# Quirk codes -> what they mean (README and truth files use these texts).
QUIRKS: dict[str, str] = {
    "label_split_cell": "a label broken inside its cell (本年新 / 制作数量 as two lines or paragraphs)",
    "label_space": "a stray space inside a label (商业 企业, 科研 机构)",
    "group_label_breaks": "a group label broken by an empty line inside the cell (（三）\\n\\n不予公开)",
    "halfwidth_parens": "half-width parentheses in block captions (第二十条第(一)项)",
    "colspan_mismatch": "table 2 on a 5-column grid whose header and data rows use different colspans (上海 2019 style)",
    "normative_2019_label_in_2021": "row label 规范性文件 (2019 wording) in a 2021 table 2",
    "other6_short": "（六）其他 instead of （六）其他处理",
    "carry_next_year_label": "结转下一年度继续办理 instead of 四、结转下年度继续办理",
    "heji_total": "合计 instead of 总计 in the table-3 header",
    "traditional_script": "the whole page in Traditional script (規範性檔案, 本年處理決定數量, 總計)",
    "hubei_extra_row": "Hubei-style annotated labels and an extra row 其他主动公开文件（含…） in block （一） (not a canonical cell)",
    "unit_yuan": "采购总金额 printed with the unit 元",
    "unit_wanyuan": "采购总金额 printed with the unit 万元",
    "fee_decimal": "本年收费金额 printed as a decimal (万元)",
    "signed_delta": "本年增/减 printed with explicit signs (+3, -2)",
    "cell_annotation": "a value cell with an annotation (3（其中修订1件）)",
    "null_dash": "'-' printed in value cells",
    "null_wu": "'无' printed in a value cell",
    "t2_cols_scrambled": "table-2 block （一） columns in a non-standard order (header gives the order)",
    "parens_dropped": "parenthesised text dropped from labels (第二十条第, 本年收费金额单位:万元)",
    "t3_note_missing": "the table-3 note cell （本列数据的勾稽关系…） is empty",
    "heading_retitled": "section headings retitled (一、工作基本情况, 五、存在的主要问题及整改措施)",
    "heading_misnumbered": "a section heading with the wrong numeral",
    "issuer_only_meta": "the issuer is named only in the page title and the metadata block; the body says 我镇",
    "blank_cells": "zero cells printed blank (blank is not zero)",
    "u3000_blanks": "blank Word cells holding U+3000 ideographic spaces",
    "outdated_t2_layout": "a 2022/2023 report on the 2019 table-2 layout (quirk N)",
    "mixed_t3_2019": "2021 table 2 with the 2019 table 3 (single （六）其他处理 row), like hongze_2023",
    "all_blank": "every table cell blank; the headings of 三 and 四 end in （无）",
    "tab_cells": "wangdian-style text: tab-prefixed cells, blank line between rows, TAB+NBSP blanks, bare-tab merge continuations",
    "gbk": "file encoded in GBK",
    "word_markup": "Word-pasted HTML (span/font/o:p, class=MsoNormal) with rowspan/colspan",
    "cms_page": "CMS page with navigation and a metadata block (索引号/发布机构/成文日期) around the article",
    "cell_per_p": "the tables flattened to one cell per <p>",
    "pipe_rows": "tables printed as pipe-separated rows",
    "pdf_text": "PDF with a text layer (LibreOffice export of a generated .docx)",
    "doc_binary": "legacy Word .doc (LibreOffice conversion of a generated .docx)",
    "scanned": "image-only PDF: pages rendered at 150 dpi, rotated slightly, with mild noise",
    "narrative_mismatch": "the sentence 本年度共收到政府信息公开申请N件 disagrees with table 3 (一, 总计)",
    "xlsx_attachment": "the statistics tables also shipped as an .xlsx attachment with merged cells",
    "real_merges": "Word tables with real merges (gridSpan, vMerge) as in the official layout",
}

# Planted findings (validation rule codes); see README.
FINDINGS = (
    "t3_balance",
    "t3_row_total",
    "t3_results_total",
    "t4_block_total",
    "cross_year_carry_over",
    "township_rules",
    "late_publication",
    "blank_total",
    "no_data",
)


@dataclass(frozen=True)
class Spec:
    """One report of the corpus."""

    tw: str
    year: int
    fmt: str  # docx | html | txt | pdf | doc | scan
    style: str = ""  # html: word | cms | flat | pipe | trad; txt: tab
    t2: str = ""  # table-2 variant; "" = by year
    t3: str = ""
    published: date | None = None  # None = 15-28 Jan of year+1, drawn per report
    quirks: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    xlsx: bool = False  # ship an .xlsx statistics attachment too

    @property
    def stem(self) -> str:
        return f"{self.tw}_{self.year}"

    @property
    def ext(self) -> str:
        return {"scan": "pdf"}.get(self.fmt, self.fmt)

    @property
    def v2(self) -> str:
        return self.t2 or ("2019" if self.year < 2021 else "2021")

    @property
    def v3(self) -> str:
        return self.t3 or ("2019" if self.year < 2021 else "2021")

    def has(self, quirk: str) -> bool:
        return quirk in self.quirks


PLAN: tuple[Spec, ...] = (
    # ---- 2020 reports: 2019 format
    Spec(
        "songxi",
        2020,
        "docx",
        quirks=(
            "real_merges",
            "label_split_cell",
            "unit_yuan",
            "signed_delta",
            "blank_cells",
            "u3000_blanks",
        ),
    ),
    Spec(
        "bailu",
        2020,
        "html",
        "word",
        quirks=("word_markup", "colspan_mismatch", "halfwidth_parens", "label_space"),
    ),
    Spec(
        "qinglan",
        2020,
        "txt",
        "tab",
        quirks=("tab_cells", "all_blank", "label_split_cell"),
        findings=("no_data",),
    ),
    Spec("heming", 2020, "html", "pipe", quirks=("pipe_rows", "hubei_extra_row", "null_dash")),
    Spec("fenglin", 2020, "pdf", quirks=("pdf_text", "t3_note_missing", "heading_retitled")),
    Spec("wangyue", 2020, "doc", quirks=("doc_binary", "heading_misnumbered", "signed_delta")),
    Spec(
        "shiquan",
        2020,
        "html",
        "cms",
        quirks=("cms_page", "gbk", "issuer_only_meta", "t2_cols_scrambled", "unit_wanyuan"),
    ),
    Spec("qingshui", 2020, "pdf", quirks=("pdf_text", "other6_short", "unit_yuan")),
    # ---- 2022 reports: 2021 format (two exceptions)
    Spec(
        "songxi",
        2022,
        "docx",
        quirks=("real_merges", "normative_2019_label_in_2021", "group_label_breaks", "fee_decimal"),
        findings=("blank_total",),
    ),
    Spec("bailu", 2022, "html", "flat", quirks=("cell_per_p", "label_split_cell")),
    Spec("qinglan", 2022, "html", "trad", quirks=("traditional_script", "fee_decimal")),
    Spec("heming", 2022, "scan", quirks=("scanned",)),
    Spec(
        "fenglin",
        2022,
        "docx",
        t2="2019",
        quirks=("real_merges", "outdated_t2_layout", "signed_delta", "label_space"),
    ),
    Spec(
        "wangyue",
        2022,
        "txt",
        "tab",
        published=date(2023, 3, 17),
        quirks=("tab_cells", "gbk", "null_wu", "blank_cells"),
        findings=("late_publication",),
    ),
    Spec("shiquan", 2022, "html", "cms", quirks=("cms_page", "gbk", "heading_retitled")),
    Spec("qingshui", 2022, "docx", quirks=("real_merges", "cell_annotation", "xlsx_attachment"), xlsx=True),
    # ---- 2023 reports
    Spec("songxi", 2023, "pdf", quirks=("pdf_text", "heading_retitled", "fee_decimal")),
    Spec("bailu", 2023, "doc", quirks=("doc_binary",), findings=("cross_year_carry_over",)),
    Spec(
        "qinglan",
        2023,
        "docx",
        t3="2019",
        quirks=("real_merges", "mixed_t3_2019"),
        findings=("t4_block_total",),
    ),
    Spec(
        "heming",
        2023,
        "html",
        "word",
        quirks=("word_markup", "carry_next_year_label", "group_label_breaks"),
        findings=("township_rules",),
    ),
    Spec(
        "fenglin",
        2023,
        "html",
        "pipe",
        quirks=("pipe_rows", "heji_total"),
        findings=("t3_row_total", "t3_results_total"),
    ),
    Spec("wangyue", 2023, "scan", t2="2019", quirks=("scanned", "outdated_t2_layout")),
    Spec(
        "shiquan",
        2023,
        "txt",
        "tab",
        quirks=("tab_cells", "narrative_mismatch", "label_space", "blank_cells"),
    ),
    Spec("qingshui", 2023, "docx", quirks=("real_merges", "parens_dropped", "heading_misnumbered")),
)

# Model deviations behind the planted findings.
TWEAKS: dict[tuple[str, int], Tweak] = {
    ("qinglan", 2020): Tweak(zero=True),
    ("bailu", 2023): Tweak(carried_in_recount=2),
    ("heming", 2023): Tweak(rules=(2, 0, 2)),
    ("qinglan", 2023): Tweak(review_parts=(7, 3, 1, 0)),
}
