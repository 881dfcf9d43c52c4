"""A total deadline for one HTTP request made with urllib, not a per-read one.

urllib's `timeout` bounds each socket operation: a server that sends one byte every 10 s never trips
a 30 s timeout and keeps a request open for ever. A Deadline watches the sockets of the request it
is given to and shuts them down when the request has run out of time, whatever it is waiting for
(the connect, the status line, a header, the body).
"""
from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.request


class Deadline:
    """`with Deadline(seconds) as d: opener = d.opener(...)`; d.expired says whether it cut the request."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def __enter__(self) -> Deadline:
        self.started = time.monotonic()
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._timer is not None:
            self._timer.cancel()

    @property
    def passed(self) -> bool:
        """Whether the request ran out of time (cut by the timer, or a socket timeout at the very end)."""
        return self.expired or time.monotonic() - self.started >= self.seconds - 0.05

    def remaining(self) -> float:
        return max(0.01, self.seconds - (time.monotonic() - self.started))

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv: it returns at once

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def handlers(self) -> list[urllib.request.BaseHandler]:
        """HTTP and HTTPS handlers whose connections this deadline watches (for build_opener)."""
        deadline = self

        def watched(base):
            class Watched(base):
                def connect(self):
                    super().connect()
                    deadline.watch(self.sock)

            return Watched

        class HTTP(urllib.request.HTTPHandler):
            def http_open(self, req):
                return self.do_open(watched(http.client.HTTPConnection), req)

        class HTTPS(urllib.request.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(watched(http.client.HTTPSConnection), req, context=self._context,
                                    check_hostname=self._check_hostname)

        return [HTTP(), HTTPS()]
