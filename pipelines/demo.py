"""`make demo`: run the real nightly DAG over the replay site's nights on the embedded defaults.

Starts the replay site on 127.0.0.1, uses DATABASE_URL or starts the embedded PostgreSQL,
keeps raw pages in WIREDESK_HOME/raw (or S3 if configured), runs `airflow dags test
yonhap_nightly` once per night, then prints per-night counts and an example query.
"""
from __future__ import annotations

import os
import sys
import time

from pipelines import airflow_runs, config, db, queries
from pipelines.discovery.coverage import format_coverage


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
    try:
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
