"""Data-quality checks on a night's run. A failed check fails the Airflow run, with the reason."""
from __future__ import annotations

import logging
import os

from psycopg2.extras import Json

from pipelines import db
from pipelines.discovery import coverage

log = logging.getLogger(__name__)
# Extraction reasons that mean the page no longer looks like the layout the parser knows.
LAYOUT_DRIFT_REASONS = ("unknown_layout", "no_headline", "no_body", "no_published_time")


class DataQualityError(RuntimeError):
    pass


def max_failure_share() -> float:
    return float(os.environ.get("WIREDESK_MAX_FAILURE_SHARE", "0.2"))


def max_drift_share() -> float:
    return float(os.environ.get("WIREDESK_MAX_DRIFT_SHARE", "0.05"))


def max_drift_pages() -> int:
    # A page or two without a headline happens; more than this many (and the share) is a redesign.
    return int(os.environ.get("WIREDESK_MAX_DRIFT_PAGES", "2"))


def max_story_revisions() -> int:
    return int(os.environ.get("WIREDESK_MAX_STORY_REVISIONS", "12"))


def max_story_span_days() -> float:
    return float(os.environ.get("WIREDESK_MAX_STORY_SPAN_DAYS", "3"))


def implausible_stories(cur, crawl_run_id: int) -> list[str]:
    """Stories this night touched that no plausible revision chain makes: more revisions than
    WIREDESK_MAX_STORY_REVISIONS, or first to last revision more than WIREDESK_MAX_STORY_SPAN_DAYS
    apart - the mark of grouping chaining distinct stories together. One line per story id."""
    cur.execute("""SELECT s.story_id, s.revision_count, s.last_updated_at - s.first_published_at
                   FROM stories s WHERE s.story_id IN (
                       SELECT r.story_id FROM crawl_run_pages c JOIN story_revisions r USING (raw_key)
                       WHERE c.crawl_run_id = %s AND r.story_id IS NOT NULL)
                     AND (s.revision_count > %s OR s.last_updated_at - s.first_published_at > %s * interval '1 day')
                   ORDER BY s.story_id""", (crawl_run_id, max_story_revisions(), max_story_span_days()))
    return [f"{story_id} ({count} revisions over {span})" for story_id, count, span in cur.fetchall()]


def run_summary(cur, crawl_run_id: int) -> dict:
    cur.execute("""SELECT pages_fetched, pages_failed, pages_failed_extract, revisions_new, stories_new,
                          stories_revised, stories_unchanged, interval_start FROM crawl_runs WHERE crawl_run_id = %s""",
                (crawl_run_id,))
    (fetched, failed_fetch, failed_extract, revisions_new, stories_new, stories_revised, stories_unchanged,
     interval_start) = cur.fetchone()
    cur.execute("""SELECT stage, split_part(reason, ':', 1), count(*) FROM fetch_failures
                   WHERE last_crawl_run_id = %s AND resolved_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2""", (crawl_run_id,))
    by_reason = {f"{stage}:{reason}": n for stage, reason, n in cur.fetchall()}
    # The night's stories: those holding a revision of an article this run fetched. Through the
    # article, not the raw key: a page whose bytes change per fetch (a per-request comment) gets a
    # new key on a rerun while its content, and so its revision, stays the one stored before.
    cur.execute("""SELECT count(DISTINCT r.story_id) FROM crawl_run_pages c JOIN raw_pages p USING (raw_key)
                   JOIN story_revisions r ON r.raw_key = p.raw_key OR r.article_id = p.article_id
                   WHERE c.crawl_run_id = %s AND r.story_id IS NOT NULL""", (crawl_run_id,))
    stories = cur.fetchone()[0]
    return {"pages_fetched": fetched, "pages_failed_fetch": failed_fetch, "pages_failed_extract": failed_extract,
            "revisions_new": revisions_new, "stories": stories, "stories_new": stories_new,
            "stories_revised": stories_revised, "stories_unchanged": stories_unchanged,
            "failures_by_reason": by_reason}


def drifted_urls(cur, crawl_run_id: int) -> list[str]:
    cur.execute("""SELECT url FROM fetch_failures WHERE last_crawl_run_id = %s AND stage = 'extract'
                   AND resolved_at IS NULL AND split_part(reason, ':', 1) = ANY(%s) ORDER BY url""",
                (crawl_run_id, list(LAYOUT_DRIFT_REASONS)))
    return [row[0] for row in cur.fetchall()]


def problems(summary: dict, drifted: list[str]) -> list[str]:
    found = []
    if summary["stories"] == 0:
        found.append("the night yielded zero stories")
    pages = summary["pages_fetched"]
    if pages and summary["pages_failed_extract"] / pages > max_failure_share():
        found.append(f"{summary['pages_failed_extract']} of {pages} pages failed extraction "
                     f"(more than {max_failure_share():.0%})")
    if len(drifted) > max(max_drift_pages(), max_drift_share() * pages):
        shown = "\n  ".join(drifted[:50])
        found.append(f"layout drift: {len(drifted)} pages lost their headline, body or published time:\n  {shown}")
    return found


def check_crawl_run(crawl_run_id: int) -> dict:
    with db.transaction() as conn, conn.cursor() as cur:
        summary = run_summary(cur, crawl_run_id)
        found = problems(summary, drifted_urls(cur, crawl_run_id))
        # discovery coverage per surface, serial gaps and discovery drift (pipelines/discovery/coverage.py)
        summary["coverage"] = coverage.night_coverage(cur, crawl_run_id)
        found += coverage.problems(summary["coverage"], coverage.previous_coverage(cur, crawl_run_id))
        oversized = implausible_stories(cur, crawl_run_id)
        if oversized:
            found.append(f"{len(oversized)} stories larger than any plausible revision chain (more than "
                         f"{max_story_revisions()} revisions or {max_story_span_days():g} days):\n  "
                         + "\n  ".join(oversized[:50]))
        summary["problems"] = found
        cur.execute("""UPDATE crawl_runs SET status = %s, summary = %s, finished_at = now()
                       WHERE crawl_run_id = %s""", ("failed" if found else "ok", Json(summary), crawl_run_id))
    log.info("run summary: %s", summary)
    if found:
        raise DataQualityError("; ".join(found))
    return summary
