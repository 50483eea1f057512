"""Guangdong 政府信息公开目录平台 (gkmlpt): articles `/{site}/gkmlpt/content/{a}/{b}/post_{id}.html`.

Its column index is a script application that reads JSON from `/{site}/gkmlpt/api/all/{cat}?page=N`:
`{"articles": [{"url", "title", "first_publish_time" (epoch s) …}], "total": n}`. Such a JSON page is
read here; the next page is `page=N+1` while a page still brings articles.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from nianbao.sources.crawl.cms.base import Adapter, ListContext, Listing
from nianbao.sources.crawl.page import Link, clean
from nianbao.sources.crawl.urls import canonical_url

_API = re.compile(r"""["']([^"']*/gkmlpt/api/[^"']+)["']""")


class Gkmlpt(Adapter):
    """gkmlpt columns, HTML or JSON."""

    name = "gkmlpt"
    article = re.compile(r"/gkmlpt/content/\d+/\d+/post_\d+\.html", re.I)

    def claims(self, ctx: ListContext) -> bool:
        """gkmlpt when the URL is under /gkmlpt/."""
        return "/gkmlpt/" in ctx.url

    def next_pages(self, ctx: ListContext) -> list[str]:
        """The JSON API the index script names (when it names one), then the generic page links."""
        api = [canonical_url(m, ctx.url) for m in _API.findall(ctx.page.scripts)]
        return api + super().next_pages(ctx)


def json_listing(url: str, text: str) -> Listing | None:
    """A gkmlpt JSON page as a listing; None when the text is not such JSON."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested thousands deep
        return None
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list):
        return None
    items = []
    for a in articles:
        if not isinstance(a, dict) or not a.get("url"):
            continue
        stamp = a.get("first_publish_time") or a.get("publish_time")
        date = None
        if isinstance(stamp, int | float) and stamp > 0:
            date = datetime.fromtimestamp(stamp, UTC).date().isoformat()
        items.append(Link(canonical_url(str(a["url"]), url), clean(str(a.get("title") or "")), date))
    listing = Listing("gkmlpt", items)
    if items:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        query["page"] = str(int(query.get("page", "1") or 1) + 1)
        listing.next_pages.append(urlunsplit((*parts[:3], urlencode(query), "")))
    return listing
