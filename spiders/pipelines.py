"""Item pipelines, one concern each: archive the raw page first, then record it in the manifest."""
from __future__ import annotations

import asyncio
import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from pipelines import config
from pipelines.rawstore import RawStoreError, open_store
from spiders.items import FetchedPage, FetchFailure, PageNotModified, SurfaceRead


class ArchiveRawPipeline:
    """Stores each fetched page in the raw archive before anything derived from it exists.

    Writes run in a pool of WIREDESK_ARCHIVE_CONCURRENCY threads while the crawl goes on: a store that
    answers in 3 s (or with 503 SlowDown, which boto3 retries) would otherwise hold up every page behind
    it. The pool bounds the writes in flight; Scrapy's scraper slot bounds the pages waiting for one
    (SCRAPER_SLOT_MAX_ACTIVE_SIZE), so memory stays bounded too. An item leaves this pipeline only
    once its page is stored (or recorded as failed), so the manifest never names an unstored page."""

    def open_spider(self, spider=None):
        self.store = open_store()
        self.pool = ThreadPoolExecutor(config.archive_concurrency(), thread_name_prefix="wiredesk-archive")

    def close_spider(self, spider=None):
        self.pool.shutdown(wait=True)

    async def process_item(self, item, spider=None):
        if not isinstance(item, FetchedPage):
            return item
        return await asyncio.wrap_future(self.pool.submit(self.archive, item))

    def archive(self, item: FetchedPage):
        """In a pool thread: store the page; the item with its reference, or a FetchFailure."""
        try:
            stored = self.store.put_page(
                source=item.source, night=date.fromisoformat(item.night), article_id=item.article_id,
                body=item.body, url=item.url, fetched_at=item.fetched_at, status=item.http_status,
                content_type=item.content_type,
            )
        except Exception as exc:  # noqa: BLE001 - storage errors of any kind (disk full, read-only, S3 refusals)
            # Nothing derived may exist without its raw copy: record the page as failed (an exception
            # escaping here would make Scrapy drop the page, log it and still exit 0).
            if not isinstance(exc, RawStoreError):
                exc = f"raw store {self.store.describe()}: {type(exc).__name__}: {exc}"
            return FetchFailure(source=item.source, night=item.night, url=item.url, stage="archive",
                                reason=f"archive_error: {exc}"[:1000], http_status=item.http_status)
        item.raw_key, item.sha256, item.size_bytes = stored.key, stored.sha256, stored.size_bytes
        item.archived_new = stored.created
        item.body = None  # the manifest carries the reference, never the page
        return item


class ManifestPipeline:
    """One JSON line per fetched page or failure, read by pipelines.crawl after the crawl."""

    def __init__(self, path: str | None):
        self.path = path

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler.settings.get("WIREDESK_MANIFEST"))
        middleware.crawler = crawler
        return middleware

    def open_spider(self, spider=None):
        if not self.path:  # a hand-run `scrapy crawl`: keep the manifest under WIREDESK_HOME
            spider = self.crawler.spider
            folder = config.home() / "manifests"
            folder.mkdir(exist_ok=True)
            self.path = str(folder / f"{spider.name}-{getattr(spider, 'night', 'crawl')}.jsonl")
        self.file = open(self.path, "a", encoding="utf-8")

    def close_spider(self, spider=None):
        self.file.close()

    def process_item(self, item, spider=None):
        if not isinstance(item, (FetchedPage, FetchFailure, PageNotModified)):
            return item  # discovery records go to their own file (DiscoveryManifestPipeline)
        record = dataclasses.asdict(item)
        record["kind"] = ("page" if isinstance(item, FetchedPage)
                          else "not_modified" if isinstance(item, PageNotModified) else "failure")
        record.pop("body", None)
        self.file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.file.flush()  # a killed crawl keeps every line written so far
        return item


class DiscoveryManifestPipeline:
    """One JSON line per surface read (what each listing page, feed and sitemap named), for coverage."""

    def __init__(self, path: str | None):
        self.path = path
        self.file = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings.get("WIREDESK_DISCOVERY_MANIFEST"))
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self, spider=None):
        if not self.path:
            spider = self.crawler.spider
            folder = config.home() / "manifests"
            folder.mkdir(exist_ok=True)
            self.path = str(folder / f"{spider.name}-{getattr(spider, 'night', 'crawl')}.discovery.jsonl")
        self.file = open(self.path, "a", encoding="utf-8")

    def close_spider(self, spider=None):
        self.file.close()

    def process_item(self, item, spider=None):
        if isinstance(item, SurfaceRead):
            self.file.write(json.dumps(dataclasses.asdict(item), ensure_ascii=False) + "\n")
            self.file.flush()
        return item
