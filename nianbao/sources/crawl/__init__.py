"""A polite, safe, incremental crawler of report columns on county and district portals.

`crawl_many(urls, out_dir, options)` crawls; `Manifest(out_dir)` says what each stored body is.
"""

from nianbao.sources.crawl.crawler import Crawler
from nianbao.sources.crawl.manifest import Manifest, crawl_facts, find_manifest
from nianbao.sources.crawl.options import CrawlOptions
from nianbao.sources.crawl.run import crawl_many, crawl_site
from nianbao.sources.crawl.summary import CrawlSummary

__all__ = [
    "CrawlOptions",
    "CrawlSummary",
    "Crawler",
    "Manifest",
    "crawl_facts",
    "crawl_many",
    "crawl_site",
    "find_manifest",
]
