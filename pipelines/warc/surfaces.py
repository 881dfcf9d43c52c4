"""Capture's surface reads (robots.txt, feeds, news sitemaps) as WARC records (issue 17).

Capture passes read the discovery surfaces with the urllib PoliteFetcher, outside Scrapy, so the
WARC downloader middleware (spiders/warc.py) never sees them. SurfaceRecorder is the fetcher's
recorder: for each exchange, each redirect hop included, a `request` and a `response` record
(WARC-Concurrent-To each other, WARC-Payload-Digest, WARC-IP-Address when the socket said), written
by warcio through RotatingWarcWriter into their own files under the pass's KST date. Always full
responses (no revisits): a surface read is small and changes between passes.

What is kept: the body as received before gzip decoding (http.client has removed chunked transfer
coding: a Transfer-Encoding header is dropped and noted), header lines in order with the server's
names, the status line with its reason phrase; the request headers urllib sent.
"""
from __future__ import annotations

import logging
import os
from datetime import date
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders

from pipelines import config
from pipelines.discovery.fetch import Exchange
from pipelines.warc import payload_digest
from pipelines.warc.writer import DEFAULT_MAX_BYTES, RotatingWarcWriter, new_run_name, recover_spool

log = logging.getLogger(__name__)
DROPPED_HEADERS = {"transfer-encoding"}


def enabled() -> bool:
    return os.environ.get("WIREDESK_WARC", "1") != "0"  # as spiders/settings.py reads it


def spool_dir() -> Path:
    return Path(os.environ.get("WIREDESK_WARC_SPOOL") or config.home() / "warc-spool")


def max_bytes() -> int:
    return int(os.environ.get("WIREDESK_WARC_MAX_BYTES") or DEFAULT_MAX_BYTES)


def info(source: str, day: date) -> dict:
    from importlib.metadata import version

    from pipelines.discovery.fetch import user_agent

    return {
        "software": f"wiredesk/0.1 (urllib surface reads, warcio {version('warcio')})",
        "operator": os.environ.get("WIREDESK_WARC_OPERATOR") or "wiredesk news archive (operator not configured)",
        "robots": "obey",  # PoliteFetcher reads robots.txt first and obeys it
        "http-header-user-agent": user_agent(),
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "isPartOf": f"{source} {day.isoformat()} capture surfaces",
        "description": "capture's surface reads; payload as received before content decoding; chunked transfer "
                       "coding removed by the HTTP client; header names as the server sent them",
    }


class SurfaceRecorder:
    """A PoliteFetcher recorder writing each exchange as WARC request + response records."""

    def __init__(self, store, source: str, day: date, run: str | None = None):
        self.writer = RotatingWarcWriter(store, spool_dir(), source=source, day=day,
                                         run=run or f"capture-surfaces-{new_run_name()}", max_bytes=max_bytes(),
                                         info=info(source, day))
        self.records = 0

    def __call__(self, exchange: Exchange) -> None:
        self.record(exchange)

    def record(self, exchange: Exchange) -> list:
        builder = self.writer.builder
        body = exchange.body
        http_headers, dropped = response_headers(exchange)
        common = {"WARC-IP-Address": exchange.ip} if exchange.ip else {}
        if dropped:
            common["WARC-Wiredesk-Note"] = "payload de-chunked by the HTTP client; Transfer-Encoding header removed"
        main = builder.create_warc_record(exchange.url, "response", payload=BytesIO(body), length=len(body),
                                          http_headers=http_headers,
                                          warc_headers_dict={**common, "WARC-Payload-Digest": payload_digest(body)})
        req = builder.create_warc_record(exchange.url, "request", payload=BytesIO(b""), length=0,
                                         http_headers=request_headers(exchange), warc_headers_dict=dict(common))
        main_id, req_id = main.rec_headers.get_header("WARC-Record-ID"), req.rec_headers.get_header("WARC-Record-ID")
        main.rec_headers.add_header("WARC-Concurrent-To", req_id)
        req.rec_headers.add_header("WARC-Concurrent-To", main_id)
        req.rec_headers.replace_header("WARC-Date", main.rec_headers.get_header("WARC-Date"))
        placed = self.writer.write([req, main])
        self.records += 2
        return placed

    def close(self) -> None:
        """Finish the open file: indexed (CDXJ) and put in the raw store."""
        self.writer.close()

    @property
    def published(self) -> list[str]:
        return self.writer.published


def response_headers(exchange: Exchange) -> tuple[StatusAndHeaders, bool]:
    kept = [(name, value) for name, value in exchange.response_headers if name.lower() not in DROPPED_HEADERS]
    status = f"{exchange.status} {exchange.reason}".rstrip()
    return (StatusAndHeaders(status, kept, protocol=exchange.protocol),
            len(kept) != len(exchange.response_headers))


def request_headers(exchange: Exchange) -> StatusAndHeaders:
    from urllib.parse import urlsplit

    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return StatusAndHeaders(f"{exchange.method} {target} HTTP/1.1", list(exchange.request_headers),
                            is_http_request=True)


def open_recorder(source: str, day: date) -> SurfaceRecorder | None:
    """A recorder for one pass's surface reads, or None when WARC is off (WIREDESK_WARC=0). Files an
    interrupted run left in the spool are finished first, as the crawl's middleware does."""
    if not enabled():
        return None
    from pipelines.rawstore import open_store

    store = open_store()
    recover_spool(store, spool_dir())
    return SurfaceRecorder(store, source, day)
