"""Extraction in worker processes, each file under a wall-clock and a memory limit.

Threads do not parallelise the parsers (the GIL), and one hostile file (a content-stream bomb, a
table with a span of a billion, a FIFO named report.txt) must cost only itself. Each extraction task
checks a worker process out of a pool, sends it one file at a time and waits at most `time_limit`
seconds for the report. A worker that overruns is killed with everything it started and replaced;
a worker that runs out of its memory cap reports it and is replaced. Either way the file ends
`failed` with "time limit (N s)" or "memory limit (N MiB)" and the batch goes on.

Workers are plain subprocesses (not multiprocessing children), so they also start inside Dask
workers, which are daemonic processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import nianbao
from nianbao.schemas import Report, SourceFacts

# The folder that holds the `nianbao` package (site-packages, or a checkout), for the worker processes.
PACKAGE_ROOT = Path(nianbao.__file__).resolve().parent.parent
_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nianbao-spawn")


@dataclass(frozen=True)
class Limits:
    """What one file may cost: wall-clock seconds and MiB of memory; files per worker before renewal;
    and how many workers run side by side (OCR then gives each its share of the cores)."""

    time_limit: float = 120.0
    memory_mb: int = 2048
    files_per_worker: int = 500
    side_by_side: int = 1


def failed_report(facts: SourceFacts, reason: str) -> Report:
    """A failed Report for a file whose extraction was stopped.

    Args:
        facts: the file.
        reason: why, e.g. "time limit (60 s)".
    """
    from nianbao.extractors import PARSER_VERSION

    return Report(
        source=facts.location,
        sha256=facts.sha256,
        format=facts.format or "unknown",
        status="failed",
        error=reason,
        parser_version=PARSER_VERSION,
    )


def _descendants(pid: int) -> list[int]:
    """Every process started by `pid`, children first (read from /proc, so no extra dependency)."""
    out: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{parent}/task/{tid}/children") as f:
                    kids = [int(k) for k in f.read().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


_started = [0]  # worker processes started by this process (a Dask worker's count shows it took work)


def started_here() -> int:
    """How many extraction worker processes this process has started."""
    return _started[0]


class Worker:
    """One extraction process and its two pipes."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        _started[0] += 1
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        # Started from one long-lived thread: Linux sends the parent-death signal when the *thread*
        # that started a child ends, and task threads come and go.
        self.proc = _SPAWNER.submit(
            subprocess.Popen,
            [
                sys.executable,
                "-P",  # not the current folder first: the package this run imported, from PACKAGE_ROOT
                "-m",
                "nianbao.flows.worker",
                str(to_child_r),
                str(from_child_w),
                str(limits.memory_mb),
                str(limits.side_by_side),
            ],
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        ).result()
        os.close(to_child_r)
        os.close(from_child_w)
        self.send = Connection(to_child_w, readable=False)
        self.recv = Connection(from_child_r, writable=False)
        self.done = 0

    @property
    def alive(self) -> bool:
        """False once the process has exited or has served its quota of files."""
        return self.proc.poll() is None and self.done < self.limits.files_per_worker

    def extract(self, facts: SourceFacts, check: bool = False) -> tuple[Report, bool, bool]:
        """Extract one file; returns the report, whether this worker must be replaced, and whether the
        report was checked (the template's single-report checks, run in the worker when `check`).

        Args:
            facts: the file and what its source knows about it.
            check: add the checks in the worker (beside extraction, on every core).
        """
        self.done += 1
        try:
            self.send.send((facts, check))
            if not self.recv.poll(self.limits.time_limit):
                self.kill()
                return failed_report(facts, f"time limit ({self.limits.time_limit:g} s)"), True, False
            report, out_of_memory, checked = self.recv.recv()
        except (EOFError, OSError):
            self.kill()
            code = self.proc.returncode
            why = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            return failed_report(facts, f"extraction process died ({why})"), True, False
        if out_of_memory:
            self.kill()
            return failed_report(facts, f"memory limit ({self.limits.memory_mb} MiB)"), True, False
        return report, False, checked

    def kill(self) -> None:
        """Kill the worker and every process it started (a hung converter too), then reap it."""
        for pid in [*_descendants(self.proc.pid), self.proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        self.send.close()
        self.recv.close()


class WorkerPool:
    """Idle workers shared by the extraction tasks of this process (one worker per running task)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._stopping = False
        self._lock = threading.Lock()

    def prestart(self, n: int) -> None:
        """Start `n` workers now (they import the extractors while the caller does something else).

        Args:
            n: how many; workers already idle count towards it.
        """
        with self._lock:
            missing = max(0, n - len(self._idle))
        fresh = [Worker(self.limits) for _ in range(missing)]
        with self._lock:
            self._idle.extend(fresh)

    def _take(self) -> Worker | None:
        with self._lock:
            return self._idle.pop() if self._idle else None

    def extract(self, files: list[SourceFacts], check: bool = False) -> list[Report]:
        """Extract `files` one after another in one worker; a bad file costs only itself.

        Args:
            files: the batch, in order; reports come back in the same order.
            check: add the template's single-report checks (in the worker where it can).
        """
        reports: list[Report] = []

        def keep(report: Report, checked: bool) -> None:
            reports.append(checked_report(report) if check and not checked else report)

        self.stream(Feed(files), keep, check)
        return reports

    def stream(self, feed: Feed, sink: Callable[[Report, bool], None], check: bool = False) -> int:
        """Extract files taken from `feed` one at a time in one worker until it is empty or stopped.

        Several threads share one feed, one worker each: whichever is free takes the next file, so
        the workers stay busy to the end. Each report goes to `sink(report, checked)` as it comes.

        Args:
            feed: the files to extract (shared with other threads).
            sink: receives every report and whether the worker checked it.
            check: run the template's single-report checks in the worker.
        Returns the number of files extracted by this call.
        """
        n = 0
        worker = self._take()
        try:
            while (facts := feed.take()) is not None:
                if worker is None or not worker.alive:
                    if worker is not None:
                        worker.kill()
                    worker = self._new_worker()
                with self._lock:
                    self._busy.add(worker)
                try:
                    report, replace, checked = worker.extract(facts, check)
                finally:
                    with self._lock:
                        self._busy.discard(worker)
                if feed.stopped:  # the run is stopping: what this worker was doing is dropped
                    break
                sink(report, checked)
                n += 1
                if replace:
                    worker = None  # the old one is dead; a new one starts when needed
        finally:
            if worker is not None:
                if feed.stopped:
                    worker.kill()
                else:
                    with self._lock:
                        self._idle.append(worker)
        return n

    def _new_worker(self) -> Worker:
        with self._lock:
            if self._stopping:
                raise RuntimeError("the extraction workers are stopping")
        return Worker(self.limits)

    def kill_busy(self) -> None:
        """Kill the workers extracting a file now (a run that stops: their files are dropped)."""
        with self._lock:
            self._stopping = True
            busy = list(self._busy)
        for worker in busy:
            for pid in [*_descendants(worker.proc.pid), worker.proc.pid]:
                try:
                    os.kill(pid, signal.SIGKILL)  # the thread that waits on it reaps it
                except ProcessLookupError:
                    pass

    def close(self) -> None:
        """Stop every idle worker (closing its pipe ends its loop; stragglers are killed)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.send.close()
            deadline = time.monotonic() + 2
            while worker.proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            worker.kill()


class Feed:
    """The files still to extract, handed out one at a time to the threads that drive the workers.

    Args:
        files: in the order they are to be taken.
    """

    def __init__(self, files: list[SourceFacts]) -> None:
        self._files = list(reversed(files))
        self._lock = threading.Lock()
        self.stopped = False

    def take(self) -> SourceFacts | None:
        """The next file, or None when there is none left or the feed was stopped."""
        with self._lock:
            return None if self.stopped or not self._files else self._files.pop()

    def stop(self) -> None:
        """Hand out nothing more (a run that stops)."""
        with self._lock:
            self.stopped = True
            self._files.clear()


def checked_report(report: Report) -> Report:
    """The report with the template's single-report checks added to its findings."""
    from dataclasses import replace

    from nianbao.schemas.validate import validate

    return replace(report, findings=[*report.findings, *validate(report)])


def stop_pools() -> None:
    """Kill every busy worker of this process now (the run is stopping; idle ones go at `close_pools`)."""
    with _pools_lock:
        pools = list(_pools.values())
    for pool in pools:
        pool.kill_busy()


_pools: dict[Limits, WorkerPool] = {}
_pools_lock = threading.Lock()


def pool_for(limits: Limits) -> WorkerPool:
    """The process-wide pool for these limits (created on first use)."""
    with _pools_lock:
        return _pools.setdefault(limits, WorkerPool(limits))


def close_pools() -> None:
    """Stop every worker of this process (end of a run)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()
