"""HTTP fetch and crawl against a real loopback portal: links, twins, attachments, failures, limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from sources.fetched import Gathered
from sources.http import (
    Fetcher,
    FetchFailed,
    HttpOptions,
    canonical_url,
    host_allowed,
    looks_like_report,
    published_from_url,
)
from sources.store import RawStore, sha256_of
from tests.sources.portal import REPORT_2021, serve_portal

FAST = HttpOptions(allowed_hosts=("127.0.0.1",), timeout=5, retries=2, backoff=0.01)


def test_canonical_url() -> None:
    assert canonical_url("HTTP://WWW.Cqsdj.GOV.CN:80/zwgk/t20220118_1_wap.html#top") == (
        "http://www.cqsdj.gov.cn/zwgk/t20220118_1.html"
    )
    assert canonical_url("https://www.suiyang.gov.cn/a/t1.html?isMobile=true&id=3") == (
        "https://www.suiyang.gov.cn/a/t1.html?id=3"
    )
    assert canonical_url("https://x.gov.cn:8443/a_wap.htm") == "https://x.gov.cn:8443/a.htm"
    assert canonical_url("https://x.gov.cn/wap_news/a.pdf") == "https://x.gov.cn/wap_news/a.pdf"


def test_host_allow_list() -> None:
    assert host_allowed("http://www.rongchang.gov.cn/a.html")
    assert host_allowed("https://gov.cn/a")
    assert not host_allowed("http://tpsnm.com/zfxxgknb/a.html")  # a spam mirror (publishing.md §5)
    assert not host_allowed("http://evilgov.cn/a")
    assert not host_allowed("ftp://x.gov.cn/a.pdf")
    assert not host_allowed("http://127.0.0.1:8000/a.html")
    assert host_allowed("http://127.0.0.1:8000/a.html", ("127.0.0.1",))
    assert host_allowed("http://180.76.149.248:88/book/p1.html", ("180.76.149.248:88",))
    assert not host_allowed("http://180.76.149.248:89/book/p1.html", ("180.76.149.248:88",))


def test_report_link_tokens() -> None:
    assert looks_like_report("清水镇2021年政府信息公开工作年度报告", "/a/1.html")
    assert looks_like_report("点击查看", "/zwgk/zfxxgknb/2021/t1.html")
    assert looks_like_report("", "/module/xxgk/xxgkAnnualReport.jsp?area=1&fbtime=2022")
    assert not looks_like_report("2021年年报解读", "/jd/1.html")
    assert not looks_like_report("镇领导调研", "/news/1.html")
    assert published_from_url("http://x.gov.cn/zwgk/202201/t20220118_1.html") == "2022-01-18"
    assert published_from_url("http://x.gov.cn/art/2023/1/5/art_5_2.html") == "2023-01-05"
    assert published_from_url("http://x.gov.cn/a/1.html") is None


def test_crawl_portal(tmp_path: Path) -> None:
    with serve_portal() as portal, Fetcher(RawStore(tmp_path / "raw"), FAST) as fetcher:
        got = fetcher.crawl(portal.list_page, region="330199001")
        hits = dict(portal.hits)
    base = portal.base
    assert [(f.location, f.title, f.published) for f in got.fetched] == [
        (
            f"{base}/zwgk/zfxxgknb/202201/t20220118_1.html",
            "清水镇2021年政府信息公开工作年度报告",
            "2022-01-18",
        ),
        (f"{base}/uploads/2021/tjb.xls", "统计表.xls", None),
        (f"{base}/uploads/2021/nb.pdf", "下载PDF", None),
        (
            f"{base}/art/2023/1/20/art_5_2.html",
            "白石乡2022年度报告",
            "2023-01-20",
        ),  # the _wap twin, canonical
        (
            f"{base}/zwgk/zfxxgknb/202101/t20210120_3.html",
            "清水镇2020年政府信息公开工作年度报告",
            "2021-01-20",
        ),
    ]
    assert all(f.region == "330199001" for f in got.fetched)
    first = got.fetched[0]
    assert Path(first.path) == tmp_path / "raw" / first.sha256[:2] / f"{first.sha256}.html"
    assert Path(first.path).read_text("utf-8") == REPORT_2021
    assert sha256_of(first.path) == first.sha256 and first.size == len(REPORT_2021.encode())
    assert Path(got.fetched[2].path).suffix == ".pdf"
    reasons = {f.location: f.reason for f in got.failures}
    assert reasons == {
        f"{base}/zwgk/zfxxgknb/202101/t20210115_9.html": "HTTP 404",
        f"http://127.0.0.1:{portal.closed_port}/zfxxgknb/nb.pdf": reasons.get(
            f"http://127.0.0.1:{portal.closed_port}/zfxxgknb/nb.pdf", "missing"
        ),
        "http://spam.example.com/xxgknb/1.html": "host not on the allow-list",
    }
    assert reasons[f"http://127.0.0.1:{portal.closed_port}/zfxxgknb/nb.pdf"].startswith(
        "unreachable (ConnectError"
    )
    assert reasons[f"http://127.0.0.1:{portal.closed_port}/zfxxgknb/nb.pdf"].endswith("after 3 attempts")
    # each page once: the 2021 report is linked from both list pages; 404s are not retried
    assert hits["/zwgk/zfxxgknb/202201/t20220118_1.html"] == 1
    assert hits["/zwgk/zfxxgknb/202101/t20210115_9.html"] == 1
    assert "/news/1.html" not in hits and "/jd/2021.html" not in hits


def test_unreachable_list_page_is_a_failure(tmp_path: Path) -> None:
    with serve_portal() as portal, Fetcher(RawStore(tmp_path), FAST) as fetcher:
        got = fetcher.crawl(f"http://127.0.0.1:{portal.closed_port}/col/index.html")
    assert got.fetched == [] and len(got.failures) == 1
    assert "after 3 attempts" in got.failures[0].reason


def test_retries_with_backoff_then_succeeds(tmp_path: Path) -> None:
    with serve_portal() as portal, Fetcher(RawStore(tmp_path), FAST) as fetcher:
        f = fetcher.download(f"{portal.base}/flaky/nb.pdf")
        assert portal.hits["/flaky/nb.pdf"] == 3
    assert Path(f.path).read_bytes().startswith(b"%PDF")


def test_size_limit_and_redirect_off_the_allow_list(tmp_path: Path) -> None:
    small = HttpOptions(allowed_hosts=("127.0.0.1",), retries=0, max_bytes=100_000)
    with serve_portal() as portal, Fetcher(RawStore(tmp_path), small) as fetcher:
        with pytest.raises(FetchFailed, match="over the 100000 byte limit"):
            fetcher.download(f"{portal.base}/big/nb.pdf")
        with pytest.raises(FetchFailed, match="host not on the allow-list"):
            fetcher.download(f"{portal.base}/go/away.html")
    assert not list(tmp_path.rglob("*.pdf"))  # nothing half-written is kept


def test_gathered_unique_by_content() -> None:
    from sources.fetched import Fetched

    a = Fetched("http://a.gov.cn/1.html", "/r/1", "ab" * 32, 1)
    b = Fetched("http://b.gov.cn/1.html", "/r/1", "ab" * 32, 1)
    assert Gathered(fetched=[a, b]).unique() == [a]
