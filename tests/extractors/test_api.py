"""The front door with the facts a source computed: what the document prints wins, the facts fill
the blanks, the digest and format are not computed again, and the Report comes out whole."""

from __future__ import annotations

from pathlib import Path

from nianbao.extractors import PARSER_VERSION, extract_file
from nianbao.schemas import SourceFacts
from tests.extractors.quirk_reports import QuirkReport, found


def _facts(path: Path, **kw: object) -> SourceFacts:
    base: dict[str, object] = {
        "path": str(path),
        "location": "http://127.0.0.1/report.html",
        "sha256": "f" * 64,
        "size": path.stat().st_size,
        "format": "html",
    }
    return SourceFacts(**(base | kw))  # type: ignore[arg-type]


def test_facts_fill_what_the_document_does_not_print(tmp_path: Path) -> None:
    q = QuirkReport.build("2021")
    q.title_lines = ["政府信息公开工作年度报告"]  # no issuer, no year
    blocks = q.blocks
    q.blocks = lambda: [  # type: ignore[method-assign]
        b for b in blocks() if not (isinstance(b[1], str) and ("统计期限" in b[1] or b[1] == q.issuer))
    ]
    path = tmp_path / "r.html"
    path.write_text(q.html_p_per_cell(), "utf-8")
    facts = _facts(path, issuer="青溪市某街道办事处", year=2023, published="2024-01-20", title="页面标题")
    report = extract_file(facts)
    assert (report.issuer, report.year, report.published) == ("青溪市某街道办事处", 2023, "2024-01-20")
    assert report.title == "政府信息公开工作年度报告"  # the document's own title wins
    assert (report.source, report.sha256, report.format) == (facts.location, "f" * 64, "html")
    assert report.parser_version == PARSER_VERSION
    assert found(report) == q.truth


def test_the_document_wins_over_the_facts(tmp_path: Path) -> None:
    q = QuirkReport.build("2021")
    path = tmp_path / "r.html"
    path.write_text(q.html_p_per_cell(), "utf-8")
    report = extract_file(_facts(path, issuer="别的机关", year=2019))
    assert (report.issuer, report.year) == (q.issuer, q.year)


def test_a_wrong_format_hint_is_not_trusted(tmp_path: Path) -> None:
    q = QuirkReport.build("2021")
    path = tmp_path / "r.html"
    path.write_text(q.html_p_per_cell(), "utf-8")
    report = extract_file(_facts(path, format="htm"))  # not a reader's name: sniffed instead
    assert report.format == "html" and report.status == "ok"
