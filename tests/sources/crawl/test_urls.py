"""URL canonicalisation, the host allow-list, link kinds, safe suffixes and dates in URLs."""

from __future__ import annotations

from nianbao.sources.crawl.urls import canonical_url, date_in_url, host_allowed, link_kind, safe_suffix


def test_canonical_url_folds_twins_ports_and_fragments() -> None:
    assert canonical_url("HTTP://WWW.Cqsdj.GOV.CN:80/zwgk/t20220118_1_wap.html#top") == (
        "http://www.cqsdj.gov.cn/zwgk/t20220118_1.html"
    )
    assert canonical_url("https://www.suiyang.gov.cn/a/t1.html?isMobile=true&id=3") == (
        "https://www.suiyang.gov.cn/a/t1.html?id=3"
    )
    assert canonical_url("https://x.gov.cn:443/a_wap.shtml") == "https://x.gov.cn/a.shtml"
    assert canonical_url("https://x.gov.cn:8443/a_wap.htm") == "https://x.gov.cn:8443/a.htm"
    assert canonical_url("https://x.gov.cn/wap_news/a.pdf") == "https://x.gov.cn/wap_news/a.pdf"
    assert canonical_url("../b/c.html", "http://x.gov.cn/a/d/index.html") == "http://x.gov.cn/a/b/c.html"


def test_host_allow_list() -> None:
    assert host_allowed("http://www.rongchang.gov.cn/a.html")
    assert not host_allowed("http://tpsnm.com/zfxxgknb/a.html")  # a spam mirror (publishing.md §5)
    assert not host_allowed("http://evilgov.cn/a")
    assert not host_allowed("ftp://x.gov.cn/a.pdf")
    assert not host_allowed("http://127.0.0.1:8000/a.html")
    assert host_allowed("http://127.0.0.1:8000/a.html", ("127.0.0.1",))
    assert host_allowed("http://180.76.149.248:88/book/p1.html", ("180.76.149.248:88",))
    assert not host_allowed("http://180.76.149.248:89/book/p1.html", ("180.76.149.248:88",))


def test_link_kinds_and_safe_suffixes() -> None:
    assert link_kind("http://x.gov.cn/a/P0201.PDF") == "attachment"
    assert link_kind("http://x.gov.cn/module/download/downfile.jsp?filename=ab.pdf&c=1") == "attachment"
    assert link_kind("http://x.gov.cn/file.jsp?id=9", "附件下载") == "attachment"
    assert link_kind("http://x.gov.cn/a/b.jpg") == "image"
    assert link_kind("http://x.gov.cn/art/2023/1/2/art_1_2.html") == "page"
    assert safe_suffix("../../etc/passwd.docx") == ".docx"
    assert safe_suffix("C:\\x\\y.WPS") == ".wps"
    assert safe_suffix("report.exe", "http://x.gov.cn/a.php") == ""
    assert safe_suffix(None, "http://x.gov.cn/a/b.et") == ".et"


def test_dates_in_urls() -> None:
    assert date_in_url("http://x.gov.cn/zwgk/202201/t20220118_1.html") == "2022-01-18"
    assert date_in_url("http://x.gov.cn/art/2023/1/5/art_5_2.html") == "2023-01-05"
    assert date_in_url("http://x.gov.cn/doc/2021/01/20/1.shtml") == "2021-01-20"
    assert date_in_url("http://x.gov.cn/a/t20221318_1.html") is None
    assert date_in_url("http://x.gov.cn/a/1.html") is None
