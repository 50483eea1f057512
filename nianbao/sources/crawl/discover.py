"""District discovery: from a 政府信息公开 entry page to each township's 年报 column, and attribution
of a report to its township (breadcrumb, column name, 发布机构, title)."""

from __future__ import annotations

from nianbao.sources.crawl.page import Link, Page
from nianbao.sources.crawl.signals import is_report_column, is_township_column, township_entry, township_name
from nianbao.sources.crawl.urls import link_kind


def report_columns(page: Page) -> list[Link]:
    """Links to 年报 columns on a page (政府信息公开年报, 信息公开年度报告 …), in page order."""
    return [
        lk
        for lk in page.links
        if link_kind(lk.url) == "page"
        and len(lk.text) <= 16
        and is_report_column(lk.text)
        and lk.url != page.url
    ]


def township_columns(page: Page) -> list[Link]:
    """Links to the column of townships and streets (乡镇信息公开, 街道, 镇街 …)."""
    return [
        lk
        for lk in page.links
        if link_kind(lk.url) == "page" and is_township_column(lk.text) and lk.url != page.url
    ]


def township_links(page: Page) -> list[tuple[Link, str]]:
    """Links whose text is a township or street name, with the name (白鹭镇人民政府 -> 白鹭镇)."""
    out: list[tuple[Link, str]] = []
    names: set[str] = set()
    for lk in page.links:
        name = township_entry(lk.text) if link_kind(lk.url) == "page" else None
        if name and name not in names and lk.url != page.url:
            names.add(name)
            out.append((lk, name))
    return out


def attribute(
    breadcrumb: list[str], column: str | None, issuer: str | None, title: str | None
) -> tuple[str | None, str | None]:
    """The township a report belongs to and where that was read: (name, breadcrumb|column|issuer|title).

    The breadcrumb is read from its end (the nearest column first); a township column found by
    discovery comes next, then the 发布机构, then the title.
    """
    for part in reversed(breadcrumb):
        name = township_entry(part)
        if name:
            return name, "breadcrumb"
    if column:
        return column, "column"
    for text, where in ((issuer, "issuer"), (title, "title")):
        name = township_name(text or "")
        if name:
            return name, where
    return None, None
