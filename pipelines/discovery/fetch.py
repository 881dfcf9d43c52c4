"""A small polite fetcher for discovery reads outside Scrapy (capture passes, the discovery CLI, the probe).

Reads a handful of urls per run, so a plain urllib client does: it obeys robots.txt
(urllib.robotparser), refuses non-public addresses at every hop exactly as the spider does
(spiders.safety.check_url, loopback only under WIREDESK_ALLOW_LOOPBACK=1), follows no redirect
off the host, caps the body size, waits between requests and sends the spider's User-Agent.

An optional `recorder` (a callable) is handed an Exchange for every HTTP answer, each redirect hop
included, with the body as received before gzip decoding: capture passes write them to WARC
(pipelines.warc.surfaces). Answers cut by the deadline or the size cap are not handed over.
"""
from __future__ import annotations

import gzip
import http.client
import io
import logging
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from pipelines import config
from pipelines.discovery.deadline import Deadline
from pipelines.discovery.surfaces import origin_refusal, same_origin
from spiders.safety import RefusedUrl, check_url

log = logging.getLogger(__name__)
MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = 30  # per socket operation
DEADLINE = 60.0  # per request, whatever the server sends how slowly (WIREDESK_FETCH_DEADLINE)


def request_deadline() -> float:
    import os

    text = os.environ.get("WIREDESK_FETCH_DEADLINE")
    try:
        value = float(text) if text else DEADLINE
    except ValueError:
        raise ValueError(f"WIREDESK_FETCH_DEADLINE must be seconds, not {text!r}") from None
    return value if value > 0 else DEADLINE


def user_agent() -> str:
    from spiders import settings

    return settings.USER_AGENT


@dataclass
class Fetched:
    url: str
    status: int | None  # None: no response
    body: bytes = b""
    reason: str | None = None  # why there is no usable body

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.reason is None


@dataclass
class Exchange:
    """One HTTP request and its answer as urllib sent and received them."""

    method: str
    url: str
    request_headers: list[tuple[str, str]]  # as sent, Host and Connection included
    status: int
    reason: str
    protocol: str  # HTTP/1.0 or HTTP/1.1
    response_headers: list[tuple[str, str]]  # lines as received, in order, names as the server wrote them
    body: bytes  # as received: before gzip decoding (http.client has removed chunked transfer coding)
    ip: str | None = None  # the peer address, when the socket still says


def _peer_ip(response) -> str | None:
    """The address the answer came from, read off the socket before the body is read (http.client
    closes it once the body is whole); None when the socket does not say."""
    try:
        return response.fp.raw._sock.getpeername()[0]
    except (AttributeError, OSError, IndexError, TypeError):
        return None


def _version(response) -> int | None:
    # an HTTPError wraps the http.client response, which knows the protocol version
    return getattr(response, "version", None) or getattr(getattr(response, "fp", None), "version", None)


def _sent_headers(request: urllib.request.Request) -> list[tuple[str, str]]:
    # urllib adds Host (unredirected) to the request and sends "Connection: close" from do_open
    headers = [(name, value) for name, value in request.header_items() if name.lower() != "connection"]
    return headers + [("Connection", "close")]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # redirects are followed by PoliteFetcher itself, each hop checked


class PoliteFetcher:
    def __init__(self, base_url: str, delay: float | None = None, max_redirects: int = 5, recorder=None):
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).hostname
        self.delay = (1.0 if config.throttle_enabled() else 0.0) if delay is None else delay
        self.max_redirects = max_redirects
        self.deadline = request_deadline()
        self.robots: urllib.robotparser.RobotFileParser | None = None
        self.robots_text = b""
        self._last = 0.0
        self.recorder = recorder  # called with an Exchange for every answer (see the module's doc)

    def _record(self, request: urllib.request.Request, response, body: bytes, ip: str | None) -> None:
        if self.recorder is None:
            return
        try:
            self.recorder(Exchange(
                method=request.get_method(), url=request.full_url, request_headers=_sent_headers(request),
                status=response.status if hasattr(response, "status") else response.code,
                reason=str(getattr(response, "reason", "") or ""),
                protocol="HTTP/1.0" if _version(response) == 10 else "HTTP/1.1",
                response_headers=list(response.headers.items()), body=body, ip=ip))
        except Exception:  # noqa: BLE001 - a recording failure is logged, never loses the read
            log.exception("could not record the exchange with %s", request.full_url)

    def _get(self, url: str) -> Fetched:
        for _ in range(self.max_redirects + 1):
            try:
                check_url(url, allow_loopback=config.allow_loopback())
            except RefusedUrl as exc:
                return Fetched(url, None, reason=str(exc))
            if urlsplit(url).hostname != self.host:
                return Fetched(url, None, reason=f"refused_redirect: offsite to {urlsplit(url).hostname}")
            if not same_origin(url, self.base_url):  # the site's hostname on another port or scheme
                return Fetched(url, None, reason=origin_refusal(url, self.base_url))
            wait = self._last + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()
            request = urllib.request.Request(url, headers={"User-Agent": user_agent(), "Accept-Encoding": "gzip"})
            late = Fetched(url, None, reason=f"timeout: no whole answer within {self.deadline:g} s (the request's "
                                             "total deadline, WIREDESK_FETCH_DEADLINE)")
            with Deadline(self.deadline) as deadline:
                opener = urllib.request.build_opener(_NoRedirect, *deadline.handlers())
                try:
                    with opener.open(request, timeout=min(TIMEOUT, deadline.remaining())) as response:
                        ip = _peer_ip(response) if self.recorder else None
                        body = response.read(MAX_BYTES + 1)
                        encoding = response.headers.get("Content-Encoding", "")
                        status = response.status
                except urllib.error.HTTPError as exc:
                    if deadline.passed:
                        return late
                    if self.recorder is not None:  # the error's or redirect's body too, as received
                        self._record_error(request, exc, deadline)
                    if exc.code in (301, 302, 303, 307, 308) and exc.headers.get("Location"):
                        url = urljoin(url, exc.headers["Location"])
                        continue
                    return Fetched(url, exc.code, reason=f"http_{exc.code}")
                except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
                    if deadline.passed:
                        return late
                    return Fetched(url, None, reason=f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:300])
            if deadline.expired:  # the body was cut short by the deadline
                return late
            if len(body) > MAX_BYTES:
                return Fetched(url, status, reason=f"too_large: over {MAX_BYTES} bytes")
            self._record(request, response, body, ip)
            if "gzip" in encoding.lower():
                try:
                    decompressor = gzip.GzipFile(fileobj=io.BytesIO(body))
                    body = decompressor.read(MAX_BYTES + 1)
                except OSError as exc:
                    return Fetched(url, status, reason=f"bad_gzip: {exc}")
                if len(body) > MAX_BYTES:
                    return Fetched(url, status, reason=f"too_large: over {MAX_BYTES} bytes decompressed")
            return Fetched(url, status, body)
        return Fetched(url, None, reason="too_many_redirects")

    def _record_error(self, request: urllib.request.Request, exc: urllib.error.HTTPError, deadline) -> None:
        ip = _peer_ip(exc.fp) if exc.fp is not None else None
        try:
            body = exc.read(MAX_BYTES + 1) if exc.fp is not None else b""
        except (OSError, ValueError, http.client.HTTPException):
            return  # a body that cannot be read whole is not an answer to record
        if deadline.expired or len(body) > MAX_BYTES:
            return
        self._record(request, exc, body, ip)

    def load_robots(self) -> Fetched:
        fetched = self._get(self.base_url + "/robots.txt")
        self.robots = urllib.robotparser.RobotFileParser()
        if fetched.ok:
            self.robots_text = fetched.body
            self.robots.parse(fetched.body.decode("utf-8", "replace").splitlines())
        elif fetched.status in (401, 403):
            self.robots.disallow_all = True
        else:
            self.robots.allow_all = True  # no robots.txt (404) or unreachable: as Scrapy's middleware does
        return fetched

    def get(self, url: str) -> Fetched:
        """GET `url` unless robots.txt disallows it (then reason 'robots_disallowed')."""
        if self.robots is None:
            self.load_robots()
        if not self.robots.can_fetch(user_agent(), url):
            return Fetched(url, None, reason="robots_disallowed")
        return self._get(url)
