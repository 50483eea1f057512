"""What a source hands on: a file it found or saved (`Fetched`), or why it could not (`FetchFailure`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from nianbao.schemas import SourceFacts


@dataclass(frozen=True)
class Fetched:
    """One report file on local disk, with where it came from and what its source says about it.

    `location` is the canonical URL or the original path; `path` is the file to read (the original for
    local files, the raw-store copy for downloads); `region` is the region code (or name) it belongs to.
    A crawl adds the manifest's facts: `issuer` (发布机构), `year`, `published`, `title`, and `part_of`
    (the page an attachment or image belongs to).
    """

    location: str
    path: str
    sha256: str
    size: int
    title: str | None = None
    published: str | None = None  # ISO date, when the URL or page tells it
    region: str | None = None
    issuer: str | None = None  # 发布机构 of the page's metadata block
    year: int | None = None  # report year from the title, link text or listing
    part_of: str | None = None  # the page URL an attachment or image belongs to

    def facts(self) -> SourceFacts:
        """The hand-off to extraction (`extractors.extract_file` accepts it)."""
        return SourceFacts(
            path=self.path,
            location=self.location,
            sha256=self.sha256,
            size=self.size,
            title=self.title,
            issuer=self.issuer,
            published=self.published,
            year=self.year,
            region=self.region,
            part_of=self.part_of,
        )


@dataclass(frozen=True)
class FetchFailure:
    """A source or link that gave nothing: the location and the reason, for the run summary."""

    location: str
    reason: str
    region: str | None = None


@dataclass
class Gathered:
    """Everything one source yielded: files found and failures met on the way."""

    fetched: list[Fetched] = field(default_factory=list)
    failures: list[FetchFailure] = field(default_factory=list)

    def add(self, results: Iterable[Fetched | FetchFailure]) -> None:
        """Add files and failures as a walk yields them."""
        for r in results:
            if isinstance(r, Fetched):
                self.fetched.append(r)
            else:
                self.failures.append(r)

    def extend(self, other: Gathered) -> None:
        """Add another source's files and failures to this one."""
        self.fetched.extend(other.fetched)
        self.failures.extend(other.failures)

    def unique(self) -> list[Fetched]:
        """The files, de-duplicated by content (mirrors and republished copies share a sha256)."""
        seen: dict[str, Fetched] = {}
        for f in self.fetched:
            seen.setdefault(f.sha256, f)
        return list(seen.values())
