"""The backfill flow: load past years for chosen districts."""

from __future__ import annotations

from prefect import flow

from nianbao.flows.pipeline import run_pipeline
from nianbao.flows.runners import task_runner
from nianbao.flows.settings import Settings
from nianbao.flows.summary import RunSummary


@flow(name="backfill", task_runner=task_runner(Settings.build()), log_prints=True)
def backfill(
    years: list[int],
    districts: list[str] | None = None,
    source: str | list[str] | None = None,
    data_dir: str | None = None,
) -> RunSummary:
    """Fetch the districts' sources and load the reports of the given years (others are left out).

    Args:
        years: report years to load, e.g. [2019, 2020].
        districts: district names or codes from sources.yaml; all when empty.
        source: a sources.yaml or folder (default: the `source` setting).
        data_dir: the data folder (default: `data_dir`).
    """
    settings = Settings.build({"data_dir": data_dir})
    return run_pipeline(settings, settings.spec(source), "backfill", districts=districts, years=years)
