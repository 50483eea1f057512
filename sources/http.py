"""Reports on the web: fetch URLs and crawl a portal column (list page) for 年报 pages and attachments.

Only hosts on the allow-list are touched (*.gov.cn plus configured hosts): mirrors and spam domains
serve copies of real reports (publishing.md §5). URLs are canonicalised so that the `_wap.html` and
`?isMobile=true` twins of TRS pages (cqsdj, suiyang) are fetched once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

import httpx

from sources.fetched import Fetched, FetchFailure, Gathered
from sources.store import RawStore

ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx")
# Column and page tokens seen in report URLs (publishing.md §1); matched case-insensitively.
URL_TOKENS = ("zfxxgknb", "xxgknb", "gknb", "ndbg", "nb_", "annualreport", "year_details")
TEXT_TOKENS = ("年报", "年度报告", "年度工作报告")
NEXT_PAGE_TEXT = ("下一页", "下页")
_MOBILE_PARAMS = {"ismobile", "mobile"}
_URL_DATE = re.compile(r"/t(20\d{2})(\d{2})(\d{2})_|/art/(20\d{2})/(\d{1,2})/(\d{1,2})/")
_TRANSIENT = (httpx.TransportError,)  # connect/read errors and timeouts


class FetchFailed(Exception):
    """A URL that gave no file: HTTP error, refused host, too large, or unreachable after retries."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class HttpOptions:
    """How to fetch: hosts allowed besides *.gov.cn, timeout, retries with backoff, size limit."""

    allowed_hosts: tuple[str, ...] = ()
    timeout: float = 20.0
    retries: int = 2
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 5  # list pages followed through 下一页 links
    user_agent: str = "nianbao/0.1 (+https://github.com/nianbao)"


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, fragment, `_wap` or isMobile."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = re.sub(r"_wap(\.s?html?)$", r"\1", parts.path or "/")
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _MOBILE_PARAMS]
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def host_allowed(url: str, allowed_hosts: tuple[str, ...] = ()) -> bool:
    """True for http(s) URLs on gov.cn (or a subdomain) or on a configured host ("host" or "host:port")."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname.lower()
    with_port = f"{host}:{parts.port}" if parts.port else host
    for allowed in ("gov.cn", *allowed_hosts):
        a = allowed.lower()
        if with_port == a or host == a or host.endswith("." + a):
            return True
    return False


def is_attachment(url: str) -> bool:
    """True when the URL path ends in a document suffix (.pdf .doc .docx .wps .xls .xlsx)."""
    return urlsplit(url).path.lower().endswith(ATTACHMENT_SUFFIXES)


def looks_like_report(text: str, url: str) -> bool:
    """True when a link's text or URL looks like a 政府信息公开年报 (and not its 解读 twin)."""
    if "解读" in text:
        return False
    lowered = unquote(url).lower()
    return any(t in text for t in TEXT_TOKENS) or any(t in lowered for t in URL_TOKENS)


def published_from_url(url: str) -> str | None:
    """The publication date a TRS (`/t20220118_…`) or Hanweb (`/art/2022/1/18/`) URL carries, ISO."""
    m = _URL_DATE.search(url)
    if not m:
        return None
    y, mo, d = [g for g in m.groups() if g is not None]
    return f"{y}-{int(mo):02d}-{int(d):02d}"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def page_links(html: str, base_url: str) -> list[tuple[str, str]]:
    """The (absolute URL, link text) pairs of a page, in order."""
    parser = _Links()
    parser.feed(html)
    out = []
    for href, text in parser.links:
        if href and not href.lower().startswith(("javascript:", "mailto:", "#")):
            out.append((urljoin(base_url, href), text))
    return out


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Page bytes as text: the declared or <meta> charset, else UTF-8, else GB18030."""
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:4096])
    for enc in (declared, m.group(1).decode() if m else None, "utf-8", "gb18030"):
        if not enc:
            continue
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


class Fetcher:
    """Downloads allowed URLs into the raw store, with timeouts, retries with backoff and a size limit.

    Args:
        store: where downloaded files go (named by sha256).
        options: allow-list, timeout, retries, backoff, size limit.
    """

    def __init__(self, store: RawStore, options: HttpOptions | None = None) -> None:
        self.store = store
        self.options = options or HttpOptions()
        self._client = httpx.Client(
            timeout=self.options.timeout,
            follow_redirects=False,
            headers={"User-Agent": self.options.user_agent},
        )

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def download(self, url: str, region: str | None = None, title: str | None = None) -> Fetched:
        """Fetch one URL into the raw store; raises `FetchFailed`."""
        url = canonical_url(url)
        path, digest, size, final = self._get(url)
        return Fetched(
            location=final,
            path=str(path),
            sha256=digest,
            size=size,
            title=title,
            published=published_from_url(final),
            region=region,
        )

    def fetch_text(self, url: str) -> tuple[str, str]:
        """Fetch an HTML page; returns (final URL, text). Raises `FetchFailed`."""
        path, _, _, final = self._get(canonical_url(url))
        return final, decode_html(path.read_bytes())

    def crawl(self, list_url: str, region: str | None = None) -> Gathered:
        """Crawl a portal column: report pages and attachments linked from it (and from its next pages).

        A report page is stored as HTML (inline tables are the norm) and its attachments are downloaded
        too. A broken link is a `FetchFailure`, never an exception; an unreachable list page gives one.
        """
        out = Gathered()
        seen: set[str] = set()
        for page_url, html in self._list_pages(list_url, out):
            for link, text in page_links(html, page_url):
                if looks_like_report(text, link) or is_attachment(link):
                    self._take(link, text or None, region, out, seen, follow=not is_attachment(link))
        return out

    def _list_pages(self, list_url: str, out: Gathered) -> Iterator[tuple[str, str]]:
        url: str | None = list_url
        visited: set[str] = set()
        while url and canonical_url(url) not in visited and len(visited) < self.options.max_pages:
            visited.add(canonical_url(url))
            try:
                final, html = self.fetch_text(url)
            except FetchFailed as exc:
                out.failures.append(FetchFailure(exc.url, exc.reason))
                return
            yield final, html
            url = next((u for u, t in page_links(html, final) if t in NEXT_PAGE_TEXT), None)

    def _take(
        self, url: str, title: str | None, region: str | None, out: Gathered, seen: set[str], follow: bool
    ) -> None:
        url = canonical_url(url)
        if url in seen:
            return
        seen.add(url)
        if not host_allowed(url, self.options.allowed_hosts):
            out.failures.append(FetchFailure(url, "host not on the allow-list", region))
            return
        try:
            fetched = self.download(url, region, title)
        except FetchFailed as exc:
            out.failures.append(FetchFailure(exc.url, exc.reason, region))
            return
        out.fetched.append(fetched)
        if follow:
            html = decode_html(Path(fetched.path).read_bytes())
            for link, text in page_links(html, fetched.location):
                if is_attachment(link):
                    self._take(link, text or title, region, out, seen, follow=False)

    def _get(self, url: str) -> tuple[Path, str, int, str]:
        """GET with redirects checked against the allow-list, retries on transient errors and 5xx."""
        for _hop in range(5):
            if not host_allowed(url, self.options.allowed_hosts):
                raise FetchFailed(url, "host not on the allow-list")
            result = self._get_once_with_retries(url)
            if isinstance(result, str):
                url = canonical_url(result)
                continue
            path, digest, size = result
            return path, digest, size, url
        raise FetchFailed(url, "too many redirects")

    def _get_once_with_retries(self, url: str) -> tuple[Path, str, int] | str:
        delay = self.options.backoff
        for attempt in range(self.options.retries + 1):
            try:
                return self._get_once(url)
            except (_Retry, *_TRANSIENT) as exc:
                if attempt == self.options.retries:
                    reason = (
                        exc.reason
                        if isinstance(exc, _Retry)
                        else f"unreachable ({type(exc).__name__}: {exc})"
                    )
                    raise FetchFailed(url, f"{reason} after {attempt + 1} attempts") from exc
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _get_once(self, url: str) -> tuple[Path, str, int] | str:
        with self._client.stream("GET", url) as resp:
            if resp.is_redirect and "location" in resp.headers:
                return urljoin(url, resp.headers["location"])
            if resp.status_code >= 500 or resp.status_code == 429:
                raise _Retry(f"HTTP {resp.status_code}")
            if resp.status_code >= 400:
                raise FetchFailed(url, f"HTTP {resp.status_code}")
            declared = int(resp.headers.get("content-length") or 0)
            if declared > self.options.max_bytes:
                raise FetchFailed(url, f"{declared} bytes, over the {self.options.max_bytes} byte limit")
            suffix = _suffix(url, resp.headers.get("content-type", ""))
            return self.store.put_bytes(self._limited(resp, url), suffix)

    def _limited(self, resp: httpx.Response, url: str) -> Iterator[bytes]:
        total = 0
        for chunk in resp.iter_bytes():
            total += len(chunk)
            if total > self.options.max_bytes:
                raise FetchFailed(url, f"over the {self.options.max_bytes} byte limit")
            yield chunk


class _Retry(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _suffix(url: str, content_type: str) -> str:
    path = urlsplit(url).path.lower()
    for suf in (*ATTACHMENT_SUFFIXES, ".html", ".htm", ".shtml", ".txt"):
        if path.endswith(suf):
            return ".html" if suf in (".htm", ".shtml") else suf
    if "html" in content_type or not content_type or path.endswith("/"):
        return ".html"
    if "pdf" in content_type:
        return ".pdf"
    return ""
