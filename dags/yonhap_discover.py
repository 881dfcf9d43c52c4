"""
### Yonhap discover

Every 20 minutes, read the Yonhap English RSS channels and news sitemap(s) once and record every
article they name in the frontier (`discovery_frontier`: canonical url, article id, surface, first
seen, the time the surface gave). No article is fetched here.

Why: a feed holds only the latest ~100 items, less than a day of copy, so the nightly crawl at
01:30 KST cannot get a whole day from feeds read once. `yonhap_nightly` fetches its night's frontier
plus what its own discovery finds; listings are the backstop. Every read is kept in
`discovery_reads` with its reason when it named nothing (a failed or empty read is never a silent
zero). A rerun of an interval replaces that run's reads and leaves the frontier as it was.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, dag, task

from pipelines import alerts


@dag(
    dag_id="yonhap_discover",
    schedule=CronDataIntervalTimetable("*/20 * * * *", timezone="Asia/Seoul"),
    start_date=pendulum.datetime(2023, 5, 1, tz="Asia/Seoul"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=15),
    default_args={
        "retries": 2,
        "retry_delay": timedelta(minutes=1),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=5),
        "on_failure_callback": alerts.on_failure,
    },
    tags=["wiredesk", "yonhap", "discovery"],
    doc_md=__doc__,
)
def yonhap_discover():
    @task
    def discover(data_interval_start=None, data_interval_end=None, run_id=None) -> dict:
        from pipelines.discovery import dag_tasks

        return dag_tasks.discover_for_run(data_interval_start, data_interval_end, run_id)

    discover()


yonhap_discover()
