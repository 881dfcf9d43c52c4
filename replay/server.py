"""ReplaySite: a threaded local HTTP server shaped like en.yna.co.kr, with switchable faults."""
from __future__ import annotations

import hashlib
import re
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from . import render, surfaces
from .chrome import SiteLinks
from .faults import Fault, FaultTable, gzip_bomb
from .model import KST, Article, Night
from .options import SiteOptions

UTC = timezone.utc

LISTING_PAGE = re.compile(r"^(?P<base>/[a-z-]+(?:/[a-z-]+)?)(?:/(?P<page>\d{1,4}))?/?$")
SITEMAP_CHILDREN = ("/news-sitemap-1.xml", "/news-sitemap-2.xml")


class ReplaySite:
    """Serves nights of articles over HTTP on 127.0.0.1.

    `requests` records (method, path_with_query, status) per request; status is 0 when the connection was
    dropped without a response ("reset").
    """

    def __init__(self, nights: list[Night] | None = None, host: str = "127.0.0.1", port: int = 0,
                 options: SiteOptions | None = None):
        if nights is None:
            from .stories import nights as written_nights
            nights = written_nights()
        self.nights = sorted(nights, key=lambda n: n.date)
        self.host, self.port = host, port
        # Which surfaces are on and in which form (replay.options); tests may replace it between requests.
        self.options = options or SiteOptions()
        self.requests: list[tuple[str, str, int]] = []
        self.faults = FaultTable()
        self._requests_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._version: dict[str, int] = {}  # article id -> index into Article.states()
        self._articles: dict[str, Article] = {}
        for night in self.nights:
            for a in night.articles:
                if a.article_id in self._articles:
                    raise ValueError(f"duplicate article id {a.article_id}")
                self._articles[a.article_id] = a
        # newest first by publish time; the id breaks ties so the order is stable
        self._newest_first = sorted(self._articles.values(), key=lambda a: (a.published, a.article_id), reverse=True)
        newest = self._newest_first
        self.links = SiteLinks(
            latest=[(a.title, f"/view/{a.article_id}") for a in newest[:10]],
            most_viewed=[(a.title, f"/view/{a.article_id}") for a in newest[10:60:10]],
        )

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> ReplaySite:
        if self._server is not None:  # already running: `with ReplaySite(...).start() as site` is fine
            return self
        self._stopping.clear()
        self._server = _Server((self.host, self.port), _Handler)
        self._server.site = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"replay-site-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes "slow" handlers so they finish at once
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> ReplaySite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- test controls --------------------------------------------------------------------------
    def add_fault(self, pattern: str, kind: str, times: int | None = None, **params) -> Fault:
        return self.faults.add(pattern, kind, times, **params)

    def clear_faults(self) -> None:
        self.faults.clear()

    def set_version(self, article_id: str, index: int | None) -> None:
        """Serve state `index` of Article.states() (0 = oldest, -1 = latest); None restores the latest."""
        states = self._articles[article_id].states()
        if index is None:
            self._version.pop(article_id, None)
        else:
            states[index]  # raises IndexError on a bad index
            self._version[article_id] = index

    def set_clock(self, when: datetime | None) -> None:
        """Serve pages and surfaces as of `when` (aware); None: no clock, every page in its latest state."""
        self.options = replace(self.options, now=when)

    def article(self, article_id: str) -> Article | None:
        """The article as currently served: the state set_version chose, or with the clock set the state
        in place at that time (None before it was published), else the latest state."""
        a = self._articles.get(article_id)
        if a is None:
            return None
        if article_id in self._version:
            return a.states()[self._version[article_id]]
        now = self.options.now
        if now is None:
            return a
        if a.published > now:
            return None
        states = a.states()
        # an edit in place takes effect at its modified time; the first state stands from publication
        return next((s for s in reversed(states) if s.modified <= now), states[0])

    def articles_newest_first(self) -> list[Article]:
        return [s for s in (self.article(a.article_id) for a in self._newest_first) if s is not None]

    def _record(self, method: str, path: str, status: int) -> None:
        with self._requests_lock:
            self.requests.append((method, path, status))

    # --- routing: returns (status, content type, body) -------------------------------------------
    def route(self, path_with_query: str, broken_layout: bool = False) -> tuple[int, str, bytes]:
        parts = urlsplit(path_with_query)
        path = parts.path
        html_type = "text/html; charset=utf-8"
        if path == "/robots.txt":
            body = surfaces.robots_txt(self.base_url, self.options.robots_sitemap_line)
            return 200, "text/plain; charset=utf-8", body.encode()
        if path in ("/", "/index"):
            return 200, html_type, render.render_home(self.visible()[:15], self.links).encode()
        if path.startswith("/view/"):
            article = self.article(path[len("/view/"):].strip("/"))
            if article is None:
                return self.not_found()
            page = render.render_broken_article if broken_layout else render.render_article
            return 200, html_type, page(article, self.links).encode()
        if path.startswith("/RSS/") and path.endswith(".xml"):
            return self.route_feed(path[len("/RSS/"):-len(".xml")])
        if path in ("/news-sitemap.xml", *SITEMAP_CHILDREN):
            return self.route_sitemap(path)
        listing = LISTING_PAGE.match(path)
        if listing and listing["base"] in surfaces.LISTING_PATHS:
            return self.route_listing(listing["base"], int(listing["page"] or 1))
        if path.startswith("/search") or path.startswith("/private/"):
            # served so that a crawler ignoring robots.txt is caught in `requests`, not by a 404
            return 200, html_type, render.render_simple("Restricted", "Not for crawlers.", self.links).encode()
        return self.not_found()

    # --- discovery surfaces (replay.surfaces), as of `now` ------------------------------------------
    def now(self) -> datetime:
        if self.options.now is not None:
            return self.options.now
        newest = self._newest_first[0].published if self._newest_first else datetime(2023, 1, 1, tzinfo=KST)
        return newest + timedelta(minutes=1)

    def visible(self) -> list[Article]:
        """Articles published by `now`, newest first: what listings, feeds and sitemap can show."""
        now = self.now()
        return [a for a in self.articles_newest_first() if a.published <= now]

    def route_listing(self, base: str, page: int) -> tuple[int, str, bytes]:
        if "listings" not in self.options.surfaces:
            return self.not_found()
        sections = surfaces.SECTION_LISTINGS.get(base)
        chosen = [a for a in self.visible() if sections is None or a.section in sections]
        size = self.options.page_size
        # past the last page the real site still answers 200 with an empty list
        items = surfaces.listing_items(chosen[(page - 1) * size: page * size], self.options.listing_dates)
        title = "All News" if base == "/news" else base.strip("/").replace("/", " / ").title()
        return 200, "text/html; charset=utf-8", render.render_listing(title, items, self.links).encode()

    def route_feed(self, name: str) -> tuple[int, str, bytes]:
        if "feeds" not in self.options.surfaces or name not in surfaces.CHANNELS:
            return self.not_found()
        sections = surfaces.CHANNELS[name]
        chosen = [a for a in self.visible() if sections is None or a.section in sections][:self.options.feed_items]
        o = self.options
        body = surfaces.feed(name, chosen, self._netloc(), o.feed_form, o.feed_link_query, o.link_form, self.now())
        return 200, "application/rss+xml; charset=utf-8", body.encode()

    def route_sitemap(self, path: str) -> tuple[int, str, bytes]:
        o = self.options
        if "sitemap" not in o.surfaces or (path != "/news-sitemap.xml" and o.sitemap_form != "index"):
            return self.not_found()
        xml_type = "application/xml; charset=utf-8"
        if path == "/news-sitemap.xml" and o.sitemap_form == "index":
            return 200, xml_type, surfaces.sitemap_index(list(SITEMAP_CHILDREN), self._netloc(), self.now()).encode()
        since = self.now() - timedelta(hours=o.sitemap_hours)
        chosen = [a for a in self.visible() if a.published >= since]
        if o.sitemap_form == "index":  # two children, newer and older half
            half = (len(chosen) + 1) // 2
            chosen = chosen[:half] if path == SITEMAP_CHILDREN[0] else chosen[half:]
        return 200, xml_type, surfaces.sitemap_urlset(chosen, self._netloc(), o.link_form).encode()

    def _netloc(self) -> str:
        return f"{self.host}:{self.port}"

    def not_found(self) -> tuple[int, str, bytes]:
        body = render.render_simple("Page not found", "The page you requested does not exist.", self.links)
        return 404, "text/html; charset=utf-8", body.encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    site: ReplaySite


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: faults can close without confusing keep-alive
    server_version = "ReplayYNA/1.0"

    def log_message(self, format, *args) -> None:  # quiet: tests read site.requests instead
        pass

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        site = self.server.site
        fault = site.faults.take(self.path)
        status = 0
        try:
            status = self._apply(site, fault, send_body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. a size limit); nothing to do
        finally:
            site._record(self.command, self.path, status)

    def _apply(self, site: ReplaySite, fault: Fault | None, send_body: bool) -> int:
        kind = fault.kind if fault else None
        params = fault.params if fault else {}
        if kind == "slow":
            site._stopping.wait(float(params["delay"]))
        if kind in ("503", "429"):
            return self._send(int(kind), "text/plain; charset=utf-8", f"{kind} replay fault\n".encode(), send_body,
                              {"Retry-After": str(params["retry_after"])})
        if kind == "404":
            return self._send(*site.not_found(), send_body)
        if kind in ("redirect", "redirect_offhost", "redirect_private"):  # redirect: to params["location"]
            return self._send(302, "text/html; charset=utf-8", b"<html><body>Moved</body></html>", send_body,
                              {"Location": params["location"]})
        if kind == "reset":
            # linger 0: closing sends a TCP reset instead of a clean end of stream
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return 0
        if kind == "gzip_bomb":
            return self._send(200, "text/html; charset=utf-8", gzip_bomb(), send_body, {"Content-Encoding": "gzip"})
        if kind == "oversize":
            return self._send_oversize(int(float(params["size_mb"]) * 1024 * 1024), bool(params["declare_length"]),
                                       send_body)
        status, ctype, body = site.route(self.path, broken_layout=(kind == "broken_layout"))
        headers = self._validators(site, status, body)
        if headers and self._not_modified(headers):
            return self._send(304, ctype, b"", False, headers)
        if kind == "truncate":
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body) + 4096))
            self.end_headers()
            if send_body:
                self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return status
        return self._send(status, ctype, body, send_body, headers)

    def _validators(self, site: ReplaySite, status: int, body: bytes) -> dict:
        """ETag (the body's hash) and Last-Modified (the state's modified time) of an article page."""
        path = urlsplit(self.path).path
        if status != 200 or not path.startswith("/view/"):
            return {}
        article = site.article(path[len("/view/"):].strip("/"))
        if article is None:
            return {}
        return {"ETag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
                "Last-Modified": format_datetime(article.modified.astimezone(UTC), usegmt=True)}

    def _not_modified(self, headers: dict) -> bool:
        """RFC 9110: If-None-Match decides when present; else If-Modified-Since against Last-Modified."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return headers["ETag"] in tags or "*" in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        modified = parsedate_to_datetime(headers["Last-Modified"])
        return when.tzinfo is not None and modified <= when

    def _send(self, status: int, ctype: str, body: bytes, send_body: bool, headers: dict | None = None) -> int:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)
        return status

    def _send_oversize(self, size: int, declare_length: bool, send_body: bool) -> int:
        head = b"<!doctype html><html><head><title>Oversize</title></head><body>\n"
        tail = b"</body></html>\n"
        line = b"<p>" + b"filler text for an oversized page " * 28 + b"</p>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if declare_length:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        if not send_body:
            return 200
        self.wfile.write(head)
        remaining = size - len(head) - len(tail)
        chunk = line * max(1, 65536 // len(line))
        while remaining > 0 and not self.server.site._stopping.is_set():
            piece = chunk[:remaining]
            self.wfile.write(piece)
            remaining -= len(piece)
        self.wfile.write(tail)
        return 200
