"""Assign story revisions to stories.

A revision joins a story on evidence against the story as a whole (`assign.story_verdict`), never on
one link to any member; `assign.compare` decides a pairwise link from the evidence of two revisions: Yonhap id lineage (strong, not proof), headline
similarity after label removal, body containment and lead survival (bottom-k MinHash sketches),
list part numbers, summary items, publication time gap. Candidates come from an index keyed by
sketch hashes and id lineage (`index.PostgresIndex` in the DAG, `index.MemoryIndex` in the CLI),
never from all stored stories. See pipelines/grouping/README.md for the design.

Story ids are text and stable once issued: "yonhap-<article id of the story's first grouped
revision>" (e.g. "yonhap-AEN20230419003800320"), "wire-<id>" for non-Yonhap ids,
"story-<hash>" without a usable id; a "-2" suffix if the id is already taken.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime

log = logging.getLogger(__name__)

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
    updated_at: datetime | date | None = None


def lineage_story_id(article_id: str) -> str:
    """The first version's id scheme (date + serial + code); kept for the id-lineage baseline."""
    match = YONHAP_ID.match(article_id or "")
    if not match:
        return article_id
    return f"AEN{match['date']}{match['serial']}{match['code']}"


def order_key(revision_row) -> tuple:
    """Sort key of a revision inside its story: published time, then updated time (in-place edits),
    then revision number, then revision id; unknown times last. Takes a Revision, a dict or any object
    with those attributes."""
    def get(name, default=None):
        if isinstance(revision_row, dict):
            return revision_row.get(name, default)
        return getattr(revision_row, name, default)

    from pipelines.grouping.features import to_epoch

    published = to_epoch(get("published_at"))[0]
    updated = to_epoch(get("updated_at"))[0]
    rev_id = get("revision_id", get("key"))
    try:
        rev_id = int(rev_id)
    except (TypeError, ValueError):
        rev_id = str(rev_id)
    return (published is None, published or 0.0, updated is None, updated or 0.0, get("revision_no") or 0,
            (0, rev_id) if isinstance(rev_id, int) else (1, rev_id))


def assign_stories(conn, revisions: list[Revision], merges_out: list | None = None) -> dict[str, str]:
    """Return {revision key: story_id} for `revisions` (a night's new revisions).

    `conn` is the caller's open transaction; nothing is committed or rolled back here. The grouping
    index (sql/003_grouping.sql) is updated in it. Revisions already indexed keep their story.
    When a new revision joins two stories, this function does the whole merge in the same
    transaction: story_revisions.story_id is re-pointed to the surviving story (the one stored
    earlier), a story_merges row is written (earlier merges into the merged story are re-pointed),
    the merged story's `stories` row is deleted, and the surviving story's row is inserted if it
    does not exist yet. The caller then refreshes the stories in the returned values. The merges made
    (merged story, into story, reason) are appended to `merges_out` when given.
    """
    from pipelines.grouping.assign import assign
    from pipelines.grouping.index import PostgresIndex

    index = PostgresIndex(conn)
    backfilled = index.backfill_from_core()
    if backfilled:
        log.info("grouping index: backfilled %d revisions grouped before it existed", backfilled)
    result = assign(index, revisions)
    for key, note in result.notes.items():
        log.warning("revision %s: %s (grouped as %s)", key, note, result.stories.get(key))
    for merged, into, reason in result.merges:
        log.info("merged story %s into %s: %s", merged, into, reason)
    if merges_out is not None:
        merges_out.extend(result.merges)
    log.info("grouping: %d revisions, %d candidate comparisons, %d merges", len(revisions), result.comparisons,
             len(result.merges))
    return result.stories
