"""One call per source: a folder, file, URL or portal page in, a `Gathered` (files + failures) out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nianbao.sources.config import Source
from nianbao.sources.crawl import Crawler, CrawlOptions, CrawlSummary
from nianbao.sources.crawl.polite import Gates
from nianbao.sources.crawl.urls import canonical_url, host_of
from nianbao.sources.fetched import FetchFailure, Gathered
from nianbao.sources.folder import NO_REPORT_FILES, ingest, iter_folder, iter_glob
from nianbao.sources.store import RawStore


def gather(
    source: Source, raw_dir: str | Path, options: CrawlOptions | None = None, gates: Gates | None = None
) -> Gathered:
    """Fetch or ingest everything one source points at; failures are returned, never raised.

    A URL or list page is crawled (sources.crawl) into `raw_dir`, which then holds the manifest too.
    A township's source gives its region to every file; a district's portal gives each file the
    township the crawler attributed it to (else the district).

    Args:
        source: the folder, file, URL or portal page, with its region.
        raw_dir: the raw store folder downloads (and copies of local files) go to.
        options: the crawl's hosts, limits and politeness.
        gates: per-host rate gates shared with other sources crawled in this process.
    """
    return _gather(source, raw_dir, options, gates)[0]


def gather_web(
    sources: list[Source], raw_dir: str | Path, options: CrawlOptions | None = None
) -> tuple[Gathered, CrawlSummary]:
    """Crawl web sources (usually all of one host) one after another; files, failures and the summary.

    Args:
        sources: URL and list-page sources.
        raw_dir: the crawl folder (raw store + manifest.jsonl).
        options: the crawl's hosts, limits and politeness.
    """
    out, summary = Gathered(), CrawlSummary()
    gates = Gates((options or CrawlOptions()).rate, (options or CrawlOptions()).concurrency)
    for source in sources:
        got, part = _gather(source, raw_dir, options, gates)
        out.extend(got)
        summary.merge(part)
    return out, summary


def by_host(sources: list[Source]) -> dict[str, list[Source]]:
    """Web sources grouped by host (`host` or `host:port`), in first-seen order: one crawl task each."""
    groups: dict[str, list[Source]] = {}
    for s in sources:
        if not s.is_local:
            groups.setdefault(host_of(canonical_url(s.location)), []).append(s)
    return groups


def _gather(
    source: Source, raw_dir: str | Path, options: CrawlOptions | None, gates: Gates | None
) -> tuple[Gathered, CrawlSummary]:
    store = RawStore(raw_dir)
    out = Gathered()
    summary = CrawlSummary()
    try:
        if source.kind == "folder":
            if not Path(source.location).is_dir():
                return Gathered(
                    failures=[FetchFailure(source.location, "folder not found", source.region)]
                ), summary
            out.add(iter_folder(source.location, source.region, store))
            if not out.fetched and not out.failures:  # an empty folder is said, not passed in silence
                out.failures.append(FetchFailure(source.location, NO_REPORT_FILES, source.region))
        elif source.kind == "file":
            out.add([ingest(source.location, source.region, store)])
        elif source.kind == "glob":
            out.add(iter_glob(source.location, source.region, store))
        else:
            township_level = source.level != "district"
            with Crawler(raw_dir, options, gates) as crawler:
                try:
                    got = crawler.crawl(source.location, source.region if township_level else None)
                except Exception as exc:  # what no page-level guard caught: keep what was found so far
                    got = crawler.gathered
                    reason = f"crawl stopped ({type(exc).__name__}: {exc})"
                    got.failures.append(FetchFailure(source.location, reason, source.region))
            summary = crawler.summary
            got.fetched = [f if f.region else replace(f, region=source.region) for f in got.fetched]
            out.extend(got)
    except OSError as exc:
        out.failures.append(FetchFailure(source.location, f"cannot read: {exc}", source.region))
    return out, summary
