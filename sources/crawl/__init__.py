"""A polite, safe, incremental crawler of report columns on county and district portals.

`crawl_many(urls, out_dir, options)` crawls; `Manifest(out_dir)` says what each stored body is.
"""

from sources.crawl.crawler import Crawler
from sources.crawl.manifest import Manifest, crawl_facts, find_manifest
from sources.crawl.options import CrawlOptions
from sources.crawl.run import crawl_many, crawl_site
from sources.crawl.summary import CrawlSummary

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
