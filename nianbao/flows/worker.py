"""An extraction worker process: reads SourceFacts from a pipe, extracts each, sends the Report back.

Started by `nianbao.flows.isolation.WorkerPool` as `python -m nianbao.flows.worker READ_FD WRITE_FD MEMORY_MB SIDE_BY_SIDE`. It
caps its own address space at what it uses after imports plus MEMORY_MB, so a file that would take
gigabytes fails with a MemoryError here (reported as "memory limit") instead of taking the machine.
After a memory error the worker sends its report and exits: its heap is not trusted again.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
from multiprocessing.connection import Connection

MEMORY_ERROR = "out of memory while reading"  # the reason extract_file gives for a MemoryError


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the flow process dies (a SIGKILLed run leaves no orphans)."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _address_space() -> int:
    """This process's virtual memory size in bytes (VmSize)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def cap_memory(memory_mb: int) -> None:
    """Limit the address space to what is mapped now plus `memory_mb` MiB (0: no limit).

    Args:
        memory_mb: MiB a single file may add on top of the loaded libraries.
    """
    if memory_mb > 0:
        limit = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve(reader: Connection, writer: Connection, memory_mb: int) -> None:
    """Extract (and check) every file received until the pipe closes.

    Args:
        reader: receives `(SourceFacts, check)`: `check` adds the template's single-report checks
            here, in the worker, so that checking runs beside extraction on every core.
        writer: sends back one `(Report, out_of_memory, checked)` per file; `checked` is False when the
            checks were not asked for or could not run (the flow then runs them itself).
        memory_mb: the per-file memory limit in MiB.
    """
    import importlib
    from dataclasses import replace

    from nianbao.extractors import extract_file
    from nianbao.extractors.api import READERS

    # The readers of the text formats and what they load (lxml, python-docx, pdfplumber) come before
    # the cap: a library that cannot be mapped under it would fail as an ImportError, not as the file
    # being too large. OCR's libraries load on the first scan (a text run never needs them).
    for module in sorted(
        {target.split(":")[0] for target in READERS.values()} - {"nianbao.extractors.readers.ocr"}
    ):
        importlib.import_module(module)
    cap_memory(memory_mb)
    while True:
        try:
            facts, check = reader.recv()
        except (EOFError, OSError):
            return
        try:
            report = extract_file(facts)
        except MemoryError:
            report = None
        out_of_memory = report is None or report.error == MEMORY_ERROR
        checked = False
        if check and report is not None and not out_of_memory:
            try:
                from nianbao.schemas.validate import validate  # imported on first use, under the cap

                report = replace(report, findings=[*report.findings, *validate(report)])
                checked = True
            except Exception:  # the flow checks it again and says what went wrong
                pass
        writer.send((report, out_of_memory, checked))
        if out_of_memory:
            return


def main(argv: list[str]) -> None:
    """Entry point: READ_FD WRITE_FD MEMORY_MB SIDE_BY_SIDE (workers running at once; OCR threads follow)."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the flow, which stops us
    read_fd, write_fd, memory_mb, side_by_side = (int(a) for a in argv)
    from nianbao.extractors.limits import share_cores

    share_cores(side_by_side)  # two workers on two cores: one onnxruntime thread each
    serve(Connection(read_fd, writable=False), Connection(write_fd, readable=False), memory_mb)


if __name__ == "__main__":
    main(sys.argv[1:])
