"""A slow S3 in front of a real one: an HTTP proxy that delays each PUT and can answer 503 SlowDown.

For the archive benchmark (`make bench-archive`) and its test: S3 that answers writes in 3 s, or asks
the client to slow down, must not serialize a crawl. The proxy forwards every request unchanged (moto's
S3 server behind it does the storing) and counts the PUTs in flight at once.
"""
from __future__ import annotations

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

SLOWDOWN = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
            b"<Message>Please reduce your request rate.</Message><RequestId>wiredesk-bench</RequestId></Error>")


class SlowS3Proxy:
    """`with SlowS3Proxy(target, put_delay=3.0, slowdown_every=0) as proxy:` then use proxy.url as the
    S3 endpoint. slowdown_every=N: every Nth PUT is answered 503 SlowDown (after the delay), as S3 does
    under load; the client retries it."""

    def __init__(self, target: str, put_delay: float = 3.0, slowdown_every: int = 0):
        self.target = urlsplit(target)
        self.put_delay = put_delay
        self.slowdown_every = slowdown_every
        self.puts = 0
        self.slowdowns = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                is_put = self.command == "PUT" and "/" in self.path.lstrip("/")  # an object, not a bucket
                if is_put:
                    slowdown = proxy._enter_put()
                    try:
                        time.sleep(proxy.put_delay)
                        if slowdown:
                            self._send(503, {"Content-Type": "application/xml"}, SLOWDOWN)
                            return
                        self._relay(body)
                    finally:
                        proxy._leave_put()
                else:
                    self._relay(body)

            def _relay(self, body):
                conn = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port, timeout=60)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
                    conn.request(self.command, self.path, body=body, headers=headers)
                    answer = conn.getresponse()
                    data = answer.read()
                    dropped = ("transfer-encoding", "connection") + (() if self.command == "HEAD" else ("content-length",))
                    self._send(answer.status, {k: v for k, v in answer.getheaders() if k.lower() not in dropped}, data)
                finally:
                    conn.close()

            def _send(self, status, headers, data):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if self.command != "HEAD":
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _enter_put(self) -> bool:
        with self._lock:
            self.puts += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            slowdown = bool(self.slowdown_every) and self.puts % self.slowdown_every == 0
            self.slowdowns += slowdown
            return slowdown

    def _leave_put(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def __enter__(self) -> SlowS3Proxy:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
