"""
### Yonhap capture

Every 20 minutes, one capture pass as of the end of the run's data interval
(`python -m pipelines.capture --now <interval end>` does the same by hand):

1. read the RSS channels and news sitemap(s) once and record every article they name in the frontier
   (`discovery_frontier`) and in the capture state (`capture_articles`, first sighting);
2. fetch every named article never fetched, and re-fetch those whose revisit is due
   (`WIREDESK_REVISIT_SCHEDULE`, default `1h<12h,2h<36h,24h<7d`: hourly while an article is quiet
   less than 12 h, every 2 h to 36 h, daily to 7 days; a change resets the quiet time), at most
   `WIREDESK_REVISIT_BUDGET` (30) page requests per article, with `If-None-Match` / `If-Modified-Since`
   so an unchanged page costs a 304;
3. archive each page raw first (Scrapy, the project's settings and middlewares), extract it, store a
   revision when it differs from every stored state of the article, and group it at once.

`yonhap_nightly` stays the unit of account: it fetches its night's frontier (what capture missed too),
groups, checks and reports the night, with capture's coverage. Replaces `yonhap_discover`. A pass
whose surface or raw store failed fails the task (retried); a rerun of an interval changes nothing.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, dag, task

from pipelines import alerts


@dag(
    dag_id="yonhap_capture",
    schedule=CronDataIntervalTimetable("*/20 * * * *", timezone="Asia/Seoul"),
    start_date=pendulum.datetime(2023, 5, 1, tz="Asia/Seoul"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=18),
    default_args={
        "retries": 2,
        "retry_delay": timedelta(minutes=1),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=5),
        "on_failure_callback": alerts.on_failure,
    },
    tags=["wiredesk", "yonhap", "discovery", "capture"],
    doc_md=__doc__,
)
def yonhap_capture():
    @task
    def capture(data_interval_end=None) -> dict:
        from pipelines.capture import passes

        return passes.capture_for_run(data_interval_end)

    capture()


yonhap_capture()
