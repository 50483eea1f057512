"""Analysts' commands: query, show, explain, findings, compare, override.

All but `override` read the published snapshot read-only, so they work while the pipeline loads.
User mistakes (unknown district, issuer or cell; no snapshot) print one line and exit 2.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer

from nianbao.analyst.district import UnknownDistrict
from nianbao.analyst.lookup import UnknownReport
from nianbao.analyst.overrides import UnknownOverride
from nianbao.analyst.words import SEVERITY, WORDS, UnknownCell, table_title
from nianbao.analyst.workbook import part_word
from nianbao.flows.settings import Settings
from nianbao.options import DataDirOpt, DistrictOpt, OutputOpt, YearOpt
from nianbao.schemas.errors import WarehouseUnavailable
from nianbao.warehouse.readonly import QueryRefused, SnapshotMissing, connect_readonly

UNAVAILABLE = 3  # exit code: the data folder cannot be used now (in use, damaged); nothing was changed
USER_ERRORS = (UnknownDistrict, UnknownReport, UnknownCell, UnknownOverride, QueryRefused, SnapshotMissing)


def _settings(data_dir: Path | None) -> Settings:
    settings = Settings.build({"data_dir": data_dir})
    if data_dir is not None and not Path(data_dir).is_dir():
        _fail(f"no data directory {data_dir}")
    return settings


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def _snapshot(data_dir: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the snapshot; user mistakes inside become one line and exit 2."""
    try:
        con = connect_readonly(_settings(data_dir).snapshot)
    except SnapshotMissing as exc:
        _fail(str(exc))
    except WarehouseUnavailable as exc:
        _fail(str(exc), UNAVAILABLE)
    try:
        yield con
    except USER_ERRORS as exc:
        _fail(str(exc))
    finally:
        con.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _print_table(columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Aligned plain text (East Asian characters count double)."""
    from rich.cells import cell_len

    cells = [[_text(v) for v in r] for r in rows]
    widths = [max([cell_len(c)] + [cell_len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - cell_len(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    typer.echo(line(columns))
    for r in cells:
        typer.echo(line(r))


def query(
    sql: Annotated[str, typer.Argument(help="One read-only SQL statement (SELECT, WITH, DESCRIBE, SHOW).")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table, csv, json (one object per line) or xlsx.")
    ] = "table",
    output: OutputOpt = None,
    data_dir: DataDirOpt = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Stop the query after this many seconds.", min=0.1)
    ] = 600.0,
) -> None:
    """Query the snapshot read-only: no write, ATTACH, COPY, INSTALL, LOAD or SET.

    A query is stopped after --timeout seconds, and one returning over 2,000,000 rows is refused.

    Example: nianbao query "select township, year, applications_new from report_overview limit 3"
    """
    from nianbao.warehouse.readonly import run_query

    if fmt not in ("table", "csv", "json", "xlsx"):
        _fail(f"unknown format {fmt!r}; use table, csv, json or xlsx")
    if fmt == "xlsx" and output is None:
        _fail("--format xlsx needs -o FILE.xlsx")
    with _snapshot(data_dir) as con:
        columns, rows = run_query(con, sql, seconds=timeout)
    if fmt == "table":
        _print_table(columns, rows)
    elif fmt == "csv":
        with open(output, "w", newline="", encoding="utf-8") if output else nullcontext(sys.stdout) as fh:
            w = csv.writer(fh)
            w.writerow(columns)
            w.writerows([[_text(v) for v in r] for r in rows])
    elif fmt == "json":
        for r in rows:
            typer.echo(json.dumps(dict(zip(columns, r, strict=True)), ensure_ascii=False, default=str))
    else:
        import xlsxwriter

        assert output is not None
        wb = xlsxwriter.Workbook(str(output), {"default_date_format": "yyyy-mm-dd"})
        ws = wb.add_worksheet()
        ws.write_row(0, 0, columns, wb.add_format({"bold": True}))
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r):
                if isinstance(v, int | float) and not isinstance(v, bool):
                    ws.write_number(i, j, v)
                elif isinstance(v, datetime | date):
                    ws.write_datetime(
                        i, j, datetime(v.year, v.month, v.day) if not isinstance(v, datetime) else v
                    )
                elif v is not None:
                    ws.write_string(i, j, str(v))
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(rows), 1), max(len(columns) - 1, 0))
        wb.close()
        typer.echo(f"{len(rows)} rows -> {output}")


def show(
    who: Annotated[str, typer.Argument(help="Issuer, township or region code.")],
    year: YearOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """A report's three tables as printed, its parts and sources, and its findings (errors first).

    Example: nianbao show 松溪镇 --year 2023
    """
    from nianbao.analyst.district import report_findings
    from nianbao.analyst.explain import show_report

    with _snapshot(data_dir) as con:
        shown = show_report(con, who, year)
        answered = report_findings(con, [shown.report.report_id], "corrected")
    r = shown.report
    typer.echo(
        f"{r.issuer}  {r.year}  ({r.district or ''} {r.township or ''})  "
        f"{WORDS['published']} {shown.published or WORDS['undated']}"
    )
    for t in shown.tables:
        typer.echo("")
        typer.echo(table_title(t.table))
        _print_table(["", *t.columns], [(label, *values) for label, values in t.rows])
    typer.echo("")
    typer.echo(WORDS["source"])
    for s in shown.sources:
        typer.echo(
            f"  {part_word(s['part'])}  {s['location']}  {s['format']}  SHA-256 {s['sha256'][:12]}  "
            f"{WORDS['parser_version']} {s['parser_version']}  {WORDS['version']} {s['version']}"
        )
    typer.echo("")
    for title, none, items in (
        (WORDS["findings_title"], WORDS["findings_none"], [f for f in shown.findings if not f["note"]]),
        (WORDS["notes_title"], WORDS["notes_none"], [f for f in shown.findings if f["note"]]),
    ):
        typer.echo(title)
        for f in items:
            typer.echo(f"  {SEVERITY.get(f['severity'], f['severity'])}  {f['message']}")
        if not items:
            typer.echo(f"  {none}")
        if title == WORDS["findings_title"]:
            for f in answered:  # kept for the record: a correction answered them
                typer.echo(f"  {WORDS['corrected']}  {f['message']}")
            typer.echo("")


def explain(
    who: Annotated[str, typer.Argument(help="Issuer, township or region code.")],
    year: Annotated[int, typer.Argument(help="Report year.")],
    cell: Annotated[
        str,
        typer.Argument(
            help="Cell code (<table>.<row>.<column>, see `nianbao schema`) or its printed row and column labels."
        ),
    ],
    data_dir: DataDirOpt = None,
) -> None:
    """Where a number came from: file, page, table, printed labels, raw text, box or OCR confidence, checks.

    Example: nianbao explain 松溪镇 2023 "一、本年新收 总计"
    """
    from nianbao.analyst.explain import explain_cell, explain_lines

    with _snapshot(data_dir) as con:
        e = explain_cell(con, who, year, cell)
    for label, value in explain_lines(e):
        typer.echo(f"{label}{' ' * max(1, 16 - _display_width(label))}{value}")


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def findings(
    district: DistrictOpt = None,
    year: YearOpt = None,
    severity: Annotated[str | None, typer.Option("--severity", help="error, warning or info.")] = None,
    notes: Annotated[
        bool, typer.Option("--notes", help="The 读取记录 (technical reading notes) instead of the checklist.")
    ] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """The checklist (问题清单): open findings in Chinese, errors first; those a correction answered last.

    Findings a correction answered (nianbao override) are listed last as 已更正. With no open
    finding it says 无问题; with no report for the district or year it says so and exits 1.
    Technical reading notes (a deskewed scan, the OCR confidence of text that passed every check)
    are the 读取记录: `--notes` lists them.

    Example: nianbao findings --district 云岭区 --year 2023 --severity error
    """
    from nianbao.analyst.district import districts, report_findings

    if severity is not None and severity not in SEVERITY:
        _fail(f"unknown severity {severity!r}; use error, warning or info")
    with _snapshot(data_dir) as con:
        if district is not None and district not in districts(con):
            raise UnknownDistrict(f"unknown district {district!r}; known: {', '.join(districts(con))}")
        reports = con.execute(
            "SELECT report_id, year FROM current_reports WHERE (CAST(? AS VARCHAR) IS NULL OR district = ?)",
            [district, district],
        ).fetchall()
        ids = [int(r[0]) for r in reports if year is None or r[1] == year]
        rows = [
            f
            for f in report_findings(con, ids, None)
            if (severity is None or f["severity"] == severity) and f["note"] == notes
        ]
    if not ids:
        what = " ".join(str(x) for x in (district, f"{year}年" if year is not None else None) if x) or "任何"
        years = sorted({int(r[1]) for r in reports if r[1] is not None})
        typer.echo(
            WORDS["no_report"].format(what=what)
            + (f"（{WORDS['years_with_reports']}：{'、'.join(map(str, years))}）" if years else ""),
            err=True,
        )
        raise typer.Exit(1)
    if not any(f["status"] == "open" for f in rows):
        typer.echo(WORDS["findings_none"])  # then those a correction answered, if any
    if not rows:
        return
    _print_table(
        [WORDS["severity"], WORDS["township"], WORDS["year"], WORDS["rule"], WORDS["message"]],
        [
            (
                SEVERITY[f["severity"]] if f["status"] == "open" else f"{WORDS['corrected']}",
                f["township"] or f["issuer"],
                f["year"],
                f["rule"],
                f["message"],
            )
            for f in rows
        ],
    )


def compare(
    district: Annotated[str, typer.Option("--district", "-d", help="District, e.g. 云岭区.")],
    year: Annotated[int, typer.Option("--year", "-y", help="Report year.")],
    vs_year: Annotated[
        int | None, typer.Option("--vs-year", help="Year to compare with. Default: year - 1.")
    ] = None,
    output: OutputOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """A district's townships side by side: workbook (.xlsx), report page (.html) or overview (.csv).

    Example: nianbao compare --district 云岭区 --year 2023 -o 云岭区2023.xlsx
    """
    from nianbao.analyst.district import district_overview

    out = output or Path(f"{district}{year}.xlsx")
    if out.suffix not in (".xlsx", ".csv", ".html"):
        _fail(f"cannot write {out.suffix or 'a file without suffix'}: use .xlsx, .csv or .html")
    with _snapshot(data_dir) as con:
        overview = district_overview(con, district, year, vs_year)
        if out.suffix == ".xlsx":
            from nianbao.analyst.workbook import write_workbook

            write_workbook(overview, out)
        elif out.suffix == ".html":
            from nianbao.analyst.html_report import write_html

            write_html(overview, out)
        else:
            from nianbao.analyst.workbook import overview_rows

            columns, rows = overview_rows(overview)
            with out.open("w", newline="", encoding="utf-8-sig") as fh:
                w = csv.writer(fh)
                w.writerow(columns)
                w.writerows([[_text(v) for v in r] for r in rows])
    late = sum(t.status == "late" for t in overview.townships)
    missing = sum(t.status == "missing" for t in overview.townships)
    typer.echo(
        f"{district} {year}: {len(overview.townships)} townships, {len(overview.report_ids)} reports, "
        f"{late} late, {missing} missing, {sum(t.errors for t in overview.townships)} errors -> {out}"
    )


def override(
    who: Annotated[str | None, typer.Argument(help="Issuer, township or region code.")] = None,
    year: Annotated[int | None, typer.Argument(help="Report year.")] = None,
    cell: Annotated[str | None, typer.Argument(help="Cell code or printed labels.")] = None,
    value: Annotated[float | None, typer.Argument(help="The confirmed value.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why, e.g. who confirmed it.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who makes the correction. Default: $USER.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List every correction.")] = False,
    undo: Annotated[int | None, typer.Option("--undo", help="Withdraw correction ID.")] = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Correct a cell as confirmed with the issuer: kept with who, when and why; the printed value stays.

    Writes to the working warehouse (fails while a run holds it) and republishes the snapshot.

    Example: nianbao override 青岚乡 2023 "行政复议 总计" 11 --reason "乡政府电话确认" --by 王明
    """
    import getpass

    from nianbao.analyst.overrides import add_override, list_overrides, undo_override
    from nianbao.warehouse import Warehouse

    settings = _settings(data_dir)
    who_by = by or getpass.getuser()
    if (
        not list_
        and undo is None
        and (who is None or year is None or cell is None or value is None or not reason)
    ):
        _fail("give ISSUER YEAR CELL VALUE --reason '…', or --list, or --undo ID")
    if list_:
        with _snapshot(data_dir) as con:
            from nianbao.analyst.overrides import COLUMNS

            rows = list_overrides(con)
        _print_table(list(COLUMNS), [tuple(r.values()) for r in rows])
        return
    if not settings.db.is_file():
        _fail(f"no warehouse at {settings.db}: run `nianbao run` first (or pass --data-dir)")
    try:
        wh = Warehouse(settings.db)
    except WarehouseUnavailable as exc:
        _fail(str(exc), UNAVAILABLE)
    try:
        if undo is not None:
            undo_override(wh.con, undo, who_by)
            typer.echo(f"correction {undo} undone")
        else:
            assert who is not None and year is not None and cell is not None and value is not None and reason
            done = add_override(wh.con, who, year, cell, value, reason, who_by)
            ref = done["cell"]
            typer.echo(
                f"correction {done['override_id']}: {done['issuer']} {done['year']} {ref.label()} ({ref.code}) "
                f"= {_text(value)}, printed {_text(done['printed']) or repr(done['raw'])}"
            )
        wh.publish_snapshot(settings.snapshot)
    except (*USER_ERRORS, ValueError) as exc:
        _fail(str(exc))
    finally:
        wh.close()
