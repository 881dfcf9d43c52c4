"""
### Yonhap export

Every day at 04:30 KST, three hours after `yonhap_nightly`, write the night it crawled (the KST day
before) as Parquet into the raw store's bucket (or local folder), readable with DuckDB or pandas
without database access:

- `curated/yonhap/stories/night=YYYY-MM-DD/stories.parquet`: every story with a revision that night,
  with its latest text, revision count, first and last seen;
- `curated/yonhap/revisions/night=YYYY-MM-DD/revisions.parquet`: every revision of that night.

Schema: docs/export.md. The task fails (and retries) until the night's crawl has passed its check;
rerunning a night rewrites the same two files with the night's current state.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, dag, task

from pipelines import alerts


@dag(
    dag_id="yonhap_export",
    schedule=CronDataIntervalTimetable("30 4 * * *", timezone="Asia/Seoul"),
    start_date=pendulum.datetime(2023, 5, 1, tz="Asia/Seoul"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 3,
        "retry_delay": timedelta(minutes=10),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(hours=2),
        "on_failure_callback": alerts.on_failure,
    },
    tags=["wiredesk", "yonhap", "export"],
    doc_md=__doc__,
)
def yonhap_export():
    @task
    def export_night(data_interval_start=None) -> dict:
        from pipelines import export
        from pipelines.intervals import night_for_data_interval

        return export.export_night_to_store(night_for_data_interval(data_interval_start))

    export_night()


yonhap_export()
