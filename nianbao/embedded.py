"""An embedded Prefect API for one-shot runs: in this process, with its database in the data folder.

Prefect's own ephemeral mode starts a second Python process and waits for it (≈5-8 s on a warm
machine, 10-25 s on a cold one). Serving the same API app from a thread here skips the second import
of the server and the polling, and the SQLite file under the data folder keeps the migrations done.
With PREFECT_API_URL already set (a real server), nothing is started.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Applied before Prefect is imported; telemetry is off for every run of ours.
QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


def prepare_environment(prefect_home: Path) -> None:
    """Point Prefect at the data folder and turn telemetry off; call before importing prefect."""
    os.environ.update(QUIET)
    if os.environ.get("PREFECT_API_URL"):
        return
    prefect_home.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_HOME"] = str(prefect_home.resolve())
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "60")


def reachable(api_url: str, timeout: float = 5.0) -> bool:
    """True when a Prefect API answers its health check at `api_url`.

    Args:
        api_url: e.g. http://127.0.0.1:4200/api.
        timeout: seconds to wait for the answer.
    """
    import httpx

    try:
        return httpx.get(api_url.rstrip("/") + "/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def embedded_api(timings: dict[str, float] | None = None) -> Iterator[str | None]:
    """Serve the Prefect API from a thread of this process while the block runs; yields its URL.

    Args:
        timings: receives "prefect_startup" (seconds until the API answered).
    """
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    clock = time.perf_counter()
    import uvicorn
    from prefect.server.api.server import create_app
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = uvicorn.Server(
        uvicorn.Config(
            create_app(ephemeral=True, final=True), host="127.0.0.1", port=0, log_level="error", lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, name="prefect-api", daemon=True)
    thread.start()
    _wait_started(server, thread)
    url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/api"
    if timings is not None:
        timings["prefect_startup"] = time.perf_counter() - clock
    try:
        with temporary_settings({PREFECT_API_URL: url}):
            yield url
    finally:
        _drain()
        server.should_exit = True
        thread.join(timeout=10)


def _drain() -> None:
    """Send the buffered logs and events while the API is still up (else they fail at exit)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=5)
    EventsWorker.drain_all(timeout=5)


def _wait_started(server: Any, thread: threading.Thread, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(
                "the embedded Prefect API did not start; set PREFECT_API_URL to use a real server"
            )
        time.sleep(0.02)
