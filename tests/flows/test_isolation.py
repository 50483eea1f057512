"""Extraction in worker processes: a file over its time or memory limit ends `failed` with that reason and
costs only itself (a hung converter is killed with its worker); the reports equal in-process extraction."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from nianbao.extractors import extract_file
from nianbao.flows.isolation import Limits, WorkerPool
from nianbao.schemas import Report, SourceFacts
from nianbao.sources import Fetched
from nianbao.sources.store import sha256_of
from tests.flows.harness import SAMPLES

GOOD = [
    SAMPLES / "2020/qinglan_2020.txt",
    SAMPLES / "2020/bailu_2020.html",
    SAMPLES / "2022/songxi_2022.docx",
]


def facts(path: Path) -> SourceFacts:
    return Fetched(str(path), str(path), sha256_of(path), path.stat().st_size).facts()


def fake_soffice(folder: Path, seconds: int) -> Path:
    """A `soffice` that records its pid and sleeps: a converter that hangs (a real process)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "soffice"
    script.write_text(f"#!/bin/sh\necho $$ > {folder}/pid\nexec sleep {seconds}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


def test_reports_equal_in_process_extraction() -> None:
    pool = WorkerPool(Limits(time_limit=60))
    try:
        got = pool.extract([facts(p) for p in GOOD])
    finally:
        pool.close()
    assert [r.to_json() for r in got] == [extract_file(facts(p)).to_json() for p in GOOD]


def test_hung_converter_costs_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = fake_soffice(tmp_path / "bin", 300)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    hung = SAMPLES / "2020/wangyue_2020.doc"
    pool = WorkerPool(Limits(time_limit=5))
    try:
        got = pool.extract([facts(GOOD[0]), facts(hung), facts(GOOD[1])])
    finally:
        pool.close()
    assert [(r.status, r.error) for r in got] == [("ok", None), ("failed", "time limit (5 s)"), ("ok", None)]
    assert (got[1].source, got[1].sha256) == (str(hung), sha256_of(hung))
    pid = int((bin_dir / "pid").read_text())
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid), "the hung converter outlived its worker"


def test_memory_limit_costs_only_its_file(tmp_path: Path) -> None:
    # 12 MB of text: reading it (the bytes, then the decoded text) needs far more than 4 MiB
    big = tmp_path / "big.txt"
    big.write_text("二〇二三年度报告\n" * 500_000, "utf-8")
    tight = WorkerPool(Limits(time_limit=60, memory_mb=4))
    try:
        (over,) = tight.extract([facts(big)])
    finally:
        tight.close()
    assert (over.status, over.error) == ("failed", "memory limit (4 MiB)")
    pool = WorkerPool(Limits(time_limit=60))
    try:
        read, good = pool.extract([facts(big), facts(GOOD[0])])
        # under the default limit the same file is read through (no report in it), the next one is fine
        assert "memory limit" not in (read.error or "") and good.status == "ok"
    finally:
        pool.close()


def test_worker_killed_from_outside_is_replaced() -> None:
    pool = WorkerPool(Limits(time_limit=60, files_per_worker=2))
    try:
        first = pool.extract([facts(GOOD[0])])
        (worker,) = pool._idle
        os.kill(worker.proc.pid, 9)
        worker.proc.wait()
        again = pool.extract([facts(GOOD[0]), facts(GOOD[1]), facts(GOOD[2])])
    finally:
        pool.close()
    assert [r.status for r in first + again] == ["ok", "ok", "ok", "ok"]
    assert again[0].to_json() == first[0].to_json()


def test_a_worker_outlives_the_thread_that_first_used_it() -> None:
    import threading

    pool = WorkerPool(Limits(time_limit=60))
    try:
        first = threading.Thread(target=pool.extract, args=([facts(GOOD[0])],))
        first.start()
        first.join()
        (worker,) = pool._idle
        time.sleep(0.5)  # a parent-death signal tied to the ended thread would have fired by now
        assert [r.status for r in pool.extract([facts(GOOD[1])])] == ["ok"]
        assert pool._idle == [worker] and worker.proc.poll() is None
    finally:
        pool.close()


def test_threads_sharing_a_feed_extract_every_file_once_checked_in_the_worker() -> None:
    import threading
    from dataclasses import replace

    from nianbao.flows.isolation import Feed
    from nianbao.schemas.validate import validate

    files = [*GOOD, *GOOD[:2]]  # five files, two workers: whichever is free takes the next
    feed = Feed([facts(p) for p in files])
    got: list[tuple[str, bool, dict[str, object]]] = []
    lock = threading.Lock()

    def sink(report: Report, checked: bool) -> None:
        with lock:
            got.append((report.source, checked, report.to_json()))

    pool = WorkerPool(Limits(time_limit=60))
    try:
        threads = [threading.Thread(target=pool.stream, args=(feed, sink, True)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(pool._idle) == 2  # two workers ran
    finally:
        pool.close()
    assert sorted(source for source, _, _ in got) == sorted(str(p) for p in files)
    assert all(checked for _, checked, _ in got)
    here = {}
    for p in GOOD:
        r = extract_file(facts(p))
        here[str(p)] = replace(r, findings=[*r.findings, *validate(r)]).to_json()
    assert all(obj == here[source] for source, _, obj in got)  # the same findings as checking here
    assert feed.take() is None


def test_a_stop_drops_the_file_in_flight_and_kills_its_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from nianbao.flows.isolation import Feed

    bin_dir = fake_soffice(tmp_path / "bin", 300)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    feed = Feed([facts(GOOD[0]), facts(SAMPLES / "2020/wangyue_2020.doc"), facts(GOOD[1])])
    got: list[str] = []
    pool = WorkerPool(Limits(time_limit=120))
    try:
        thread = threading.Thread(target=pool.stream, args=(feed, lambda r, c: got.append(r.source)))
        thread.start()
        deadline = time.monotonic() + 60
        while not (bin_dir / "pid").exists():  # the .doc is being converted (and hangs)
            assert time.monotonic() < deadline
            time.sleep(0.05)
        clock = time.monotonic()
        feed.stop()
        pool.kill_busy()
        thread.join(timeout=10)
        assert not thread.is_alive() and time.monotonic() - clock < 5
    finally:
        pool.close()
    assert got == [str(GOOD[0])]  # the one in flight is dropped, the one after never taken
    pid = int((bin_dir / "pid").read_text())
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid) and pool._idle == []
