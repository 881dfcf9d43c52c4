"""How complete a night is: per surface, what was named, what belongs to the night, what was fetched.

Computed after load (so each fetched page's own published time is known) from the frontier (what
every surface named, by the discover DAG during the day and by the crawl itself), the crawl's
surface reads, the pages it fetched and its recorded failures. The result goes into
`crawl_runs.summary["coverage"]` (and so the run's asset event), and two checks read it:

- discovery drift: a surface that had items in the window on recent nights has none now (counting only
  what the surface named during this night's discovery: this crawl's reads and the discover runs since
  the previous crawl, not sightings kept from earlier reads);
- serial gaps: the share of the day's article-id serials (1 .. highest seen) that no surface named
  exceeds WIREDESK_MAX_SERIAL_GAP_SHARE.

An article's night is decided by its page's published time when it was fetched, else by the time a
surface gave, else (no time anywhere) by its id's date.
"""
from __future__ import annotations

import os
from collections import Counter
from datetime import datetime, timedelta

from pipelines.discovery import surfaces as parse
from pipelines.intervals import KST

COVERAGE_SURFACES = ("listings", "feeds", "sitemap")
DRIFT_NIGHTS = 3  # a surface that yielded on any of this many previous nights must yield now
MAX_MISSING_SHOWN = 30


def max_serial_gap_share() -> float:
    """Share of the day's serial range (1 .. highest) that may go unseen before the check fails.

    The default is a catastrophic-miss guard: the replay's written nights are samples of a day
    (about 15 of 90 serials). Lower it once a few real nights show the site's normal gap share."""
    return float(os.environ.get("WIREDESK_MAX_SERIAL_GAP_SHARE", "0.9"))


def night_coverage(cur, crawl_run_id: int, sets: dict | None = None) -> dict:
    """The night's coverage; `sets`, when given, receives the full sets behind it (pipelines.verdict):
    "night_urls" (every url that belongs to the night) and "ids" (url -> article id)."""
    cur.execute("SELECT source, interval_start, interval_end FROM crawl_runs WHERE crawl_run_id = %s",
                (crawl_run_id,))
    source, start, end = cur.fetchone()
    first_day = start.astimezone(KST).date()
    last_day = (end - timedelta(microseconds=1)).astimezone(KST).date()

    # what the surfaces named around the night (one day of slack either side)
    cur.execute("""
        SELECT url, surface, article_id, time_hint, time_form FROM discovery_frontier
        WHERE source = %s AND (
              (time_hint >= %s AND time_hint < %s)
           OR (time_hint IS NULL AND id_day BETWEEN %s AND %s))""",
                (source, start - timedelta(days=1), end + timedelta(days=1), first_day - timedelta(days=1),
                 last_day + timedelta(days=1)))
    named = cur.fetchall()
    # what this run fetched, with each page's own published time
    cur.execute("""
        SELECT p.url, p.article_id, min(r.published_at) FROM crawl_run_pages c
        JOIN raw_pages p USING (raw_key) LEFT JOIN story_revisions r ON r.raw_key = p.raw_key
        WHERE c.crawl_run_id = %s GROUP BY p.url, p.article_id""", (crawl_run_id,))
    fetched = {url: (article_id, published) for url, article_id, published in cur.fetchall()}
    cur.execute("""SELECT url, stage, reason FROM fetch_failures
                   WHERE last_crawl_run_id = %s AND resolved_at IS NULL""", (crawl_run_id,))
    failed = {url: f"{stage}: {reason}" for url, stage, reason in cur.fetchall()}
    cur.execute("""SELECT surface, url, http_status, items, time_forms, problems, reason FROM discovery_reads
                   WHERE crawl_run_id = %s ORDER BY read_id""", (crawl_run_id,))
    reads = cur.fetchall()
    # named during this night's discovery: this crawl's reads and the discover runs since the previous crawl
    cur.execute("""
        SELECT d.surface, jsonb_array_elements_text(d.named) FROM discovery_reads d
        JOIN crawl_runs c ON c.crawl_run_id = %s
        WHERE d.source = c.source AND (d.crawl_run_id = c.crawl_run_id OR (d.crawl_run_id IS NULL AND d.read_at <= now()
              AND d.read_at > coalesce((SELECT max(p.started_at) FROM crawl_runs p WHERE p.source = c.source
                                        AND p.crawl_run_id <> c.crawl_run_id AND p.started_at < c.started_at),
                                       '-infinity')))""", (crawl_run_id,))
    live: dict[str, set[str]] = {s: set() for s in COVERAGE_SURFACES}
    for surface, url in cur.fetchall():
        if surface in live:
            live[surface].add(url)

    hints: dict[str, datetime] = {}
    ids: dict[str, str] = {}
    by_surface: dict[str, set[str]] = {s: set() for s in COVERAGE_SURFACES}
    forms: dict[str, Counter] = {s: Counter() for s in COVERAGE_SURFACES}
    for url, surface, article_id, hint, form in named:
        ids[url] = article_id
        if hint is not None:
            hints.setdefault(url, hint)
        if surface in by_surface:
            by_surface[surface].add(url)
            forms[surface][form] += 1

    def published(url: str) -> datetime | None:
        page = fetched.get(url)
        return (page[1] if page and page[1] else None) or hints.get(url)

    def in_window(url: str) -> bool:
        when = published(url)
        if when is not None:
            return start <= when < end
        day = parse.id_date(ids.get(url) or fetched.get(url, ("",))[0])
        return day is not None and first_day <= day <= last_day

    night_urls = {u for urls in by_surface.values() for u in urls if in_window(u)}
    night_urls |= {u for u in fetched if in_window(u)}
    fetched_in = night_urls & set(fetched)
    failed_in = night_urls & set(failed)
    surfaces_out = {}
    for surface in COVERAGE_SURFACES:
        mine = by_surface[surface] & night_urls
        surface_reads = [r for r in reads if r[0] == surface]
        entry = {"reads": len(surface_reads), "seen": len(by_surface[surface]), "in_window": len(mine),
                 "in_window_this_night": len(live[surface] & night_urls),
                 "fetched": len(mine & fetched_in), "failed": len(mine & failed_in),
                 "time_forms": dict(forms[surface])}
        unread = [{"url": r[1], "reason": r[6]} for r in surface_reads if r[6]]
        if unread:
            entry["unread"] = unread[:20]
        problems = [p for r in surface_reads for p in (r[5] or [])]
        if problems:
            entry["problems"] = problems[:20]
        if not mine or not entry["in_window_this_night"]:
            entry["empty_reason"] = empty_reason(surface_reads, len(by_surface[surface]))
        surfaces_out[surface] = entry
    overlap = Counter("+".join(s for s in COVERAGE_SURFACES if u in by_surface[s]) or "fetched only"
                      for u in night_urls)
    missed = sorted(night_urls - fetched_in - failed_in)
    if sets is not None:
        sets["night_urls"] = night_urls
        sets["ids"] = {u: ids.get(u) or fetched.get(u, ("",))[0] for u in night_urls}
    return {
        "night": first_day.isoformat(),
        "in_window": len(night_urls), "fetched": len(fetched_in), "failed": len(failed_in),
        "named_not_fetched": len(missed), "named_not_fetched_urls": missed[:20],
        "fetched_out_of_window": len(set(fetched) - night_urls),
        "surfaces": surfaces_out,
        "overlap": dict(sorted(overlap.items())),
        "serials": serial_gaps([ids.get(u) or fetched[u][0] for u in night_urls], first_day, last_day),
    }


def empty_reason(reads: list, seen: int) -> str:
    if not reads and not seen:
        return "not read by this crawl, and no sighting in the frontier"
    failed = sorted(f"{r[1]}: {r[6]}" for r in reads if r[6])
    if failed and len(failed) == len(reads):
        return "every read failed or named nothing: " + "; ".join(failed[:10])
    items = sum(r[3] or 0 for r in reads)
    return f"parsed {items} items in {len(reads)} reads, none in the window" + (
        f" ({'; '.join(failed[:3])})" if failed else "")


def serial_gaps(article_ids: list[str], first_day, last_day) -> dict:
    """The day's serials seen against 1 .. highest: "serials 1-104, 3 missing: 0041, 0077, 0090"."""
    serials = sorted({parse.serial(a) for a in article_ids
                      if parse.serial(a) is not None and first_day <= (parse.id_date(a) or first_day.min) <= last_day})
    if not serials:
        return {"seen": 0, "highest": 0, "missing": 0, "missing_share": 0.0, "text": "no serials of the night"}
    highest = serials[-1]
    missing = sorted(set(range(1, highest + 1)) - set(serials))
    shown = ", ".join(f"{m:04d}" for m in missing[:MAX_MISSING_SHOWN]) + (", ..." if len(missing) > MAX_MISSING_SHOWN
                                                                         else "")
    text = f"serials 1-{highest}, {len(missing)} missing" + (f": {shown}" if missing else "")
    return {"seen": len(serials), "highest": highest, "missing": len(missing),
            "missing_share": round(len(missing) / highest, 4), "missing_serials": missing[:200], "text": text}


def previous_coverage(cur, crawl_run_id: int, nights: int = DRIFT_NIGHTS) -> list[dict]:
    """Coverage of the latest run of each of the previous `nights` nights of the same source."""
    cur.execute("""
        SELECT DISTINCT ON (p.interval_start) p.summary->'coverage' FROM crawl_runs p
        JOIN crawl_runs c ON c.crawl_run_id = %s AND p.source = c.source AND p.interval_start < c.interval_start
        WHERE p.summary ? 'coverage'
        ORDER BY p.interval_start DESC, p.crawl_run_id DESC LIMIT %s""", (crawl_run_id, nights))
    return [row[0] for row in cur.fetchall() if row[0]]


def problems(coverage: dict, previous: list[dict]) -> list[str]:
    found = []
    for surface, entry in coverage["surfaces"].items():
        before = [p["surfaces"].get(surface, {}).get("in_window_this_night", 0) for p in previous if p.get("surfaces")]
        if entry["in_window_this_night"] == 0 and any(before):
            found.append(f"discovery drift: surface {surface} yielded no item in the window (it yielded "
                         f"{', '.join(map(str, before))} on the previous nights): {entry.get('empty_reason')}")
    serials = coverage["serials"]
    if serials["highest"] and serials["missing_share"] > max_serial_gap_share():
        found.append(f"serial gaps: {serials['text']} ({serials['missing_share']:.0%} of the range unseen, "
                     f"more than {max_serial_gap_share():.0%})")
    return found


def format_coverage(coverage: dict) -> str:
    """One operator's paragraph for a night (make demo, logs)."""
    parts = [f"{coverage['in_window']} in the night, {coverage['fetched']} fetched, {coverage['failed']} failed, "
             f"{coverage['named_not_fetched']} named but not fetched, {coverage['fetched_out_of_window']} fetched "
             "outside the night"]
    for surface, e in coverage["surfaces"].items():
        line = (f"  {surface:<8} seen {e['seen']:>4}, in window {e['in_window']:>4} "
                f"({e['in_window_this_night']} named this night), fetched {e['fetched']:>4}, failed {e['failed']:>3}; "
                f"forms {e['time_forms'] or '-'}")
        if "empty_reason" in e:
            line += f"; EMPTY: {e['empty_reason']}"
        parts.append(line)
    parts.append("  overlap: " + ", ".join(f"{k} {v}" for k, v in coverage["overlap"].items()))
    parts.append("  " + coverage["serials"]["text"])
    return "\n".join(parts)
