"""Capture's coverage of one night: how soon articles were captured after a surface first named them,
how many in-place states were kept and what the revisits cost. Shown in the nightly run summary
(`capture`) and as its own column of the nights view."""
from __future__ import annotations

from datetime import date

from psycopg2.extras import Json

from pipelines import db


def night_coverage(cur, night: date, source: str = "yonhap") -> dict:
    cur.execute("""
        WITH arts AS (SELECT * FROM capture_articles WHERE source = %s AND night = %s),
        delays AS (SELECT extract(epoch FROM first_captured_at - first_sighted_at) / 60.0 AS minutes
                   FROM arts WHERE first_captured_at IS NOT NULL),
        revs AS (SELECT r.article_id, count(*) AS n FROM story_revisions r
                 WHERE r.article_id IN (SELECT article_id FROM arts) GROUP BY r.article_id)
        SELECT (SELECT count(*) FROM arts),
               (SELECT count(*) FROM arts WHERE first_captured_at IS NOT NULL),
               (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) FROM delays),
               (SELECT max(minutes) FROM delays),
               (SELECT coalesce(sum(n - 1), 0) FROM revs),
               (SELECT coalesce(sum(greatest(requests - 1, 0)), 0) FROM arts),
               (SELECT coalesce(max(requests), 0) FROM arts),
               (SELECT coalesce(sum(not_modified), 0) FROM arts)""", (source, night))
    articles, captured, median, worst, in_place, revisits, max_requests, not_modified = cur.fetchone()
    return {"articles_sighted": articles, "articles_captured": captured,
            "median_delay_min": round(float(median), 1) if median is not None else None,
            "worst_delay_min": round(float(worst), 1) if worst is not None else None,
            "in_place_states": int(in_place), "revisits": int(revisits), "max_requests_per_article": max_requests,
            "not_modified": int(not_modified)}


def record_on_run(crawl_run_id: int) -> dict:
    """Add the night's capture coverage to the run's stored summary (after its check wrote it)."""
    with db.transaction() as conn, conn.cursor() as cur:
        cur.execute("SELECT source, (interval_start AT TIME ZONE 'Asia/Seoul')::date FROM crawl_runs "
                    "WHERE crawl_run_id = %s", (crawl_run_id,))
        source, night = cur.fetchone()
        found = night_coverage(cur, night, source)
        cur.execute("UPDATE crawl_runs SET summary = summary || jsonb_build_object('capture', %s::jsonb) "
                    "WHERE crawl_run_id = %s", (Json(found), crawl_run_id))
    return found


def line(cov: dict | None) -> str:
    """One short line for the nights view."""
    if not cov:
        return "no capture"
    delay = (f"delay median {cov['median_delay_min']} min, worst {cov['worst_delay_min']} min"
             if cov.get("median_delay_min") is not None else "nothing captured")
    return (f"{cov['articles_captured']}/{cov['articles_sighted']} captured, {delay}; "
            f"{cov['in_place_states']} in-place states; {cov['revisits']} revisits "
            f"(max {cov['max_requests_per_article']} requests/article, {cov['not_modified']} × 304)")
