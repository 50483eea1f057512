"""The HTML reader on pages written by the tests: encodings, CMS furniture, Word-pasted and flattened tables."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nianbao.extractors.document import Document, Heading, Paragraph, Table
from nianbao.extractors.limits import LIMITS
from nianbao.extractors.readers.html import read_html, read_html_bytes
from nianbao.schemas.errors import UnreadableFile

# 塘㙍镇: U+364D is outside GB2312 and GBK (GB18030 only); 镕 is in GBK but not in GB2312. Both occur
# on real pages that declare gb2312.
RARE_TOWN = "塘\u364d镇"
GBK_ONLY = "镕"


def page(body: str, charset: str = "utf-8", title: str = "测试镇2023年政府信息公开工作年度报告") -> str:
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{title}</title></head><body>{body}</body></html>"
    )


def texts(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, (Heading, Paragraph))]


CMS_BODY = """
<div class="header"><a href="/">首页</a> <a href="/gk">政务公开</a> <a href="/hd">互动交流</a></div>
<div class="nav"><ul><li><a>机构概况</a></li><li><a>政策文件</a></li><li><a>通知公告栏目</a></li></ul></div>
<div class="location">当前位置：<a>首页</a> &gt; <a>政府信息公开</a> &gt; <a>年度报告</a></div>
<div class="main">
 <div class="side"><ul><li><a>政府信息公开指南</a></li><li><a>政府信息公开制度</a></li><li><a>依申请公开</a></li></ul></div>
 <div class="article">
  <table class="xxgk-meta">
   <tr><td>索引号：</td><td>113300000000000000/2024-00001</td><td>发布机构：</td><td>测试镇人民政府</td></tr>
   <tr><td>成文日期：</td><td>2024-01-18</td><td>发布日期：</td><td>2024-01-22</td></tr>
  </table>
  <h1>测试镇2023年政府信息公开工作年度报告</h1>
  <div id="zoom" class="TRS_Editor">
   <p class="MsoNormal"><span style="font-family:仿宋">一、总体情况</span><o:p></o:p></p>
   <p><span>本镇全年认真推进公开工作，</span><span>各项任务按期完成，群众满意度稳步提高。</span></p>
   <p>二、主动公开政府信息情况</p>
   <table border="1" class="MsoNormalTable">
    <tr><td colspan="4"><p><span>第二十条第（一）项</span></p></td></tr>
    <tr><td><p>信息内容</p></td><td><p><span>本年</span></p><p><span>制发件数</span></p></td>
        <td>本年废止<br>件数</td><td>现行有效件数</td></tr>
    <tr><td><font face="宋体">规章</font></td><td>0</td><td>&nbsp;</td><td><span>0</span><o:p>&nbsp;</o:p></td></tr>
    <tr><td>行政规范性文件</td><td>2</td><td>&#12288;</td><td>7</td></tr>
   </table>
   <p>三、收到和处理政府信息公开申请情况</p>
   <table border="1">
    <tr><td rowspan="2" colspan="2">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>
        <td colspan="2">申请人情况</td></tr>
    <tr><td>自然人</td><td>商业<span>企业</span></td></tr>
    <tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>3</td><td>1</td></tr>
    <tr><td>（二）部分公开</td><td>0</td><td>0</td></tr>
   </table>
   <p>五、存在的主要问题及改进情况</p>
   <p>公开形式仍需丰富。</p>
  </div>
 </div>
</div>
<div class="footer"><p>主办单位：测试县人民政府办公室</p><p><a>网站地图</a> <a>联系我们</a></p></div>
"""


def test_cms_page_metadata_and_article(tmp_path: Path) -> None:
    p = tmp_path / "cms.html"
    p.write_text(page(CMS_BODY), encoding="utf-8")
    doc = read_html(str(p))
    assert doc.metadata == {
        "title": "测试镇2023年政府信息公开工作年度报告",
        "breadcrumb": "首页 > 政府信息公开 > 年度报告",
        "索引号": "113300000000000000/2024-00001",
        "发布机构": "测试镇人民政府",
        "成文日期": "2024-01-18",
        "发布日期": "2024-01-22",
    }
    assert texts(doc) == [
        "测试镇2023年政府信息公开工作年度报告",
        "一、总体情况",
        "本镇全年认真推进公开工作，各项任务按期完成，群众满意度稳步提高。",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "五、存在的主要问题及改进情况",
        "公开形式仍需丰富。",
    ]
    assert len(doc.tables) == 2  # the metadata table is not a report table
    everything = " ".join(c.text for t in doc.tables for row in t.rows for c in row) + " ".join(texts(doc))
    for furniture in ("机构概况", "政府信息公开指南", "网站地图", "主办单位", "索引号", "当前位置"):
        assert furniture not in everything


def test_word_pasted_table_cells(tmp_path: Path) -> None:
    p = tmp_path / "cms.html"
    p.write_text(page(CMS_BODY), encoding="utf-8")
    t2, t3 = read_html(str(p)).tables
    assert t2.texts() == [
        ["第二十条第（一）项"] * 4,
        ["信息内容", "本年\n制发件数", "本年废止\n件数", "现行有效件数"],
        ["规章", "0", "\xa0", "0"],
        ["行政规范性文件", "2", "\u3000", "7"],
    ]
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert t3.texts() == [
        [note, note, "申请人情况", "申请人情况"],
        [note, note, "自然人", "商业企业"],
        ["三、本年度办理结果", "（一）予以公开", "3", "1"],
        ["三、本年度办理结果", "（二）部分公开", "0", "0"],
    ]
    assert [c.origin for c in t3.rows[1][:2]] == [(0, 0), (0, 0)]
    assert t3.rows[3][0].origin == (2, 0) and t3.rows[2][0].rowspan == 2


def test_gbk_page_with_gbk_only_char(tmp_path: Path) -> None:
    html = page(f"<p>{GBK_ONLY}城镇人民政府</p><p>一、总体情况</p>", charset="gbk")
    p = tmp_path / "gbk.html"
    p.write_bytes(html.encode("gbk"))
    assert texts(read_html(str(p))) == [f"{GBK_ONLY}城镇人民政府", "一、总体情况"]


def test_gb2312_declared_page_decodes_as_gb18030(tmp_path: Path) -> None:
    html = page(f"<p>{RARE_TOWN}{GBK_ONLY}2023年政府信息公开工作年度报告</p>", charset="gb2312")
    p = tmp_path / "gb2312.html"
    p.write_bytes(html.encode("gb18030"))
    doc = read_html(str(p))
    assert texts(doc) == [f"{RARE_TOWN}{GBK_ONLY}2023年政府信息公开工作年度报告"]
    assert not doc.warnings


def test_utf8_page_with_wrong_meta(tmp_path: Path) -> None:
    p = tmp_path / "wrong.html"
    p.write_bytes(page("<p>申请人情况与商业企业</p>", charset="gb2312").encode("utf-8"))
    doc = read_html(str(p))
    assert texts(doc) == ["申请人情况与商业企业"]
    assert doc.metadata["title"] == "测试镇2023年政府信息公开工作年度报告"


def test_utf8_bom_without_meta() -> None:
    data = "\ufeff<html><body><p>行政复议情况</p></body></html>".encode()
    assert texts(read_html_bytes(data, "bom.html")) == ["行政复议情况"]


def test_flattened_table_one_cell_per_p() -> None:
    """Quirk A: no <table>, each cell its own <p>; a &nbsp; <p> is a blank value."""
    cells = ["行政复议", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "1", "\xa0", "0", "0", "1"]
    body = "<p>四、政府信息公开行政复议、行政诉讼情况</p>" + "".join(f"<p>{c}</p>" for c in cells)
    body += "<p>五、存在的主要问题及改进情况</p><p>公开形式仍需丰富，解读材料还不够通俗。</p>"
    doc = read_html_bytes(page(body).encode(), "flat.html")
    (table,) = doc.tables
    assert not table.structured
    assert table.texts() == [[c] for c in cells]
    assert texts(doc) == [
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "公开形式仍需丰富，解读材料还不够通俗。",
    ]


def test_pipe_rows() -> None:
    """Quirk B: one row per line, cells split on |; merge artefacts stay as empty cells."""
    body = (
        "<p>二、主动公开政府信息情况</p>"
        "<p>| 第二十条第（一）项 | | |</p><p>| 信息内容 | 本年制发件数 | 本年废止件数 |</p>"
        "<p>| 规章 | 0 | 0 |</p><p>正文继续说明本镇的公开工作情况。</p>"
    )
    doc = read_html_bytes(page(body).encode(), "pipes.html")
    (table,) = doc.tables
    assert table.texts() == [
        ["第二十条第（一）项", "", ""],
        ["信息内容", "本年制发件数", "本年废止件数"],
        ["规章", "0", "0"],
    ]
    assert texts(doc)[-1] == "正文继续说明本镇的公开工作情况。"


def test_nested_layout_table_gives_only_inner_tables() -> None:
    body = (
        "<table><tr><td><a>首页</a></td><td><a>导航</a></td></tr><tr><td colspan='2'>"
        "<p>一、总体情况</p><p>本镇全年认真推进公开工作，各项任务按期完成。</p>"
        "<table><tr><td>自然人</td><td>总计</td></tr><tr><td>4</td><td>4</td></tr></table>"
        "</td></tr></table>"
    )
    doc = read_html_bytes(page(body).encode(), "layout.html")
    assert [t.texts() for t in doc.tables] == [[["自然人", "总计"], ["4", "4"]]]
    assert "一、总体情况" in texts(doc)


def test_empty_page_is_unreadable() -> None:
    from nianbao.schemas.errors import UnreadableFile

    try:
        read_html_bytes(b"   ", "blank.html")
    except UnreadableFile as exc:
        assert exc.reason == "empty file"
    else:
        raise AssertionError("blank page accepted")
    assert isinstance(read_html_bytes(b"<p>x</p>", "x.html").blocks[0], Paragraph | Table)


# ------------------------------------------------------------------------------------------------
# Bounds (extractors.limits): spans clamped, oversized tables skipped before their grid is built
# ------------------------------------------------------------------------------------------------
_HDR = "<tr><td>项目</td><td>本年制发件数</td><td>本年废止件数</td></tr>"


def _page(table_rows: str) -> bytes:
    return f"<html><body><h1>报告</h1><table>{_HDR}{table_rows}</table></body></html>".encode()


def test_huge_colspan_is_clamped_to_the_column_limit() -> None:
    doc = read_html_bytes(
        _page("<tr><td colspan='999999999'>规章</td></tr><tr><td>a</td><td>1</td></tr>"), "t"
    )
    t = doc.tables[0]
    assert [len(r) for r in t.rows] == [3, 200, 2]
    assert (t.rows[1][0].colspan, t.rows[1][199].origin) == (200, (1, 0))
    assert doc.warnings == []


def test_huge_rowspan_is_clamped_to_the_table_and_zero_means_to_the_end() -> None:
    rows = "<tr><td rowspan='999999999'>规章</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr>"
    t = read_html_bytes(_page(rows), "t").tables[0]
    assert t.texts() == [
        ["项目", "本年制发件数", "本年废止件数"],
        ["规章", "1"],
        ["规章", "2"],
        ["规章", "3"],
    ]
    assert t.rows[1][0].rowspan == 3
    t0 = read_html_bytes(_page(rows.replace("999999999", "0")), "t").tables[0]
    assert t0.texts() == t.texts()


def test_spans_with_non_ascii_digits_count_as_one() -> None:
    rows = "<tr><td colspan='²'>a</td><td colspan='٣'>1</td><td colspan='-4'>2</td></tr>"
    t = read_html_bytes(_page(rows), "t").tables[0]
    assert [(c.text, c.colspan) for c in t.rows[1]] == [("a", 1), ("1", 1), ("2", 1)]


def test_table_over_the_row_limit_is_skipped_with_a_warning() -> None:
    n = LIMITS.max_table_rows + 1 - 1  # header row + n data rows = limit + 1
    doc = read_html_bytes(_page("<tr><td>行政处罚</td><td>12</td></tr>" * n), "t")
    assert doc.tables == []
    assert doc.warnings == [
        f"table of {LIMITS.max_table_rows + 1} rows skipped (limit {LIMITS.max_table_rows}): not a report table"
    ]


def test_twenty_thousand_rows_are_skipped_quickly() -> None:
    doc = read_html_bytes(_page("<tr><td>行政处罚</td><td>12</td></tr>" * 20000), "t")
    assert doc.tables == [] and doc.warnings[0].startswith("table of 20001 rows skipped")


def test_table_whose_spans_would_fill_too_many_cells_is_skipped() -> None:
    both = "<tr><td colspan='999999999' rowspan='999999999'>x</td></tr>" * 600
    doc = read_html_bytes(_page(both), "t")
    assert doc.tables == []
    assert doc.warnings == [
        "table of 601 rows x 200 columns skipped (limits 200 columns, 100000 cells): not a report table"
    ]


@pytest.mark.parametrize("printed", ["²³⁰", "②③⓪", "２３０", "230" + "0" * 27])
def test_only_ascii_and_full_width_digits_are_numbers(tmp_path: Path, printed: str) -> None:
    from nianbao.extractors import extract_file
    from tests.conftest import SAMPLES

    page = (SAMPLES / "reports" / "2022" / "bailu_2022.html").read_text("utf-8")
    assert page.count(">230<") == 1  # 行政处罚 本年处理决定数量
    p = tmp_path / "bailu.html"
    p.write_text(page.replace(">230<", f">{printed}<"), "utf-8")
    report = extract_file(p)
    cell = next(c for c in report.cells if c.table == "t2" and c.raw == printed)
    if printed == "２３０":  # full-width digits are digits
        assert cell.value == 230
        return
    assert cell.value is None  # left blank, never 2 or 230 from NFKC, never a 30-digit count
    where = f"t2.{cell.row_code}.{cell.col_code}"
    assert [f.rule for f in report.findings if where in f.cells] == ["suspect_value"]


def test_fifo_and_dev_zero_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFile, match=r"not a regular file: a FIFO \(named pipe\)$"):
        read_html(str(fifo))
    link = tmp_path / "zero.html"
    link.symlink_to("/dev/zero")
    with pytest.raises(UnreadableFile, match="not a regular file: a character device$"):
        read_html(str(link))


def test_control_characters_are_replaced_and_reported() -> None:
    doc = read_html_bytes(
        "<html><body><p>本年\x01新收\x08</p><p>一、总体情况</p></body></html>".encode(), "t"
    )
    assert [b.text for b in doc.text_blocks()] == ["本年 新收", "一、总体情况"]
    assert doc.warnings == ["2 control characters replaced by spaces: the page is damaged"]


def test_a_tag_with_thousands_of_attributes_is_cut_before_parsing(tmp_path: Path) -> None:
    """libxml2 compares each attribute with the ones before it: 200,000 of them took 85 s to parse."""
    from nianbao.extractors.readers.html import _cap_attributes

    fat = "<p " + " ".join(f"a{i}='x'" for i in range(200_000)) + ">一、总体情况</p>"
    image = f"<img src='data:image/png;base64,{'A' * 8000}' alt=\"表 1\">"  # long, but two attributes
    text, cut = _cap_attributes(f"<html><body>{fat}{image}</body></html>")
    assert cut == 1
    assert (
        text
        == "<html><body><p "
        + " ".join(f"a{i}='x'" for i in range(64))
        + ">一、总体情况</p>"
        + image
        + "</body></html>"
    )
    page = tmp_path / "fat.html"
    page.write_text(f"<html><body>{fat}{image}</body></html>", "utf-8")
    assert read_html(str(page)).warnings == [
        "1 tags with over 64 attributes cut to the first 64: the page is damaged or hostile"
    ]
