"""Command-line hygiene: exit codes (0 ok, 1 some inputs failed, 2 usage error) and user mistakes as one
line on stderr, no traceback; `--debug` shows the traceback. Run in-process, exact stdout and stderr."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nianbao import __version__
from nianbao.cli import app
from nianbao.flows.settings import Settings
from tests.conftest import SAMPLES

KNOWN = ", ".join(f"NIANBAO_{k.upper()}" for k in Settings.keys())


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("NIANBAO_", "PREFECT_API_URL")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    assert _invoke("--version") == (0, f"nianbao {__version__}\n", "")


def test_extract_missing_file_is_one_line_and_exit_1() -> None:
    assert _invoke("extract", "nope.docx") == (1, "", "error: nope.docx: no such file\n")


def test_extract_human_output_never_prints_none(tmp_path: Path) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text("这不是年度报告。\n", encoding="utf-8")
    code, out, err = _invoke("extract", str(blank))
    assert (code, err) == (1, "")
    assert out.splitlines()[:4] == [
        str(blank),
        out.splitlines()[1],
        "  format    txt   variants t2=unknown t3=unknown",
        "  issuer    unknown   year unknown   published unknown",
    ]
    assert out.splitlines()[1].startswith("  status    failed (")
    assert "None" not in out


def test_extract_ok_exits_0() -> None:
    code, out, err = _invoke("extract", str(SAMPLES / "reports/2020/qinglan_2020.txt"), "--no-validate")
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == "  status    ok"


def test_run_with_a_missing_source_is_an_error_not_an_empty_publish(tmp_path: Path) -> None:
    assert _invoke("run", "--source", "/nonexistent", "--data-dir", "d") == (
        2,
        "",
        "error: /nonexistent: no such file or folder (give a folder, a sources.yaml, files or URLs)\n",
    )
    assert not (tmp_path / "d").exists()


def test_run_with_an_empty_folder_says_so_before_anything_starts(tmp_path: Path) -> None:
    (tmp_path / "inbox.pdf" / "2023").mkdir(parents=True)
    assert _invoke("run", "--source", "inbox.pdf", "--data-dir", "d") == (
        2,
        "",
        "error: inbox.pdf: no report files in this folder (looked for .pdf .doc(x) .wps .html .txt .xls(x) "
        ".et and images)\n",
    )
    assert not (tmp_path / "d").exists()


def test_typo_in_sources_yaml(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("district:\n  name: 云岭区\n  townshipz: []\n", encoding="utf-8")
    assert _invoke("run", "--source", "s.yaml") == (
        2,
        "",
        "error: unknown setting 'townshipz'; valid settings: city, code, files, first_year, folders, globs, list_pages, "
        "name, province, townships, urls\n",
    )


def test_unknown_district() -> None:
    yaml_path = SAMPLES / "sources.yaml"
    assert _invoke("backfill", "--year", "2020", "--district", "不存在区", "--source", str(yaml_path)) == (
        2,
        "",
        f"error: {yaml_path}: no district named 不存在区; known: 云岭区\n",
    )


def test_bad_report_id() -> None:
    assert _invoke("reprocess", "--id", "deadbeef00", "--data-dir", "d") == (
        2,
        "",
        "error: no unique stored file for deadbeef00 in d/raw (give 8+ hex digits)\n",
    )


def test_debug_shows_the_traceback() -> None:
    result = CliRunner().invoke(app, ["--debug", "reprocess", "--id", "deadbeef00", "--data-dir", "d"])
    assert result.exit_code == 1 and isinstance(result.exception, KeyError)


def test_bad_setting_value() -> None:
    assert _invoke("run", "--workers", "0") == (
        2,
        "",
        "error: workers must be at least 1 (got 0)\n",
    )


def test_serve_refuses_without_a_server() -> None:
    assert _invoke("serve") == (
        2,
        "",
        "error: serve needs a running Prefect server: start one with `prefect server start` and set "
        "PREFECT_API_URL=http://127.0.0.1:4200/api\n",
    )
    from tests.sources.portal import free_port

    url = f"http://127.0.0.1:{free_port()}/api"
    assert _invoke("serve", env={"PREFECT_API_URL": url}) == (
        2,
        "",
        f"error: no Prefect server answers at PREFECT_API_URL={url}; start it with `prefect server start`\n",
    )


def test_unknown_variable_warns_and_the_command_runs() -> None:
    code, out, err = _invoke("schema", "--text", env={"NIANBAO_HOME": "/x"})
    assert (code, err) == (0, f"warning: ignoring unknown variable NIANBAO_HOME; known: {KNOWN}\n")
    assert out.startswith("第二十条第（一）项: 2019 ")


def test_usage_error_exits_2() -> None:
    code, _, err = _invoke("extract")
    assert code == 2 and "Missing argument" in err


def test_extract_never_opens_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    code, out, err = _invoke("extract", str(fifo), "--json")
    assert (code, err) == (1, f"error: {fifo}: not a regular file: a FIFO (named pipe)\n")
    obj = json.loads(out)
    assert (obj["status"], obj["error"], obj["format"]) == (
        "failed",
        "not a regular file: a FIFO (named pipe)",
        "unknown",
    )


def test_extract_stops_a_hung_converter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.flows.test_isolation import fake_soffice

    bin_dir = fake_soffice(tmp_path / "bin", 300)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    doc = SAMPLES / "reports/2020/wangyue_2020.doc"
    code, out, err = _invoke("extract", str(doc), "--json", env={"NIANBAO_FILE_TIME_LIMIT": "3"})
    assert (code, err) == (1, "")
    obj = json.loads(out)
    assert (obj["status"], obj["error"], obj["source"]) == ("failed", "time limit (3 s)", str(doc))


def test_extract_a_folder_reads_every_report_file_in_it(tmp_path: Path) -> None:
    import shutil

    (tmp_path / "2020").mkdir()
    (tmp_path / ".cache").mkdir()
    shutil.copyfile(SAMPLES / "reports/2020/qinglan_2020.txt", tmp_path / "2020/qinglan_2020.txt")
    shutil.copyfile(SAMPLES / "reports/2022/wangyue_2022.txt", tmp_path / "wangyue_2022.txt")
    shutil.copyfile(
        SAMPLES / "reports/2022/wangyue_2022.txt", tmp_path / ".cache/copy.txt"
    )  # hidden: skipped
    (tmp_path / "notes.md").write_text("not a report")
    os.mkfifo(tmp_path / "pipe.txt")  # named like a report: fails alone, with its reason
    code, out, err = _invoke("extract", str(tmp_path), "--json")
    assert (code, err) == (1, f"error: {tmp_path / 'pipe.txt'}: not a regular file: a FIFO (named pipe)\n")
    got = [json.loads(line) for line in out.splitlines()]
    assert [(Path(o["source"]).relative_to(tmp_path).as_posix(), o["status"]) for o in got] == [
        ("2020/qinglan_2020.txt", "ok"),
        ("pipe.txt", "failed"),
        ("wangyue_2022.txt", "ok"),
    ]
