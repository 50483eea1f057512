"""Generated benchmark corpora: N report files made from the rendered sample pool, each one distinct.

The pool is samples/reports (rendered by samples/samplegen from the fictional 青溪市云岭区: both
templates, three years, every format). Copy k of a pool file renames the district 云岭区 to a
two-character name of its own, so every copy is a new file of a new issuer (a township of district
number k): many issuers, distinct sha256, the parser's real work. Text-layer PDFs cannot be renamed
in place; their copies get a trailing comment (new file, same issuer, so later copies are new
versions of one report). Scans (OCR) and .doc (LibreOffice) are kept to a share of the corpus.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POOL = REPO / "samples" / "reports"
DISTRICT = "云岭区"
NAME_CHARS = "东南西北中上下前后左右青白红黄绿紫金银铜松柏桃李杏梅竹兰菊荷江河湖海山川林泉石田"
SCANS = ("2022/heming_2022.pdf", "2023/wangyue_2023.pdf")  # image-only PDFs (see samples/README.md)
TEXT_FORMATS = ("docx", "html", "txt", "pdf")


def district_name(k: int) -> str:
    """The k-th two-character district name (1,600 before they repeat with a third character)."""
    n = len(NAME_CHARS)
    name = NAME_CHARS[k % n] + NAME_CHARS[(k // n) % n] + "区"
    return name if k < n * n else NAME_CHARS[(k // (n * n)) % n] + name


def pool(scan_share: float, doc_share: float) -> dict[str, list[Path]]:
    """The sample files by kind: docx, html, txt, pdf (text layer), scan, doc."""
    out: dict[str, list[Path]] = {k: [] for k in (*TEXT_FORMATS, "scan", "doc")}
    for p in sorted(POOL.rglob("*")):
        kind = "scan" if p.relative_to(POOL).as_posix() in SCANS else p.suffix.lstrip(".")
        if kind in out and p.is_file():
            out[kind].append(p)
    if scan_share <= 0:
        out["scan"] = []
    if doc_share <= 0:
        out["doc"] = []
    return out


def _rename(data: bytes, kind: str, new: str, k: int) -> bytes:
    """The file with the district renamed (or, for PDFs, a trailing comment making it distinct)."""
    if kind in ("pdf", "scan", "doc"):
        return data + f"\n%bench copy {k}\n".encode()
    if kind == "docx":
        src = zipfile.ZipFile(io.BytesIO(data))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            out.comment = f"bench copy {k}".encode()  # distinct even where the name is split over runs
            for item in src.infolist():
                body = src.read(item)
                if item.filename.endswith(".xml"):
                    body = body.replace(DISTRICT.encode(), new.encode())
                out.writestr(item, body)
        return buf.getvalue()
    tail = f"\n<!-- bench copy {k} -->\n" if kind == "html" else "\n" * (1 + k % 7)
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        renamed = text.replace(DISTRICT, new)
        return (renamed if renamed != text else renamed + tail).encode(encoding)
    return data + tail.encode()


def generate(
    out: Path, n: int, scan_share: float = 0.01, doc_share: float = 0.0, seed: int = 1
) -> Counter[str]:
    """Write `n` distinct report files under `out`; returns the count per kind.

    Args:
        out: the folder (created).
        n: number of files.
        scan_share: share of image-only PDFs (OCR: seconds per page).
        doc_share: share of .doc files (LibreOffice: seconds per file).
        seed: picks which pool file each copy comes from.
    """
    rng = random.Random(seed)
    files = pool(scan_share, doc_share)
    cache = {p: p.read_bytes() for kind in files.values() for p in kind}
    out.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    for k in range(n):
        roll = rng.random()
        if roll < scan_share and files["scan"]:
            kind = "scan"
        elif roll < scan_share + doc_share and files["doc"]:
            kind = "doc"
        else:
            kind = TEXT_FORMATS[k % len(TEXT_FORMATS)]
        src = files[kind][(k // len(TEXT_FORMATS)) % len(files[kind])]
        name = district_name(k // len(TEXT_FORMATS))
        folder = out / f"{k // 1000:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{k:05d}_{src.name}").write_bytes(_rename(cache[src], kind, name, k))
        counts[kind] += 1
    return counts
