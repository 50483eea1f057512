"""HTTP for the crawler: allowed hosts (checked at every redirect), robots.txt, per-host rate limit and
concurrency cap, retries with backoff, conditional GET, a size limit that stops reading early, no proxies.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from nianbao.sources.crawl.names import disposition_name
from nianbao.sources.crawl.options import CrawlOptions
from nianbao.sources.crawl.polite import Gates, Robots
from nianbao.sources.crawl.urls import canonical_url, host_allowed, host_of, safe_suffix
from nianbao.sources.store import RawStore

log = logging.getLogger("nianbao.sources.crawl")
_KEPT_HEADERS = ("content-type", "content-length", "content-disposition", "etag", "last-modified", "date",
                 "server", "content-encoding")  # fmt: skip


class FetchFailed(Exception):
    """A URL that gave no body: refused host, robots.txt, HTTP error, too large, unreachable after retries."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass
class Response:
    """What one GET gave: the final URL after redirects, status, kept headers, and the stored body.

    `not_modified` is True for a 304 answer to a conditional GET (then `path` and `sha256` are None).
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    sha256: str | None = None
    size: int = 0
    not_modified: bool = False

    def body(self) -> bytes:
        """The stored bytes (empty for a 304)."""
        return self.path.read_bytes() if self.path else b""


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.wait = reason, wait


class Fetcher:
    """GETs URLs into the raw store, politely and safely (see module doc).

    Args:
        store: where bodies go, named by sha256 (never by a name the server chose).
        options: hosts, limits, rate, retries.
        gates: per-host rate/concurrency gates to share with other fetchers of the same process.
    """

    def __init__(
        self, store: RawStore, options: CrawlOptions | None = None, gates: Gates | None = None
    ) -> None:
        self.store = store
        self.options = options or CrawlOptions()
        self.gates = gates or Gates(self.options.rate, self.options.concurrency)
        self.requests = 0
        self._client = httpx.Client(
            timeout=self.options.timeout,
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: nothing goes through another host
            headers={"User-Agent": self.options.user_agent, "Accept-Encoding": "identity"},
        )
        self.robots = Robots(self._robots_txt, self.options.user_agent)

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET one URL, following redirects on allowed hosts only; raises `FetchFailed`.

        Args:
            url: the URL (canonicalised here).
            etag: the ETag of the copy we hold (sent as If-None-Match).
            last_modified: its Last-Modified (sent as If-Modified-Since).
        """
        first = url = canonical_url(url)
        for _hop in range(6):
            self._check(url)
            result = self._with_retries(url, etag, last_modified)
            if isinstance(result, str):
                url = canonical_url(result)
                continue
            result.url = first
            return result
        raise FetchFailed(first, "too many redirects")

    def _check(self, url: str) -> None:
        if not host_allowed(url, self.options.allowed_hosts):
            raise FetchFailed(url, f"host {host_of(url) or '?'} not on the allow-list")
        if self.options.robots:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if not self.robots.allowed(origin, url):
                note = self.robots.notes.get(origin)
                raise FetchFailed(url, note or "disallowed by robots.txt")
            delay = self.robots.crawl_delay(origin)
            if delay:
                self.gates(host_of(url)).slow_down(min(delay, 30.0))

    def _robots_txt(self, url: str) -> tuple[int, str]:
        for attempt in range(self.options.retries + 1):
            try:
                with self.gates(host_of(url)).turn():
                    self.requests += 1
                    resp = self._client.get(url)
                if resp.status_code >= 500 and attempt < self.options.retries:
                    time.sleep(self.options.backoff * 2**attempt)
                    continue
                if resp.status_code >= 300:  # a redirected robots.txt is read as missing
                    return (resp.status_code if resp.status_code >= 400 else 404), ""
                return resp.status_code, resp.content[:500_000].decode("utf-8", "replace")
            except httpx.HTTPError as exc:
                if attempt == self.options.retries:
                    raise OSError(f"unreachable ({type(exc).__name__}) after {attempt + 1} attempts") from exc
                time.sleep(self.options.backoff * 2**attempt)
        raise OSError("unreachable")

    def _with_retries(self, url: str, etag: str | None, last_modified: str | None) -> Response | str:
        delay = self.options.backoff
        for attempt in range(self.options.retries + 1):
            try:
                return self._once(url, etag, last_modified)
            except (_Retry, httpx.TransportError) as exc:
                reason = exc.reason if isinstance(exc, _Retry) else f"unreachable ({type(exc).__name__})"
                if attempt == self.options.retries:
                    log.warning("%s: %s after %d attempts", url, reason, attempt + 1)
                    raise FetchFailed(url, f"{reason} after {attempt + 1} attempts") from exc
                wait = exc.wait if isinstance(exc, _Retry) and exc.wait is not None else delay
                log.info("%s: %s; retry %d in %.2f s", url, reason, attempt + 1, wait)
                time.sleep(wait)
                delay *= 2
        raise AssertionError("unreachable")

    def _once(self, url: str, etag: str | None, last_modified: str | None) -> Response | str:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with self.gates(host_of(url)).turn():
            self.requests += 1
            with self._client.stream("GET", url, headers=headers) as resp:
                return self._read(url, resp)

    def _read(self, url: str, resp: httpx.Response) -> Response | str:
        kept = {k: v for k, v in resp.headers.items() if k.lower() in _KEPT_HEADERS}
        status = resp.status_code
        if resp.is_redirect and "location" in resp.headers:
            return urljoin(url, resp.headers["location"])
        if status == 304:
            return Response(url, url, status, kept, not_modified=True)
        if status >= 500 or status == 429:
            raise _Retry(
                f"HTTP {status}", _retry_after(resp.headers.get("retry-after"), self.options.backoff)
            )
        if status >= 400:
            raise FetchFailed(url, f"HTTP {status}")
        declared = resp.headers.get("content-length", "")
        limit = self.options.max_bytes
        if declared.isdigit() and int(declared) > limit:
            raise FetchFailed(url, f"too large: {declared} bytes declared, limit {limit}")
        raw_cd = next((v for k, v in resp.headers.raw if k.lower() == b"content-disposition"), None)
        name = disposition_name(raw_cd)
        if name:
            kept["content-disposition-name"] = name
        suffix = safe_suffix(name, url) or _suffix_for(resp.headers.get("content-type", ""))
        path, digest, size = self.store.put_bytes(self._limited(resp, url), suffix)
        return Response(url, url, status, kept, path, digest, size)

    def _limited(self, resp: httpx.Response, url: str) -> Iterator[bytes]:
        total, start = 0, time.monotonic()
        for chunk in resp.iter_bytes():
            total += len(chunk)
            if total > self.options.max_bytes:
                raise FetchFailed(url, f"too large: over {self.options.max_bytes} bytes, reading stopped")
            if time.monotonic() - start > self.options.total_timeout:
                raise _Retry(f"body not complete within {self.options.total_timeout:g} s")
            yield chunk


def _retry_after(value: str | None, backoff: float) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return max(backoff, min(seconds, 30.0))


def _suffix_for(content_type: str) -> str:
    ct = content_type.lower()
    if "html" in ct or not ct:
        return ".html"
    for token, suffix in (("pdf", ".pdf"), ("msword", ".doc"), ("wordprocessingml", ".docx"),
                          ("spreadsheetml", ".xlsx"), ("ms-excel", ".xls"), ("zip", ".zip"),
                          ("png", ".png"), ("jpeg", ".jpg"), ("gif", ".gif"), ("json", ".json"),
                          ("text/plain", ".txt"), ("xml", ".xml")):  # fmt: skip
        if token in ct:
            return suffix
    return ""
