"""Prefect 3 flows: thin orchestration over sources, extractors and the warehouse.

The flows are imported on first use, so that `nianbao.flows.settings` can be read (and PREFECT_HOME set)
before Prefect itself is imported.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["backfill", "nightly", "reprocess"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(f"{__name__}.{name}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
