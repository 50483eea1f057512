"""The shared run order of nightly, backfill and reprocess: discover → fetch → skip → extract → load → publish."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TypeVar, cast

from prefect.futures import as_completed
from prefect.utilities.annotations import quote

from nianbao.analyst.attention import attention_markdown
from nianbao.flows.isolation import close_pools
from nianbao.flows.settings import Settings
from nianbao.flows.summary import RunSummary, batches, notify
from nianbao.flows.tasks import (
    discover,
    download,
    extract_batch,
    ingest,
    load,
    publish,
    select_new,
    validate_batch,
    write_artifact,
)
from nianbao.schemas import Report, SourceFacts
from nianbao.sources import Gathered, SourcesConfig, by_host
from nianbao.sources.crawl.options import CrawlOptions

T = TypeVar("T")
# Prefect visits every parameter to track dependencies; reports hold thousands of cells, so skip that.
_quoted = cast(Callable[[T], T], quote)


def run_pipeline(
    settings: Settings,
    spec: str | list[str],
    flow_name: str,
    districts: list[str] | None = None,
    years: list[int] | None = None,
    force: bool = False,
) -> RunSummary:
    """Run every stage in order inside the calling flow; returns the summary (also an artifact).

    Args:
        settings: paths, workers, batch size, HTTP options.
        spec: a sources.yaml, a folder, files or URLs.
        flow_name: the flow this runs in (names the artifact).
        districts: only these districts' sources (names or codes); all when empty.
        years: only load reports of these years; all when empty.
        force: re-extract files even when already loaded with the current parser version.
    """
    from nianbao.warehouse import Warehouse
    from nianbao.warehouse.export import snapshot_readable

    summary = RunSummary(flow=flow_name)
    clock = time.perf_counter()
    config = discover(spec, settings.allowed_hosts, districts or [])
    gathered = fetch_all(config, settings)
    files = gathered.unique()
    summary.sources, summary.files_seen = len(config.sources), len(files)
    summary.add_failures(gathered.failures)
    summary.seconds["fetch"] = time.perf_counter() - clock
    settings.db.parent.mkdir(parents=True, exist_ok=True)
    wh = Warehouse(settings.db)
    try:
        wh.configure(config.region_rows())  # coverage knows every township, also those without files
        todo = select_new(wh, files, config.region_lookup(), force)  # crawled files name their township
        summary.to_parse, summary.skipped = len(todo), len(files) - len(todo)
        extract_and_load(wh, todo, config, settings, summary, years or [])
        if wh.loaded_keys:  # open findings of the reports loaded, as `nianbao findings` counts them
            summary.findings = wh.finding_counts(wh.loaded_keys)
        if summary.changed_anything or not snapshot_readable(settings.snapshot):  # missing or damaged
            clock = time.perf_counter()
            summary.outputs = publish(wh, settings.snapshot, settings.exports)
            summary.seconds["publish"] = time.perf_counter() - clock
        summary.attention = attention_markdown(wh.con)
    except BaseException:
        with contextlib.suppress(Exception):  # an invalidated database cannot close: keep the first error
            wh.close()
        raise
    else:
        wh.close()
    finally:
        close_pools()
    write_artifact(summary)
    return summary


def fetch_all(config: SourcesConfig, settings: Settings) -> Gathered:
    """Ingest folders and files, and crawl web sources with one task per host, all at once."""
    options = CrawlOptions(
        allowed_hosts=config.allowed_hosts + settings.allowed_hosts,
        timeout=settings.http_timeout,
        retries=settings.http_retries,
        backoff=settings.http_backoff,
        max_bytes=settings.max_download_mb * 1024 * 1024,
    )
    futures = [ingest.submit(s, settings.raw) for s in config.sources if s.is_local]
    futures += [
        download.submit(host, group, settings.raw, options)
        for host, group in by_host(list(config.sources)).items()
    ]
    out = Gathered()
    for i, fut in enumerate(futures, 1):
        out.extend(fut.result())
        notify("fetch", i, len(futures))
    return out


def extract_and_load(
    wh: object,
    todo: list[SourceFacts],
    config: SourcesConfig,
    settings: Settings,
    summary: RunSummary,
    years: list[int],
) -> None:
    """Extract batches in worker processes (or on Dask); validate and load the reports as they come.

    Loading stays in this process: the warehouse has a single writer. Reports are loaded
    `load_batch_size` at a time (and the rest at the end), each load one transaction: a run stopped
    in between keeps what was loaded, and the next run extracts the rest.
    """
    clock = time.perf_counter()
    limits = settings.limits()
    futures = [extract_batch.submit(batch, limits) for batch in batches(todo, settings.batch_size)]
    done = 0
    pending: list[Report] = []

    def flush() -> None:
        if pending:
            reports: list[Report] = validate_batch(_quoted(pending))
            summary.add_reports(reports)
            summary.add_load(load(wh, _quoted(reports)))
            pending.clear()

    notify("extract", 0, len(todo))
    for fut in as_completed(futures):
        reports = fut.result()
        kept = [r for r in reports if not years or r.year in years or r.status == "failed"]
        summary.out_of_range += len(reports) - len(kept)
        pending.extend(kept)
        if len(pending) >= settings.load_batch_size:
            flush()
        done += len(reports)
        notify("extract", done, len(todo))
    flush()
    summary.seconds["extract+load"] = time.perf_counter() - clock
