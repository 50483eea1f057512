"""What every read goes through: a regular-file check before opening, and a per-file budget.

* `open_regular` refuses anything that is not a regular file *after* following symlinks (a FIFO
  named report.txt blocks `open()` forever; a symlink to /dev/zero never ends), opens with
  O_NONBLOCK so a file swapped for a FIFO between the check and the open cannot block, and checks
  the opened descriptor again.
* `budget(path)` bounds one read in process: a wall-clock deadline and a cap on the growth of
  resident memory. Readers call `check()` in their loops (per page, per table, per stream); in the
  main thread a SIGALRM timer also interrupts pure-Python work (pdfminer) that runs past the
  deadline. Worker processes with rlimits (flows) are the hard bound; this one makes the in-process
  path (`nianbao extract`, tests) end with a reason too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, Any

from nianbao.extractors.limits import LIMITS
from nianbao.schemas.errors import UnreadableFile

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


class LimitExceeded(UnreadableFile):
    """A read ran past one of the per-file limits (time, memory, size); readers never swallow it."""


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def check_regular(path: str) -> os.stat_result:
    """The file's stat after following symlinks; raises UnreadableFile unless it is a regular file.

    Args:
        path: the file (a symlink is followed to what it names).
    """
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:  # also a symlink to nothing
        raise UnreadableFile(path, "no such file") from exc
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read file: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableFile(path, f"not a regular file: {_kind(st.st_mode)}")
    return st


def check_size(path: str) -> int:
    """The size of a regular file; raises UnreadableFile when empty or over `LIMITS.max_file_bytes`.

    Args:
        path: the file.
    """
    size = check_regular(path).st_size
    if size == 0:
        raise UnreadableFile(path, "empty file")
    if size > LIMITS.max_file_bytes:
        raise LimitExceeded(
            path, f"file is {size / 2**20:.0f} MB, over the {LIMITS.max_file_bytes // 2**20} MB limit"
        )
    return size


def open_regular(path: str) -> IO[bytes]:
    """Open a regular file for reading without ever blocking on a FIFO or device.

    Args:
        path: the file.

    Raises:
        UnreadableFile: missing, unreadable, or not a regular file.
    """
    check_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read file: {exc.strerror or exc}") from exc
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):  # swapped between the check and the open
        os.close(fd)
        raise UnreadableFile(path, f"not a regular file: {_kind(st.st_mode)}")
    return os.fdopen(fd, "rb")


def read_bounded(path: str, max_bytes: int, what: str = "file") -> bytes:
    """All bytes of a regular file, refusing one over `max_bytes` after reading at most max_bytes+1.

    Args:
        path: the file.
        max_bytes: the largest size accepted.
        what: how the refusal names the file ("text file", "HTML file").
    """
    with open_regular(path) as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise LimitExceeded(path, f"{what} over the {max_bytes // 2**20} MB limit: not a report")
    return data


# ------------------------------------------------------------------------------------------------
# Per-file budget
# ------------------------------------------------------------------------------------------------
@dataclass
class _Budget:
    path: str
    deadline: float
    seconds: float
    rss_cap: int
    memory: int
    next_memory_check: float = 0.0


_CURRENT: ContextVar[_Budget | None] = ContextVar("nianbao_read_budget", default=None)
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes() -> int:
    """Resident memory of this process (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def check() -> None:
    """Raise LimitExceeded when the current read is past its deadline or memory cap (else cheap)."""
    b = _CURRENT.get()
    if b is None:
        return
    now = time.monotonic()
    if now > b.deadline:
        raise LimitExceeded(b.path, f"time limit: reading took over {b.seconds:g} s")
    if now >= b.next_memory_check:
        b.next_memory_check = now + 0.05
        rss = resident_bytes()
        if rss > b.rss_cap:
            raise LimitExceeded(b.path, f"memory limit: reading grew memory by over {b.memory // 2**20} MB")


def _on_alarm(signum: int, frame: Any) -> None:
    b = _CURRENT.get()
    if b is not None:
        raise LimitExceeded(b.path, f"time limit: reading took over {b.seconds:g} s")


@contextlib.contextmanager
def budget(path: str, seconds: float | None = None, memory: int | None = None) -> Iterator[None]:
    """Bound one read: `check()` inside raises LimitExceeded past the deadline or memory cap.

    Args:
        path: the file being read (named in the reason).
        seconds: wall-clock limit; default `LIMITS.seconds_per_file`.
        memory: allowed growth of resident memory; default `LIMITS.memory_per_file`.
    """
    if _CURRENT.get() is not None:  # nested read (a converted .doc): the outer budget holds
        yield
        return
    secs = LIMITS.seconds_per_file if seconds is None else seconds
    mem = LIMITS.memory_per_file if memory is None else memory
    token = _CURRENT.set(_Budget(path, time.monotonic() + secs, secs, resident_bytes() + mem, mem))
    use_alarm = (
        threading.current_thread() is threading.main_thread()
        and hasattr(signal, "setitimer")
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # someone else's timer: leave it alone
    )
    previous: Any = None
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, secs)
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        _CURRENT.reset(token)


def check_blocks(path: str, blocks: list[Any]) -> None:
    """Refuse a document whose blocks or table cells are over `LIMITS.max_blocks`/`max_document_cells`.

    Args:
        path: the file (named in the reason).
        blocks: the reader's blocks (paragraph strings, headings, tables) before segmentation.
    """
    n = sum(1 for b in blocks if not isinstance(b, str) or b.strip())  # blank lines cost nothing
    if n > LIMITS.max_blocks:
        raise LimitExceeded(path, f"{n} paragraphs and tables (limit {LIMITS.max_blocks}): not a report")
    cells = sum(len(row) for b in blocks for row in (getattr(b, "rows", None) or ()))
    # text rows (`a | b | c`, TAB-prefixed cells) become table cells when segmented: count them first
    cells += sum(b.count("|") + b.count("\t") for b in blocks if isinstance(b, str))
    if cells > LIMITS.max_document_cells:
        raise LimitExceeded(
            path, f"{cells} table cells in all (limit {LIMITS.max_document_cells}): not a report"
        )
