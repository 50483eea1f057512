"""Former home of the one-page crawler; kept as the names other packages import. See sources.crawl."""

from __future__ import annotations

from sources.crawl.fetcher import FetchFailed
from sources.crawl.options import CrawlOptions as HttpOptions
from sources.crawl.urls import canonical_url, host_allowed

__all__ = ["FetchFailed", "HttpOptions", "canonical_url", "host_allowed"]
