"""`nianbao crawl` in-process against the fixture district: summary, exit codes 0/1/2; then `nianbao
extract` on a crawled file takes its URL, issuer, year and date from the manifest."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nianbao.cli import app
from tests.sources.portal import free_port
from tests.sources.portals import district
from tests.sources.server import serve

FAST = ["--rate", "100", "--timeout", "1.0", "--retries", "0", "--max-mb", "1", "--quiet"]


def test_crawl_command(tmp_path: Path) -> None:
    closed = free_port()
    out = tmp_path / "crawl"
    with serve(lambda base: district(base, closed)) as srv:
        host = srv.base.removeprefix("http://")
        clean = CliRunner().invoke(
            app,
            [
                "crawl",
                f"{srv.base}/XxgkContent/showList/28/0/page_1.html",
                "--allow-host",
                host,
                "--out",
                str(out),
                *FAST,
            ],
        )
        faulty = CliRunner().invoke(
            app,
            [
                "crawl",
                f"{srv.base}/qinglan/list.php?cat=7",
                "--allow-host",
                host,
                "--out",
                str(out),
                "--json",
                *FAST,
            ],
        )
        off_list = CliRunner().invoke(app, ["crawl", f"{srv.base}/a.html", "--out", str(out)])
    assert clean.exit_code == 0, clean.output
    assert clean.stdout.splitlines() == [
        "pages 2, reports 2, attachments 0, images 0, frames 0",
        "not modified 0, duplicates 0, requests 5",
        "skipped 0, failed 0",
        f"manifest {out / 'manifest.jsonl'}",
    ]
    assert faulty.exit_code == 1
    summary = json.loads(faulty.stdout)
    assert (summary["reports"], summary["attachments"]) == (2, 1)
    assert [f["url"].removeprefix(srv.base) for f in summary["failed"]] == [
        "/qinglan/files/big.pdf", "/qinglan/files/big2.xls", "/qinglan/show.php?id=91", "/qinglan/show.php?id=92"
    ]  # fmt: skip
    assert summary["skipped"] == [
        {
            "url": f"http://127.0.0.1:{closed}/copy/90.html",
            "reason": f"host 127.0.0.1:{closed} not on the allow-list",
        }
    ]
    assert off_list.exit_code == 2
    assert off_list.stderr == f"error: {srv.base}/a.html: host not allowed; add --allow-host {host}\n"
    bad = CliRunner().invoke(app, ["crawl", "ftp://x.gov.cn/a", "--out", str(out)])
    assert (bad.exit_code, bad.stderr) == (2, "error: ftp://x.gov.cn/a: not an http(s) URL\n")

    docx = next(out.rglob("*.docx"))  # 青岚乡 2023, an attachment of its page
    result = CliRunner().invoke(app, ["extract", str(docx), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["source"] == f"{srv.base}/qinglan/files/2023.docx"  # the URL, not the raw-store path
    assert (report["issuer"], report["year"], report["published"]) == (
        "青溪市云岭区青岚乡人民政府",
        2023,
        "2024-01-19",
    )
