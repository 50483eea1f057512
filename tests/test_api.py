"""The Python API: `nianbao.read` against every sample's truth file, and docs/python-api.md run as a test.

The doc's `>>>` examples are executed (doctest) against the bundled samples and a warehouse that a
real `nianbao run` builds once per module in a temporary folder. When the API's output changes on
purpose, rewrite the doc's outputs from a real run with `python -m tests.test_api --write`.
"""

from __future__ import annotations

import doctest
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import nianbao
from nianbao.schemas.frames import value_kind
from nianbao.schemas.text import parse_value
from tests.conftest import REPO, SAMPLES
from tests.expected import expected_cells

DOC = REPO / "docs/python-api.md"
NIANBAO = str(Path(sys.executable).parent / "nianbao")
TRUTHS = sorted((SAMPLES / "reports").rglob("*.truth.json"))
_BLANK = " \t\u3000\u00a0"


# ------------------------------------------------------------------------------------------------
# nianbao.read against the truth files
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_cells() -> pd.DataFrame:
    """Every bundled sample, read once (relative paths, as a notebook in the repo would)."""
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        return nianbao.read("samples/reports")
    finally:
        os.chdir(cwd)


def _differences(cells: pd.DataFrame, truth: dict[str, Any], source: str) -> list[str]:
    """Every way the frame's cells of one file differ from its truth file."""
    mine = cells[cells["source"] == source]
    got = {(r.table, r.row_code, r.col_code): r for r in mine.itertuples(index=False)}
    out: list[str] = []
    for key, want in expected_cells(truth).items():
        if key is None:  # a printed row the template does not have (kept in extra_cells)
            continue
        r = got.get(key)
        if r is None:
            out.append(f"{key}: missing")
            continue
        number = r.amount if pd.notna(r.amount) else r.value
        if isinstance(want, str):
            parsed = parse_value(want)
            want_number = parsed.value if parsed else None
            if r.raw.strip(_BLANK) != want.strip(_BLANK):
                out.append(f"{key}: raw {r.raw!r}, printed {want!r}")
        else:
            want_number = want
            parsed = parse_value(r.raw)
            if parsed is None or parsed.value != want:
                out.append(f"{key}: raw {r.raw!r} does not read as {want!r}")
        if want_number is None:
            if pd.notna(r.value) or pd.notna(r.amount):
                out.append(f"{key}: printed blank {want!r}, got {number!r}")
        elif pd.isna(number) or float(number) != float(want_number):
            out.append(f"{key}: printed {want_number!r}, got {number!r}")
        if pd.notna(r.value if value_kind(r.table, r.col_code) == "amount" else r.amount):
            out.append(f"{key}: count/amount in the wrong column")
    return out


def test_read_gives_every_sample_value(sample_cells: pd.DataFrame) -> None:
    assert len(TRUTHS) == 25 and sample_cells["source"].nunique() == 25
    compared = 0
    for path in TRUTHS:
        truth = json.loads(path.read_text("utf-8"))
        source = str(path.relative_to(REPO))[: -len(".truth.json")]
        assert _differences(sample_cells, truth, source) == [], source
        compared += sum(1 for k in expected_cells(truth) if k is not None)
    assert compared == len(sample_cells) == 4994  # every cell of the frame is one the truth names


def test_blanks_are_missing_with_their_raw_text(sample_cells: pd.DataFrame) -> None:
    empty = sample_cells[sample_cells["source"] == "samples/reports/2020/qinglan_2020.txt"]
    assert len(empty) == 198 and empty["value"].isna().all() and empty["amount"].isna().all()
    assert set(empty["raw"]) == {"", "\u00a0"}  # kept as printed: empty, or a no-break space
    marker = sample_cells[sample_cells["raw"].isin(["-", "无"])]
    assert len(marker) > 0 and marker["value"].isna().all()
    assert (sample_cells["value"] == 0).sum() > 0  # printed zeros stay zeros


def test_read_frame_follows_the_schema(sample_cells: pd.DataFrame) -> None:
    from nianbao.schemas.frames import CELLS

    assert list(sample_cells.columns) == CELLS.names
    assert {k: str(v) for k, v in sample_cells.dtypes.items()} == CELLS.dtypes
    fees = sample_cells[sample_cells["col_code"] == "fee_amount"]
    assert fees["value"].isna().all() and fees["amount"].notna().sum() > 0


def test_wide_one_report_in_printed_order(sample_cells: pd.DataFrame) -> None:
    one = sample_cells[sample_cells["source"] == "samples/reports/2023/qinglan_2023.docx"]
    t4 = nianbao.wide(one, "t4")
    from nianbao.schemas import TEMPLATE

    assert list(t4.columns) == [c.label for c in TEMPLATE.table("t4").columns]
    assert list(t4.index) == [r.label for r in TEMPLATE.table("t4").rows]
    assert t4.iloc[0].tolist() == [7, 3, 1, 0, 0]  # 行政复议: the planted 总计 0, kept as printed
    t3 = nianbao.wide(one, "t3")  # a 2019 table 3 in a 2023 report
    assert list(t3.index) == [r.label for r in TEMPLATE.table("t3").rows_for("2019")]
    with pytest.raises(ValueError, match="several files for one report"):
        nianbao.wide(sample_cells, "t3")
    with pytest.raises(ValueError, match="unknown table 't5'"):
        nianbao.wide(one, "t5")


def test_read_a_missing_file_gives_no_cells_and_a_finding(tmp_path: Path) -> None:
    missing = tmp_path / "nope.docx"
    assert len(nianbao.read(missing)) == 0
    f = nianbao.read_findings(missing)
    assert f[["rule", "severity"]].values.tolist() == [["extraction_failed", "error"]]


# ------------------------------------------------------------------------------------------------
# docs/python-api.md
# ------------------------------------------------------------------------------------------------
def sources_yaml(folder: Path) -> Path:
    """Two townships of the samples (no scans, so the run stays short), with region codes."""
    reports = SAMPLES / "reports"
    text = (
        "district:\n  name: 云岭区\n  city: 青溪市\n  code: '990102000000'\n  townships:\n"
        f"    - {{name: 松溪镇, code: '990102101000', globs: ['{reports}/*/songxi_*']}}\n"
        f"    - {{name: 青岚乡, code: '990102201000', globs: ['{reports}/*/qinglan_*']}}\n"
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sources.yaml"
    path.write_text(text, "utf-8")
    return path


def build_warehouse(folder: Path) -> Path:
    """The real sample warehouse: `nianbao run` of samples/sources.yaml (all eight townships, scans
    included, as `make run` builds it) into folder/data; returns the data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    env["PYTHONPATH"] = str(REPO)
    data = folder / "data"
    done = subprocess.run(
        [NIANBAO, "run", "--source", str(SAMPLES / "sources.yaml"), "--data-dir", str(data)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return data


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("api-warehouse"))


@pytest.fixture
def in_repo(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run as the doc says: from the repository, with NIANBAO_DATA_DIR naming the warehouse."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(data_dir))
    saved = {k: pd.get_option(k) for k in _DISPLAY}  # the doc sets these, as a notebook would
    yield data_dir
    for k, v in saved.items():
        pd.set_option(k, v)


_DISPLAY = ("display.width", "display.max_columns", "display.unicode.east_asian_width")

_FLAGS = doctest.NORMALIZE_WHITESPACE


def test_python_api_doc_runs_as_printed(in_repo: Path) -> None:
    text = DOC.read_text("utf-8")
    test = doctest.DocTestParser().get_doctest(text, {}, "python-api.md", str(DOC), 0)
    assert len(test.examples) >= 20
    assert all("```" not in ex.want for ex in test.examples)  # each block ends in a blank line
    out = io.StringIO()
    result = doctest.DocTestRunner(optionflags=_FLAGS).run(test, out=out.write)
    assert result.failed == 0, out.getvalue()


def test_every_api_function_is_documented() -> None:
    text = DOC.read_text("utf-8")
    for name in nianbao.__all__:
        if name != "__version__":
            assert f"## `nianbao.{name}" in text, name


def write_doc(text: str, globs: dict[str, Any]) -> str:
    """The doc with each example's output replaced by what running it prints now."""
    parts = doctest.DocTestParser().parse(text)
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        buf = io.StringIO()
        with redirect_stdout(buf):
            try:
                exec(compile(part.source, "<doc>", "single"), globs)
            except Exception as exc:  # shown as doctest shows it
                print(f"Traceback (most recent call last):\n{type(exc).__name__}: {exc}")
        pad = " " * part.indent
        lines = part.source.rstrip("\n").split("\n")
        out.append(pad + ">>> " + lines[0] + "\n")
        out += [pad + "... " + ln + "\n" for ln in lines[1:]]
        for ln in buf.getvalue().rstrip("\n").split("\n") if buf.getvalue().strip() else []:
            # Only ASCII blanks go: doctest compares other characters escaped, so a trailing
            # full-width space (a blank cell's raw text) is output like any other.
            out.append(pad + (ln.rstrip(" ") or "<BLANKLINE>") + "\n")
    return "".join(out)


if __name__ == "__main__" and "--write" in sys.argv:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NIANBAO_DATA_DIR"] = str(build_warehouse(Path(tmp)))
        os.chdir(REPO)
        DOC.write_text(write_doc(DOC.read_text("utf-8"), {}), "utf-8")
    print(f"wrote {DOC}")


def test_connect_without_a_snapshot_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no snapshot at .*: run `nianbao run` first"):
        nianbao.connect(tmp_path)


def test_read_keeps_the_region_code_a_source_gives() -> None:
    import hashlib

    from nianbao.schemas import SourceFacts

    path = SAMPLES / "reports/2022/bailu_2022.html"
    facts = SourceFacts(
        path=str(path),
        location="https://example.gov.cn/bailu_2022.html",
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        size=path.stat().st_size,
        region="990102102000",
    )
    cells = nianbao.read([facts])
    assert set(cells["region_code"]) == {"990102102000"}
    assert set(cells["source"]) == {"https://example.gov.cn/bailu_2022.html"}
    assert set(cells["prov_file"]) == {str(path)}  # provenance names the file actually read


def test_read_findings_checks_a_year_against_the_one_before() -> None:
    # 2023/bailu_2023.doc: 上年结转 re-counted, so it differs from 2022's 结转下年度 (planted).
    alone = nianbao.read_findings(SAMPLES / "reports/2023/bailu_2023.doc")
    both = nianbao.read_findings(
        [SAMPLES / "reports/2022/bailu_2022.html", SAMPLES / "reports/2023/bailu_2023.doc"]
    )
    assert "carry_over_mismatch" not in set(alone["rule"])
    mine = both[both["year"] == 2023]
    carry = mine[mine["rule"] == "carry_over_mismatch"]
    assert carry["cells"].tolist() == [
        '{"t3.carried_in.natural": 3, "previous.t3.carry_over.natural": 1}',
        '{"t3.carried_in.total": 3, "previous.t3.carry_over.total": 1}',
    ]
    assert carry[["expected", "actual"]].values.tolist() == [[1.0, 3.0], [1.0, 3.0]]


def test_wide_of_a_report_without_issuer_or_year() -> None:
    from tests.schemas.builders import make_report

    rep = make_report(issuer=None, year=None)  # type: ignore[arg-type]
    t4 = nianbao.wide(nianbao.read(rep), "t4")
    assert t4.values.tolist() == [[2, 1, 0, 1, 4], [1, 0, 0, 1, 2], [0, 0, 1, 0, 1]]
    two = nianbao.read([rep, make_report(year=2022)])
    years = nianbao.wide(two, "t4").index.get_level_values("year")
    assert str(years.dtype) == "Int64" and years.tolist()[::3] == [2022, pd.NA]


@pytest.mark.slow
def test_run_summary_findings_and_read_findings_count_the_same(tmp_path: Path) -> None:
    """One definition of the findings (current_findings: every part of every current report,
    cross-year ones included, open ones): after a real run of the bundled samples the run summary,
    `nianbao findings` and `nianbao.read_findings` agree, severity by severity."""
    import re

    from typer.testing import CliRunner

    from nianbao.analyst.words import SEVERITY
    from nianbao.cli import app

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    env["PYTHONPATH"] = str(REPO)
    data = tmp_path / "data"
    done = subprocess.run(
        [NIANBAO, "run", "--source", str(SAMPLES / "sources.yaml"), "--data-dir", str(data)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("findings: "))
    from_run = {k: int(v) for k, v in re.findall(r"(error|warning|info) (\d+)", line)}
    api = nianbao.read_findings(data_dir=data)["severity"].value_counts().to_dict()
    words = {v: k for k, v in SEVERITY.items()}
    listed: dict[str, int] = {}
    # `findings` lists the checklist (问题清单), `findings --notes` the reading notes (读取记录): together
    # they are the open findings the run summary and the API count.
    for extra in ([], ["--notes"]):
        result = CliRunner().invoke(app, ["findings", "--data-dir", str(data), *extra])
        assert result.exit_code == 0, result.output
        for ln in result.output.splitlines()[1:]:
            listed[words[ln.split()[0]]] = listed.get(words[ln.split()[0]], 0) + 1
    assert {k: v for k, v in from_run.items() if v} == api == listed
    con = nianbao.connect(data)
    try:
        kinds = con.execute(
            "SELECT count(*) FILTER (WHERE origin = 'cross_year'), count(*) FILTER (WHERE part_rank > 1) "
            "FROM current_findings"
        ).fetchall()
    finally:
        con.close()
    assert kinds[0][0] > 0 and kinds[0][1] > 0  # the findings the three counts once disagreed on
