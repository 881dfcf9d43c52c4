"""WARC/1.1 files of every fetch, as received (issue 17).

Key layout in the raw store (the local folder by default, S3 when configured):
    warc/<source>/<YYYY>/<MM>/<DD>/<run>-<seq>.warc.gz     the records, one gzip member each
    warc/<source>/<YYYY>/<MM>/<DD>/<run>-<seq>.cdxj        its CDXJ index (cdxj-indexer)
The date is the KST night the crawl was for (the spider's `night`), else the UTC day of the fetch;
<run> names one crawl process (UTC start time and a random tag), <seq> counts its files.

spiders/warc.py records each fetch through pipelines.warc.writer; pipelines.warc.reader reads a
page back; `python -m pipelines.warc export` packs a date range (docs/warc.md).
"""
from __future__ import annotations

import re
from datetime import date

SAFE_PART = re.compile(r"[^A-Za-z0-9._-]")
WARC_SUFFIX = ".warc.gz"
CDXJ_SUFFIX = ".cdxj"


def warc_key(source: str, day: date, run: str, seq: int) -> str:
    return f"warc/{SAFE_PART.sub('_', source)}/{day:%Y/%m/%d}/{SAFE_PART.sub('_', run)}-{seq:05d}{WARC_SUFFIX}"


def cdxj_key(key: str) -> str:
    return key.removesuffix(WARC_SUFFIX) + CDXJ_SUFFIX


def payload_digest(payload: bytes) -> str:
    """The WARC-Payload-Digest warcio writes for these bytes (sha1, base32)."""
    from warcio.utils import Digester

    digester = Digester("sha1")
    digester.update(payload)
    return str(digester)
