"""Scrapy extensions: one concern each."""
from __future__ import annotations

import json

from scrapy import signals


class ItemErrorRecorder:
    """Scrapy logs an exception raised in an item pipeline, drops the item and still exits 0: a page
    could vanish with nothing but a log line. This writes each such item to `<manifest>.errors`,
    where pipelines.crawl records it as a failed page (stage 'archive') and fails the crawl."""

    def __init__(self, manifest: str | None):
        self.path = f"{manifest}.errors" if manifest else None

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler.settings.get("WIREDESK_MANIFEST"))
        crawler.signals.connect(recorder.item_error, signal=signals.item_error)
        return recorder

    def item_error(self, item, response, spider=None, failure=None):
        if not self.path:
            return
        error = f"{failure.type.__name__}: {failure.getErrorMessage()}" if failure is not None else "unknown error"
        record = {"source": getattr(item, "source", None), "url": getattr(item, "url", None),
                  "http_status": getattr(item, "http_status", None), "error": error[:500]}
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
