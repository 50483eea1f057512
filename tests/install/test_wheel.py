"""nianbao installed from its wheel, used from a folder outside the checkout, as a user would."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import duckdb
import pytest

from tests.install.wheel import REPO, WheelVenv

GENERIC = {"schemas", "flows", "sources", "warehouse", "extractors", "analyst"}


def _run(venv: WheelVenv, cwd: Path, *args: str, timeout: float = 300, **env: str) -> str:
    out = subprocess.run(
        [str(venv.bin / "nianbao"), *args], cwd=cwd, env=venv.env(**env), capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert out.returncode == 0, (
        f"nianbao {' '.join(args)} exited {out.returncode}:\n{out.stdout}\n{out.stderr}"
    )
    return out.stdout


def test_wheel_holds_one_package_and_its_data(wheel_venv: WheelVenv) -> None:
    names = zipfile.ZipFile(wheel_venv.wheel).namelist()
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"nianbao"}
    for data in (
        "nianbao/schemas/templates/template.toml",
        "nianbao/schemas/templates/rules.toml",
        "nianbao/schemas/templates/crosswalk.toml",
        "nianbao/sources/crawl/vocabulary.toml",
        "nianbao/extractors/page.toml",
        "nianbao/warehouse/schema.sql",
        "nianbao/warehouse/views.sql",
        "nianbao/analyst/analyst.toml",
    ):
        assert data in names, data
    installed = {p.name for p in wheel_venv.site_packages.iterdir()}
    assert "nianbao" in installed and not installed & GENERIC, sorted(installed)


def test_commands_run_from_the_wheel_outside_the_checkout(wheel_venv: WheelVenv, tmp_path: Path) -> None:
    work = tmp_path / "elsewhere"
    shutil.copytree(REPO / "samples", work / "samples", ignore=shutil.ignore_patterns("__pycache__"))
    assert not (work / "nianbao").exists() and REPO not in work.parents

    assert _run(wheel_venv, work, "--version").startswith("nianbao ")
    where = subprocess.run(
        [str(wheel_venv.python), "-c", "import nianbao; print(nianbao.__file__)"],
        cwd=work, env=wheel_venv.env(), capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(wheel_venv.root), where

    extracted = _run(wheel_venv, work, "extract", "samples/reports/2023/qinglan_2023.docx")
    assert "status    ok" in extracted and "issuer    青溪市云岭区青岚乡人民政府" in extracted
    assert "Usage: nianbao crawl" in _run(wheel_venv, work, "crawl", "--help")

    _run(wheel_venv, work, "run", "--source", "samples", timeout=900,
         NIANBAO_DATA_DIR=str(work / "data"), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")  # fmt: skip
    files = len([p for p in (work / "samples" / "reports").rglob("*") if p.is_file() and p.suffix != ".json"])
    with duckdb.connect(str(work / "data" / "snapshot" / "nianbao.duckdb"), read_only=True) as con:
        (loaded,) = con.execute("SELECT count(*) FROM reports WHERE status = 'ok'").fetchone() or (0,)
    assert loaded == files, (loaded, files)


@pytest.mark.parametrize("module", sorted(GENERIC))
def test_no_generic_top_level_module_is_importable_from_the_wheel(
    wheel_venv: WheelVenv, tmp_path: Path, module: str
) -> None:
    out = subprocess.run(
        [str(wheel_venv.python), "-c", f"import importlib.util as u; print(u.find_spec({module!r}))"],
        cwd=tmp_path, env=wheel_venv.env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == "None"
