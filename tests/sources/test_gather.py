"""`gather` on web sources from a sources.yaml: a district portal entry page and a township column listed
by hand crawl through the same code; files carry their township (attributed or configured)."""

from __future__ import annotations

from pathlib import Path

from nianbao.sources import by_host, gather, gather_web, load_sources
from nianbao.sources.crawl import CrawlOptions
from tests.sources.portal import free_port
from tests.sources.portals import district
from tests.sources.server import serve


def test_district_portal_and_hand_listed_column(tmp_path: Path) -> None:
    closed = free_port()
    with serve(lambda base: district(base, closed)) as srv:
        host = srv.base.removeprefix("http://")
        (tmp_path / "sources.yaml").write_text(
            f"allowed_hosts: ['{host}']\n"
            "district:\n  name: 云岭区\n  code: '330199'\n"
            f"  list_pages: [{srv.base}/zwgk/index.html]\n"
            "  townships:\n"
            f"    - {{name: 石泉镇, code: '330199005', list_pages: [{srv.base}/XxgkContent/showList/28/0/page_1.html]}}\n",
            encoding="utf-8",
        )
        cfg = load_sources(tmp_path)
        options = CrawlOptions(allowed_hosts=cfg.allowed_hosts, timeout=1.0, retries=0, backoff=0.01, rate=100.0,
                               max_bytes=1_000_000)  # fmt: skip
        assert list(by_host(list(cfg.sources))) == [host]
        got, summary = gather_web(list(cfg.sources), tmp_path / "raw", options)
        again = gather(cfg.sources[1], tmp_path / "raw", options)
    regions = {f.location.removeprefix(srv.base): f.region for f in got.fetched}
    assert regions["/zwgk/xzxxgk/bailu/zfxxgknb/202301/t20230117_1001.html"] == "白鹭镇"  # attributed
    assert regions["/zwgk/qxnb/202303/t20230317_77.html"] == "望月街道"  # by its 发布机构
    assert regions["/qinglan/files/2023.docx"] == "青岚乡"
    by_code = {f.location.removeprefix(srv.base): f.region for f in again.fetched}
    assert by_code == {
        "/OpennessAnnualReport/show/51.html": "330199005",
        "/OpennessAnnualReport/show/50.html": "330199005",
    }
    # 14 reports less the page that 500s twice (no retries here); the hand-listed column was already fetched
    assert (summary.reports, summary.not_modified) == (13, 2)
    assert {f.reason for f in got.failures} >= {
        "HTTP 500 after 1 attempts",
        "unreachable (ReadTimeout) after 1 attempts",
    }
