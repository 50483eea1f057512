"""How to crawl: hosts, politeness, limits. One frozen dataclass with named defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from nianbao.schemas.errors import UnknownSetting

USER_AGENT = "nianbao-crawler/0.2 (+https://github.com/nianbao/nianbao; annual-report archive; polite)"


@dataclass(frozen=True)
class CrawlOptions:
    """Crawl settings, checked when built.

    Args:
        allowed_hosts: hosts allowed besides *.gov.cn ("host" or "host:port"), also after redirects.
        timeout: seconds per connect/read; a body must also arrive within `total_timeout`.
        total_timeout: seconds for one whole response (a slow drip is cut off).
        retries: retries on timeouts, connection errors, 5xx and 429.
        backoff: seconds before the first retry; doubled each time (Retry-After is honoured up to 30 s).
        max_bytes: largest body kept; reading stops there, with or without Content-Length.
        max_pages: list pages followed per column (a page that brings nothing new ends paging first).
        max_fetches: requests per crawler (the start URLs of one host), all kinds together: the last
            bound of a runaway crawl.
        rate: requests per second per host (at most; robots.txt Crawl-delay can only slow it).
        concurrency: requests in flight per host at once.
        robots: read and obey robots.txt.
        discover: from an entry page, look for township columns (乡镇/街道 → 镇名 → 年报).
        user_agent: the identifying User-Agent sent with every request.
    """

    allowed_hosts: tuple[str, ...] = ()
    timeout: float = 20.0
    total_timeout: float = 120.0
    retries: int = 2
    backoff: float = 1.0
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 30
    max_fetches: int = 2000
    rate: float = 2.0
    concurrency: int = 2
    robots: bool = True
    discover: bool = True
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.concurrency < 1 or self.max_pages < 1 or self.max_bytes < 1:
            raise ValueError("rate, concurrency, max_pages and max_bytes must be positive")
        if self.retries < 0 or self.timeout <= 0:
            raise ValueError("retries must be >= 0 and timeout > 0")

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> CrawlOptions:
        """Options from a mapping; an unknown key raises `UnknownSetting` listing the valid ones."""
        valid = [f.name for f in fields(cls)]
        for key in values:
            if key not in valid:
                raise UnknownSetting(str(key), valid)
        if "allowed_hosts" in values:
            values = {**values, "allowed_hosts": tuple(values["allowed_hosts"])}
        return cls(**values)
