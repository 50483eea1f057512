"""Prefect 3 flows: thin orchestration over sources, extractors and the warehouse."""

from flows.backfill import backfill
from flows.nightly import nightly
from flows.reprocess import reprocess

__all__ = ["backfill", "nightly", "reprocess"]
