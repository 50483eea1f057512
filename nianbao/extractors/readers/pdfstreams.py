"""Bounded decoding of PDF streams: a content stream inflating to 500 MB is refused, not read.

pdfminer (under pdfplumber) decodes every stream it touches (page contents, form XObjects, fonts,
CMaps, object and xref streams) with an unbounded `zlib.decompress`, an LZW decoder whose table
grows with its output, and a byte-at-a-time fallback for damaged zlib data that is quadratic in
its output. It has no hook for a limit, so `install()` replaces those three decoders inside
`pdfminer.pdftypes` with bounded ones: no stream decodes past `LIMITS.max_pdf_stream_bytes`, and
all streams of one read together stay under `LIMITS.max_pdf_decoded_bytes` (counted per read by
`decoded_budget`). Past either limit `StreamTooLarge` is raised, which `read_pdf` reports as the
file's failure reason. Behaviour below the limits is pdfminer's own.
"""

from __future__ import annotations

import contextlib
import re
import zlib
from collections.abc import Iterator
from contextvars import ContextVar
from io import BytesIO
from typing import Any

from nianbao.extractors.limits import LIMITS
from nianbao.extractors.readers.guard import LimitExceeded, check


class StreamTooLarge(LimitExceeded):
    """A PDF stream (or all streams of one file) decodes past the limits."""


_DECODED: ContextVar[list[int] | None] = ContextVar("nianbao_pdf_decoded", default=None)
_PATH: ContextVar[str] = ContextVar("nianbao_pdf_path", default="")
_DAMAGED: ContextVar[list[int] | None] = ContextVar("nianbao_pdf_damaged", default=None)


def _count(n: int) -> None:
    """Add n decoded bytes to the current read's total; raise past the per-file budget."""
    check()
    total = _DECODED.get()
    if total is None:
        return
    total[0] += n
    if total[0] > LIMITS.max_pdf_decoded_bytes:
        raise StreamTooLarge(
            _PATH.get(), f"PDF streams decode to over {LIMITS.max_pdf_decoded_bytes // 2**20} MB in all "
            "(limit): refused as a decompression bomb",
        )  # fmt: skip


def _too_large() -> StreamTooLarge:
    return StreamTooLarge(
        _PATH.get(), f"a PDF stream inflates past {LIMITS.max_pdf_stream_bytes // 2**20} MB "
        "(limit; a report page's content is under 1 MB): refused as a decompression bomb",
    )  # fmt: skip


class _BoundedDecompressor:
    """zlib.decompressobj whose total output is capped at the stream limit."""

    def __init__(self) -> None:
        self._d = zlib.decompressobj()
        self._out = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        room = LIMITS.max_pdf_stream_bytes - self._out + 1
        out = self._d.decompress(data, room if not max_length else min(room, max_length))
        self._out += len(out)
        if self._out > LIMITS.max_pdf_stream_bytes:
            raise _too_large()
        _count(len(out))
        return out

    def flush(self) -> bytes:
        return self._d.flush()


class _BoundedZlib:
    """Stands in for the `zlib` module inside pdfminer.pdftypes."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes, *args: Any) -> bytes:
        d = _BoundedDecompressor()
        out = d.decompress(data)
        if d._d.unconsumed_tail:  # output stopped at the cap with input left: over the limit
            raise _too_large()
        if not d._d.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    @staticmethod
    def decompressobj(*args: Any) -> _BoundedDecompressor:
        return _BoundedDecompressor()


def decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's fallback for zlib data with a bad checksum, linear and bounded: keep what inflates.

    The stream is counted as damaged: a flipped bit can inflate to other text without any error
    before the checksum, so `read_pdf` warns that numbers from such a file may be wrong.
    """
    damaged = _DAMAGED.get()
    if damaged is not None:
        damaged[0] += 1
    d = _BoundedDecompressor()
    parts: list[bytes] = []
    step = 4096
    try:
        for i in range(0, len(data), step):
            parts.append(d.decompress(data[i : i + step]))
    except zlib.error:
        pass  # the damaged tail (usually the checksum): keep what came before
    return b"".join(parts)


def lzwdecode(data: bytes) -> bytes:
    """pdfminer's LZW decoder, stopped at the stream limit (its table grows with the output)."""
    from pdfminer.lzw import LZWDecoder

    parts: list[bytes] = []
    size = 0
    for chunk in LZWDecoder(BytesIO(data)).run():
        size += len(chunk)
        if size > LIMITS.max_pdf_stream_bytes:
            raise _too_large()
        parts.append(chunk)
    _count(size)
    return b"".join(parts)


def rldecode(data: bytes) -> bytes:
    """RunLengthDecode (PDF 1.7 §7.4.5), with the output length checked before it is built."""
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1 : i + 2 + length]
            i += 2 + length
        else:
            if i + 1 < n:
                out += data[i + 1 : i + 2] * (257 - length)
            i += 2
        if len(out) > LIMITS.max_pdf_stream_bytes:
            raise _too_large()
    _count(len(out))
    return bytes(out)


def install() -> None:
    """Put the bounded decoders into pdfminer.pdftypes (idempotent)."""
    import pdfminer.pdftypes as pdftypes

    if getattr(pdftypes, "_nianbao_bounded", False):
        return
    pdftypes.zlib = _BoundedZlib  # type: ignore[assignment]
    pdftypes.decompress_corrupted = decompress_corrupted
    pdftypes.lzwdecode = lzwdecode
    pdftypes.rldecode = rldecode
    pdftypes._nianbao_bounded = True  # type: ignore[attr-defined]


@contextlib.contextmanager
def decoded_budget(path: str) -> Iterator[list[int]]:
    """Count the bytes decoded while reading one PDF against `LIMITS.max_pdf_decoded_bytes`.

    Yields a one-item list: the number of damaged (bad checksum) Flate streams met so far.

    Args:
        path: the PDF (named in the reason when a limit is hit).
    """
    install()
    damaged = [0]
    t1 = _DECODED.set([0])
    t2 = _PATH.set(path)
    t3 = _DAMAGED.set(damaged)
    try:
        yield damaged
    finally:
        _DECODED.reset(t1)
        _PATH.reset(t2)
        _DAMAGED.reset(t3)


# `/Name Do`: draw the XObject called Name (a form is interpreted again at every Do)
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do\b")


def page_content_bytes(page_obj: Any, limit: int) -> int:
    """Bytes of drawing instructions pdfminer would interpret for a page, forms counted per use.

    Interpreting costs ~5 s per MB in pdfminer, so this is measured before the page is
    interpreted. A form XObject is interpreted again at every `Do` that draws it, so it counts
    once per use, nested forms included: a form drawing a form ten times, ten levels deep (a
    "billion laughs" of forms), counts 10^10 times its size and is refused. Counting stops once
    it passes `limit`. Streams are decoded once (pdfminer caches the data) under the stream caps.

    Args:
        page_obj: a pdfminer PDFPage.
        limit: stop counting past this many bytes.
    """
    from pdfminer.pdftypes import PDFStream, resolve1

    memo: dict[int, int] = {}

    def cost(data: bytes, resources: Any, stack: frozenset[int]) -> int:
        total = len(data)
        uses: dict[str, int] = {}
        for m in _DO.finditer(data):
            name = m.group(1).decode("latin-1")
            uses[name] = uses.get(name, 0) + 1
        res = resolve1(resources)
        xobjects = resolve1(res.get("XObject")) if isinstance(res, dict) else None
        if not uses or not isinstance(xobjects, dict):
            return total
        for name, n in uses.items():
            if total > limit:
                break
            xo = resolve1(xobjects.get(name))
            if not isinstance(xo, PDFStream) or _name(xo.get("Subtype")) != "Form" or id(xo) in stack:
                continue  # images cost no interpretation; a form drawing itself is not followed
            if id(xo) not in memo:
                inner = resolve1(xo.get("Resources")) or resources  # forms may inherit the page's
                memo[id(xo)] = cost(xo.get_data() or b"", inner, stack | {id(xo)})
            total += n * memo[id(xo)]
        return total

    contents = [resolve1(c) for c in (page_obj.contents or [])]
    data = b"\n".join(c.get_data() or b"" for c in contents if isinstance(c, PDFStream))
    return cost(data, page_obj.resources, frozenset())


def _name(value: Any) -> str:
    from pdfminer.pdftypes import resolve1

    v = resolve1(value)
    return str(getattr(v, "name", v) or "")
