"""What a run did, for the CLI's closing lines and the Prefect markdown artifact."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")
ProgressListener = Callable[[str, int, int], None]
_listeners: list[ProgressListener] = []


@contextmanager
def listening(listener: ProgressListener) -> Iterator[None]:
    """Call `listener(stage, done, total)` while a flow in this process reports progress."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def notify(stage: str, done: int, total: int) -> None:
    """Tell the listeners (the CLI progress bar) how far a stage has got."""
    for listener in list(_listeners):
        listener(stage, done, total)


def batches(items: Sequence[T], size: int) -> list[list[T]]:
    """`items` cut into lists of at most `size`, in order."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _count(value: Any) -> int:
    """A LoadResult field as a number: counts stay counts, lists of ids count their items."""
    if isinstance(value, int | float):
        return int(value)
    return len(value) if hasattr(value, "__len__") else 0


@dataclass
class RunSummary:
    """Counts and reasons of one run: files seen, new, changed, unchanged, failed; reports; findings."""

    flow: str = "nightly"
    sources: int = 0
    files_seen: int = 0
    to_parse: int = 0  # files not yet loaded with the current parser version
    skipped: int = 0  # files already loaded with the current parser version
    loaded: int = 0  # reports written to the warehouse
    new_versions: int = 0  # reports that replaced an earlier version (changed file or newer parser)
    unchanged: int = 0  # reports the warehouse already held identically
    out_of_range: int = 0  # reports dropped by a backfill's year filter
    failed: list[tuple[str, str]] = field(default_factory=list)  # (location, reason)
    statuses: dict[str, int] = field(default_factory=dict)  # ok / partial / failed extractions
    findings: dict[str, int] = field(default_factory=dict)  # severity -> open findings of the reports loaded
    outputs: dict[str, str] = field(default_factory=dict)  # snapshot / comparison / parquet -> path
    seconds: dict[str, float] = field(default_factory=dict)  # stage -> wall seconds
    attention: list[str] = field(default_factory=list)  # markdown: analyst.attention.attention_markdown

    def add_failures(self, failures: Sequence[Any]) -> None:
        """Record fetch failures (anything with `.location` and `.reason`)."""
        self.failed.extend((f.location, f.reason) for f in failures)

    def add_reports(self, reports: Sequence[Any]) -> None:
        """Count extraction statuses; failed extractions are listed with their error."""
        for r in reports:
            self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
            if r.status == "failed":
                self.failed.append((r.source, r.error or "failed"))

    def add_load(self, result: Any) -> None:
        """Add one `Warehouse.load` result (loaded, new_versions, unchanged, failed, findings_by_severity)."""
        self.loaded += _count(getattr(result, "loaded", 0))
        self.new_versions += _count(getattr(result, "new_versions", 0))
        self.unchanged += _count(getattr(result, "unchanged", 0))
        for severity, n in (getattr(result, "findings_by_severity", None) or {}).items():
            self.findings[severity] = self.findings.get(severity, 0) + _count(n)

    @property
    def changed_anything(self) -> bool:
        """True when the warehouse got new rows, so the snapshot and exports need rewriting."""
        return self.loaded > 0 or self.new_versions > 0

    def lines(self) -> list[str]:
        """The summary as short plain lines (the CLI prints these)."""
        ok = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items())) or "none"
        findings = ", ".join(f"{k} {v}" for k, v in sorted(self.findings.items())) or "none"
        return [
            f"sources {self.sources}, files seen {self.files_seen}: {self.to_parse} to parse, "
            f"{self.skipped} already loaded (skipped)",
            f"extracted: {ok}",
            f"warehouse: {self.loaded} reports loaded, {self.new_versions} new versions, {self.unchanged} unchanged"
            + (f", {self.out_of_range} outside the requested years" if self.out_of_range else ""),
            f"findings: {findings}",
            f"failed: {len(self.failed)}",
        ]

    def to_markdown(self) -> str:
        """The run summary as the markdown of a Prefect artifact."""
        rows = [
            ("sources", self.sources),
            ("files seen", self.files_seen),
            ("new or changed (parsed)", self.to_parse),
            ("unchanged (skipped)", self.skipped),
            ("reports loaded", self.loaded),
            ("new versions of known reports", self.new_versions),
            ("unchanged reports", self.unchanged),
            ("failed", len(self.failed)),
        ]
        out = [f"# {self.flow} run", "", "| | count |", "|---|---:|"]
        out += [f"| {k} | {v} |" for k, v in rows]
        out += ["", "## Extraction status", ""]
        out += [f"- {k}: {v}" for k, v in sorted(self.statuses.items())] or ["- nothing parsed"]
        out += ["", "## Findings by severity", ""]
        out += [f"- {k}: {v}" for k, v in sorted(self.findings.items())] or ["- none"]
        if self.failed:
            out += ["", "## Failed", "", "| location | reason |", "|---|---|"]
            out += [f"| `{loc}` | {reason.replace('|', '/')} |" for loc, reason in self.failed]
        out += self.attention
        if self.outputs:
            out += ["", "## Outputs", ""] + [f"- {k}: `{v}`" for k, v in self.outputs.items()]
        if self.seconds:
            out += ["", "## Timing (s)", ""] + [f"- {k}: {v:.2f}" for k, v in self.seconds.items()]
        return "\n".join(out) + "\n"
