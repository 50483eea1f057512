"""Crawl several start URLs: one thread per host (each host keeps its own rate), one output folder."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nianbao.sources.crawl.crawler import Crawler, Event
from nianbao.sources.crawl.options import CrawlOptions
from nianbao.sources.crawl.polite import Gates
from nianbao.sources.crawl.summary import CrawlSummary
from nianbao.sources.crawl.urls import canonical_url, host_of
from nianbao.sources.fetched import Gathered


def crawl_site(
    start_urls: list[str],
    out_dir: str | Path,
    options: CrawlOptions | None = None,
    region: str | None = None,
    gates: Gates | None = None,
    on_event: Event | None = None,
) -> tuple[Gathered, CrawlSummary]:
    """Crawl start URLs of one host (or any list) in order, sharing what was seen.

    Args:
        start_urls: column, township, entry or report URLs.
        out_dir: the crawl folder (raw store + manifest.jsonl).
        options: hosts, limits, politeness.
        region: the region every file found belongs to.
        gates: per-host rate gates shared across threads.
        on_event: progress callback (kind, url).
    """
    with Crawler(out_dir, options, gates, on_event) as crawler:
        for url in start_urls:
            crawler.crawl(url, region)
    return crawler.gathered, crawler.summary


def crawl_many(
    start_urls: list[str],
    out_dir: str | Path,
    options: CrawlOptions | None = None,
    on_event: Event | None = None,
    workers: int = 4,
) -> tuple[Gathered, CrawlSummary]:
    """Crawl start URLs grouped by host, hosts in parallel threads; returns everything merged.

    Args:
        start_urls: column, township, entry or report URLs on any allowed hosts.
        out_dir: the crawl folder (raw store + manifest.jsonl).
        options: hosts, limits, politeness.
        on_event: progress callback (kind, url), called from the crawl threads.
        workers: hosts crawled at once.
    """
    options = options or CrawlOptions()
    gates = Gates(options.rate, options.concurrency)
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in start_urls:
        by_host[host_of(canonical_url(url))].append(url)
    gathered, summary = Gathered(), CrawlSummary()
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(by_host)))) as pool:
        futures = [
            pool.submit(crawl_site, urls, out_dir, options, None, gates, on_event)
            for urls in by_host.values()
        ]
        for fut in futures:
            g, s = fut.result()
            gathered.extend(g)
            summary.merge(s)
    return gathered, summary
