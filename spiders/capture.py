"""The capture spider: fetch a capture pass's article pages, conditionally where validators are known.

    scrapy crawl capture -a start=ISO -a end=ISO -a targets=targets.jsonl [-a base_url=URL]

`targets` holds one JSON object a line: url, article_id, night, and the etag / last_modified of the
last fetch (sent as If-None-Match / If-Modified-Since). Pages go through the project's item
pipelines (archived raw first, then the manifest) and downloader middlewares like any crawl; a 304
becomes a PageNotModified record. Surfaces are read by the pass itself (pipelines.capture.passes).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import scrapy

from pipelines.discovery import surfaces as parse
from spiders.items import FetchedPage, PageNotModified
from spiders.yonhap import YonhapSpider


class CaptureSpider(YonhapSpider):
    name = "capture"

    def __init__(self, start: str, end: str, targets: str, base_url: str | None = None, **kwargs):
        super().__init__(start=start, end=end, base_url=base_url, surfaces="feeds", **kwargs)
        self.surfaces = set()  # no surface reads, no listing walk
        self.targets_path = targets

    def after_robots(self, sitemaps: list[str]):
        with open(self.targets_path, encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        for row in rows:
            if not parse.ARTICLE_ID.fullmatch(row.get("article_id") or ""):
                continue
            url = parse.canonical_url(self.base_url, row["article_id"])  # only ever this base
            headers = {}
            if row.get("etag"):
                headers["If-None-Match"] = row["etag"]
            if row.get("last_modified"):
                headers["If-Modified-Since"] = row["last_modified"]
            yield scrapy.Request(url, headers=headers, callback=self.parse_capture, errback=self.failed,
                                 cb_kwargs={"row": row}, dont_filter=True,
                                 meta={"handle_httpstatus_list": [304], "surface": "capture"})

    def parse_capture(self, response, row: dict):
        fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        def header(name: str) -> str | None:
            return response.headers.get(name, b"").decode("latin-1") or None

        if response.status == 304:
            yield PageNotModified(source=self.source, night=row["night"], article_id=row["article_id"],
                                  url=response.url, fetched_at=fetched_at, etag=header("ETag"),
                                  last_modified=header("Last-Modified"))
            return
        yield FetchedPage(source=self.source, night=row["night"], article_id=row["article_id"], url=response.url,
                          http_status=response.status, content_type=header("Content-Type"), fetched_at=fetched_at,
                          body=response.body, etag=header("ETag"), last_modified=header("Last-Modified"))
