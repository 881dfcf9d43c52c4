"""Every fetch as WARC records (issue 17): a downloader middleware next to the downloader.

WarcRecorderMiddleware sits at 950, above HttpCompressionMiddleware (590), RedirectMiddleware (600) and
retries (550), so it sees each attempt, each redirect hop and robots.txt, with the body before content
decoding. For each response it writes a `request` and a `response` record (WARC-Concurrent-To each other),
or, when the payload digest equals an earlier capture of the same url (this run, or raw_pages of earlier
runs), a `revisit` record (identical-payload-digest profile) instead of the response. A 304 is recorded
as the 304 response it is.

What is kept, and what Scrapy/Twisted change before we see it (docs/warc.md):
- payload: the entity body as received, before content decoding (gzip/br stay encoded); Twisted has
  already removed chunked transfer coding and its `Transfer-Encoding` header (should one reach us, it
  is dropped, since the payload is not chunked, and `WARC-Wiredesk-Note` says so);
- headers: every header line and value as received, names in Twisted's canonical capitalisation;
- status line: protocol and code as received, the reason phrase is the standard one for the code
  (Scrapy keeps no phrase);
- request: the headers Scrapy sent (what its middlewares set) plus Host; Twisted may add
  Connection/Content-Length, not recorded.

WarcLocationMiddleware (a spider middleware) copies where the page's payload is (file key, offset,
length of its response record) onto the FetchedPage items the response gave, for raw_pages.
"""
from __future__ import annotations

import asyncio
import logging
import os
import threading
from datetime import date, datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.statusandheaders import StatusAndHeaders

from pipelines import config
from pipelines.warc import payload_digest
from pipelines.warc.writer import DEFAULT_MAX_BYTES, RotatingWarcWriter, recover_spool

log = logging.getLogger(__name__)
META_KEY = "wiredesk_warc"
DROPPED_HEADERS = {b"transfer-encoding"}


def software() -> str:
    from importlib.metadata import version

    return f"wiredesk/0.1 (Scrapy {version('scrapy')}, warcio {version('warcio')})"


class PreviousCaptures:
    """The response record an identical payload of a url was first archived in: this run's records,
    then raw_pages (earlier runs) when DATABASE_URL is set. A lookup that fails is logged once and
    the run goes on with this run's records only (a response record instead of a revisit)."""

    def __init__(self, use_database: bool):
        self.seen: dict[tuple[str, str], dict] = {}
        self.conn = None
        self.use_database = use_database and bool(os.environ.get("DATABASE_URL"))

    def remember(self, url: str, digest: str, location: dict) -> None:
        self.seen.setdefault((url, digest), location)

    def find(self, url: str, digest: str) -> dict | None:
        found = self.seen.get((url, digest))
        if found is None and self.use_database:
            found = self._from_database(url, digest)
            if found:
                self.seen[(url, digest)] = found
        return found

    def _from_database(self, url: str, digest: str) -> dict | None:
        import psycopg2

        try:
            if self.conn is None:
                self.conn = psycopg2.connect(os.environ["DATABASE_URL"], application_name="wiredesk-warc",
                                             connect_timeout=10)
                self.conn.autocommit = True
            with self.conn.cursor() as cur:
                cur.execute("""SELECT warc_key, warc_offset, warc_length, warc_record_id, warc_date
                               FROM raw_pages WHERE url = %s AND warc_payload_digest = %s AND warc_key IS NOT NULL
                               ORDER BY warc_date LIMIT 1""", (url, digest))
                row = cur.fetchone()
        except psycopg2.Error as exc:
            log.warning("WARC revisits: earlier captures cannot be looked up (%s); recording full responses",
                        type(exc).__name__)
            self.use_database = False
            return None
        if row is None:
            return None
        return {"url": url, "key": row[0], "offset": row[1], "length": row[2], "record_id": row[3],
                "date": row[4].astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "payload_digest": digest}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


class WarcRecorderMiddleware:
    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.max_bytes = settings.getint("WIREDESK_WARC_MAX_BYTES", DEFAULT_MAX_BYTES)
        self.spool_dir = Path(settings.get("WIREDESK_WARC_SPOOL") or config.home() / "warc-spool")
        self.revisits = settings.getbool("WIREDESK_WARC_REVISITS", True)
        self.info = {
            "software": software(),
            "operator": settings.get("WIREDESK_WARC_OPERATOR") or os.environ.get("WIREDESK_WARC_OPERATOR")
            or "wiredesk news archive (operator not configured)",
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": settings.get("USER_AGENT"),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "description": "payload as received before content decoding; chunked transfer coding removed by the "
                           "HTTP client; header names canonically capitalised; status phrase standard",
        }
        self.writer: RotatingWarcWriter | None = None
        self.captures = PreviousCaptures(self.revisits)
        self.lock = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("WIREDESK_WARC_ENABLED", True):
            raise NotConfigured("WIREDESK_WARC_ENABLED is off")
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider=None):
        from pipelines.rawstore import open_store

        spider = spider or self.crawler.spider
        store = open_store()
        recover_spool(store, self.spool_dir)  # files an interrupted crawl left behind
        night = getattr(spider, "night", None)
        day = date.fromisoformat(night) if night else datetime.now(timezone.utc).date()
        self.info["isPartOf"] = f"{getattr(spider, 'source', spider.name)} {day.isoformat()}"
        self.writer = RotatingWarcWriter(store, self.spool_dir, source=getattr(spider, "source", spider.name),
                                         day=day, max_bytes=self.max_bytes, info=self.info)

    def spider_closed(self, spider=None, reason=None):
        if self.writer is not None:
            with self.lock:
                self.writer.close()
            stats = self.crawler.stats
            stats.set_value("warc/files_published", len(self.writer.published))
            stats.set_value("warc/files_unpublished", len(self.writer.unpublished))
        self.captures.close()

    async def process_response(self, request, response, spider=None):
        if self.writer is None:
            return response
        try:
            # off the reactor's thread: digests and gzip release the GIL, so fetching goes on meanwhile;
            # one record group at a time (the file, the lookup connection)
            location = await asyncio.to_thread(self._record_locked, request, response)
        except Exception:  # noqa: BLE001 - a WARC failure is logged and counted, never loses the page
            log.exception("could not write WARC records for %s", response.url)
            self.crawler.stats.inc_value("warc/errors")
            return response
        request.meta[META_KEY] = location
        return response

    def _record_locked(self, request, response) -> dict:
        with self.lock:
            return self.record(request, response)

    def record(self, request, response) -> dict:
        builder = self.writer.builder
        body = response.body
        digest = payload_digest(body)
        ip = str(response.ip_address) if response.ip_address is not None else None
        http_headers, dropped = self.response_headers(response)
        common = {"WARC-IP-Address": ip} if ip else {}
        if dropped:
            common["WARC-Wiredesk-Note"] = "payload de-chunked by the HTTP client; Transfer-Encoding header removed"
        original = (self.captures.find(response.url, digest)
                    if self.revisits and body and 200 <= response.status < 300 else None)
        if original is not None:
            main = builder.create_revisit_record(
                response.url, digest, original["url"], original["date"], http_headers=http_headers,
                warc_headers_dict={**common, "WARC-Refers-To": original["record_id"]})
        else:
            main = builder.create_warc_record(response.url, "response", payload=BytesIO(body), length=len(body),
                                              http_headers=http_headers,
                                              warc_headers_dict={**common, "WARC-Payload-Digest": digest})
        req = builder.create_warc_record(request.url, "request", payload=BytesIO(request.body or b""),
                                         length=len(request.body or b""), http_headers=self.request_headers(request),
                                         warc_headers_dict=dict(common))
        main_id, req_id = main.rec_headers.get_header("WARC-Record-ID"), req.rec_headers.get_header("WARC-Record-ID")
        main.rec_headers.add_header("WARC-Concurrent-To", req_id)
        req.rec_headers.add_header("WARC-Concurrent-To", main_id)
        req.rec_headers.replace_header("WARC-Date", main.rec_headers.get_header("WARC-Date"))
        placed_req, placed = self.writer.write([req, main])
        self.crawler.stats.inc_value(f"warc/records/{placed.record_type}")  # (stats: a dict update)
        if original is not None:
            return {**original, "record": "revisit", "this_key": placed.key, "this_offset": placed.offset}
        location = {"url": response.url, "key": placed.key, "offset": placed.offset, "length": placed.length,
                    "record_id": placed.record_id, "date": placed.warc_date, "payload_digest": digest,
                    "record": "response"}
        if body and 200 <= response.status < 300:
            self.captures.remember(response.url, digest, location)
        return location

    @staticmethod
    def response_headers(response) -> tuple[StatusAndHeaders, bool]:
        headers, dropped = [], False
        for name, values in response.headers.items():
            if name.lower() in DROPPED_HEADERS:
                dropped = True
                continue
            for value in values:
                headers.append((name.decode("latin-1"), value.decode("latin-1")))
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = ""
        status = f"{response.status} {phrase}".rstrip()
        return StatusAndHeaders(status, headers, protocol=response.protocol or "HTTP/1.1"), dropped

    @staticmethod
    def request_headers(request) -> StatusAndHeaders:
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [("Host", parts.netloc)] if b"Host" not in request.headers else []
        for name, values in request.headers.items():
            for value in values:
                headers.append((name.decode("latin-1"), value.decode("latin-1")))
        return StatusAndHeaders(f"{request.method} {target} HTTP/1.1", headers, is_http_request=True)


class WarcLocationMiddleware:
    """Puts where each FetchedPage's payload is archived in WARC on the item (raw_pages columns)."""

    def process_spider_output(self, response, result, spider=None):
        location = response.meta.get(META_KEY)
        for item in result:
            yield self._place(item, response, location)

    async def process_spider_output_async(self, response, result, spider=None):
        location = response.meta.get(META_KEY)
        async for item in result:
            yield self._place(item, response, location)

    @staticmethod
    def _place(item, response, location):
        from spiders.items import FetchedPage

        if isinstance(item, FetchedPage) and location and location.get("url") == item.url:
            item.warc_key, item.warc_offset, item.warc_length = location["key"], location["offset"], location["length"]
            item.warc_record_id, item.warc_date = location["record_id"], location["date"]
            item.warc_payload_digest = location["payload_digest"]
        return item
