"""URLs: one canonical spelling per page, the host allow-list, what a link points at, dates in paths.

Canonicalisation folds the mobile twins of TRS pages (`_wap.html`, `?isMobile=true`; cqsdj, suiyang in
publishing.md §2), fragments, default ports and host case, so each page is fetched once.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from nianbao.schemas.text import iso_date
from nianbao.sources.crawl.vocabulary import VOCAB

LinkKind = Literal["attachment", "image", "page"]

_MOBILE_PARAMS = {"ismobile", "mobile", "is_mobile", "wap"}
_WAP = re.compile(r"_wap(\.(?:s?html?|jhtml))$", re.I)
# Dates in article URLs: TRS /t20220118_…, Hanweb /art/2022/1/18/, /2022/01/18/ or /202201/18/ folders.
_URL_DATES = (
    re.compile(r"/t(20\d{2})(\d{2})(\d{2})_"),
    re.compile(r"/art/(20\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/(20\d{2})[-/](\d{1,2})[-/](\d{1,2})/"),
)


def canonical_url(url: str, base: str | None = None) -> str:
    """One spelling per page: absolute, lower-case scheme and host, no default port, fragment or mobile twin.

    Args:
        url: the URL as linked (may be relative when `base` is given).
        base: the page the link was on.
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = _WAP.sub(r"\1", parts.path or "/")
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _MOBILE_PARAMS]
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str:
    """`host` or `host:port` of a URL (the unit of politeness: rate limit, robots.txt)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def host_allowed(url: str, allowed_hosts: tuple[str, ...] = ()) -> bool:
    """True for http(s) URLs on gov.cn (or a subdomain) or on an allowed host ("host" or "host:port").

    Args:
        url: the URL to check.
        allowed_hosts: hosts allowed besides gov.cn; a host also allows its subdomains.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname.lower()
    with_port = host_of(url)
    for allowed in ("gov.cn", *allowed_hosts):
        a = allowed.lower()
        if with_port == a or (":" not in a and (host == a or host.endswith("." + a))):
            return True
    return False


def link_kind(url: str, text: str = "") -> LinkKind:
    """Whether a link points at an attachment, an image or a page (by its path, query or text suffix)."""
    path = unquote(urlsplit(url).path).lower()
    query = unquote(urlsplit(url).query).lower()
    label = text.strip().lower()
    for suf in VOCAB.attachment_suffixes:
        if path.endswith(suf) or re.search(re.escape(suf) + r"(&|$)", query) or label.endswith(suf):
            return "attachment"
    if path.endswith(VOCAB.image_suffixes):
        return "image"
    if any(t in text for t in VOCAB.attachment_link_text):
        return "attachment"
    return "page"


def safe_suffix(*names: str | None) -> str:
    """The first known document, image or page suffix among file names or URLs, else "" (never a path)."""
    known = (*VOCAB.attachment_suffixes, *VOCAB.image_suffixes)
    for name in names:
        if not name:
            continue
        leaf = unquote(urlsplit(name).path if "://" in name else name).replace("\\", "/").rsplit("/", 1)[-1]
        leaf = leaf.strip().strip('"').lower()
        for suf in known:
            if leaf.endswith(suf):
                return suf
    return ""


def date_in_url(url: str) -> str | None:
    """The ISO date a TRS (`/t20220118_…`), Hanweb (`/art/2022/1/18/`) or dated-folder URL carries."""
    for pattern in _URL_DATES:
        m = pattern.search(url)
        found = iso_date(*(int(g) for g in m.groups())) if m else None
        if found:
            return found
    return None
