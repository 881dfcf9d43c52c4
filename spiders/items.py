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
