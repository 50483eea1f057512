"""TRS WCM: articles `/{col}/{yyyymm}/t{yyyymmdd}_{id}.html`, pages `index.html`, `index_1.html`, …

The page count is written by a script call `createPageHTML(total, current, "index", "html")`; the next
page is `index_{current+1}.html` (page 0 is `index.html`).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from nianbao.sources.crawl.cms.base import Adapter, ListContext

_PAGER = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_COUNT = re.compile(r"var\s+countPage\s*=\s*(\d+)[\s\S]*?var\s+currentPage\s*=\s*(\d+)")


class Trs(Adapter):
    """TRS WCM columns."""

    name = "trs"
    article = re.compile(r"/t20\d{6}_\d+(?:_wap)?\.(?:s?html?)$", re.I)

    def claims(self, ctx: ListContext) -> bool:
        """TRS when the script pager is present or the page links TRS article URLs."""
        if _PAGER.search(ctx.page.scripts) or _COUNT.search(ctx.page.scripts):
            return True
        return sum(1 for lk in ctx.page.links if self.article.search(lk.url)) >= 1

    def next_pages(self, ctx: ListContext) -> list[str]:
        """The script pager's next page, then the generic page links."""
        out = []
        m = _PAGER.search(ctx.page.scripts)
        total = current = None
        if m:
            total, current, stem, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        elif c := _COUNT.search(ctx.page.scripts):
            total, current, stem, ext = int(c.group(1)), int(c.group(2)), "index", "html"
        if total is not None and current is not None and current + 1 < total:
            out.append(urljoin(ctx.url, f"{stem}_{current + 1}.{ext}"))
        return out + super().next_pages(ctx)
