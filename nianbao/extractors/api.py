"""The front door: a file in, a `Report` out, never an exception for bad input."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from pathlib import Path

from nianbao.extractors.document import Document
from nianbao.extractors.limits import LIMITS
from nianbao.extractors.readers.guard import budget, check_regular, check_size, open_regular
from nianbao.extractors.readers.sniff import FORMATS, sniff_format
from nianbao.schemas import ConversionFailed, Report, SourceFacts, UnreadableFile
from nianbao.schemas.text import path_text

PARSER_VERSION = "0.2.0"
MAX_BYTES = LIMITS.max_file_bytes  # a 年报 is a few MB at most; larger files are refused, not read

# format -> "module:function"; imported on first use so that a text run never loads OCR models.
READERS: dict[str, str] = {
    "docx": "nianbao.extractors.readers.docx:read_docx",
    "html": "nianbao.extractors.readers.html:read_html",
    "txt": "nianbao.extractors.readers.txt:read_txt",
    "pdf": "nianbao.extractors.readers.pdf:read_pdf",
    "doc": "nianbao.extractors.readers.office:read_via_libreoffice",
    "wps": "nianbao.extractors.readers.office:read_via_libreoffice",
    "xls": "nianbao.extractors.readers.sheet:read_sheet",
    "xlsx": "nianbao.extractors.readers.sheet:read_sheet",
    "image": "nianbao.extractors.readers.ocr:read_image",
}


def reader_for(fmt: str) -> Callable[[str], Document]:
    """The reader function of a format."""
    if fmt not in READERS:
        raise UnreadableFile("", f"unsupported format {fmt!r}; supported: {', '.join(FORMATS)}")
    module, _, func = READERS[fmt].partition(":")
    reader: Callable[[str], Document] = getattr(importlib.import_module(module), func)
    return reader


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    if check_regular(str(path)).st_size:  # an empty file has a hash; a sparse 1 TB file is refused
        check_size(str(path))
    with open_regular(str(path)) as fh:  # never blocks on a FIFO, never reads /dev/zero
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_document(path: str | Path, fmt: str | None = None) -> Document:
    """Read any supported file into the document model; raises UnreadableFile on bad input.

    Args:
        path: the file.
        fmt: its format when already sniffed (a file's format is sniffed once).
    """
    p = str(path)
    check_size(p)  # a FIFO, device, directory, empty or oversized file is refused before any open
    fmt = fmt or sniff_format(p)
    if fmt == "unknown":
        raise UnreadableFile(p, f"not a report file this tool can read (supported: {', '.join(FORMATS)})")
    with budget(p):  # wall-clock and memory bound of the in-process read (extractors.limits)
        return reader_for(fmt)(p)


def extract_file(path: str | Path | SourceFacts) -> Report:
    """Extract one report file: metadata, the cells of tables 2-4, and extraction findings.

    Bad input (corrupt, encrypted, empty, huge, not a report) gives `status="failed"` with the reason
    in `error`; tables that are only partly found give `status="partial"`.

    Args:
        path: the file, or the `SourceFacts` its source computed (sha256 then is not computed again,
            the report names `facts.location` as its source, and the issuer, year, publication date
            and title the source knows fill what the document itself does not print).
    """
    from nianbao.extractors.parser.meta import Metadata
    from nianbao.extractors.parser.parse import parse_document  # the template parser

    facts = path if isinstance(path, SourceFacts) else None
    p = facts.path if facts else str(path)
    source = facts.location if facts else path_text(p)

    def failed(digest: str, fmt: str, error: str) -> Report:
        return Report(
            source=source,
            sha256=digest,
            format=fmt,
            status="failed",
            error=error,
            parser_version=PARSER_VERSION,
        )

    try:
        digest = facts.sha256 if facts else sha256_file(p)
    except (OSError, UnreadableFile) as exc:
        return failed(
            "", "unknown", exc.reason if isinstance(exc, UnreadableFile) else f"cannot read file: {exc}"
        )
    fmt = "unknown"
    defaults = (
        Metadata(title=facts.title, issuer=facts.issuer, year=facts.year, published=facts.published)
        if facts
        else None
    )
    try:
        fmt = facts.format if facts and facts.format in READERS else sniff_format(p)
        doc = read_document(p, fmt)
        return parse_document(doc, defaults, source=source, sha256=digest, parser_version=PARSER_VERSION)
    except (UnreadableFile, ConversionFailed) as exc:
        return failed(digest, fmt, exc.reason)
    except MemoryError:
        return failed(digest, fmt, "out of memory while reading")
    except Exception as exc:  # a reader bug must not stop a batch; it is reported, never hidden
        return failed(digest, fmt, f"internal error ({type(exc).__name__}): {exc}")
