"""Attachment names from Content-Disposition: RFC 5987, percent-encoded, raw UTF-8 or GBK; never a path."""

from __future__ import annotations

from urllib.parse import quote

from nianbao.sources.crawl.names import disposition_name


def test_rfc5987_and_percent_encoded() -> None:
    assert disposition_name("attachment; filename*=UTF-8''%E6%B8%85%E6%B0%B4%E9%95%87.pdf") == "清水镇.pdf"
    gbk = quote("白鹭.doc".encode("gbk"))
    assert disposition_name(f"attachment; filename*=GBK''{gbk}") == "白鹭.doc"
    assert disposition_name("attachment; filename=%E7%BB%9F%E8%AE%A1.xls") == "统计.xls"
    assert (
        disposition_name("attachment; filename=\"a.pdf\"; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf")
        == "年报.pdf"
    )


def test_raw_gbk_and_utf8_bytes() -> None:
    assert (
        disposition_name(b'attachment; filename="' + "白石乡年报.wps".encode("gbk") + b'"')
        == "白石乡年报.wps"
    )
    assert disposition_name(b"attachment; filename=" + "年报.et".encode()) == "年报.et"


def test_malicious_names_keep_only_the_leaf() -> None:
    assert disposition_name('attachment; filename="../../etc/passwd.pdf"') == "passwd.pdf"
    assert disposition_name('attachment; filename="C:\\\\Windows\\\\x.doc"') == "x.doc"
    assert disposition_name("attachment; filename*=UTF-8''..%2F..%2F%2Fetc%2F%E6%9E%AB.docx") == "枫.docx"
    assert disposition_name('attachment; filename="\x07..\x00"') is None
    assert disposition_name("inline") is None
