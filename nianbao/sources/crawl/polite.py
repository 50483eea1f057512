"""Per-host politeness: a request-rate limit, a cap on requests in flight, and robots.txt rules."""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class HostGate:
    """Spaces request starts on one host at least `1/rate` seconds apart and caps those in flight.

    Thread-safe: every crawl thread and Prefect task in a process that shares the gate shares the limit.

    Args:
        rate: requests per second at most.
        concurrency: requests in flight at once at most.
    """

    def __init__(self, rate: float, concurrency: int) -> None:
        self.interval = 1.0 / rate
        self._lock = threading.Lock()
        self._next = 0.0
        self._slots = threading.BoundedSemaphore(concurrency)

    def slow_down(self, interval: float) -> None:
        """Use a longer interval (robots.txt Crawl-delay); never a shorter one."""
        with self._lock:
            self.interval = max(self.interval, interval)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for a slot and for the next start time; the request runs inside the block."""
        with self._slots:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next)
                self._next = start + self.interval
            if start > now:
                time.sleep(start - now)
            yield


class Gates:
    """One `HostGate` per host, made on first use."""

    def __init__(self, rate: float, concurrency: int) -> None:
        self.rate, self.concurrency = rate, concurrency
        self._gates: dict[str, HostGate] = {}
        self._lock = threading.Lock()

    def __call__(self, host: str) -> HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = HostGate(self.rate, self.concurrency)
            return gate


class Robots:
    """robots.txt per host, read once: missing (4xx) allows all; unreachable or 5xx disallows all.

    Args:
        fetch: gets a robots.txt URL; returns (status, text) or raises OSError when unreachable.
        user_agent: the agent name rules are matched for.
    """

    def __init__(self, fetch: Callable[[str], tuple[int, str]], user_agent: str) -> None:
        self._fetch = fetch
        self.agent = user_agent.split("/")[0]
        self._rules: dict[str, urllib.robotparser.RobotFileParser | bool] = {}
        self._delays: dict[str, float] = {}
        self._lock = threading.Lock()
        self.notes: dict[str, str] = {}

    def rules(self, origin: str) -> urllib.robotparser.RobotFileParser | bool:
        """The parsed rules of `scheme://host[:port]`, True (all allowed) or False (none)."""
        with self._lock:
            if origin in self._rules:
                return self._rules[origin]
            try:
                status, text = self._fetch(origin + "/robots.txt")
            except OSError as exc:
                self.notes[origin] = str(exc)  # robots.txt unreachable: the host is not crawled
                rules: urllib.robotparser.RobotFileParser | bool = False
            else:
                if status >= 500:
                    self.notes[origin] = f"robots.txt gave HTTP {status}; host not crawled"
                    rules = False
                elif status >= 400:
                    rules = True
                else:
                    parser = urllib.robotparser.RobotFileParser()
                    parser.parse(text.splitlines())
                    rules = parser
                    delay = _crawl_delay(text, self.agent)
                    if delay:
                        self._delays[origin] = delay
            self._rules[origin] = rules
            return rules

    def allowed(self, origin: str, url: str) -> bool:
        """True when robots.txt lets our agent fetch `url`."""
        rules = self.rules(origin)
        if isinstance(rules, bool):
            return rules
        return rules.can_fetch(self.agent, url)

    def crawl_delay(self, origin: str) -> float | None:
        """The Crawl-delay robots.txt asks of our agent (or of all agents), if any; fractions allowed."""
        self.rules(origin)
        return self._delays.get(origin)


def _crawl_delay(text: str, agent: str) -> float | None:
    """Crawl-delay of the group naming our agent, else of the `*` group (robotparser reads whole seconds only)."""
    found: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
        else:
            in_rules = True
            if key == "crawl-delay":
                try:
                    delay = float(value)
                except ValueError:
                    continue
                for a in agents:
                    found.setdefault(a, delay)
    mine = next((d for a, d in found.items() if a != "*" and a in agent.lower()), None)
    return mine if mine is not None else found.get("*")
