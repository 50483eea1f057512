"""Attachment names: Content-Disposition decoded (RFC 5987 `filename*`, percent-encoded, raw UTF-8 or GBK).

A name is kept in the manifest only. Files in the raw store are named by sha256 and a known suffix, so a
name such as `../../etc/passwd.pdf` or `C:\\x.doc` can never choose where bytes are written.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, unquote_to_bytes

_EXT = re.compile(r"filename\*\s*=\s*([A-Za-z0-9_-]+)'[^']*'([^;]+)", re.I)
_PLAIN = re.compile(rb"""filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))""", re.I)


def _bytes_to_text(raw: bytes) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def disposition_name(header: bytes | str | None) -> str | None:
    """The file name a Content-Disposition header gives, decoded; None when it gives none.

    Args:
        header: the raw header value (bytes keep a GBK name intact; str is read as latin-1 bytes).
    """
    if not header:
        return None
    raw = header.encode("latin-1", "replace") if isinstance(header, str) else header
    text = raw.decode("latin-1")
    m = _EXT.search(text)
    if m:
        charset, value = m.group(1).lower(), m.group(2).strip().strip('"')
        data = unquote_to_bytes(value)
        try:
            return clean_name(data.decode("gb18030" if charset in ("gbk", "gb2312", "gb18030") else charset))
        except (LookupError, UnicodeDecodeError):
            return clean_name(_bytes_to_text(data))
    p = _PLAIN.search(raw)
    if not p:
        return None
    value = (p.group(1) if p.group(1) is not None else p.group(2)).strip()
    if b"%" in value and re.fullmatch(rb"[\x21-\x7e]+", value):
        value = unquote_to_bytes(value.decode("ascii"))
    return clean_name(_bytes_to_text(value))


def clean_name(name: str) -> str | None:
    """A display name only: the last path segment, no control characters, at most 200 characters."""
    name = unquote(name) if "%" in name and re.fullmatch(r"[\x21-\x7e]+", name) else name
    leaf = re.split(r"[\\/]", name)[-1]
    leaf = "".join(ch for ch in leaf if unicodedata.category(ch)[0] != "C").strip().strip(".").strip()
    return leaf[:200] or None
