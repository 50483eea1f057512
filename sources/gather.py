"""One call per source: a folder, file, URL or list page in, a `Gathered` (files + failures) out."""

from __future__ import annotations

from pathlib import Path

from sources.config import Source
from sources.fetched import FetchFailure, Gathered
from sources.folder import ingest_file, iter_folder, iter_glob
from sources.http import Fetcher, FetchFailed, HttpOptions
from sources.store import RawStore


def gather(source: Source, raw_dir: str | Path, options: HttpOptions | None = None) -> Gathered:
    """Fetch or ingest everything one source points at; failures are returned, never raised.

    Args:
        source: the folder, file, URL or list page, with its region.
        raw_dir: the raw store folder downloads (and copies of local files) go to.
        options: HTTP allow-list, timeout, retries and size limit.
    """
    store = RawStore(raw_dir)
    out = Gathered()
    try:
        if source.kind == "folder":
            if not Path(source.location).is_dir():
                return Gathered(failures=[FetchFailure(source.location, "folder not found", source.region)])
            out.fetched.extend(iter_folder(source.location, source.region, store))
        elif source.kind == "file":
            out.fetched.append(ingest_file(source.location, source.region, store))
        elif source.kind == "glob":
            out.fetched.extend(iter_glob(source.location, source.region, store))
        else:
            with Fetcher(store, options) as fetcher:
                if source.kind == "url":
                    out.fetched.append(fetcher.download(source.location, source.region))
                else:
                    out.extend(fetcher.crawl(source.location, source.region))
    except FetchFailed as exc:
        out.failures.append(FetchFailure(exc.url, exc.reason, source.region))
    except OSError as exc:
        out.failures.append(FetchFailure(source.location, f"cannot read: {exc}", source.region))
    return out
