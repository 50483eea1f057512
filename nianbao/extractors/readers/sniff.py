"""Tell a file's format from its bytes first and its name second."""

from __future__ import annotations

import zipfile
from pathlib import Path

from nianbao.extractors.limits import LIMITS
from nianbao.extractors.readers.guard import open_regular
from nianbao.extractors.readers.package import declared_entries

# Formats the readers know; "unknown" is reported as a failure with this list in the message.
FORMATS = ("docx", "html", "txt", "pdf", "doc", "wps", "xlsx", "xls", "image")
_EXT = {
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".jhtml": "html",
    ".txt": "txt",
    ".text": "txt",
    ".pdf": "pdf",
    ".doc": "doc",
    ".wps": "wps",
    ".xlsx": "xlsx",
    ".xls": "xls",
    ".et": "xls",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
    ".bmp": "image",
    ".gif": "image",
    ".webp": "image",
}


def sniff_format(path: str | Path, head: bytes | None = None) -> str:
    """The format of a file: one of FORMATS, or "unknown"."""
    p = Path(path)
    if head is None:
        with open_regular(str(p)) as fh:  # a FIFO or device is refused, never opened blocking
            head = fh.read(4096)
    ext = _EXT.get(p.suffix.lower())
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            if declared_entries(str(p)) > LIMITS.max_zip_entries:
                return ext or "unknown"  # its reader refuses it by the same limit
            with zipfile.ZipFile(p) as zf:
                names = {n.replace("\\", "/").lstrip("/").lower() for n in zf.namelist()}
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return ext or "unknown"  # a truncated docx: let its reader say what is wrong
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return ext or "unknown"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .doc, .wps, .xls
        return ext if ext in ("doc", "wps", "xls") else "doc"
    if (
        head[:8] in (b"\x89PNG\r\n\x1a\n",)
        or head[:3] == b"\xff\xd8\xff"
        or head[:4] in (b"GIF8", b"II*\x00", b"MM\x00*")
    ):
        return "image"
    lowered = head[:2048].lower()
    if b"<html" in lowered or b"<!doctype html" in lowered or b"<table" in lowered or b"<body" in lowered:
        return "html"
    if ext:
        return ext
    return "txt" if _looks_like_text(head) else "unknown"


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError:
            continue
    return False
