"""What a portal page says about itself: its title, breadcrumb, 索引号/发布机构/成文日期 metadata block,
article body, and which of its pictures and frames are furniture. The one page reader: the crawler
(sources/crawl/page.py: which pages are reports, what they carry) reads all of it; the HTML reader
(extractors/readers/html.py: what is not the report) reads the title, breadcrumb and metadata block
here, and still finds the report's container by its own text-density walk (`content()` marks the
body by the CMS's class names, which is what the crawler needs for pictures). Words come from
`page.toml`, never from code.

Everything here reads an lxml.html tree without changing it; a caller that wants the furniture out
of the text (the HTML reader) drops the elements these functions return.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

from lxml import etree

_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TOKENS = re.compile(r"[^a-z0-9]+")
_GAP = r"[ \t\u00a0\u3000]*"


@dataclass(frozen=True)
class PageVocabulary:
    """The words of page furniture, as in page.toml."""

    meta: dict[str, tuple[str, ...]]
    meta_other: tuple[str, ...]
    meta_max_chars: int
    title_words: tuple[str, ...]
    breadcrumb_labels: tuple[str, ...]
    breadcrumb_separators: tuple[str, ...]
    breadcrumb_classes: tuple[str, ...]
    breadcrumb_max_chars: int
    content_classes: tuple[str, ...]
    image_furniture: tuple[str, ...]
    image_min_px: int
    chrome_classes: tuple[str, ...]

    @cached_property
    def field_of(self) -> dict[str, str]:
        """label -> the field it names (the first field listing it)."""
        out: dict[str, str] = {}
        for name, labels in self.meta.items():
            for label in labels:
                out.setdefault(label, name)
        return out

    @cached_property
    def meta_name(self) -> dict[str, str]:
        """field -> its name in a document's metadata: the field's first label."""
        return {name: labels[0] for name, labels in self.meta.items()}

    @cached_property
    def _labels(self) -> str:
        every = {*self.field_of, *self.meta_other}
        return "|".join(re.escape(lb) for lb in sorted(every, key=len, reverse=True))

    @cached_property
    def value_re(self) -> re.Pattern[str]:
        """label, optional colon, value up to the next label, line end or end (over a block's lines)."""
        alt = self._labels
        return re.compile(
            rf"(?P<label>{alt}){_GAP}[:：]?[ \t\u00a0\u3000\n]*"
            rf"(?P<value>.*?)(?=[ \t\u00a0\u3000\n]*(?:{alt}){_GAP}[:：\n]|\n|$)"
        )

    @cached_property
    def label_re(self) -> re.Pattern[str]:
        """A label where a label stands: followed by a colon or at the end of its line."""
        return re.compile(rf"(?:{self._labels}){_GAP}(?:[:：]|$)", re.M)


def load_page_vocabulary(text: str | None = None) -> PageVocabulary:
    """Read a page vocabulary (the bundled page.toml by default)."""
    if text is None:
        text = resources.files("nianbao.extractors").joinpath("page.toml").read_text("utf-8")
    d: dict[str, Any] = tomllib.loads(text)
    p = d["page"]
    t = tuple
    return PageVocabulary(
        meta={k: t(v) for k, v in d["meta"].items()},
        meta_other=t(p["meta_other"]),
        meta_max_chars=int(p["meta_max_chars"]),
        title_words=t(p["title_words"]),
        breadcrumb_labels=t(p["breadcrumb_labels"]),
        breadcrumb_separators=t(p["breadcrumb_separators"]),
        breadcrumb_classes=t(c.lower() for c in p["breadcrumb_classes"]),
        breadcrumb_max_chars=int(p["breadcrumb_max_chars"]),
        content_classes=t(c.lower() for c in p["content_classes"]),
        image_furniture=t(c.lower() for c in p["image_furniture"]),
        image_min_px=int(p["image_min_px"]),
        chrome_classes=t(c.lower() for c in p["chrome_classes"]),
    )


PAGE_VOCAB = load_page_vocabulary()


def clean(text: str | None) -> str:
    """Whitespace collapsed (incl. ideographic and no-break spaces), trimmed."""
    return _SPACE.sub(" ", (text or "").replace("\u3000", " ").replace("\xa0", " ")).strip()


def class_id(el: etree._Element) -> str:
    """An element's class and id, lower case, for matching furniture words."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def _elements(root: etree._Element, *tags: str) -> list[Any]:
    return [el for el in root.iter(*tags) if isinstance(el.tag, str)]


# ------------------------------------------------------------------------------------------------
# Title
# ------------------------------------------------------------------------------------------------
def head_title(root: etree._Element) -> str:
    """The page's `<title>`, cleaned ("" when it has none)."""
    t = root.find(".//title")
    return clean(t.text_content()) if t is not None else ""


def page_title(root: etree._Element, vocab: PageVocabulary = PAGE_VOCAB) -> str:
    """The article's title: a `<meta name=ArticleTitle>`, else an `<h1>`/`<h2>` naming a report of a
    year, else the `<title>`."""
    for name in ("articletitle", "title"):
        for m in root.iter("meta"):
            if (m.get("name") or "").lower() == name and clean(m.get("content")):
                return clean(m.get("content"))
    for tag in ("h1", "h2"):
        for h in root.iter(tag):
            text = clean(h.text_content())
            if _YEAR.search(text) and any(w in text for w in vocab.title_words):
                return text
    return head_title(root)


# ------------------------------------------------------------------------------------------------
# Breadcrumb
# ------------------------------------------------------------------------------------------------
@dataclass
class Breadcrumb:
    """The 首页 > … > 年报 trail: the element that holds it, its text without the label, its parts."""

    element: Any
    text: str
    parts: list[str] = field(default_factory=list)


def breadcrumb(root: etree._Element, vocab: PageVocabulary = PAGE_VOCAB) -> Breadcrumb | None:
    """The first trail of the page: an element whose class or id says so, or whose own text starts
    with a label (当前位置：…), widened to the element that also holds the trail's links."""
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "head", "script", "style", "title"):
            continue
        own = clean((el.text or "") + "".join(c.tail or "" for c in el))
        by_class = any(tok in class_id(el) for tok in vocab.breadcrumb_classes)
        by_label = any(own.startswith(lb) for lb in vocab.breadcrumb_labels)
        if not (by_class or by_label):
            continue
        found = el
        while len(clean(found.text_content())) < 12:
            parent = found.getparent()
            if parent is None or parent.tag in ("body", "html"):
                break
            found = parent
        text = clean(found.text_content())
        if not text or len(text) > vocab.breadcrumb_max_chars or len(_CJK.findall(text)) > 150:
            continue
        for lb in sorted(vocab.breadcrumb_labels, key=len, reverse=True):
            if text.startswith(lb):
                text = text[len(lb) :].lstrip(" :：")
                break
        parts = [text]
        for sep in vocab.breadcrumb_separators:
            parts = [p for chunk in parts for p in chunk.split(sep)]
        return Breadcrumb(found, text, [clean(p) for p in parts if clean(p)])
    return None


# ------------------------------------------------------------------------------------------------
# Metadata block
# ------------------------------------------------------------------------------------------------
@dataclass
class Metadata:
    """The fields of the 索引号/发布机构/成文日期 block (field -> value) and the elements holding it."""

    fields: dict[str, str] = field(default_factory=dict)
    blocks: list[Any] = field(default_factory=list)

    def named(self, vocab: PageVocabulary = PAGE_VOCAB) -> dict[str, str]:
        """The fields under their printed names (索引号, 发布机构, 成文日期, 发布日期 …)."""
        return {vocab.meta_name[k]: v for k, v in self.fields.items()}


def _lines(el: etree._Element) -> str:
    """The element's text nodes, cleaned, one per line (labels and values as separate lines)."""
    return "\n".join(t for t in (clean(x) for x in el.itertext()) if t)


def _text_sizes(el: etree._Element, sizes: dict[Any, int]) -> int:
    """Length of every element's text content, bottom-up in one pass (text_content() of every
    ancestor would be quadratic in deep pages)."""
    n = len(el.text or "")
    for child in el:
        n += (_text_sizes(child, sizes) if isinstance(child.tag, str) else 0) + len(child.tail or "")
    sizes[el] = n
    return n


def metadata(
    root: etree._Element,
    vocab: PageVocabulary = PAGE_VOCAB,
    not_meta: Any = None,
) -> Metadata:
    """Read the metadata block(s) of a page: a table, a div or label:value spans with two labels or
    more; then, for a field no block gives, a "label：value" line anywhere on the page.

    Args:
        root: the page (or its body).
        vocab: the words.
        not_meta: a predicate on a text; an element with such a text (a report table's anchor, a
            section heading) is never metadata.
    """
    out = Metadata()
    sizes: dict[Any, int] = {}
    _text_sizes(root, sizes)
    for el in _elements(root, "table", "div", "ul", "dl", "p", "section", "header"):
        if sizes.get(el, 0) > vocab.meta_max_chars:
            continue
        lines = _lines(el)
        labels = set(vocab.label_re.findall(lines))
        if len(labels) < 2 or not any(lb in lines for lb in vocab.field_of):
            continue
        if not_meta is not None and any(not_meta(clean(t)) for t in el.itertext() if t.strip()):
            continue
        if any(b in el.iterancestors() for b in out.blocks):
            continue
        out.blocks.append(el)
    for el in out.blocks:
        for m in vocab.value_re.finditer(_lines(el)):
            name = vocab.field_of.get(m.group("label"))
            value = clean(m.group("value"))
            if name and value and name not in out.fields:
                out.fields[name] = value
    missing = [k for k in vocab.meta if k not in out.fields]
    if missing:
        _loose_fields(root, vocab, missing, out.fields)
    return out


_BLOCK = frozenset("p div br li tr td th h1 h2 h3 h4 h5 h6 table ul ol dl dt dd section article span".split())


def _block_lines(el: etree._Element) -> list[str]:
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


def _loose_fields(
    root: etree._Element, vocab: PageVocabulary, wanted: list[str], out: dict[str, str]
) -> None:
    """ "label：value" lines outside any block (a label cell, then its value cell, counts too)."""
    lines = _block_lines(root)
    labels = sorted({*vocab.field_of, *vocab.meta_other}, key=len, reverse=True)
    any_label = "|".join(re.escape(lb) for lb in labels)
    for name in wanted:
        for label in vocab.meta[name]:
            pat = re.compile(rf"(?:^|\s){re.escape(label)}\s*[:：]\s*(.*?)\s*(?=(?:{any_label})\s*[:：]|$)")
            for i, line in enumerate(lines):
                m = pat.search(line)
                value = m.group(1) if m else None
                if not value and line.rstrip(":： ") == label and i + 1 < len(lines):
                    nxt = lines[i + 1]  # a label cell, then its value cell
                    value = "" if any(nxt.startswith(lb) for lb in labels) else nxt
                if value:
                    out[name] = value.strip()
                    break
            if name in out:
                break


# ------------------------------------------------------------------------------------------------
# Article body, images and frames
# ------------------------------------------------------------------------------------------------
def content(root: etree._Element, vocab: PageVocabulary = PAGE_VOCAB) -> Any:
    """The element the CMS marks as the article body (TRS_Editor, zoom, article …), the one with the
    most text and pictures; None when the page marks none."""
    best, best_len = None, 0
    for el in _elements(root, "div", "td", "article", "section"):
        ci = class_id(el)
        if any(tok in ci for tok in vocab.content_classes):
            n = len(clean(el.text_content()))
            imgs = sum(1 for _ in el.iter("img"))
            score = n + 200 * imgs
            # the innermost holder wins a tie: a narrower element with the same text is the article
            if score > best_len or (best is not None and score == best_len and el in best.iter()):
                best, best_len = el, score
    return best


def _small(el: etree._Element, vocab: PageVocabulary) -> bool:
    sizes = [int(v) for v in (el.get("width"), el.get("height")) if v and v.strip().isdigit()]
    return bool(sizes) and min(sizes) < vocab.image_min_px


def body_images(body: etree._Element, vocab: PageVocabulary = PAGE_VOCAB) -> list[Any]:
    """The `<img>` elements of an article body that are not furniture (logos, icons, print buttons)."""
    out = []
    for img in body.iter("img"):
        src = (img.get("src") or img.get("data-src") or "").strip()
        if not src or src.startswith("data:"):
            continue
        name = f"{src} {class_id(img)}".lower()
        if any(tok in name for tok in vocab.image_furniture) or _small(img, vocab):
            continue
        out.append(img)
    return out


def _chrome(el: etree._Element, vocab: PageVocabulary) -> bool:
    tokens = {t for t in _TOKENS.split(class_id(el)) if t}
    return el.tag in ("header", "footer", "nav", "aside") or bool(tokens & set(vocab.chrome_classes))


def is_furniture_frame(frame: etree._Element, body: Any = None, vocab: PageVocabulary = PAGE_VOCAB) -> bool:
    """True for an `<iframe>`/`<frame>` that is page furniture, not a part of the report.

    Furniture: its address names a furniture word (纠错, 党政机关 badge, share …), it is drawn smaller
    than a picture of text could be, or it sits in the page's chrome (header, footer, navigation,
    side bar) rather than in the article `body` (when given).
    """
    src = (frame.get("src") or "").lower()
    if any(tok in src for tok in vocab.image_furniture) or _small(frame, vocab):
        return True
    if body is not None and (frame is body or body in frame.iterancestors()):
        return False
    return any(_chrome(a, vocab) for a in frame.iterancestors() if isinstance(a.tag, str))


def frames(root: etree._Element, body: Any = None, vocab: PageVocabulary = PAGE_VOCAB) -> list[str]:
    """The addresses (as written) of the page's frames that are not furniture, in page order."""
    out = []
    for el in root.iter("iframe", "frame"):
        src = (el.get("src") or "").strip()
        if src and not src.lower().startswith(("javascript:", "about:", "data:")):
            if not is_furniture_frame(el, body, vocab):
                out.append(src)
    return out
