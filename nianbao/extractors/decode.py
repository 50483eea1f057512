"""Bytes to text, for every reader of text and every page the crawler reads: the one decoder.

Order: a BOM (UTF-8, UTF-32, UTF-16); UTF-16 without a BOM (ASCII leaves a NUL in every other
byte); strict UTF-8 (portals often declare gb2312 around UTF-8 content, and UTF-8 Chinese would
also decode, wrongly, as GB18030; the reverse mistake practically never decodes cleanly); the
declared charsets (HTTP header, `<meta>`, `<?xml encoding>`), with every GB-family name read as
GB18030 (its superset, so rare characters such as 塘㙍镇's U+364D survive); GB18030; a declared
single-byte charset (latin-1 decodes any bytes, so a wrong one would never fail: it comes after
GB18030); a guess; GB18030 with replacement.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Charsets that are in practice GB18030 subsets: pages declared gb2312 routinely carry GBK-only
# characters (e.g. the 㙍 of 塘㙍镇), which a strict gb2312 codec would turn into errors.
GB_ALIASES = frozenset(
    {
        "gb2312",
        "gbk",
        "gb_2312-80",
        "x-gbk",
        "cp936",
        "ms936",
        "euc-cn",
        "csgb2312",
        "gb18030",
        "x-euc-cn",
        "windows-936",
        "hz-gb-2312",
    }
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with UTF-16-LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_SINGLE_BYTE = ("latin", "iso8859", "cp125", "windows-125", "mac-", "koi8", "ascii", "cp437", "cp850")


@dataclass(frozen=True)
class Decoded:
    """The text, the codec that read it, and what a person should know about how."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def normal_charset(name: str | None) -> str | None:
    """A codec name Python knows, with every GB-family name read as gb18030; None when unknown."""
    if not name:
        return None
    n = name.strip().strip("\"'").lower()
    if n in GB_ALIASES:
        return "gb18030"
    try:
        return codecs.lookup(n).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    m = _HEADER.search(content_type or "")
    return m.group(1) if m else None


def declared_charset(data: bytes) -> str | None:
    """The charset a page or XML file declares in its first 8 KB (`<meta charset>`, `<meta
    http-equiv>`, `<?xml encoding>`)."""
    m = _META.search(data[:8192]) or _XML.search(data[:8192])
    return m.group(1).decode("ascii", "replace") if m else None


def decode(data: bytes, declared: Iterable[str | None] = ()) -> Decoded:
    """Decode bytes whose charset may be declared wrongly or not at all.

    Args:
        data: the bytes.
        declared: charsets declared for them, most trusted first (e.g. the HTTP header's, then
            the page's own); candidates only, never trusted blindly.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(enc, errors="replace"), enc)
    if b"\x00" in data[:4096]:
        even, odd = data[0:4096:2].count(0), data[1:4096:2].count(0)
        enc = "utf-16-le" if odd > even else "utf-16-be"
        return Decoded(data.decode(enc, errors="replace"), enc, ["UTF-16 without BOM assumed"])
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    named = [normal_charset(c) for c in declared]
    multi = [e for e in named if e and not e.startswith(_SINGLE_BYTE)]
    single = [e for e in named if e and e.startswith(_SINGLE_BYTE)]
    tried: list[str] = []
    for enc in (*multi, "gb18030", *single):
        if enc in tried or enc in ("utf-8", "ascii"):
            continue
        tried.append(enc)
        try:
            return Decoded(data.decode(enc), enc)
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes  # only for the rare file that is neither UTF-8 nor GB

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        enc = best.encoding
        return Decoded(data.decode(enc, errors="replace"), enc, [f"encoding guessed: {enc}"])
    return Decoded(data.decode("gb18030", errors="replace"), "gb18030", ["undecodable bytes replaced"])


def decode_page(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a fetched page: (text, encoding used); the header's charset is tried before the page's."""
    got = decode(data, (header_charset(content_type), declared_charset(data)))
    return got.text, got.encoding


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str, list[str]]:
    """Decode a file's bytes: (text, encoding used, warnings); `declared` is the charset it names."""
    got = decode(data, (declared,))
    return got.text, got.encoding, got.warnings
