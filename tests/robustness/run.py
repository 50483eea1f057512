"""Run the robustness suite: every generated case through `extract_file` in a bounded child process.

    python -m tests.robustness.run            # the reduced set (what pytest runs)
    python -m tests.robustness.run --full     # every case (>= 1,000), with a summary
    python -m tests.robustness.run --full --seed 7 --workers 2 --keep /tmp/cases

Each worker process runs under `resource.setrlimit(RLIMIT_AS)` (the memory limit) and in its own
session; a case that runs past the wall-clock limit has the worker's whole process group killed
(LibreOffice included) and counts as a hang. Exit status 0 when there are no crashes, hangs,
memory failures, unclear reasons, unmet expectations or wrong numbers without a finding.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.robustness.generate import generate
from tests.robustness.hostile import Case

REPO = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 3 * 2**30  # address space of a worker (OCR maps ~1.3 GB)
TIME_LIMIT = 120.0  # seconds per case; the slowest bounded cases (PDF drawing, CMaps) take ~20-50 s


@dataclass
class Outcome:
    case: Case
    kind: str  # ok | partial | failed | crash | hang | memory
    detail: str = ""
    seconds: float = 0.0
    peak_rss: int = 0
    problems: list[str] = field(default_factory=list)


class Worker:
    """One child process running tests.robustness.worker under the memory rlimit."""

    def __init__(self, memory: int) -> None:
        self.memory = memory
        self.proc: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        mem = self.memory

        def limits() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))

        env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
        return subprocess.Popen(
            [sys.executable, "-m", "tests.robustness.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=str(REPO),
            preexec_fn=limits,
            start_new_session=True,
        )

    def kill(self) -> str:
        """Kill the worker's process group; its stderr tail."""
        if self.proc is None:
            return ""
        proc, self.proc = self.proc, None
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            _, err = proc.communicate(timeout=10)
        except (subprocess.TimeoutExpired, ValueError, OSError):
            err = ""
        return (err or "")[-1500:]

    def run(self, case: Case, timeout: float) -> dict[str, Any] | str:
        """The worker's answer, or "hang"/"died: ..." when it gave none."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        assert self.proc.stdin is not None and self.proc.stdout is not None
        msg = {"path": os.fsdecode(case.path), "truth": str(case.truth) if case.truth else None}
        try:
            self.proc.stdin.write(json.dumps(msg) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return "died: " + self.kill()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.kill()
            return "hang"
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.poll()
            return f"died (exit {code}): " + self.kill()
        result: dict[str, Any] = json.loads(line)
        return result


def judge(case: Case, answer: dict[str, Any] | str, memory: int) -> Outcome:
    """Classify one answer and list what it breaks."""
    if isinstance(answer, str):
        if answer == "hang":
            return Outcome(case, "hang", problems=["hang: no answer within the time limit"])
        oom = any(
            s in answer for s in ("MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory")
        )
        kind = "memory" if oom else "crash"
        return Outcome(case, kind, answer[-600:], problems=[f"{kind}: worker {answer[:300]}"])
    out = Outcome(case, str(answer.get("status", "crash")), str(answer.get("error") or ""))
    out.seconds = float(answer.get("seconds", 0.0))
    out.peak_rss = int(answer.get("peak_rss", 0))
    if answer.get("escaped"):
        out.kind = "crash"
        out.problems.append("crash: " + str(answer["escaped"])[-600:])
        return out
    err = out.detail
    if out.kind == "failed":
        if "out of memory" in err or "memory limit" in err:
            out.kind = "memory"
            out.problems.append(f"memory: {err}")
        elif err.startswith("internal error"):
            out.kind = "crash"
            out.problems.append(f"crash (reader bug reported as failure): {err}")
        elif not err.strip() or "\n" in err.strip():
            out.problems.append(f"failed without a clear one-line reason: {err!r}")
        elif case.reason and case.reason.lower() not in err.lower():
            out.problems.append(f"reason {err!r} does not mention {case.reason!r}")
    elif case.expect == "failed":
        out.problems.append(f"expected a refusal, got status {out.kind} ({answer.get('cells')} cells)")
    if out.peak_rss > memory:
        out.problems.append(f"memory: peak {out.peak_rss >> 20} MB over the {memory >> 20} MB limit")
    for w in answer.get("wrong") or []:
        out.problems.append(f"wrong number without a finding: {w}")
    return out


def run_cases(cases: list[Case], workers: int = 2, timeout: float = TIME_LIMIT, memory: int = MEMORY_LIMIT,
              progress: bool = False) -> list[Outcome]:  # fmt: skip
    """Run cases on `workers` child processes; outcomes in the order of `cases`."""
    todo: queue.Queue[tuple[int, Case]] = queue.Queue()
    for item in enumerate(cases):
        todo.put(item)
    results: dict[int, Outcome] = {}
    lock = threading.Lock()

    def loop() -> None:
        w = Worker(memory)
        try:
            while True:
                try:
                    i, case = todo.get_nowait()
                except queue.Empty:
                    return
                t0 = time.monotonic()
                outcome = judge(case, w.run(case, timeout), memory)
                outcome.seconds = outcome.seconds or time.monotonic() - t0
                with lock:
                    results[i] = outcome
                    if progress and len(results) % 50 == 0:
                        print(f"  {len(results)}/{len(cases)} cases", file=sys.stderr, flush=True)
        finally:
            w.kill()

    threads = [threading.Thread(target=loop) for _ in range(max(1, workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [results[i] for i in range(len(cases))]


def summary(outcomes: list[Outcome], seconds: float) -> dict[str, Any]:
    """The figures the issue asks for, plus per-family counts and the slowest cases."""
    kinds = Counter(o.kind for o in outcomes)
    problems = [p for o in outcomes for p in o.problems]
    wrong = sum(1 for p in problems if p.startswith("wrong number"))
    return {
        "cases tried": len(outcomes),
        "ok": kinds["ok"],
        "partial": kinds["partial"],
        "failed with a reason": kinds["failed"],
        "crashes": kinds["crash"],
        "hangs": kinds["hang"],
        "memory over limit": kinds["memory"] + sum(1 for p in problems if p.startswith("memory: peak")),
        "wrong numbers without a finding": wrong,
        "other problems": len(problems) - wrong - kinds["crash"] - kinds["hang"] - kinds["memory"],
        "families": dict(sorted(Counter(o.case.family for o in outcomes).items())),
        "peak memory of a case (MB)": max((o.peak_rss for o in outcomes), default=0) >> 20,
        "slowest cases (s)": {
            o.case.name: round(o.seconds, 1) for o in sorted(outcomes, key=lambda o: -o.seconds)[:5]
        },
        "wall-clock (s)": round(seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true", help="every case (default: the reduced CI set)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=TIME_LIMIT)
    ap.add_argument("--keep", type=Path, help="write the cases here and keep them")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nianbao-robust-") as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        cases = generate(where, seed=args.seed, full=args.full)
        print(
            f"generated {len(cases)} cases in {time.monotonic() - t0:.0f} s (seed {args.seed})",
            file=sys.stderr,
        )
        t1 = time.monotonic()
        outcomes = run_cases(cases, args.workers, args.timeout, progress=True)
        figures = summary(outcomes, time.monotonic() - t1)
    for o in outcomes:
        for p in o.problems:
            print(f"PROBLEM {o.case.family} {o.case.name}: {p}")
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    bad = sum(len(o.problems) for o in outcomes)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
