"""
### Yonhap reprocess

Manual only. Re-extracts the archived raw pages of the KST nights `start`..`end` (inclusive) with the
current extractor, **without fetching anything**, and writes what changed:

- an unchanged extraction (same content hash) writes nothing;
- a changed one adds a `story_revisions` row with the new `extractor_version`; the old row moves to
  `story_revisions_superseded` (`superseded_by` = the new row);
- the affected stories are regrouped and refreshed, so they point at the newest extraction.

The counts (bodies, headlines, labels changed, pages failed) and a few examples go to the task log,
its return value, the `reprocess_runs` table and the `wiredesk://yonhap/stories` asset event.
Running the same range again changes nothing.

Trigger: `airflow dags trigger yonhap_reprocess --conf '{"start": "2023-05-09", "end": "2023-05-10"}'`
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, Param, dag, task

from pipelines import alerts

STORIES = Asset("wiredesk://yonhap/stories")


@dag(
    dag_id="yonhap_reprocess",
    schedule=None,
    start_date=pendulum.datetime(2023, 5, 1, tz="Asia/Seoul"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 1,
        "retry_delay": timedelta(minutes=2),
        "on_failure_callback": alerts.on_failure,
    },
    params={
        "start": Param(type="string", format="date", description="first KST night to re-extract, YYYY-MM-DD"),
        "end": Param(type="string", format="date", description="last KST night (inclusive), YYYY-MM-DD"),
    },
    tags=["wiredesk", "yonhap", "reprocess"],
    doc_md=__doc__,
)
def yonhap_reprocess():
    @task(outlets=[STORIES])
    def reprocess(params=None, run_id=None, outlet_events=None) -> dict:
        from pipelines import reprocess

        return reprocess.reprocess_for_run(params["start"], params["end"], run_id, outlet_events[STORIES])

    reprocess()


yonhap_reprocess()
