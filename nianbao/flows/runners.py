"""Task runners: a bounded thread pool by default, Dask (local cluster or a scheduler) to scale out.

With threads, each running extraction task drives one worker process (flows/isolation.py), so
`workers` threads keep `workers` processes busy; the threads themselves only wait on pipes.
"""

from __future__ import annotations

from typing import Any

from prefect.task_runners import ThreadPoolTaskRunner

from nianbao.flows.settings import Settings


def task_runner(settings: Settings, dask: bool = False) -> Any:
    """The task runner for a run: Dask when asked or when `dask_address` is set, else threads.

    Args:
        settings: `workers` bounds the pool (or the LocalCluster); `dask_address` names a scheduler.
        dask: use a Dask LocalCluster of `workers` single-threaded workers.
    """
    if dask or settings.dask_address:
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": settings.workers,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": ":0",
            }
        )
    return ThreadPoolTaskRunner(max_workers=settings.workers)
