"""Find and fetch report files: local folders, URLs and portal list pages -> raw store + Fetched items."""

from sources.config import Source, SourcesConfig, load_sources
from sources.fetched import Fetched, FetchFailure, Gathered
from sources.gather import gather

__all__ = ["FetchFailure", "Fetched", "Gathered", "Source", "SourcesConfig", "gather", "load_sources"]
