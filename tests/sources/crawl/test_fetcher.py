"""The fetcher against a real loopback server: robots.txt, rate and concurrency per host, retries,
timeouts, slow bodies, size limits with and without Content-Length, redirects, conditional GET, no proxy."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from nianbao.sources.crawl.fetcher import Fetcher, FetchFailed
from nianbao.sources.crawl.options import CrawlOptions
from nianbao.sources.store import RawStore
from tests.sources.server import Resource, serve


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _options(base: str, **kw: object) -> CrawlOptions:
    values: dict[str, object] = {"allowed_hosts": (base.split("//")[1],), "timeout": 0.8, "retries": 2,
                                 "backoff": 0.01, "rate": 200.0}  # fmt: skip
    return CrawlOptions.from_dict({**values, **kw})


def test_robots_txt_is_read_first_and_obeyed(tmp_path: Path) -> None:
    site = {
        "/robots.txt": Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        "/a.html": Resource(b"<html>a</html>"),
        "/private/b.html": Resource(b"<html>b</html>"),
    }
    with serve(site) as srv, Fetcher(RawStore(tmp_path), _options(srv.base)) as f:
        assert f.get(srv.base + "/a.html").status == 200
        with pytest.raises(FetchFailed, match="disallowed by robots.txt"):
            f.get(srv.base + "/private/b.html")
        assert [h.path for h in srv.log] == ["/robots.txt", "/a.html"]
        assert all(h.agent.startswith("nianbao-crawler/") for h in srv.log)


def test_missing_robots_allows_and_broken_robots_stops_the_host(tmp_path: Path) -> None:
    with (
        serve({"/a.html": Resource(b"<html>a</html>")}) as srv,
        Fetcher(RawStore(tmp_path), _options(srv.base)) as f,
    ):
        assert f.get(srv.base + "/a.html").status == 200  # robots.txt 404: everything allowed
    broken = {"/robots.txt": Resource(b"", fail_first=99), "/a.html": Resource(b"<html>a</html>")}
    with serve(broken) as srv, Fetcher(RawStore(tmp_path), _options(srv.base)) as f:
        with pytest.raises(FetchFailed, match=r"robots.txt gave HTTP 500; host not crawled"):
            f.get(srv.base + "/a.html")
        assert {h.path for h in srv.log} == {"/robots.txt"} and len(srv.log) == 3  # retried, then stopped


def test_rate_limit_holds_across_threads(tmp_path: Path) -> None:
    site = {f"/p{i}.html": Resource(f"<html>{i}</html>".encode()) for i in range(12)}
    with serve(site) as srv, Fetcher(RawStore(tmp_path), _options(srv.base, rate=20.0, concurrency=4)) as f:
        threads = [threading.Thread(target=f.get, args=(f"{srv.base}/p{i}.html",)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        times = sorted(h.at for h in srv.log)
    assert len(times) == 13  # robots.txt + 12 pages
    # starts are spaced 0.05 s apart, so any 0.25-second window holds at most 5 + 1 (its two ends);
    # without the gate all 13 arrive at once (a bound read from the server's log, not a timing of our speed)
    assert max(sum(1 for t in times if s <= t <= s + 0.25) for s in times) <= 6


def test_concurrency_cap(tmp_path: Path) -> None:
    site = {f"/s{i}.html": Resource(b"<html>slow</html>", delay=0.15) for i in range(6)}
    with serve(site) as srv, Fetcher(RawStore(tmp_path), _options(srv.base, concurrency=2)) as f:
        threads = [threading.Thread(target=f.get, args=(f"{srv.base}/s{i}.html",)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert srv.max_inflight == 2 and len(srv.log) == 7


def test_retries_timeouts_and_slow_bodies(tmp_path: Path) -> None:
    site = {
        "/flaky.pdf": Resource(b"%PDF-1.4 ok", "application/pdf", fail_first=2),
        "/dead.html": Resource(b"x", fail_first=99),
        "/hang.html": Resource(b"x", delay=2.0),
        "/drip.pdf": Resource(b"%PDF" + b"0" * 40_000, "application/pdf", drip=0.03),
    }
    with serve(site) as srv, Fetcher(RawStore(tmp_path), _options(srv.base, total_timeout=0.3)) as f:
        got = f.get(srv.base + "/flaky.pdf")
        assert (
            got.path is not None
            and got.path.read_bytes() == b"%PDF-1.4 ok"
            and len(srv.hits("/flaky.pdf")) == 3
        )
        with pytest.raises(FetchFailed, match=r"HTTP 500 after 3 attempts"):
            f.get(srv.base + "/dead.html")
        with pytest.raises(FetchFailed, match=r"unreachable \(ReadTimeout\) after 3 attempts"):
            f.get(srv.base + "/hang.html")
        with pytest.raises(FetchFailed, match=r"body not complete within 0.3 s after 3 attempts"):
            f.get(srv.base + "/drip.pdf")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [f"{got.sha256}.pdf"]


def test_size_limit_with_and_without_content_length(tmp_path: Path) -> None:
    site = {
        "/big.pdf": Resource(b"%PDF" + b"0" * 300_000, "application/pdf"),
        "/big.xls": Resource(b"\xd0\xcf" + b"0" * 300_000, "application/vnd.ms-excel", chunked=True),
    }
    with serve(site) as srv, Fetcher(RawStore(tmp_path), _options(srv.base, max_bytes=100_000)) as f:
        with pytest.raises(FetchFailed, match=r"too large: 300004 bytes declared, limit 100000"):
            f.get(srv.base + "/big.pdf")
        with pytest.raises(FetchFailed, match=r"too large: over 100000 bytes, reading stopped"):
            f.get(srv.base + "/big.xls")
        assert len(srv.hits("/big.xls")) == 1  # not retried
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # nothing half-written is kept


def test_redirects_checked_against_the_allow_list(tmp_path: Path) -> None:
    closed = _closed_port()
    site = {
        "/moved.html": Resource(status=301, location="/new/a_wap.html"),
        "/new/a.html": Resource(b"<html>new</html>"),
        "/away.html": Resource(status=302, location=f"http://127.0.0.1:{closed}/copy.html"),
    }
    with serve(site) as srv, Fetcher(RawStore(tmp_path), _options(srv.base)) as f:
        got = f.get(srv.base + "/moved.html")
        assert (got.url, got.final_url) == (srv.base + "/moved.html", srv.base + "/new/a.html")
        with pytest.raises(FetchFailed, match=f"host 127.0.0.1:{closed} not on the allow-list"):
            f.get(srv.base + "/away.html")


def test_conditional_get_and_no_proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"http://127.0.0.1:{_closed_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, dead)  # a proxy from the environment is never used
    assert os.environ["HTTP_PROXY"] == dead
    with (
        serve({"/a.html": Resource(b"<html>a</html>")}) as srv,
        Fetcher(RawStore(tmp_path), _options(srv.base)) as f,
    ):
        first = f.get(srv.base + "/a.html")
        again = f.get(srv.base + "/a.html", etag=first.headers["etag"])
        since = f.get(srv.base + "/a.html", last_modified=first.headers["last-modified"])
        assert first.status == 200 and (again.status, again.not_modified, again.path) == (304, True, None)
        assert since.not_modified and [h.status for h in srv.hits("/a.html")] == [200, 304, 304]


def test_crawl_delay_slows_a_host_down(tmp_path: Path) -> None:
    site = {"/robots.txt": Resource(b"User-agent: nianbao-crawler\nCrawl-delay: 0.2\n", "text/plain")}
    site |= {f"/p{i}.html": Resource(b"<html>p</html>") for i in range(4)}
    with serve(site) as srv, Fetcher(RawStore(tmp_path), _options(srv.base, rate=100.0)) as f:
        for i in range(4):
            f.get(f"{srv.base}/p{i}.html")
        times = [h.at for h in srv.log if h.path != "/robots.txt"]
    # 0.2 s apart, not 0.01 s: no two page requests within 0.15 s of each other
    assert all(b - a > 0.15 for a, b in zip(times, times[1:], strict=False))
