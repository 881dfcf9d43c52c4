"""Assign story revisions to stories.

First version (nightly-pipeline issue): revisions share a story when their Yonhap ids
share the lineage date + serial + code. The story-grouping issue replaces the body of
`assign_stories`; its signature and the `Revision` record stay.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

YONHAP_ID = re.compile(r"^AEN(?P<date>\d{8})(?P<serial>\d{4})(?P<version>\d{2})(?P<code>\d{3})$")


@dataclass
class Revision:
    """What grouping sees of one revision. Only `key` and `article_id` are always set."""

    key: str  # unique per revision, e.g. str(story_revisions.revision_id)
    article_id: str
    url: str | None = None
    headline: str | None = None
    published_at: datetime | date | None = None
    body_paragraphs: list[str] = field(default_factory=list)
    revision_label: str | None = None
    revision_no: int = 0
    attn: str | None = None
    dateline: str | None = None
    section: str | None = None


def lineage_story_id(article_id: str) -> str:
    match = YONHAP_ID.match(article_id or "")
    if not match:
        return article_id
    return f"AEN{match['date']}{match['serial']}{match['code']}"


def assign_stories(conn, revisions: list[Revision]) -> dict[str, str]:
    """Return {revision key: story_id}. `conn` is the open transaction (unused by this version)."""
    return {rev.key: lineage_story_id(rev.article_id) for rev in revisions}
