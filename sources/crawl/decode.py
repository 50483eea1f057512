"""Page bytes to text: GBK/GB2312/GB18030 read right whether declared in the page, the header, wrongly or not at all.

Order: a BOM; strict UTF-8 (portals often declare gb2312 around UTF-8 content, and UTF-8 Chinese would
also decode, wrongly, as GB18030; the reverse mistake practically never decodes cleanly); the charset of
the HTTP header, then of the `<meta>` tag, with the GB family read as GB18030 (its superset, so rare
characters such as 塘㙍镇's U+364D survive); GB18030; a guess; GB18030 with replacement.
"""

from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_GB = {
    "gb2312",
    "gbk",
    "gb18030",
    "x-gbk",
    "cp936",
    "ms936",
    "euc-cn",
    "gb_2312-80",
    "csgb2312",
    "hz-gb-2312",
}


def normal_charset(name: str | None) -> str | None:
    """A codec name Python knows, with every GB-family name read as gb18030; None when unknown."""
    if not name:
        return None
    n = name.strip().strip("\"'").lower()
    if n in _GB:
        return "gb18030"
    try:
        return codecs.lookup(n).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type or "", re.I)
    return m.group(1) if m else None


def meta_charset(data: bytes) -> str | None:
    """The charset a page declares in `<meta charset>` or `<meta http-equiv>` (first 8 KB)."""
    m = _META.search(data[:8192])
    return m.group(1).decode("ascii", "replace") if m else None


def decode_page(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page; returns (text, encoding used).

    Args:
        data: the body bytes.
        content_type: the Content-Type header (its charset is one candidate, never trusted blindly).
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    tried: list[str] = []
    declared = [normal_charset(c) for c in (header_charset(content_type), meta_charset(data))]
    # A single-byte charset (latin-1, cp1252) decodes any bytes, so a wrong one would never fail:
    # it is tried only after GB18030.
    multi = [e for e in declared if e and not _single_byte(e)]
    single = [e for e in declared if e and _single_byte(e)]
    for enc in (*multi, "gb18030", *single):
        if enc and enc not in tried and enc not in ("utf-8", "ascii"):
            tried.append(enc)
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace"), best.encoding
    return data.decode("gb18030", errors="replace"), "gb18030 (replaced)"


def _single_byte(enc: str) -> bool:
    return enc.startswith(("latin", "iso8859", "cp125", "windows-125", "mac-", "koi8", "ascii"))
