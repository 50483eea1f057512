"""A real HTTP server on 127.0.0.1 (port 0) for crawler tests: resources with faults, ETag/Last-Modified,
and a request log (time, path, status) the tests read."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Wed, 18 Jan 2023 08:00:00 GMT"


@dataclass
class Resource:
    """What one path serves. Faults: `fail_first` 500s, `delay` before answering, `drip` per 1 KB chunk,
    `chunked` (no Content-Length), `location` (a redirect)."""

    body: bytes = b""
    ctype: str = "text/html"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0
    delay: float = 0.0
    drip: float = 0.0
    chunked: bool = False
    location: str | None = None
    validators: bool = True  # ETag + Last-Modified, and 304 on a matching conditional GET
    render: Callable[[str], bytes] | None = None  # a body made from the request path (endless pages)


@dataclass
class Hit:
    """One request as the server saw it."""

    at: float
    path: str
    status: int
    conditional: bool
    agent: str


@dataclass
class Server:
    """A running server: base URL, its resources (editable while it runs) and the request log."""

    base: str
    site: dict[str, Resource]
    log: list[Hit] = field(default_factory=list)
    served: dict[str, int] = field(default_factory=dict)
    inflight: int = 0
    max_inflight: int = 0

    def hits(self, path: str) -> list[Hit]:
        """The requests for one path (query included)."""
        return [h for h in self.log if h.path == path]

    def bodies(self) -> list[Hit]:
        """Requests answered 200 with a body (robots.txt excluded)."""
        return [h for h in self.log if h.status == 200 and h.path != "/robots.txt"]


@contextmanager
def serve(site: dict[str, Resource] | Callable[[str], dict[str, Resource]]) -> Iterator[Server]:
    """Serve a site (or a function of the base URL that builds it) until the block ends."""
    server_box: list[Server] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            srv = server_box[0]
            res = srv.site.get(self.path) or srv.site.get(self.path.split("?")[0] + "*")
            cond = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
            with lock:
                n = srv.served.get(self.path, 0) + 1
                srv.served[self.path] = n
            if res is not None and res.render is not None:
                res = Resource(**{**res.__dict__, "body": res.render(self.path), "render": None})
            status = 404 if res is None else res.status
            if res is not None and n <= res.fail_first:
                status = 500
            etag = f'"{hashlib.sha1(res.body).hexdigest()[:16]}"' if res is not None else ""
            if res is not None and status == 200 and res.validators and cond:
                if self.headers.get("If-None-Match") == etag or (
                    not self.headers.get("If-None-Match")
                    and self.headers.get("If-Modified-Since") == LAST_MODIFIED
                ):
                    status = 304
            with lock:
                srv.log.append(
                    Hit(time.monotonic(), self.path, status, cond, self.headers.get("User-Agent", ""))
                )
                srv.inflight += 1
                srv.max_inflight = max(srv.max_inflight, srv.inflight)
            try:
                if res is not None and res.delay:
                    time.sleep(res.delay)
                self._answer(res, status, etag)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with lock:
                    srv.inflight -= 1

        def _answer(self, res: Resource | None, status: int, etag: str) -> None:
            if res is None or status in (404, 500):
                body = b"error"
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_response(status)
            if res.location:
                self.send_header("Location", res.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if res.validators:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
            if status == 304:
                self.end_headers()
                return
            self.send_header("Content-Type", res.ctype)
            for k, v in res.headers.items():
                self.send_header(k, v)
            if res.chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(len(res.body)))
            self.end_headers()
            for i in range(0, len(res.body), 1024):
                chunk = res.body[i : i + 1024]
                if res.drip:
                    time.sleep(res.drip)
                if res.chunked:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                else:
                    self.wfile.write(chunk)
            if res.chunked:
                self.wfile.write(b"0\r\n\r\n")

        def log_message(self, *args: object) -> None:
            pass

    class Quiet(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that hangs up early (size limit, timeout) is part of the test

    httpd = Quiet(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    server_box.append(Server(base, site(base) if callable(site) else site))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_box[0]
    finally:
        httpd.shutdown()
        httpd.server_close()
