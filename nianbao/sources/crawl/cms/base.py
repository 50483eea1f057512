"""What every CMS adapter gives for a list page: its candidate report links and its next list pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from nianbao.sources.crawl.page import Link, Page, year_in
from nianbao.sources.crawl.signals import is_report_column, looks_like_report
from nianbao.sources.crawl.urls import host_of, link_kind
from nianbao.sources.crawl.vocabulary import VOCAB

_DIGITS = re.compile(r"^\[?\d{1,4}\]?$")


@dataclass
class Listing:
    """A list page read by an adapter: report links (in page order) and the list pages that follow."""

    cms: str
    items: list[Link] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)


@dataclass
class ListContext:
    """Where a list page sits: its URL, page, and whether its column is known to hold reports."""

    url: str
    page: Page
    report_column: bool = False


class Adapter:
    """One CMS style. Subclasses say when they apply and add their own article and paging patterns."""

    name = "generic"
    article: re.Pattern[str] | None = None  # URL pattern of the CMS's article pages

    def claims(self, ctx: ListContext) -> bool:
        """True when this page is in the adapter's CMS style."""
        return True

    def listing(self, ctx: ListContext) -> Listing:
        """The page's report links and next pages (the generic reading, refined by subclasses)."""
        return Listing(self.name, self.items(ctx), self.next_pages(ctx))

    def items(self, ctx: ListContext) -> list[Link]:
        """Links that are reports: by their text, or any article link of a report column."""
        out: list[Link] = []
        for lk in ctx.page.links:
            if lk.url == ctx.url or is_paging(lk.text) or is_column_link(lk.text):
                continue
            if any(t in lk.text for t in VOCAB.not_report):
                continue
            if looks_like_report(lk.text, lk.url) or ctx.report_column and self.is_article(lk, ctx):
                out.append(lk)
        return out

    def is_article(self, link: Link, ctx: ListContext) -> bool:
        """True when a link looks like an article of this column (not navigation)."""
        if self.article is not None and self.article.search(link.url):
            return True
        if any(t in link.text for t in VOCAB.not_report) or len(link.text) < 6:
            return False
        # generic: an article linked with a date beside it, below the column's own folder
        same_column = host_of(link.url) == host_of(ctx.url) and urlsplit(link.url).path.startswith(
            _folder(ctx.url)
        )
        return link.date is not None and same_column

    def next_pages(self, ctx: ListContext) -> list[str]:
        """Next list pages: 下一页/尾页 links and page-number links that stay in the column."""
        out: list[str] = []
        for lk in ctx.page.links:
            text = lk.text.strip()
            if lk.url == ctx.url or link_kind(lk.url) != "page":
                continue
            paging = text.lower() in VOCAB.next_page or text in VOCAB.last_page or bool(_DIGITS.match(text))
            if paging and _sibling(lk.url, ctx.url):
                out.append(lk.url)
        return out


def is_column_link(text: str) -> bool:
    """True for a menu entry naming a 年报 column (政府信息公开年报): a column, not a report."""
    return len(text) <= 16 and year_in(text) is None and is_report_column(text)


def is_paging(text: str) -> bool:
    """True for a pagination link's text (下一页, 尾页, a page number)."""
    t = text.strip()
    vocab = (*VOCAB.next_page, *VOCAB.last_page, *VOCAB.first_page, *VOCAB.previous_page)
    return t.lower() in vocab or bool(_DIGITS.match(t))


def _folder(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[0] + "/"


def _sibling(a: str, b: str) -> bool:
    """Same host, and the same folder or the same path with another query (how page links look)."""
    pa, pb = urlsplit(a), urlsplit(b)
    if host_of(a) != host_of(b):
        return False
    return pa.path == pb.path or _folder(a) == _folder(b) or pa.path.startswith(_folder(b))
