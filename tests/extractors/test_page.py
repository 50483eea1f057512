"""The one page reader: title, breadcrumb, metadata block, article body and furniture frames, read
alike by the crawler and the HTML reader."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from nianbao.extractors import page as portal
from nianbao.extractors.readers.html import read_html_bytes
from nianbao.schemas.text import parse_date
from nianbao.sources.crawl.page import parse_page

PAGE = """<html><head><title>年报_云岭区人民政府</title>
<meta name="ArticleTitle" content="鹤鸣乡2023年政府信息公开工作年度报告"></head><body>
<div class="top"><img src="/img/logo.png"><iframe src="/inc/weather.html" width="300" height="40"></iframe></div>
<div class="path">您现在的位置：<a>首页</a> » <a>乡镇信息公开</a> » <a>鹤鸣乡</a></div>
<ul class="info"><li>索 引 号：<span>1133/2024-0009</span></li><li>信息来源：<span>鹤鸣乡人民政府</span></li>
<li>生成日期：<span>2024-01-19</span></li><li>公开方式：主动公开</li></ul>
<div id="zoom"><p>一、总体情况</p><p>鹤鸣乡全年收到信息公开申请3件。</p>
<iframe src="/a/9_tables.html" width="100%" height="900"></iframe></div>
<div class="g-footer"><p>主办：云岭区人民政府办公室</p>
<iframe src="/inc/visits.html" width="100%" height="300"></iframe></div>
</body></html>"""
URL = "http://x.gov.cn/hm/art/2024/1/19/art_9.html"


def test_crawler_and_reader_read_the_same_furniture() -> None:
    page = parse_page(PAGE, URL)
    doc = read_html_bytes(PAGE.encode("utf-8"), "hm.html")
    assert page.title == doc.metadata["title"] == "鹤鸣乡2023年政府信息公开工作年度报告"
    assert page.breadcrumb == ["首页", "乡镇信息公开", "鹤鸣乡"]
    assert doc.metadata["breadcrumb"] == "首页 » 乡镇信息公开 » 鹤鸣乡"
    # one vocabulary: the crawler's fields and the reader's names are the same labels
    assert page.meta == {"index_no": "1133/2024-0009", "issuer": "鹤鸣乡人民政府", "written": "2024-01-19"}
    assert {k: doc.metadata[k] for k in ("索引号", "发布机构", "成文日期")} == {
        "索引号": "1133/2024-0009",
        "发布机构": "鹤鸣乡人民政府",
        "成文日期": "2024-01-19",
    }
    text = " ".join(getattr(b, "text", "") for b in doc.blocks)
    assert "总体情况" in text and "索" not in text and "您现在的位置" not in text


def test_footer_and_header_frames_are_furniture_the_article_frame_is_a_part() -> None:
    page = parse_page(PAGE, URL)
    assert page.frames == ["http://x.gov.cn/a/9_tables.html"]
    root = lxml.html.document_fromstring(PAGE)
    body = portal.content(root)
    assert body is not None and body.get("id") == "zoom"
    furniture = [f.get("src") for f in root.iter("iframe") if portal.is_furniture_frame(f, body)]
    assert furniture == ["/inc/weather.html", "/inc/visits.html"]
    # without a marked article body, chrome is still told by its class, a footer tag or a badge's name
    bare = lxml.html.document_fromstring(
        '<html><body><iframe src="/a/1_body.html"></iframe><footer><iframe src="/x.html"></iframe></footer>'
        '<div><iframe src="/dzjg/badge.html"></iframe></div></body></html>'
    )
    assert portal.frames(bare) == ["/a/1_body.html"]


def test_metadata_block_and_loose_fields() -> None:
    root = lxml.html.document_fromstring(
        "<html><body><table><tr><td>发文机关：</td><td>白鹭镇人民政府</td><td>发布日期：2023-01-17</td></tr>"
        "</table><p>正文</p><p>更新日期：2023-02-01</p></body></html>"
    )
    meta = portal.metadata(root)
    assert meta.fields == {"issuer": "白鹭镇人民政府", "published": "2023-01-17"}
    assert [b.tag for b in meta.blocks] == ["table"]
    assert meta.named() == {"发布机构": "白鹭镇人民政府", "发布日期": "2023-01-17"}
    # one label alone is not a block, but its line still gives the field
    single = lxml.html.document_fromstring("<html><body><p>发布机构：石泉镇人民政府</p></body></html>")
    got = portal.metadata(single)
    assert (got.fields, got.blocks) == ({"issuer": "石泉镇人民政府"}, [])


def test_a_report_table_is_never_a_metadata_block() -> None:
    root = lxml.html.document_fromstring(
        "<html><body><table><tr><td>索引号：</td><td>1</td><td>发布机构：</td><td>x</td><td>本年新收</td></tr>"
        "</table></body></html>"
    )
    assert portal.metadata(root, not_meta=lambda t: "本年新收" in t).blocks == []
    assert portal.metadata(root).blocks != []


def test_page_vocabulary_is_data() -> None:
    text = (Path(portal.__file__).with_name("page.toml")).read_text("utf-8")
    changed = portal.load_page_vocabulary(text.replace('"当前位置", ', '"所处栏目", '))
    root = lxml.html.document_fromstring(
        "<html><body><div>所处栏目：<a>首页</a> &gt; <a>年报</a></div></body></html>"
    )
    crumb = portal.breadcrumb(root, changed)
    assert crumb is not None and crumb.parts == ["首页", "年报"]
    assert portal.breadcrumb(root) is None


def test_one_date_parser() -> None:
    assert parse_date("成文日期：2024年1月9日") == "2024-01-09"
    assert parse_date("二〇二四年一月九日") == "2024-01-09"
    assert parse_date("２０２４．１．９") == "2024-01-09"
    assert parse_date("2023-02-30，2023-03-01") == "2023-03-01"  # the first date that exists
    assert parse_date("第2023-13-01号") is None and parse_date(None) is None
