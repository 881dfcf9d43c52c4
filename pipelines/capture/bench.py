"""`make bench-capture`: a replayed day of in-place edits, captured every 20 minutes, with the nightly.

Serves a generated day of 300 pages (replay.generate) with in-place edits (replay.edits: about a third
of the pages edited once to three times, minutes, hours or a day after publication) on the replay
site's clock, runs a capture pass every 20 minutes of that clock from 06:00 to 12:00 the next day and
the nightly run at 01:30, then prints: the states that lived an hour or more against those stored as
revisions, LD revisions joined to their story, page requests per article (mean, largest), the time of
one pass (median, largest) and the delay from publication to first capture (median, worst).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time as clock
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

from pipelines import db
from pipelines.intervals import KST


def replay_day(site, night, start: datetime, end: datetime, nightly_at: datetime | None = None) -> dict:
    """Drive capture passes every 20 minutes of the site's clock over [start, end] (and the nightly run at
    `nightly_at`); return the figures. DATABASE_URL, the raw store and the base url must point at `site`."""
    from pipelines import nightly
    from pipelines.capture import passes

    pass_seconds, failed_passes, nightly_status = [], [], None
    when = start
    while when <= end:
        if nightly_at is not None and when - timedelta(minutes=20) < nightly_at <= when:
            site.set_clock(nightly_at)
            code, summary = nightly.run_night_summary(night.date, f"bench-{night.date}")
            nightly_status = (code, summary.get("error"))
        site.set_clock(when)
        began = clock.perf_counter()
        summary = passes.run_pass(when)
        pass_seconds.append(clock.perf_counter() - began)
        if summary.problems or summary.failures:
            failed_passes.append(summary.as_dict())
        when += timedelta(minutes=20)
    return {**measure(site, night, end), "pass_seconds": pass_seconds, "failed_passes": failed_passes,
            "nightly": nightly_status}


def measure(site, night, end: datetime) -> dict:
    from replay.edits import state_spans

    with db.transaction() as conn, conn.cursor() as cur:
        cur.execute("SELECT article_id, body_paragraphs, story_id FROM story_revisions")
        stored: dict[str, list] = {}
        story_of: dict[str, set] = {}
        for article_id, paragraphs, story_id in cur.fetchall():
            stored.setdefault(article_id, []).append(paragraphs[-1] if paragraphs else None)
            story_of.setdefault(article_id, set()).add(story_id)
        cur.execute("SELECT article_id, extract(epoch FROM first_captured_at) FROM capture_articles "
                    "WHERE first_captured_at IS NOT NULL")
        captured_at = dict(cur.fetchall())
    lived = [s for s in state_spans(night, end) if s[3] - s[2] >= timedelta(hours=1)]
    kept = [s for s in lived if s[1][-1] in stored.get(s[0], [])]
    # an LD published by `end` joins its story when every stored page of the story sits in one story
    by_key: dict[str, set] = {}
    for a in night.articles:
        if a.published <= end:
            by_key.setdefault(a.story_key, set()).update(story_of.get(a.article_id, {None}))
    lds = [a for a in night.articles if a.label and a.published <= end]
    joined = [a for a in lds if len(by_key[a.story_key]) == 1 and None not in by_key[a.story_key]]
    views = Counter(path.split("?")[0] for method, path, status in site.requests if path.startswith("/view/"))
    delays = [(float(captured_at[a.article_id]) - a.published.timestamp()) / 60 for a in night.articles
              if a.article_id in captured_at]
    return {"states_lived_1h": len(lived), "states_kept": len(kept), "lds": len(lds), "lds_joined": len(joined),
            "requests_mean": sum(views.values()) / max(1, len(views)), "requests_max": max(views.values(), default=0),
            "articles": len(night.articles), "articles_captured": len(captured_at),
            "delay_median_min": statistics.median(delays) if delays else None,
            "delay_worst_min": max(delays, default=None),
            "not_modified": sum(1 for _, p, s in site.requests if p.startswith("/view/") and s == 304)}


def edited_day(day: date, pages: int, seed: int = 0):
    from replay.edits import day_with_edits
    from replay.generate import generate_night

    return day_with_edits(generate_night(day, pages, seed=seed), seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--day", default="2023-06-01")
    args = parser.parse_args(argv)
    from replay.server import ReplaySite

    day = date.fromisoformat(args.day)
    night = edited_day(day, args.pages)
    start = datetime.combine(day, time(6, 0), tzinfo=KST)
    end = datetime.combine(day + timedelta(days=1), time(12, 0), tzinfo=KST)
    with tempfile.TemporaryDirectory(prefix="wiredesk-bench-capture-") as work:
        os.environ.update({"WIREDESK_HOME": work, "WIREDESK_ALLOW_LOOPBACK": "1", "WIREDESK_THROTTLE": "0"})
        os.environ.pop("WIREDESK_S3_BUCKET", None)
        server = db.available_server_url(Path(work) / "pg")
        with db.scratch_database(server, prefix="wiredesk_bench") as url, ReplaySite(nights=[night]).start() as site:
            os.environ["DATABASE_URL"] = url
            os.environ["WIREDESK_YONHAP_BASE_URL"] = site.base_url
            began = clock.perf_counter()
            r = replay_day(site, night, start, end, nightly_at=datetime.combine(day + timedelta(days=1), time(1, 30),
                                                                               tzinfo=KST))
            total = clock.perf_counter() - began
    share = r["states_kept"] / max(1, r["states_lived_1h"])
    print(f"day {day}: {r['articles']} pages, {len(r['pass_seconds'])} capture passes 06:00 -> 12:00 next day, "
          f"nightly at 01:30 (exit {r['nightly'][0] if r['nightly'] else '-'}); {total:.0f} s in all")
    print(f"states that lived >= 1 h: {r['states_kept']} stored of {r['states_lived_1h']} ({share:.1%}; target >= 95%)")
    print(f"LD revisions joined to their story: {r['lds_joined']} of {r['lds']}")
    print(f"page requests per article: mean {r['requests_mean']:.1f}, largest {r['requests_max']} (target <= 40); "
          f"304s: {r['not_modified']}")
    print(f"one capture pass: median {statistics.median(r['pass_seconds']):.1f} s, largest "
          f"{max(r['pass_seconds']):.1f} s")
    print(f"delay publication -> first capture: median {r['delay_median_min']:.1f} min (target <= 20), "
          f"worst {r['delay_worst_min']:.1f} min")
    print(f"passes with failures or problems: {len(r['failed_passes'])}")
    ok = (share >= 0.95 and r["lds_joined"] == r["lds"] and r["requests_max"] <= 40 and not r["failed_passes"]
          and r["nightly"] and r["nightly"][0] == 0 and r["delay_median_min"] <= 20)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
