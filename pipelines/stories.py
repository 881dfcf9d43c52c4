"""Turn loaded revisions into stories: assign story ids, order revisions, diff them, point each
story at its latest revision. One transaction per call, so a crash leaves no half-grouped night.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from psycopg2.extras import Json, execute_values

from pipelines import db, night_totals
from pipelines.grouping import Revision, assign_stories
from pipelines.grouping.diff import paragraph_diff

log = logging.getLogger(__name__)

# Latest revision: by published time, then updated time (in-place edits), then revision order.
REVISION_ORDER = "published_at NULLS LAST, updated_at NULLS LAST, revision_no, revision_id"


@dataclass
class GroupResult:
    revisions_grouped: int = 0
    stories_new: int = 0
    stories_revised: int = 0
    stories_unchanged: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


# Times outside this range cannot come from a page (pipelines.validate refuses them at extraction);
# one stored before that check (year 1 at +09:00 is year 0 in UTC) would fail psycopg2's conversion
# and with it every later night's grouping, so it is read as unknown.
def plausible(column: str) -> str:
    """SQL reading `column` (a stored time) as NULL when no page could have it."""
    return f"CASE WHEN {column} >= '1980-01-01' AND {column} < '2100-01-01' THEN {column} END"


PLAUSIBLE_PUBLISHED = plausible("published_at")


def ungrouped_revisions(cur) -> list[Revision]:
    cur.execute(f"""SELECT revision_id, article_id, url, headline, {PLAUSIBLE_PUBLISHED}, body_paragraphs,
                           revision_label, revision_no, attn, dateline, section
                    FROM story_revisions WHERE story_id IS NULL ORDER BY {REVISION_ORDER}""")
    return [Revision(key=str(row[0]), article_id=row[1], url=row[2], headline=row[3], published_at=row[4],
                     body_paragraphs=row[5], revision_label=row[6], revision_no=row[7], attn=row[8],
                     dateline=row[9], section=row[10]) for row in cur.fetchall()]


def refresh_stories(cur, story_ids: list[str]) -> None:
    """Recompute order, diffs and the story rows of `story_ids` from their revisions."""
    cur.execute(f"""
        WITH ordered AS (
            SELECT revision_id, row_number() OVER (PARTITION BY story_id ORDER BY {REVISION_ORDER}) AS seq
            FROM story_revisions WHERE story_id = ANY(%s))
        UPDATE story_revisions r SET story_seq = o.seq FROM ordered o
        WHERE r.revision_id = o.revision_id AND r.story_seq IS DISTINCT FROM o.seq""", (story_ids,))
    cur.execute("""SELECT revision_id, story_id, body_paragraphs, diff_from_previous FROM story_revisions
                   WHERE story_id = ANY(%s) ORDER BY story_id, story_seq""", (story_ids,))
    previous: dict[str, list[str]] = {}
    changed_diffs = []
    for revision_id, story_id, paragraphs, old_diff in cur.fetchall():
        diff = paragraph_diff(previous[story_id], paragraphs) if story_id in previous else None
        previous[story_id] = paragraphs
        if diff != old_diff:
            changed_diffs.append((revision_id, Json(diff) if diff is not None else None))
    if changed_diffs:
        execute_values(cur, """UPDATE story_revisions r SET diff_from_previous = v.diff::jsonb
                               FROM (VALUES %s) AS v(revision_id, diff) WHERE r.revision_id = v.revision_id""",
                       changed_diffs)
    cur.execute("""
        WITH agg AS (
            SELECT story_id, count(*) AS n, min(published_at) AS first_published,
                   max(coalesce(updated_at, published_at)) AS last_updated,
                   min(first_seen_at) AS first_seen, max(first_seen_at) AS last_seen,
                   (array_agg(revision_id ORDER BY story_seq DESC))[1] AS latest
            FROM story_revisions WHERE story_id = ANY(%s) GROUP BY story_id)
        UPDATE stories s SET latest_revision_id = agg.latest, revision_count = agg.n,
               first_published_at = agg.first_published, last_updated_at = agg.last_updated,
               first_seen_at = agg.first_seen, last_seen_at = agg.last_seen,
               headline = (SELECT headline FROM story_revisions WHERE revision_id = agg.latest)
        FROM agg WHERE s.story_id = agg.story_id
          AND (s.latest_revision_id, s.revision_count, s.first_published_at, s.last_updated_at, s.first_seen_at,
               s.last_seen_at) IS DISTINCT FROM
              (agg.latest, agg.n::int, agg.first_published, agg.last_updated, agg.first_seen, agg.last_seen)""",
                (story_ids,))


class GroupingInputError(RuntimeError):
    """A stored revision grouping cannot read; the message names the suspect revisions and urls."""


def suspect_revisions(cur) -> list[str]:
    """Ungrouped revisions with a time outside any page's (see PLAUSIBLE_PUBLISHED), as 'id url'."""
    cur.execute("""SELECT revision_id, url FROM story_revisions WHERE story_id IS NULL
                     AND (published_at < '1980-01-01' OR published_at >= '2100-01-01'
                          OR updated_at < '1980-01-01' OR updated_at >= '2100-01-01')
                   ORDER BY revision_id LIMIT 20""")
    return [f"{revision_id} {url}" for revision_id, url in cur.fetchall()]


def _order(published, updated, revision_no, revision_id) -> tuple:
    """REVISION_ORDER in Python."""
    return (published is None, published.timestamp() if published else 0.0, updated is None,
            updated.timestamp() if updated else 0.0, revision_no or 0, revision_id)


def append_to_stories(cur, story_ids: list[str], rebuild: set[str] = frozenset()) -> None:
    """Refresh `story_ids` after new revisions joined them, incrementally: a new revision that comes
    after the story's latest one gets the next order number and its diff against that predecessor
    only, and the story row is updated from the new revisions alone - the cost does not grow with
    the story. Stories in `rebuild` (merged), or where a new revision sorts before an existing one
    (a late arrival), are recomputed whole by refresh_stories."""
    cur.execute(f"""SELECT s.story_id, s.revision_count, l.revision_id, {plausible('l.published_at')},
                          {plausible('l.updated_at')}, l.revision_no, l.body_paragraphs
                   FROM stories s LEFT JOIN story_revisions l ON l.revision_id = s.latest_revision_id
                   WHERE s.story_id = ANY(%s)""", (story_ids,))
    latest = {row[0]: row[1:] for row in cur.fetchall()}
    cur.execute(f"""SELECT revision_id, story_id, {PLAUSIBLE_PUBLISHED}, {plausible('updated_at')}, revision_no,
                          body_paragraphs, first_seen_at
                   FROM story_revisions WHERE story_id = ANY(%s) AND story_seq IS NULL""", (story_ids,))
    new: dict[str, list] = {}
    for row in cur.fetchall():
        new.setdefault(row[1], []).append(row)
    full = set(rebuild)
    seqs, diffs, rows = [], [], []
    for story_id, revisions in new.items():
        count, last_id, last_pub, last_upd, last_no, last_body = latest.get(story_id, (None,) * 6)
        revisions.sort(key=lambda r: _order(r[2], r[3], r[4], r[0]))
        if story_id in full or count is None or (count and last_id is None) or (
                last_id is not None and _order(revisions[0][2], revisions[0][3], revisions[0][4], revisions[0][0])
                < _order(last_pub, last_upd, last_no, last_id)):
            full.add(story_id)
            continue
        previous = last_body if last_id is not None else None
        for n, (revision_id, _story, _pub, _upd, _no, body, _seen) in enumerate(revisions, start=count + 1):
            seqs.append((revision_id, n))
            diff = paragraph_diff(previous, body) if previous is not None else None
            diffs.append((revision_id, Json(diff) if diff is not None else None))
            previous = body
        last_updated = max((r[3] or r[2] for r in revisions if (r[3] or r[2])), default=None)
        rows.append((story_id, revisions[-1][0], len(revisions), min((r[2] for r in revisions if r[2]), default=None),
                     last_updated, min(r[6] for r in revisions), max(r[6] for r in revisions), count == 0))
    if seqs:
        execute_values(cur, """UPDATE story_revisions r SET story_seq = v.seq, diff_from_previous = v.diff::jsonb
                               FROM (VALUES %s) AS v(revision_id, seq, diff) WHERE r.revision_id = v.revision_id""",
                       [(rid, seq, diff) for (rid, seq), (_, diff) in zip(seqs, diffs)])
        execute_values(cur, """
            UPDATE stories s SET latest_revision_id = v.latest, revision_count = s.revision_count + v.n,
                   first_published_at = CASE WHEN v.fresh THEN v.first_published
                                             ELSE LEAST(s.first_published_at, v.first_published) END,
                   last_updated_at = CASE WHEN v.fresh THEN v.last_updated
                                          ELSE GREATEST(s.last_updated_at, v.last_updated) END,
                   first_seen_at = CASE WHEN v.fresh THEN v.first_seen ELSE LEAST(s.first_seen_at, v.first_seen) END,
                   last_seen_at = CASE WHEN v.fresh THEN v.last_seen ELSE GREATEST(s.last_seen_at, v.last_seen) END,
                   headline = (SELECT headline FROM story_revisions WHERE revision_id = v.latest)
            FROM (VALUES %s) AS v(story_id, latest, n, first_published, last_updated, first_seen, last_seen, fresh)
            WHERE s.story_id = v.story_id""", rows,
                       template="(%s, %s::bigint, %s::int, %s::timestamptz, %s::timestamptz, %s::timestamptz, "
                                "%s::timestamptz, %s::boolean)")
    if full:
        refresh_stories(cur, sorted(full))


def assign_ungrouped(conn, cur, merged_into: set[str] | None = None) -> tuple[dict[str, str], set[str]]:
    """In the caller's transaction: give every revision without a story its story.

    Returns the assignment {revision id: story id} and the story ids that existed before; adds the
    stories that absorbed another story (a merge) to `merged_into` when given.
    """
    cur.execute("SELECT pg_advisory_xact_lock(hashtext('wiredesk.group'))")  # one grouper at a time
    merges: list = []
    try:
        assignment = assign_stories(conn, ungrouped_revisions(cur), merges_out=merges)
    except (ValueError, OverflowError) as exc:  # a stored value Python cannot hold: say which pages
        raise GroupingInputError(f"grouping failed on stored revisions ({type(exc).__name__}: {exc}); "
                                 f"suspect rows: {suspect_revisions(cur) or 'none found'}") from exc
    if merged_into is not None:
        merged_into.update(into for _merged, into, _reason in merges)
    story_ids = sorted(set(assignment.values()))
    cur.execute("SELECT story_id FROM stories WHERE story_id = ANY(%s)", (story_ids,))
    existing = {row[0] for row in cur.fetchall()}
    if story_ids:
        execute_values(cur, "INSERT INTO stories (story_id, source) VALUES %s ON CONFLICT DO NOTHING",
                       [(story_id, "yonhap") for story_id in story_ids if story_id not in existing])
        execute_values(cur, """UPDATE story_revisions r SET story_id = v.story_id
                               FROM (VALUES %s) AS v(revision_id, story_id) WHERE r.revision_id = v.revision_id""",
                       [(int(key), story_id) for key, story_id in assignment.items()])
    return assignment, existing


def group_new_revisions(crawl_run_id: int | None = None) -> GroupResult:
    """Give every revision without a story its story, and refresh the stories they touch.

    With a crawl run, the counts are the night's own totals (pipelines.night_totals); without, what this
    call grouped.
    """
    result = GroupResult()
    with db.transaction() as conn, conn.cursor() as cur:
        merged_into: set[str] = set()
        assignment, existing = assign_ungrouped(conn, cur, merged_into)
        story_ids = sorted(set(assignment.values()))
        if story_ids:
            append_to_stories(cur, story_ids, rebuild=merged_into)
        result.revisions_grouped = len(assignment)
        result.stories_new = len(set(story_ids) - existing)
        result.stories_revised = len(existing & set(story_ids))
        if crawl_run_id is not None:
            # the night's own totals (pipelines.night_totals), the same whichever run grouped what
            totals = night_totals.night_totals(cur, crawl_run_id)
            result.stories_new, result.stories_revised, result.stories_unchanged = (
                totals["stories_new"], totals["stories_revised"], totals["stories_unchanged"])
            night_totals.store_totals(cur, crawl_run_id, totals)
            cur.execute("UPDATE crawl_runs SET status = 'grouped' WHERE crawl_run_id = %s", (crawl_run_id,))
    log.info("grouped: %s", result)
    return result
