"""Page facts (title, breadcrumb, metadata block, body images, frames), report signals and CMS listings."""

from __future__ import annotations

from nianbao.sources.crawl.cms import ListContext, json_listing, read_listing
from nianbao.sources.crawl.discover import attribute
from nianbao.sources.crawl.page import parse_page
from nianbao.sources.crawl.signals import looks_like_report, township_entry, township_name

ARTICLE = """<html><head><title>年报_云岭区人民政府</title>
<meta name="ArticleTitle" content="白鹭镇2022年政府信息公开工作年度报告"></head><body>
<div class="header"><img src="/img/logo.png"></div>
<div class="crumb">当前位置：<a>首页</a> &gt; <a>政府信息公开</a> &gt; <a>白鹭镇</a> &gt; <a>政府信息公开年报</a></div>
<table><tr><td>索 引 号：</td><td>11330199/2023-00017</td><td>发布机构：</td><td>青溪市云岭区白鹭镇人民政府</td></tr>
<tr><td>成文日期：</td><td>2023年01月16日</td><td>发布日期：2023-01-17</td></tr></table>
<div class="TRS_Editor"><p>正文</p><img src="./W020230117.png" width="900"><img src="/img/print.gif"></div>
<p>附件：<a href="./P020230117.pdf">白鹭镇年报.pdf</a></p><iframe src="/frame/1.html"></iframe></body></html>"""


def test_article_facts() -> None:
    page = parse_page(ARTICLE, "http://x.gov.cn/bl/202301/t20230117_1.html")
    assert page.title == "白鹭镇2022年政府信息公开工作年度报告"
    assert page.breadcrumb == ["首页", "政府信息公开", "白鹭镇", "政府信息公开年报"]
    assert page.meta == {
        "index_no": "11330199/2023-00017",
        "issuer": "青溪市云岭区白鹭镇人民政府",
        "written": "2023年01月16日",
        "published": "2023-01-17",
    }
    assert [i.url for i in page.images] == ["http://x.gov.cn/bl/202301/W020230117.png"]
    assert [(a.url, a.text) for a in page.attachments] == [
        ("http://x.gov.cn/bl/202301/P020230117.pdf", "白鹭镇年报.pdf")
    ]
    assert page.frames == ["http://x.gov.cn/frame/1.html"]


def test_report_signals_and_townships() -> None:
    assert looks_like_report("白石乡2022年度政府信息公开工作报告")
    assert looks_like_report("点击查看", "/zwgk/zfxxgknb/2021/t1.html")
    assert not looks_like_report("2021年年报解读", "/jd/1.html")
    assert not looks_like_report("镇领导调研", "/news/1.html")
    assert not looks_like_report("2022年工作报告", "/a.html")  # no 信息公开: the government work report
    assert township_name("青溪市云岭区白鹭镇人民政府") == "白鹭镇"
    assert township_name("云岭区望月街道办事处2022年政府信息公开工作年度报告") == "望月街道"
    assert township_name("盘龙彝族乡") == "盘龙彝族乡"
    assert township_name("各乡镇") is None and township_name("城乡建设") is None
    assert township_entry("枫林街道办事处") == "枫林街道"
    assert township_entry("白鹭镇2022年政府信息公开工作年度报告") is None
    assert attribute(["首页", "鹤鸣乡", "年报"], "白鹭镇", None, None) == ("鹤鸣乡", "breadcrumb")
    assert attribute(["首页", "年报"], "白鹭镇", "青溪市云岭区鹤鸣乡人民政府", None) == ("白鹭镇", "column")
    assert attribute([], None, "青溪市云岭区鹤鸣乡人民政府", "x") == ("鹤鸣乡", "issuer")
    assert attribute([], None, None, "石泉镇2020年政府信息公开工作年度报告") == ("石泉镇", "title")


def _listing(html: str, url: str, column: bool = False) -> tuple[str, list[str], list[str]]:
    got = read_listing(ListContext(url, parse_page(html, url), column))
    return got.cms, [lk.url for lk in got.items], got.next_pages


def test_trs_pager_script() -> None:
    html = (
        '<a href="./202301/t20230117_1.html">马水镇（点击查看）</a><a href="./202301/t20230117_3.html">关于春节放假的通知</a><a href="./202301/t20230118_2_wap.html">x</a>'
        '<script>createPageHTML(5, 1, "index", "shtml");</script>'
    )
    cms, items, nxt = _listing(html, "http://x.gov.cn/nb/index_1.shtml", column=True)
    assert cms == "trs"
    assert items == [
        "http://x.gov.cn/nb/202301/t20230117_1.html",
        "http://x.gov.cn/nb/202301/t20230118_2.html",
    ]
    assert nxt == ["http://x.gov.cn/nb/index_2.shtml"]


def test_generic_reading_of_an_unknown_layout() -> None:
    html = """<div class="r"><a href="/p/view?i=1">白石乡2023年度政府信息公开工作报告</a> (2024/01/20)</div>
    <div class="r"><a href="/p/view?i=2">关于开展卫生整治的通知</a> (2024/01/21)</div>
    <div class="r"><a href="/p/view?i=3">白石乡2023年报解读</a></div>
    <div><a href="/p/list?c=3&n=2">下一页</a><a href="/p/list?c=3&n=9">尾页</a><a href="/p/list?c=3&n=3">3</a>
    <a href="/other/list?n=2">2</a><a href="/p/xxgk.html">政府信息公开年报</a></div>"""
    got = read_listing(
        ListContext("http://x.gov.cn/p/list?c=3", parse_page(html, "http://x.gov.cn/p/list?c=3"))
    )
    assert got.cms == "generic"
    assert [(lk.url, lk.date) for lk in got.items] == [("http://x.gov.cn/p/view?i=1", "2024-01-20")]
    assert got.next_pages == [
        "http://x.gov.cn/p/list?c=3&n=2",
        "http://x.gov.cn/p/list?c=3&n=9",
        "http://x.gov.cn/p/list?c=3&n=3",
    ]


def test_hanweb_records_and_annual_module_years() -> None:
    html = (
        '<script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href="/art/2023/1/2/art_9_8.html" '
        'title="白鹭镇2022年政府信息公开工作年度报告">白鹭镇2022…</a></li>]]></record></recordset></datastore></script>'
    )
    cms, items, _ = _listing(html, "http://x.gov.cn/col/col9/index.html")
    assert (cms, items) == ("hanweb", ["http://x.gov.cn/art/2023/1/2/art_9_8.html"])
    module = '<a href="/module/xxgk/xxgkAnnualReport.jsp?area=001008&fbtime=2021">2021年度</a>'
    got = read_listing(ListContext("http://x.gov.cn/m", parse_page(module, "http://x.gov.cn/m")))
    assert got.cms == "hanweb-annual" and [lk.year for lk in got.items] == [2021]


def test_gkmlpt_json_and_anhui_pages() -> None:
    got = json_listing(
        "http://x.gov.cn/s/gkmlpt/api/all/1?page=3&sid=7",
        '{"articles": [{"url": "/s/gkmlpt/content/0/5/post_5.html", "title": "年报", "first_publish_time": 1705032000}]}',
    )
    assert got is not None and [(lk.url, lk.date) for lk in got.items] == [
        ("http://x.gov.cn/s/gkmlpt/content/0/5/post_5.html", "2024-01-12")
    ]
    assert got.next_pages == ["http://x.gov.cn/s/gkmlpt/api/all/1?page=4&sid=7"]
    assert json_listing("http://x.gov.cn/a", "{not json") is None
    cms, items, nxt = _listing(
        '<a href="/OpennessAnnualReport/show/5.html">2022年度报告</a>',
        "http://x.gov.cn/XxgkContent/showList/2/0/page_3.html",
    )
    assert cms == "anhui" and items == ["http://x.gov.cn/OpennessAnnualReport/show/5.html"]
    assert nxt[0] == "http://x.gov.cn/XxgkContent/showList/2/0/page_4.html"
