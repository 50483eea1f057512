"""Loopback helpers other test packages use (the fixture portals themselves are in portals.py)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A loopback port nobody listens on (bound, read, closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
