"""Warehouse benchmark: load N synthetic reports, then time district comparison queries.

    python bench/bench_warehouse.py                # 10,000 reports (2.0M cells with the real template)
    python bench/bench_warehouse.py --reports 15000  # ~3M cells

Reports are built as `Report` objects (the loader's real input) from the template, with random but
identity-consistent numbers, spread over 100 districts × 100 townships and two years. Prints
figures; not a test. Targets: load < 30 s, district query < 1 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from nianbao.analyst.compare import write_comparison

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nianbao.schemas import TEMPLATE, Cell, Provenance, Report  # noqa: E402
from nianbao.warehouse import Warehouse  # noqa: E402

DISTRICT_QUERY = """
SELECT township, issuer, row_code, natural_person, business, research, public_interest, legal_service,
       other_org, total
FROM applications
WHERE district = ? AND year = ?
ORDER BY township, row_order
"""
OVERVIEW_QUERY = """
SELECT township, applications_new, applications_carry_over, review_total, suits_total, errors, warnings
FROM report_overview WHERE district = ? AND year = ? ORDER BY township
"""


def synthetic_reports(n: int, seed: int = 1) -> tuple[list[Report], dict[str, dict[str, str]]]:
    """n reports over 100 districts x 100 townships x 2 years; ~1 in 20 has a printed inconsistency."""
    rnd = random.Random(seed)
    blocks, groups, grid = (TEMPLATE.of_kind(k) for k in ("blocks", "groups", "grid"))
    t3_rows = {v: [r for r in TEMPLATE.of_kind("groups").rows_for(v)] for v in ("2019", "2021")}
    t3_cols = TEMPLATE.of_kind("groups").columns
    results = set(TEMPLATE.of_kind("groups").sets["results"])
    reports: list[Report] = []
    regions: dict[str, dict[str, str]] = {}
    for i in range(n):
        district, township, year = f"区{i % 100:02d}", f"镇{(i // 100) % 100:02d}", 2022 + (i // 10000) % 2
        v = "2021" if rnd.random() < 0.8 else "2019"
        sha = f"{i:064x}"
        src = f"https://bench.gov.cn/{sha[-8:]}.pdf"
        prov = Provenance(file=src, page=3)
        rep = Report(
            source=src,
            sha256=sha,
            format="pdf",
            issuer=f"{district}{township}人民政府",
            year=year,
            variants={t.id: v for t in TEMPLATE.varied},
            sections=["overview", "active", "applications", "review_litigation", "problems", "other"],
            parser_version="bench",
        )
        cells = rep.cells
        for b in TEMPLATE.blocks:
            for r in b.rows[v]:
                rl = TEMPLATE.of_kind("blocks").row_by_code[r].label_for(v)
                for c in b.columns[v]:
                    x = rnd.randint(0, 50)
                    cells.append(Cell(blocks.id, r, c, rl, c, x, str(x), block=b.label, provenance=prov))
        parts: dict[str, list[int]] = {}
        for row in t3_rows[v]:
            if row.code in results:
                parts[row.code] = [rnd.choice((0, 0, 0, 1, 2, 5)) for _ in range(6)]
        r7 = [sum(p[k] for p in parts.values()) for k in range(6)]
        carry = [rnd.randint(0, 2) for _ in range(6)]
        carried_in = [rnd.randint(0, 2) for _ in range(6)]
        parts |= {
            "r7_total": r7,
            "carry_over": carry,
            "carried_in": carried_in,
            "new": [r7[k] + carry[k] - carried_in[k] for k in range(6)],
        }
        for row in t3_rows[v]:
            vals = parts[row.code] + [sum(parts[row.code])]
            for col, x in zip(t3_cols, vals, strict=True):
                cells.append(
                    Cell(groups.id, row.code, col.code, row.label, col.label, x, str(x), provenance=prov)
                )
        for row in TEMPLATE.of_kind("grid").rows:
            p4 = [rnd.choice((0, 0, 1, 2)) for _ in range(4)]
            total = sum(p4) if rnd.random() > 0.05 else 0  # hongze-style printed 0
            for col, x in zip(TEMPLATE.of_kind("grid").columns, p4 + [total], strict=True):
                cells.append(
                    Cell(grid.id, row.code, col.code, row.label, col.label, x, str(x), provenance=prov)
                )
        reports.append(rep)
        regions[sha] = {"province": "某省", "city": "某市", "district": district, "township": township}
    return reports, regions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, default=None, help="keep the database at this path")
    args = ap.parse_args()

    t0 = time.perf_counter()
    reports, regions = synthetic_reports(args.reports)
    n_cells = sum(len(r.cells) for r in reports)
    t_build = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.duckdb"
        wh = Warehouse(path)
        t0 = time.perf_counter()
        res = wh.load(reports, regions=regions)
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = wh.load(reports)
        t_noop = time.perf_counter() - t0

        timings = {}
        for name, sql in (
            ("district applications (t3 wide)", DISTRICT_QUERY),
            ("district overview", OVERVIEW_QUERY),
        ):
            runs = []
            for k in range(5):
                t0 = time.perf_counter()
                rows = wh.query(sql, [f"区{k:02d}", 2022])
                runs.append(time.perf_counter() - t0)
            timings[name] = (min(runs), max(runs), len(rows))
        t0 = time.perf_counter()
        write_comparison(wh.con, Path(tmp) / "cmp.xlsx", district="区07", year=2022)
        t_xlsx = time.perf_counter() - t0
        t0 = time.perf_counter()
        wh.publish_snapshot(Path(tmp) / "snapshot.duckdb")
        t_snap = time.perf_counter() - t0
        t0 = time.perf_counter()
        files = wh.export_parquet(Path(tmp) / "pq")
        t_pq = time.perf_counter() - t0
        size = path.stat().st_size
        wh.close()

    print(f"reports {args.reports:,}  cells {n_cells:,}  (built in {t_build:.1f} s)")
    print(f"load (validate + insert, one transaction): {t_load:.1f} s  = {n_cells / t_load:,.0f} cells/s")
    print(f"  loaded {res.loaded:,}, findings {res.findings_by_severity}")
    print(f"reload of the same batch (no-op): {t_noop:.1f} s, unchanged {again.unchanged:,}")
    for name, (lo, hi, n) in timings.items():
        print(f"query {name}: {lo * 1000:.0f}-{hi * 1000:.0f} ms ({n} rows)")
    print(f"comparison workbook for one district: {t_xlsx:.2f} s")
    print(f"publish snapshot: {t_snap:.2f} s  (file {size / 1e6:.0f} MB)")
    print(f"parquet export: {t_pq:.2f} s, {len(files)} files")


if __name__ == "__main__":
    main()
