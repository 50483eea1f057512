"""A fake county portal on 127.0.0.1: a 年报 column (two list pages), report pages and attachments."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPORT_2021 = (
    "<html><head><meta charset='utf-8'><title>清水镇2021年政府信息公开工作年度报告</title></head><body>"
    "<h1>清水镇2021年政府信息公开工作年度报告</h1><table><tr><td>新收政府信息公开申请数量</td><td>3</td></tr></table>"
    "<p>附件：<a href='/uploads/2021/tjb.xls'>统计表.xls</a> <a href='/uploads/2021/nb.pdf'>下载PDF</a></p>"
    "</body></html>"
)
REPORT_2022_GBK = (
    "<html><head><meta charset='gbk'></head><body><h1>白石乡2022年度政府信息公开工作报告</h1></body></html>"
).encode("gbk")
REPORT_2020 = "<html><body><h1>清水镇2020年政府信息公开工作年度报告</h1></body></html>"


def free_port() -> int:
    """A loopback port nobody listens on (bound, read, closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Portal:
    """The running fake portal: its base URL, request counts per path, and a closed port."""

    base: str
    closed_port: int
    hits: Counter[str] = field(default_factory=Counter)

    @property
    def list_page(self) -> str:
        return f"{self.base}/col/col1/index.html"


def _pages(closed_port: int) -> dict[str, tuple[int, str, bytes]]:
    list1 = f"""<html><head><meta charset="utf-8"></head><body><ul>
      <li><a href="/zwgk/zfxxgknb/202201/t20220118_1.html">清水镇2021年政府信息公开工作年度报告</a></li>
      <li><a href="/art/2023/1/20/art_5_2_wap.html">白石乡2022年度报告</a></li>
      <li><a href="/zwgk/zfxxgknb/202101/t20210115_9.html">清水镇2020年报（已撤下）</a></li>
      <li><a href="http://127.0.0.1:{closed_port}/zfxxgknb/nb.pdf">镜像年报</a></li>
      <li><a href="http://spam.example.com/xxgknb/1.html">政府信息公开年报</a></li>
      <li><a href="/jd/2021.html">2021年年报解读</a></li>
      <li><a href="/news/1.html">镇领导调研</a></li>
      <li><a href="index_1.html">下一页</a></li>
    </ul></body></html>"""
    list2 = """<html><body>
      <a href="/zwgk/zfxxgknb/202101/t20210120_3.html?isMobile=true">清水镇2020年政府信息公开工作年度报告</a>
      <a href="/zwgk/zfxxgknb/202201/t20220118_1.html">清水镇2021年政府信息公开工作年度报告</a>
      <a href="index.html">上一页</a></body></html>"""
    html = "text/html; charset=utf-8"
    return {
        "/col/col1/index.html": (200, html, list1.encode()),
        "/col/col1/index_1.html": (200, html, list2.encode()),
        "/zwgk/zfxxgknb/202201/t20220118_1.html": (200, html, REPORT_2021.encode()),
        "/art/2023/1/20/art_5_2.html": (200, "text/html", REPORT_2022_GBK),
        "/zwgk/zfxxgknb/202101/t20210120_3.html": (200, html, REPORT_2020.encode()),
        "/uploads/2021/tjb.xls": (200, "application/vnd.ms-excel", b"\xd0\xcf\x11\xe0" + b"x" * 500),
        "/uploads/2021/nb.pdf": (200, "application/pdf", b"%PDF-1.4\n" + b"y" * 5000),
        "/big/nb.pdf": (200, "application/pdf", b"%PDF-1.4\n" + b"z" * 200_000),
        "/go/away.html": (302, "http://spam.example.com/xxgknb/1.html", b""),
    }


@contextmanager
def serve_portal() -> Iterator[Portal]:
    """Run the fake portal in a thread for the duration of the block."""
    closed = free_port()
    pages = _pages(closed)
    flaky: Counter[str] = Counter()
    portal = Portal(base="", closed_port=closed)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?")[0]
            portal.hits[path] += 1
            if path == "/flaky/nb.pdf":  # fails twice with 503, then serves
                flaky[path] += 1
                if flaky[path] <= 2:
                    self.send_error(503)
                    return
                path = "/uploads/2021/nb.pdf"
            status, ctype, body = pages.get(path, (404, "text/plain", b"not found"))
            if status == 404:
                self.send_error(404)
                return
            self.send_response(status)
            if status == 302:
                self.send_header("Location", ctype)
            else:
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    portal.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        server.shutdown()
        server.server_close()
