"""A whole fixture district crawled from its 政府信息公开 entry page, twice, on a real loopback server:
discovery, six CMS styles, attribution, parts, faults, incremental re-crawl, rate, and the manifest."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nianbao.sources.crawl import CrawlOptions, CrawlSummary, Manifest, crawl_many
from nianbao.sources.crawl.manifest import Record, read_records
from nianbao.sources.fetched import Gathered
from tests.sources.portals import BROKEN_PATH, FLAKY_PATH, SLOW_PATH, TIMEOUT_PATH, district
from tests.sources.server import Hit, serve

BL = "/zwgk/xzxxgk/bailu/zfxxgknb/"
FL = "/module/xxgk/xxgkAnnualReport.jsp?area=11371082004363781R&fbtime="


@dataclass
class Crawled:
    base: str
    closed: int
    out: Path
    first: Gathered
    summary1: CrawlSummary
    log1: list[Hit]
    second: Gathered
    summary2: CrawlSummary
    log2: list[Hit]
    manifest: Manifest

    def records(self, kind: str) -> dict[str, Record]:
        """Manifest records of one kind by path (base URL cut), the first line for each URL."""
        out: dict[str, Record] = {}
        for rec in read_records(self.out / "manifest.jsonl"):
            if rec.kind == kind:
                out.setdefault(rec.url.removeprefix(self.base), rec)
        return out


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    closed = closed_port()
    out = tmp_path_factory.mktemp("crawl")
    with serve(lambda base: district(base, closed)) as srv:
        options = CrawlOptions(
            allowed_hosts=(srv.base.removeprefix("http://"),),
            timeout=1.0,
            retries=2,
            backoff=0.01,
            rate=40.0,
            max_bytes=1_000_000,
            max_pages=6,
        )
        first, summary1 = crawl_many([srv.base + "/zwgk/index.html"], out, options)
        log1 = list(srv.log)
        second, summary2 = crawl_many([srv.base + "/zwgk/index.html"], out, options)
        log2 = srv.log[len(log1) :]
    yield Crawled(srv.base, closed, out, first, summary1, log1, second, summary2, log2, Manifest(out))


REPORTS = {  # path: (township, how attributed, year, published, 发布机构, CMS adapter)
    "/zwgk/qxnb/202303/t20230317_77.html": ("望月街道", "issuer", 2022, "2023-03-17", "青溪市云岭区望月街道办事处", "trs"),
    FLAKY_PATH: ("清水镇", "issuer", 2020, "2021-01-17", "青溪市云岭区清水镇人民政府", "trs"),
    BL + "202301/t20230117_1001.html": ("白鹭镇", "breadcrumb", 2022, "2023-01-17", "青溪市云岭区白鹭镇人民政府", "trs"),
    BL + "202101/t20210125_1002.html": ("白鹭镇", "breadcrumb", 2020, "2021-01-25", "青溪市云岭区白鹭镇人民政府", "trs"),
    BL + "202401/t20240102_1004.html": ("白鹭镇", "breadcrumb", 2022, "2023-01-17", "青溪市云岭区白鹭镇人民政府", "trs"),
    "/art/2024/1/19/art_1201_11.html": ("鹤鸣乡", "breadcrumb", 2023, "2024-01-19", "青溪市云岭区鹤鸣乡人民政府", "hanweb"),
    "/art/2021/1/14/art_1201_10.html": ("鹤鸣乡", "breadcrumb", 2020, "2021-01-14", "青溪市云岭区鹤鸣乡人民政府", "hanweb"),
    FL + "2023": ("枫林街道", "breadcrumb", 2023, "2024-01-22", "青溪市云岭区枫林街道办事处", "hanweb-annual"),
    FL + "2022": ("枫林街道", "breadcrumb", 2022, "2023-01-19", "青溪市云岭区枫林街道办事处", "hanweb-annual"),
    "/songxi/gkmlpt/content/0/501/post_501.html": ("松溪镇", "breadcrumb", 2023, "2024-01-12", "青溪市云岭区松溪镇人民政府", "gkmlpt"),
    "/songxi/gkmlpt/content/0/502/post_502.html": ("松溪镇", "breadcrumb", 2022, "2023-01-25", "青溪市云岭区松溪镇人民政府", "gkmlpt"),
    "/OpennessAnnualReport/show/51.html": ("石泉镇", "column", 2022, "2023-01-18", "青溪市云岭区石泉镇人民政府", "anhui"),
    "/OpennessAnnualReport/show/50.html": ("石泉镇", "column", 2020, "2021-01-13", "青溪市云岭区石泉镇人民政府", "anhui"),
    SLOW_PATH: ("青岚乡", "breadcrumb", 2022, "2023-01-26", "青溪市云岭区青岚乡人民政府", "generic"),
    "/qinglan/show.php?id=89": ("青岚乡", "breadcrumb", 2023, "2024-01-19", "青溪市云岭区青岚乡人民政府", "generic"),
}  # fmt: skip
PARTS = {  # path: (kind, page it belongs to, attachment name)
    "/zwgk/qxnb/202303/P020230317.txt": ("attachment", "/zwgk/qxnb/202303/t20230317_77.html", "年度报告全文.txt"),
    "/module/download/downfile.jsp?classid=0&filemapid=77&filename=e3a9.pdf": ("attachment", FLAKY_PATH, "清水镇2020年年报.pdf"),
    "/module/xxgk/file.jsp?id=9": ("attachment", FL + "2022", "枫林.docx"),
    "/songxi/gkmlpt/attachment/t2023.png": ("image", "/songxi/gkmlpt/content/0/501/post_501.html", None),
    "/songxi/gkmlpt/attachment/20240125.docx": ("attachment", "/songxi/gkmlpt/content/0/502/post_502.html", "松溪镇2022年年报.docx"),
    "/qinglan/files/2023.docx": ("attachment", "/qinglan/show.php?id=89", "青岚乡2023年年报.docx"),
}  # fmt: skip


def test_every_report_found_and_attributed(crawled: Crawled) -> None:
    got = {
        path: (r.township, r.township_from, r.year, r.published, r.issuer, r.cms)
        for path, r in crawled.records("report").items()
    }
    assert got == REPORTS


def test_attachments_and_pictures_are_parts_of_their_page(crawled: Crawled) -> None:
    parts = {**crawled.records("attachment"), **crawled.records("image")}
    assert {
        path: (r.kind, (r.part_of or "").removeprefix(crawled.base), r.attachment_name)
        for path, r in parts.items()
    } == PARTS
    for r in parts.values():  # a part takes its page's facts: the picture is 松溪镇's 2023 report
        page = crawled.records("report")[(r.part_of or "").removeprefix(crawled.base)]
        assert (r.issuer, r.year, r.published, r.township) == (
            page.issuer,
            page.year,
            page.published,
            page.township,
        )


def test_gathered_files_carry_the_manifest_facts(crawled: Crawled) -> None:
    by_loc = {f.location.removeprefix(crawled.base): f for f in crawled.first.fetched}
    assert set(by_loc) == (set(REPORTS) | set(PARTS)) - {BL + "202401/t20240102_1004.html"}  # the duplicate
    png = by_loc["/songxi/gkmlpt/attachment/t2023.png"].facts()
    assert (png.issuer, png.year, png.published, png.region) == (
        "青溪市云岭区松溪镇人民政府",
        2023,
        "2024-01-12",
        "松溪镇",
    )
    assert png.part_of == crawled.base + "/songxi/gkmlpt/content/0/501/post_501.html"
    assert png.location == crawled.base + "/songxi/gkmlpt/attachment/t2023.png" and Path(png.path).is_file()


def test_gbk_pages_decoded(crawled: Crawled) -> None:
    reports = crawled.records("report")
    mis_declared = reports[
        BL + "202101/t20210125_1002.html"
    ]  # GBK bytes, page says utf-8, header says nothing
    assert (mis_declared.encoding, mis_declared.title) == (
        "gb18030",
        "青溪市云岭区白鹭镇人民政府2020年政府信息公开工作年度报告",
    )
    assert reports[BL + "202301/t20230117_1001.html"].encoding == "gb18030"
    assert reports["/OpennessAnnualReport/show/51.html"].breadcrumb[:2] == ["首页", "政务公开"]


def test_faults_are_bounded_logged_and_lose_nothing(crawled: Crawled) -> None:
    b = crawled.base
    assert crawled.summary1.skipped == [
        (b + "/zwgk/private/202201/t20220120_1003.html", "disallowed by robots.txt"),
        (
            f"http://127.0.0.1:{crawled.closed}/copy/90.html",
            f"host 127.0.0.1:{crawled.closed} not on the allow-list",
        ),
    ]
    assert crawled.summary1.failed == [
        (b + "/qinglan/files/big.pdf", "too large: 3000009 bytes declared, limit 1000000"),
        (b + "/qinglan/files/big2.xls", "too large: over 1000000 bytes, reading stopped"),
        (b + TIMEOUT_PATH, "unreachable (ReadTimeout) after 3 attempts"),
        (b + BROKEN_PATH, "HTTP 500 after 3 attempts"),
    ]
    paths = [h.path for h in crawled.log1]
    assert "/zwgk/private/202201/t20220120_1003.html" not in paths  # robots.txt read first, and obeyed
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    assert [h.status for h in crawled.log1 if h.path == FLAKY_PATH] == [500, 500, 200]  # retried, then kept
    assert paths.count(TIMEOUT_PATH) == 3 and paths.count(BROKEN_PATH) == 3
    assert crawled.records("report")[SLOW_PATH].size > 0  # slow but within the timeout
    assert {f.location.removeprefix(b) for f in crawled.first.failures} == {
        "/qinglan/files/big.pdf", "/qinglan/files/big2.xls", TIMEOUT_PATH, BROKEN_PATH
    }  # fmt: skip
    assert all(h.agent.startswith("nianbao-crawler/") for h in crawled.log1)


def test_pagination_ends_by_content_and_twins_are_fetched_once(crawled: Crawled) -> None:
    paths = [h.path for h in crawled.log1]
    generic = [p for p in paths if p.startswith("/qinglan/list.php")]
    # the endless loop: page 1, its 下一页 (2), its 尾页 (51) bring nothing new; their links are not followed
    assert generic == ["/qinglan/list.php?cat=7", "/qinglan/list.php?cat=7&page=1", "/qinglan/list.php?cat=7&page=2",
                       "/qinglan/list.php?cat=7&page=51"]  # fmt: skip
    assert [p for p in paths if p.startswith("/col/col1201/index.html")] == [
        "/col/col1201/index.html", "/col/col1201/index.html?uid=4&pageNum=2", "/col/col1201/index.html?uid=4&pageNum=3"
    ]  # fmt: skip
    assert "/XxgkContent/showList/28/0/page_3.html" not in paths
    assert paths.count(BL + "202101/t20210125_1002.html") == 1  # linked as _wap and ?isMobile=true
    assert not [p for p in paths if "_wap" in p or "isMobile" in p]
    assert "/art/2023/1/21/art_1201_13.html" not in paths  # the 解读 twin
    assert "/images/logo.png" not in paths and "/images/icon_print.gif" not in paths  # page furniture
    dup = crawled.records("report")[BL + "202401/t20240102_1004.html"]
    assert (
        dup.duplicate_of == crawled.base + BL + "202301/t20230117_1001.html"
        and crawled.summary1.duplicates == 1
    )


def test_counts(crawled: Crawled) -> None:
    s = crawled.summary1
    assert (s.pages, s.reports, s.attachments, s.images, s.not_modified) == (24, 14, 5, 1, 0)
    assert s.requests == len(crawled.log1)


def test_raw_store_names_are_safe(crawled: Crawled) -> None:
    head = json.loads((crawled.out / "manifest.jsonl").read_text("utf-8").splitlines()[0])
    assert head == {"format": "nianbao-crawl-manifest", "version": 2}  # marks the file as ours
    for rec in read_records(crawled.out / "manifest.jsonl"):
        path = Path(rec.path)
        assert not path.is_absolute() and ".." not in path.parts
        assert path.name.startswith(rec.sha256) and path.parent.name == rec.sha256[:2]
        assert (crawled.out / path).resolve().is_relative_to(crawled.out.resolve())
    assert crawled.records("attachment")["/module/xxgk/file.jsp?id=9"].path.endswith(".docx")
    files = [p for p in crawled.out.rglob("*") if p.is_file()]
    assert all(p.name == "manifest.jsonl" or len(p.stem) == 64 for p in files)
    assert not (crawled.out.parent / "etc").exists()


def test_second_crawl_downloads_no_unchanged_body(crawled: Crawled) -> None:
    failed_first = {u.removeprefix(crawled.base) for u, _ in crawled.summary1.failed}
    again = {h.path for h in crawled.log2 if h.status not in (302, 304)} - {"/robots.txt"}
    assert again == failed_first  # only what failed the first night is asked for in full again
    assert BROKEN_PATH in failed_first and {h.status for h in crawled.log2 if h.path == BROKEN_PATH} == {500}
    assert all(h.conditional for h in crawled.log2 if h.status == 304)
    s1 = crawled.summary1
    stored = s1.pages + s1.reports + s1.duplicates + s1.attachments + s1.images
    assert sum(h.status == 304 for h in crawled.log2) == stored  # every page and file kept the first night
    s = crawled.summary2
    assert (s.reports, s.attachments, s.images, s.not_modified) == (
        0,
        0,
        0,
        14 + 1 + 5 + 1,
    )  # + the duplicate
    assert {f.sha256 for f in crawled.second.fetched} == {f.sha256 for f in crawled.first.fetched}


def test_rate_limit_from_the_request_log(crawled: Crawled) -> None:
    times = sorted(h.at for h in crawled.log1)
    # 40 requests/s: starts 25 ms apart, so any 0.25 s window holds at most 10 + 1
    assert len(times) > 50
    assert max(sum(1 for t in times if s <= t <= s + 0.25) for s in times) <= 11


SAMPLE_OF = {  # stored body -> the bundled sample it is (or, for the picture, was rendered from)
    "/zwgk/qxnb/202303/P020230317.txt": "2022/wangyue_2022.txt",
    "/module/download/downfile.jsp?classid=0&filemapid=77&filename=e3a9.pdf": "2020/qingshui_2020.pdf",
    BL + "202301/t20230117_1001.html": "2022/bailu_2022.html",
    BL + "202101/t20210125_1002.html": "2020/bailu_2020.html",
    "/art/2024/1/19/art_1201_11.html": "2023/heming_2023.html",
    "/art/2021/1/14/art_1201_10.html": "2020/heming_2020.html",
    FL + "2023": "2023/fenglin_2023.html",
    "/module/xxgk/file.jsp?id=9": "2022/fenglin_2022.docx",
    "/songxi/gkmlpt/attachment/t2023.png": "2023/songxi_2023.pdf",
    "/songxi/gkmlpt/attachment/20240125.docx": "2022/songxi_2022.docx",
    "/OpennessAnnualReport/show/51.html": "2022/shiquan_2022.html",
    "/OpennessAnnualReport/show/50.html": "2020/shiquan_2020.html",
    SLOW_PATH: "2022/qinglan_2022.html",
    "/qinglan/files/2023.docx": "2023/qinglan_2023.docx",
}


@pytest.mark.slow
def test_crawl_then_extract_every_report(crawled: Crawled) -> None:
    """Each stored report extracted with the manifest's SourceFacts: issuer, year and date are right,
    including the report whose tables are a picture (read by OCR)."""
    from nianbao.extractors import extract_file
    from tests.sources.portals import truth

    stored = {**crawled.records("report"), **crawled.records("attachment"), **crawled.records("image")}
    for path, name in SAMPLE_OF.items():
        rec, want = stored[path], truth(name)
        facts = crawled.manifest.facts(rec.sha256)
        assert facts is not None and facts.location == crawled.base + path
        assert (facts.issuer, facts.year, facts.published) == (
            want["issuer"],
            want["year"],
            want["published"],
        ), path
        report = extract_file(facts)
        assert report.status in ("ok", "partial"), (path, report.error)
        assert (report.source, report.sha256) == (facts.location, rec.sha256)
        names = {want["issuer"], *want["alt_issuers"]}  # type: ignore[misc]
        # what the document prints must agree; where it is silent, the manifest's fact stands
        assert report.issuer is None or report.issuer in names, (path, report.issuer)
        assert report.year in (None, want["year"]) and report.published in (None, want["published"]), path
        assert (
            report.issuer or facts.issuer,
            report.year or facts.year,
            report.published or facts.published,
        ) == (report.issuer or want["issuer"], want["year"], want["published"])
        if rec.kind == "image":  # the picture: page 3 of the PDF sample, tables 3 (end) and 4
            t4 = {(c.row_code, c.col_code): c.value for c in report.cells if c.table == "t4"}
            assert len(t4) == 15 and set(t4.values()) == {0}  # table 4 of songxi_2023 is all zeros
            t3 = {(c.row_code, c.col_code): c.value for c in report.cells if c.table == "t3"}
            assert t3[("carry_over", "total")] == 1 and t3[("carry_over", "natural")] == 1
        else:
            assert len(report.cells) >= 180, (path, len(report.cells))


def test_frames_and_their_parts(tmp_path: Path) -> None:
    """An article whose body is an iframe: the frame is stored, and its attachment and picture belong to
    the article page."""
    from tests.sources.portals import chrome, meta
    from tests.sources.server import Resource

    site = {
        "/col/index.html": Resource(
            chrome(
                "年报",
                ["首页", "白鹭镇", "年报"],
                ('<a href="/a/1.html">白鹭镇2023年政府信息公开工作年度报告</a>'),
            ).encode()
        ),  # fmt: skip
        "/a/1.html": Resource(
            chrome(
                "白鹭镇2023年政府信息公开工作年度报告",
                ["首页", "白鹭镇", "年报"],
                ('<iframe src="/a/1_body.html" width="100%"></iframe>'),
                meta("青溪市云岭区白鹭镇人民政府", "2024-01-28"),
            ).encode()
        ),
        "/a/1_body.html": Resource(
            (
                '<html><body><div class="content"><p>正文</p><img src="t.jpg">'
                '<a href="stats.zip">统计表.zip</a></div></body></html>'
            ).encode()
        ),  # fmt: skip
        "/a/t.jpg": Resource(b"\xff\xd8\xff picture", "image/jpeg"),
        "/a/stats.zip": Resource(b"PK\x03\x04 zip", "application/zip"),
    }
    with serve(site) as srv:
        options = CrawlOptions(allowed_hosts=(srv.base.removeprefix("http://"),), rate=100.0)
        got, summary = crawl_many([srv.base + "/col/index.html"], tmp_path, options)
    recs = {
        r.url.removeprefix(srv.base): (r.kind, (r.part_of or "").removeprefix(srv.base), r.year, r.township)
        for r in read_records(tmp_path / "manifest.jsonl")
    }
    assert recs == {
        "/col/index.html": ("list", "", None, None),
        "/a/1.html": ("report", "", 2023, "白鹭镇"),
        "/a/1_body.html": ("frame", "/a/1.html", 2023, "白鹭镇"),
        "/a/t.jpg": ("image", "/a/1.html", 2023, "白鹭镇"),
        "/a/stats.zip": ("attachment", "/a/1.html", 2023, "白鹭镇"),
    }
    assert (summary.reports, summary.frames, summary.images, summary.attachments) == (1, 1, 1, 1)
    assert sorted(Path(f.path).suffix for f in got.fetched) == [".html", ".html", ".jpg", ".zip"]


def test_another_layout_year_subcolumns_and_townships_listing_their_own_reports(tmp_path: Path) -> None:
    """A portal in none of the known CMS styles: 镇街 → township pages; one township lists its reports
    on its own page, the other has a 年报 column split into year sub-columns."""
    from tests.sources.portals import chrome, sample
    from tests.sources.server import Resource

    def page(title: str, crumb: list[str], inner: str) -> Resource:
        return Resource(chrome(title, crumb, inner).encode())

    report = sample("2022/bailu_2022.html")
    site = {
        "/portal/gk.aspx": page("政务公开", ["首页", "政务公开"], '<a href="/portal/zj.aspx">镇街</a><a href="/x">通知</a>'),
        "/portal/zj.aspx": page("镇街", ["首页", "镇街"], '<a href="/portal/t.aspx?u=hb">河包镇</a> <a href="/portal/t.aspx?u=sh">双河街道办事处</a>'),
        "/portal/t.aspx?u=hb": page("河包镇", ["首页", "镇街", "河包镇"], (
            '<p><a href="/portal/d.aspx?id=7">河包镇2022年政府信息公开工作年度报告</a> 2023-01-20</p>'
            '<p><a href="/portal/d.aspx?id=8">河包镇2021年政府信息公开工作年度报告</a> 2022-01-21</p>')),
        "/portal/t.aspx?u=sh": page("双河街道", ["首页", "镇街", "双河街道"], '<a href="/portal/nb.aspx?u=sh">信息公开年报</a>'),
        "/portal/nb.aspx?u=sh": page("信息公开年报", ["首页", "双河街道", "信息公开年报"], (
            '<a href="/portal/nb.aspx?u=sh&y=2022">2022年度政府信息公开年报</a>'
            '<a href="/portal/nb.aspx?u=sh&y=2021">2021年度政府信息公开年报</a>')),
        "/portal/nb.aspx?u=sh&y=2022": page("2022年度政府信息公开年报", ["首页", "双河街道", "年报", "2022"], (
            '<a href="/portal/d.aspx?id=21">双河街道2022年政府信息公开工作年度报告</a>'
            '<a href="/portal/d.aspx?id=22">双河街道2022年政府信息公开工作年度报告（附表）</a>')),
        "/portal/nb.aspx?u=sh&y=2021": page("2021年度政府信息公开年报", ["首页", "双河街道", "年报", "2021"], (
            '<a href="/portal/d.aspx?id=23">双河街道2021年政府信息公开工作年度报告</a>')),
    }  # fmt: skip
    for i in (7, 8, 21, 22, 23):
        site[f"/portal/d.aspx?id={i}"] = Resource(report.replace(b"<title>", f"<title>{i}-".encode()))
    with serve(site) as srv:
        options = CrawlOptions(allowed_hosts=(srv.base.removeprefix("http://"),), rate=100.0)
        _, summary = crawl_many([srv.base + "/portal/gk.aspx"], tmp_path, options)
    recs = read_records(tmp_path / "manifest.jsonl")
    reports = {r.url.removeprefix(srv.base): (r.township, r.cms) for r in recs if r.kind == "report"}
    assert reports == {
        "/portal/d.aspx?id=7": ("河包镇", "generic"),
        "/portal/d.aspx?id=8": ("河包镇", "generic"),
        "/portal/d.aspx?id=21": ("双河街道", "generic"),
        "/portal/d.aspx?id=22": ("双河街道", "generic"),
        "/portal/d.aspx?id=23": ("双河街道", "generic"),
    }
    assert (summary.reports, summary.failed, summary.skipped) == (5, [], [])


def test_a_page_that_breaks_a_reader_costs_only_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A JSON listing nested 100,000 deep, and (fault injection) a page whose reading raises: each is
    one failure with its reason; the column's other reports are still found."""
    from nianbao.sources.crawl import crawler as crawler_module
    from tests.sources.portals import chrome, meta
    from tests.sources.server import Resource

    def article(n: int) -> Resource:
        return Resource(
            chrome(
                f"白鹭镇{n}年政府信息公开工作年度报告",
                ["首页", "白鹭镇", "年报"],
                "<p>一、总体情况</p>",
                meta("青溪市云岭区白鹭镇人民政府", f"{n + 1}-01-20"),
            ).encode()
        )

    links = "".join(
        f'<a href="/a/{n}.html">白鹭镇{n}年政府信息公开工作年度报告</a>' for n in (2021, 2022, 2023)
    )
    site = {
        "/col/index.html": Resource(chrome("年报", ["首页", "白鹭镇", "年报"], links).encode()),
        "/a/2021.html": article(2021),
        "/a/2022.html": article(2022),
        "/a/2023.html": article(2023),
        "/col/list_7.html": Resource(b'{"articles": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    }
    real = crawler_module.parse_page

    def breaks_on_2021(text: str, url: str) -> object:
        if url.endswith("/a/2021.html"):
            raise RuntimeError("a layout nobody foresaw")
        return real(text, url)

    monkeypatch.setattr(crawler_module, "parse_page", breaks_on_2021)
    with serve(site) as srv:
        options = CrawlOptions(allowed_hosts=(srv.base.removeprefix("http://"),), rate=100.0)
        got, summary = crawl_many(
            [srv.base + "/col/list_7.html", srv.base + "/col/index.html"], tmp_path, options
        )
    assert [(u.removeprefix(srv.base), why) for u, why in summary.failed] == [
        ("/a/2021.html", "page not understood (RuntimeError: a layout nobody foresaw)")
    ]
    assert [f.location.removeprefix(srv.base) for f in got.fetched] == ["/a/2022.html", "/a/2023.html"]
    assert summary.reports == 2


def test_a_footer_frame_is_furniture_and_never_fetched(tmp_path: Path) -> None:
    """A county page's footer <iframe> (a visitor counter whose address answers 404) is page chrome:
    the crawl neither fetches it nor fails on it; the article's own frame is still a part."""
    from tests.sources.portals import chrome, meta
    from tests.sources.server import Resource

    footer = '<div class="foot"><iframe src="/inc/counter.html" width="100%" height="200"></iframe></div>'
    site = {
        "/col/index.html": Resource(
            chrome(
                "年报",
                ["首页", "白鹭镇", "年报"],
                '<a href="/a/1.html">白鹭镇2023年政府信息公开工作年度报告</a>',
            ).encode()
        ),
        "/a/1.html": Resource(
            chrome(
                "白鹭镇2023年政府信息公开工作年度报告",
                ["首页", "白鹭镇", "年报"],
                '<div class="content"><iframe src="/a/1_body.html" width="100%"></iframe></div>' + footer,
                meta("青溪市云岭区白鹭镇人民政府", "2024-01-28"),
            ).encode()
        ),
        "/a/1_body.html": Resource(
            '<html><body><div class="content"><p>正文</p></div></body></html>'.encode()
        ),
    }
    with serve(site) as srv:
        options = CrawlOptions(allowed_hosts=(srv.base.removeprefix("http://"),), rate=100.0)
        _got, summary = crawl_many([srv.base + "/col/index.html"], tmp_path, options)
        asked = {h.path for h in srv.log}
    assert summary.failed == []
    assert (summary.reports, summary.frames) == (1, 1)
    assert "/a/1_body.html" in asked and "/inc/counter.html" not in asked
