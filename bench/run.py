"""All benchmarks in one command; writes bench/RESULTS.md.

    make bench                                           # = .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --sizes 100,1000     # without the 10,000-report corpus (~20 min less)
    .venv/bin/python bench/run.py --quick                # 100 reports, 10,000-report warehouse (a check)
    .venv/bin/python bench/run.py --province 0           # skip the 8,000-report province run (~8 min)

Stages: the machine; per-format throughput beside a plain-library baseline (same files, same run);
OCR seconds per page of generated scans against plain RapidOCR on the same pages (`bench/bench_ocr.py`);
text-format extraction in one process vs the flow's worker processes; `nianbao run` cold and
incremental on generated corpora of each size (mixed formats and both templates, many issuers and
years, scans in proportion); warehouse load and analyst queries on a large synthetic warehouse;
peak memory throughout. Figures only: nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import bench_ocr, stages  # noqa: E402
from bench.corpus import generate  # noqa: E402

RESULTS = REPO / "bench" / "RESULTS.md"
PROVINCE = 8000  # reports of a province: the end-to-end goal is < 15 minutes on 2 cores
FLOW_FILES = 550  # text-format reports: the nightly flow against one-process extraction (goal <= 0.65x)


def _table(rows: list[dict[str, Any]]) -> list[str]:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    out = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        out.append("| " + " | ".join(_fmt(r.get(k, "")) for k in keys) + " |")
    return out


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.2f}" if v < 100 else f"{v:,.0f}"
    if isinstance(v, tuple):
        return "–".join(_fmt(x) for x in v)
    return str(v)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--sizes", default="100,1000,10000", help="corpus sizes, comma-separated (default 100,1000,10000)"
    )
    ap.add_argument("--warehouse", type=int, default=100_000, help="reports in the warehouse benchmark")
    ap.add_argument("--scan-share", type=float, default=0.01, help="share of OCR scans in the corpora")
    ap.add_argument("--repeat", type=int, default=3, help="passes per file in the per-format stage")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--province",
        type=int,
        default=PROVINCE,
        help=f"reports in the end-to-end province run, HTML/DOCX/text PDF only (default {PROVINCE:,}; 0 skips)",
    )
    ap.add_argument(
        "--quick", action="store_true", help="100 reports, a 10,000-report warehouse, no province run"
    )
    ap.add_argument(
        "--flow-files",
        type=int,
        default=FLOW_FILES,
        help=f"text-format reports for the flow vs one process (default {FLOW_FILES}; 0 skips)",
    )
    ap.add_argument("--note", default="", help="a line for RESULTS.md (e.g. what else ran on the machine)")
    ap.add_argument(
        "--flow-only",
        action="store_true",
        help="only the flow against one process; print its RESULTS.md section instead of writing the file",
    )
    a = ap.parse_args()
    if a.flow_only:
        with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print("\n".join(flow_section(Path(tmp), a.flow_files or FLOW_FILES, a.workers)))
            print(f"\n(load average before: {load}; after: {' '.join(f'{x:.1f}' for x in os.getloadavg())})")
        return
    sizes = [100] if a.quick else [int(s) for s in a.sizes.split(",")]
    wh_reports = 10_000 if a.quick else a.warehouse
    province_n = 0 if a.quick else a.province
    started = time.perf_counter()
    md = ["# Benchmark results", "", "Written by `make bench` (`bench/run.py`); rerun it to refresh.", ""]
    info = stages.machine()
    print("machine:", info, flush=True)

    print("per-format throughput …", flush=True)
    fmt_rows = stages.per_format(a.repeat)
    print("scans: nianbao OCR against plain RapidOCR …", flush=True)
    ocr = bench_ocr.run()
    flow_rows: list[dict[str, Any]] = []
    growth: list[dict[str, Any]] = []
    parallel: dict[str, Any] = {}
    province: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        for n in sizes:
            corpus = Path(tmp) / f"corpus-{n}"
            counts = generate(corpus, n, scan_share=a.scan_share)
            print(f"corpus {n}: {dict(counts)}", flush=True)
            if n == next((m for m in sizes if m >= 1000), sizes[-1]):  # enough files to outlast start-up
                print("parallel extraction …", flush=True)
                parallel = stages.parallel_extraction(corpus, a.workers)
            data = Path(tmp) / f"data-{n}"
            cold = stages.nianbao_run(corpus, data, a.workers)
            print(f"  cold: {cold['seconds']:.1f} s", flush=True)
            warm = stages.nianbao_run(corpus, data, a.workers)
            print(f"  incremental: {warm['seconds']:.1f} s", flush=True)
            mix = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            flow_rows += [
                {"reports": n, "mix": mix, "run": "cold", **_flow(cold)},
                {"reports": n, "run": "incremental", **_flow(warm)},
            ]
            growth.append(
                {
                    "reports": n,
                    "cold s": cold["seconds"],
                    "reports/s": n / cold["seconds"],
                    "incremental s": warm["seconds"],
                    "incremental speed-up": cold["seconds"] / warm["seconds"],
                    "peak MiB": cold["peak MiB (largest process)"],
                }
            )
        if province_n:
            corpus = Path(tmp) / "province"
            counts = generate(corpus, province_n, scan_share=0.0, seed=7)
            print(f"province {province_n}: {dict(counts)}", flush=True)
            province = stages.nianbao_run(corpus, Path(tmp) / "data-province", a.workers)
            province["mix"] = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            province["reports"] = province_n
            print(f"  province cold: {province['seconds']:.1f} s", flush=True)
        flow_md = flow_section(Path(tmp), a.flow_files, a.workers)
    print(f"warehouse {wh_reports:,} …", flush=True)
    wh = stages.warehouse(wh_reports, batch=min(10_000, wh_reports))
    info["load average at end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    info["bench wall time"] = f"{time.perf_counter() - started:.0f} s"

    md += ["## Machine", ""] + [f"- {k}: {v}" for k, v in info.items()]
    if a.note:
        md += [f"- note: {a.note}"]
    md += ["", "## Headline", ""] + _headline(growth, parallel, province)
    md += ["", "## Per format, one process (sample pool, same files for both)", ""] + _table(fmt_rows)
    md += ["", "## Scans: nianbao OCR against plain RapidOCR, same pages, same run", ""] + bench_ocr.markdown(
        ocr
    )
    md += ["", f"## Text formats: one process vs {a.workers} worker processes", ""] + _table([parallel])
    md += ["", "## `nianbao run` on generated corpora", ""] + _table(flow_rows)
    md += ["", "## Growth with corpus size", ""] + _table(growth)
    if province:
        md += ["", f"## A province: {province['reports']:,} HTML/DOCX/text-PDF reports, cold, end to end", ""]
        md += _table([{"reports": province["reports"], "mix": province["mix"], **_flow(province)}])
    md += flow_md
    md += ["", f"## Warehouse: {wh_reports:,} reports", ""] + _warehouse(wh)
    RESULTS.write_text("\n".join(md) + "\n", "utf-8")
    print(f"wrote {RESULTS}")


def flow_section(tmp: Path, n: int, workers: int) -> list[str]:
    """The nightly flow against one-process `nianbao extract` of the same text-format files (issue 19.2)."""
    if n <= 0:
        return []
    corpus = tmp / "flow-text"
    counts = generate(corpus, n, scan_share=0.0, seed=19)
    print(f"flow vs one process, {n} text-format reports: {dict(counts)}", flush=True)
    rows = stages.flow_vs_one_process(corpus, tmp / "data-flow", workers)
    for r in rows:
        print(
            f"  round {r['round']}: flow {r['flow s']:.1f} s, {r['flow / one process']:.2f}x one process",
            flush=True,
        )
    ratios = sorted(r["flow / one process"] for r in rows)
    mix = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    return [
        "",
        f"## The nightly flow against one process: {n} text-format reports ({mix})",
        "",
        f"- `nianbao run` cold (flow time, {workers} workers) against one-process `nianbao extract` of the same "
        f"files, in turn in the same run: {', '.join(f'{x:.2f}×' for x in ratios)} (goal ≤ 0.65×); "
        "the Prefect API's start-up is beside it, not in the flow time",
        "",
        *_table(rows),
    ]


def _flow(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "exit": r["exit"],
        "wall s": r["seconds"],
        "Prefect API start s (waited)": f"{_fmt(r['api startup s'])} ({_fmt(r['api waited s'])})",
        "summary": "; ".join(r["summary"]),
        "peak MiB": r["peak MiB (largest process)"],
    }


def _headline(growth: list[dict[str, Any]], parallel: dict[str, Any], province: dict[str, Any]) -> list[str]:
    pool_rate = parallel.get("pool reports/s", 0.0)
    out = [
        f"- text-format extraction, {parallel.get('files')} files: {parallel.get('speed-up', 0):.2f}× the "
        f"single-process rate with the worker processes (goal ≥ 1.8× on 2 cores); the workers used "
        f"{parallel.get('cores used (worker CPU / wall)', 0):.2f} cores on average",
        f"- at that pool rate ({pool_rate:.1f} reports/s), {PROVINCE:,} HTML/DOCX/text-PDF reports take "
        f"{PROVINCE / max(pool_rate, 1e-9) / 60:.1f} min of extraction (goal: < 15 min end to end)",
    ]
    if growth:
        big = growth[-1]
        rate = big["reports/s"]
        out += [
            f"- `nianbao run`, {big['reports']:,} reports cold (scans included, fixed start-up costs too): "
            f"{big['cold s']:.0f} s ({rate:.1f} reports/s)",
            f"- incremental rerun: {big['incremental speed-up']:.1f}× faster than cold, parsing nothing "
            "(goal ≥ 5×)",
        ]
    if province:
        out.append(
            f"- a province, {province['reports']:,} HTML/DOCX/text-PDF reports through `nianbao run` cold, end to "
            f"end: {province['seconds'] / 60:.1f} min ({province['reports'] / province['seconds']:.1f} reports/s, "
            f"exit {province['exit']}; goal < 15 min)"
        )
    return out


def _warehouse(wh: dict[str, Any]) -> list[str]:
    loads = wh.pop("load s")
    out = [
        f"- {wh['reports']:,} reports, {wh['cells']:,} cells, loaded in batches of {wh['batch']:,} "
        f"(one report year per batch): {sum(loads):.1f} s in all; first batch {loads[0]:.1f} s, "
        f"last {loads[-1]:.1f} s ({wh['cells'] / sum(loads):,.0f} cells/s)"
    ]
    out += [f"- {k}: {_fmt(v)}" for k, v in wh.items() if k not in ("reports", "cells", "batch")]
    return out


if __name__ == "__main__":
    main()
