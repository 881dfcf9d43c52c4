"""APReplaySite: a threaded HTTP server on 127.0.0.1 shaped like apnews.com, with a clock and validators.

Routes: /article/<slug>-<id> (also /article/<id> and /<id>, AP's short links, and an older slug of the same
id: 301 to the current url, or served as is with SiteOptions.old_slug="serve"), /hub/<topic>, /sitemap.xml
(an index of monthly article sitemaps plus hub and video sitemaps, or one url set), the monthly sitemaps,
/news-sitemap-content.xml (the last `news_hours` as of the clock), /robots.txt.

The replay clock (TEAM.md): `site.now` is an aware datetime or None. None serves every page in its latest
state and every surface with everything. Set, an article published after it answers 404 and is on no
surface; a page is served in its state as of `now` (in-place edits apply at their times); surfaces list
what they list as of `now`. Every 200 carries an ETag and a Last-Modified (SiteOptions.validators: both,
etag, last_modified, none); a matching If-None-Match (or, without one, an If-Modified-Since not older than
Last-Modified) gets 304 with no body. `site.now` and `site.options` may be set between requests.
"""
from __future__ import annotations

import gzip
import hashlib
import re
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from pipelines.sources.apnews.ids import HUB_PATHS, split_article_path
from pipelines.sources.apnews.replay import render
from pipelines.sources.apnews.replay.model import UTC, Article, Night, State

SURFACES = frozenset({"sitemap", "news_sitemap", "hubs"})
TIME_FORMS = ("z", "offset", "naive", "date")
LINK_FORMS = ("absolute", "relative", "protocol_relative")
VALIDATORS = ("both", "etag", "last_modified", "none")
HUB_TOPICS = tuple(path.rsplit("/", 1)[1] for path in HUB_PATHS)
EASTERN_SUMMER = timezone(timedelta(hours=-4))  # the "offset" time form writes times as AP's newsroom would
_MONTHLY = re.compile(r"^/sitemap/articles-(\d{4})-(\d{2})\.xml$")


@dataclass(frozen=True)
class SiteOptions:
    generation: str = "brightspot2024"  # or "react2023": the page layout served
    surfaces: frozenset = field(default=SURFACES)
    sitemap_form: str = "index"  # /sitemap.xml as an index of monthly sitemaps, or as one url set
    index_lastmod: bool = True
    news_tags: bool = True  # news:publication_date and news:title; False: lastmod only
    time_form: str = "z"  # sitemap times: 2024-05-14T09:12:40Z, -04:00 offset, zone-less, a day only
    link_form: str = "absolute"
    link_query: bool = False  # ?utm_source=... on every link
    sitemap_gzip: bool = False  # sitemaps as gzip bodies (application/x-gzip, no Content-Encoding)
    robots_sitemaps: bool = True
    old_slug: str = "redirect"  # an older slug of an id: 301 to the current url, or "serve" the page
    validators: str = "both"
    news_hours: int = 48
    hub_items: int = 20

    def __post_init__(self) -> None:
        checks = [(self.generation, render.GENERATIONS), (self.sitemap_form, ("index", "urlset")),
                  (self.time_form, TIME_FORMS), (self.link_form, LINK_FORMS), (self.validators, VALIDATORS),
                  (self.old_slug, ("redirect", "serve"))]
        bad = [value for value, allowed in checks if value not in allowed] + sorted(set(self.surfaces) - SURFACES)
        if bad:
            raise ValueError(f"unknown replay option value(s): {bad}")

    def only(self, *surfaces: str) -> SiteOptions:
        return replace(self, surfaces=frozenset(surfaces))


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict = field(default_factory=dict)
    modified: datetime | None = None  # the served state's time: Last-Modified


class APReplaySite:
    """`requests` records (method, path with query, status) per request."""

    def __init__(self, nights: list[Night] | None = None, host: str = "127.0.0.1", port: int = 0,
                 options: SiteOptions | None = None, now: datetime | None = None):
        if nights is None:
            from pipelines.sources.apnews.replay.stories import nights as written_nights
            nights = written_nights()
        self.articles: list[Article] = [a for night in nights for a in night.articles]
        self._by_id: dict[str, Article] = {}
        for article in self.articles:
            if article.article_id in self._by_id:
                raise ValueError(f"two articles with id {article.article_id} ({article.key})")
            self._by_id[article.article_id] = article
        self._by_key = {a.key: a for a in self.articles}
        self.options = options or SiteOptions()
        self.now = now
        self.host, self.port = host, port
        self.requests: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- the clock -----------------------------------------------------------------------------------
    @property
    def now(self) -> datetime | None:
        return self._now

    @now.setter
    def now(self, value: datetime | None) -> None:
        if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
            raise ValueError("APReplaySite.now must be a timezone-aware datetime or None")
        self._now = value

    def clock(self) -> datetime:
        """`now`, or a minute after the last state of any article (what "latest" means for surfaces)."""
        if self._now is not None:
            return self._now
        return max(s.at for a in self.articles for s in a.states) + timedelta(minutes=1)

    def state(self, article: Article) -> State | None:
        return article.state_at(self._now)

    def visible(self) -> list[tuple[Article, State]]:
        """(article, its state as of now) for every article published by now, newest publication first."""
        pairs = [(a, self.state(a)) for a in self.articles]
        return sorted([(a, s) for a, s in pairs if s is not None], key=lambda p: (p[0].published, p[0].key),
                      reverse=True)

    def article(self, key: str) -> Article:
        return self._by_key[key]

    # --- lifecycle -----------------------------------------------------------------------------------
    def start(self) -> APReplaySite:
        if self._server is None:
            self._server = _Server((self.host, self.port), _Handler)
            self._server.site = self
            self.port = self._server.server_address[1]
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name=f"apnews-replay-{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> APReplaySite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url_of(self, article: Article, state: State | None = None) -> str:
        """The article's url on this replay, in its current (or `state`'s) slug."""
        return self.base_url + render.article_path(article, state or self.state(article) or article.states[-1])

    # --- routing -------------------------------------------------------------------------------------
    def route(self, path_with_query: str) -> Response:
        path = urlsplit(path_with_query).path
        if path == "/robots.txt":
            named = [f"{self.base_url}/sitemap.xml", f"{self.base_url}/news-sitemap-content.xml"]
            body = render.robots_txt(named if self.options.robots_sitemaps else [])
            return Response(200, "text/plain; charset=utf-8", body.encode())
        if path.startswith("/hub/"):
            return self.route_hub(path.removeprefix("/hub/").strip("/"))
        if path in ("/sitemap.xml", "/news-sitemap-content.xml", "/hub/sitemap.xml", "/video/sitemap.xml") or \
                _MONTHLY.match(path):
            return self.route_sitemap(path)
        found = split_article_path(path)
        if found is not None:
            return self.route_article(*found)
        return self.not_found()

    def route_article(self, slug: str | None, article_id: str) -> Response:
        article = self._by_id.get(article_id)
        state = self.state(article) if article is not None else None
        if state is None:
            return self.not_found()
        current = render.article_path(article, state)
        if slug != article.slug_of(state) and (slug is None or self.options.old_slug == "redirect"):
            return Response(301, "text/html; charset=utf-8", b"<html><body>Moved</body></html>",
                            {"Location": self.base_url + current})
        related = []
        for other in (self._by_key[key] for key in article.related if key in self._by_key):
            shown = self.state(other)
            if shown is not None:  # a related story not yet published is not linked
                related.append((shown.shown_headline or shown.headline, self._href(render.article_path(other, shown))))
        body = render.article_page(self.options.generation, article, state, related)
        return Response(200, "text/html; charset=utf-8", body.encode(), modified=state.at)

    def route_hub(self, topic: str) -> Response:
        if "hubs" not in self.options.surfaces or topic not in HUB_TOPICS:
            return self.not_found()
        chosen = [(a, s) for a, s in self.visible() if topic in a.hubs]
        chosen.sort(key=lambda p: p[1].at, reverse=True)
        chosen = chosen[:self.options.hub_items]
        items = [(s.shown_headline or s.headline, self._href(render.article_path(a, s)), s.at) for a, s in chosen]
        body = render.hub_page(self.options.generation, topic, items)
        return Response(200, "text/html; charset=utf-8", body.encode(), modified=self._latest(chosen))

    def route_sitemap(self, path: str) -> Response:
        o = self.options
        news = path == "/news-sitemap-content.xml"
        if ("news_sitemap" if news else "sitemap") not in o.surfaces:
            return self.not_found()
        visible = self.visible()
        if news:
            since = self.clock() - timedelta(hours=o.news_hours)
            chosen = [(a, s) for a, s in visible if a.published >= since]
            return self._xml(render.sitemap_urlset([self._entry(a, s, news=o.news_tags) for a, s in chosen]), chosen)
        months = sorted({(a.published.year, a.published.month) for a, _ in visible})
        if path == "/sitemap.xml" and o.sitemap_form == "index":
            children = []
            for year, month in months:  # oldest first, as AP's index (Fundus reads it reversed)
                members = [(a, s) for a, s in visible if (a.published.year, a.published.month) == (year, month)]
                when = self._latest(members) if o.index_lastmod else None
                children.append((f"{self.base_url}/sitemap/articles-{year}-{month:02d}.xml", when))
            children += [(f"{self.base_url}/hub/sitemap.xml", None), (f"{self.base_url}/video/sitemap.xml", None)]
            return self._xml(render.sitemap_index(children), visible)
        if path in ("/hub/sitemap.xml", "/video/sitemap.xml"):
            locs = ([(self._href(f"/hub/{t}"), None, None, None) for t in HUB_TOPICS] if path.startswith("/hub")
                    else [(self._href("/video/latest-newscast-0000000000000000000000000000000a"), None, None, None)])
            return self._xml(render.sitemap_urlset(locs), [])
        monthly = _MONTHLY.match(path)
        if monthly:
            wanted = (int(monthly[1]), int(monthly[2]))
            if o.sitemap_form != "index" or wanted not in months:
                return self.not_found()
            visible = [(a, s) for a, s in visible if (a.published.year, a.published.month) == wanted]
        return self._xml(render.sitemap_urlset([self._entry(a, s, news=False) for a, s in visible]), visible)

    def _entry(self, article: Article, state: State, news: bool) -> tuple:
        loc = self._href(render.article_path(article, state))
        if news:
            return loc, self._time_text(article.published), state.headline, None
        return loc, None, None, self._time_text(state.at)

    def _time_text(self, moment: datetime) -> str:
        form = self.options.time_form
        if form == "z":
            return render.z(moment)
        if form == "offset":
            return moment.astimezone(EASTERN_SUMMER).isoformat()
        if form == "naive":
            return render.naive(moment)
        return moment.astimezone(UTC).date().isoformat()

    def _href(self, path: str) -> str:
        query = "?utm_source=replay&utm_medium=referral" if self.options.link_query else ""
        form = self.options.link_form
        prefix = {"absolute": self.base_url, "relative": "", "protocol_relative": f"//{self.host}:{self.port}"}[form]
        return prefix + path + query

    def _xml(self, text: str, members: list) -> Response:
        if self.options.sitemap_gzip:
            return Response(200, "application/x-gzip", gzip.compress(text.encode(), mtime=0),
                            modified=self._latest(members))
        return Response(200, "application/xml; charset=utf-8", text.encode(), modified=self._latest(members))

    def _latest(self, members: list) -> datetime:
        return max((s.at for _, s in members), default=None) or self.clock()

    def not_found(self) -> Response:
        return Response(404, "text/html; charset=utf-8", render.not_found().encode())

    # --- validators ----------------------------------------------------------------------------------
    def answer(self, method: str, path_with_query: str, headers) -> Response:
        """route() plus validators and conditional requests (what the handler sends)."""
        response = self.route(path_with_query)
        if response.status != 200:
            return response
        send_etag = self.options.validators in ("both", "etag")
        send_modified = self.options.validators in ("both", "last_modified")
        etag = '"' + hashlib.sha1(response.body).hexdigest()[:24] + '"'
        modified = (response.modified or self.clock()).astimezone(UTC).replace(microsecond=0)
        if send_etag:
            response.headers["ETag"] = etag
        if send_modified:
            response.headers["Last-Modified"] = format_datetime(modified, usegmt=True)
        if_none_match = headers.get("If-None-Match")
        if send_etag and if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            if "*" in tags or etag in tags:
                return Response(304, response.content_type, b"", response.headers)
            return response
        since = _http_date(headers.get("If-Modified-Since")) if send_modified and if_none_match is None else None
        if since is not None and modified <= since:
            return Response(304, response.content_type, b"", response.headers)
        return response

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, path, status))


def _http_date(text: str | None) -> datetime | None:
    try:
        when = parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    site: APReplaySite


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"
    server_version = "ReplayAPNews/1.0"

    def log_message(self, format, *args) -> None:  # quiet: tests read site.requests
        pass

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        site = self.server.site
        status = 0
        try:
            response = site.answer(self.command, self.path, self.headers)
            status = response.status
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body and response.body:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            site._record(self.command, self.path, status)
