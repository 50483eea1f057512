"""flows/stop.py in a real process: the first SIGINT/SIGTERM asks the run to stop (at once outside the
flow, at the flow's next check inside it, after its hooks stop the feed); the second exits 130 at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, time
    from nianbao.flows import stop

    with stop.handling():
        try:  # outside the flow: raised at once, wherever the main thread is
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
            print("not stopped")
        except stop.RunStopped as exc:
            print("outside:", exc)
    with stop.handling():
        calls = []
        with stop.polled(lambda: calls.append("feed stopped")):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
            print("inside, after the signal:", calls, stop.requested())
            try:
                stop.check()
            except stop.RunStopped as exc:
                print("at the check:", exc)
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGINT)  # the second one
        time.sleep(5)
        print("still running")
    """
)


def test_first_signal_stops_at_a_check_the_second_exits_at_once() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 130, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "outside: stopped by SIGTERM",
        "inside, after the signal: ['feed stopped'] True",
        "at the check: stopped by SIGINT",
    ]
    assert done.stderr == ""
