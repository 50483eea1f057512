"""Zip packages (.docx, .xlsx) opened safely: refused before anything is inflated when hostile.

* the end-of-central-directory record is read first, so a package declaring millions of entries is
  refused before `zipfile` builds one object per entry;
* duplicate member names (compared as OPC does: ASCII case-insensitive, `\\` as `/`) make a package
  ambiguous: Word and Excel read one copy, `zipfile` the last; we read neither and refuse it;
* unsafe names (absolute, `..`, drive letters, NUL) are refused;
* declared sizes and compression ratios are checked, and every read is bounded regardless.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib

from nianbao.extractors.limits import LIMITS
from nianbao.extractors.readers.guard import LimitExceeded, open_regular
from nianbao.schemas.errors import UnreadableFile

_EOCD = b"PK\x05\x06"
_EOCD64 = b"PK\x06\x06"
_UNSAFE = re.compile(r"(^|/)\.\.(/|$)|^/|^[A-Za-z]:|\x00")
# Everything zipfile and zlib raise for damaged packages; reported as "corrupt package".
CORRUPT = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, KeyError)


def declared_entries(path: str) -> int:
    """The entry count the end-of-central-directory record declares (-1 when it is not found)."""
    with open_regular(path) as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65557))
        tail = fh.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + 22:
        return -1
    count = int(struct.unpack("<H", tail[at + 10 : at + 12])[0])
    at64 = tail.rfind(_EOCD64, 0, at)
    if count == 0xFFFF and at64 >= 0 and len(tail) >= at64 + 40:
        count = int(struct.unpack("<Q", tail[at64 + 32 : at64 + 40])[0])
    return count


def open_package(path: str, kind: str) -> zipfile.ZipFile:
    """Open a zip package after the entry-count, name and size checks.

    Args:
        path: the file.
        kind: what it should be (".docx", ".xlsx"), named in reasons.

    Raises:
        UnreadableFile: not a zip, corrupt, ambiguous (duplicate members), unsafe names, or a bomb.
    """
    n = declared_entries(path)
    if n > LIMITS.max_zip_entries:
        raise LimitExceeded(path, f"zip declares {n} entries (limit {LIMITS.max_zip_entries}): not a {kind}")
    try:
        zf = zipfile.ZipFile(path)
    except CORRUPT as exc:
        raise UnreadableFile(path, f"corrupt or truncated {kind} package: {exc}") from exc
    try:
        check_members(path, zf, kind)
    except BaseException:
        zf.close()
        raise
    return zf


def check_members(path: str, zf: zipfile.ZipFile, kind: str) -> None:
    """Refuse a package with too many, duplicate, unsafe or oversized members."""
    infos = zf.infolist()
    if len(infos) > LIMITS.max_zip_entries:
        raise LimitExceeded(
            path, f"zip has {len(infos)} entries (limit {LIMITS.max_zip_entries}): not a {kind}"
        )
    seen: dict[str, str] = {}
    for info in infos:
        name = info.filename
        key = name.replace("\\", "/").lstrip("/").lower()
        if _UNSAFE.search(name.replace("\\", "/")):
            raise UnreadableFile(path, f"unsafe member name {name!r} in the {kind} package: refused")
        if key in seen:
            raise UnreadableFile(
                path, f"ambiguous {kind} package: member {name!r} appears twice "
                f"(as {seen[key]!r} too); refused rather than guess which copy is the document",
            )  # fmt: skip
        seen[key] = name
    total = sum(i.file_size for i in infos)
    if total > LIMITS.max_package_bytes:
        raise LimitExceeded(path, f"zip expands to {total / 2**20:.0f} MB: refused as a zip bomb")


def find_member(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The member of that name, matched as OPC does (case-insensitive); None when absent."""
    want = name.lower()
    for info in zf.infolist():
        if info.filename.replace("\\", "/").lstrip("/").lower() == want:
            return info
    return None


def read_member(path: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int | None = None) -> bytes:
    """A member's bytes, never inflating more than `limit` (default `LIMITS.max_part_bytes`).

    Raises:
        UnreadableFile: encrypted member, declared or actual size over the limit, a bomb ratio, or
            corrupt data.
    """
    cap = LIMITS.max_part_bytes if limit is None else limit
    if info.flag_bits & 0x1:
        raise UnreadableFile(path, f"{info.filename} is encrypted inside the zip")
    if info.file_size > cap:
        raise LimitExceeded(
            path, f"{info.filename} declares {info.file_size / 2**20:.0f} MB uncompressed "
            f"(limit {cap // 2**20} MB): refused as a zip bomb",
        )  # fmt: skip
    if info.file_size > 1_000_000 and info.file_size > LIMITS.max_zip_ratio * max(1, info.compress_size):
        ratio = info.file_size / max(1, info.compress_size)
        raise LimitExceeded(path, f"{info.filename} compresses {ratio:.0f}:1: refused as a zip bomb")
    try:
        with zf.open(info) as fh:  # the declared size may lie: read one byte past the cap at most
            data = fh.read(cap + 1)
    except NotImplementedError as exc:  # unsupported compression method
        raise UnreadableFile(path, f"unsupported zip compression in {info.filename}: {exc}") from exc
    except RuntimeError as exc:  # zipfile: "File is encrypted, password required"
        raise UnreadableFile(path, f"{info.filename} is encrypted inside the zip") from exc
    except CORRUPT as exc:
        raise UnreadableFile(
            path, f"corrupt or truncated package: {info.filename} cannot be inflated ({exc})"
        ) from exc
    if len(data) > cap:
        raise LimitExceeded(path, f"{info.filename} inflates past {cap // 2**20} MB: refused as a zip bomb")
    return data
