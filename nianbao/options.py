"""Options shared by the commands: one definition each, so every command spells them the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SourceOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--source", "-s", help="A folder, a sources.yaml, files or URLs (repeatable). Default: samples/."
    ),
]
DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="Warehouse, snapshot, exports, raw store. Default: ./data.")
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", "-w", help="Extraction worker processes (or Dask workers). Default: 2."),
]
DaskOpt = Annotated[
    bool, typer.Option("--dask", help="Spread extraction over a Dask LocalCluster (prefect-dask).")
]
DaskAddressOpt = Annotated[
    str | None,
    typer.Option("--dask-address", help="Use an existing Dask scheduler, e.g. tcp://10.0.0.5:8786."),
]
DistrictOpt = Annotated[str | None, typer.Option("--district", "-d", help="District, e.g. 云岭区.")]
YearOpt = Annotated[int | None, typer.Option("--year", "-y", help="Report year. Default: the latest.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")]
