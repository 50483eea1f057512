"""Page decoding: GBK/GB2312/GB18030 declared in the page, in the header, wrongly, or not at all."""

from __future__ import annotations

from nianbao.extractors.decode import decode, decode_bytes, decode_page

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


def test_one_decoder_for_pages_and_files() -> None:
    """The readers and the crawler decode alike: BOMs, UTF-16 without BOM, declared and guessed charsets."""
    text = "白石乡2022年政府信息公开工作年度报告\n一、总体情况 12"
    for enc, bom in (
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
    ):
        data = bom + text.encode(enc)
        assert decode_page(data)[0] == text
        assert decode_bytes(data)[0] == text
    no_bom = decode(text.encode("utf-16-le"))
    assert (no_bom.text, no_bom.encoding, no_bom.warnings) == (
        text,
        "utf-16-le",
        ["UTF-16 without BOM assumed"],
    )
    assert decode(text.encode("utf-16-be")).encoding == "utf-16-be"
    # a declared single-byte charset never wins over GB18030 (latin-1 would decode anything)
    gb = text.encode("gb18030")
    assert decode_bytes(gb, "iso-8859-1")[:2] == (text, "gb18030")
    assert decode_page(gb, "text/html; charset=windows-1252") == (text, "gb18030")
    # a declared GB-family name is read as GB18030; an unknown name is ignored
    assert decode(gb, ("x-gbk",)).encoding == "gb18030"
    assert decode(gb, ("no-such-charset",)).encoding == "gb18030"
    # the page's <?xml encoding> counts as a declaration too
    xml = '<?xml version="1.0" encoding="big5"?><p>臺灣</p>'.encode("big5")
    assert decode_page(xml) == ('<?xml version="1.0" encoding="big5"?><p>臺灣</p>', "big5")
