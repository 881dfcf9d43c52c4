"""Per-article capture state in PostgreSQL (capture_articles): first sighting on a surface, fetches,
changes, requests spent and the validators of the last fetch. Every write binds its values; every
upsert is keyed on (source, url)."""
from __future__ import annotations

from datetime import date, datetime

from psycopg2.extras import execute_values


def record_sightings(cur, source: str, now: datetime, sightings: list[tuple[str, str, str, date]]) -> int:
    """(url, article_id, surface, night) named by this pass's surfaces; returns how many were new.
    A url keeps its earliest sighting (a pass run again at the same instant changes nothing)."""
    if not sightings:
        return 0
    rows = {url: (source, url, article_id, night, surface, now) for url, article_id, surface, night in sightings}
    inserted = execute_values(cur, """
        INSERT INTO capture_articles (source, url, article_id, night, surface, first_sighted_at) VALUES %s
        ON CONFLICT (source, url) DO UPDATE SET first_sighted_at = EXCLUDED.first_sighted_at
            WHERE EXCLUDED.first_sighted_at < capture_articles.first_sighted_at
        RETURNING (xmax = 0)""", list(rows.values()), fetch=True)
    return sum(1 for (new,) in inserted if new)


def targets(cur, source: str, now: datetime, limit: int) -> list[dict]:
    """What this pass fetches: articles never fetched (oldest sighting first), then revisits due by
    `now` (most overdue first), at most `limit` in all."""
    cur.execute("""
        SELECT url, article_id, night, etag, last_modified, requests, first_sighted_at, last_changed_at
        FROM capture_articles
        WHERE source = %(source)s AND first_sighted_at <= %(now)s
          AND (requests = 0 OR (next_due_at IS NOT NULL AND next_due_at <= %(now)s))
        ORDER BY requests > 0, coalesce(next_due_at, first_sighted_at), url
        LIMIT %(limit)s""", {"source": source, "now": now, "limit": limit})
    return [{"url": url, "article_id": article_id, "night": night.isoformat(), "etag": etag,
             "last_modified": last_modified, "requests": requests, "first_sighted_at": first_sighted,
             "last_changed_at": last_changed}
            for url, article_id, night, etag, last_modified, requests, first_sighted, last_changed in cur.fetchall()]


def record_fetch(cur, source: str, url: str, *, now: datetime, next_due: datetime | None, status: int | None,
                 stored: bool, changed: bool, not_modified: bool, etag: str | None, last_modified: str | None,
                 error: str | None) -> None:
    """One request spent on `url` at `now`: `stored` when a state of the page is now stored (first
    capture), `changed` when this fetch stored a new state."""
    cur.execute("""
        UPDATE capture_articles SET
            requests = requests + 1,
            not_modified = not_modified + %(nm)s::int,
            states = states + %(changed)s::int,
            last_fetched_at = %(now)s,
            first_captured_at = CASE WHEN %(stored)s THEN coalesce(first_captured_at, %(now)s)
                                     ELSE first_captured_at END,
            last_changed_at = CASE WHEN %(changed)s THEN %(now)s ELSE last_changed_at END,
            next_due_at = %(due)s,
            etag = CASE WHEN %(error)s IS NULL THEN coalesce(%(etag)s, etag) ELSE etag END,
            last_modified = CASE WHEN %(error)s IS NULL THEN coalesce(%(lm)s, last_modified) ELSE last_modified END,
            last_status = %(status)s, last_error = %(error)s
        WHERE source = %(source)s AND url = %(url)s""",
                {"nm": not_modified, "changed": changed, "now": now, "stored": stored, "due": next_due,
                 "etag": etag, "lm": last_modified, "status": status, "error": error, "source": source, "url": url})
