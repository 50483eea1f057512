"""The per-file guard: regular-file checks and the in-process time and memory budget."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from nianbao.extractors.readers.guard import (
    LimitExceeded,
    budget,
    check,
    check_regular,
    open_regular,
    read_bounded,
)
from nianbao.schemas.errors import UnreadableFile


def test_regular_file_passes_and_symlinks_are_followed(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(b"abc")
    link = tmp_path / "link.txt"
    link.symlink_to(p)
    assert check_regular(str(link)).st_size == 3
    with open_regular(str(link)) as fh:
        assert fh.read() == b"abc"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: os.mkfifo(p), "not a regular file: a FIFO (named pipe)"),
        (lambda p: p.symlink_to("/dev/zero"), "not a regular file: a character device"),
        (lambda p: p.mkdir(), "not a regular file: a directory"),
        (lambda p: p.symlink_to(p), "cannot read file: Too many levels of symbolic links"),
        (lambda p: p.symlink_to(p.parent / "missing"), "no such file"),
    ],
)
def test_special_files_are_refused_by_name(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "report.txt"
    make(p)
    with pytest.raises(UnreadableFile) as exc:
        read_bounded(str(p), 100)
    assert exc.value.reason == reason


def test_read_bounded_reads_at_most_one_byte_past_the_limit(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_bytes(b"x" * (3 << 20))
    assert read_bounded(str(p), 3 << 20) == b"x" * (3 << 20)
    with pytest.raises(LimitExceeded) as exc:
        read_bounded(str(p), 2 << 20, "text file")
    assert exc.value.reason == "text file over the 2 MB limit: not a report"


def test_budget_deadline_is_checked_in_reader_loops() -> None:
    with budget("r.pdf", seconds=0.0):
        with pytest.raises(LimitExceeded) as exc:
            check()
    assert exc.value.reason == "time limit: reading took over 0 s"
    check()  # outside a budget: nothing to check


def test_budget_alarm_interrupts_pure_python_work() -> None:
    with pytest.raises(LimitExceeded) as exc:
        with budget("r.pdf", seconds=0.2):
            while True:  # a reader stuck in Python code that never calls check()
                time.sleep(0.01)
    assert exc.value.reason == "time limit: reading took over 0.2 s"


def test_budget_memory_cap() -> None:
    with budget("r.docx", memory=32 << 20):
        hog = bytearray(96 << 20)
        hog[::4096] = b"x" * len(hog[::4096])  # touch every page so it is resident
        time.sleep(0.06)  # memory is sampled at most every 50 ms
        with pytest.raises(LimitExceeded) as exc:
            check()
        del hog
    assert exc.value.reason == "memory limit: reading grew memory by over 32 MB"
