"""Downloader middlewares: refuse non-public addresses, unsafe redirects and redirect loops; honour Retry-After."""
from __future__ import annotations

import asyncio
import email.utils
import time
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from w3lib.url import safe_url_string

from pipelines import config
from pipelines.discovery.surfaces import origin_refusal, same_origin
from spiders.safety import ALLOWED_SCHEMES, RefusedUrl, check_url

REDIRECT_CODES = {301, 302, 303, 307, 308}


class PublicAddressOnlyMiddleware:
    """Runs on every request, including robots.txt and each redirect hop."""

    def __init__(self, allow_loopback: bool):
        self.allow_loopback = allow_loopback

    @classmethod
    def from_crawler(cls, crawler):
        return cls(allow_loopback=config.allow_loopback())

    def process_request(self, request, spider=None):
        try:
            check_url(request.url, allow_loopback=self.allow_loopback)
        except RefusedUrl as exc:
            raise IgnoreRequest(str(exc)) from None
        return None


class ConfiguredOriginOnlyMiddleware:
    """Only the spider's configured scheme, host AND port are fetched: a url on the site's hostname but
    another port (or scheme) is another server, refused with a recorded reason. Runs on every request,
    robots.txt and sitemap children included; redirects are checked in SafeRedirectMiddleware."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        base_url = getattr(self.crawler.spider, "base_url", None)
        if base_url and not same_origin(request.url, base_url):
            raise IgnoreRequest(origin_refusal(request.url, base_url))
        return None


def retry_after_seconds(value: bytes | None, cap: float) -> float:
    """Seconds asked for by a Retry-After header (delta or HTTP date), within [0, cap]."""
    if not value:
        return 0.0
    text = value.decode("latin-1").strip()
    try:
        seconds = float(text)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(text) if text else None
        seconds = parsed.timestamp() - time.time() if parsed else 0.0
    return max(0.0, min(seconds, cap))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retry, which waits as long as a 429/503 asks (up to a cap) before retrying."""

    def __init__(self, settings):
        super().__init__(settings)
        self.retry_after_cap = settings.getfloat("WIREDESK_RETRY_AFTER_CAP", 30.0)

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        delay = retry_after_seconds(response.headers.get("Retry-After"), self.retry_after_cap)
        retry = self._retry(request, f"http_{response.status}")
        if retry is None:
            return response
        if delay:
            await asyncio.sleep(delay)  # only this request waits; the others go on
        return retry


class SafeRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects, refused with a recorded reason when they leave the site or the public net.

    Scrapy drops offsite redirects silently at scheduling time; refusing here instead sends the
    original request to the spider's errback, so the page is recorded as failed.
    """

    def __init__(self, settings, allow_loopback: bool = False):
        super().__init__(settings)
        self.allow_loopback = allow_loopback

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler.settings, allow_loopback=config.allow_loopback())
        middleware.crawler = crawler
        return middleware

    def process_response(self, request, response, spider=None):
        try:
            result = super().process_response(request, response)
        except IgnoreRequest as exc:
            if "max redirections" not in str(exc):
                raise
            raise IgnoreRequest(f"too_many_redirects: more than {self.max_redirect_times} hops, last "
                                f"{request.url}") from None
        if result is response and response.status in REDIRECT_CODES and "Location" in response.headers:
            # Scrapy hands a redirect to another scheme (file:, gopher:) back as the 3xx itself,
            # which would be recorded as a plain http_302: record it as the refusal it is.
            target = urljoin(request.url, safe_url_string(response.headers["Location"]))
            if urlsplit(target).scheme.lower() not in ALLOWED_SCHEMES:
                raise IgnoreRequest(f"refused_redirect: refused_scheme: {urlsplit(target).scheme}")
        if isinstance(result, Request):
            # Scrapy's duplicate filter drops a hop to a url already requested (A -> A, A -> A?x -> A,
            # or A -> B where B was fetched): the page would vanish with no record. A hop back into its
            # own chain is a loop, refused with its reason; any other hop passes the filter (the chain
            # is bounded by REDIRECT_MAX_TIMES).
            chain = result.meta.get("redirect_urls") or [request.url]
            if result.url in chain:
                raise IgnoreRequest(f"redirect_loop: {result.url} after {len(chain)} hops")
            result.dont_filter = True
        if isinstance(result, Request) and result.url != request.url:
            try:
                check_url(result.url, allow_loopback=self.allow_loopback)
            except RefusedUrl as exc:
                raise IgnoreRequest(f"refused_redirect: {exc}") from None
            allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
            if allowed and urlsplit(result.url).hostname not in allowed:
                raise IgnoreRequest(f"refused_redirect: offsite to {urlsplit(result.url).hostname}")
            base_url = getattr(self.crawler.spider, "base_url", None)
            if base_url and not same_origin(result.url, base_url):  # same hostname, another port or scheme
                raise IgnoreRequest(f"refused_redirect: {origin_refusal(result.url, base_url)}")
        return result
