"""An embedded Prefect API for one-shot runs, started in a process of its own while the run gets ready.

Importing Prefect's server and migrating its SQLite database takes 5-15 s on this machine. The API is
therefore started first, in a second process (the other core), and this process meanwhile imports the
flows and the extractors and checks the sources; the run waits only for what is left. The SQLite file
lives under the data folder, so migrations are done once per data folder; a new data folder starts
from a copy of a database migrated before by the same Prefect version (kept in the user's cache,
~/.cache/nianbao), so that only the first run on a machine pays for the migrations. With
PREFECT_API_URL already set (a real server), nothing is started.

    python -m nianbao.embedded   # serves until its stdin closes; prints the API URL once it answers
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Applied before Prefect is imported; telemetry is off for every run of ours.
QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
STARTUP_TIMEOUT_S = 120.0


def prepare_environment(prefect_home: Path, debug: bool = False) -> None:
    """Point Prefect at the data folder and turn telemetry off; call before importing prefect.

    Args:
        prefect_home: PREFECT_HOME for the embedded API.
        debug: let Prefect's warnings and tracebacks through to the console (otherwise the command
            says what went wrong in one line; the flow run's log keeps them either way).
    """
    os.environ.update(QUIET)
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING" if debug else "CRITICAL")
    if os.environ.get("PREFECT_API_URL"):
        return
    prefect_home.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_HOME"] = str(prefect_home.resolve())
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
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


class ApiProcess:
    """The embedded API's process, started at once; `url()` waits until it answers."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        root = str(Path(__file__).resolve().parent.parent)  # the folder holding this nianbao package
        self.proc = subprocess.Popen(
            [sys.executable, "-P", "-m", "nianbao.embedded"],  # -P: not a nianbao in the current folder
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])},
        )
        self._url: str | None = None
        self.ready_after: float | None = None  # seconds from start until the API answered
        self.waited: float = 0.0  # seconds the run waited for it

    def url(self, timeout: float = STARTUP_TIMEOUT_S) -> str:
        """The API URL, once the server answers (raises RuntimeError if it does not start)."""
        if self._url is None:
            clock = time.perf_counter()
            line = _read_line(self.proc, timeout)
            self.waited = time.perf_counter() - clock
            if not line.startswith("http://"):
                self.stop()
                err = self.proc.stderr.read() if self.proc.stderr else ""
                last = _cause(err)
                raise RuntimeError(
                    f"the embedded Prefect API did not start ({last}); set PREFECT_API_URL to use a real server"
                )
            self._url = line.strip()
            self.ready_after = time.perf_counter() - self.started
        return self._url

    def stop(self) -> None:
        """Close its stdin (it exits) and reap it; kill it if it lingers, or at once if it never answered
        (a run stopped during start-up has nothing to send it)."""
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10 if self._url is not None else 0.5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    """The first stdout line of `proc`, or "" after `timeout` seconds or when it exits."""
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.readline() if proc.stdout else ""))
    reader.daemon = True
    reader.start()
    reader.join(timeout)
    return out[0] if out else ""


def start_api() -> ApiProcess | None:
    """Start the embedded API now (None when PREFECT_API_URL names a server already)."""
    return None if os.environ.get("PREFECT_API_URL") else ApiProcess()


@contextmanager
def embedded_api(api: ApiProcess | None, timings: dict[str, float] | None = None) -> Iterator[str | None]:
    """Use the API started by `start_api` while the block runs; yields its URL.

    Args:
        api: from `start_api()`; None to use PREFECT_API_URL as it is.
        timings: receives "prefect_startup" (seconds until the API answered) and "prefect_wait"
            (seconds the run waited for it after its own preparations).
    """
    if api is None:
        yield os.environ.get("PREFECT_API_URL")
        return
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    try:
        url = api.url()
        if timings is not None:
            timings["prefect_startup"] = api.ready_after or 0.0
            timings["prefect_wait"] = api.waited
        # No heartbeats: nothing watches a one-shot run's, and stopping their thread costs the run a
        # second at its end (it sleeps in one-second steps).
        with temporary_settings({PREFECT_API_URL: url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            try:
                yield url
            finally:
                _drain()
    finally:
        api.stop()


def _cause(stderr: str) -> str:
    """The line of the API process's output that says why it stopped (an exception's last line)."""
    lines = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip()]
    raised = [ln for ln in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit): ", ln)]
    return (raised or lines or ["no output"])[-1]


def _drain() -> None:
    """Send the buffered logs and events while the API is still up (else they fail at exit)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=5)
    EventsWorker.drain_all(timeout=5)


# The files of a freshly migrated PREFECT_HOME worth copying into a new one: the SQLite database, and
# the memo that says the block types are registered in it.
TEMPLATE_FILES = ("prefect.db", "memo_store.toml")
DB_URL_VARIABLES = ("PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL")


def template_dir() -> Path:
    """Where a migrated Prefect database is kept for new data folders (one per Prefect version)."""
    import prefect

    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "nianbao" / f"prefect-{prefect.__version__}"


def seed_home(home: Path) -> bool:
    """Give a new PREFECT_HOME a copy of the migrated template, if there is one; True when copied.

    Args:
        home: the PREFECT_HOME about to be served (its database is not there yet).
    """
    if any(os.environ.get(v) for v in DB_URL_VARIABLES) or (home / TEMPLATE_FILES[0]).exists():
        return False
    template = template_dir()
    if not (template / TEMPLATE_FILES[0]).is_file():
        return False
    try:
        for name in TEMPLATE_FILES:
            if (template / name).is_file():
                part = home / f".{name}.{os.getpid()}.part"
                shutil.copyfile(template / name, part)
                os.replace(part, home / name)
    except OSError:
        return False
    return True


def keep_template(home: Path) -> None:
    """Keep the database just migrated in `home` as the template for new data folders (best effort).

    Args:
        home: a PREFECT_HOME whose database was created and migrated by this process, not yet used.
    """
    import sqlite3

    template = template_dir()
    if any(os.environ.get(v) for v in DB_URL_VARIABLES) or (template / TEMPLATE_FILES[0]).exists():
        return
    try:
        template.mkdir(parents=True, exist_ok=True)
        for name in reversed(TEMPLATE_FILES):  # the database last: its presence says the template is whole
            part = template / f".{name}.{os.getpid()}.part"
            if name.endswith(".db"):
                src, dst = sqlite3.connect(home / name), sqlite3.connect(part)
                try:
                    src.backup(dst)
                finally:
                    dst.close()
                    src.close()
            elif (home / name).is_file():
                shutil.copyfile(home / name, part)
            else:
                continue
            os.replace(part, template / name)
    except (OSError, sqlite3.Error):
        pass


def serve() -> None:
    """Serve the API on a free 127.0.0.1 port; print its URL when it answers; stop when stdin closes.

    Ctrl-C and SIGTERM sent to the command's process group are for the run, which stops first and
    then closes our stdin: the API stays up until the run has sent its last states and events.
    """
    import signal

    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, signal.SIG_IGN)
    import uvicorn
    from prefect.server.api.server import create_app

    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")
    fresh = not (home / TEMPLATE_FILES[0]).exists() and not seed_home(home)

    server = uvicorn.Server(
        uvicorn.Config(
            create_app(ephemeral=True, final=True), host="127.0.0.1", port=0, log_level="error", lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, name="prefect-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sys.exit("the Prefect API did not start")
        time.sleep(0.02)
    if fresh:  # migrated here for the first time: the next new data folder starts from a copy
        keep_template(home)
    print(f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/api", flush=True)
    sys.stdin.read()  # until the parent closes our stdin (or dies)
    server.should_exit = True
    thread.join(timeout=10)  # the server's own shutdown: its services stopped, its database closed
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip the interpreter's teardown: seconds of joining Prefect's leftover threads


if __name__ == "__main__":
    serve()
