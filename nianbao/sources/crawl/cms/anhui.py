"""Anhui 政务公开 platform: reports `/OpennessAnnualReport/show/{id}.html` (or `/XxgkAnnualReport/…`),
column lists `/XxgkContent/showList/{col}/0/page_{n}.html`; the next page is `page_{n+1}.html`.
"""

from __future__ import annotations

import re

from nianbao.sources.crawl.cms.base import Adapter, ListContext

_PAGE = re.compile(r"/page_(\d+)\.html$")


class Anhui(Adapter):
    """Anhui platform columns and annual-report lists."""

    name = "anhui"
    article = re.compile(r"/(?:Openness|Xxgk)AnnualReport/show/\d+\.html|/public/content/\d+", re.I)

    def claims(self, ctx: ListContext) -> bool:
        """Anhui when the URL is a showList page or the page links AnnualReport/show pages."""
        if "/showlist/" in ctx.url.lower() or "annualreport" in ctx.url.lower():
            return True
        return any(self.article.search(lk.url) for lk in ctx.page.links)

    def next_pages(self, ctx: ListContext) -> list[str]:
        """`page_{n+1}.html` after `page_{n}.html`, then the generic page links."""
        m = _PAGE.search(ctx.url)
        nxt = [_PAGE.sub(f"/page_{int(m.group(1)) + 1}.html", ctx.url)] if m else []
        return nxt + super().next_pages(ctx)
