"""A tiny PDF writer for hostile test files: pages with given boxes and content streams, any filter.

Everything is written by hand (objects, xref, trailer) so that the files can be as wrong as a test
needs: streams that inflate to hundreds of MB, 200-inch pages, encryption dictionaries, LZW data,
page trees that claim a billion pages. Text is Helvetica ASCII; the numbers are arbitrary.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field


@dataclass
class PdfPage:
    """One page: its MediaBox (points) and the content stream's bytes and filter."""

    content: bytes = b"BT /F1 12 Tf 72 720 Td (Annual report 2023: 12 345) Tj ET"
    box: tuple[float, float, float, float] = (0, 0, 595, 842)
    filter: str | None = "FlateDecode"
    encoded: bytes | None = None  # already encoded stream data (used as is)
    extra: str = ""  # more entries for the page dictionary
    xobjects: dict[str, int] = field(default_factory=dict)  # name -> object number of a form


def flate_zeros(n: int, fill: bytes = b" ") -> bytes:
    """Flate data inflating to n bytes of `fill`, built in chunks so the generator stays small."""
    c = zlib.compressobj(9)
    chunk = fill * (1 << 20)
    out = []
    left = n
    while left > 0:
        out.append(c.compress(chunk[: min(left, len(chunk))]))
        left -= len(chunk)
    out.append(c.flush())
    return b"".join(out)


def lzw_encode_repeat(n_codes: int) -> bytes:
    """LZW data (9-12 bit codes, no clear code after the first) whose output grows quadratically."""
    bits: list[int] = []

    def put(code: int, width: int) -> None:
        bits.extend((code >> (width - 1 - i)) & 1 for i in range(width))

    put(256, 9)  # clear
    put(ord("a"), 9)
    table = 258
    width = 9
    prev = ord("a")
    for _ in range(n_codes):
        code = table if table < 4096 else prev  # the newest entry: each output one byte longer
        put(min(code, 4095), width)
        prev = min(code, 4095)
        table += 1
        if table + 1 >= 512 and width == 9:
            width = 10
        elif table + 1 >= 1024 and width == 10:
            width = 11
        elif table + 1 >= 2048 and width == 11:
            width = 12
    out = bytearray()
    for i in range(0, len(bits) - len(bits) % 8, 8):
        out.append(int("".join(map(str, bits[i : i + 8])), 2))
    return bytes(out)


def build_pdf(
    pages: list[PdfPage],
    forms: list[bytes] | None = None,
    form_xobjects: dict[int, dict[str, int]] | None = None,
    encrypt: bool = False,
    count: int | None = None,
    trailer_extra: str = "",
    font_extra: str = "",
    streams: dict[int, bytes] | None = None,
) -> bytes:
    """A PDF with the given pages (and form XObjects whose content is `forms[i]`, Flate-encoded).

    Args:
        pages: the pages.
        forms: content of form XObjects, objects 4.. after the pages' objects; reference them by
            number from `PdfPage.xobjects`.
        form_xobjects: for form i, the forms it may draw (name -> object number).
        encrypt: add a standard-security /Encrypt dictionary whose user password is not empty.
        count: the /Count the page tree claims (default: the real number).
        trailer_extra: more trailer entries.
        font_extra: more entries of the font dictionary (object 3), e.g. "/ToUnicode 900 0 R".
        streams: extra Flate-encoded stream objects by number (numbers >= 900 stay clear of pages).
    """
    objs: dict[int, bytes] = {}
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[3] = f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica {font_extra}>>".encode()
    for num, raw in (streams or {}).items():
        data = zlib.compress(raw)
        objs[num] = (
            f"<< /Filter /FlateDecode /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
        )
    n = 4
    form_ids = []
    for k, f in enumerate(forms or []):
        data = zlib.compress(f)
        xo = " ".join(f"/{name} {num} 0 R" for name, num in (form_xobjects or {}).get(k, {}).items())
        objs[n] = (
            f"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << {xo} >> >> "
            f"/Filter /FlateDecode /Length {len(data)} >>\nstream\n".encode()
            + data
            + b"\nendstream"
        )
        form_ids.append(n)
        n += 1
    kids = []
    for p in pages:
        content_id, page_id = n, n + 1
        n += 2
        data = p.encoded if p.encoded is not None else p.content
        if p.encoded is None and p.filter == "FlateDecode":
            data = zlib.compress(p.content)
        flt = f"/Filter /{p.filter} " if p.filter else ""
        objs[content_id] = f"<< {flt}/Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
        xo = " ".join(f"/{k} {v} 0 R" for k, v in p.xobjects.items())
        box = " ".join(f"{v:g}" for v in p.box)
        objs[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [{box}] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 3 0 R >> /XObject << {xo} >> >> {p.extra} >>"
        ).encode()
        kids.append(page_id)
    objs[2] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {count or len(kids)} >>"
    ).encode()
    trailer = f"/Root 1 0 R {trailer_extra}"
    if encrypt:
        objs[n] = (
            b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 "
            b"/O <" + b"41" * 32 + b"> /U <" + b"42" * 32 + b"> >>"
        )
        trailer += (
            f" /Encrypt {n} 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]"
        )
        n += 1
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for i in sorted(objs):
        offsets[i] = len(out)
        out += f"{i} 0 obj\n".encode() + objs[i] + b"\nendobj\n"
    size = max(objs) + 1
    xref = len(out)
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for i in range(1, size):
        out += (f"{offsets[i]:010d} 00000 n \n" if i in offsets else "0000000000 65535 f \n").encode()
    out += f"trailer\n<< /Size {size} {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
