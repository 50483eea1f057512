"""What a source hands on: a file it found or saved (`Fetched`), or why it could not (`FetchFailure`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fetched:
    """One report file on local disk, with where it came from.

    `location` is the canonical URL or the original path; `path` is the file to read (the original for
    local files, the raw-store copy for downloads); `region` is the region code (or name) it belongs to.
    """

    location: str
    path: str
    sha256: str
    size: int
    title: str | None = None
    published: str | None = None  # ISO date, when the URL or page tells it
    region: str | None = None


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
