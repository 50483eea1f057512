"""The reprocess flow: re-extract after a parser change, or for chosen reports."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from nianbao.flows.pipeline import run_pipeline
from nianbao.flows.runners import task_runner
from nianbao.flows.settings import Settings
from nianbao.flows.summary import RunSummary
from nianbao.sources.store import RawStore


@task(cache_policy=NO_CACHE, persist_result=False)
def locate(raw_dir: str, report_ids: list[str]) -> list[str]:
    """The raw-store files of the given sha256 ids (or unique prefixes of at least 8 digits)."""
    return [str(p) for p in RawStore(raw_dir).locate(report_ids)]


@flow(name="reprocess", task_runner=task_runner(Settings.build()), log_prints=True)
def reprocess(
    paths: list[str] | None = None,
    report_ids: list[str] | None = None,
    source: str | list[str] | None = None,
    data_dir: str | None = None,
) -> RunSummary:
    """Re-extract and reload reports.

    With no paths or ids, every configured source is re-read and whatever is not loaded with the
    current `PARSER_VERSION` is extracted again (the way to roll out a parser change). With paths
    (files or folders) or report ids (sha256), exactly those are re-extracted, even if current.

    Args:
        paths: files or folders to re-extract.
        report_ids: sha256 digests (or prefixes) of files in the raw store.
        source: the sources when no paths or ids are given (default: the `source` setting).
        data_dir: the data folder (default: `data_dir`).
    """
    settings = Settings.build({"data_dir": data_dir})
    chosen = list(paths or []) + (locate(str(settings.raw), report_ids) if report_ids else [])
    if chosen:
        return run_pipeline(settings, chosen, "reprocess", force=True)
    return run_pipeline(settings, settings.spec(source), "reprocess")
