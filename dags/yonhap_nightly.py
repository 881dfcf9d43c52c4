"""
### Yonhap nightly

Every night at 01:30 KST, archive the previous KST day of Yonhap English wire copy:

1. **crawl**: the `yonhap` spider fetches the day's frontier (what `yonhap_capture` saw) and what it
   discovers itself (RSS, news sitemap, listings as the backstop), politely, and archives each raw page
   (content-addressed) before anything else;
2. **load**: `plan_batches` cuts the night's archived pages into batches of raw-key ranges;
   `load_batch` (one mapped task per batch, spread over the workers) extracts its pages and upserts
   one `story_revisions` row per distinct version in one transaction; `finish_load` records the totals;
3. **group**: gives new revisions their story and refreshes `stories`;
4. **check**: fails the run when the night yields no stories, too many pages fail extraction, a
   discovery surface drifts to nothing or the day's article-id serials show too many gaps
   (without retrying: the data would not change); a passing check stores the run summary in
   `crawl_runs.summary` and attaches it to the `wiredesk://yonhap/stories` asset event of the run
   (stories new/revised/unchanged, pages failed by reason, discovery coverage per surface).

Every run id begins with the night it crawls: `scheduled__2023-05-10T16:30:00+00:00` (and `backfill__…`,
`manual__…` alike) is night 2023-05-10 (KST); the time is the run's start, 01:30 KST the next morning, in UTC.
Tasks pass a crawl run id and counts, never pages. Rerunning a night changes nothing.
A task's final failure calls `pipelines.alerts.on_failure` (webhook `WIREDESK_ALERT_WEBHOOK`,
e-mail `WIREDESK_ALERT_EMAIL`, else a log line). Backfill a range with
`airflow backfill create --dag-id yonhap_nightly --from-date ... --to-date ...` (docs/operations-runs.md).
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, task

from pipelines import alerts
from pipelines.timetables import nightly_schedule

STORIES = Asset("wiredesk://yonhap/stories")


@dag(
    dag_id="yonhap_nightly",
    # 01:30 KST daily, data intervals in KST; every run id begins with its night (pipelines/timetables.py)
    schedule=nightly_schedule(),
    start_date=pendulum.datetime(2023, 5, 1, tz="Asia/Seoul"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=30),
        "on_failure_callback": alerts.on_failure,
    },
    tags=["wiredesk", "yonhap", "nightly"],
    doc_md=__doc__,
)
def yonhap_nightly():
    @task
    def crawl(data_interval_start=None, run_id=None) -> dict:
        from pipelines import nightly

        return nightly.crawl_night_for_run(data_interval_start, run_id)

    @task
    def plan_batches(crawled: dict) -> list[dict]:
        from pipelines import nightly

        return nightly.plan_load(crawled["crawl_run_id"])

    # A batch is small and idempotent, and its usual failure is a lost worker: retry it soon, elsewhere.
    @task(retry_delay=timedelta(seconds=10), max_retry_delay=timedelta(minutes=5))
    def load_batch(batch: dict) -> dict:
        from pipelines import nightly

        return nightly.load_batch(batch)

    # none_failed: a night without pages maps no batch (skipped), and the check must still judge it.
    @task(trigger_rule="none_failed")
    def finish_load(crawled: dict, batches: list[dict]) -> dict:
        from pipelines import nightly

        return nightly.finish_load(crawled["crawl_run_id"], len(batches))

    @task
    def group(crawled: dict, loaded: dict) -> dict:
        from pipelines import nightly

        return nightly.group_run(crawled["crawl_run_id"])

    @task(outlets=[STORIES])
    def check(crawled: dict, grouped: dict, outlet_events=None) -> dict:
        from pipelines import nightly

        return nightly.check_run_in_airflow(crawled["crawl_run_id"], crawled["night"], outlet_events[STORIES])

    crawled = crawl()
    batches = plan_batches(crawled)
    loaded = finish_load(crawled, batches)
    load_batch.expand(batch=batches) >> loaded
    check(crawled, group(crawled, loaded))


yonhap_nightly()
