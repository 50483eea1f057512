"""The crawl manifest is recognised as nianbao's own by its first line; anyone else's is left alone."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from nianbao.schemas.errors import UnreadableFile
from nianbao.sources.crawl.manifest import Manifest, Record, crawl_facts, find_manifest, read_records
from nianbao.sources.store import sha256_of


def record(path: Path, body: bytes, url: str = "https://www.example.gov.cn/a/1.html") -> Record:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return Record(
        kind="report", url=url, final_url=url, status=200, sha256=sha256_of(path), size=len(body),
        path=path.name, fetched="2024-02-01T00:00:00", issuer="白鹭镇人民政府", year=2023,
    )  # fmt: skip


def test_a_new_manifest_starts_with_its_format_line(tmp_path: Path) -> None:
    rec = record(tmp_path / "a.html", b"<html>report</html>")
    Manifest(tmp_path).add(rec)
    Manifest(tmp_path).add(record(tmp_path / "b.html", b"<html>other</html>", "https://x.gov.cn/b"))
    lines = (tmp_path / "manifest.jsonl").read_text("utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": "nianbao-crawl-manifest", "version": 2}
    assert len(lines) == 3  # one header, then one line per record
    again = Manifest(tmp_path)
    assert again.version == 2 and again.foreign is None
    assert again.by_sha[rec.sha256].issuer == "白鹭镇人民政府"
    assert [r.url for r in read_records(tmp_path / "manifest.jsonl")] == [rec.url, "https://x.gov.cn/b"]


def test_an_older_manifest_without_the_format_line_is_still_read(tmp_path: Path) -> None:
    rec = record(tmp_path / "a.html", b"<html>report</html>")
    (tmp_path / "manifest.jsonl").write_text(rec.to_json() + "\n", "utf-8")
    old = Manifest(tmp_path)
    assert (old.version, old.foreign) == (1, None)
    assert old.facts(rec.sha256) is not None
    facts = crawl_facts(tmp_path / "a.html")
    assert facts is not None and (facts.location, facts.year) == (rec.url, 2023)
    old.add(record(tmp_path / "b.html", b"<html>b</html>", "https://x.gov.cn/b"))  # appended, no header
    assert len(read_records(tmp_path / "manifest.jsonl")) == 2


def test_someone_elses_manifest_is_ignored_in_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    foreign = "\n".join(json.dumps({"id": i, "name": f"item {i}"}) for i in range(1200))
    (tmp_path / "manifest.jsonl").write_text(foreign + "\n", "utf-8")
    report = tmp_path / "x" / "y" / "r.txt"
    report.parent.mkdir(parents=True)
    report.write_text("白鹭镇2023年政府信息公开工作年度报告", "utf-8")
    other = report.parent / "s.txt"
    other.write_text("松溪镇", "utf-8")
    with caplog.at_level(logging.WARNING, logger="nianbao.sources.crawl"):
        assert find_manifest(report) is None
        assert crawl_facts(report) is None and crawl_facts(other) is None  # a folder of files: said once
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "is not a nianbao crawl manifest" in lines[0], lines
    with pytest.raises(UnreadableFile, match="not a nianbao crawl manifest"):  # never written to
        Manifest(tmp_path).add(record(tmp_path / "a.html", b"x"))
    assert (tmp_path / "manifest.jsonl").read_text("utf-8") == foreign + "\n"
    assert read_records(tmp_path / "manifest.jsonl") == []


def test_another_format_line_or_a_newer_version(tmp_path: Path) -> None:
    (tmp_path / "manifest.jsonl").write_text('{"format": "other-tool", "version": 2}\n', "utf-8")
    assert Manifest(tmp_path).foreign == "format 'other-tool'"
    rec = record(tmp_path / "a.html", b"<html>report</html>")
    newer = {"format": "nianbao-crawl-manifest", "version": 3}
    (tmp_path / "manifest.jsonl").write_text(json.dumps(newer) + "\n" + rec.to_json() + "\n", "utf-8")
    assert Manifest(tmp_path).facts(rec.sha256) is not None  # unknown keys of a newer version are ignored


def test_cut_lines_of_our_own_manifest_are_summed_up_in_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    m = Manifest(tmp_path)
    for i in range(5):
        m.add(record(tmp_path / f"{i}.html", f"<p>{i}</p>".encode(), f"https://x.gov.cn/{i}"))
    with open(tmp_path / "manifest.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"kind": "report", "url": "https://x.gov.cn/9"\n{"kind": \n')
    with caplog.at_level(logging.WARNING, logger="nianbao.sources.crawl"):
        again = Manifest(tmp_path)
    assert len(again.by_url) == 5
    (line,) = [r.getMessage() for r in caplog.records]
    assert "2 lines skipped (line 7:" in line and "and 1 more" in line
