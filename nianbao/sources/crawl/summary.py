"""What a crawl did: counts by kind, what was skipped and what failed (with reasons)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CrawlSummary:
    """Counts of one crawl (or several merged) and the reasons of every skip and failure."""

    pages: int = 0  # list pages read
    reports: int = 0  # report pages stored (new or changed)
    attachments: int = 0
    images: int = 0
    frames: int = 0
    not_modified: int = 0  # answered 304: nothing downloaded
    duplicates: int = 0  # same bytes as another URL of this crawl
    requests: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # robots.txt, host, page cap
    failed: list[tuple[str, str]] = field(default_factory=list)  # HTTP errors, timeouts, too large

    def merge(self, other: CrawlSummary) -> None:
        """Add another crawl's counts and reasons to this one."""
        for name in ("pages", "reports", "attachments", "images", "frames", "not_modified", "duplicates",
                     "requests"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.skipped += other.skipped
        self.failed += other.failed

    def as_dict(self) -> dict[str, Any]:
        """Counts and reasons as plain data (for JSON and the Prefect artifact)."""
        return {
            "pages": self.pages,
            "reports": self.reports,
            "attachments": self.attachments,
            "images": self.images,
            "frames": self.frames,
            "not_modified": self.not_modified,
            "duplicates": self.duplicates,
            "requests": self.requests,
            "skipped": [{"url": u, "reason": r} for u, r in self.skipped],
            "failed": [{"url": u, "reason": r} for u, r in self.failed],
        }

    def lines(self) -> list[str]:
        """The summary as short text lines (the CLI prints them)."""
        out = [
            f"pages {self.pages}, reports {self.reports}, attachments {self.attachments}, "
            f"images {self.images}, frames {self.frames}",
            f"not modified {self.not_modified}, duplicates {self.duplicates}, requests {self.requests}",
            f"skipped {len(self.skipped)}, failed {len(self.failed)}",
        ]
        out += [f"  skipped {u}: {r}" for u, r in self.skipped]
        out += [f"  failed  {u}: {r}" for u, r in self.failed]
        return out

    def to_markdown(self) -> str:
        """The summary as a markdown table plus reason lists (the Prefect artifact)."""
        rows = [(k, v) for k, v in self.as_dict().items() if not isinstance(v, list)]
        md = ["| | |", "|---|---|", *[f"| {k} | {v} |" for k, v in rows]]
        for title, items in (("Skipped", self.skipped), ("Failed", self.failed)):
            if items:
                md += ["", f"**{title}**", *[f"- {u}: {r}" for u, r in items]]
        return "\n".join(md)
