"""The nightly flow: fetch every configured source, parse what is new, load, publish."""

from __future__ import annotations

from prefect import flow

from nianbao.flows.pipeline import run_pipeline
from nianbao.flows.runners import task_runner
from nianbao.flows.settings import Settings
from nianbao.flows.summary import RunSummary


@flow(name="nightly", task_runner=task_runner(Settings.build()), log_prints=True)
def nightly(source: str | list[str] | None = None, data_dir: str | None = None) -> RunSummary:
    """Discover sources → fetch/ingest → skip files already loaded → extract in batches → load → publish.

    Args:
        source: a sources.yaml, a folder, files or URLs (a list, or one string separated by spaces);
            default: the `source` setting.
        data_dir: where the warehouse, snapshot, exports and raw store live (default: `data_dir`).
    """
    settings = Settings.build({"data_dir": data_dir})
    return run_pipeline(settings, settings.spec(source), "nightly")
