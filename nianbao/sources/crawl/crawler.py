"""The crawler: columns (list pages, paged until a page brings nothing new or the cap), report pages and
everything they carry (attachments, body images, frames), district discovery, manifest and raw store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from nianbao.extractors.decode import decode_page
from nianbao.schemas.text import parse_date
from nianbao.sources.crawl.cms import ListContext, Listing, json_listing, read_listing
from nianbao.sources.crawl.discover import attribute, report_columns, township_columns, township_links
from nianbao.sources.crawl.fetcher import Fetcher, FetchFailed, Response
from nianbao.sources.crawl.manifest import Manifest, Record
from nianbao.sources.crawl.options import CrawlOptions
from nianbao.sources.crawl.page import Link, Page, clean, parse_page, year_in
from nianbao.sources.crawl.polite import Gates
from nianbao.sources.crawl.signals import is_report_column, looks_like_report
from nianbao.sources.crawl.summary import CrawlSummary
from nianbao.sources.crawl.urls import canonical_url, date_in_url, link_kind
from nianbao.sources.crawl.vocabulary import VOCAB
from nianbao.sources.fetched import Fetched, FetchFailure, Gathered
from nianbao.sources.store import RawStore

log = logging.getLogger("nianbao.sources.crawl")
Event = Callable[[str, str], None]  # (kind, url): list, report, attachment, image, frame, skipped, failed …
SUBCOLUMN_MAX_CHARS = 2000  # a list of report titles; a report's own text (with its tables) is longer
_POLICY = ("host ", "disallowed by robots.txt")  # skipped by rule; everything else is a failure


@dataclass(frozen=True)
class Context:
    """What is known where a link was found: the region asked for and the township column it sits in."""

    region: str | None = None
    township: str | None = None
    column: str | None = None  # the 年报 column's name (link text), when known
    found: bool = False  # reached by discovery (no further discovery from here)


@dataclass(frozen=True)
class Inherit:
    """What the parts of a report page (attachments, images, frames) take over from the page."""

    issuer: str | None = None
    year: int | None = None
    published: str | None = None
    township: str | None = None
    township_from: str | None = None


@dataclass
class _Got:
    """A body for this crawl: fresh from the server or, after a 304, the stored copy of the last crawl."""

    resp: Response
    prior: Record | None
    path: Path
    sha256: str
    size: int

    @property
    def not_modified(self) -> bool:
        return self.resp.not_modified


class Crawler:
    """Crawls start URLs into one output folder (raw store + manifest.jsonl).

    Args:
        out_dir: the crawl folder; bodies go to `<sha[:2]>/<sha><suffix>`, the manifest beside them.
        options: hosts, limits, politeness.
        gates: per-host rate gates shared with other crawlers of this process (one is made otherwise).
        on_event: called with (kind, url) as the crawl goes (for a progress display).
    """

    def __init__(
        self,
        out_dir: str | Path,
        options: CrawlOptions | None = None,
        gates: Gates | None = None,
        on_event: Event | None = None,
    ) -> None:
        self.options = options or CrawlOptions()
        self.store = RawStore(out_dir)
        self.manifest = Manifest(out_dir)
        self.fetcher = Fetcher(self.store, self.options, gates)
        self.on_event = on_event or (lambda kind, url: None)
        self.summary = CrawlSummary()
        self.gathered = Gathered()
        self._seen: set[str] = set()
        self._shas: dict[str, str] = {}
        self._fetches = 0

    def close(self) -> None:
        """Close the HTTP connections."""
        self.summary.requests = self.fetcher.requests
        self.fetcher.close()

    def __enter__(self) -> Crawler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def crawl(self, start_url: str, region: str | None = None, township: str | None = None) -> Gathered:
        """Crawl one start URL: a 年报 column, a township page, a district entry page, or a report page.

        Args:
            start_url: where to start.
            region: the region code (or name) every file found belongs to (a sources.yaml township).
            township: the township name, when the start URL is one township's column.
        Returns the files found so far in this crawler (all start URLs), failures included.
        """
        ctx = Context(region=region, township=township)
        url = canonical_url(start_url)
        kind = link_kind(url)
        if kind != "page":
            self._part(Link(url, ""), kind, None, ctx, Inherit())
        else:
            self._column(url, ctx, depth=0)
        self.summary.requests = self.fetcher.requests
        return self.gathered

    # columns ------------------------------------------------------------------------------------------

    def _column(self, url: str | list[str], ctx: Context, depth: int, continued: bool = False) -> None:
        """Read a column page by page; `continued` when its first page was read elsewhere."""
        queue, pages = ([url] if isinstance(url, str) else list(url)), int(continued)
        while queue and pages < self.options.max_pages:
            asked = queue.pop(0)
            got = self._get(asked, "list", ctx)
            if got is None:
                continue
            pages += 1
            self.summary.pages += 1
            final = got.resp.final_url
            try:
                text, enc = decode_page(got.path.read_bytes(), got.resp.headers.get("content-type"))
                page = parse_page(text, final)
                listing = json_listing(final, text) if text.lstrip().startswith("{") else None
                if listing is None:
                    report_col = is_report_column(final, page.title, *page.breadcrumb[-1:], ctx.column or "")
                    listing = read_listing(ListContext(final, page, report_col))
            except Exception as exc:  # a page no reader foresaw costs only itself
                self._fail(final, _not_understood(exc), ctx)
                continue
            new = [lk for lk in listing.items if lk.url not in self._seen]
            if pages == 1 and depth == 0 and not new and _is_report_page(page):
                self.summary.pages -= 1  # the start URL is a report page itself
                self._report(got, page, enc, Link(asked, ""), ctx, listing.cms)
                return
            self._record(got, "list", page, enc, Link(asked, ctx.column or ""), ctx, cms=listing.cms)
            self.on_event("list", final)
            if not new and pages > 1:
                log.info("%s brings no new links: paging ends", final)
                continue
            if not new and pages == 1 and depth == 0 and self.options.discover and not ctx.found:
                self._discover(page, ctx, depth + 1)  # an entry page: look for township columns
            for lk in new:
                try:
                    self._item(lk, ctx, listing.cms, depth)
                except Exception as exc:  # one article no reader foresaw costs only itself
                    self._fail(lk.url, _not_understood(exc), ctx)
            queue += [u for u in listing.next_pages if u not in self._seen and u not in queue]
        if queue:
            self._skip(queue[0], f"page cap of {self.options.max_pages} list pages reached")

    def _discover(self, page: Page, ctx: Context, depth: int) -> None:
        """From an entry page: 年报 columns here, or townships (directly or under a 乡镇/街道 column)."""
        if depth > 3:
            return
        found = replace(ctx, found=True)
        columns = report_columns(page)
        if columns and (ctx.township or depth > 1):
            for lk in columns:
                self._column(lk.url, replace(found, column=lk.text), 0)
            return
        if ctx.township:  # a township page without a 年报 column may list its reports itself
            listing = read_listing(ListContext(page.url, page, False))
            if listing.items:
                self._column_from(listing, found, 0)
                return
        towns = township_links(page)
        if towns:
            for lk, name in towns:
                town_page = self._nav_page(lk, ctx)
                if town_page is not None:
                    self._discover(town_page, replace(ctx, township=name), depth + 1)
            return
        for lk in columns:
            self._column(lk.url, replace(found, column=lk.text), 0)
        for lk in township_columns(page):
            sub = self._nav_page(lk, ctx)
            if sub is not None:
                self._discover(sub, ctx, depth + 1)

    def _nav_page(self, link: Link, ctx: Context) -> Page | None:
        """Fetch, record and read a navigation page (a township's page, the 乡镇 column)."""
        got = self._get(link.url, "list", ctx)
        if got is None:
            return None
        text, enc = decode_page(got.path.read_bytes(), got.resp.headers.get("content-type"))
        page = parse_page(text, got.resp.final_url)
        self._record(got, "list", page, enc, link, ctx)
        self.summary.pages += 1
        self.on_event("list", got.resp.final_url)
        return page

    # reports and their parts --------------------------------------------------------------------------

    def _item(self, link: Link, ctx: Context, cms: str, depth: int) -> None:
        kind = link_kind(link.url, link.text)
        if kind != "page":
            self._part(link, kind, None, ctx, Inherit(year=link.year or year_in(link.text)))
            return
        got = self._get(link.url, "report", ctx)
        if got is None:
            return
        text, enc = decode_page(got.path.read_bytes(), got.resp.headers.get("content-type"))
        final = got.resp.final_url
        page = parse_page(text, final)
        if depth < 2 and not ("issuer" in page.meta or "index_no" in page.meta):
            sub = read_listing(ListContext(final, page, True))
            fresh = [
                lk for lk in sub.items if lk.url not in self._seen and link_kind(lk.url, lk.text) == "page"
            ]
            # a year or township sub-column lists reports and carries no article: no metadata block,
            # no attachment or picture (a stub page has those), little text (a report has its tables)
            short = page.body_chars < SUBCOLUMN_MAX_CHARS and not page.attachments and not page.images
            if fresh and (short or not _is_report_page(page)):
                self._record(got, "list", page, enc, link, ctx, cms=sub.cms)
                self.summary.pages += 1
                self.on_event("list", final)
                self._column_from(sub, ctx, depth + 1)
                return
        self._report(got, page, enc, link, ctx, cms)

    def _report(self, got: _Got, page: Page, enc: str, link: Link, ctx: Context, cms: str) -> None:
        rec = self._record(got, "report", page, enc, link, ctx, cms=cms)
        self._emit(rec, got, "report")
        inherit = Inherit(rec.issuer, rec.year, rec.published, rec.township, rec.township_from)
        self._parts_of(page, got.resp.final_url, ctx, inherit)

    def _column_from(self, listing: Listing, ctx: Context, depth: int) -> None:
        """Go on with a column whose first page was already read (a sub-column, a township page)."""
        for lk in listing.items:
            if lk.url not in self._seen:
                self._item(lk, ctx, listing.cms, depth)
        nxt = [u for u in listing.next_pages if u not in self._seen]
        if nxt:
            self._column(nxt, ctx, depth, continued=True)

    def _parts_of(self, page: Page, part_of: str, ctx: Context, inherit: Inherit) -> None:
        for lk in page.attachments:
            if not any(t in lk.text for t in VOCAB.not_report):
                self._part(lk, "attachment", part_of, ctx, inherit)
        for img in page.images:
            self._part(img, "image", part_of, ctx, inherit)
        for frame in page.frames:
            got = self._get(frame, "frame", ctx)
            if got is None:
                continue
            text, enc = decode_page(got.path.read_bytes(), got.resp.headers.get("content-type"))
            sub = parse_page(text, got.resp.final_url)
            rec = self._record(got, "frame", sub, enc, Link(frame, ""), ctx, part_of=part_of, inherit=inherit)
            self._emit(rec, got, "frame")
            self._parts_of(sub, part_of, ctx, inherit)

    def _part(self, link: Link, kind: str, part_of: str | None, ctx: Context, inherit: Inherit) -> None:
        got = self._get(link.url, kind, ctx)
        if got is None:
            return
        rec = self._record(got, kind, None, None, link, ctx, part_of=part_of, inherit=inherit)
        self._emit(rec, got, kind)

    # manifest and hand-off ----------------------------------------------------------------------------

    def _record(
        self,
        got: _Got,
        kind: str,
        page: Page | None,
        encoding: str | None,
        link: Link,
        ctx: Context,
        cms: str | None = None,
        part_of: str | None = None,
        inherit: Inherit | None = None,
    ) -> Record:
        if got.not_modified and got.prior is not None:
            rec = got.prior
            if ctx.region and rec.region != ctx.region:
                rec = replace(rec, region=ctx.region)
            return rec
        inherit = inherit or Inherit()
        resp = got.resp
        meta = page.meta if page else {}
        title = page.title if page and kind in ("report", "list", "frame") else None
        name = resp.headers.get("content-disposition-name")
        if kind == "report" and page is not None:
            township, where = attribute(page.breadcrumb, ctx.township, meta.get("issuer"), title or link.text)
            year = link.year or year_in(title or "") or year_in(link.text)
            published = _date(meta.get("published")) or link.date or date_in_url(resp.final_url)
            issuer = meta.get("issuer")
        else:
            township, where = inherit.township or ctx.township, inherit.township_from
            year = inherit.year or link.year or year_in(link.text)
            published = inherit.published or (link.date if kind == "attachment" else None)
            issuer = inherit.issuer
        rec = Record(
            kind=kind,
            url=resp.url,
            final_url=resp.final_url,
            status=resp.status,
            sha256=got.sha256,
            size=got.size,
            path=str(got.path.relative_to(self.manifest.folder)),
            fetched=datetime.now(UTC).isoformat(timespec="seconds"),
            encoding=encoding,
            headers=dict(resp.headers),
            title=title or None,
            breadcrumb=page.breadcrumb if page else [],
            meta=meta,
            link_text=link.text or None,
            link_date=link.date,
            attachment_name=name or (clean(link.text) if kind == "attachment" else None),
            part_of=part_of,
            township=township,
            township_from=where,
            region=ctx.region,
            issuer=issuer,
            year=year,
            published=published,
            cms=cms,
            duplicate_of=self._shas.get(got.sha256) if kind != "list" else None,
        )
        if kind != "list":
            self._shas.setdefault(got.sha256, resp.url)
        self.manifest.add(rec)
        return rec

    def _emit(self, rec: Record, got: _Got, kind: str) -> None:
        if got.not_modified:
            self.summary.not_modified += 1
            self.on_event("not_modified", rec.url)
        elif rec.duplicate_of:
            self.summary.duplicates += 1
            self.on_event("duplicate", rec.url)
            return
        else:
            counter = {"report": "reports", "attachment": "attachments", "image": "images", "frame": "frames"}
            setattr(self.summary, counter[kind], getattr(self.summary, counter[kind]) + 1)
            self.on_event(kind, rec.url)
        if any(f.sha256 == rec.sha256 for f in self.gathered.fetched):
            return
        self.gathered.fetched.append(
            Fetched(
                location=rec.final_url,
                path=str(got.path),
                sha256=rec.sha256,
                size=rec.size,
                title=rec.title or rec.attachment_name or rec.link_text,
                published=rec.published,
                region=rec.region or rec.township,
                issuer=rec.issuer,
                year=rec.year,
                part_of=rec.part_of,
            )
        )

    # fetching -----------------------------------------------------------------------------------------

    def _get(self, url: str, kind: str, ctx: Context) -> _Got | None:
        url = canonical_url(url)
        if url in self._seen:
            return None
        self._seen.add(url)
        if self._fetches >= self.options.max_fetches:
            self._skip(url, f"fetch cap of {self.options.max_fetches} reached")
            return None
        self._fetches += 1
        prior = self.manifest.by_url.get(url)
        if prior is not None and not self.manifest.path_of(prior).is_file():
            prior = None
        etag = prior.headers.get("etag") if prior else None
        modified = prior.headers.get("last-modified") if prior else None
        try:
            resp = self.fetcher.get(url, etag, modified)
        except FetchFailed as exc:
            if exc.reason.startswith(_POLICY):
                self._skip(exc.url, exc.reason)
            else:
                self._fail(exc.url, exc.reason, ctx)
            return None
        self._seen.add(resp.final_url)
        if resp.not_modified:
            if prior is None:
                self._fail(url, "HTTP 304 for a page we do not hold", ctx)
                return None
            resp.final_url = prior.final_url
            resp.headers = prior.headers
            return _Got(resp, prior, self.manifest.path_of(prior), prior.sha256, prior.size)
        assert resp.path is not None and resp.sha256 is not None
        return _Got(resp, None, resp.path, resp.sha256, resp.size)

    def _skip(self, url: str, reason: str) -> None:
        log.info("skipped %s: %s", url, reason)
        self.summary.skipped.append((url, reason))
        self.on_event("skipped", url)

    def _fail(self, url: str, reason: str, ctx: Context) -> None:
        log.warning("failed %s: %s", url, reason)
        self.summary.failed.append((url, reason))
        self.gathered.failures.append(FetchFailure(url, reason, ctx.region))
        self.on_event("failed", url)


def _is_report_page(page: Page) -> bool:
    """True when a page is itself a report: its title names one, or it has an article metadata block."""
    if "issuer" in page.meta or "index_no" in page.meta:
        return True
    return looks_like_report(page.title) and year_in(page.title) is not None


def _date(value: str | None) -> str | None:
    return parse_date(value)


def _not_understood(exc: Exception) -> str:
    """The failure reason of a page that broke a reader: the error's kind and first line."""
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"page not understood ({type(exc).__name__}{': ' + first if first else ''})"
