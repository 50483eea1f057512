"""`nianbao crawl`: crawl portal columns (or a district's 政府信息公开 entry page) into a raw store + manifest."""

from __future__ import annotations

import json
import logging
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from nianbao.sources.crawl import CrawlOptions, CrawlSummary, crawl_many
from nianbao.sources.crawl.urls import canonical_url, host_allowed, host_of


def crawl(
    start_urls: Annotated[
        list[str], typer.Argument(help="Column, township or 政府信息公开 entry pages (or report pages).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Crawl folder: raw store + manifest.jsonl.")],
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="A host (or host:port) to allow besides *.gov.cn; repeatable."),
    ] = None,
    max_pages: Annotated[int, typer.Option("--max-pages", help="List pages followed per column.")] = 30,
    rate: Annotated[float, typer.Option("--rate", help="Requests per second per host, at most.")] = 2.0,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per connect/read.")] = 20.0,
    retries: Annotated[int, typer.Option("--retries", help="Retries on timeouts and 5xx.")] = 2,
    max_mb: Annotated[float, typer.Option("--max-mb", help="Largest file kept, in MB.")] = 50.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Crawl report columns politely (robots.txt, rate limit) and incrementally (conditional GET).

    Exit codes: 0 all fetched, 1 some URLs failed (see the summary), 2 usage error.

    Example: nianbao crawl https://www.example.gov.cn/zwgk/index.html --out data/crawl --rate 1
    """
    hosts = tuple(allow_host or ())
    for url in start_urls:
        if not url.startswith(("http://", "https://")):
            typer.echo(f"error: {url}: not an http(s) URL", err=True)
            raise typer.Exit(2)
        if not host_allowed(canonical_url(url), hosts):
            typer.echo(f"error: {url}: host not allowed; add --allow-host {host_of(url)}", err=True)
            raise typer.Exit(2)
    try:
        options = CrawlOptions(
            allowed_hosts=hosts,
            max_pages=max_pages,
            rate=rate,
            timeout=timeout,
            retries=retries,
            max_bytes=int(max_mb * 1024 * 1024),
        )
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    logging.getLogger("httpx").setLevel(logging.WARNING)
    summary = _run(start_urls, out, options, show=not quiet and not as_json and sys.stderr.isatty())
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False) + "\n")
    else:
        for line in summary.lines():
            typer.echo(line)
        typer.echo(f"manifest {out / 'manifest.jsonl'}")
    raise typer.Exit(1 if summary.failed else 0)


def _run(start_urls: list[str], out: Path, options: CrawlOptions, show: bool) -> CrawlSummary:
    if not show:
        return crawl_many(start_urls, out, options)[1]
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    counts: dict[str, int] = {}
    lock = threading.Lock()
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True
    ) as bar:
        task = bar.add_task("crawling", total=None)

        def on_event(kind: str, url: str) -> None:
            with lock:
                counts[kind] = counts.get(kind, 0) + 1
                tally = " ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            bar.update(task, description=f"{tally}  {url[-60:]}")

        return crawl_many(start_urls, out, options, on_event=on_event)[1]
