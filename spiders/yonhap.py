"""Yonhap English (en.yna.co.kr): discover the articles of an interval and fetch them.

The spider only routes: listings, the RSS feed and the news sitemap give article urls
and times; article pages become FetchedPage items for the item pipelines. Failures
become FetchFailure items, so nothing is dropped silently.

    scrapy crawl yonhap -a start=2023-05-09T00:00:00+09:00 -a end=2023-05-10T00:00:00+09:00 \
        [-a base_url=http://127.0.0.1:8765]
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from pipelines import config
from pipelines.intervals import KST, parse_instant
from spiders.items import FetchedPage, FetchFailure

ARTICLE_PATH = re.compile(r"/view/(?P<article_id>AEN\d{17})(?:$|[?#])")
LISTING_TIME = re.compile(r"(?:(?P<year>\d{4})-)?(?P<month>\d{2})-(?P<day>\d{2})\s+(?P<hour>\d{2}):(?P<minute>\d{2})")
# Feeds are parsed without entities, DTDs or network access: no entity bombs, no external entities.
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def feed_time(text: str | None, parse) -> datetime | None:
    """An aware time from a feed, or None: one bad date must not end the parse of the whole feed."""
    try:
        when = parse(text.strip()) if text else None
    except (ValueError, TypeError, OverflowError):
        return None
    return when if when is not None and when.tzinfo else None


class YonhapSpider(scrapy.Spider):
    name = "yonhap"
    source = "yonhap"
    custom_settings = {}

    def __init__(self, start: str, end: str, base_url: str | None = None, max_listing_pages: str = "500", **kwargs):
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

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.count_bytes, signal=signals.bytes_received)
        return spider

    def count_bytes(self, data, request, spider=None):
        # Scrapy cancels a body that streams past DOWNLOAD_MAXSIZE with an empty CancelledError;
        # the count lets `failed` tell that cap from other cancellations.
        request.meta["wiredesk_bytes"] = request.meta.get("wiredesk_bytes", 0) + len(data)

    def in_window(self, when: datetime) -> bool:
        return self.window_start <= when < self.window_end

    async def start(self):
        yield self.listing_request(1)
        yield scrapy.Request(f"{self.base_url}/RSS/news.xml", callback=self.parse_rss, errback=self.failed)
        yield scrapy.Request(f"{self.base_url}/news-sitemap.xml", callback=self.parse_sitemap, errback=self.failed)

    def listing_request(self, page: int) -> scrapy.Request:
        return scrapy.Request(f"{self.base_url}/news?page={page}", callback=self.parse_listing,
                              errback=self.failed, cb_kwargs={"page": page})

    # --- discovery -------------------------------------------------------------------
    def parse_listing(self, response, page: int):
        times = []
        for item in response.css("div.list-type038 li"):
            href = item.css("a::attr(href)").get()
            when = self.listing_time(item.css(".txt-time::text").get(""))
            if not href or when is None:
                continue
            times.append(when)
            if self.in_window(when):
                yield from self.article_request(response, href)
        # Listings run newest first: page on while this page still reaches into the window.
        has_next = response.css("div.paging a.next::attr(href)").get()
        if times and min(times) >= self.window_start and has_next and page < self.max_listing_pages:
            yield self.listing_request(page + 1)

    def listing_time(self, text: str) -> datetime | None:
        match = LISTING_TIME.search(text)
        if not match:
            return None
        year = int(match["year"] or self.window_start.astimezone(KST).year)
        try:
            return datetime(year, int(match["month"]), int(match["day"]), int(match["hour"]),
                            int(match["minute"]), tzinfo=KST)
        except ValueError:
            return None

    def parse_rss(self, response):
        root, failure = self.xml_root(response)
        if failure:
            yield failure
        for item in root.iter("item"):
            link, published = item.findtext("link"), item.findtext("pubDate")
            when = feed_time(published, parsedate_to_datetime)
            if link and when and self.in_window(when):
                yield from self.article_request(response, link)

    def parse_sitemap(self, response):
        ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
              "news": "http://www.google.com/schemas/sitemap-news/0.9"}
        root, failure = self.xml_root(response)
        if failure:
            yield failure
        for url in root.iterfind("sm:url", ns):
            loc = url.findtext("sm:loc", namespaces=ns)
            published = url.findtext("news:news/news:publication_date", namespaces=ns)
            when = feed_time(published, parse_instant)
            if loc and when and self.in_window(when):
                yield from self.article_request(response, loc)

    def xml_root(self, response) -> tuple[etree._Element, FetchFailure | None]:
        """The feed's root, or an empty one and a failure to record: libxml2 refuses entity
        bombs (amplification) as syntax errors, and a refused feed must not vanish silently."""
        try:
            return etree.fromstring(response.body, parser=SAFE_XML), None
        except etree.XMLSyntaxError as exc:
            self.logger.warning("unparseable feed %s: %s", response.url, exc)
            return etree.Element("empty"), FetchFailure(
                source=self.source, night=self.night, url=response.url, stage="fetch",
                reason=f"unparseable_feed: {exc}"[:500], http_status=response.status)

    def article_request(self, response, href: str):
        try:
            url = response.urljoin(href.strip())
            parts = urlsplit(url)
        except ValueError:
            return  # a malformed link ("http://[::1") is no article of this site
        match = ARTICLE_PATH.search(parts.path + "?")
        if not match or parts.hostname != self.host:
            return  # only this site's article pages
        yield scrapy.Request(url, callback=self.parse_article, errback=self.failed,
                             cb_kwargs={"article_id": match["article_id"]})

    # --- fetching -----------------------------------------------------------------------
    def parse_article(self, response, article_id: str):
        yield FetchedPage(
            source=self.source, night=self.night, article_id=article_id, url=response.url,
            http_status=response.status, content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None,
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), body=response.body,
        )

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
        yield FetchFailure(source=self.source, night=self.night, url=request.url, stage="fetch",
                           reason=reason, http_status=status, attempts=request.meta.get("retry_times", 0) + 1)
