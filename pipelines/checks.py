"""Data-quality checks on a night's run. A failed check fails the Airflow run, with the reason."""
from __future__ import annotations

import logging
import os

from psycopg2.extras import Json

from pipelines import db, night_totals, verdict
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
    """The night's own totals (pipelines.night_totals: the same after a clean run, a rerun, or a rerun
    after an interruption) and the failures open on this run."""
    cur.execute("SELECT pages_failed, pages_failed_extract FROM crawl_runs WHERE crawl_run_id = %s", (crawl_run_id,))
    failed_fetch, failed_extract = cur.fetchone()
    totals = night_totals.night_totals(cur, crawl_run_id)
    # The night's stories: those holding a revision of an article the night's runs fetched. Through the
    # article, not the raw key: a page whose bytes change per fetch (a per-request comment) gets a
    # new key on a rerun while its content, and so its revision, stays the one stored before.
    return {"pages_fetched": totals["pages_fetched"], "pages_failed_fetch": failed_fetch,
            "pages_failed_extract": failed_extract, "revisions_new": totals["revisions_new"],
            "stories": totals["stories"], "stories_new": totals["stories_new"],
            "stories_revised": totals["stories_revised"], "stories_unchanged": totals["stories_unchanged"],
            "failures_by_reason": failures_by_reason(cur, crawl_run_id)}


def failures_by_reason(cur, crawl_run_id: int) -> dict:
    cur.execute("""SELECT stage, split_part(reason, ':', 1), count(*) FROM fetch_failures
                   WHERE last_crawl_run_id = %s AND resolved_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2""", (crawl_run_id,))
    return {f"{stage}:{reason}": n for stage, reason, n in cur.fetchall()}


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
        sets: dict = {}
        summary["coverage"] = coverage.night_coverage(cur, crawl_run_id, sets)
        found += coverage.problems(summary["coverage"], coverage.previous_coverage(cur, crawl_run_id))
        # every article page named for the night stored, or a recorded failure; too many not stored fails
        summary["fetch"] = verdict.fetch_verdict(cur, crawl_run_id, sets["night_urls"], sets["ids"])
        found = verdict.problems(summary["fetch"], verdict.night_floods(cur, crawl_run_id)) + found
        summary["failures_by_reason"] = failures_by_reason(cur, crawl_run_id)
        oversized = implausible_stories(cur, crawl_run_id)
        if oversized:
            found.append(f"{len(oversized)} stories larger than any plausible revision chain (more than "
                         f"{max_story_revisions()} revisions or {max_story_span_days():g} days):\n  "
                         + "\n  ".join(oversized[:50]))
        summary["problems"] = found
        night_totals.store_totals(cur, crawl_run_id, summary)
        cur.execute("""UPDATE crawl_runs SET status = %s, summary = %s, finished_at = now(), error = %s
                       WHERE crawl_run_id = %s""",
                    ("failed" if found else "ok", Json(summary), "; ".join(found)[:2000] or None, crawl_run_id))
    log.info("run summary: %s", summary)
    if found:
        raise DataQualityError("; ".join(found))
    return summary
