"""Run settings: one frozen dataclass with named defaults, overridable by NIANBAO_* environment variables.

Only this module reads the environment. An unknown key in code is rejected by name with the valid keys
listed; an unknown NIANBAO_SOMETHING variable is ignored (`Settings.unknown_environ` names them, and the
CLI warns) so that one stray variable does not stop every command.
"""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from nianbao.flows.isolation import Limits
from nianbao.schemas.errors import UnknownSetting

ENV_PREFIX = "NIANBAO_"


@dataclass(frozen=True)
class Settings:
    """Where data lives, how wide to run, when to schedule, how to fetch.

    Paths left as None are placed under `data_dir` when the settings are built.
    """

    data_dir: Path = Path("data")
    db_path: Path | None = None  # working warehouse (single writer): data_dir/nianbao.duckdb
    snapshot_path: Path | None = None  # read-only copy for analysts: data_dir/snapshot/nianbao.duckdb
    exports_dir: Path | None = None  # Parquet and the comparison spreadsheet: data_dir/exports
    raw_dir: Path | None = None  # raw store of fetched files, by sha256: data_dir/raw
    prefect_home: Path | None = None  # PREFECT_HOME of the embedded run: data_dir/prefect
    source: str = "samples"  # a folder, a sources.yaml, or URLs separated by spaces
    workers: int = 2  # extraction processes (or Dask workers for a LocalCluster)
    batch_size: int = 8  # files per extraction task
    load_batch_size: int = 200  # reports per warehouse load (one transaction): its fixed cost spread out
    file_time_limit: float = 120.0  # seconds one file may take to extract before it is stopped
    file_memory_mb: int = 2048  # MiB one file may use on top of the loaded libraries (0: no limit)
    dask_address: str | None = None  # a Dask scheduler ("tcp://host:8786") switches to DaskTaskRunner
    cron: str = "0 2 * * *"
    timezone: str = "Asia/Shanghai"
    allowed_hosts: tuple[str, ...] = ()  # hosts allowed besides *.gov.cn
    http_timeout: float = 20.0
    http_retries: int = 2
    http_backoff: float = 1.0
    max_download_mb: int = 50

    def __post_init__(self) -> None:
        data = Path(self.data_dir)
        defaults = {
            "data_dir": data,
            "db_path": self.db_path or data / "nianbao.duckdb",
            "snapshot_path": self.snapshot_path or data / "snapshot" / "nianbao.duckdb",
            "exports_dir": self.exports_dir or data / "exports",
            "raw_dir": self.raw_dir or data / "raw",
            "prefect_home": self.prefect_home or data / "prefect",
        }
        for key, value in defaults.items():
            object.__setattr__(self, key, Path(value))
        if self.file_time_limit <= 0 or self.file_memory_mb < 0:
            raise ValueError(
                f"file_time_limit must be above 0 and file_memory_mb at least 0 "
                f"(got {self.file_time_limit}, {self.file_memory_mb})"
            )
        for name in ("workers", "batch_size", "load_batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1 (got {getattr(self, name)})")

    @property
    def db(self) -> Path:
        """The working warehouse path."""
        assert self.db_path is not None
        return self.db_path

    @property
    def snapshot(self) -> Path:
        """The published snapshot path."""
        assert self.snapshot_path is not None
        return self.snapshot_path

    @property
    def exports(self) -> Path:
        """The exports folder."""
        assert self.exports_dir is not None
        return self.exports_dir

    @property
    def raw(self) -> Path:
        """The raw store folder."""
        assert self.raw_dir is not None
        return self.raw_dir

    def limits(self) -> Limits:
        """What one file may cost in the extraction workers."""
        return Limits(
            time_limit=self.file_time_limit, memory_mb=self.file_memory_mb, side_by_side=self.workers
        )

    @classmethod
    def keys(cls) -> list[str]:
        """The valid setting names."""
        return [f.name for f in fields(cls)]

    @classmethod
    def unknown_environ(cls, environ: Mapping[str, str]) -> list[str]:
        """NIANBAO_* variables that name no setting (ignored by `build`; the CLI warns about them).

        Args:
            environ: the environment to look through.
        """
        return sorted(
            n for n in environ if n.startswith(ENV_PREFIX) and n[len(ENV_PREFIX) :].lower() not in cls.keys()
        )

    @classmethod
    def build(
        cls, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Defaults, then NIANBAO_* variables, then `overrides` (None values are ignored).

        Args:
            overrides: keyword settings, e.g. from CLI options; unknown keys raise `UnknownSetting`.
            environ: the environment to read (os.environ when None).
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, raw in env.items():
            key = name[len(ENV_PREFIX) :].lower()
            if name.startswith(ENV_PREFIX) and key in cls.keys():
                values[key] = _coerce(key, raw)
        for key, value in (overrides or {}).items():
            if value is not None:
                values[_check(key)] = value
        if "data_dir" in values:
            values["data_dir"] = Path(values["data_dir"])
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        """A copy with some settings changed (paths under data_dir are re-derived unless given)."""
        for key in changes:
            _check(key)
        derived = ("db_path", "snapshot_path", "exports_dir", "raw_dir", "prefect_home")
        base = {k: None for k in derived if "data_dir" in changes and k not in changes}
        return replace(self, **{**base, **changes})

    def spec(self, source: str | list[str] | None = None) -> list[str]:
        """The sources to read: `source` when given (a list, or a string split on spaces), else the setting."""
        if isinstance(source, list) and source:
            return [str(s) for s in source]
        return (source if isinstance(source, str) and source else self.source).split()

    def to_environ(self) -> dict[str, str]:
        """NIANBAO_* variables for every setting that differs from its default (for child processes)."""
        default = Settings(data_dir=self.data_dir)
        out = {f"{ENV_PREFIX}DATA_DIR": str(self.data_dir)}
        for f in fields(self):
            value = getattr(self, f.name)
            if value != getattr(default, f.name):
                out[ENV_PREFIX + f.name.upper()] = ",".join(value) if isinstance(value, tuple) else str(value)
        return out

    def as_rows(self) -> list[tuple[str, str]]:
        """(name, value) pairs for display."""
        return [(f.name, str(getattr(self, f.name))) for f in fields(self)]


def _check(key: str) -> str:
    if key not in Settings.keys():
        raise UnknownSetting(key, Settings.keys())
    return key


def _coerce(key: str, raw: str) -> Any:
    """Turn an environment string into the field's type."""
    hint = typing.get_type_hints(Settings)[key]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    base = args[0] if isinstance(hint, types.UnionType) and args else hint
    if base is Path:
        return Path(raw)
    if base is int:
        return int(raw)
    if base is float:
        return float(raw)
    if typing.get_origin(base) is tuple:
        return tuple(h.strip() for h in raw.split(",") if h.strip())
    return raw or None if key == "dask_address" else raw
