"""Fixture portals of the fictional 青溪市云岭区, generated here, served by tests/sources/server.py.

One district portal whose 政府信息公开 entry leads (乡镇信息公开 → {镇名} → 年报) to township columns in six
CMS styles: TRS (白鹭镇, GBK pages, one mis-declared), Hanweb jcms (鹤鸣乡), the Hanweb annual-report
module (枫林街道), gkmlpt (松溪镇, tables as a picture), Anhui (石泉镇) and an unknown layout only the
generic reading handles (青岚乡, endless paging). Report bodies are the bundled samples (samples/reports).
Faults: 500s (one page twice, then served), a timeout, a slow page, a redirect off the allow-list, oversized files (with and without
Content-Length), a malicious attachment name, a robots.txt that disallows a report.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
from pathlib import Path

from tests.sources.server import Resource

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "reports"
HTML = "text/html"
ROBOTS = "User-agent: *\nDisallow: /zwgk/private/\n"
TIMEOUT_PATH = "/qinglan/show.php?id=91"
BROKEN_PATH = "/qinglan/show.php?id=92"
FLAKY_PATH = "/zwgk/qxnb/202101/t20210117_78.html"
SLOW_PATH = "/qinglan/show.php?id=88"


def sample(name: str) -> bytes:
    """The bytes of a bundled sample report, e.g. "2022/bailu_2022.html"."""
    return (SAMPLES / name).read_bytes()


def truth(name: str) -> dict[str, object]:
    """The expected values of a bundled sample."""
    return dict(json.loads((SAMPLES / f"{name}.truth.json").read_text("utf-8")))


@functools.lru_cache(maxsize=1)
def table_picture() -> bytes:
    """Page 3 of the 松溪镇 2023 PDF sample (tables 3 and 4) as a PNG: a report's tables as a picture."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(SAMPLES / "2023" / "songxi_2023.pdf"))
    img = doc[2].render(scale=200 / 72).to_pil()
    out = Path(tempfile.mkdtemp(prefix="nianbao-crawl-")) / "t.png"
    img.save(out)
    doc.close()
    return out.read_bytes()


def chrome(
    title: str, crumb: list[str], inner: str, meta: dict[str, str] | None = None, charset: str = "utf-8"
) -> str:
    """A portal page: header with logo, breadcrumb, optional metadata block, and the inner content."""
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    block = ""
    if meta:
        cells = "".join(f"<td>{k}：</td><td>{v}</td>" for k, v in meta.items())
        block = f'<table class="xxgk-meta"><tr>{cells}</tr></table>'
    crumbs = " &gt; ".join(f'<a href="#">{c}</a>' for c in crumb)
    return (
        f"<html><head>{head}<title>{title}</title></head><body>"
        '<div class="header"><img src="/images/logo.png" alt="logo"><a href="/">首页</a> <a href="/hd/">互动交流</a></div>'
        f'<div class="position">当前位置：{crumbs}</div>{block}{inner}'
        '<div class="footer"><a href="/about.html">关于我们</a> 主办：青溪市云岭区人民政府办公室</div></body></html>'
    )


def wrap_sample(body: bytes, crumb: list[str], meta: dict[str, str]) -> str:
    """A sample report page inside a portal article page: breadcrumb and metadata block added at <body>."""
    text = body.decode("utf-8")
    crumbs = " &gt; ".join(crumb)
    cells = "".join(f"<td>{k}：</td><td>{v}</td>" for k, v in meta.items())
    extra = f'<div class="crumb">当前位置：{crumbs}</div><table class="xxgk-meta"><tr>{cells}</tr></table>'
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + extra, text, count=1)


def meta(issuer: str, date: str, index: str = "") -> dict[str, str]:
    """A metadata block: 索引号, 发布机构, 成文日期, 发布日期."""
    return {
        "索引号": index or f"11330199/{date[:4]}-0001",
        "发布机构": issuer,
        "成文日期": date,
        "发布日期": date,
    }


def gbk(text: str) -> bytes:
    return text.encode("gbk")


def district(base: str, closed_port: int) -> dict[str, Resource]:
    """Every path of the fixture district portal."""
    s: dict[str, Resource] = {"/robots.txt": Resource(ROBOTS.encode(), "text/plain")}
    # entry and townships ------------------------------------------------------------------------------
    s["/zwgk/index.html"] = Resource(chrome("政府信息公开_云岭区", ["首页", "政府信息公开"], (
        '<ul class="menu"><li><a href="/zwgk/zcwj/">政策文件</a></li><li><a href="/zwgk/xzxxgk/index.html">乡镇信息公开</a></li>'
        '<li><a href="/zwgk/qxnb/index.html">政府信息公开年报</a></li></ul>')).encode())  # fmt: skip
    towns = [("白鹭镇", "/zwgk/xzxxgk/bailu/index.html"), ("鹤鸣乡", "/hm/index.html"),
             ("枫林街道办事处", "/fl/index.html"), ("松溪镇人民政府", "/songxi/index.html"),
             ("石泉镇", "/sq/index.html"), ("青岚乡", "/qinglan/index.html")]  # fmt: skip
    s["/zwgk/xzxxgk/index.html"] = Resource(chrome("乡镇信息公开", ["首页", "政府信息公开", "乡镇信息公开"], "<ul>" + "".join(
        f'<li><a href="{u}">{n}</a></li>' for n, u in towns) + "</ul>").encode())  # fmt: skip
    columns = {"/zwgk/xzxxgk/bailu/index.html": ("白鹭镇", "zfxxgknb/index.html", "政府信息公开年报"),
               "/hm/index.html": ("鹤鸣乡", "/col/col1201/index.html", "信息公开年报"),
               "/fl/index.html": ("枫林街道", "/module/xxgk/annualList.jsp?area=11371082004363781R", "政府信息公开年报"),
               "/songxi/index.html": ("松溪镇", "/songxi/gkmlpt/index", "政府信息公开年报"),
               "/sq/index.html": ("石泉镇", "/XxgkContent/showList/28/0/page_1.html", "信息公开年报"),
               "/qinglan/index.html": ("青岚乡", "/qinglan/list.php?cat=7", "政务公开年报")}  # fmt: skip
    for path, (name, col, label) in columns.items():
        page = chrome(
            name,
            ["首页", "乡镇信息公开", name],
            (
                f'<ul class="sub"><li><a href="/jg/{name}.html">机构职能</a></li><li><a href="{col}">{label}</a></li></ul>'
            ),
        )
        s[path] = (
            Resource(gbk(page), "text/html; charset=GBK") if name == "白鹭镇" else Resource(page.encode())
        )
    # district's own 年报 column (a year column holding a street's report: attribution by 发布机构)
    s["/zwgk/qxnb/index.html"] = Resource(chrome("政府信息公开年报", ["首页", "政府信息公开", "政府信息公开年报"], (
        '<ul><li><a href="/zwgk/qxnb/202303/t20230317_77.html">2022年政府信息公开工作年度报告</a><span>2023-03-17</span></li>'
        '<li><a href="/zwgk/qxnb/202101/t20210117_78.html">2020年政府信息公开工作年度报告</a><span>2021-01-17</span></li></ul>'
    )).encode())  # fmt: skip
    s["/zwgk/qxnb/202303/t20230317_77.html"] = Resource(chrome("2022年政府信息公开工作年度报告", ["首页", "政府信息公开", "政府信息公开年报"], (
        '<div class="TRS_Editor"><p>全文见附件。</p></div><p>附件：<a href="/zwgk/qxnb/202303/P020230317.txt">年度报告全文.txt</a></p>'
    ), meta("青溪市云岭区望月街道办事处", "2023-03-17")).encode())  # fmt: skip
    s["/zwgk/qxnb/202303/P020230317.txt"] = Resource(
        sample("2022/wangyue_2022.txt"), "text/plain; charset=utf-8"
    )
    s[FLAKY_PATH] = Resource(chrome("2020年政府信息公开工作年度报告", ["首页", "政府信息公开", "政府信息公开年报"], (
        '<div class="TRS_Editor"><p>报告全文请下载附件。</p></div>'
        '<p>附件：<a href="/module/download/downfile.jsp?classid=0&filemapid=77&filename=e3a9.pdf">2020年年报</a></p>'),
        meta("青溪市云岭区清水镇人民政府", "2021-01-17")).encode(), fail_first=2)  # fmt: skip
    gbk_name = "清水镇2020年年报.pdf".encode("gbk").decode("latin-1")  # raw GBK bytes in the header
    s["/module/download/downfile.jsp?classid=0&filemapid=77&filename=e3a9.pdf"] = Resource(
        sample("2020/qingshui_2020.pdf"), "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{gbk_name}"'})  # fmt: skip
    _trs(s)
    _hanweb(s)
    _annual(s)
    _gkmlpt(s)
    _anhui(s)
    _generic(s, closed_port)
    return s


def _trs(s: dict[str, Resource]) -> None:
    col = "/zwgk/xzxxgk/bailu/zfxxgknb/"
    crumb = ["首页", "政府信息公开", "乡镇信息公开", "白鹭镇", "政府信息公开年报"]
    pager = '<script>createPageHTML(2, {cur}, "index", "html");</script>'
    s[col + "index.html"] = Resource(gbk(chrome("政府信息公开年报", crumb, (
        '<ul class="list"><li><a href="./202301/t20230117_1001.html">白鹭镇2022年政府信息公开工作年度报告</a><span>2023-01-17</span></li>'
        '<li><a href="./202101/t20210125_1002_wap.html">白鹭镇2020年政府信息公开工作年度报告</a><span>2021-01-25</span></li>'
        '<li><a href="/zwgk/private/202201/t20220120_1003.html">白鹭镇2021年政府信息公开工作年度报告</a><span>2022-01-20</span></li>'
        "</ul>" + pager.format(cur=0)), charset="gb2312")), "text/html")  # fmt: skip
    s[col + "index_1.html"] = Resource(gbk(chrome("政府信息公开年报", crumb, (
        '<ul class="list"><li><a href="./202101/t20210125_1002.html?isMobile=true">白鹭镇2020年政府信息公开工作年度报告</a><span>2021-01-25</span></li>'
        '<li><a href="./202401/t20240102_1004.html">白鹭镇2022年政府信息公开工作年度报告（重发）</a><span>2024-01-02</span></li>'
        "</ul>" + pager.format(cur=1)), charset="")), "text/html")  # fmt: skip
    issuer = "青溪市云岭区白鹭镇人民政府"
    page_2022 = gbk(
        wrap_sample(sample("2022/bailu_2022.html"), crumb, meta(issuer, "2023-01-17")).replace(
            'charset="utf-8"', 'charset="gb2312"'
        )
    )  # GBK, declared gb2312 in the page
    s[col + "202301/t20230117_1001.html"] = Resource(page_2022, "text/html")
    s[col + "202401/t20240102_1004.html"] = Resource(page_2022, "text/html")  # a republished copy: same bytes
    # GBK bytes in a page that declares utf-8 (Word's meta), and no charset in the header
    s[col + "202101/t20210125_1002.html"] = Resource(
        gbk(wrap_sample(sample("2020/bailu_2020.html"), crumb, meta(issuer, "2021-01-25"))), "text/html"
    )
    s["/zwgk/private/202201/t20220120_1003.html"] = Resource(b"<html>private</html>")


def _hanweb(s: dict[str, Resource]) -> None:
    crumb = ["首页", "乡镇信息公开", "鹤鸣乡", "信息公开年报"]
    issuer = "青溪市云岭区鹤鸣乡人民政府"

    def records(items: list[tuple[str, str, str]]) -> str:
        recs = "".join(
            f'<record><![CDATA[<li><a href="{u}" title="{t}">{t[:12]}…</a><b>{d}</b></li>]]></record>'
            for u, t, d in items
        )
        return f'<div id="4"><script type="text/xml"><datastore><nextgroup></nextgroup><recordset>{recs}</recordset></datastore></script></div>'

    page1 = records([("/art/2024/1/19/art_1201_11.html", "鹤鸣乡2023年政府信息公开工作年度报告", "2024-01-19"),
                     ("/art/2023/1/21/art_1201_13.html", "鹤鸣乡2022年政府信息公开工作年度报告解读", "2023-01-21")])  # fmt: skip
    page2 = records(
        [("/art/2021/1/14/art_1201_10.html", "鹤鸣乡2020年政府信息公开工作年度报告", "2021-01-14")]
    )
    nxt = '<a href="/col/col1201/index.html?uid=4&pageNum={n}">下一页</a>'
    s["/col/col1201/index.html"] = Resource(chrome("信息公开年报", crumb, page1 + nxt.format(n=2)).encode())
    # page 2 and every later page show the same record: paging ends by content
    s["/col/col1201/index.html*"] = Resource(render=lambda path: chrome("信息公开年报", crumb, page2 + nxt.format(
        n=int(re.search(r"pageNum=(\d+)", path).group(1)) + 1 if "pageNum" in path else 2)).encode())  # type: ignore[union-attr]  # fmt: skip
    s["/art/2024/1/19/art_1201_11.html"] = Resource(
        wrap_sample(sample("2023/heming_2023.html"), crumb, meta(issuer, "2024-01-19")).encode()
    )
    s["/art/2021/1/14/art_1201_10.html"] = Resource(
        wrap_sample(sample("2020/heming_2020.html"), crumb, meta(issuer, "2021-01-14")).encode()
    )
    s["/art/2023/1/21/art_1201_13.html"] = Resource(b"<html>jd</html>")


def _annual(s: dict[str, Resource]) -> None:
    area = "11371082004363781R"
    crumb = ["首页", "乡镇信息公开", "枫林街道", "政府信息公开年报"]
    issuer = "青溪市云岭区枫林街道办事处"
    page = f"/module/xxgk/xxgkAnnualReport.jsp?area={area}&fbtime="
    s[f"/module/xxgk/annualList.jsp?area={area}"] = Resource(chrome("年报", crumb, (
        f'<table><tr><td><a href="{page}2023" target="_blank">2023年度</a></td></tr>'
        f'<tr><td><a href="{page}2022" target="_blank">2022年度</a></td></tr></table>')).encode())  # fmt: skip
    s[page + "2023"] = Resource(
        wrap_sample(sample("2023/fenglin_2023.html"), crumb, meta(issuer, "2024-01-22")).encode()
    )
    s[page + "2022"] = Resource(chrome("政府信息公开工作年度报告", crumb, (
        '<div class="content"><p>详见附件。</p></div><a href="/module/xxgk/file.jsp?id=9">附件下载</a>'),
        meta(issuer, "2023-01-19")).encode())  # fmt: skip
    s["/module/xxgk/file.jsp?id=9"] = Resource(
        sample("2022/fenglin_2022.docx"),
        "application/octet-stream",
        headers={
            "Content-Disposition": "attachment; filename*=UTF-8''..%2F..%2F..%2Fetc%2F%E6%9E%AB%E6%9E%97.docx"
        },
    )


def _gkmlpt(s: dict[str, Resource]) -> None:
    crumb = ["首页", "松溪镇", "政府信息公开年报"]
    issuer = "青溪市云岭区松溪镇人民政府"
    api = "/songxi/gkmlpt/api/all/2789?page=1&sid=757"
    s["/songxi/gkmlpt/index"] = Resource(chrome("政府信息公开目录", crumb, (
        f'<div id="app"></div><script>var GKML = {{ api: "{api}" }};</script>')).encode())  # fmt: skip
    arts = [{"url": "/songxi/gkmlpt/content/0/501/post_501.html", "title": "松溪镇2023年政府信息公开工作年度报告",
             "first_publish_time": 1705032000},
            {"url": "/songxi/gkmlpt/content/0/502/post_502.html", "title": "松溪镇2022年政府信息公开工作年度报告",
             "first_publish_time": 1706140800}]  # fmt: skip
    s[api] = Resource(json.dumps({"articles": arts, "total": 2}).encode(), "application/json")
    s["/songxi/gkmlpt/api/all/2789?page=2&sid=757"] = Resource(
        b'{"articles": [], "total": 2}', "application/json"
    )
    s["/songxi/gkmlpt/content/0/501/post_501.html"] = Resource(chrome("松溪镇2023年政府信息公开工作年度报告", crumb, (
        '<div class="article-content"><h1>松溪镇2023年政府信息公开工作年度报告</h1><p>本年度统计情况见下表。</p>'
        '<p><img src="/songxi/gkmlpt/attachment/t2023.png" width="1654" height="2339"></p>'
        '<p><img src="/images/icon_print.gif" width="16" height="16"></p></div>'),
        meta(issuer, "2024-01-12")).encode())  # fmt: skip
    s["/songxi/gkmlpt/attachment/t2023.png"] = Resource(table_picture(), "image/png")
    s["/images/logo.png"] = Resource(b"\x89PNG logo", "image/png")
    s["/songxi/gkmlpt/content/0/502/post_502.html"] = Resource(chrome("松溪镇2022年政府信息公开工作年度报告", crumb, (
        '<div class="article-content"><p>详见附件。</p></div><p><a href="/songxi/gkmlpt/attachment/20240125.docx">松溪镇2022年年报.docx</a></p>'),
        meta(issuer, "2023-01-25")).encode())  # fmt: skip
    s["/songxi/gkmlpt/attachment/20240125.docx"] = Resource(
        sample("2022/songxi_2022.docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _anhui(s: dict[str, Resource]) -> None:
    items = ('<ul><li><a href="/OpennessAnnualReport/show/51.html">石泉镇2022年政府信息公开工作年度报告</a><span>2023-01-18</span></li>'
             '<li><a href="/OpennessAnnualReport/show/50.html">石泉镇2020年政府信息公开工作年度报告</a><span>2021-01-13</span></li></ul>')  # fmt: skip
    for n in (1, 2):  # page 2 repeats page 1: nothing new, paging ends
        s[f"/XxgkContent/showList/28/0/page_{n}.html"] = Resource(
            chrome("信息公开年报", ["首页", "石泉镇", "信息公开年报"], items).encode()
        )
    s["/OpennessAnnualReport/show/51.html"] = Resource(
        sample("2022/shiquan_2022.html"), "text/html; charset=gbk"
    )
    s["/OpennessAnnualReport/show/50.html"] = Resource(sample("2020/shiquan_2020.html"), "text/html")


def _generic(s: dict[str, Resource], closed_port: int) -> None:
    crumb = ["首页", "青岚乡", "政务公开年报"]
    issuer = "青溪市云岭区青岚乡人民政府"
    rows = [("show.php?id=88", "青岚乡2022年度政府信息公开工作报告", "2023-01-26"),
            ("show.php?id=89", "青岚乡2023年度政府信息公开工作报告", "2024-01-19"),
            ("go.php?id=90", "青岚乡2021年度政府信息公开工作报告", "2022-01-20"),
            ("show.php?id=91", "青岚乡2019年度政府信息公开工作报告", "2020-01-20"),
            ("show.php?id=92", "青岚乡2018年度政府信息公开工作报告", "2019-01-20")]  # fmt: skip

    def listing(path: str) -> bytes:
        m = re.search(r"page=(\d+)", path)
        n = int(m.group(1)) if m else 1
        lines = "".join(f'<div class="row"><a href="{u}">{t}</a> <em>[{d}]</em></div>' for u, t, d in rows)
        pager = f'<div class="pg"><a href="list.php?cat=7&page=1">1</a> <a href="list.php?cat=7&page={n + 1}">下一页</a> <a href="list.php?cat=7&page={n + 50}">尾页</a></div>'
        return chrome("政务公开年报", crumb, lines + pager).encode()

    s["/qinglan/list.php*"] = Resource(render=listing)  # every page lists the same rows: an endless loop
    s[SLOW_PATH] = Resource(
        wrap_sample(sample("2022/qinglan_2022.html"), crumb, meta(issuer, "2023-01-26")).encode(), delay=0.2
    )
    s["/qinglan/show.php?id=89"] = Resource(chrome("青岚乡2023年度政府信息公开工作报告", crumb, (
        '<div class="txt"><p>详见附件。</p></div><p><a href="files/2023.docx">青岚乡2023年年报.docx</a> '
        '<a href="files/big.pdf">统计表.pdf</a> <a href="files/big2.xls">附表.xls</a></p>'),
        meta(issuer, "2024-01-19")).encode())  # fmt: skip
    s["/qinglan/files/2023.docx"] = Resource(sample("2023/qinglan_2023.docx"), "application/octet-stream")
    s["/qinglan/files/big.pdf"] = Resource(b"%PDF-1.4\n" + b"0" * 3_000_000, "application/pdf")
    s["/qinglan/files/big2.xls"] = Resource(
        b"\xd0\xcf\x11\xe0" + b"0" * 3_000_000, "application/vnd.ms-excel", chunked=True
    )
    s["/qinglan/go.php?id=90"] = Resource(status=302, location=f"http://127.0.0.1:{closed_port}/copy/90.html")
    s[TIMEOUT_PATH] = Resource(b"<html>late</html>", delay=2.5)
    s[BROKEN_PATH] = Resource(b"<html>never</html>", fail_first=10**6)
