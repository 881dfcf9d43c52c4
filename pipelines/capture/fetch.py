"""Fetch one pass's article pages through Scrapy (spiders/capture.py) with the project's settings.

Every fetch goes through the project's downloader middlewares and item pipelines, so the raw page is
archived before anything is derived from it, and whatever records Scrapy's traffic (the WARC
middleware) records capture's fetches too. Scrapy runs in a subprocess, as the nightly crawl does.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pipelines import crawl


@dataclass
class Fetched:
    pages: list[dict] = field(default_factory=list)  # archived pages (manifest "page" records)
    not_modified: list[dict] = field(default_factory=list)  # 304 answers
    failures: list[dict] = field(default_factory=list)  # fetch or archive failures, with reasons


def fetch_targets(targets: list[dict], now: datetime, base_url: str) -> Fetched:
    """Fetch `targets` (url, article_id, night, etag, last_modified); what came back, by kind."""
    fetched = Fetched()
    if not targets:
        return fetched
    with tempfile.TemporaryDirectory(prefix="wiredesk-capture-") as work:
        targets_file = Path(work) / "targets.jsonl"
        targets_file.write_text("".join(json.dumps(t) + "\n" for t in targets), encoding="utf-8")
        manifest = Path(work) / "manifest.jsonl"
        crawl.run_spider("capture", now - timedelta(minutes=20), now, manifest, base_url,
                         spider_args={"targets": str(targets_file)})
        records = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()
                   if line.strip()] if manifest.exists() else []
        records += crawl.item_errors(manifest)
    for record in records:
        {"page": fetched.pages, "not_modified": fetched.not_modified}.get(record["kind"], fetched.failures).append(record)
    return fetched
