"""The nightly artifact's lists: reports with errors, missing and late townships."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from nianbao.analyst.attention import attention_markdown
from nianbao.analyst.words import WORDS
from nianbao.flows.summary import RunSummary
from nianbao.warehouse import Warehouse
from tests.schemas.builders import make_report, set_t4

HONGZE_T4 = [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]


def last_due(today: date | None = None) -> int:
    """The last report year whose deadline (31 January of the next year) has passed."""
    today = today or date.today()
    return today.year - (1 if today > date(today.year, 1, 31) else 2)


def region(township: str) -> dict[str, str]:
    return {"province": "江苏省", "city": "淮安市", "district": "洪泽区", "township": township}


def test_errors_missing_and_late_are_listed(tmp_path: Path) -> None:
    wrong = make_report(issuer="洪泽区岔河镇人民政府", year=2023)
    set_t4(wrong, HONGZE_T4)
    late = make_report(issuer="洪泽区高良涧街道办事处", year=2023, published="2024-03-01")
    before = make_report(issuer="洪泽区老子山镇人民政府", year=2022, published="2023-01-20")
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(
            [wrong, late, before],
            regions={
                wrong.sha256: region("岔河镇"),
                late.sha256: region("高良涧街道"),
                before.sha256: region("老子山镇"),
            },
        )
        lines = attention_markdown(wh.con)
    text = "\n".join(lines)
    assert "## " + WORDS["attention_errors"].format(n=1) in text
    row = next(line for line in lines if line.startswith("| 岔河镇 |"))
    assert row.split(" | ")[1:4] == ["洪泽区岔河镇人民政府", "2023", "2"]
    # 2023: 老子山镇 missing, 高良涧 late; 2022: the other two missing; every later year whose
    # deadline has passed: all three missing.
    listed = 4 + 3 * (last_due() - 2023)
    assert "## " + WORDS["attention_late"].format(n=listed) in text
    rows = [line for line in lines if line.startswith("| 洪泽区 |") and int(line.split(" | ")[2]) <= 2023]
    assert rows[:2] == [
        f"| 洪泽区 | 老子山镇 | 2023 | {WORDS['missing']} |  |  |",
        f"| 洪泽区 | 高良涧街道 | 2023 | {WORDS['late']} | 2024-03-01 | 30 |",
    ]
    summary = RunSummary(attention=lines)
    assert "## " + WORDS["attention_late"].format(n=listed) in summary.to_markdown()
