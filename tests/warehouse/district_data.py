"""A small real district for the analyst tests: sample reports of 云岭区 extracted and loaded.

2023 leaves out 白鹭镇 (.doc) and 鹤鸣乡 (.html), so the district has missing townships; 2022 is
there for the change on last year. Extraction runs once per test process (lru_cache).
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nianbao.extractors import extract_file
from nianbao.schemas import Report
from nianbao.warehouse import Warehouse
from tests.conftest import SAMPLES

LEFT_OUT = ("bailu_2023.doc", "heming_2023.html")
FILES_2023 = (
    "fenglin_2023.html",
    "qinglan_2023.docx",
    "qingshui_2023.docx",
    "shiquan_2023.txt",
    "songxi_2023.pdf",
    "wangyue_2023.pdf",
)
FILES_2022 = (
    "bailu_2022.html",
    "fenglin_2022.docx",
    "heming_2022.pdf",
    "qinglan_2022.html",
    "qingshui_2022.docx",
    "shiquan_2022.html",
    "songxi_2022.docx",
    "wangyue_2022.txt",
)


def regions_by_file() -> dict[str, dict[str, Any]]:
    """File name -> region, from samples/sources.yaml (the same globs the pipeline uses)."""
    spec = yaml.safe_load((SAMPLES / "sources.yaml").read_text("utf-8"))["district"]
    out: dict[str, dict[str, Any]] = {}
    for name in FILES_2022 + FILES_2023:
        for t in spec["townships"]:
            if any(fnmatch.fnmatch(f"reports/x/{name}", g) for g in t["globs"]):
                out[name] = {
                    "province": spec.get("province"),
                    "city": spec["city"],
                    "district": spec["name"],
                    "township": t["name"],
                    "code": t.get("code"),
                }
    return out


@lru_cache(maxsize=1)
def extracted() -> tuple[Report, ...]:
    """The sample reports, extracted once."""
    files = [SAMPLES / "reports" / "2022" / f for f in FILES_2022] + [
        SAMPLES / "reports" / "2023" / f for f in FILES_2023
    ]
    return tuple(extract_file(f) for f in files)


def district_name() -> str:
    return str(yaml.safe_load((SAMPLES / "sources.yaml").read_text("utf-8"))["district"]["name"])


def township_of(file_name: str) -> str:
    return str(regions_by_file()[file_name]["township"])


def build(data_dir: Path) -> tuple[Path, Path]:
    """Load the samples into DATA_DIR/nianbao.duckdb and publish DATA_DIR/snapshot/nianbao.duckdb."""
    regions = regions_by_file()
    reports = list(extracted())
    by_sha = {r.sha256: regions[Path(r.source).name] for r in reports}
    db = data_dir / "nianbao.duckdb"
    snap = data_dir / "snapshot" / "nianbao.duckdb"
    data_dir.mkdir(parents=True, exist_ok=True)
    with Warehouse(db) as wh:
        wh.load(reports, regions=by_sha)
        wh.publish_snapshot(snap)
    return db, snap
