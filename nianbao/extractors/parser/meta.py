"""Report metadata: issuer, report year and publication date.

The year comes from the title or the 统计期限 sentence, never from a URL or the publication date
(quirks.md B4: republished copies sit under other years' folders). The issuer comes from the title,
then the metadata block (发布机构), then the signature line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nianbao.extractors.document import Document, Heading, Paragraph
from nianbao.schemas.text import CN_DATE, DATE, clean_space, parse_date, to_simplified

_REPORT_WORDS = re.compile(r"(政府)?信息公开(工作)?(年度)?(工作)?报告|年度报告|年报")
_YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*年(?:度)?")
# 统计期限自2019年1月1日起至2019年12月31日止 (年/月 are sometimes dropped: 201911日起至20191231日止)
_PERIOD = re.compile(r"至\s*(20\d{2})\s*年?\s*12\s*月?\s*31\s*日")
_ISSUER_END = re.compile(
    r"(人民政府|政府|办事处|街道|管委会|管理委员会|委员会|镇|乡|局|办公室|委|院|中心|厅|署)$"
)
_SITE_SUFFIX = re.compile(r"\s*[_|\-–—]\s*[^_|\-–—]*(政府|网站|门户|网)[^_|\-–—]*$")

# The header block of a portal's text copy or a web archive: `标题：…` / `发布时间：…` / `发布机构：…` /
# `原文链接：…` lines (full- or half-width colons, spaced or not), sometimes run into one line.
HEADER_FIELDS = {
    "标题": "title",
    "题目": "title",
    "文章标题": "title",
    "发布时间": "published",
    "发布日期": "published",
    "成文日期": "published",
    "发布机构": "issuer",
    "发文机关": "issuer",
    "发布单位": "issuer",
    "来源": "source",
    "信息来源": "source",
    "原文链接": "url",
    "原文地址": "url",
    "链接": "url",
    "网址": "url",
    "索引号": "index",
}
_HEADER_KEY = "|".join(sorted(HEADER_FIELDS, key=len, reverse=True))
_HEADER_START = re.compile(rf"^\s*(?:{_HEADER_KEY})\s*[:：]")
_HEADER_FIELD = re.compile(rf"(?:^|(?<=\s))({_HEADER_KEY})\s*[:：]\s*")
_HEADER_SCAN = 15  # the header block sits among the first lines of the page


@dataclass
class Metadata:
    title: str | None = None
    issuer: str | None = None
    year: int | None = None
    published: str | None = None

    def filled_from(self, other: Metadata) -> Metadata:
        """These fields, with the blanks filled from `other` (what the document prints wins)."""
        return Metadata(
            title=self.title or other.title,
            issuer=self.issuer or other.issuer,
            year=self.year or other.year,
            published=self.published or other.published,
        )


def _all_texts(doc: Document) -> list[str]:
    return [clean_space(b.text) for b in doc.blocks if isinstance(b, (Heading, Paragraph)) and b.text.strip()]


def is_header_line(text: str) -> bool:
    """A line of the page's header block (`标题：…`, `发布机构:…`), never part of the report."""
    return bool(_HEADER_START.match(unicodedata.normalize("NFKC", text).replace("\u3000", " ")))


def header_block(doc: Document) -> dict[str, str]:
    """The fields of the page's header block: title, published, issuer, source, url, index (the
    lines of the text, or the metadata block an HTML reader took out of the page)."""
    out: dict[str, str] = {}
    lines = [f"{k}：{v}" for k, v in doc.metadata.items() if k in HEADER_FIELDS and v]
    for text in lines + _all_texts(doc)[:_HEADER_SCAN]:
        if not is_header_line(text):
            continue
        marks = list(_HEADER_FIELD.finditer(text))
        for k, m in enumerate(marks):
            value = text[m.end() : marks[k + 1].start() if k + 1 < len(marks) else len(text)].strip()
            field = HEADER_FIELDS[m.group(1)]
            if field == "url" or field == "published":
                value = value.split(" ")[0] if field == "url" else value
            if value and field not in out:
                out[field] = value
    return out


def _texts(doc: Document) -> list[str]:
    """The document's lines of text, without the page's header block."""
    texts = _all_texts(doc)
    return [t for i, t in enumerate(texts) if i >= _HEADER_SCAN or not is_header_line(t)]


def find_title(doc: Document) -> str | None:
    """The report's own title: an early line naming the report, else the page/file title.

    Titles are set over up to three lines: "淮安市人民政府" / "2024 年政府信息公开工作年度报告", or
    "2025 年青溪市…街道政府信息" / "公开工作年度报告", or the issuer, the year and the rest each alone.
    """
    header = header_block(doc).get("title")
    if header and _YEAR_IN_TITLE.search(header) and _REPORT_WORDS.search(header):
        header = _SITE_SUFFIX.sub("", header)
        if issuer_from_title(header):
            return header
        # a title without its issuer: the report's own title line may name it
        return _body_title(doc) or header
    return _body_title(doc)


def _body_title(doc: Document) -> str | None:
    texts = _texts(doc)[:12]
    for i, text in enumerate(texts):
        if len(text) > 80 or not _YEAR_IN_TITLE.search(text):
            continue
        title = text
        if not _REPORT_WORDS.search(text):
            nxt = texts[i + 1] if i + 1 < len(texts) else ""
            if len(text) > 60 or len(nxt) > 30 or not _REPORT_WORDS.search(text + nxt):
                continue
            title = text + nxt  # the title's end on the next line
        if (
            i > 0
            and re.match(r"^\s*20\d{2}\s*年", text)
            and len(texts[i - 1]) <= 30
            and _ISSUER_END.search(texts[i - 1])
        ):
            return texts[i - 1] + title  # the issuer on the line before
        return title
    page_title = doc.metadata.get("title")
    if page_title and _REPORT_WORDS.search(page_title):
        return _SITE_SUFFIX.sub("", clean_space(page_title))
    return None


def find_year(title: str | None, doc: Document) -> int | None:
    if title:
        m = _YEAR_IN_TITLE.search(title)
        if m:
            return int(m.group(1))
    for text in _texts(doc)[:60]:
        m = _PERIOD.search(unicodedata.normalize("NFKC", text))
        if m:
            return int(m.group(1))
    return None


def issuer_from_title(title: str) -> str | None:
    """{issuer}{year}年…报告, {year}年{issuer}政府信息公开…, {issuer}政府{year}年…"""
    t = unicodedata.normalize("NFKC", to_simplified(title)).replace(" ", "")
    m = re.match(r"^(.{2,40}?)(?:关于)?(20\d{2})年", t)
    if m and not re.fullmatch(r"[\d年度]+", m.group(1)):
        return _trim_issuer(m.group(1))
    m = re.match(r"^(20\d{2})年度?(.{2,40}?)(?:政府)?信息公开", t)
    if m and m.group(2) not in ("政府", "本机关", "本单位"):
        # "2023年河包镇政府信息公开…": the 政府 belongs to 政府信息公开, not to the issuer.
        return _trim_issuer(m.group(2))
    return None


def _trim_issuer(s: str) -> str | None:
    s = s.strip("《》“”\"' ,，:：")
    s = re.sub(r"(关于)$", "", s)
    return s or None


def find_issuer(title: str | None, doc: Document) -> str | None:
    if title:
        issuer = issuer_from_title(title)
        if issuer:
            return issuer
    header = clean_space(header_block(doc).get("issuer", ""))
    if header and len(header) <= 40 and not re.search(r"[:：\d]", header):
        return header
    for key in ("发布机构", "发文机关", "来源", "信息来源"):
        v = clean_space(_HEADER_FIELD.split(doc.metadata.get(key) or "")[0])  # up to another field
        if v and _ISSUER_END.search(v):
            return v
    return _signature_issuer(doc)


def _signature_issuer(doc: Document) -> str | None:
    tail = _texts(doc)[-8:]
    for i, text in enumerate(tail):
        if DATE.fullmatch(text) or CN_DATE.fullmatch(text):
            for cand in reversed(tail[:i]):
                if len(cand) <= 30 and _ISSUER_END.search(cand):
                    return cand
    return None


def find_published(doc: Document) -> str | None:
    """The signature-line date at the end of the body, else the metadata block's date."""
    for text in reversed(_texts(doc)[-8:]):
        if len(text) <= 40 and (DATE.search(text) or CN_DATE.search(text)):
            stripped = DATE.sub("", unicodedata.normalize("NFKC", text))
            stripped = CN_DATE.sub("", stripped)
            if len(stripped) <= 24:  # a date line, possibly with the issuer before it
                d = parse_date(text)
                if d:
                    return d
    for key in ("成文日期", "发布日期", "发布时间", "日期"):
        v = doc.metadata.get(key)
        if v:
            d = parse_date(v)
            if d:
                return d
    header = header_block(doc).get("published")
    return parse_date(header) if header else None


def read_metadata(doc: Document) -> Metadata:
    title = find_title(doc)
    return Metadata(
        title=title, issuer=find_issuer(title, doc), year=find_year(title, doc), published=find_published(doc)
    )
