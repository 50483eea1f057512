"""The suite's child process: reads one case per stdin line (JSON), extracts it, answers one line.

Runs under the memory rlimit its parent set. Per case it reports the report's status and reason,
the seconds taken, the peak resident memory of the case (VmHWM, reset before each case), whether
an exception escaped `extract_file`, and, for mutated real reports, the numbers that differ from
the truth file without a finding that names their cell or row.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any


def _peak_rss() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux >= 4.0)
    except OSError:
        pass


def unflagged_wrong_numbers(report: Any, findings: list[Any], truth_path: str) -> list[str]:
    """Cells whose value differs from the truth file while no finding names the cell or its row.

    Args:
        report: the extracted Report.
        findings: its findings plus validation's.
        truth_path: the sample's *.truth.json.
    """
    from nianbao.schemas.text import parse_value
    from tests.expected import expected_cells

    truth = json.loads(Path(truth_path).read_text("utf-8"))
    got = {c.key: c for c in report.cells}
    flagged: set[str] = set()
    text = []
    for f in findings:
        flagged.update(str(k) for k in (f.cells or {}))
        text.append(f.message)
    joined = "\n".join(text)
    # a reader warning that the file is damaged flags every number read from it
    damaged = any(f.rule == "reader_warning" and "damaged" in f.message for f in findings)
    wrong = []
    for key, want in expected_cells(truth).items():
        if key is None or key not in got:
            continue
        cell = got[key]
        if isinstance(want, str):
            pv = parse_value(want)
            want = pv.value if pv else None
        if cell.value is None:
            continue  # missing or blank is not wrong (a finding says what is missing)
        if want is not None and abs(float(cell.value) - float(want)) <= 1e-9:
            continue
        path = ".".join(key)
        row = ".".join(key[:2])
        if (
            damaged
            or path in flagged
            or any(k.startswith(row + ".") or k == row for k in flagged)
            or row in joined
        ):
            continue
        wrong.append(f"{path}: truth {want!r}, read {cell.value!r} (raw {cell.raw!r})")
    return wrong


def run_case(path: str, truth: str | None) -> dict[str, Any]:
    """Extract one file and describe the outcome."""
    from nianbao.extractors import extract_file
    from nianbao.schemas.validate import validate

    _reset_peak()
    t0 = time.monotonic()
    out: dict[str, Any] = {"escaped": None}
    try:
        report = extract_file(path)
    except BaseException as exc:  # noqa: BLE001 - the very thing the suite looks for
        if isinstance(exc, KeyboardInterrupt):
            raise
        out["escaped"] = "".join(traceback.format_exception(exc))[-2000:]
        out["seconds"] = time.monotonic() - t0
        out["peak_rss"] = _peak_rss()
        return out
    out.update(status=report.status, error=report.error, cells=len(report.cells))
    findings = list(report.findings)
    try:
        findings += validate(report)
    except Exception as exc:
        out["escaped"] = f"validate raised {type(exc).__name__}: {exc}"
    out["wrong"] = unflagged_wrong_numbers(report, findings, truth) if truth else []
    out["seconds"] = time.monotonic() - t0
    out["peak_rss"] = _peak_rss()
    return out


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        result = run_case(case["path"], case.get("truth"))
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
