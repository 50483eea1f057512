"""The generic fallback: any CMS, read from link text (年度报告/年报), dates and 下一页/尾页/page numbers."""

from __future__ import annotations

from nianbao.sources.crawl.cms.base import Adapter


class Generic(Adapter):
    """Uses only the base reading; every other adapter refines it."""

    name = "generic"
