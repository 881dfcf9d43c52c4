"""The frontier: every article url a surface named, with when it was first seen and the time it gave.

Filled by the `yonhap_capture` DAG (feeds and sitemaps every 20 minutes: a feed holds only the latest
~100 items, so one read at night misses most of the day) and by each nightly crawl's own discovery.
The nightly crawl fetches its night's frontier (`write_night_file`) besides what it discovers itself.
Upserts are idempotent: a url seen again by the same surface keeps its first sighting.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from pathlib import Path

from psycopg2.extras import Json, execute_values

from pipelines import config, db, verdict
from pipelines.discovery import surfaces as parse
from pipelines.discovery.fetch import PoliteFetcher
from pipelines.intervals import KST

log = logging.getLogger(__name__)
FRONTIER_SURFACES = ("listings", "feeds", "sitemap")


def read_discovery_manifest(path: Path) -> list[dict]:
    if not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def record_reads(conn, source: str, reads: list[dict], *, crawl_run_id: int | None = None,
                 discover_run_id: str | None = None) -> int:
    """Store the surface reads of one run (replacing that run's earlier reads: a retry records once)
    and upsert what they named into the frontier. Returns the number of frontier rows touched."""
    if crawl_run_id is None and discover_run_id is None:
        raise ValueError("a read belongs to a crawl run or a discover run")
    with conn.cursor() as cur:
        if crawl_run_id is not None:
            cur.execute("DELETE FROM discovery_reads WHERE crawl_run_id = %s", (crawl_run_id,))
        else:
            cur.execute("DELETE FROM discovery_reads WHERE discover_run_id = %s AND crawl_run_id IS NULL",
                        (discover_run_id,))
        if reads:
            execute_values(cur, """
                INSERT INTO discovery_reads (source, surface, url, crawl_run_id, discover_run_id, http_status, kind,
                                             items, in_window, time_forms, problems, named, reason)
                VALUES %s""", [
                (source, r["surface"], r["url"], crawl_run_id, discover_run_id, r.get("http_status"),
                 r.get("kind") or None, len(r.get("sightings") or []), r.get("in_window") or 0,
                 Json(_forms(r.get("sightings") or [])), Json(r.get("problems") or []),
                 Json([row[0] for row in r.get("sightings") or []]), r.get("reason"))
                for r in reads])
        rows = {}
        for r in reads:
            if r["surface"] not in FRONTIER_SURFACES or (r.get("reason") or "").startswith(verdict.FLOOD):
                continue
            for url, article_id, hint, form, _position in r.get("sightings") or []:
                if not plausible_sighting(article_id, hint):
                    continue
                key = (url, r["surface"])
                if key not in rows or (rows[key][3] is None and hint):  # one row per key per statement
                    rows[key] = (source, url, r["surface"], hint and datetime.fromisoformat(hint), form, article_id,
                                 parse.id_date(article_id))
        if rows:
            execute_values(cur, """
                INSERT INTO discovery_frontier (source, url, surface, time_hint, time_form, article_id, id_day)
                VALUES %s
                ON CONFLICT (source, url, surface) DO UPDATE SET
                    last_seen_at = now(),
                    time_hint = coalesce(discovery_frontier.time_hint, EXCLUDED.time_hint),
                    time_form = CASE WHEN discovery_frontier.time_hint IS NULL THEN EXCLUDED.time_form
                                     ELSE discovery_frontier.time_form END""",
                           list(rows.values()))
    return len(rows)


def plausible_sighting(article_id: str, hint: str | None) -> bool:
    """Only ids of the id grammar with a real date, and near the time the surface gave, enter the frontier."""
    day = parse.id_date(article_id)
    if day is None:
        return False
    return hint is None or verdict.id_near(day, datetime.fromisoformat(hint).astimezone(KST).date())


def flood_check(read: dict) -> dict:
    """A read naming more items than WIREDESK_MAX_READ_ITEMS: recorded with its reason, its items not kept."""
    cap = verdict.max_read_items()
    items = len(read.get("sightings") or [])
    if items > cap:
        read.update(sightings=[], child_urls=[], reason=verdict.flood_reason(items, cap, "this read"))
    return read


def _forms(sightings: list) -> dict:
    forms: dict[str, int] = {}
    for row in sightings:
        forms[row[3]] = forms.get(row[3], 0) + 1
    return forms


def night_frontier(cur, source: str, start: datetime, end: datetime) -> list[dict]:
    """Frontier urls that belong to [start, end): by their time, or without one by their id's date."""
    first_day = start.astimezone(KST).date()
    last_day = (end - timedelta(microseconds=1)).astimezone(KST).date()
    cur.execute("""
        SELECT url, min(article_id), min(time_hint) FROM discovery_frontier
        WHERE source = %s AND (
              (time_hint >= %s AND time_hint < %s)
           OR (time_hint IS NULL AND id_day BETWEEN %s AND %s))
        GROUP BY url ORDER BY url""", (source, start, end, first_day, last_day))
    return [{"url": url, "article_id": article_id, "time_hint": hint.isoformat() if hint else None}
            for url, article_id, hint in cur.fetchall()]


def retired_urls(cur, source: str, urls: list[str]) -> set[str]:
    """Urls that kept failing (WIREDESK_RETIRE_AFTER_CRAWLS crawls): no crawl asks for them again."""
    cur.execute("""SELECT DISTINCT url FROM fetch_failures WHERE source = %s AND url = ANY(%s)
                   AND resolved_at IS NULL AND retired_at IS NOT NULL""", (source, urls))
    return {row[0] for row in cur.fetchall()}


def write_night_file(source: str, start: datetime, end: datetime, path: Path,
                     stored: list[str] = ()) -> tuple[str, list[dict]]:
    """The night's frontier as JSON lines for the spider's `-a frontier=FILE`, and the reads to record
    with the crawl (a flood). Rows the spider must not ask for carry "skip": retired urls, and the
    urls in `stored` (archived by the night's crawl that timed out: this one goes on from there).

    A frontier larger than WIREDESK_MAX_NIGHT_ARTICLES is a flood: none of it is fetched, and the
    read recorded with its reason fails the night's check."""
    with db.transaction() as conn, conn.cursor() as cur:
        rows = night_frontier(cur, source, start, end)
        retired = retired_urls(cur, source, [r["url"] for r in rows]) if rows else set()
    reads = []
    cap = verdict.max_night_articles()
    if len(rows) > cap:
        reads.append({"surface": "frontier", "url": "discovery_frontier", "kind": "frontier", "sightings": [],
                      "reason": verdict.flood_reason(len(rows), cap, "the night's frontier")})
        log.warning("frontier for [%s, %s): %s", start, end, reads[-1]["reason"])
        rows = []
    skip = retired | set(stored)
    for row in rows:
        if row["url"] in skip:
            row["skip"] = True
    rows += [{"url": url, "article_id": None, "time_hint": None, "skip": True} for url in sorted(set(stored) - {
        r["url"] for r in rows})]
    Path(path).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    log.info("frontier for [%s, %s): %d urls (%d not to ask for)", start, end, len(rows), len(skip))
    return str(path), reads


# --- discovery without fetching articles (the capture passes read surfaces with it) -----------------------------------

def read_surfaces(base_url: str, *, feeds: bool = True, sitemap: bool = True,
                  fetcher: PoliteFetcher | None = None) -> list[dict]:
    """Read the feeds and the news sitemap(s) once; the reads in the spider's SurfaceRead shape."""
    fetcher = fetcher or PoliteFetcher(base_url)
    robots = fetcher.load_robots()
    reads = [{"surface": "robots", "url": robots.url, "http_status": robots.status, "kind": "robots",
              "sightings": [], "problems": [], "reason": robots.reason}]
    if feeds:
        for channel in parse.FEED_CHANNELS:
            reads.append(read_one(fetcher, f"{fetcher.base_url}/RSS/{channel}.xml", parse.parse_feed))
    if sitemap:
        named = parse.sitemaps_from_robots(fetcher.robots_text, fetcher.base_url) if robots.ok else []
        # an index of indexes must not run away: at most max_sitemaps reads, max_sitemap_depth levels down
        cap, max_depth = config.max_sitemaps(), config.max_sitemap_depth()
        queue, seen = [(url, 0) for url in named or [fetcher.base_url + parse.SITEMAP_PATH]], set()
        while queue and len(seen) < cap:
            url, depth = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            read = read_one(fetcher, url, parse.parse_sitemap)
            children = read.pop("child_urls", [])
            if depth + 1 > max_depth and children:
                read["problems"].insert(0, f"sitemap_cap: {len(children)} sitemaps not read (deeper than "
                                           f"WIREDESK_MAX_SITEMAP_DEPTH={max_depth})")
            else:
                queue.extend((child, depth + 1) for child in children)
            reads.append(read)
        if queue:
            reads[-1]["problems"].insert(0, f"sitemap_cap: {len(queue)} sitemaps not read (past "
                                            f"WIREDESK_MAX_SITEMAPS={cap})")
    return reads


def read_one(fetcher: PoliteFetcher, url: str, parser) -> dict:
    fetched = fetcher.get(url)
    surface = "feeds" if parser is parse.parse_feed else "sitemap"
    read = {"surface": surface, "url": url, "http_status": fetched.status, "kind": "", "sightings": [],
            "problems": [], "reason": fetched.reason, "child_urls": []}
    if not fetched.ok:
        return read
    try:
        result = parser(fetched.body, fetched.url, fetcher.base_url)
    except parse.SurfaceError as exc:
        read["reason"] = str(exc)[:500]
        return read
    read.update(kind=result.kind, problems=result.problems[:50], child_urls=result.child_urls,
                sightings=[[s.url, s.article_id, s.time_hint.isoformat() if s.time_hint else None, s.time_form,
                            s.position] for s in result.items])
    if not result.items and not result.child_urls:
        read["reason"] = "no items: " + ("; ".join(result.problems[:3]) or "nothing matched")
    return flood_check(read)


def discover(source: str, base_url: str, run_id: str, window: tuple[datetime, datetime] | None = None) -> dict:
    """One discovery run: read feeds and sitemaps, upsert the frontier, record the reads. No article fetch."""
    db.migrate()
    reads = read_surfaces(base_url)
    for read in reads:
        read.pop("child_urls", None)
        if window:
            read["in_window"] = sum(1 for row in read["sightings"]
                                    if row[2] and window[0] <= datetime.fromisoformat(row[2]) < window[1])
    with db.transaction() as conn:
        touched = record_reads(conn, source, reads, discover_run_id=run_id)
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM discovery_frontier WHERE source = %s", (source,))
            size = cur.fetchone()[0]
    failed = [f"{r['url']}: {r['reason']}" for r in reads if r["reason"] and r["surface"] != "robots"]
    result = {"run_id": run_id, "reads": len(reads), "sightings": sum(len(r["sightings"]) for r in reads),
              "frontier_rows_touched": touched, "frontier_size": size, "empty_or_failed": failed}
    log.info("discovery run %s: %s", run_id, result)
    return result
