"""The bundled synthetic corpus (samples/): deterministic, self-consistent truth, documents that match it.

These tests read only samples/ and the repo; they never need ../shared.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sys
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(SAMPLES))

import generate  # noqa: E402
from samplegen.plan import PLAN  # noqa: E402
from samplegen.truth import cross_year_findings, identity_findings  # noqa: E402

from nianbao.schemas import TEMPLATE  # noqa: E402

TRUTHS = sorted((SAMPLES / "reports").glob("*/*.truth.json"))
NATIVE = ("docx", "html", "txt", "xlsx")


def load(p: Path) -> dict[str, Any]:
    return json.loads(p.read_text(encoding="utf-8"))


def doc_of(truth_path: Path) -> Path:
    return truth_path.with_name(truth_path.name.removesuffix(".truth.json"))


def test_every_planned_report_is_present() -> None:
    names = {p.name.removesuffix(".truth.json") for p in TRUTHS}
    assert {f"{s.stem}.{s.ext}" for s in PLAN} <= names
    assert len(PLAN) >= 24
    formats = {s.fmt for s in PLAN}
    assert formats == {"docx", "html", "txt", "pdf", "doc", "scan"}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    generate.generate(out, convert=False)
    return out


def test_generator_is_deterministic(regenerated: Path) -> None:
    """Native formats and their truth files come out byte-identical to the committed ones."""
    checked = 0
    for tp in TRUTHS:
        truth = load(tp)
        if truth["format"] not in NATIVE:
            continue
        rel = tp.relative_to(SAMPLES)
        assert (regenerated / rel).read_bytes() == tp.read_bytes(), rel
        assert (regenerated / doc_of(rel)).read_bytes() == doc_of(tp).read_bytes(), doc_of(rel)
        checked += 1
    assert checked >= 17


@pytest.mark.parametrize("tp", TRUTHS, ids=lambda p: p.name)
def test_truth_is_self_consistent(tp: Path) -> None:
    truth = load(tp)
    assert truth["synthetic"] is True
    assert hashlib.sha256(doc_of(tp).read_bytes()).hexdigest() == truth["sha256"]
    v2, v3 = truth["variants"]["t2"], truth["variants"]["t3"]
    # canonical cells, exactly: every block/row/column of the variant (+ declared extra rows)
    extra = {(e["block"], e["row"]) for e in truth["extra_rows"]}
    for b in TEMPLATE.blocks:
        rows = {TEMPLATE.table("t2").row_by_code[r].label_for(v2) for r in b.rows[v2]}
        got = set(truth["table2"].get(b.label, {})) - {r for blk, r in extra if blk == b.label}
        assert got == rows, b.label
    assert list(truth["table3"]["rows"]) == [r.label for r in TEMPLATE.table("t3").rows_for(v3)]
    # re-derived findings equal the planted ones
    found = identity_findings(truth)
    prev = _by_issuer_year().get((truth["issuer"], truth["year"] - 1))
    if prev is not None and "companion_of" not in truth:
        found += cross_year_findings(prev, truth)
    assert sorted(f["rule"] for f in found) == sorted(f["rule"] for f in truth["expected_findings"])
    spec = next(s for s in PLAN if f"{s.stem}.{s.ext}" == truth.get("companion_of", truth["document"]))
    assert sorted({f["rule"] for f in found}) == sorted(spec.findings)


def _by_issuer_year() -> dict[tuple[str, int], dict[str, Any]]:
    return {(t["issuer"], t["year"]): t for t in map(load, TRUTHS) if "companion_of" not in t}


def test_cross_year_chains_hold_except_planted() -> None:
    by = _by_issuer_year()
    mismatches = []
    for (issuer, year), t in by.items():
        if (issuer, year - 1) in by:
            mismatches += [(t["document"], f["rule"]) for f in cross_year_findings(by[(issuer, year - 1)], t)]
    assert {d for d, _ in mismatches} == {"bailu_2023.doc"}


# --- documents match their truth ------------------------------------------------------------
def _cell_text(tc: Any) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))


def _docx_rows(table: Any) -> list[list[str]]:
    """Origin cells of each row (vMerge continuations dropped, gridSpan counted once)."""
    out = []
    for tr in table._tbl.tr_lst:
        out.append([_cell_text(tc) for tc in tr.tc_lst if tc.vMerge != "continue"])
    return out


def _value(printed: str) -> Any:
    s = printed.replace("\u3000", "").strip()
    if re.fullmatch(r"-?\d+", s):
        return int(s)
    if re.fullmatch(r"-?\d+\.\d+", s):
        return float(s)
    return s


DOCX = [tp for tp in TRUTHS if tp.name.endswith(".docx.truth.json")]


@pytest.mark.parametrize("tp", DOCX, ids=lambda p: p.name)
def test_docx_cells_equal_truth(tp: Path) -> None:
    truth = load(tp)
    d = docx.Document(str(doc_of(tp)))
    assert len(d.tables) == 3
    t2, t3, t4 = (_docx_rows(t) for t in d.tables)
    # table 2: caption, header, data rows per block; map values by the header labels
    v2 = truth["variants"]["t2"]
    i = 0
    for b in TEMPLATE.blocks:
        if not b.rows[v2]:
            continue
        header = t2[i + 1][1:]
        cols = [TEMPLATE.table("t2").match_column(_norm(h)) for h in header]
        for r, row in enumerate(b.rows[v2]):
            data = t2[i + 2 + r]
            rlab = TEMPLATE.table("t2").row_by_code[row].label_for(v2)
            for col, val in zip(cols, data[1:], strict=True):
                assert col is not None
                assert _value(val) == truth["table2"][b.label][rlab][col.label_for(v2)], (rlab, col.code)
        i += 2 + len(b.rows[v2])
    # table 3: the last 7 cells of each body row, in template row order
    rows = list(truth["table3"]["rows"].values())
    body = t3[3:]
    assert len(body) == len(rows)
    for printed, want in zip(body, rows, strict=True):
        assert [_value(x) for x in printed[-7:]] == list(want.values())
    # table 4: the last row holds the 15 values
    want4 = [v for blk in truth["table4"].values() for v in blk.values()]
    assert [_value(x) for x in t4[-1]] == want4
    assert "（本文件为虚构样例，仅用于测试）" in d.paragraphs[1].text


def _norm(s: str) -> str:
    from nianbao.schemas.text import norm_label

    return norm_label(s)


def _text_of(path: Path, fmt: str) -> str:
    data = path.read_bytes()
    if fmt == "docx":
        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        for t in d.tables:
            for row in _docx_rows(t):
                parts += row
        return "\n".join(parts) + "\n"
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path)
        return "\n".join(
            str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None
        )
    if fmt == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    enc = "gbk" if b'charset="gbk"' in data[:400] or b"charset=gbk" in data[:400] else "utf-8"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        text = data.decode("gbk")
    if fmt == "html":
        text = re.sub(r"<br\s*/?>|</p>", "\n", text)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def _squash(s: str, fmt: str) -> str:
    if fmt == "pdf":
        return re.sub(r"\s+", "", s)
    if fmt == "html":
        return re.sub(r"[\s\u00a0\u3000]+", " ", s)
    return s


@pytest.mark.parametrize("tp", TRUTHS, ids=lambda p: p.name)
def test_planted_quirks_are_in_the_file(tp: Path) -> None:
    truth = load(tp)
    fmt = truth["format"]
    if fmt in ("doc", "scan"):
        return  # binary Word / image-only: the quirks live in the .docx they were converted from
    text = _squash(_text_of(doc_of(tp), fmt), fmt)
    assert _squash("（本文件为虚构样例，仅用于测试）", fmt) in text or fmt == "xlsx"
    for q in truth["quirks"]:
        for ev in q["evidence"]:
            assert _squash(ev, fmt) in text, (q["code"], ev)


def test_scanned_pdfs_have_no_text_layer() -> None:
    import pypdfium2 as pdfium

    scans = [tp for tp in TRUTHS if load(tp)["format"] == "scan"]
    assert len(scans) == 2
    for tp in scans:
        pdf = pdfium.PdfDocument(doc_of(tp).read_bytes())
        assert all(not pdf[i].get_textpage().get_text_range().strip() for i in range(len(pdf)))


def test_samples_stay_small() -> None:
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert total < 6_000_000
