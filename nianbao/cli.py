"""The `nianbao` command: a thin skin over the library. Only this module prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Turn 政府信息公开工作年度报告 (government information disclosure annual reports) into checked tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Report files: .docx .html .txt .pdf .doc .wps .xls(x) images")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file per line (the contract).")] = False,
) -> None:
    """Extract the statistical tables of report files.

    Example: nianbao extract samples/reports/2021/qingshui_2021.docx --json
    """
    from extractors import extract_file

    for f in files:
        report = extract_file(f)
        if as_json:
            sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            _print_summary(report)


def _print_summary(report: object) -> None:
    from schemas import Report

    assert isinstance(report, Report)
    v = report.variants
    typer.echo(f"{report.source}")
    typer.echo(f"  status    {report.status}" + (f" ({report.error})" if report.error else ""))
    typer.echo(f"  format    {report.format}   variants t2={v.get('t2')} t3={v.get('t3')}")
    typer.echo(f"  issuer    {report.issuer}   year {report.year}   published {report.published}")
    by_table: dict[str, list[int]] = {}
    for c in report.cells:
        n = by_table.setdefault(c.table, [0, 0])
        n[0] += 1
        n[1] += c.value is not None
    cells = ", ".join(f"{t}: {n[0]} cells ({n[1]} with a number)" for t, n in sorted(by_table.items()))
    typer.echo(f"  cells     {cells or 'none'}")
    for f in report.findings:
        typer.echo(f"  {f.severity:8s}  {f.rule}: {f.message}")


@app.command()
def schema(
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole template as JSON.")] = True,
) -> None:
    """Print the report template: sections, tables, labels, codes, variants and identities.

    Example: nianbao schema --json
    """
    from schemas import TEMPLATE

    if as_json:
        typer.echo(json.dumps(TEMPLATE.as_dict(), ensure_ascii=False, indent=1))
    else:
        for b in TEMPLATE.blocks:
            typer.echo(f"{b.label}: 2019 {b.columns['2019']} / 2021 {b.columns['2021']}")


if __name__ == "__main__":
    app()
