"""The tasks: each a call or two into the library. Only the network fetch retries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from nianbao.analyst.compare import write_comparison
from nianbao.extractors import PARSER_VERSION
from nianbao.flows.isolation import Feed, Limits, pool_for
from nianbao.flows.summary import RunSummary
from nianbao.schemas import Report, SourceFacts
from nianbao.sources import Fetched, Gathered, Source, SourcesConfig, gather, gather_web, load_sources
from nianbao.sources.crawl.options import CrawlOptions

# Results stay in memory: the warehouse, not Prefect's cache, decides what is already done.
_TASK: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}


@task(**_TASK)
def discover(spec: str | list[str], allowed_hosts: tuple[str, ...], districts: list[str]) -> SourcesConfig:
    """Read sources.yaml (or bare folders/URLs), keeping only the districts asked for."""
    return load_sources(spec, allowed_hosts).only_districts(districts)


@task(**_TASK)
def ingest(source: Source, raw_dir: Path) -> Gathered:
    """Ingest a local folder or file."""
    return gather(source, raw_dir)


@task(
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
    task_run_name="crawl {host}",
    **_TASK,
)
def download(host: str, group: list[Source], raw_dir: Path, options: CrawlOptions) -> Gathered:
    """Crawl one host's sources (per-request retries inside; task retries for the rest); summary as artifact."""
    gathered, summary = gather_web(group, raw_dir, options)
    key = "crawl-" + "".join(c if c.isalnum() else "-" for c in host.lower())
    create_markdown_artifact(key=key, markdown=summary.to_markdown(), description=f"crawl of {host}")
    return gathered


@task(**_TASK)
def select_new(
    wh: Any, files: list[Fetched], regions: dict[str, dict[str, Any]], force: bool = False
) -> list[SourceFacts]:
    """Record every file as a source (with its region); keep those not loaded with this parser version.

    The format is not sniffed here: extraction sniffs it once and `load` records it from the report.
    """
    wh.record_sources([(f.location, f.sha256, f.size, None, regions.get(f.region or "")) for f in files])
    done = set() if force else wh.loaded([f.sha256 for f in files], PARSER_VERSION)
    return [f.facts() for f in files if f.sha256 not in done]


@task(**_TASK)
def extract_batch(files: list[SourceFacts], limits: Limits) -> list[Report]:
    """Extract and check a batch in a worker process, each file under `limits`; a bad file gives a
    failed Report. The template's single-report checks run in the worker (cross-year: the warehouse)."""
    return pool_for(limits).extract(files, check=True)


@task(task_run_name="extract and check", **_TASK)
def extract_stream(feed: Feed, limits: Limits, sink: Callable[[Report, bool], None]) -> int:
    """Drive one worker process over the shared `feed` until it is empty: each file extracted under
    `limits` and checked in the worker; every report goes to `sink(report, checked)` as it comes back.
    Returns how many files this task extracted."""
    return pool_for(limits).stream(feed, sink, check=True)


@task(**_TASK)
def load(wh: Any, reports: list[Report]) -> Any:
    """Load checked reports into the working warehouse (the single writer, in the flow's process)."""
    wh.record_sources([(r.source, r.sha256, None, r.format, None) for r in reports])  # the sniffed format
    return wh.load_isolating(reports, validated=True)  # checked after extraction; one may fail alone


@task(**_TASK)
def publish(wh: Any, snapshot: Path, exports: Path) -> dict[str, str]:
    """Publish the read-only snapshot, the comparison spreadsheet and the Parquet exports."""
    snap = wh.publish_snapshot(snapshot)
    xlsx = write_comparison(wh.con, exports / "comparison.xlsx")
    parquet = wh.export_parquet(exports / "parquet")
    return {
        "snapshot": str(snap),
        "comparison": str(xlsx),
        "parquet": f"{len(parquet)} files in {exports / 'parquet'}",
    }


@task(**_TASK)
def write_artifact(summary: RunSummary) -> None:
    """Attach the run summary to the flow run as a markdown artifact."""
    create_markdown_artifact(
        key=f"{summary.flow}-summary",
        markdown=summary.to_markdown(),
        description=f"nianbao {summary.flow} run summary",
    )
