"""The measurements of `bench/run.py`, one function per stage; each returns plain rows for RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.baseline import BASELINES  # noqa: E402
from bench.corpus import SCANS, pool  # noqa: E402

TIME_LINE = re.compile(
    r"time: (?P<total>[\d.]+) s total(?:, Prefect API startup (?P<api>[\d.]+) s \(waited (?P<wait>[\d.]+) s\))?"
)


def machine() -> dict[str, str]:
    """What the figures ran on."""
    model = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in ln
        ),
        platform.processor(),
    )
    mem = next(
        ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")
    )
    return {
        "cpu": f"{model}, {os.cpu_count()} cores",
        "memory": f"{int(mem) / 1024 / 1024:.0f} GiB",
        "system": f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
        "load average at start": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def per_format(repeat: int) -> list[dict[str, Any]]:
    """nianbao vs the plain library on the sample pool, one process, `repeat` passes per file."""
    from nianbao.extractors import extract_file

    files = pool(scan_share=1, doc_share=0)
    rows: list[dict[str, Any]] = []
    for kind, paths in files.items():
        if not paths:
            continue
        reps = 1 if kind == "scan" else repeat
        for p in paths:
            extract_file(p)  # warm: imports, OCR model
        clock = time.perf_counter()
        for _ in range(reps):
            for p in paths:
                extract_file(p)
        ours = len(paths) * reps / (time.perf_counter() - clock)
        row: dict[str, Any] = {"format": "pdf (scan, OCR)" if kind == "scan" else kind, "files": len(paths)}
        row["nianbao reports/s"] = ours
        if kind in BASELINES:
            label, read = BASELINES[kind]
            clock = time.perf_counter()
            for _ in range(reps):
                for p in paths:
                    read(p)
            base = len(paths) * reps / (time.perf_counter() - clock)
            row |= {"baseline": label, "baseline reports/s": base, "nianbao / baseline": ours / base}
        rows.append(row)
    return rows


def text_files(corpus: Path) -> list[Path]:
    """The corpus files nianbao reads without OCR or LibreOffice."""
    scans = {Path(s).name for s in SCANS}
    return sorted(
        p
        for p in corpus.rglob("*")
        if p.suffix in (".docx", ".html", ".txt", ".pdf") and not any(p.name.endswith(s) for s in scans)
    )


def parallel_extraction(corpus: Path, workers: int, batch: int = 8) -> dict[str, Any]:
    """Text formats: one process in a loop vs the flow's worker pool with `workers` processes."""
    from nianbao.extractors import extract_file
    from nianbao.flows.isolation import Limits, WorkerPool
    from nianbao.sources import Fetched
    from nianbao.sources.store import sha256_of

    files = text_files(corpus)
    facts = [Fetched(str(p), str(p), sha256_of(p), p.stat().st_size).facts() for p in files]
    clock = time.perf_counter()
    for f in facts:
        extract_file(f)
    single = time.perf_counter() - clock
    work = [facts[i : i + batch] for i in range(0, len(facts), batch)]
    lock = threading.Lock()
    pool = WorkerPool(Limits())

    def drain() -> None:
        while True:
            with lock:
                if not work:
                    return
                item = work.pop()
            pool.extract(item)

    clock = time.perf_counter()
    pool.prestart(workers)  # the flow starts its workers while the Prefect API starts
    warm = [threading.Thread(target=pool.extract, args=([facts[0]],)) for _ in range(workers)]
    for t in warm:
        t.start()
    for t in warm:
        t.join()
    startup = time.perf_counter() - clock
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    clock = time.perf_counter()
    threads = [threading.Thread(target=drain) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    parallel = time.perf_counter() - clock  # started workers, as in the flow
    pool.close()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "files": len(files),
        "single process s": single,
        "single reports/s": len(files) / single,
        f"{workers} worker processes s": parallel,
        "pool reports/s": len(files) / parallel,
        "speed-up": single / parallel,
        "worker start s (once per run)": startup,
        "worker CPU s": cpu,
        "cores used (worker CPU / wall)": cpu / parallel,
    }


def nianbao_run(corpus: Path, data: Path, workers: int) -> dict[str, Any]:
    """`nianbao run` in a subprocess: wall seconds, its summary lines, peak memory of it and its workers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "PREFECT_"))}
    env.update(PYTHONPATH=str(REPO), NIANBAO_WORKERS=str(workers))
    out = tempfile.TemporaryFile("w+")
    clock = time.perf_counter()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "nianbao"),
            "run",
            "--source",
            str(corpus),
            "--data-dir",
            str(data),
        ],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - clock
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    lines = [ln.rstrip() for ln in out.read().splitlines()]
    m = next((TIME_LINE.search(ln) for ln in lines if TIME_LINE.search(ln)), None)
    summary = [ln for ln in lines if ln.startswith(("sources ", "extracted:", "warehouse:", "failed:"))]
    return {
        "exit": proc.returncode,
        "seconds": seconds,
        "api startup s": float(m["api"]) if m and m["api"] else None,
        "api waited s": float(m["wait"]) if m and m["wait"] else None,
        "summary": summary,
        "peak MiB (largest process)": usage.ru_maxrss / 1024,
    }


def warehouse(total: int, batch: int) -> dict[str, Any]:
    """Load `total` synthetic reports in batches (one year per batch), then the analyst queries."""
    from bench.bench_warehouse import DISTRICT_QUERY, OVERVIEW_QUERY, synthetic_reports
    from nianbao.warehouse import Warehouse

    out: dict[str, Any] = {"reports": total, "batch": batch, "load s": [], "cells": 0}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        wh = Warehouse(path)
        for b in range(total // batch):
            reports, regions = synthetic_reports(batch, seed=b + 1)
            keyed: dict[str, dict[str, str]] = {}
            for i, r in enumerate(reports):
                old = r.sha256
                r.sha256 = f"{b:08x}{i:056x}"
                r.source = f"https://bench.gov.cn/{b}/{i}.pdf"
                r.year = 2024 - (total // batch) + b  # one year per batch: cross-year checks find last year
                keyed[r.sha256] = regions[old]
            out["cells"] += sum(len(r.cells) for r in reports)
            clock = time.perf_counter()
            wh.load(reports, regions=keyed)
            out["load s"].append(time.perf_counter() - clock)
            del reports
        last = 2023
        for name, sql in (
            ("district applications (t3 wide)", DISTRICT_QUERY),
            ("district overview", OVERVIEW_QUERY),
        ):
            runs = []
            for k in range(5):
                clock = time.perf_counter()
                wh.query(sql, [f"区{k:02d}", last])
                runs.append(time.perf_counter() - clock)
            out[f"query {name} ms"] = (1000 * min(runs), 1000 * max(runs))
        clock = time.perf_counter()
        wh.publish_snapshot(Path(tmp) / "snapshot.duckdb")
        out["publish snapshot s"] = time.perf_counter() - clock
        out["database MB"] = path.stat().st_size / 1e6
        wh.close()
    out["peak MiB (bench process)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


# -- the nightly flow against one-process extraction (issue 19.2) ------------------------------------
FLOW_LINE = re.compile(
    r"time: (?P<total>[\d.]+) s total, Prefect API startup (?P<api>[\d.]+) s \(waited (?P<wait>[\d.]+) s\), "
    r"flow (?P<flow>[\d.]+) s"
)


def flow_vs_one_process(corpus: Path, data: Path, workers: int, rounds: int = 2) -> list[dict[str, Any]]:
    """`nianbao extract FOLDER --json` (one extraction process, the baseline) then a cold `nianbao run` of
    the same files (the nightly flow), `rounds` times in turn, so both see the same machine.

    The flow's figure is its own time (the `flow N s` of its closing line): the Prefect API's start-up
    is reported beside it, with the part of it the run waited for.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "PREFECT_"))}
    env.update(PYTHONPATH=str(REPO), NIANBAO_WORKERS=str(workers))
    nianbao = str(Path(sys.executable).parent / "nianbao")
    files = len(text_files(corpus))
    rows: list[dict[str, Any]] = []
    for k in range(rounds):
        clock = time.perf_counter()
        done = subprocess.run([nianbao, "extract", str(corpus), "--json"], env=env, capture_output=True)
        one = time.perf_counter() - clock
        extracted = done.stdout.count(b"\n")
        target = data / f"round-{k}"
        clock = time.perf_counter()
        run = subprocess.run(
            [nianbao, "run", "--source", str(corpus), "--data-dir", str(target)],
            env=env,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - clock
        m = next((FLOW_LINE.search(ln) for ln in run.stdout.splitlines() if FLOW_LINE.search(ln)), None)
        flow = float(m["flow"]) if m else float("nan")
        rows.append(
            {
                "round": k + 1,
                "files": files,
                "one process s (extract exit)": f"{one:.1f} ({done.returncode}, {extracted} reports)",
                "flow s": flow,
                "flow / one process": flow / one,
                "Prefect API start-up s (waited)": f"{m['api']} ({m['wait']})" if m else "",
                "run wall s (exit)": f"{wall:.1f} ({run.returncode})",
                "load average": f"{os.getloadavg()[0]:.1f}",
            }
        )
    return rows
