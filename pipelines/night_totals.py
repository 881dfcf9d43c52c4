"""A night's own totals, from the database state of the night, never from what one run did.

A run's deltas (what its load inserted, what its group step grouped) depend on what earlier runs
of the night did: a rerun inserts nothing, and a rerun after a kill during load or grouping finds
half the work done and reported (0 new / 2,322 unchanged instead of 5,000 new). The totals here are
the same after a clean run, a rerun, or a rerun after any interruption:

- the night's runs: every crawl run of the same source and interval;
- the night's pages: the raw pages those runs fetched;
- the night's revisions: revisions whose raw page was first catalogued by one of the night's runs,
  and revisions that a capture pass stored (their page has no crawl run) of an article whose capture
  night is this night: capture stores most states before the nightly runs, and they are the night's;
- the night's stories: stories holding a revision of an article of the night's pages. A story is
  new when it holds revisions of the night and none of an earlier night, revised when it holds
  both, unchanged when it holds none of the night's revisions (its article was fetched again,
  unchanged).
"""
from __future__ import annotations

NIGHT_CTE = """
    night_runs AS (
        SELECT o.crawl_run_id FROM crawl_runs o JOIN crawl_runs c ON c.crawl_run_id = %(run)s
        WHERE o.source = c.source AND o.interval_start = c.interval_start AND o.interval_end = c.interval_end),
    night_pages AS (
        SELECT DISTINCT p.raw_key, p.article_id, p.url FROM crawl_run_pages x JOIN raw_pages p USING (raw_key)
        WHERE x.crawl_run_id IN (SELECT crawl_run_id FROM night_runs)),
    revision_night AS (
        SELECT r.revision_id, r.story_id, r.article_id,
               coalesce((f.interval_start AT TIME ZONE 'Asia/Seoul')::date, ca.night) AS night
        FROM story_revisions r JOIN raw_pages p ON p.raw_key = r.raw_key
        LEFT JOIN crawl_runs f ON f.crawl_run_id = p.first_crawl_run_id
        LEFT JOIN capture_articles ca ON p.first_crawl_run_id IS NULL AND ca.source = r.source
                                      AND ca.article_id = r.article_id)"""


def night_totals(cur, crawl_run_id: int) -> dict:
    """pages_fetched, revisions_new, stories, stories_new, stories_revised, stories_unchanged of the
    night of `crawl_run_id` (see the module's doc)."""
    cur.execute(f"""
        WITH {NIGHT_CTE},
        night AS (SELECT source, (interval_start AT TIME ZONE 'Asia/Seoul')::date AS night
                  FROM crawl_runs WHERE crawl_run_id = %(run)s),
        touched AS (
            SELECT DISTINCT r.story_id FROM story_revisions r
            WHERE r.story_id IS NOT NULL
              AND (r.article_id IN (SELECT article_id FROM night_pages)
                   OR r.revision_id IN (SELECT revision_id FROM revision_night
                                        WHERE night = (SELECT night FROM night)))),
        per_story AS (
            SELECT t.story_id,
                   count(v.revision_id) FILTER (WHERE v.night = (SELECT night FROM night)) AS own,
                   count(v.revision_id) FILTER (WHERE v.night < (SELECT night FROM night)) AS earlier
            FROM touched t LEFT JOIN revision_night v ON v.story_id = t.story_id
            GROUP BY t.story_id)
        SELECT (SELECT count(DISTINCT url) FROM night_pages),
               (SELECT count(*) FROM revision_night WHERE night = (SELECT night FROM night)),
               count(*), count(*) FILTER (WHERE own > 0 AND earlier = 0),
               count(*) FILTER (WHERE own > 0 AND earlier > 0), count(*) FILTER (WHERE own = 0)
        FROM per_story""", {"run": crawl_run_id})
    pages, revisions, stories, new, revised, unchanged = cur.fetchone()
    return {"pages_fetched": pages, "revisions_new": revisions, "stories": stories, "stories_new": new,
            "stories_revised": revised, "stories_unchanged": unchanged}


def store_totals(cur, crawl_run_id: int, totals: dict) -> None:
    """The night's totals on the run's row (what the nights view shows)."""
    cur.execute("""UPDATE crawl_runs SET revisions_new = %s, stories_new = %s, stories_revised = %s,
                          stories_unchanged = %s WHERE crawl_run_id = %s""",
                (totals["revisions_new"], totals["stories_new"], totals["stories_revised"],
                 totals["stories_unchanged"], crawl_run_id))
