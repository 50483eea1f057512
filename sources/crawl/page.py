"""What a portal page says: links with their text and date, title, breadcrumb, metadata block,
the article body's images, attachments and frames. Labels come from the vocabulary, never from code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from nianbao.sources.crawl.urls import canonical_url, link_kind
from nianbao.sources.crawl.vocabulary import VOCAB

_BLOCK = frozenset("p div br li tr td th h1 h2 h3 h4 h5 h6 table ul ol dl dt dd section article span".split())
_DATE = re.compile(VOCAB.date_pattern)
_YEAR = re.compile(VOCAB.year_pattern)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_SPACE = re.compile(r"\s+")


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


def clean(text: str | None) -> str:
    """Whitespace collapsed (incl. ideographic and no-break spaces), trimmed."""
    return _SPACE.sub(" ", (text or "").replace("\u3000", " ").replace("\xa0", " ")).strip()


def iso_date(text: str) -> str | None:
    """The first yyyy-mm-dd style date in a text, ISO; None if none is valid."""
    for m in _DATE.finditer(text):
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y}-{mo:02d}-{d:02d}"
    return None


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
    page.title = _title(root)
    page.breadcrumb = _breadcrumb(root)
    page.meta = _meta(root)
    body = _content(root)
    page.images = _images(body if body is not None else root, base_url)
    page.body_chars = len(clean((body if body is not None else root).text_content()))
    page.attachments = [lk for lk in page.links if link_kind(lk.url, lk.text) == "attachment"]
    for el in root.iter("iframe", "frame"):
        src = el.get("src")
        if src and not src.startswith(("javascript:", "about:", "data:")):
            page.frames.append(canonical_url(src, base_url))
    return page


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


def _title(root: etree._Element) -> str:
    for name in ("ArticleTitle", "articletitle", "title", "Title"):
        for m in root.iter("meta"):
            if m.get("name") == name and clean(m.get("content")):
                return clean(m.get("content"))
    for tag in ("h1", "h2"):
        for h in root.iter(tag):
            text = clean(h.text_content())
            if year_in(text) and any(t in text for t in VOCAB.report_text):
                return text
    t = root.find(".//title")
    return clean(t.text_content()) if t is not None else ""


def _class_id(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def _breadcrumb(root: etree._Element) -> list[str]:
    text = ""
    for el in root.iter("div", "p", "span", "td", "nav", "ul", "ol"):
        ci = _class_id(el)
        if any(tok in ci for tok in VOCAB.breadcrumb_classes):
            text = clean(el.text_content())
            if text:
                break
    if not text:
        for el in root.iter("div", "p", "span", "td"):
            own = clean(el.text_content())
            if len(own) < 200 and any(own.startswith(lbl) for lbl in VOCAB.breadcrumb_labels):
                text = own
                break
    if not text:
        return []
    for lbl in VOCAB.breadcrumb_labels:
        if text.startswith(lbl):
            text = text[len(lbl) :].lstrip(" :：")
            break
    parts = [text]
    for sep in VOCAB.breadcrumb_separators:
        parts = [p for chunk in parts for p in chunk.split(sep)]
    return [clean(p) for p in parts if clean(p)]


def _lines(el: etree._Element) -> list[str]:
    chunks: list[str] = []

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str) or node.tag in ("script", "style"):
            return
        if node.tag in _BLOCK:
            chunks.append("\n")
        if node.text:
            chunks.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                chunks.append(child.tail)
        if node.tag in _BLOCK:
            chunks.append("\n")

    walk(el)
    return [clean(line) for line in "".join(chunks).split("\n") if clean(line)]


def _meta(root: etree._Element) -> dict[str, str]:
    lines = _lines(root)
    labels = sorted({lb for lbs in VOCAB.meta.values() for lb in lbs}, key=len, reverse=True)
    any_label = "|".join(re.escape(lb) for lb in labels)
    out: dict[str, str] = {}
    for field_name, names in VOCAB.meta.items():
        for name in names:
            pat = re.compile(rf"(?:^|\s){re.escape(name)}\s*[:：]\s*(.*?)\s*(?=(?:{any_label})\s*[:：]|$)")
            for i, line in enumerate(lines):
                m = pat.search(line)
                value = m.group(1) if m else None
                if not value and line.rstrip(":： ") == name and i + 1 < len(lines):
                    nxt = lines[i + 1]  # a label cell, then its value cell
                    value = "" if any(nxt.startswith(lb) for lb in labels) else nxt
                if value:
                    out[field_name] = value.strip()
                    break
            if field_name in out:
                break
    return out


def _content(root: etree._Element) -> etree._Element | None:
    best, best_len = None, 0
    for el in root.iter("div", "td", "article", "section"):
        ci = _class_id(el)
        if any(tok in ci for tok in VOCAB.content_classes):
            n = len(clean(el.text_content()))
            imgs = sum(1 for _ in el.iter("img"))
            score = n + 200 * imgs
            # the innermost holder wins a tie: a narrower element with the same text is the article
            if score > best_len or (best is not None and score == best_len and el in best.iter()):
                best, best_len = el, score
    return best


def _images(body: etree._Element, base_url: str) -> list[Link]:
    out: list[Link] = []
    for img in body.iter("img"):
        src = (img.get("src") or img.get("data-src") or "").strip()
        if not src or src.startswith("data:"):
            continue
        name = f"{src} {_class_id(img)}".lower()
        if any(tok in name for tok in VOCAB.image_furniture):
            continue
        sizes = [int(v) for v in (img.get("width"), img.get("height")) if v and v.isdigit()]
        if sizes and min(sizes) < VOCAB.image_min_px:
            continue
        out.append(Link(canonical_url(src, base_url), clean(img.get("alt") or img.get("title"))))
    return out
