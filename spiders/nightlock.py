"""The scrapy child holds its night's crawl lock for as long as it lives (pipelines.lifelines).

Enabled by pipelines.crawl with `-s WIREDESK_CRAWL_LOCK=<source> <interval start ISO>`; a hand-run
`scrapy crawl` without it takes no lock. When another process holds the lock (an orphaned crawl of the
same night), this crawl refuses to start: the crawler fails to build and `scrapy crawl` exits non-zero.
"""
from __future__ import annotations

from scrapy.exceptions import NotConfigured


class CrawlAlreadyRunning(RuntimeError):
    pass


class NightLock:
    def __init__(self, conn):
        self.conn = conn

    @classmethod
    def from_crawler(cls, crawler):
        from datetime import datetime

        from scrapy import signals

        from pipelines import db, lifelines

        value = crawler.settings.get("WIREDESK_CRAWL_LOCK")
        if not value:
            raise NotConfigured
        source, start = value.split(" ", 1)
        conn = db.connect()
        conn.autocommit = True
        if not lifelines.try_crawl_lock(conn, source, datetime.fromisoformat(start)):
            conn.close()
            raise CrawlAlreadyRunning(f"another crawl of {source} {start} holds its lock (an orphaned scrapy "
                                      "process?): not crawling beside it")
        lock = cls(conn)
        crawler.signals.connect(lock.release, signal=signals.spider_closed)
        return lock

    def release(self, spider=None, reason=None):
        self.conn.close()  # the session ends, the lock with it
