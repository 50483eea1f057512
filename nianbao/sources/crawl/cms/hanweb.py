"""Hanweb (大汉) jcms: columns `/col/col{id}/index.html` (lists inside `<record><![CDATA[…]]>`, paged by
`pageNum=`), articles `/art/{y}/{m}/{d}/art_{col}_{id}.html`; and the Hanweb annual-report module
`/module/xxgk/xxgkAnnualReport.jsp?area={org}&fbtime={year}`, one page per (unit, year).
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from nianbao.sources.crawl.cms.base import Adapter, ListContext
from nianbao.sources.crawl.page import Link


class Hanweb(Adapter):
    """Hanweb jcms columns."""

    name = "hanweb"
    article = re.compile(r"/art/20\d{2}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html", re.I)

    def claims(self, ctx: ListContext) -> bool:
        """Hanweb when the URL is a /col/col{id}/ column or the page links /art/ articles."""
        if re.search(r"/col/col\d+/", ctx.url):
            return True
        return any(self.article.search(lk.url) for lk in ctx.page.links)


class HanwebAnnual(Adapter):
    """Hanweb's annual-report module: every (area, fbtime) link is a report page of that year."""

    name = "hanweb-annual"
    article = re.compile(r"xxgkAnnualReport\.jsp\?.*fbtime=", re.I)

    def claims(self, ctx: ListContext) -> bool:
        """Annual-report module when the page links xxgkAnnualReport.jsp pages."""
        return any(self.article.search(lk.url) for lk in ctx.page.links)

    def items(self, ctx: ListContext) -> list[Link]:
        """Module links, each with the year its fbtime names; then the generic items."""
        out = []
        for lk in ctx.page.links:
            if self.article.search(lk.url) and lk.url != ctx.url:
                fbtime = parse_qs(urlsplit(lk.url).query).get("fbtime", [""])[0]
                year = int(fbtime[:4]) if fbtime[:4].isdigit() else None
                out.append(replace(lk, year=year))
        seen = {lk.url for lk in out}
        return out + [lk for lk in super().items(ctx) if lk.url not in seen]
