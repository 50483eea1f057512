"""CMS adapters: one per CMS style (never per city), tried in order; the generic reading comes last."""

from __future__ import annotations

from nianbao.sources.crawl.cms.anhui import Anhui
from nianbao.sources.crawl.cms.base import Adapter, ListContext, Listing
from nianbao.sources.crawl.cms.generic import Generic
from nianbao.sources.crawl.cms.gkmlpt import Gkmlpt, json_listing
from nianbao.sources.crawl.cms.hanweb import Hanweb, HanwebAnnual
from nianbao.sources.crawl.cms.trs import Trs

ADAPTERS: tuple[Adapter, ...] = (HanwebAnnual(), Gkmlpt(), Anhui(), Hanweb(), Trs(), Generic())


def read_listing(ctx: ListContext) -> Listing:
    """The listing of a list page by the first adapter that claims it (the generic one claims all)."""
    adapter = next(a for a in ADAPTERS if a.claims(ctx))
    listing = adapter.listing(ctx)
    seen: set[str] = set()
    listing.items = [lk for lk in listing.items if not (lk.url in seen or seen.add(lk.url))]  # type: ignore[func-returns-value]
    listing.next_pages = [u for u in dict.fromkeys(listing.next_pages) if u != ctx.url]
    return listing


__all__ = ["ADAPTERS", "ListContext", "Listing", "json_listing", "read_listing"]
