"""Fault injection on the real command: `nianbao run` SIGKILLed during extraction, a converter that
hangs, a raw store on a full disk. Each time the rerun completes with nothing lost and nothing doubled.
(A SIGKILL inside `Warehouse.load` is tests/warehouse/test_crash.py; readers of the snapshot during
loads are tests/warehouse/test_snapshot.py.)"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nianbao.extractors import extract_file
from tests.flows.harness import SAMPLES, warehouse_cells, warehouse_reports
from tests.flows.test_isolation import alive, fake_soffice

NIANBAO = str(Path(sys.executable).parent / "nianbao")
REPO = Path(__file__).resolve().parents[2]
DOCX = ("2020/songxi_2020.docx", "2022/fenglin_2022.docx", "2022/qingshui_2022.docx")
FILES = ("2020/qinglan_2020.txt", "2020/bailu_2020.html", "2022/songxi_2022.docx", "2020/wangyue_2020.doc")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    return {**env, "PYTHONPATH": str(REPO), "NIANBAO_BATCH_SIZE": "1", **extra}


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NIANBAO, "run", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _folder(root: Path) -> Path:
    src = root / "src"
    src.mkdir(parents=True)
    for rel in FILES:
        shutil.copyfile(SAMPLES / rel, src / Path(rel).name)
    return src


@pytest.mark.slow
def test_sigkill_during_extraction_then_rerun(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    bin_dir = fake_soffice(tmp_path / "bin", 120)
    env = _env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", NIANBAO_FILE_TIME_LIMIT="4")
    proc = subprocess.Popen(
        [NIANBAO, "run", "--source", str(src), "--data-dir", "data"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while not (bin_dir / "pid").exists():  # the .doc is being converted: extraction is under way
            assert proc.poll() is None and time.monotonic() < deadline, "the run ended before the kill"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.kill()
    hung = int((bin_dir / "pid").read_text())
    (bin_dir / "pid").unlink()
    done = _run(["--source", str(src), "--data-dir", "data"], tmp_path, env)
    assert done.returncode == 1, done.stdout + done.stderr  # the .doc's converter hangs again
    assert f"  failed  {src}/wangyue_2020.doc: time limit (4 s)" in done.stdout.splitlines()
    db = tmp_path / "data/nianbao.duckdb"
    assert [r[:2] for r in warehouse_reports(db)] == [
        ("bailu_2020.html", "ok"),
        ("qinglan_2020.txt", "ok"),
        ("songxi_2022.docx", "ok"),
        ("wangyue_2020.doc", "failed"),
    ]
    once = warehouse_cells(db)
    assert len(once) == len(set(once)) == 2 * 198 + 200
    os.kill(hung, signal.SIGKILL) if alive(hung) else None


@contextmanager
def _static_server(folder: Path) -> Iterator[str]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextmanager
def _full_tmpfs(mount: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs at `mount`, filled up: every write fails with ENOSPC until `filler` is removed."""
    mount.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    try:
        filler = mount / "filler"
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError:
                pass
        yield filler
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_full_disk_for_the_raw_store_then_rerun(tmp_path: Path) -> None:
    src = tmp_path / "site"
    src.mkdir()
    for rel in DOCX:  # attachments: fetched straight into the raw store
        shutil.copyfile(SAMPLES / rel, src / Path(rel).name)
    with _static_server(src) as base, _full_tmpfs(tmp_path / "raw") as filler:
        urls = [f"{base}/{Path(rel).name}" for rel in DOCX]
        args = [*sum((["--source", u] for u in urls), []), "--data-dir", "data"]
        env = _env(
            NIANBAO_RAW_DIR=str(tmp_path / "raw"), NIANBAO_ALLOWED_HOSTS="127.0.0.1", NIANBAO_HTTP_RETRIES="0"
        )
        full = _run(args, tmp_path, env)
        assert full.returncode == 1, full.stdout + full.stderr
        assert f"sources {len(urls)}, files seen 0: 0 to parse" in full.stdout
        assert all(f"  failed  {u}: " in full.stdout for u in urls), full.stdout
        assert sorted(os.listdir(tmp_path / "raw")) == ["filler"]  # no half-written file left behind
        filler.unlink()
        again = _run(args, tmp_path, env)
    assert again.returncode == 0, again.stdout + again.stderr
    db = tmp_path / "data/nianbao.duckdb"
    assert [r[:2] for r in warehouse_reports(db)] == [
        (Path(rel).name, "ok") for rel in sorted(DOCX, key=lambda r: Path(r).name)
    ]
    once = warehouse_cells(db)
    assert len(once) == len(set(once)) == sum(len(extract_file(SAMPLES / rel).cells) for rel in DOCX)


def test_hostile_entries_in_a_source_folder_fail_alone(tmp_path: Path) -> None:
    """A FIFO, a /dev/zero link, a symlink loop, a sparse terabyte and a name that is not UTF-8 beside
    real reports: the run neither blocks nor crashes, loads the reports and names each bad entry."""
    src = _folder(tmp_path)
    os.mkfifo(src / "report.txt")
    (src / "zero.pdf").symlink_to("/dev/zero")
    (src / "loop.docx").symlink_to(src / "loop.docx")
    with open(src / "sparse.pdf", "wb") as fh:
        fh.truncate(2**40)
    odd = os.fsencode(src) + b"/wangyue-\xb9\xfa.txt"  # a GBK byte pair in a UTF-8 file system
    shutil.copyfile(SAMPLES / "2022/wangyue_2022.txt", odd)
    done = _run(["--source", "src", "--data-dir", "data"], tmp_path, _env())
    assert done.returncode == 1, done.stdout + done.stderr  # some inputs failed
    assert "Traceback" not in done.stdout + done.stderr
    for name, reason in (
        ("report.txt", "not a regular file: a FIFO (named pipe)"),
        ("zero.pdf", "not a regular file: a character device"),
        ("loop.docx", "cannot read file: Too many levels of symbolic links"),
        ("sparse.pdf", "file is 1048576 MB, over the 200 MB limit"),
    ):
        assert f"  failed  src/{name}: {reason}" in done.stdout, done.stdout
    loaded = warehouse_reports(tmp_path / "data/nianbao.duckdb")
    assert [(name, status) for name, status, *_ in loaded] == sorted(
        [(Path(rel).name, "ok") for rel in FILES] + [("wangyue-\\xb9\\xfa.txt", "ok")]
    )


def test_a_warehouse_in_use_or_damaged_is_refused_before_the_run_starts(tmp_path: Path) -> None:
    _folder(tmp_path)
    db = tmp_path / "data/nianbao.duckdb"
    db.parent.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(db)!r}); print(1, flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "1"
        busy = _run(["--source", "src", "--data-dir", "data"], tmp_path, _env())
    finally:
        holder.kill()
        holder.wait()
    assert busy.returncode == 3, busy.stdout + busy.stderr
    assert busy.stderr == (
        f"error: data/nianbao.duckdb: in use by process {holder.pid} (another `nianbao run` writing this "
        "data folder?); wait for it to finish, or use another --data-dir\n"
    )
    db.write_bytes(os.urandom(64 * 1024))  # overwritten by something else
    damaged = _run(["--source", "src", "--data-dir", "data"], tmp_path, _env())
    assert damaged.returncode == 3 and damaged.stderr.startswith(
        "error: data/nianbao.duckdb: not a DuckDB database file (damaged or overwritten); move it aside"
    ), damaged.stderr
    assert "Traceback" not in busy.stdout + damaged.stdout


@pytest.mark.slow
def test_full_disk_for_the_warehouse_then_rerun(tmp_path: Path) -> None:
    """The data folder fills up during the run: one line, exit 3; with room again the rerun loads every
    report once, and a damaged snapshot is published again."""
    _folder(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(data)], check=True)
    try:
        env = _env(NIANBAO_PREFECT_HOME=str(tmp_path / "prefect"))
        full = _run(["--source", "src", "--data-dir", "data"], tmp_path, env)
        assert full.returncode == 3, full.stdout + full.stderr
        assert full.stderr.startswith("error: the run stopped: ") and "No space left on device" in full.stderr
        assert full.stderr.count("\n") == 1 and "Traceback" not in full.stdout
        subprocess.run(["mount", "-o", "remount,size=64m", "tmpfs", str(data)], check=True)
        again = _run(["--source", "src", "--data-dir", "data"], tmp_path, env)
        assert again.returncode == 0, again.stdout + again.stderr
        snapshot = data / "snapshot/nianbao.duckdb"
        snapshot.chmod(0o644)
        snapshot.write_bytes(b"\0" * 4096)  # damaged: the next run publishes it again, though nothing changed
        third = _run(["--source", "src", "--data-dir", "data"], tmp_path, env)
        assert third.returncode == 0 and "0 to parse" in third.stdout, third.stdout + third.stderr
        assert warehouse_reports(snapshot) == warehouse_reports(data / "nianbao.duckdb")
        once = warehouse_cells(data / "nianbao.duckdb")
    finally:
        subprocess.run(["umount", "-l", str(data)], check=True)
    assert len(once) == len(set(once)) == sum(len(extract_file(SAMPLES / rel).cells) for rel in FILES)
