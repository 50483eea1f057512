"""A run that stops cleanly on Ctrl-C (SIGINT) or SIGTERM, and at once on a second one.

The first signal stops handing out files, kills the workers that are extracting one (their files are
dropped, not half-loaded) and asks the run to end: inside the flow at its next check (a warehouse load
in progress is finished first, so what is loaded is whole), elsewhere at once. The command then says
how far the run got in one line and exits 130; the next run extracts what is left. A second signal
ends the process at once (its workers die with it, the embedded API when its pipe closes).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

EXIT_CODE = 130  # 128 + SIGINT, what a shell expects of a command stopped by Ctrl-C
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class RunStopped(BaseException):
    """The run was asked to stop (a BaseException, so that no `except Exception` takes it for a failure)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


_requested: list[int] = []  # the signal that asked for the stop
_hooks: list[Callable[[], None]] = []
_polled = [0]  # > 0: inside the flow, which raises at its own checks
_installed = [False]


def requested() -> bool:
    """True once a stop was asked for."""
    return bool(_requested)


def _handler(signum: int, frame: FrameType | None) -> None:
    if _requested:  # the second signal: no more waiting
        os._exit(EXIT_CODE)
    _requested.append(signum)
    for hook in list(_hooks):
        with contextlib.suppress(Exception):
            hook()
    if not _polled[0]:
        raise RunStopped(signum)


@contextlib.contextmanager
def handling() -> Iterator[None]:
    """Handle SIGINT and SIGTERM as a stop while the block runs (main thread only; else nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {s: signal.signal(s, _handler) for s in SIGNALS}
    _requested.clear()
    _installed[0] = True
    try:
        yield
    finally:
        _installed[0] = False
        for s, h in before.items():
            signal.signal(s, h)


def reclaim() -> None:
    """Inside a flow run: take SIGTERM back from Prefect's own handler when `handling` is active."""
    if _installed[0] and threading.current_thread() is threading.main_thread():
        for s in SIGNALS:
            signal.signal(s, _handler)


@contextlib.contextmanager
def polled(*hooks: Callable[[], None]) -> Iterator[None]:
    """While the block runs, a stop calls `hooks` (stop the feed, kill busy workers) and is raised
    only by `check()`: the block decides where it may end."""
    _polled[0] += 1
    _hooks.extend(hooks)
    try:
        yield
    finally:
        _polled[0] -= 1
        for hook in hooks:
            _hooks.remove(hook)


def on_stop(hook: Callable[[], None]) -> contextlib.AbstractContextManager[None]:
    """Call `hook` when a stop is asked for while the block runs (raising stays as it was)."""

    @contextlib.contextmanager
    def registered() -> Iterator[None]:
        _hooks.append(hook)
        try:
            if _requested:
                hook()
            yield
        finally:
            _hooks.remove(hook)

    return registered()


def check() -> None:
    """Raise `RunStopped` when a stop was asked for."""
    if _requested:
        raise RunStopped(_requested[0])
