"""`make demo`: run the real nightly DAG over the replay site's nights on the embedded defaults.

Starts the replay site on 127.0.0.1, uses DATABASE_URL or starts the embedded PostgreSQL,
keeps raw pages in WIREDESK_HOME/raw (or S3 if configured), replays one day of capture passes
(every 20 minutes of the site's clock: the day's in-place edits are kept as revisions), runs
`airflow dags test yonhap_nightly` once per night, then prints per-night counts, the in-place
states captured and an example query.
"""
from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from pipelines import airflow_runs, config, db, queries
from pipelines.discovery.coverage import format_coverage
from pipelines.intervals import KST

# The day whose capture passes the demo replays: on 2023-05-10 "Yoon marks 1st year in office" is first
# filed at 11:02 and rewritten in place at 15:47; a single nightly fetch would keep only the later text.
CAPTURE_HOURS = (6, 18)


def capture_day(site, day: date) -> dict:
    """Capture passes every 20 minutes of the site's clock over CAPTURE_HOURS of `day`, in this process
    (the yonhap_capture DAG runs the same pass); the totals of the passes."""
    from pipelines.capture import passes

    when = datetime.combine(day, clock_time(CAPTURE_HOURS[0]), tzinfo=KST)
    end = datetime.combine(day, clock_time(CAPTURE_HOURS[1]), tzinfo=KST)
    totals = {"passes": 0, "new_articles": 0, "revisits": 0, "changed": 0, "not_modified": 0, "failures": 0}
    try:
        while when <= end:
            site.set_clock(when)
            summary = passes.run_pass(when).as_dict()
            totals["passes"] += 1
            for name in totals.keys() - {"passes"}:
                totals[name] += summary[name]
            when += timedelta(minutes=20)
    finally:
        site.set_clock(None)  # the nightly runs see every page in its latest state
    return totals


def main() -> int:
    from replay.server import ReplaySite

    started_embedded = not os.environ.get("DATABASE_URL")
    url = db.database_url()  # starts the embedded server when DATABASE_URL is unset
    db.migrate()
    from replay.stories import nights as replay_nights

    nights = [night.date for night in replay_nights()]
    site = ReplaySite().start()
    print(f"replay site: {site.base_url}")
    print(f"database:    {'embedded PostgreSQL in ' + str(db.embedded_pgdata()) if started_embedded else 'DATABASE_URL'}")
    from pipelines.rawstore import open_store

    print(f"raw store:   {open_store().describe()}")
    env = airflow_runs.airflow_env(config.home() / "airflow-demo", {
        "DATABASE_URL": url,
        "WIREDESK_YONHAP_BASE_URL": site.base_url,
        "WIREDESK_ALLOW_LOOPBACK": "1",  # the replay site lives on loopback
        "WIREDESK_THROTTLE": "0",  # and is ours: no need to be polite to it
    })
    failed = False
    pipeline_env = {name: env[name] for name in ("DATABASE_URL", "WIREDESK_YONHAP_BASE_URL", "WIREDESK_ALLOW_LOOPBACK",
                                                "WIREDESK_THROTTLE")}
    try:
        os.environ.update(pipeline_env)
        began = time.monotonic()
        captured = capture_day(site, nights[1])
        print(f"capture {nights[1]} {CAPTURE_HOURS[0]:02d}:00-{CAPTURE_HOURS[1]:02d}:00 KST every 20 min: "
              + ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in captured.items())
              + f" ({time.monotonic() - began:.1f}s)")
        failed = captured["failures"] > 0
        airflow_runs.ensure_metadata_db(env)
        for night in nights:
            began = time.monotonic()
            proc = airflow_runs.dags_test("yonhap_nightly", airflow_runs.logical_date_for_night(night), env)
            outcome = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
            print(f"night {night}: DAG run {outcome} in {time.monotonic() - began:.1f}s")
            if proc.returncode != 0:
                failed = True
                print(proc.stdout[-4000:], proc.stderr[-4000:], sep="\n")
    finally:
        site.stop()
    with db.transaction() as conn, conn.cursor() as cur:
        print()
        print(queries.format_rows(*queries.run_sql(cur, """
            SELECT (interval_start AT TIME ZONE 'Asia/Seoul')::date AS night, status, pages_fetched, pages_failed,
                   pages_failed_extract, revisions_new, stories_new, stories_revised, stories_unchanged
            FROM crawl_runs ORDER BY interval_start, crawl_run_id""")))
        print("\ndiscovery coverage per night (pipelines/discovery/coverage.py):")
        cur.execute("""SELECT DISTINCT ON (interval_start) (interval_start AT TIME ZONE 'Asia/Seoul')::date,
                              summary->'coverage' FROM crawl_runs WHERE summary ? 'coverage'
                       ORDER BY interval_start, crawl_run_id DESC""")
        for night, coverage in cur.fetchall():
            print(f"night {night}: {format_coverage(coverage)}")
        cur.execute("SELECT count(*) FROM stories")
        stories = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM story_revisions")
        revisions = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM raw_pages")
        raw = cur.fetchone()[0]
        print(f"\n{stories} stories, {revisions} revisions, {raw} raw pages archived\n")
        print("in-place states kept by capture (same article id, new text), in capture order:")
        print(queries.format_rows(*queries.run_sql(cur, """
            SELECT article_id, to_char(first_captured_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD HH24:MI') AS captured,
                   to_char(page_modified_at AT TIME ZONE 'Asia/Seoul', 'HH24:MI') AS modified, left(headline, 60) AS headline
            FROM story_revisions WHERE article_id IN (
                SELECT article_id FROM story_revisions GROUP BY article_id HAVING count(*) > 1)
            ORDER BY article_id, first_captured_at""")))
        print()
        name = "stories_with_revisions.sql"
        print(f"sql/queries/{name}:")
        print(queries.format_rows(*queries.run_named(cur, name, {"day": str(nights[1])})))
    if started_embedded:
        print("\nThe embedded PostgreSQL keeps running for your queries: "
              "`.venv/bin/python -m pipelines.db url` prints its URL, `make db-stop` stops it.")
    return 1 if failed else 0


if __name__ == "__main__":
    from pipelines import cli

    sys.exit(cli.run(main, prog="python -m pipelines.demo"))
