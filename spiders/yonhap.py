"""Yonhap English (en.yna.co.kr): discover the articles of an interval and fetch each once.

The spider only routes; parsing lives in pipelines.discovery (shared with the discover DAG and the
probe). The order of a crawl:

1. the night's frontier (urls the `yonhap_discover` DAG saw in feeds and sitemaps during the day,
   passed as `-a frontier=FILE`), the seven RSS channels, and the news sitemap(s) named by
   robots.txt (else /news-sitemap.xml; a sitemap index is followed);
2. when those are done, the listings `/news`, `/news/2`, ... as the backstop: items whose time is
   known (from the listing or another surface) are judged by it, the others by their id's date and
   place in the list (pipelines.discovery.walk);
3. every article is requested under its canonical url BASE/view/<ID>, so Scrapy's duplicate filter
   fetches it once whatever surfaces named it.

Every surface read becomes a SurfaceRead item (what it named, what it could not read, why it gave
nothing); every article page a FetchedPage; every failure a FetchFailure. Nothing is dropped silently.

    scrapy crawl yonhap -a start=2023-05-09T00:00:00+09:00 -a end=2023-05-10T00:00:00+09:00 \
        [-a base_url=http://127.0.0.1:8765] [-a surfaces=feeds,sitemap] [-a frontier=night.jsonl]
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, DownloadCancelledError, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from pipelines import config, verdict
from pipelines.discovery import surfaces as parse
from pipelines.discovery.surfaces import Sighting, SurfaceError
from pipelines.discovery.walk import keep_paging, night_dates, plan_listing
from pipelines.intervals import KST, parse_instant
from spiders.items import FetchedPage, FetchFailure, SurfaceRead


class YonhapSpider(scrapy.Spider):
    name = "yonhap"
    source = "yonhap"
    custom_settings = {}

    def __init__(self, start: str, end: str, base_url: str | None = None, max_listing_pages: str = "60",
                 surfaces: str = ",".join(parse.SURFACES), frontier: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.window_start = parse_instant(start)
        self.window_end = parse_instant(end)
        if self.window_end <= self.window_start:
            raise ValueError(f"empty interval: start {start} is not before end {end}")
        self.base_url = (base_url or config.yonhap_base_url()).rstrip("/")
        self.host = urlsplit(self.base_url).hostname
        self.allowed_domains = [self.host]
        self.night = self.window_start.astimezone(KST).date().isoformat()
        self.max_listing_pages = int(max_listing_pages)
        self.surfaces = {s.strip() for s in surfaces.split(",") if s.strip()}
        unknown = self.surfaces - set(parse.SURFACES)
        if unknown:
            raise ValueError(f"unknown surface(s) {sorted(unknown)}; expected some of {parse.SURFACES}")
        self.frontier_path = frontier
        self.first_day, self.last_day = night_dates(self.window_start, self.window_end)
        self.known: dict[str, datetime] = {}  # canonical url -> published time another surface gave
        self.requested: set[str] = set()
        self.listing_items: list[Sighting] = []
        self.listings_started = False
        self.sitemaps_requested: set[str] = set()
        # an index of 20,000 children or a chain 1,000 deep must not run away (as the discover reader)
        self.max_sitemaps, self.max_sitemap_depth = config.max_sitemaps(), config.max_sitemap_depth()
        self.discovery_pending = 0  # feed/sitemap/robots reads not yet answered: listings wait for them
        self.max_read_items = verdict.max_read_items()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.count_bytes, signal=signals.bytes_received)
        crawler.signals.connect(spider.start_listings_when_idle, signal=signals.spider_idle)
        return spider

    def count_bytes(self, data, request, spider=None):
        # Scrapy cancels a body that streams past DOWNLOAD_MAXSIZE with an empty CancelledError;
        # the count lets `failed` tell that cap from other cancellations.
        request.meta["wiredesk_bytes"] = request.meta.get("wiredesk_bytes", 0) + len(data)

    def in_window(self, when: datetime) -> bool:
        return self.window_start <= when < self.window_end

    def id_in_night(self, article_id: str) -> bool:
        day = parse.id_date(article_id)
        return day is not None and self.first_day <= day <= self.last_day

    # --- phase 1: frontier, feeds, sitemaps -------------------------------------------------------
    async def start(self):
        # robots.txt first, alone: every other request waits for its rules (Scrapy's RobotsTxtMiddleware
        # was seen letting requests through that were queued while it was still fetching them), and it
        # names the sitemaps
        yield self.surface_request(f"{self.base_url}/robots.txt", "robots", self.parse_robots)

    def after_robots(self, sitemaps: list[str]):
        for request in self.frontier_requests():
            yield request
        if "feeds" in self.surfaces:
            for channel in parse.FEED_CHANNELS:
                yield self.surface_request(f"{self.base_url}/RSS/{channel}.xml", "feeds", self.parse_feed)
        if "sitemap" in self.surfaces:
            yield from self.sitemap_requests(sitemaps or [self.base_url + parse.SITEMAP_PATH])

    def frontier_requests(self):
        """The night's frontier (pipelines.discovery.frontier.write_night_file): one JSON object a line."""
        if not self.frontier_path:
            return
        with open(self.frontier_path, encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        for row in rows:
            if row.get("skip"):  # retired after failing crawl after crawl, or stored by the crawl that timed out
                self.requested.add(row["url"])
                continue
            if not parse.ARTICLE_ID.fullmatch(row.get("article_id") or ""):
                continue
            url = parse.canonical_url(self.base_url, row["article_id"])  # only ever this base
            hint = parse_instant(row["time_hint"]) if row.get("time_hint") else None
            if hint is not None:
                self.known[url] = hint
            if (hint is not None and self.in_window(hint)) or (hint is None and self.id_in_night(row["article_id"])):
                yield from self.article_requests([Sighting(url, row["article_id"], "frontier", hint, "frontier")])

    def surface_request(self, url: str, surface: str, callback, **cb_kwargs) -> scrapy.Request:
        if surface != "listings":
            self.discovery_pending += 1
        return scrapy.Request(url, callback=callback, errback=self.surface_failed, cb_kwargs=cb_kwargs,
                              meta={"surface": surface}, dont_filter=surface == "robots")

    def discovery_done(self, response_or_request):
        """One feed/sitemap/robots read answered; when none is left, the listings start (they need
        the times the other surfaces gave)."""
        self.discovery_pending -= 1
        if self.discovery_pending == 0:
            yield from self.start_listings()

    def parse_robots(self, response):
        yield from self._parse_robots(response)
        yield from self.discovery_done(response)

    def _parse_robots(self, response):
        named = parse.sitemaps_from_robots(response.body, self.base_url) if response.status == 200 else []
        yield SurfaceRead(self.source, self.night, "robots", response.url, response.status, "robots",
                          problems=[] if named else ["robots.txt names no sitemap: trying /news-sitemap.xml"])
        yield from self.after_robots(named)

    def sitemap_requests(self, urls: list[str], depth: int = 0):
        for url in urls:
            if url not in self.sitemaps_requested and self.sitemap_allowance(depth):
                self.sitemaps_requested.add(url)
                request = self.surface_request(url, "sitemap", self.parse_sitemap)
                request.meta["sitemap_depth"] = depth
                yield request

    def sitemap_allowance(self, depth: int) -> bool:
        return depth <= self.max_sitemap_depth and len(self.sitemaps_requested) < self.max_sitemaps

    def capped_sitemaps(self, result, depth: int) -> None:
        """Say on the index's read which of its sitemaps the caps leave unread (one line, not one row each)."""
        new = [u for u in dict.fromkeys(result.child_urls) if u not in self.sitemaps_requested]
        if depth > self.max_sitemap_depth:
            unread, why = new, f"deeper than WIREDESK_MAX_SITEMAP_DEPTH={self.max_sitemap_depth}"
        else:
            unread = new[max(0, self.max_sitemaps - len(self.sitemaps_requested)):]
            why = f"past WIREDESK_MAX_SITEMAPS={self.max_sitemaps}"
        if unread:
            result.problems.insert(0, f"sitemap_cap: {len(unread)} sitemaps not read ({why}), "
                                      f"first {unread[0][:120]}")

    def parse_feed(self, response):
        yield from self.read_surface(response, "feeds", parse.parse_feed)
        yield from self.discovery_done(response)

    def parse_sitemap(self, response):
        yield from self.read_surface(response, "sitemap", parse.parse_sitemap)
        yield from self.discovery_done(response)

    def read_surface(self, response, surface: str, parser):
        try:
            result = parser(response.body, response.url, self.base_url)
        except SurfaceError as exc:
            self.logger.warning("unparseable %s %s: %s", surface, response.url, exc)
            reason = str(exc)[:500]
            yield SurfaceRead(self.source, self.night, surface, response.url, response.status, reason=reason)
            yield FetchFailure(source=self.source, night=self.night, url=response.url, stage="fetch",
                               reason=reason, http_status=response.status)
            return
        if len(result.items) > self.max_read_items:  # a flood: recorded with its reason, nothing of it fetched
            reason = verdict.flood_reason(len(result.items), self.max_read_items, "this read")
            yield SurfaceRead(self.source, self.night, surface, response.url, response.status, result.kind,
                              reason=reason)
            return
        yield from self.refusals(result)
        depth = response.meta.get("sitemap_depth", 0) + 1
        self.capped_sitemaps(result, depth)
        yield from self.sitemap_requests(result.child_urls, depth)
        for s in result.items:
            if s.time_hint is not None:
                self.known.setdefault(s.url, s.time_hint)
        wanted = [s for s in result.items if (self.in_window(s.time_hint) if s.time_hint is not None
                                              else self.id_in_night(s.article_id))]
        yield self.surface_read(response, result, len(wanted))
        yield from self.article_requests(wanted)

    def refusals(self, result):
        """A link to this host under another scheme (ftp:, gopher:) is recorded as refused, never fetched."""
        for url, reason in result.refused:
            yield FetchFailure(source=self.source, night=self.night, url=url, stage="fetch", reason=reason)

    def surface_read(self, response, result, in_window: int) -> SurfaceRead:
        rows = [[s.url, s.article_id, s.time_hint.isoformat() if s.time_hint else None, s.time_form, s.position]
                for s in result.items]
        reason = None
        if not result.items and not result.child_urls:
            reason = "no items: " + ("; ".join(result.problems[:3]) or "nothing matched")
        return SurfaceRead(self.source, self.night, result.surface, response.url, response.status, result.kind,
                           rows, in_window, result.problems[:50], reason)

    def surface_failed(self, failure):
        request = failure.request
        records = list(self.failed(failure))
        reason = records[0].reason if records else "failed"
        yield SurfaceRead(self.source, self.night, request.meta.get("surface", "?"), requested_url(request),
                          records[0].http_status if records else None, reason=reason)
        yield from records
        if request.meta.get("surface") == "robots":  # no robots.txt to read: on with the usual sitemap
            yield from self.after_robots([])
        if request.meta.get("surface") == "listings":
            yield from self.end_listing_walk()
        else:
            yield from self.discovery_done(request)

    # --- phase 2: listings, the backstop ----------------------------------------------------------
    def start_listings(self):
        if "listings" in self.surfaces and not self.listings_started:
            self.listings_started = True
            yield self.listing_request(1)

    def start_listings_when_idle(self, spider=None):
        """Safety net: should a read never be answered, the listings still run before the spider closes."""
        for request in self.start_listings():
            self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def listing_request(self, page: int) -> scrapy.Request:
        return self.surface_request(parse.listing_url(self.base_url, page), "listings", self.parse_listing,
                                    page=page)

    def parse_listing(self, response, page: int):
        result = parse.parse_listing(response.body, response.url, self.base_url, reference=self.window_start)
        if page == 1 and not result.items:
            result.problems.append("no item matched div.smain-list-type01 > ul > li > article")
        self.listing_items.extend(result.items)
        yield from self.refusals(result)
        in_window = sum(1 for s in result.items if s.time_hint is not None and self.in_window(s.time_hint))
        yield self.surface_read(response, result, in_window)
        if keep_paging(result.items, self.window_start) and page < self.max_listing_pages:
            yield self.listing_request(page + 1)
        else:
            yield from self.end_listing_walk()

    def end_listing_walk(self):
        plan = plan_listing(self.listing_items, self.window_start, self.window_end, self.known)
        self.listing_items = []
        yield from self.article_requests(plan.fetch)
        yield from self.tail_request(plan.tail)

    def tail_request(self, tail: list[Sighting]):
        """The next item below the night in the listing, if no other surface placed it already."""
        while tail and tail[0].url in self.requested:
            tail = tail[1:]
        if tail:
            yield from self.article_requests(tail[:1], tail=tail[1:])

    # --- fetching -----------------------------------------------------------------------------------
    def article_requests(self, sightings: list[Sighting], tail: list[Sighting] | None = None):
        for s in sightings:
            if s.url in self.requested:
                continue
            self.requested.add(s.url)
            yield scrapy.Request(s.url, callback=self.parse_article, errback=self.failed,
                                 cb_kwargs={"article_id": s.article_id},
                                 meta={"surface": s.surface, "listing_tail": tail})

    def parse_article(self, response, article_id: str):
        yield FetchedPage(
            source=self.source, night=self.night, article_id=article_id, url=requested_url(response.request),
            http_status=response.status, content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None,
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), body=response.body,
        )
        tail = response.meta.get("listing_tail")
        if tail is not None:
            published = parse.page_published_time(response.body)
            if published is None or published >= self.window_start:  # still in (or after) the night
                yield from self.tail_request(tail)

    def over_maxsize(self, request) -> bool:
        maxsize = request.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
        return bool(maxsize) and request.meta.get("wiredesk_bytes", 0) > maxsize

    def failed(self, failure):
        request = failure.request
        error = failure.value
        status = None
        if isinstance(error, HttpError):
            status = error.response.status
            reason = f"http_{status}"
        elif isinstance(error, IgnoreRequest):
            reason = str(error) or "ignored"
            if "robots" in reason.lower() or not reason:
                reason = "robots_disallowed"
        elif isinstance(error, DownloadCancelledError) and self.over_maxsize(request):
            reason = f"too_large: body cancelled after {request.meta['wiredesk_bytes']} bytes (over max size)"
        else:
            reason = f"{type(error).__name__}: {error}".rstrip(": ")[:500]  # some errors carry no message
        if "maxsize" in reason.lower() or "max size" in reason.lower():
            reason = f"too_large: {reason}"
        elif "max redirections" in reason:
            reason = f"too_many_redirects: {reason}"
        # under the url that was named (canonical), never a redirect hop: a later success resolves it
        yield FetchFailure(source=self.source, night=self.night, url=requested_url(request), stage="fetch",
                           reason=reason, http_status=status, attempts=request.meta.get("retry_times", 0) + 1)
        if request.meta.get("listing_tail") is not None:  # a failed page does not end the listing's tail
            yield from self.tail_request(request.meta["listing_tail"])


def requested_url(request) -> str:
    """The url a request was made for: the first of its redirect chain (an article's canonical url)."""
    return (request.meta.get("redirect_urls") or [request.url])[0]
