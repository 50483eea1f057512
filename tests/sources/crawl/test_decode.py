"""Page decoding: GBK/GB2312/GB18030 declared in the page, in the header, wrongly, or not at all."""

from __future__ import annotations

from nianbao.sources.crawl.decode import decode_page

TEXT = "<html><head>{}</head><body>塘㙍镇2022年政府信息公开工作年度报告</body></html>"


def test_declared_in_the_page() -> None:
    data = TEXT.format('<meta charset="gb2312">').encode("gb18030")  # 㙍 is outside GB2312 and GBK
    assert decode_page(data) == (TEXT.format('<meta charset="gb2312">'), "gb18030")


def test_declared_in_the_header_only() -> None:
    data = TEXT.format("").encode("gbk", errors="ignore")
    text, enc = decode_page(data, "text/html; charset=GBK")
    assert enc == "gb18030" and "镇2022年政府信息公开工作年度报告" in text


def test_declared_wrongly() -> None:
    gbk_as_utf8 = TEXT.format('<meta charset="utf-8">').encode("gb18030")
    assert decode_page(gbk_as_utf8, "text/html; charset=utf-8")[1] == "gb18030"
    latin = TEXT.format("").encode("gb18030")
    assert decode_page(latin, "text/html; charset=iso-8859-1") == (TEXT.format(""), "gb18030")
    utf8_as_gbk = TEXT.format('<meta charset="gbk">').encode("utf-8")
    assert decode_page(utf8_as_gbk, "text/html; charset=gbk") == (
        TEXT.format('<meta charset="gbk">'),
        "utf-8",
    )


def test_not_declared() -> None:
    assert decode_page(TEXT.format("").encode("gb18030")) == (TEXT.format(""), "gb18030")
    assert decode_page(b"\xef\xbb\xbf" + "白石乡".encode()) == ("白石乡", "utf-8-sig")
