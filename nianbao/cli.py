"""The `nianbao` command: a thin skin over the library.

The command modules (this one, analyst_cmd.py and crawl_cmd.py) are the ones that write to the
terminal; the library returns values and logs. (embedded.py's child process prints the address its
parent reads, and warehouse/wide.py and warehouse/dictionary.py print when run as scripts.)
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from nianbao import crawl_cmd
from nianbao.flows.settings import Settings
from nianbao.options import DaskAddressOpt, DaskOpt, DataDirOpt, SourceOpt, WorkersOpt

app = typer.Typer(
    help="Turn 政府信息公开工作年度报告 (government information disclosure annual reports) into checked tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        from nianbao import __version__

        typer.echo(f"nianbao {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Turn 政府信息公开工作年度报告 (government information disclosure annual reports) into checked tables."""
    _state["debug"] = debug
    for name in Settings.unknown_environ(os.environ):
        known = ", ".join(f"NIANBAO_{k.upper()}" for k in Settings.keys())
        typer.echo(f"warning: ignoring unknown variable {name}; known: {known}", err=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Print one error line on stderr; the caller raises the returned Exit (2: usage error)."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """User mistakes (a bad sources.yaml, an unknown district or id) as one line; --debug re-raises."""
    from nianbao.schemas.errors import NianbaoError

    try:
        yield
    except (NianbaoError, LookupError) as exc:
        if _state["debug"]:
            raise
        raise _fail(str(exc.args[0]) if exc.args else str(exc)) from None


STOPPED = 3  # exit code: the run could not start or stopped before its end; nothing half-loaded is kept


@contextmanager
def _run_errors() -> Iterator[None]:
    """A run that stops: a user mistake exits 2, anything else 3, each as one line; --debug re-raises."""
    from nianbao.schemas.errors import NianbaoError, WarehouseUnavailable

    try:
        yield
    except typer.Exit:
        raise
    except Exception as exc:
        if _state["debug"]:
            raise
        if isinstance(exc, WarehouseUnavailable):
            raise _fail(str(exc), STOPPED) from None
        if isinstance(exc, (NianbaoError, LookupError)):
            raise _fail(str(exc.args[0]) if exc.args else str(exc)) from None
        text = (str(exc).strip().splitlines() or [""])[0]
        raise _fail(
            f"the run stopped: {type(exc).__name__}: {text} (nothing half-loaded is kept; run again when "
            "fixed, `nianbao --debug run …` shows the traceback)",
            STOPPED,
        ) from None


@app.command()
def extract(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Report files (.docx .html .txt .pdf .doc .wps .xls(x) images), or folders: every report file in them"
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per file per line (the contract).")
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--validate/--no-validate", help="Add the template's checks (identities, plausibility)."
        ),
    ] = True,
) -> None:
    """Extract the statistical tables of report files, checked against the template.

    Each file is read in a worker process under the `file_time_limit` and `file_memory_mb` settings.
    A folder stands for the report files in it, recursively (hidden ones skipped), in path order; a
    folder without any is said on stderr. Exit 1 when a file failed or a folder held no report file.

    Example: nianbao extract samples/reports/2023/qinglan_2023.docx --json
    """
    from dataclasses import replace

    from nianbao.flows.isolation import close_pools, failed_report, pool_for
    from nianbao.schemas import TEMPLATE, SourceFacts
    from nianbao.schemas.validate import validate
    from nianbao.sources import Fetched, FetchFailure
    from nianbao.sources.crawl import crawl_facts
    from nianbao.sources.folder import NO_REPORT_FILES, ingest, report_paths

    pool = pool_for(_settings(None).limits())  # each file under the time and memory limits
    failed = 0

    def expanded() -> Iterator[Path]:
        nonlocal failed
        for given in files:
            if not given.is_dir():
                yield given
                continue
            found = False
            for path in report_paths(given):
                found = True
                yield path
            if not found:  # said, and counted as an input that gave nothing
                failed += 1
                typer.echo(f"error: {given}: {NO_REPORT_FILES}", err=True)

    try:
        for f in expanded():
            # a crawled file: issuer, year and date from the manifest when the document is vague
            got = (crawl_facts(f) if f.is_file() else None) or ingest(f)
            if isinstance(got, FetchFailure):  # missing, a FIFO, a device, too large: never read
                typer.echo(f"error: {got.location}: {got.reason}", err=True)
                report = failed_report(SourceFacts(got.location, got.location, "", 0), got.reason)
            else:
                (report,) = pool.extract([got.facts() if isinstance(got, Fetched) else got])
            if check and report.status != "failed":  # single-report rules; cross-year: the warehouse
                report = replace(report, findings=[*report.findings, *validate(report)])
            failed += report.status == "failed"
            if as_json:
                out = report.to_json()  # every varied table named, null when unknown (a failed file)
                out["variants"] = {t.id: report.variants.get(t.id) for t in TEMPLATE.varied}
                sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            elif report.sha256:
                _print_summary(report)
    finally:
        close_pools()
    if failed:
        raise typer.Exit(1)


def _print_summary(report: object) -> None:
    from nianbao.schemas import TEMPLATE, Report

    assert isinstance(report, Report)
    v = report.variants
    typer.echo(f"{report.source}")
    typer.echo(f"  status    {report.status}" + (f" ({report.error})" if report.error else ""))
    typer.echo(
        f"  format    {_shown(report.format)}   variants "
        + " ".join(f"{t.id}={_shown(v.get(t.id))}" for t in TEMPLATE.varied)
    )
    typer.echo(
        f"  issuer    {_shown(report.issuer)}   year {_shown(report.year)}   "
        f"published {_shown(report.published)}"
    )
    by_table: dict[str, list[int]] = {}
    for c in report.cells:
        n = by_table.setdefault(c.table, [0, 0])
        n[0] += 1
        n[1] += c.value is not None
    cells = ", ".join(f"{t}: {n[0]} cells ({n[1]} with a number)" for t, n in sorted(by_table.items()))
    typer.echo(f"  cells     {cells or 'none'}")
    for f in report.findings:
        typer.echo(f"  {f.severity:8s}  {f.rule}: {f.message}")


def _shown(value: object) -> str:
    """A value for the human summary: "unknown" rather than None."""
    return "unknown" if value is None or value == "" else str(value)


@app.command()
def schema(
    as_json: Annotated[
        bool, typer.Option("--json/--text", help="The whole template as JSON, or one line per block.")
    ] = True,
) -> None:
    """Print the report template: sections, tables, labels, codes, variants and identities.

    Example: nianbao schema --json
    """
    from nianbao.schemas import TEMPLATE

    if as_json:
        typer.echo(json.dumps(TEMPLATE.as_dict(), ensure_ascii=False, indent=1))
    else:
        for b in TEMPLATE.blocks:
            typer.echo(f"{b.label}: 2019 {b.columns['2019']} / 2021 {b.columns['2021']}")


# -- running the pipeline ----------------------------------------------------------------------------
def _settings(data_dir: Path | None, **overrides: object) -> Settings:
    """Settings from NIANBAO_* and the options; exported again as NIANBAO_* for the flow to read."""
    try:
        settings = Settings.build({"data_dir": data_dir, **overrides})
    except (KeyError, ValueError) as exc:
        raise _fail(str(exc.args[0] if exc.args else exc)) from None
    os.environ.update(settings.to_environ())
    return settings


def _default_source(source: list[str] | None, settings: Settings) -> list[str]:
    """The sources to read: the option, else the setting; `samples` falls back to the bundled copy."""
    chosen = source or settings.spec()
    if chosen == ["samples"] and not Path("samples").exists():
        bundled = Path(__file__).resolve().parent.parent / "samples"
        return [str(bundled)]
    return chosen


def _check_sources(spec: list[str], settings: Settings, districts: list[str] | None = None) -> None:
    """Refuse before anything starts: a missing folder or file, a bad sources.yaml, an unknown district."""
    from nianbao.sources import load_sources
    from nianbao.sources.folder import NO_REPORT_FILES, has_report_files

    for item in spec:
        if not item.startswith(("http://", "https://")) and not Path(item).exists():
            raise _fail(f"{item}: no such file or folder (give a folder, a sources.yaml, files or URLs)")
        folder = Path(item)
        if folder.is_dir() and not (folder / "sources.yaml").is_file() and not has_report_files(folder):
            raise _fail(f"{item}: {NO_REPORT_FILES}")
    with _user_errors():
        load_sources(spec, settings.allowed_hosts).only_districts(districts or [])


def _check_warehouse(settings: Settings) -> None:
    """Refuse before anything starts when the warehouse cannot be written (exit 3): in use, damaged, no room."""
    from nianbao.schemas.errors import WarehouseUnavailable
    from nianbao.warehouse.database import open_database

    try:
        settings.db.parent.mkdir(parents=True, exist_ok=True)
        open_database(settings.db).close()
    except WarehouseUnavailable as exc:
        raise _fail(str(exc), STOPPED) from None
    except OSError as exc:
        raise _fail(
            f"{settings.db.parent}: cannot be used as the data folder: {exc.strerror or exc}", STOPPED
        ) from None


def _run_flow(name: str, settings: Settings, dask: bool, **params: object) -> None:
    """Run one of our flows in this process against an embedded (or configured) Prefect API.

    Exits 1 when some inputs failed (the rest is loaded and published all the same). Ctrl-C or
    SIGTERM stops it within seconds (flows/stop.py): one line says how far it got, exit 130.
    """
    from nianbao.flows import stop

    loads: list[int] = [0, -1]  # files loaded so far, of how many (-1: not known yet)

    def track(stage: str, done: int, total: int) -> None:
        if stage == "load":
            loads[:] = [done, total]

    try:
        with stop.handling():
            _run_flow_stoppable(name, settings, dask, track, **params)
    except stop.RunStopped:
        of = f" of {loads[1]}" if loads[1] >= 0 else ""
        typer.echo(f"stopped: {loads[0]}{of} files loaded; run again to continue", err=True)
        raise typer.Exit(stop.EXIT_CODE) from None


def _run_flow_stoppable(
    name: str, settings: Settings, dask: bool, track: Callable[[str, int, int], None], **params: object
) -> None:
    import time

    from nianbao.embedded import embedded_api, prepare_environment, start_api

    clock = time.perf_counter()
    _check_warehouse(settings)
    prepare_environment(settings.prefect_home or settings.data_dir / "prefect", debug=_state["debug"])
    api = start_api()  # in its own process, while this one imports the flows and the extractors
    timings: dict[str, float] = {}
    try:
        import nianbao.extractors  # noqa: F401 (imported now, while the API starts)
        from nianbao import flows
        from nianbao.flows.isolation import pool_for
        from nianbao.flows.runners import task_runner

        if not (dask or settings.dask_address):  # the extraction workers start meanwhile too
            pool_for(settings.limits()).prestart(settings.workers)

        flow = getattr(flows, name).with_options(task_runner=task_runner(settings, dask=dask))
    except BaseException:
        if api is not None:
            api.stop()
        raise
    with _run_errors(), embedded_api(api, timings):
        started = time.perf_counter()
        summary = _with_progress(lambda: flow(**params), track)
        timings["flow"] = time.perf_counter() - started
    for line in summary.lines():
        typer.echo(line)
    for location, reason in summary.failed[:20]:
        typer.echo(f"  failed  {location}: {reason}")
    if len(summary.failed) > 20:
        typer.echo(f"  … and {len(summary.failed) - 20} more (see the run's artifact)")
    for key, path in summary.outputs.items():
        typer.echo(f"{key:10s} {path}")
    startup = timings.get("prefect_startup")
    api_note = (
        f", Prefect API startup {startup:.1f} s (waited {timings['prefect_wait']:.1f} s)"
        if startup is not None
        else " (external Prefect API)"
    )
    typer.echo(f"time: {time.perf_counter() - clock:.1f} s total{api_note}, flow {timings['flow']:.1f} s")
    if summary.failed:
        raise typer.Exit(1)


def _with_progress(call: Callable[[], Any], track: Callable[[str, int, int], None]) -> Any:
    """Call `call()` under a rich progress bar fed by the flow's progress notices (also given to `track`)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from nianbao.flows.summary import listening

    bars: dict[str, Any] = {}
    with Progress(
        TextColumn("{task.description:8s}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=False,
    ) as progress:

        def update(stage: str, done: int, total: int) -> None:
            track(stage, done, total)
            if stage == "load":  # follows extraction closely; counted for a stopped run's line only
                return
            if stage not in bars:
                bars[stage] = progress.add_task(stage, total=total)
            progress.update(bars[stage], completed=done, total=total)

        with listening(update):
            return call()


@app.command()
def run(
    source: SourceOpt = None,
    data_dir: DataDirOpt = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    dask_address: DaskAddressOpt = None,
) -> None:
    """Run the nightly job once: fetch, parse what is new, load, publish the snapshot and exports.

    Prefect runs embedded (its database under DATA_DIR/prefect); a second run parses nothing new.
    Set PREFECT_API_URL to record the run on a real Prefect server instead.

    Example: nianbao run --source samples --data-dir data
    """
    settings = _settings(data_dir, workers=workers, dask_address=dask_address)
    spec = _default_source(source, settings)
    _check_sources(spec, settings)
    _run_flow("nightly", settings, dask, source=spec, data_dir=str(settings.data_dir))


@app.command()
def backfill(
    year: Annotated[list[int], typer.Option("--year", "-y", help="Report year to load (repeatable).")],
    district: Annotated[
        list[str] | None,
        typer.Option("--district", "-d", help="District name or code from sources.yaml (repeatable)."),
    ] = None,
    source: SourceOpt = None,
    data_dir: DataDirOpt = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    dask_address: DaskAddressOpt = None,
) -> None:
    """Load past years for chosen districts (reports of other years are left out).

    Example: nianbao backfill --year 2019 --year 2020 --district 清水区 --source samples/sources.yaml
    """
    settings = _settings(data_dir, workers=workers, dask_address=dask_address)
    spec = _default_source(source, settings)
    _check_sources(spec, settings, district)
    _run_flow(
        "backfill",
        settings,
        dask,
        years=year,
        districts=district or [],
        source=spec,
        data_dir=str(settings.data_dir),
    )


@app.command()
def reprocess(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders to re-extract.")] = None,
    report_id: Annotated[
        list[str] | None,
        typer.Option("--id", help="sha256 (or an 8+ digit prefix) of a stored file (repeatable)."),
    ] = None,
    source: SourceOpt = None,
    data_dir: DataDirOpt = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    dask_address: DaskAddressOpt = None,
) -> None:
    """Re-extract after a parser change (no arguments: whatever is not current), or chosen files/ids.

    Example: nianbao reprocess --id 3f2a9c41d0
    """
    from nianbao.sources.store import RawStore

    settings = _settings(data_dir, workers=workers, dask_address=dask_address)
    spec = _default_source(source, settings)
    for p in paths or []:
        if not p.exists():
            raise _fail(f"{p}: no such file or folder")
    if report_id:
        with _user_errors():
            RawStore(settings.raw).locate(report_id)
    elif not paths:
        _check_sources(spec, settings)
    _run_flow(
        "reprocess",
        settings,
        dask,
        paths=[str(p) for p in paths or []],
        report_ids=report_id or [],
        source=spec,
        data_dir=str(settings.data_dir),
    )


@app.command()
def serve(
    source: SourceOpt = None,
    data_dir: DataDirOpt = None,
    cron: Annotated[str | None, typer.Option("--cron", help='Cron schedule. Default: "0 2 * * *".')] = None,
    timezone: Annotated[str | None, typer.Option("--timezone", help="Default: Asia/Shanghai.")] = None,
    workers: WorkersOpt = None,
    dask_address: DaskAddressOpt = None,
) -> None:
    """Serve the nightly deployment on a schedule (needs a real server: PREFECT_API_URL).

    Runs stay in this process's child processes until stopped with Ctrl-C.

    Example: PREFECT_API_URL=http://127.0.0.1:4200/api nianbao serve --cron "0 2 * * *"
    """
    from nianbao.embedded import QUIET, reachable

    settings = _settings(data_dir, cron=cron, timezone=timezone, workers=workers, dask_address=dask_address)
    os.environ.update(QUIET)
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        raise _fail(
            "serve needs a running Prefect server: start one with `prefect server start` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    if not reachable(url):
        raise _fail(
            f"no Prefect server answers at PREFECT_API_URL={url}; start it with `prefect server start`"
        )
    spec = _default_source(source, settings)
    _check_sources(spec, settings)
    from prefect.schedules import Cron

    from nianbao.flows.nightly import nightly

    params = {"source": spec, "data_dir": str(settings.data_dir.resolve())}
    typer.echo(f"serving nightly: cron {settings.cron!r} ({settings.timezone}), data in {params['data_dir']}")
    nightly.serve(
        name="nightly", schedules=[Cron(settings.cron, timezone=settings.timezone)], parameters=params
    )


# Commands kept in their own modules register here, one line each.
from nianbao import analyst_cmd  # noqa: E402

app.command()(analyst_cmd.query)
app.command()(analyst_cmd.show)
app.command()(analyst_cmd.explain)
app.command()(analyst_cmd.findings)
app.command()(analyst_cmd.compare)
app.command()(analyst_cmd.override)
app.command()(crawl_cmd.crawl)


if __name__ == "__main__":
    app()
