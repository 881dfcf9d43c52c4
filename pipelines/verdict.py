"""The night's verdict on fetching: were the article pages named for the night stored?

Coverage (pipelines.discovery.coverage) knows which article urls belong to the night: what any
surface or the frontier named in the window, and what was fetched in it. Each of them ends in one
of two ways: a stored page (a raw_pages row), or an open fetch_failures row under its canonical url
with a reason (`http_503`, `redirect_loop`, `too_many_redirects`, `refused_redirect: ...`, ...). A
url that has neither (filtered, never requested, a crawl that ran out of time before it) gets a
row with the reason `not_requested` here, so nothing named is left unaccounted for.

The check fails the night when the share of named pages not stored exceeds
WIREDESK_MAX_FETCH_FAILURE_SHARE (0.2, as extraction's share). The counts come from the database
state of the night, not from what this run did, and need no earlier night: they hold from a
site's first night on.

Bounds: a read naming more items than WIREDESK_MAX_READ_ITEMS, or a night whose frontier holds
more urls than WIREDESK_MAX_NIGHT_ARTICLES, is a flood: recorded as the read's reason
(`flood: ...`), not fetched, and it fails the check. A url failed by WIREDESK_RETIRE_AFTER_CRAWLS
crawls is retired: no later crawl asks for it again.
"""
from __future__ import annotations

import os
from datetime import timedelta

from psycopg2.extras import execute_values

FLOOD = "flood"


def max_fetch_failure_share() -> float:
    return float(os.environ.get("WIREDESK_MAX_FETCH_FAILURE_SHARE", "0.2"))


def max_night_articles() -> int:
    """Article urls a night may name before it is a flood (Yonhap English files a few hundred a day)."""
    return int(os.environ.get("WIREDESK_MAX_NIGHT_ARTICLES", "3000"))


def max_read_items() -> int:
    """Items one surface read may name before it is a flood (a feed holds ~100, a news sitemap at most 1,000)."""
    return int(os.environ.get("WIREDESK_MAX_READ_ITEMS", "2000"))


def retire_after_crawls() -> int:
    return int(os.environ.get("WIREDESK_RETIRE_AFTER_CRAWLS", "3"))


def flood_reason(items: int, cap: int, what: str) -> str:
    return f"{FLOOD}: {what} named {items} article urls, more than the cap of {cap}: not fetched"


def id_near(article_day, reference_day, days: int = 2) -> bool:
    """An article id's date within `days` of the day it was named for (its time hint, or the night)."""
    return article_day is not None and abs(article_day - reference_day) <= timedelta(days=days)


def retire_failures(cur, crawl_run_id: int) -> int:
    """Retire the urls this crawl failed once more and that have failed WIREDESK_RETIRE_AFTER_CRAWLS crawls."""
    cur.execute("""UPDATE fetch_failures SET retired_at = now()
                   WHERE last_crawl_run_id = %s AND stage = 'fetch' AND resolved_at IS NULL AND retired_at IS NULL
                     AND failed_crawls >= %s""", (crawl_run_id, retire_after_crawls()))
    return cur.rowcount


def fetch_verdict(cur, crawl_run_id: int, named: set[str], ids: dict[str, str]) -> dict:
    """The night's named article urls against what is stored; records `not_requested` for the rest.

    `named`: the canonical urls that belong to the night (coverage); `ids`: url -> article id.
    Returns the counts that go into the run summary under "fetch"."""
    cur.execute("SELECT source, interval_start FROM crawl_runs WHERE crawl_run_id = %s", (crawl_run_id,))
    source, interval_start = cur.fetchone()
    urls = sorted(named)
    cur.execute("SELECT DISTINCT url FROM raw_pages WHERE source = %s AND url = ANY(%s)", (source, urls))
    stored = {row[0] for row in cur.fetchall()}
    cur.execute("""SELECT DISTINCT ON (url) url, split_part(reason, ':', 1) FROM fetch_failures
                   WHERE source = %s AND url = ANY(%s) AND stage IN ('fetch', 'archive') AND resolved_at IS NULL
                   ORDER BY url, interval_start = %s DESC, last_failed_at DESC""",
                (source, urls, interval_start))
    failed = {url: reason for url, reason in cur.fetchall() if url not in stored}
    unaccounted = [u for u in urls if u not in stored and u not in failed]
    # bounded: a flood of named urls is reported by its count, never written a row per url
    recorded = unaccounted[:max_night_articles()]
    if recorded:
        execute_values(cur, """
            INSERT INTO fetch_failures (source, interval_start, url, stage, reason, attempts, last_crawl_run_id)
            VALUES %s
            ON CONFLICT (source, interval_start, url, stage) DO UPDATE SET
                reason = EXCLUDED.reason, last_failed_at = now(), last_crawl_run_id = EXCLUDED.last_crawl_run_id,
                resolved_at = NULL""",
                       [(source, interval_start, url, "fetch", "not_requested: named for the night, never fetched",
                         0, crawl_run_id) for url in recorded])
    by_reason: dict[str, int] = {}
    for reason in list(failed.values()) + ["not_requested"] * len(unaccounted):
        by_reason[reason] = by_reason.get(reason, 0) + 1
    not_stored = len(failed) + len(unaccounted)
    return {"named": len(urls), "stored": len(stored), "not_stored": not_stored,
            "not_stored_share": round(not_stored / len(urls), 4) if urls else 0.0,
            "not_stored_by_reason": dict(sorted(by_reason.items())),
            "not_stored_urls": sorted(set(failed) | set(unaccounted))[:20]}


def night_floods(cur, crawl_run_id: int) -> list[str]:
    """Reads of this night's discovery (this crawl's, and the discover runs since the previous crawl)
    that were floods."""
    cur.execute("""
        SELECT d.url, d.reason FROM discovery_reads d JOIN crawl_runs c ON c.crawl_run_id = %s
        WHERE d.source = c.source AND split_part(d.reason, ':', 1) = %s
          AND (d.crawl_run_id = c.crawl_run_id OR (d.crawl_run_id IS NULL
               AND d.read_at > coalesce((SELECT max(p.started_at) FROM crawl_runs p WHERE p.source = c.source
                                         AND p.crawl_run_id <> c.crawl_run_id AND p.started_at < c.started_at),
                                        '-infinity')))
        ORDER BY d.read_id""", (crawl_run_id, FLOOD))
    return [f"{url}: {reason}" for url, reason in cur.fetchall()]


def problems(fetch: dict, floods: list[str]) -> list[str]:
    found = []
    if fetch["named"] and fetch["not_stored"] / fetch["named"] > max_fetch_failure_share():
        reasons = ", ".join(f"{n} {reason}" for reason, n in fetch["not_stored_by_reason"].items())
        found.append(f"{fetch['not_stored']} of {fetch['named']} article pages named for the night were not "
                     f"stored (more than {max_fetch_failure_share():.0%}): {reasons}")
    if floods:
        found.append(f"{len(floods)} discovery reads were floods, not fetched:\n  " + "\n  ".join(floods[:20]))
    return found
