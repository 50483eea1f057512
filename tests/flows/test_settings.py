"""Settings: defaults under data_dir, NIANBAO_* overrides with types, unknown keys named, all documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.flows.settings import Settings
from nianbao.schemas.errors import UnknownSetting

DOCS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def test_defaults() -> None:
    s = Settings()
    assert (s.db, s.snapshot, s.exports, s.raw, s.prefect_home) == (
        Path("data/nianbao.duckdb"),
        Path("data/snapshot/nianbao.duckdb"),
        Path("data/exports"),
        Path("data/raw"),
        Path("data/prefect"),
    )
    assert (s.workers, s.batch_size, s.cron, s.timezone) == (2, 8, "0 2 * * *", "Asia/Shanghai")


def test_environment_then_overrides() -> None:
    env = {
        "NIANBAO_DATA_DIR": "/srv/nb",
        "NIANBAO_WORKERS": "4",
        "NIANBAO_ALLOWED_HOSTS": "a.com, b.org:8080",
        "NIANBAO_HTTP_BACKOFF": "0.5",
        "PATH": "/bin",
    }
    s = Settings.build({"workers": 3, "batch_size": None}, environ=env)
    assert (s.data_dir, s.db, s.workers, s.batch_size, s.allowed_hosts, s.http_backoff) == (
        Path("/srv/nb"),
        Path("/srv/nb/nianbao.duckdb"),
        3,
        8,
        ("a.com", "b.org:8080"),
        0.5,
    )
    assert Settings.build(environ=s.to_environ()) == s  # what the CLI hands to child processes
    assert s.with_(data_dir=Path("/x")).snapshot == Path("/x/snapshot/nianbao.duckdb")


def test_unknown_keys_are_named() -> None:
    with pytest.raises(UnknownSetting) as err:
        Settings.build({"workres": 2})
    assert err.value.key == "workres"
    assert str(err.value) == (
        "\"unknown setting 'workres'; valid settings: allowed_hosts, batch_size, cron, dask_address, data_dir, "
        "db_path, exports_dir, file_memory_mb, file_time_limit, http_backoff, http_retries, http_timeout, "
        "load_batch_size, "
        'max_download_mb, prefect_home, raw_dir, snapshot_path, source, timezone, workers"'
    )


def test_unknown_environment_variables_are_ignored_and_named() -> None:
    env = {"NIANBAO_HOME": "/x", "NIANBAO_WORKRES": "3", "NIANBAO_WORKERS": "3"}
    assert Settings.build(environ=env).workers == 3
    assert Settings.unknown_environ(env) == ["NIANBAO_HOME", "NIANBAO_WORKRES"]


def test_limits_from_settings() -> None:
    s = Settings.build(environ={"NIANBAO_FILE_TIME_LIMIT": "7.5", "NIANBAO_FILE_MEMORY_MB": "300"})
    assert (s.limits().time_limit, s.limits().memory_mb) == (7.5, 300)
    with pytest.raises(ValueError, match="file_time_limit must be above 0"):
        Settings(file_time_limit=0)


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text("utf-8")
    missing = [k for k in Settings.keys() if f"| `{k}` |" not in text or f"NIANBAO_{k.upper()}" not in text]
    assert missing == []
