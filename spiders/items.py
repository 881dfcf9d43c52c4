"""What a spider hands to the item pipelines."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FetchedPage:
    """An article page as fetched. ArchiveRawPipeline stores `body` and replaces it by `raw_key`."""

    source: str
    night: str  # YYYY-MM-DD, the KST day being crawled: the date part of the raw key
    article_id: str
    url: str
    http_status: int
    content_type: str | None
    fetched_at: str
    body: bytes | None = field(default=None, repr=False)
    raw_key: str | None = None
    sha256: str | None = None
    size_bytes: int = 0
    archived_new: bool = False
    etag: str | None = None  # the response's validators, for a later conditional request (capture)
    last_modified: str | None = None
    # where the payload is in WARC: the response record (spiders/warc.py; a revisit points to its original)
    warc_key: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    warc_record_id: str | None = None
    warc_date: str | None = None
    warc_payload_digest: str | None = None


@dataclass
class PageNotModified:
    """A conditional request answered 304: the page is as it was at the last fetch (capture)."""

    source: str
    night: str
    article_id: str
    url: str
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchFailure:
    """A url that could not be fetched (or archived), with why."""

    source: str
    night: str
    url: str
    stage: str  # fetch | archive
    reason: str
    http_status: int | None = None
    attempts: int = 1


@dataclass
class SurfaceRead:
    """One read of a discovery surface (a listing page, a feed, a sitemap) and what it named.

    `sightings` rows are [canonical url, article id, time hint (ISO) or None, time form, position];
    `reason` says why a read gave nothing (http_404, robots_disallowed, unparseable_feed: ...).
    """

    source: str
    night: str
    surface: str  # listings | feeds | sitemap | robots
    url: str
    http_status: int | None = None
    kind: str = ""
    sightings: list = field(default_factory=list)
    in_window: int = 0
    problems: list = field(default_factory=list)
    reason: str | None = None
