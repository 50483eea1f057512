"""What a portal page says: links with their text and date, title, breadcrumb, metadata block,
the article body's images, attachments and frames. The page furniture is read by the one page reader
(nianbao.extractors.page, words in its page.toml); links and years with the crawler's vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from nianbao.extractors import page as portal
from nianbao.extractors.page import clean
from nianbao.schemas.text import parse_date
from nianbao.sources.crawl.urls import canonical_url, link_kind
from nianbao.sources.crawl.vocabulary import VOCAB

_YEAR = re.compile(VOCAB.year_pattern)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
__all__ = ["Link", "Page", "clean", "iso_date", "parse_page", "year_in"]


@dataclass(frozen=True)
class Link:
    """A link on a page: absolute canonical URL, its text, and the date printed beside it (ISO)."""

    url: str
    text: str
    date: str | None = None
    year: int | None = None  # a report year the link itself gives (Hanweb fbtime=)


@dataclass
class Page:
    """The facts of one HTML page that the crawler and the manifest use."""

    url: str
    title: str = ""
    breadcrumb: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    images: list[Link] = field(default_factory=list)  # inside the article body
    attachments: list[Link] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)
    scripts: str = ""
    body_chars: int = 0  # characters of text in the article body (or the whole page)


def iso_date(text: str) -> str | None:
    """The first real date in a text, ISO (schemas.text.parse_date); None if none is valid."""
    return parse_date(text)


def year_in(text: str) -> int | None:
    """The first report year ("2022年", "2022年度") a text names."""
    m = _YEAR.search(text or "")
    return int(m.group(1)) if m else None


def parse_page(html: str, url: str) -> Page:
    """Read a page's links, title, breadcrumb, metadata block, body images, attachments and frames.

    Args:
        html: the decoded page.
        url: its final URL (links are resolved against it, or against `<base href>`).
    """
    try:
        root = lxml.html.document_fromstring(html or "<html></html>")
    except (etree.ParserError, ValueError):
        return Page(url=url)
    base = root.find(".//base")
    base_url = canonical_url(base.get("href"), url) if base is not None and base.get("href") else url
    page = Page(url=url)
    page.scripts = "\n".join(s.text or "" for s in root.iter("script"))
    page.links = _links(root, base_url)
    for fragment in _CDATA.findall(page.scripts):  # Hanweb jcms lists: <record><![CDATA[<li>…]]>
        try:
            page.links += _links(lxml.html.fragment_fromstring(fragment, create_parent="div"), base_url)
        except (etree.ParserError, ValueError):
            continue
    page.title = portal.page_title(root)
    crumb = portal.breadcrumb(root)
    page.breadcrumb = crumb.parts if crumb else []
    page.meta = portal.metadata(root).fields
    body = portal.content(root)
    held = body if body is not None else root
    page.images = [
        Link(canonical_url((img.get("src") or img.get("data-src") or "").strip(), base_url), _alt(img))
        for img in portal.body_images(held)
    ]
    page.body_chars = len(clean(held.text_content()))
    page.attachments = [lk for lk in page.links if link_kind(lk.url, lk.text) == "attachment"]
    page.frames = [canonical_url(src, base_url) for src in portal.frames(root, body)]
    return page


def _alt(img: etree._Element) -> str:
    return clean(img.get("alt") or img.get("title"))


def _links(root: etree._Element, base_url: str) -> list[Link]:
    out: list[Link] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "#", "tel:", "data:")):
            continue
        text = clean(a.text_content()) or clean(a.get("title"))
        if a.get("title") and len(clean(a.get("title"))) > len(text):
            text = clean(a.get("title"))  # list pages cut long titles ("…") and keep them whole in title=
        holder = a.getparent()
        near = clean(holder.text_content()) if holder is not None else ""
        date = iso_date(near.replace(text, " ")) if len(near) < 300 else None
        out.append(Link(canonical_url(href, base_url), text, date))
    return out
