"""The shared run order of nightly, backfill and reprocess: discover → fetch → skip → extract → load → publish."""

from __future__ import annotations

import contextlib
import queue
import time
from collections.abc import Callable
from typing import TypeVar, cast

from prefect.futures import as_completed
from prefect.utilities.annotations import quote

from nianbao.analyst.attention import attention_markdown
from nianbao.flows import stop
from nianbao.flows.isolation import Feed, checked_report, close_pools, stop_pools
from nianbao.flows.settings import Settings
from nianbao.flows.summary import RunSummary, batches, notify
from nianbao.flows.tasks import (
    discover,
    download,
    extract_batch,
    extract_stream,
    ingest,
    load,
    publish,
    select_new,
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
    with stop.polled():  # a Ctrl-C ends the run at the next check below, never inside a load
        stop.reclaim()  # SIGTERM too, which Prefect's flow engine takes over
        return _run(settings, spec, flow_name, districts or [], years or [], force)


def _run(
    settings: Settings,
    spec: str | list[str],
    flow_name: str,
    districts: list[str],
    years: list[int],
    force: bool,
) -> RunSummary:
    from nianbao.warehouse import Warehouse
    from nianbao.warehouse.export import snapshot_readable

    summary = RunSummary(flow=flow_name)
    clock = time.perf_counter()
    config = discover(spec, settings.allowed_hosts, districts)
    gathered = fetch_all(config, settings)
    files = gathered.unique()
    summary.sources, summary.files_seen = len(config.sources), len(files)
    summary.add_failures(gathered.failures)
    summary.seconds["fetch"] = time.perf_counter() - clock
    stop.check()
    settings.db.parent.mkdir(parents=True, exist_ok=True)
    wh = Warehouse(settings.db)
    try:
        wh.configure(config.region_rows())  # coverage knows every township, also those without files
        todo = select_new(wh, files, config.region_lookup(), force)  # crawled files name their township
        summary.to_parse, summary.skipped = len(todo), len(files) - len(todo)
        extract_and_load(wh, todo, config, settings, summary, years)
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
        stop.check()
    return out


def extract_and_load(
    wh: object,
    todo: list[SourceFacts],
    config: SourcesConfig,
    settings: Settings,
    summary: RunSummary,
    years: list[int],
) -> None:
    """Extract and check in worker processes while this process loads what has come back.

    With threads (the default), one task per worker takes files one at a time from a shared feed, so
    both cores extract to the last file, and each report is checked in its worker right after
    extraction. Loading stays in this process (the warehouse has a single writer) and overlaps the
    extraction: whatever has come back is loaded as soon as the previous load is done and enough is
    waiting, at most `load_batch_size` reports per load, each load one transaction. A run stopped in
    between keeps what was loaded, and the next run extracts the rest. On Dask, batches of
    `batch_size` files are extracted where Dask places them and loaded as they complete.
    """
    clock = time.perf_counter()
    loader = _Loader(wh, summary, years, settings.load_batch_size, len(todo))
    notify("extract", 0, len(todo))
    notify("load", 0, len(todo))
    if todo and _threaded():
        _stream(todo, settings, loader)
    elif todo:
        futures = [
            extract_batch.submit(batch, settings.limits()) for batch in batches(todo, settings.batch_size)
        ]
        with stop.on_stop(stop_pools):
            for fut in as_completed(futures):
                stop.check()
                loader.add([(r, True) for r in fut.result()])
                loader.flush(final=False)
    stop.check()
    loader.flush(final=True)
    summary.seconds["extract+load"] = time.perf_counter() - clock


def _threaded() -> bool:
    """True when this flow's tasks run in threads of this process (they can share a feed and a queue)."""
    from prefect.context import FlowRunContext
    from prefect.task_runners import ThreadPoolTaskRunner

    ctx = FlowRunContext.get()
    return ctx is not None and isinstance(ctx.task_runner, ThreadPoolTaskRunner)


def _stream(todo: list[SourceFacts], settings: Settings, loader: _Loader) -> None:
    """One extraction task per worker over a shared feed; reports are loaded as they come back."""
    feed = Feed(todo)
    came: queue.SimpleQueue[tuple[Report, bool]] = queue.SimpleQueue()

    def sink(report: Report, checked: bool) -> None:
        came.put((report, checked))

    with stop.on_stop(feed.stop), stop.on_stop(stop_pools):
        futures = [
            extract_stream.submit(_quoted(feed), settings.limits(), _quoted(sink))
            for _ in range(min(settings.workers, len(todo)))
        ]
        ended: list[object] = []  # tasks that returned or failed (asking .state would call the API)
        for f in futures:
            f.add_done_callback(ended.append)
        received = 0
        while received < len(todo):
            stop.check()
            try:
                got = [came.get(timeout=0.2)]
            except queue.Empty:
                stop.check()  # a stop ends the tasks too: it is not their failure
                if len(ended) == len(futures):
                    for f in futures:
                        f.result()  # a task that failed says why
                    if came.empty():
                        raise RuntimeError(
                            f"extraction ended with {len(todo) - received} files not extracted"
                        ) from None
                continue
            while not came.empty():
                got.append(came.get())
            received += len(got)
            loader.add(got)
            notify("extract", received, len(todo))
            loader.flush(final=False)


class _Loader:
    """Reports waiting to be loaded, loaded `load_batch_size` at most at a time (the single writer)."""

    def __init__(self, wh: object, summary: RunSummary, years: list[int], most: int, total: int) -> None:
        self.wh, self.summary, self.years, self.most, self.total = wh, summary, years, most, total
        self.least = max(1, most // 2)  # while extraction goes on: spread a load's fixed cost
        self.pending: list[Report] = []
        self.done = 0

    def add(self, got: list[tuple[Report, bool]]) -> None:
        """Keep reports (checked in the worker, or checked here), leaving out years not asked for."""
        for report, checked in got:
            if self.years and report.year not in self.years and report.status != "failed":
                self.summary.out_of_range += 1
                self.done += 1
                continue
            self.pending.append(report if checked else checked_report(report))

    def flush(self, final: bool) -> None:
        """Load what is waiting: all of it when `final`, else once at least half a load is waiting."""
        while self.pending and (final or len(self.pending) >= self.least):
            chunk, self.pending = self.pending[: self.most], self.pending[self.most :]
            self.summary.add_reports(chunk)
            self.summary.add_load(load(self.wh, _quoted(chunk)))
            self.done += len(chunk)
            notify("load", self.done, self.total)
            if not final:
                break  # back to the reports that came meanwhile
