"""Find and fetch report files: local folders, URLs and portal list pages -> raw store + Fetched items."""

from nianbao.sources.config import Source, SourcesConfig, load_sources
from nianbao.sources.fetched import Fetched, FetchFailure, Gathered
from nianbao.sources.gather import by_host, gather, gather_web

__all__ = [
    "FetchFailure",
    "Fetched",
    "Gathered",
    "Source",
    "SourcesConfig",
    "by_host",
    "gather",
    "gather_web",
    "load_sources",
]
