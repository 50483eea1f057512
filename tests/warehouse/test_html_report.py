"""The district report page, opened in real headless Chromium (Debian's chromium package)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from lxml import html as lxml_html
from PIL import Image

from nianbao.analyst.district import Overview, district_overview
from nianbao.analyst.html_report import write_html
from nianbao.analyst.words import SEVERITY, WORDS
from nianbao.warehouse.readonly import connect_readonly
from tests.warehouse.district_data import build, district_name

CHROMIUM = shutil.which("chromium") or "chromium"
WINDOW = (1280, 900)


def chromium(tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a file URL with no network, no sync and a throwaway profile."""
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp / 'profile'}",
            "--enable-logging=stderr",
            "--log-level=0",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            *args,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Overview, Path]:
    d = tmp_path_factory.mktemp("html")
    _db, snap = build(d / "data")
    con = connect_readonly(snap)
    overview = district_overview(con, district_name(), 2023)
    con.close()
    return snap, overview, write_html(overview, d / "report.html")


def test_figures_in_the_rendered_page_match_the_warehouse(
    page: tuple[Path, Overview, Path], tmp_path: Path
) -> None:
    snap, o, path = page
    run = chromium(tmp_path, path.as_uri(), "--dump-dom")
    assert console_messages(run.stderr) == []
    dom = lxml_html.fromstring(run.stdout)
    con = duckdb.connect(str(snap), read_only=True)
    expected = con.execute(
        "select c.township, c.status, o.applications_new, o.review_total, o.errors from coverage c "
        "left join report_overview o on o.report_id = c.report_id where c.year = 2023 order by c.township"
    ).fetchall()
    con.close()
    rows = dom.xpath("//table[@id='overview']/tbody/tr[@data-township]")
    assert [r.get("data-township") for r in rows] == [e[0] for e in expected]
    for row, (_township, status, new, review, errors) in zip(rows, expected, strict=True):
        cell = {td.get("data-key"): (td.text or "") for td in row.xpath("td")}
        assert cell["status"] == WORDS[status]
        assert cell["fig:applications_new"] == ("" if new is None else f"{new:g}")
        assert cell["fig:review_total"] == ("" if review is None else f"{review:g}")
        assert cell["errors"] == ("" if errors is None else str(errors))
        assert (row.get("class") == "missing") == (status == "missing")
    total = {td.get("data-key"): td.text or "" for td in dom.xpath("//tr[@class='total']/td")}
    assert (
        total["township"] == WORDS["total"] and total["status"] == "" and total["chg:applications_new"] == ""
    )
    assert total["fig:applications_new"] == f"{sum(e[2] for e in expected if e[2] is not None):g}"
    bars = dom.xpath("//*[local-name()='rect'][@class='bar']")
    assert [(b.get("data-label"), b.get("data-value")) for b in bars[: len(rows)]] == [
        (e[0], "" if e[2] is None else str(float(e[2]))) for e in expected
    ]
    items = dom.xpath("//ol[@id='findings']/li")
    assert [li.get("class") for li in items[:3]] == ["error", "error", "warning"]  # one misprint, one error
    assert items[0].xpath("b")[0].text == SEVERITY["error"]
    notes = dom.xpath("//ol[@id='notes']/li[@data-rule]")
    assert len(items) + len(notes) == len(o.findings) and notes  # the checklist and the 读取记录
    assert all(f["note"] for f in o.findings if f["rule"] in {n.get("data-rule") for n in notes})
    assert dom.xpath("//h2[text()=$t]", t=WORDS["overrides_title"])  # 更正记录, empty here
    assert dom.xpath("string(//p[@id='overrides'])") == WORDS["overrides_none"]


def test_console_errors_are_seen(tmp_path: Path) -> None:
    """The console check can fail: a page that logs an error shows up in Chromium's log."""
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><script>console.error("boom")</script></body></html>', encoding="utf-8")
    assert any('"boom"' in m for m in console_messages(chromium(tmp_path, bad.as_uri(), "--dump-dom").stderr))


def test_page_needs_no_network(page: tuple[Path, Overview, Path]) -> None:
    text = page[2].read_text("utf-8")
    dom = lxml_html.fromstring(text)
    assert dom.xpath("//@src | //@href | //script | //link") == [] and "url(" not in text
    assert "default-src 'none'" in text  # anything that tried to load would be blocked and logged


def test_screenshot_is_not_blank(page: tuple[Path, Overview, Path], tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    run = chromium(tmp_path, page[2].as_uri(), f"--screenshot={shot}")
    assert console_messages(run.stderr) == []
    with Image.open(shot) as im:
        assert im.size == WINDOW
        rgb = im.convert("RGB")
        colors = rgb.getcolors(maxcolors=1 << 20)
        assert colors is not None and len(colors) > 50  # text, table fills, not a blank page
        white = max(colors)[0]
        assert white < 0.95 * WINDOW[0] * WINDOW[1]
