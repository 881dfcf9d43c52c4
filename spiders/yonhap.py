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
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from pipelines import config
from pipelines.intervals import KST, parse_instant
from spiders.items import FetchedPage, FetchFailure

ARTICLE_PATH = re.compile(r"/view/(?P<article_id>AEN\d{17})(?:$|[?#])")
LISTING_TIME = re.compile(r"(?:(?P<year>\d{4})-)?(?P<month>\d{2})-(?P<day>\d{2})\s+(?P<hour>\d{2}):(?P<minute>\d{2})")
# Feeds are parsed without entities, DTDs or network access: no entity bombs, no external entities.
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


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
                yield from self.article_request(response.urljoin(href))
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
        for item in self.xml_root(response).iter("item"):
            link, published = item.findtext("link"), item.findtext("pubDate")
            if link and published and self.in_window(parsedate_to_datetime(published.strip())):
                yield from self.article_request(response.urljoin(link.strip()))

    def parse_sitemap(self, response):
        ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
              "news": "http://www.google.com/schemas/sitemap-news/0.9"}
        for url in self.xml_root(response).iterfind("sm:url", ns):
            loc = url.findtext("sm:loc", namespaces=ns)
            published = url.findtext("news:news/news:publication_date", namespaces=ns)
            if loc and published and self.in_window(parse_instant(published.strip())):
                yield from self.article_request(response.urljoin(loc.strip()))

    def xml_root(self, response):
        try:
            return etree.fromstring(response.body, parser=SAFE_XML)
        except etree.XMLSyntaxError as exc:
            self.logger.warning("unparseable feed %s: %s", response.url, exc)
            return etree.Element("empty")

    def article_request(self, url: str):
        match = ARTICLE_PATH.search(urlsplit(url).path + "?")
        if not match or urlsplit(url).hostname != self.host:
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
        else:
            reason = f"{type(error).__name__}: {error}"[:500]
        if "maxsize" in reason.lower() or "max size" in reason.lower():
            reason = f"too_large: {reason}"
        yield FetchFailure(source=self.source, night=self.night, url=request.url, stage="fetch",
                           reason=reason, http_status=status, attempts=request.meta.get("retry_times", 0) + 1)
